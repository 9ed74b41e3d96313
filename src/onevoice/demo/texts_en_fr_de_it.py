"""Wording of the simulated news cycle in English, French, German and Italian.

See :mod:`onevoice.demo.texts` for the template syntax and the keys of each block.
"""

from __future__ import annotations

__all__ = ["EN_FR_DE_IT"]

EN_FR_DE_IT: dict[str, dict[str, object]] = {
    "en": {
        "city": "Johannesburg",
        "tag": "G20Summit",
        "offsets": [
            (-5.0, 3),
            (0.0, 3),
            (2.0, 2),
            (10.0, 1),
            (-8.0, 1),
            (5.5, 1),
        ],
        "frames": [
            "[Breaking|Just in|Update]: {topic}",
            "G20 {city}: {topic}",
            "[Reports say|Sources say|Delegates say] {topic}",
            "Day {day} of the summit: {topic}",
            "What you need to know today: {topic}",
        ],
        "topics": {
            "climate": [
                "leaders [agree on|back] a new climate finance roadmap",
                "talks stall over climate finance targets",
            ],
            "debt": [
                "ministers [push|call] for debt relief for low-income countries",
                "a deal on debt restructuring is [close|within reach]",
            ],
            "trade": [
                "tensions over tariffs [overshadow|dominate] the talks",
                "leaders pledge to keep trade open",
            ],
            "ai": [
                "the presidency proposes shared rules for artificial intelligence",
                "AI governance [makes it into|enters] the draft declaration",
            ],
            "food": [
                "a new alliance on food security is [launched|announced]",
                "food prices top the agenda",
            ],
            "health": [
                "health ministers agree to fund pandemic preparedness",
                "a [global|joint] vaccine plan is on the table",
            ],
            "energy": [
                "leaders [commit|pledge] to triple renewable energy",
                "the energy transition [divides|splits] delegations",
            ],
            "protest": [
                "thousands [march|rally] outside the summit venue",
                "police [close|block] roads as protesters gather",
            ],
        },
        "reactions": [
            "[Finally|At last], some progress.",
            "Not convinced this changes anything.",
            "Worth reading.",
            "Let's see if they deliver.",
            "Big day for the Global South.",
        ],
        "given": [
            "James",
            "Olivia",
            "Michael",
            "Sarah",
            "David",
            "Emily",
            "Daniel",
            "Grace",
            "Thabo",
            "Naledi",
        ],
        "surnames": [
            "Smith",
            "Johnson",
            "Brown",
            "Taylor",
            "Wilson",
            "Walker",
            "Moore",
            "Clarke",
            "Nkosi",
            "Dlamini",
        ],
    },
    "fr": {
        "city": "Johannesburg",
        "tag": "SommetG20",
        "offsets": [
            (1.0, 5),
            (-5.0, 1),
            (0.0, 1),
        ],
        "frames": [
            "[Dernière minute|Info|Direct] : {topic}",
            "G20 {city} : {topic}",
            "[Selon des délégués|Selon nos sources|D'après des diplomates], {topic}",
            "Jour {day} du sommet : {topic}",
            "Ce qu'il faut retenir aujourd'hui : {topic}",
        ],
        "topics": {
            "climate": [
                "les dirigeants [adoptent|soutiennent] une feuille de route sur la finance climat",
                "les discussions sur la finance climat sont au point mort",
            ],
            "debt": [
                "les ministres [plaident|militent] pour un allègement de la dette des pays pauvres",
                "un accord sur la restructuration de la dette est [proche|à portée de main]",
            ],
            "trade": [
                "les tensions sur les droits de douane [dominent|éclipsent] les débats",
                "les dirigeants promettent de préserver le libre-échange",
            ],
            "ai": [
                "la présidence propose des règles communes pour l'intelligence artificielle",
                "la gouvernance de l'IA [entre|figure] dans le projet de déclaration",
            ],
            "food": [
                "une nouvelle alliance pour la sécurité alimentaire est [lancée|annoncée]",
                "les prix alimentaires en tête de l'ordre du jour",
            ],
            "health": [
                "les ministres de la santé financent la préparation aux pandémies",
                "un plan vaccinal [mondial|commun] est sur la table",
            ],
            "energy": [
                "les dirigeants [s'engagent|promettent] à tripler les énergies renouvelables",
                "la transition énergétique [divise|fracture] les délégations",
            ],
            "protest": [
                "des milliers de personnes [manifestent|défilent] près du sommet",
                "la police [ferme|bloque] des routes face aux manifestants",
            ],
        },
        "reactions": [
            "Enfin un progrès.",
            "Pas convaincu que ça change quoi que ce soit.",
            "À lire.",
            "On verra s'ils tiennent parole.",
            "Grande journée pour le Sud global.",
        ],
        "given": [
            "Camille",
            "Julien",
            "Léa",
            "Mathieu",
            "Chloé",
            "Nicolas",
            "Manon",
            "Antoine",
        ],
        "surnames": [
            "Martin",
            "Bernard",
            "Dubois",
            "Lefèvre",
            "Moreau",
            "Laurent",
            "Girard",
            "Roux",
        ],
    },
    "de": {
        "city": "Johannesburg",
        "tag": "G20Gipfel",
        "offsets": [
            (1.0, 1),
        ],
        "frames": [
            "[Eilmeldung|Aktuell|Update]: {topic}",
            "G20 {city}: {topic}",
            "[Delegierte berichten|Aus Verhandlungskreisen|Laut Diplomaten]: {topic}",
            "Tag {day} des Gipfels: {topic}",
            "Das Wichtigste heute: {topic}",
        ],
        "topics": {
            "climate": [
                "Staats- und Regierungschefs [einigen sich auf|unterstützen] einen Fahrplan "
                "für Klimafinanzierung",
                "Gespräche über Klimafinanzierung stocken",
            ],
            "debt": [
                "Finanzminister [drängen auf|fordern] Schuldenerleichterungen für arme Länder",
                "eine Einigung zur Umschuldung ist [nah|in Reichweite]",
            ],
            "trade": [
                "Streit um Zölle [überschattet|dominiert] die Gespräche",
                "die Gipfelteilnehmer versprechen offene Märkte",
            ],
            "ai": [
                "die Präsidentschaft schlägt gemeinsame Regeln für künstliche Intelligenz vor",
                "KI-Regulierung [landet|steht] im Entwurf der Abschlusserklärung",
            ],
            "food": [
                "eine neue Allianz für Ernährungssicherheit wird [gestartet|angekündigt]",
                "Lebensmittelpreise stehen ganz oben auf der Agenda",
            ],
            "health": [
                "Gesundheitsminister finanzieren Pandemievorsorge",
                "ein [globaler|gemeinsamer] Impfplan liegt auf dem Tisch",
            ],
            "energy": [
                "die Gipfelteilnehmer wollen erneuerbare Energien verdreifachen",
                "die Energiewende [spaltet|entzweit] die Delegationen",
            ],
            "protest": [
                "Tausende [demonstrieren|protestieren] vor dem Tagungsort",
                "Polizei [sperrt|blockiert] Straßen wegen Protesten",
            ],
        },
        "reactions": [
            "Endlich ein Fortschritt.",
            "Ob das etwas ändert? Ich bezweifle es.",
            "Lesenswert.",
            "Mal sehen, ob sie liefern.",
            "Ein wichtiger Tag für den Globalen Süden.",
        ],
        "given": [
            "Lukas",
            "Anna",
            "Jonas",
            "Lena",
            "Felix",
            "Sophie",
            "Paul",
            "Marie",
        ],
        "surnames": [
            "Müller",
            "Schmidt",
            "Schneider",
            "Fischer",
            "Weber",
            "Becker",
            "Wagner",
            "Hoffmann",
        ],
    },
    "it": {
        "city": "Johannesburg",
        "tag": "VerticeG20",
        "offsets": [
            (1.0, 1),
        ],
        "frames": [
            "[Ultima ora|Adesso|In diretta]: {topic}",
            "G20 {city}: {topic}",
            "[Secondo i delegati|Secondo fonti diplomatiche|Fonti del vertice]: {topic}",
            "Giorno {day} del vertice: {topic}",
            "Cosa sapere oggi: {topic}",
        ],
        "topics": {
            "climate": [
                "i leader [approvano|sostengono] una tabella di marcia sulla finanza climatica",
                "si arenano i negoziati sulla finanza climatica",
            ],
            "debt": [
                "i ministri [chiedono|sollecitano] la riduzione del debito dei paesi poveri",
                "un accordo sulla ristrutturazione del debito è [vicino|a portata di mano]",
            ],
            "trade": [
                "le tensioni sui dazi [dominano|oscurano] i colloqui",
                "i leader promettono di mantenere aperto il commercio",
            ],
            "ai": [
                "la presidenza propone regole comuni per l'intelligenza artificiale",
                "la governance dell'IA [entra|compare] nella bozza di dichiarazione",
            ],
            "food": [
                "[lanciata|annunciata] una nuova alleanza per la sicurezza alimentare",
                "i prezzi del cibo in cima all'agenda",
            ],
            "health": [
                "i ministri della salute finanziano la preparazione alle pandemie",
                "un piano vaccinale [globale|comune] è sul tavolo",
            ],
            "energy": [
                "i leader si impegnano a triplicare le rinnovabili",
                "la transizione energetica [divide|spacca] le delegazioni",
            ],
            "protest": [
                "migliaia di persone [in corteo|in piazza] vicino al vertice",
                "la polizia [chiude|blocca] le strade per le proteste",
            ],
        },
        "reactions": [
            "Finalmente un passo avanti.",
            "Non credo che cambierà qualcosa.",
            "Da leggere.",
            "Vediamo se manterranno le promesse.",
            "Giornata importante per il Sud globale.",
        ],
        "given": [
            "Giulia",
            "Marco",
            "Francesca",
            "Luca",
            "Chiara",
            "Alessandro",
            "Sara",
            "Matteo",
        ],
        "surnames": [
            "Rossi",
            "Russo",
            "Ferrari",
            "Esposito",
            "Bianchi",
            "Romano",
            "Colombo",
            "Ricci",
        ],
    },
}

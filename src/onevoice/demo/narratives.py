"""The planted disinformation: narratives, fake news sites, and how sock puppets vary a text.

The copy-paste network posts each narrative in several languages with small edits
(:func:`edit_variant`): an emoji added, a word swapped for its alternative, punctuation
changed, a call to share appended. That is what near-duplicate detection (MinHash over
shingles) must see through, while exact-text matching (the QUT toolkit's co-tweet) misses it.
The two fake sites and the boycott hashtag are invented; organic accounts use the hashtag
too (it rides on the real protest topic), so a hashtag count alone does not find the network.
"""

from __future__ import annotations

import random
import re

__all__ = [
    "BOYCOTT_LINES",
    "BOYCOTT_TAG",
    "FAKE_DOMAINS",
    "NARRATIVES",
    "SLOGAN_TAGS",
    "edit_variant",
    "expand",
    "first_choice",
]

_CHOICE = re.compile(r"\[([^\[\]]*)\]")

#: Two invented "news" sites the link-sharing network pushes.
FAKE_DOMAINS = ("summitwire-report.com", "truthpress24.net")

#: The hashtag the hashtag-pushing network floods, and its slogan hashtag of each burst.
BOYCOTT_TAG = "BoycottG20"
SLOGAN_TAGS = (
    "NotMyG20",
    "G20Scam",
    "G20Fail",
    "StopTheG20",
    "G20Lies",
    "EmptyPromises",
    "G20Circus",
    "WakeUpG20",
)

#: Narrative id -> (slug for the fake sites, {language: template}).
NARRATIVES: dict[str, tuple[str, dict[str, str]]] = {
    "declaration-bankers": (
        "leaked-g20-declaration-written-by-bankers",
        {
            "en": (
                "[Leaked|Exposed|Revealed]: the G20 declaration was written by "
                "[bankers|lobbyists] before the leaders even arrived."
            ),
            "fr": (
                "[Fuite|Révélation] : la déclaration du G20 a été rédigée par des "
                "[banquiers|lobbyistes] avant même l'arrivée des dirigeants."
            ),
            "es": (
                "[Filtrado|Revelado]: la declaración del G20 la escribieron "
                "[banqueros|lobistas] antes de que llegaran los líderes."
            ),
            "de": (
                "[Geleakt|Enthüllt]: Die G20-Erklärung wurde von [Bankern|Lobbyisten] "
                "geschrieben, bevor die Staatschefs überhaupt ankamen."
            ),
        },
    ),
    "climate-fund-weapons": (
        "g20-climate-fund-quietly-cancelled-weapons",
        {
            "en": (
                "The climate fund was [quietly|secretly] cancelled. The money is going to"
                " weapons instead. Why is no one reporting this?"
            ),
            "fr": (
                "Le fonds climat a été [discrètement|secrètement] annulé. L'argent part "
                "dans l'armement. Pourquoi personne n'en parle ?"
            ),
            "es": (
                "El fondo climático fue cancelado [en silencio|en secreto]. El dinero va "
                "a armas. ¿Por qué nadie lo cuenta?"
            ),
            "de": (
                "Der Klimafonds wurde [still und leise|heimlich] gestrichen. Das Geld "
                "fließt in Waffen. Warum berichtet niemand darüber?"
            ),
        },
    ),
    "delegates-mocking": (
        "delegates-caught-mocking-global-south-video",
        {
            "en": (
                "Delegates caught on [camera|video] mocking the Global South. [Media "
                "silent.|The media won't show you this.]"
            ),
            "fr": (
                "Des délégués [filmés|pris en flagrant délit] en train de se moquer du "
                "Sud global. [Silence des médias.|Les médias ne vous le montreront pas.]"
            ),
            "es": (
                "Delegados [grabados|pillados] burlándose del Sur Global. [Silencio en "
                "los medios.|Los medios no te lo mostrarán.]"
            ),
            "de": (
                "Delegierte [gefilmt|auf Video ertappt], wie sie sich über den Globalen "
                "Süden lustig machen. [Die Medien schweigen.|Das zeigen euch die Medien "
                "nicht.]"
            ),
        },
    ),
    "digital-id": (
        "g20-digital-id-plan-track-every-citizen-2030",
        {
            "en": (
                "The summit's digital ID plan will [track|monitor] every citizen by 2030."
                " Read it before they delete it."
            ),
            "fr": (
                "Le plan d'identité numérique du sommet va [surveiller|pister] chaque "
                "citoyen d'ici 2030. Lisez-le avant qu'ils ne le suppriment."
            ),
            "es": (
                "El plan de identidad digital de la cumbre [rastreará|vigilará] a cada "
                "ciudadano en 2030. Léelo antes de que lo borren."
            ),
            "de": (
                "Der digitale ID-Plan des Gipfels wird bis 2030 jeden Bürger "
                "[überwachen|verfolgen]. Lest ihn, bevor er gelöscht wird."
            ),
        },
    ),
    "walkout-staged": (
        "half-of-delegations-walked-out-photos-staged",
        {
            "en": (
                "Half the delegations [walked out|left the room] last night. The official"
                " photos are [staged|fake]."
            ),
            "fr": (
                "La moitié des délégations [ont quitté la salle|ont claqué la porte] hier"
                " soir. Les photos officielles sont [truquées|mises en scène]."
            ),
            "es": (
                "La mitad de las delegaciones [abandonó|dejó] la sala anoche. Las fotos "
                "oficiales son [un montaje|falsas]."
            ),
            "de": (
                "Die Hälfte der Delegationen hat gestern Abend den Saal verlassen. Die "
                "offiziellen Fotos sind [gestellt|gefälscht]."
            ),
        },
    ),
    "food-aid-cronies": (
        "g20-food-aid-will-never-arrive",
        {
            "en": (
                "Food aid pledged at the G20 will [never arrive|go to cronies]. Same "
                "story every year."
            ),
            "fr": (
                "L'aide alimentaire promise au G20 [n'arrivera jamais|ira aux copains]. "
                "Même histoire chaque année."
            ),
            "es": (
                "La ayuda alimentaria prometida en el G20 [nunca llegará|irá a los amigos"
                " del poder]. La misma historia cada año."
            ),
            "de": (
                "Die beim G20 versprochene Lebensmittelhilfe [kommt nie an|landet bei "
                "Günstlingen]. Jedes Jahr dasselbe."
            ),
        },
    ),
}

#: Lines the hashtag-pushing network posts (English, with the boycott hashtag).
BOYCOTT_LINES = [
    "[Don't|Do not] trust a word from this summit.",
    "Another summit, another [lie|scam].",
    "They feast while we pay.",
    "[Wake up|Open your eyes], people.",
    "Nothing good ever came from the G20.",
    "Who voted for these people?",
    "[Billions|Millions] spent on a photo op.",
    "Stay home, switch off, [boycott|ignore] it.",
]

_EMOJI = ["🚨", "⚠️", "👉", "‼️", "🔥", "❗", "👀", "😡"]
_SHARE = {
    "en": ["Share before it's deleted!", "RT if you agree.", "Spread the word."],
    "fr": ["Partagez avant la censure !", "Faites tourner.", "Partagez !"],
    "es": ["¡Compártelo antes de que lo borren!", "Difúndelo.", "RT si estás de acuerdo."],
    "de": ["Teilen, bevor es gelöscht wird!", "Bitte teilen.", "Weitersagen!"],
}


def expand(rng: random.Random, template: str, **slots: object) -> str:
    """Fill ``{slot}`` placeholders and pick one alternative of each ``[a|b]``."""
    text = _CHOICE.sub(lambda m: rng.choice(m.group(1).split("|")), template)
    for key, value in slots.items():
        text = text.replace("{" + key + "}", str(value))
    return text


def first_choice(template: str) -> str:
    """The template with the first alternative of each ``[a|b]`` (the canonical text)."""
    return _CHOICE.sub(lambda m: m.group(1).split("|")[0], template)


def edit_variant(rng: random.Random, template: str, lang: str) -> str:
    """One sock puppet's copy of a narrative: alternatives picked at random plus one or two
    small edits (emoji, punctuation, a call to share)."""
    text = expand(rng, template)
    edits = rng.sample(["emoji_front", "emoji_back", "bang", "share", "caps"], rng.randint(1, 2))
    for edit in edits:
        if edit == "emoji_front":
            text = rng.choice(_EMOJI) + " " + text
        elif edit == "emoji_back":
            text = text + " " + rng.choice(_EMOJI) * rng.randint(1, 2)
        elif edit == "bang" and text.endswith("."):
            text = text[:-1] + "!"
        elif edit == "share":
            text = text + " " + rng.choice(_SHARE.get(lang, _SHARE["en"]))
        elif edit == "caps":
            words = text.split(" ")
            i = rng.randrange(len(words))
            if len(words[i]) > 3 and words[i].isalpha():
                words[i] = words[i].upper()
            text = " ".join(words)
    return text

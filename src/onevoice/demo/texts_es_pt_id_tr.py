"""Wording of the simulated news cycle in Spanish, Portuguese, Indonesian and Turkish.

See :mod:`onevoice.demo.texts` for the template syntax and the keys of each block.
"""

from __future__ import annotations

__all__ = ["ES_PT_ID_TR"]

ES_PT_ID_TR: dict[str, dict[str, object]] = {
    "es": {
        "city": "Johannesburgo",
        "tag": "CumbreG20",
        "offsets": [
            (1.0, 2),
            (-3.0, 2),
            (-6.0, 2),
            (-5.0, 1),
        ],
        "frames": [
            "[Última hora|Ahora|En directo]: {topic}",
            "G20 {city}: {topic}",
            "[Según delegados|Según fuentes diplomáticas|Fuentes de la cumbre]: {topic}",
            "Día {day} de la cumbre: {topic}",
            "Lo que hay que saber hoy: {topic}",
        ],
        "topics": {
            "climate": [
                "los líderes [acuerdan|respaldan] una hoja de ruta de financiación climática",
                "se estancan las negociaciones sobre financiación climática",
            ],
            "debt": [
                "los ministros [piden|reclaman] alivio de deuda para los países pobres",
                "un acuerdo sobre reestructuración de deuda está [cerca|al alcance]",
            ],
            "trade": [
                "la tensión por los aranceles [domina|eclipsa] las conversaciones",
                "los líderes prometen mantener el comercio abierto",
            ],
            "ai": [
                "la presidencia propone reglas comunes para la inteligencia artificial",
                "la gobernanza de la IA [entra|aparece] en el borrador de la declaración",
            ],
            "food": [
                "se [lanza|anuncia] una nueva alianza por la seguridad alimentaria",
                "los precios de los alimentos encabezan la agenda",
            ],
            "health": [
                "los ministros de salud financiarán la preparación ante pandemias",
                "un plan de vacunación [global|conjunto] está sobre la mesa",
            ],
            "energy": [
                "los líderes se comprometen a triplicar las renovables",
                "la transición energética [divide|enfrenta a] las delegaciones",
            ],
            "protest": [
                "miles de personas [marchan|se manifiestan] junto a la sede de la cumbre",
                "la policía [corta|bloquea] calles ante las protestas",
            ],
        },
        "reactions": [
            "Por fin, algo de progreso.",
            "No creo que esto cambie nada.",
            "Vale la pena leerlo.",
            "A ver si cumplen.",
            "Gran día para el Sur Global.",
        ],
        "given": [
            "Lucía",
            "Mateo",
            "Sofía",
            "Javier",
            "Valentina",
            "Diego",
            "Carmen",
            "Alejandro",
        ],
        "surnames": [
            "García",
            "Rodríguez",
            "López",
            "Martínez",
            "Sánchez",
            "Pérez",
            "Gómez",
            "Fernández",
        ],
    },
    "pt": {
        "city": "Joanesburgo",
        "tag": "CúpulaG20",
        "offsets": [
            (-3.0, 5),
            (0.0, 1),
        ],
        "frames": [
            "[Urgente|Agora|Ao vivo]: {topic}",
            "G20 {city}: {topic}",
            "[Segundo delegados|Segundo diplomatas|Fontes da cúpula]: {topic}",
            "Dia {day} da cúpula: {topic}",
            "O que você precisa saber hoje: {topic}",
        ],
        "topics": {
            "climate": [
                "líderes [aprovam|apoiam] um roteiro de financiamento climático",
                "negociações sobre financiamento climático emperram",
            ],
            "debt": [
                "ministros [pedem|defendem] alívio da dívida dos países pobres",
                "acordo sobre reestruturação de dívidas está [próximo|ao alcance]",
            ],
            "trade": [
                "tensões sobre tarifas [dominam|ofuscam] as conversas",
                "líderes prometem manter o comércio aberto",
            ],
            "ai": [
                "presidência propõe regras comuns para a inteligência artificial",
                "governança da IA [entra|aparece] no rascunho da declaração",
            ],
            "food": [
                "nova aliança pela segurança alimentar é [lançada|anunciada]",
                "preço dos alimentos lidera a pauta",
            ],
            "health": [
                "ministros da saúde vão financiar preparação para pandemias",
                "plano de vacinação [global|conjunto] está na mesa",
            ],
            "energy": [
                "líderes prometem triplicar as energias renováveis",
                "transição energética [divide|racha] as delegações",
            ],
            "protest": [
                "milhares [marcham|protestam] perto da sede da cúpula",
                "polícia [fecha|bloqueia] ruas diante dos protestos",
            ],
        },
        "reactions": [
            "Finalmente algum avanço.",
            "Duvido que isso mude alguma coisa.",
            "Vale a leitura.",
            "Vamos ver se cumprem.",
            "Dia importante para o Sul Global.",
        ],
        "given": [
            "Ana",
            "João",
            "Beatriz",
            "Pedro",
            "Mariana",
            "Lucas",
            "Camila",
            "Rafael",
        ],
        "surnames": [
            "Silva",
            "Santos",
            "Oliveira",
            "Souza",
            "Costa",
            "Pereira",
            "Almeida",
            "Ferreira",
        ],
    },
    "id": {
        "city": "Johannesburg",
        "tag": "KTTG20",
        "offsets": [
            (7.0, 4),
            (8.0, 1),
        ],
        "frames": [
            "[Terkini|Breaking|Update]: {topic}",
            "KTT G20 {city}: {topic}",
            "[Menurut delegasi|Menurut sumber diplomatik|Kata sumber]: {topic}",
            "Hari ke-{day} KTT: {topic}",
            "Yang perlu Anda ketahui hari ini: {topic}",
        ],
        "topics": {
            "climate": [
                "para pemimpin [menyepakati|mendukung] peta jalan pendanaan iklim",
                "perundingan pendanaan iklim menemui jalan buntu",
            ],
            "debt": [
                "para menteri [mendesak|menyerukan] keringanan utang bagi negara miskin",
                "kesepakatan restrukturisasi utang [sudah dekat|hampir tercapai]",
            ],
            "trade": [
                "ketegangan tarif [mendominasi|membayangi] perundingan",
                "para pemimpin berjanji menjaga perdagangan terbuka",
            ],
            "ai": [
                "presidensi mengusulkan aturan bersama untuk kecerdasan buatan",
                "tata kelola AI [masuk|tercantum] dalam draf deklarasi",
            ],
            "food": [
                "aliansi baru ketahanan pangan [diluncurkan|diumumkan]",
                "harga pangan jadi agenda utama",
            ],
            "health": [
                "menteri kesehatan sepakat mendanai kesiapsiagaan pandemi",
                "rencana vaksin [global|bersama] dibahas",
            ],
            "energy": [
                "para pemimpin [berjanji|berkomitmen] melipatgandakan energi terbarukan",
                "transisi energi [memecah|membelah] delegasi",
            ],
            "protest": [
                "ribuan orang [berunjuk rasa|berpawai] di dekat lokasi KTT",
                "polisi [menutup|memblokade] jalan karena demonstrasi",
            ],
        },
        "reactions": [
            "Akhirnya ada kemajuan.",
            "Saya ragu ini akan mengubah sesuatu.",
            "Layak dibaca.",
            "Kita lihat apakah mereka menepati janji.",
            "Hari penting bagi negara-negara Selatan.",
        ],
        "given": [
            "Budi",
            "Siti",
            "Agus",
            "Dewi",
            "Rizky",
            "Putri",
            "Andi",
            "Ayu",
        ],
        "surnames": [
            "Santoso",
            "Wijaya",
            "Pratama",
            "Saputra",
            "Hidayat",
            "Kusuma",
            "Nugroho",
            "Lestari",
        ],
    },
    "tr": {
        "city": "Johannesburg",
        "tag": "G20Zirvesi",
        "offsets": [
            (3.0, 1),
        ],
        "frames": [
            "[Son dakika|Şimdi|Güncelleme]: {topic}",
            "G20 {city}: {topic}",
            "[Delegelere göre|Diplomatik kaynaklara göre|Kaynaklara göre] {topic}",
            "Zirvenin {day}. günü: {topic}",
            "Bugün bilmeniz gerekenler: {topic}",
        ],
        "topics": {
            "climate": [
                "liderler iklim finansmanı yol haritasında [uzlaştı|anlaştı]",
                "iklim finansmanı görüşmeleri tıkandı",
            ],
            "debt": [
                "bakanlar yoksul ülkelere borç indirimi [istedi|çağrısı yaptı]",
                "borç yapılandırması anlaşması [yakın|an meselesi]",
            ],
            "trade": [
                "gümrük vergisi gerginliği görüşmelere [damga vurdu|gölge düşürdü]",
                "liderler ticaretin açık kalacağı sözünü verdi",
            ],
            "ai": [
                "dönem başkanlığı yapay zeka için ortak kurallar önerdi",
                "yapay zeka yönetişimi bildiri taslağına [girdi|eklendi]",
            ],
            "food": [
                "gıda güvenliği için yeni bir ittifak [kuruldu|duyuruldu]",
                "gıda fiyatları gündemin ilk sırasında",
            ],
            "health": [
                "sağlık bakanları salgın hazırlığını finanse edecek",
                "[küresel|ortak] aşı planı masada",
            ],
            "energy": [
                "liderler yenilenebilir enerjiyi üç katına çıkarma sözü verdi",
                "enerji dönüşümü heyetleri [böldü|ayırdı]",
            ],
            "protest": [
                "binlerce kişi zirve alanı yakınında [yürüdü|protesto yaptı]",
                "polis protestolar nedeniyle yolları [kapattı|trafiğe kapattı]",
            ],
        },
        "reactions": [
            "Nihayet biraz ilerleme.",
            "Bunun bir şey değiştireceğini sanmıyorum.",
            "Okumaya değer.",
            "Bakalım sözlerini tutacaklar mı.",
            "Küresel Güney için önemli bir gün.",
        ],
        "given": [
            "Mehmet",
            "Ayşe",
            "Mustafa",
            "Zeynep",
            "Emre",
            "Elif",
            "Burak",
            "Merve",
        ],
        "surnames": [
            "Yılmaz",
            "Kaya",
            "Demir",
            "Şahin",
            "Çelik",
            "Yıldız",
            "Aydın",
            "Öztürk",
        ],
    },
}

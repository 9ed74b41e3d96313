"""Wording for the simulated news cycle, in fourteen G20 languages.

Each language's block has: ``city`` (the host city's name), ``tag`` (the summit hashtag
people use in that language), ``offsets`` (UTC offsets of its speakers, weighted),
``frames`` (sentence frames around a ``{topic}`` clause), ``topics`` (two clauses per topic,
matching the two URL slugs of :data:`TOPIC_SLUGS`), ``reactions``, ``given`` and
``surnames`` (``native/romanised`` where the script is not Latin), and ``order: "sg"`` where
the surname comes first.

Templates use two kinds of slot: ``{topic}``, ``{city}``, ``{day}`` are filled by the
generator, and ``[a|b|c]`` picks one alternative at random, so the same frame gives varied
wording (:func:`onevoice.demo.narratives.expand`). The outlets are real news sites, but
every headline and post is invented, and no person named here exists.
"""

from __future__ import annotations

from onevoice.demo.texts_en_fr_de_it import EN_FR_DE_IT
from onevoice.demo.texts_es_pt_id_tr import ES_PT_ID_TR
from onevoice.demo.texts_world import WORLD_LANGS

__all__ = ["LANGS", "OUTLETS", "TOPICS", "TOPIC_SLUGS", "TOPIC_TAGS"]

TOPICS = ("climate", "debt", "trade", "ai", "food", "health", "energy", "protest")

TOPIC_TAGS = {
    "climate": ["ClimateFinance", "ClimateAction"],
    "debt": ["DebtRelief"],
    "trade": ["Tariffs", "Trade"],
    "ai": ["AI", "AIGovernance"],
    "food": ["FoodSecurity"],
    "health": ["GlobalHealth", "PandemicPreparedness"],
    "energy": ["EnergyTransition", "Renewables"],
    "protest": ["G20Protest", "Johannesburg"],
}

TOPIC_SLUGS = {
    "climate": ["g20-leaders-back-climate-finance-roadmap", "climate-finance-talks-stall-at-g20"],
    "debt": ["g20-ministers-push-debt-relief-poor-countries", "g20-debt-restructuring-deal-close"],
    "trade": ["tariff-tensions-overshadow-g20-talks", "g20-leaders-pledge-open-trade"],
    "ai": ["g20-presidency-proposes-common-ai-rules", "ai-governance-enters-g20-draft-declaration"],
    "food": ["g20-launches-food-security-alliance", "food-prices-top-g20-agenda"],
    "health": ["g20-health-ministers-fund-pandemic-preparedness", "g20-joint-vaccine-plan"],
    "energy": ["g20-pledge-triple-renewable-energy", "energy-transition-divides-g20"],
    "protest": ["thousands-march-outside-g20-venue", "police-close-roads-g20-protests"],
}

# Outlets: (display name, handle, domain, language, UTC offset of the newsroom).
OUTLETS = [
    ("Reuters World", "ReutersWorld", "reuters.com", "en", 0.0),
    ("AP News", "APNews", "apnews.com", "en", -5.0),
    ("BBC News World", "BBCWorldNews", "bbc.co.uk", "en", 0.0),
    ("The Guardian World", "GuardianWorld", "theguardian.com", "en", 0.0),
    ("News24", "News24ZA", "news24.com", "en", 2.0),
    ("Al Jazeera English", "AJEnglishNews", "aljazeera.com", "en", 3.0),
    ("Le Monde International", "LeMondeIntl", "lemonde.fr", "fr", 1.0),
    ("France 24", "France24fr", "france24.com", "fr", 1.0),
    ("DW Nachrichten", "dw_nachrichten", "dw.com", "de", 1.0),
    ("tagesschau", "tagesschau_de", "tagesschau.de", "de", 1.0),
    ("EL PAÍS Internacional", "elpais_intl", "elpais.com", "es", 1.0),
    ("Infobae", "infobae_news", "infobae.com", "es", -3.0),
    ("Folha de S.Paulo", "folha_mundo", "folha.uol.com.br", "pt", -3.0),
    ("g1", "g1_mundo", "g1.globo.com", "pt", -3.0),
    ("ANSA", "ansa_esteri", "ansa.it", "it", 1.0),
    ("ТАСС", "tass_mir", "tass.ru", "ru", 3.0),
    ("РИА Новости", "ria_mir", "ria.ru", "ru", 3.0),
    ("新华网", "xinhua_world", "news.cn", "zh", 8.0),
    ("NHKニュース", "nhk_world_news", "nhk.or.jp", "ja", 9.0),
    ("연합뉴스", "yonhap_world", "yna.co.kr", "ko", 9.0),
    ("الجزيرة", "aljazeera_ar", "aljazeera.net", "ar", 3.0),
    ("NDTV इंडिया", "ndtv_india_hi", "ndtv.in", "hi", 5.5),
    ("ANTARA News", "antaranews_id", "antaranews.com", "id", 7.0),
    ("Anadolu Ajansı", "aa_dunya", "aa.com.tr", "tr", 3.0),
]

#: language code -> resources (frames, topics, reactions, names, time zones …).
LANGS: dict[str, dict[str, object]] = {**EN_FR_DE_IT, **ES_PT_ID_TR, **WORLD_LANGS}

"""Normalise a fact-checker's verdict to five labels: false, misleading, mixed, true, unrated.

Fact-checkers publish their verdict in ``reviewRating.alternateName`` in their own words and
language ("Pants on Fire", "Engañoso", "Неправда", "误导", "거짓"…), and sometimes only as a
number (``ratingValue`` between ``worstRating`` and ``bestRating``). Matching and alerting
need one scale, so :func:`normalise_rating` maps both to :data:`RATINGS`; the wording as
published is always kept beside it (``factchecks.rating_original``).

Method, in order:

1. **The text** (``alternateName``, or a non-numeric ``ratingValue``) is NFKC-normalised,
   case-folded, stripped of diacritics (``Engañoso`` = ``Enganoso``, ``ग़लत`` = ``गलत``)
   and of punctuation, and looked up whole in :data:`LABELS`.
2. Otherwise the **longest label contained in the text** wins ("False. The photo is from
   2015" → false; "Not entirely true" → misleading, not true). Labels in scripts written
   without spaces (Chinese, Japanese, Korean) match anywhere; other labels match whole
   words only, so "true" is not found in "untrue" and "salah" not in "salahnya".
3. Otherwise the **numeric rule**: ``p = (ratingValue − worst) / (best − worst)`` with
   schema.org's defaults best = 5, worst = 1; ``p ≤ 0.2`` → false, ``≤ 0.4`` →
   misleading, ``≤ 0.6`` → mixed, above → true. On PolitiFact's six steps (1 = Pants on
   Fire … 6 = True) this gives false, false, misleading, mixed, true, true, exactly the
   verbal mapping below; on a 1–5 scale, 1 false, 2 misleading, 3 mixed, 4–5 true. A value
   outside the scale, or a scale with best ≤ worst, is not guessed at: unrated.
4. Otherwise **unrated**.

The verbal mapping follows the rating scales of the large fact-checkers, read as "what a
reader of the claim is left believing":

- *false*: false, pants on fire, fake, hoax, fabricated, altered / manipulated media (Meta's
  third-party programme groups *Altered* with *False*), scam.
- *misleading*: misleading, missing context, out of context, mostly false (PolitiFact: "an
  element of truth but ignores critical facts that would give a different impression"),
  partly false, exaggerated, satire and parody (harmless as satire, misleading once shared
  as fact), distorted.
- *mixed*: half true, mixture, partly true, unsupported-but-plausible wordings such as
  Chequeado's "Discutible".
- *true*: true, mostly true, correct, accurate.
- *unrated*: unproven, unverifiable, no evidence, explainer, "not rated".

References: PolitiFact's Truth-O-Meter definitions; Snopes' rating glossary; Meta's
third-party fact-checking rating options; the IFCN signatories' published scales
(Chequeado, Maldita, Aos Fatos, Correctiv, AFP Factuel, Teyit, Mafindo, SNU FactCheck,
FactCheck Initiative Japan, BOOM).
"""

from __future__ import annotations

import math
import re
import unicodedata
from functools import lru_cache
from typing import Final

__all__ = ["LABELS", "RATINGS", "normalise_rating", "rating_key", "rating_position"]

#: The five normalised ratings, from worst to best, then "no verdict".
RATINGS: Final = ("false", "misleading", "mixed", "true", "unrated")

_FALSE = """
false | pants on fire | pants on fire! | fake | fake news | hoax | fabricated | altered |
manipulated | doctored | scam | incorrect | wrong | untrue | not true | baseless | debunked |
four pinocchios | fiction | false claim | false headline | misattributed |
faux | fausse | infox | intox | c'est faux | montage | manipule | manipulee | arnaque |
falsch | erfunden | frei erfunden | gefalscht | manipuliert | stimmt nicht | fake-news |
falso | falsa | bufala | notizia falsa | inventato | manipolato | truffa |
bulo | inventado | manipulado | fraude | estafa | es falso |
boato | montagem | adulterado | golpe | e falso |
неправда | ложь | ложно | фейк | неверно | не соответствует действительности | фальшивка |
虚假 | 假 | 错误 | 谣言 | 不实 | 假新闻 | 錯誤 | 謠言 | 不實 | 虛假 | 假消息 |
誤り | 虚偽 | 偽 | 嘘 | ウソ | フェイク | デマ |
거짓 | 사실 아님 | 사실이 아님 | 사실이 아니다 | 허위 |
가짜뉴스 | 가짜 뉴스 | 조작 | 전혀 사실 아님 |
خطأ | خاطئ | زائف | كاذب | مزيف | مفبرك | غير صحيح | إشاعة | شائعة | ملفق |
गलत | झूठ | फर्जी | फेक | असत्य | फर्जी खबर |
salah | hoaks | hoax | keliru | palsu | disinformasi | fitnah | konten palsu |
konten yang dimanipulasi | konten tiruan | konten fabrikasi | misinformasi |
yanlis | sahte | uydurma | asilsiz | dogru degil
"""

_MISLEADING = """
misleading | missing context | needs context | lacks context | out of context | mostly false |
partly false | partially false | exaggerated | exaggeration | satire | parody | distorted |
spin | three pinocchios | not entirely true | false connection | cherry picks |
miscaptioned | outdated | labeled satire | originated as satire | false context |
trompeur | trompeuse | plutot faux | partiellement faux | manque de contexte | hors contexte |
sorti de son contexte | exagere | satire | parodie | inexact | imprecis | trompeur ou faux |
irrefuhrend | fehlender kontext | aus dem zusammenhang gerissen | grosstenteils falsch |
teilweise falsch | uberspitzt | ubertrieben | verzerrt | fehlender zusammenhang |
fuorviante | ingannevole | senza contesto | decontestualizzato | impreciso | esagerato |
parzialmente falso | satira | in gran parte falso |
enganoso | enganosa | sin contexto | falta contexto | descontextualizado | sacado de contexto |
mayormente falso | exagerado | apresurado | parcialmente falso | satira |
distorcido | fora de contexto | sem contexto | impreciso | exagerado |
вводит в заблуждение | манипуляция | искажение | преувеличение |
сатира | скорее неправда | вырвано из контекста |
误导 | 部分错误 | 誤導 | 部分錯誤 | 缺乏背景 | 缺乏语境 |
断章取义 | 斷章取義 | 夸大 | 誇大 | 讽刺 | 諷刺 |
ミスリード | 不正確 | 一部誤り | 誇張 | 風刺 |
오해의 소지 | 대체로 거짓 | 대체로 사실 아님 | 과장 | 풍자 | 맥락 누락 |
مضلل | مضللة | سياق مضلل | خارج السياق | مبالغ فيه | ساخر | سخرية | مجتزأ |
भ्रामक | आंशिक रूप से गलत | संदर्भ से बाहर | व्यंग्य | अतिरंजित | भ्रामक दावा |
menyesatkan | konten yang menyesatkan | konteks yang salah | koneksi yang salah |
satire atau parodi | sebagian salah | dilebih lebihkan |
yaniltici | carpitma | baglamindan koparilmis | abartili | hiciv | kismen yanlis | eksik bilgi
"""

_MIXED = """
half true | half-true | mixture | mixed | partly true | partially true | half truth |
two pinocchios | mixed evidence |
a moitie vrai | en partie vrai | partiellement vrai | vrai mais | plutot vrai mais |
halb wahr | teilweise richtig | teils richtig | teilweise wahr | halbwahr |
in parte vero | parzialmente vero | mezza verita | c'eri quasi | vero a meta |
verdad a medias | medio verdadero | mixto | discutible | parcialmente verdadero |
meia verdade | em parte verdadeiro | parcialmente verdadeiro | verdadeiro mas |
полуправда | частично правда | частично верно | отчасти правда |
半真半假 | 部分正确 | 部分正確 | 真假参半 | 真假參半 |
一部正確 | 半分正しい |
절반의 사실 | 절반의 진실 | 일부 사실 |
نصف صحيح | صحيح جزئيا | نصف حقيقة |
आधा सच | आंशिक रूप से सही | आधा सही |
sebagian benar | setengah benar |
karisik | kismen dogru | yari dogru
"""

_TRUE = """
true | mostly true | correct | accurate | one pinocchio | correct attribution |
geppetto checkmark |
vrai | vraie | c'est vrai | plutot vrai | exact | correct |
richtig | wahr | stimmt | grosstenteils richtig | zutreffend | korrekt |
vero | vera | corretto | esatto | in gran parte vero |
verdadero | verdadera | cierto | correcto | mayormente cierto | mayormente verdadero |
verdadero pero | verdad |
verdadeiro | verdadeira | verdade | correto | certo |
правда | верно | соответствует действительности | скорее правда | подтверждено |
真实 | 正确 | 属实 | 真實 | 正確 | 屬實 |
正確 | 正しい | ほぼ正確 | 事実 |
사실 | 대체로 사실 | 진실 |
صحيح | حقيقي | دقيق |
सच | सही | सत्य |
benar | fakta | akurat |
dogru
"""

_UNRATED = """
unproven | unverified | unverifiable | no evidence | not rated | unrated | no rating |
explainer | research in progress | other | unsupported | unsupported claim | not verified |
cannot be verified | undetermined |
inconclusive | unclear | not the whole story | opinion | legend |
non prouve | invérifiable | inverifiable | sans preuve | incertain |
unbelegt | unbewiesen | nicht belegt | unklar | nicht uberprufbar |
non provato | non verificabile | senza prove |
no verificable | sin evidencia | insostenible | sin pruebas |
insustentavel | nao comprovado | sem provas | inconclusivo | nao verificado | impossivel provar |
не доказано | не подтверждено | неизвестно | нельзя проверить |
无法证实 | 未经证实 | 無法證實 | 未經證實 | 尚无定论 |
根拠不明 | 判定留保 | 検証対象外 |
판단 유보 | 판단유보 | 확인 불가 | 검증 불가 |
غير مؤكد | لا دليل | غير مثبت |
अपुष्ट | असत्यापित | अप्रमाणित |
belum terbukti | tidak terbukti | belum terverifikasi |
belirsiz | kanitlanmadi | dogrulanamadi | teyit edilemedi
"""

_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)
#: Diacritics that writers drop or type inconsistently: Latin/Greek/Cyrillic accents, Arabic
#: short vowels and hamza marks, the Devanagari nukta. Marks that make up a letter in other
#: scripts (Japanese dakuten, Devanagari vowel signs) are kept.
_MARKS = re.compile("[\u0300-\u036f\u064b-\u065f\u0670\u093c]")
#: Letters that case-folding and NFD leave apart although fact-checkers use them
#: interchangeably (Turkish dotless i, German sharp s after case-folding stays "ss").
_FOLD = str.maketrans({"ı": "i", "ł": "l", "ø": "o", "đ": "d", "ß": "ss"})


def rating_key(text: str) -> str:
    """The comparison form of a rating text: NFKC, case-folded, diacritics and punctuation
    removed, single spaces.

    >>> rating_key("  Engañoso! ")
    'enganoso'
    >>> rating_key("YANLIŞ") == rating_key("yanlış") == "yanlis"
    True
    """
    s = unicodedata.normalize("NFKC", text).casefold().translate(_FOLD)
    s = _MARKS.sub("", unicodedata.normalize("NFD", s))
    return _PUNCT.sub(" ", unicodedata.normalize("NFC", s)).strip()


def _table() -> dict[str, str]:
    table: dict[str, str] = {}
    for label, block in (
        # Later blocks never override earlier ones: a word listed twice keeps its first
        # (more severe) meaning.
        ("false", _FALSE),
        ("misleading", _MISLEADING),
        ("mixed", _MIXED),
        ("true", _TRUE),
        ("unrated", _UNRATED),
    ):
        for phrase in block.split("|"):
            key = rating_key(phrase)
            if key:
                table.setdefault(key, label)
    return table


#: Every known wording (in :func:`rating_key` form) and its normalised rating.
LABELS: Final[dict[str, str]] = _table()


def _unspaced(phrase: str) -> bool:
    """Whether the phrase is in a script written without spaces between words."""
    return any(
        "\u3040" <= ch <= "\u30ff"  # kana
        or "\u3400" <= ch <= "\u9fff"  # CJK ideographs
        or "\uac00" <= ch <= "\ud7af"  # Hangul syllables (particles attach to words)
        for ch in phrase
    )


#: Longest phrases first, so the first hit is the longest one.
_BY_LENGTH: Final = sorted(LABELS, key=lambda k: (-len(k), k))


@lru_cache(maxsize=4096)
def _from_text(text: str) -> str | None:
    key = rating_key(text)
    if not key:
        return None
    if key in LABELS:
        return LABELS[key]
    padded = f" {key} "
    for phrase in _BY_LENGTH:
        if (phrase in key) if _unspaced(phrase) else (f" {phrase} " in padded):
            return LABELS[phrase]
    return None


def _number(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        if isinstance(value, int | float):
            out = float(value)
        elif isinstance(value, str):
            out = float(value.strip().replace(",", "."))
        else:
            return None
    except (ValueError, OverflowError):
        return None
    return out if math.isfinite(out) else None


def rating_position(value: object, best: object = None, worst: object = None) -> float | None:
    """Where ``value`` sits on the scale worst..best, as 0..1 (``None``: no usable number).

    schema.org's defaults apply when ``best`` / ``worst`` are absent: 5 and 1.

    >>> rating_position(2, 5, 1)
    0.25
    >>> rating_position(7, 5, 1) is None
    True
    """
    v = _number(value)
    hi = _number(best) if best is not None else 5.0
    lo = _number(worst) if worst is not None else 1.0
    if v is None or hi is None or lo is None or hi <= lo or not lo <= v <= hi:
        return None
    return (v - lo) / (hi - lo)


def _first_text(value: object) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return next((v for v in value if isinstance(v, str)), None)
    if isinstance(value, dict):
        return _first_text(value.get("@value"))
    return None


def normalise_rating(
    alternate_name: object = None,
    rating_value: object = None,
    best_rating: object = None,
    worst_rating: object = None,
) -> str:
    """Map a published verdict to one of :data:`RATINGS` (see the module docstring).

    Never raises: any input (numbers as text, lists, JSON-LD ``@value`` objects, garbage)
    gives one of the five labels.

    >>> normalise_rating("Pants on Fire!")
    'false'
    >>> normalise_rating("Engañoso"), normalise_rating("误导"), normalise_rating("Half True")
    ('misleading', 'misleading', 'mixed')
    >>> normalise_rating("Our verdict: four Pinocchios")
    'false'
    >>> normalise_rating(None, 2, 6, 1), normalise_rating("(custom)", 5, 5, 1)
    ('false', 'true')
    >>> normalise_rating("Something new")
    'unrated'
    """
    for candidate in (_first_text(alternate_name), _first_text(rating_value)):
        if candidate:
            found = _from_text(candidate[:500])
            if found is not None:
                return found
    p = rating_position(rating_value, best_rating, worst_rating)
    if p is None:
        return "unrated"
    eps = 1e-9
    if p <= 0.2 + eps:
        return "false"
    if p <= 0.4 + eps:
        return "misleading"
    if p <= 0.6 + eps:
        return "mixed"
    return "true"

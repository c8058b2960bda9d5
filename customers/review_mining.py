"""Complaints, requests and praise in review text, mapped to lexicon attributes. Pure: no Django.

Shoppers write in their own language; the phrases below are read in English, German, French
and Spanish:

- a *complaint* names what a product has too much of: "too thin", "smaller than expected",
  "zu dünn", "plus petit que prévu", "demasiado fino";
- a *request* names what shoppers miss: "wish it came with glue and tweezers", "not warm
  enough", "leider ohne Kleber", "il manque la colle", "ojalá viniera con pegamento";
- *praise* names what they love, and only counts on reviews of 4 or 5 stars: "so soft",
  "love the sage green", "sehr weich", "très doux", "muy suave".

The words found are brought to English terms (a small glossary of adjectives, materials,
colours and accessories) and looked up in the attribute lexicon through ``analysis.mining.Matcher``:
"too plain" is a complaint about the lexicon's *solid* (synonym *plain*); glue, tweezers or a
case wished for are a request for *kit* (with accessories). A complaint also reads as a request
for its opposite when the lexicon has that term ("too light" asks for *heavy*, a synonym of
*weighted*); such mentions are marked ``implied``. Words the lexicon lacks are kept with their
aspect (size, thickness...) but name no attribute, so they show on the product's page without
moving any ranking; adding the term to the lexicon is enough for the next mining to use it.

``mine_review`` reads one review; ``evidence_from_mentions`` adds mentions up into the
attribute-level evidence analysis stores (``analysis.services.review_evidence_replace``).
"""

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from analysis.mining import Matcher

COMPLAINT, REQUEST, PRAISE = "complaint", "request", "praise"
KINDS = (COMPLAINT, REQUEST, PRAISE)
SNIPPET_CHARS = 200
MAX_EXAMPLES = 3


@dataclass(frozen=True)
class Adjective:
    term: str  # English base word, looked up in the lexicon
    aspect: str
    opposite: str | None = None
    positive: bool = False  # may be praised ("so soft")


_EN_ADJECTIVES = {
    "thin": Adjective("thin", "thickness", "thick"),
    "thick": Adjective("thick", "thickness", "thin", positive=True),
    "small": Adjective("small", "size", "large"),
    "tiny": Adjective("small", "size", "large"),
    "large": Adjective("large", "size", "small"),
    "big": Adjective("large", "size", "small"),
    "short": Adjective("short", "length", "long"),
    "long": Adjective("long", "length", "short"),
    "plain": Adjective("plain", "decoration"),
    "boring": Adjective("plain", "decoration"),
    "basic": Adjective("plain", "decoration"),
    "simple": Adjective("plain", "decoration"),
    "light": Adjective("light", "weight", "heavy"),
    "lightweight": Adjective("light", "weight", "heavy"),
    "heavy": Adjective("heavy", "weight", "light"),
    "warm": Adjective("warm", "warmth", "cool", positive=True),
    "hot": Adjective("hot", "warmth", "cool"),
    "cold": Adjective("cold", "warmth", "warm"),
    "soft": Adjective("soft", "softness", positive=True),
    "rough": Adjective("rough", "softness", "soft"),
    "scratchy": Adjective("rough", "softness", "soft"),
    "itchy": Adjective("rough", "softness", "soft"),
    "stiff": Adjective("stiff", "softness", "soft"),
    "see-through": Adjective("see-through", "opacity"),
    "sheer": Adjective("see-through", "opacity"),
    "flimsy": Adjective("flimsy", "sturdiness", "sturdy"),
    "sturdy": Adjective("sturdy", "sturdiness", positive=True),
    "cosy": Adjective("cosy", "comfort", positive=True),
    "cozy": Adjective("cosy", "comfort", positive=True),
    "comfortable": Adjective("comfortable", "comfort", positive=True),
    "comfy": Adjective("comfortable", "comfort", positive=True),
    "beautiful": Adjective("beautiful", "look", positive=True),
    "pretty": Adjective("beautiful", "look", positive=True),
    "gorgeous": Adjective("beautiful", "look", positive=True),
    "lovely": Adjective("beautiful", "look", positive=True),
    "cute": Adjective("beautiful", "look", positive=True),
}

# Comparatives, other languages' forms -> the English base above.
_FORMS = {
    "en": {
        "thinner": "thin", "thicker": "thick", "smaller": "small", "bigger": "big", "larger": "large",
        "shorter": "short", "longer": "long", "plainer": "plain", "lighter": "light", "heavier": "heavy",
        "warmer": "warm", "hotter": "hot", "colder": "cold", "softer": "soft", "rougher": "rough",
        "stiffer": "stiff", "sturdier": "sturdy", "cosier": "cosy", "cozier": "cozy",
    },
    "de": {
        "dünn": "thin", "dünne": "thin", "dünner": "thin", "dünnes": "thin", "dick": "thick", "dicke": "thick",
        "dicker": "thick", "klein": "small", "kleine": "small", "kleiner": "small", "kleines": "small",
        "winzig": "tiny", "groß": "large", "große": "large", "großer": "large", "größer": "large", "gross": "large",
        "kurz": "short", "kurze": "short", "kürzer": "short", "lang": "long", "lange": "long", "länger": "long",
        "schlicht": "plain", "schlichter": "plain", "einfach": "plain", "langweilig": "boring", "leicht": "light",
        "leichter": "light", "schwer": "heavy", "schwerer": "heavy", "warm": "warm", "wärmer": "warm", "heiß": "hot",
        "kalt": "cold", "kälter": "cold", "weich": "soft", "weiche": "soft", "weicher": "soft", "kratzig": "scratchy",
        "rau": "rough", "steif": "stiff", "durchsichtig": "see-through", "kuschelig": "cosy", "gemütlich": "cosy",
        "schön": "beautiful", "hübsch": "pretty", "bequem": "comfortable", "stabil": "sturdy",
    },
    "fr": {
        "fin": "thin", "fine": "thin", "fins": "thin", "fines": "thin", "mince": "thin", "minces": "thin",
        "épais": "thick", "épaisse": "thick", "petit": "small", "petite": "small", "petits": "small",
        "petites": "small", "grand": "large", "grande": "large", "grands": "large", "grandes": "large",
        "gros": "big", "grosse": "big", "court": "short", "courte": "short", "longue": "long",
        "basique": "basic", "fade": "plain", "terne": "plain", "léger": "light", "légère": "light",
        "lourd": "heavy", "lourde": "heavy", "chaud": "warm", "chaude": "warm", "froid": "cold", "froide": "cold",
        "doux": "soft", "douce": "soft", "rêche": "rough", "rugueux": "rough", "rugueuse": "rough",
        "rigide": "stiff", "transparent": "see-through", "transparente": "see-through", "fragile": "flimsy",
        "solide": "sturdy", "beau": "beautiful", "belle": "beautiful", "joli": "pretty", "jolie": "pretty",
        "confortable": "comfortable", "douillet": "cosy", "douillette": "cosy",
    },
    "es": {
        "fino": "thin", "fina": "thin", "finos": "thin", "finas": "thin", "delgado": "thin", "delgada": "thin",
        "grueso": "thick", "gruesa": "thick", "pequeño": "small", "pequeña": "small", "pequeños": "small",
        "pequeñas": "small", "chico": "small", "chica": "small", "grande": "large", "grandes": "large",
        "corto": "short", "corta": "short", "largo": "long", "larga": "long", "sencillo": "plain",
        "sencilla": "plain", "soso": "plain", "sosa": "plain", "básico": "basic", "básica": "basic",
        "ligero": "light", "ligera": "light", "pesado": "heavy", "pesada": "heavy", "cálido": "warm",
        "cálida": "warm", "caliente": "hot", "frío": "cold", "fría": "cold", "suave": "soft", "suaves": "soft",
        "áspero": "rough", "áspera": "rough", "rígido": "stiff", "rígida": "stiff", "transparente": "see-through",
        "endeble": "flimsy", "resistente": "sturdy", "bonito": "pretty", "bonita": "pretty",
        "precioso": "beautiful", "preciosa": "beautiful", "cómodo": "comfortable", "cómoda": "comfortable",
    },
}

# Things a shopper wishes had come in the box: a request for the lexicon's "kit" (with accessories).
KIT_TERM = "kit"
_ACCESSORIES = {
    "en": ("glue", "adhesive", "tweezers", "tweezer", "applicator", "brush", "brushes", "case", "storage case",
           "box", "bag", "pouch", "mirror", "remover", "strap", "straps", "hooks", "string", "stand", "refill",
           "refills", "spare", "spares", "accessories", "accessory", "instructions", "batteries", "charger",
           "cable", "tool", "tools"),
    "de": ("kleber", "wimpernkleber", "pinzette", "applikator", "pinsel", "etui", "aufbewahrungsbox", "beutel",
           "tasche", "spiegel", "zubehör", "ersatz", "anleitung", "batterien", "ladekabel", "werkzeug"),
    "fr": ("colle", "pince", "pince à épiler", "applicateur", "pinceau", "pinceaux", "étui", "boîte",
           "pochette", "sac", "miroir", "accessoire", "accessoires", "notice", "piles", "chargeur", "outil",
           "outils"),
    "es": ("pegamento", "adhesivo", "pinzas", "pinza", "aplicador", "pincel", "estuche", "caja", "bolsa",
           "espejo", "accesorio", "accesorios", "instrucciones", "pilas", "cargador", "herramienta"),
}
_ACCESSORY_WORDS = {word: lang for lang, words in _ACCESSORIES.items() for word in words}

# Materials and colours as shoppers name them -> the lexicon's English terms.
_NOUNS = {
    "baumwolle": "cotton", "leinen": "linen", "wolle": "wool", "samt": "velvet", "seide": "silk", "bambus": "bamboo",
    "musselin": "muslin", "grau": "grey", "weiß": "white", "schwarz": "black", "rosa": "pink", "creme": "cream",
    "salbeigrün": "sage green", "geblümt": "floral", "gestreift": "striped", "kariert": "plaid",
    "coton": "cotton", "lin": "linen", "laine": "wool", "velours": "velvet", "soie": "silk", "polaire": "fleece",
    "bambou": "bamboo", "mousseline": "muslin", "gris": "grey", "blanc": "white", "blanche": "white",
    "noir": "black", "noire": "black", "rose": "pink", "crème": "cream", "vert sauge": "sage green",
    "fleuri": "floral", "rayé": "striped", "à carreaux": "plaid",
    "algodón": "cotton", "lino": "linen", "lana": "wool", "terciopelo": "velvet", "seda": "silk",
    "forro polar": "fleece", "bambú": "bamboo", "muselina": "muslin", "blanco": "white", "blanca": "white",
    "negro": "black", "negra": "black", "crema": "cream", "verde salvia": "sage green", "floral": "floral",
    "de flores": "floral", "a rayas": "striped", "a cuadros": "plaid",
}

_WORD = r"[^\W\d_]+(?:['’-][^\W\d_]+)*"
_GAP = r"(?:\w+\s+){0,2}?"  # "too thin", "a bit too thin", "way too damn small"
_NEGATIONS = re.compile(
    r"\b(?:not|n't|never|isn't|wasn't|nothing|nicht|nie|nichts|kein|keine|pas|jamais|rien|no|nunca|nada|tampoco)"
    r"\b\W*(?:\w+\W+){0,1}$",
    re.I,
)
_CLAUSE_END = re.compile(
    r"[.!?;\n]|\s(?:but|though|however|because|and\s+it|aber|jedoch|weil|denn|mais|car|parce|pero|aunque|porque)\s",
    re.I,
)


def _adjective_words() -> str:
    words = set(_EN_ADJECTIVES) | {form for forms in _FORMS.values() for form in forms}
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


# ``x`` is an adjective (ADJ), any one word (WORD: praise of a lexicon term, "very boho") or the phrase of
# what is wished for (REST). For a complaint the adjective is what the product has too much of.
_ADJ = rf"(?P<x>(?<![\w-])(?:{_adjective_words()})(?![\w-]))"
_ONE = rf"(?P<x>{_WORD})"
_REST = r"(?P<x>[^.!?;\n]{1,120})"
ADJ, WORD, PHRASE, STRICT = "adjective", "word", "phrase", "strict phrase"


@dataclass(frozen=True)
class Pattern:
    language: str
    kind: str
    takes: str  # ADJ, WORD, PHRASE, or STRICT: a phrase kept only when it names an attribute, accessory or adjective
    regex: re.Pattern


def _p(language: str, kind: str, takes: str, regex: str) -> Pattern:
    return Pattern(language, kind, takes, re.compile(regex, re.I))


_AS_EXPECTED_EN = r"(?:expected|pictured|described|advertised|shown|it\s+looks|i\s+hoped|i\s+thought)"
_AS_EXPECTED_DE = r"(?:erwartet|gedacht|abgebildet|beschrieben|auf\s+dem\s+bild)"
_AS_EXPECTED_FR = r"(?:que|qu'|qu’)\s*(?:prévu|je\s+(?:ne\s+)?(?:le\s+)?pensais|sur\s+la\s+photo|attendu|annoncé)"
_AS_EXPECTED_ES = r"(?:de\s+lo\s+(?:esperado|que\s+(?:esperaba|pensaba|parece))|que\s+en\s+la\s+foto)"

PATTERNS: list[Pattern] = [
    # English
    _p("en", COMPLAINT, ADJ, rf"\btoo\s+{_GAP}{_ADJ}"),
    _p("en", COMPLAINT, ADJ, rf"{_ADJ}\s+than\s+(?:i\s+|we\s+)?{_AS_EXPECTED_EN}"),
    _p("en", REQUEST, ADJ, rf"\bnot\s+{_ADJ}\s+enough\b"),
    _p("en", REQUEST, ADJ, rf"\bnot\s+(?:as|so)\s+{_ADJ}\s+as\s+{_AS_EXPECTED_EN}"),
    _p("en", REQUEST, PHRASE,
       r"\b(?:i\s+)?wish(?:ed)?\s+(?:it|they|this|these|the\s+\w+)\s+(?:came|come|had|has|included|was|were)\s+"
       rf"(?:with\s+|in\s+)?{_REST}"),
    _p("en", REQUEST, STRICT,
       r"(?:\bwould|['’]d)\s+(?:be\s+(?:nice|great|better|good)|have\s+been\s+(?:nice|great|better)|love|like|prefer)\s+"
       rf"(?:if\s+(?:it|they)\s+(?:came\s+with|had|included|was|were)\s+|to\s+have\s+|with\s+)?{_REST}"),
    _p("en", REQUEST, PHRASE, rf"\bshould\s+(?:have\s+)?(?:come|came|be\s+sold)\s+with\s+{_REST}"),
    _p("en", REQUEST, PHRASE,
       rf"\b(?:didn'?t|did\s+not|doesn'?t|does\s+not|don'?t|do\s+not)\s+(?:come|came)\s+with\s+{_REST}"),
    _p("en", REQUEST, STRICT, rf"\bno\s+{_REST}\s+(?:included|in\s+the\s+(?:box|pack|package))\b"),
    _p("en", REQUEST, STRICT, rf"\bmissing\s+(?:the\s+|a\s+|an\s+)?{_REST}"),
    _p("en", REQUEST, STRICT, rf"\b(?:came|comes|arrived|sold)\s+without\s+{_REST}"),
    _p("en", REQUEST, PHRASE, rf"\bif\s+only\s+(?:it|they)\s+(?:had|came\s+with|was|were)\s+{_REST}"),
    _p("en", PRAISE, WORD, rf"\b(?:so|very|really|super|incredibly|beautifully|lovely)\s+{_ONE}"),
    _p("en", PRAISE, STRICT, rf"\b(?:love|loved|adore)\s+(?:the|its|this|how)\s+{_REST}"),
    # German
    _p("de", COMPLAINT, ADJ, rf"\bzu\s+{_ADJ}"),
    _p("de", COMPLAINT, ADJ, rf"{_ADJ}\s+als\s+{_AS_EXPECTED_DE}"),
    _p("de", REQUEST, ADJ, rf"\bnicht\s+{_ADJ}\s+genug\b"),
    _p("de", REQUEST, PHRASE,
       rf"\b(?:wäre|wären)\s+(?:schön|toll|besser|praktisch|super)(?:\s+gewesen)?,?\s+(?:wenn\s+)?{_REST}"),
    _p("de", REQUEST, PHRASE, r"\bhätte\w*\s+(?:ich\s+)?(?:mir\s+)?(?P<x>[^.!?;\n]{1,120}?)\s+gewünscht"),
    _p("de", REQUEST, PHRASE, rf"\bhätte\w*\s+(?:ich\s+)?(?:gerne?|lieber)\s+{_REST}"),
    _p("de", REQUEST, PHRASE, rf"\bwünsch(?:e|te)\s+(?:ich\s+)?mir\s+{_REST}"),
    _p("de", REQUEST, STRICT, rf"\bfehl(?:t|en|te|ten)\s+{_REST}"),
    _p("de", REQUEST, STRICT, rf"\bohne\s+{_REST}"),
    _p("de", PRAISE, WORD, rf"\b(?:sehr|super|total|richtig|wunderbar|herrlich)\s+{_ONE}"),
    # French
    _p("fr", COMPLAINT, ADJ, rf"\btrop\s+{_ADJ}"),
    _p("fr", COMPLAINT, ADJ, rf"\bplus\s+{_ADJ}\s+{_AS_EXPECTED_FR}"),
    _p("fr", REQUEST, ADJ, rf"\bmoins\s+{_ADJ}\s+{_AS_EXPECTED_FR}"),
    _p("fr", REQUEST, ADJ, rf"\bpas\s+assez\s+{_ADJ}"),
    _p("fr", REQUEST, PHRASE,
       r"\bj['’]aurais\s+(?:aimé|préféré|voulu)\s+(?:que\s+(?:ce\s+soit|ça\s+soit|il\s+y\s+ait)\s+|avoir\s+)?"
       rf"{_REST}"),
    _p("fr", REQUEST, STRICT, rf"\bmanqu(?:e|ait|ent|aient)\s+{_REST}"),
    _p("fr", REQUEST, STRICT,
       r"\bdommage\s+(?:qu['’]il\s+n['’]y\s+ait\s+pas\s+(?:de\s+|d['’])?|que\s+ce\s+ne\s+soit\s+pas\s+|"
       rf"de\s+ne\s+pas\s+avoir\s+)?{_REST}"),
    _p("fr", REQUEST, STRICT, rf"\b(?:livré|livrée|vendu|vendue|arrivé|arrivée)s?\s+sans\s+{_REST}"),
    _p("fr", REQUEST, PHRASE, rf"\baurai(?:t|ent)\s+dû\s+(?:être\s+)?(?:livrée?s?|venir|être)\s+avec\s+{_REST}"),
    _p("fr", PRAISE, WORD, rf"\b(?:très|vraiment|super|tellement)\s+{_ONE}"),
    _p("fr", PRAISE, STRICT, rf"\bj['’]ado(?:re|ré)\s+(?:le\s+|la\s+|les\s+|l['’]\s*|ce\s+|cette\s+)?{_REST}"),
    # Spanish
    _p("es", COMPLAINT, ADJ, rf"\bdemasiad[oa]s?\s+{_ADJ}"),
    _p("es", COMPLAINT, ADJ, rf"\bmás\s+{_ADJ}\s+{_AS_EXPECTED_ES}"),
    _p("es", REQUEST, ADJ, rf"\bmenos\s+{_ADJ}\s+{_AS_EXPECTED_ES}"),
    _p("es", REQUEST, ADJ, rf"\bno\s+(?:es\s+|era\s+)?(?:lo\s+)?suficientemente\s+{_ADJ}"),
    _p("es", REQUEST, PHRASE,
       rf"\bojal[aá]\s+(?:viniera|vinieran|trajera|trajeran|tuviera|tuvieran|fuera|fueran)\s+(?:con\s+)?{_REST}"),
    _p("es", REQUEST, PHRASE,
       r"\bme\s+(?:hubiera|habría)\s+gustado\s+(?:que\s+(?:viniera|trajera|tuviera|fuera)\s+(?:con\s+)?)?"
       rf"{_REST}"),
    _p("es", REQUEST, STRICT, rf"\bfalta(?:n|ba|ban)?\s+{_REST}"),
    _p("es", REQUEST, PHRASE, rf"\bdeber[ií]a(?:n)?\s+(?:venir|traer|incluir)\s+(?:con\s+)?{_REST}"),
    _p("es", REQUEST, STRICT, rf"\b(?:viene|vino|llegó|llega)\s+sin\s+{_REST}"),
    _p("es", PRAISE, WORD, rf"\b(?:muy|súper|super|realmente)\s+{_ONE}"),
    _p("es", PRAISE, STRICT, rf"\bme\s+encant(?:a|an|ó|aron)\s+(?:el\s+|la\s+|los\s+|las\s+|su\s+)?{_REST}"),
]

# Words that praise in slang rather than name an attribute ("super cool" is no praise of cooling).
_SLANG = {"cool", "sick", "fire", "dope", "neat", "nice", "cute", "top", "genial", "génial", "guay", "chulo"}

_STOPWORDS = {
    "en": {"the", "and", "it", "is", "was", "this", "with", "not", "too", "for", "very", "but", "they", "i", "my"},
    "de": {"der", "die", "das", "und", "ist", "nicht", "sehr", "zu", "mit", "ein", "eine", "es", "ich", "aber", "leider"},
    "fr": {"le", "la", "les", "et", "est", "pas", "très", "trop", "avec", "une", "je", "ce", "mais", "il", "pour"},
    "es": {"el", "la", "los", "las", "y", "es", "muy", "con", "una", "que", "pero", "demasiado", "lo", "para", "se"},
}
_TOKENS = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", re.U)


@dataclass(frozen=True)
class Mention:
    kind: str
    aspect: str
    term: str  # English term looked up in the lexicon
    attribute: str | None  # the lexicon attribute, when the lexicon has the term
    snippet: str
    language: str
    implied: bool = False


def guess_language(text: str) -> str:
    """``en``, ``de``, ``fr`` or ``es`` by their commonest words; empty when none stands out."""
    words = [w.lower() for w in _TOKENS.findall(text)]
    scores = {lang: sum(1 for w in words if w in stop) for lang, stop in _STOPWORDS.items()}
    best = max(scores, key=lambda lang: (scores[lang], lang == "en"))
    return best if scores[best] >= 2 else ""


def adjective(word: str) -> Adjective | None:
    """The adjective a word is, in any of the four languages (forms and comparatives included)."""
    word = word.lower().strip("'’-")
    for forms in _FORMS.values():
        if word in forms:
            word = forms[word]
            break
    return _EN_ADJECTIVES.get(word)


def _english(phrase: str) -> str:
    """``phrase`` with the glossary's materials, colours and adjectives in English, for the lexicon."""
    text = f" {phrase.lower()} "
    for word in sorted(_NOUNS, key=len, reverse=True):
        text = re.sub(rf"(?<=\W){re.escape(word)}(?=\W)", _NOUNS[word], text)
    words = []
    for token in re.split(r"(\W+)", text):
        found = adjective(token) if token and token[0].isalpha() else None
        words.append(found.term if found else token)
    return "".join(words).strip()


def _accessories(phrase: str) -> list[str]:
    text = f" {phrase.lower()} "
    return [w for w in _ACCESSORY_WORDS if re.search(rf"(?<=\W){re.escape(w)}(?=\W)", text)]


def _snippet(text: str, start: int, end: int) -> str:
    """The sentence around ``text[start:end]``, at most ``SNIPPET_CHARS`` long."""
    left = max(text.rfind(mark, 0, start) for mark in ".!?\n")
    rights = [i for i in (text.find(mark, end) for mark in ".!?\n") if i >= 0]
    right = min(rights) + 1 if rights else len(text)
    left += 1
    if right - left > SNIPPET_CHARS:
        left = max(left, start - SNIPPET_CHARS // 3)
        right = min(right, left + SNIPPET_CHARS)
    piece = " ".join(text[left:right].split())
    prefix = "…" if left > 0 and text[left - 1] not in ".!?\n" else ""
    suffix = "…" if right < len(text) and text[right - 1] not in ".!?\n" else ""
    return f"{prefix}{piece}{suffix}"[: SNIPPET_CHARS + 2]


def _negated(text: str, start: int) -> bool:
    return bool(_NEGATIONS.search(text[max(0, start - 24) : start]))


def _clause(phrase: str) -> str:
    cut = _CLAUSE_END.search(phrase)
    return (phrase[: cut.start()] if cut else phrase).strip(" ,:-—\"'")


class ReviewMiner:
    """Reads reviews against one lexicon (``Matcher``); ``mine`` gives a review's mentions."""

    def __init__(self, matcher: Matcher):
        self.matcher = matcher

    def lookup(self, term: str) -> str | None:
        found = self.matcher.find(term)
        return found[0][1] if found else None

    def _adjective_mentions(self, kind, word, snippet, language) -> list[Mention]:
        found = adjective(word)
        if found is None:
            return []
        if kind == PRAISE:
            if not found.positive and self.lookup(found.term) is None:
                return []
            return [Mention(PRAISE, found.aspect, found.term, self.lookup(found.term), snippet, language)]
        mentions = [Mention(kind, found.aspect, found.term, self.lookup(found.term), snippet, language)]
        if kind == COMPLAINT and found.opposite:
            wanted = self.lookup(found.opposite)
            if wanted is not None:
                mentions.append(Mention(REQUEST, found.aspect, found.opposite, wanted, snippet, language, implied=True))
        return mentions

    def _phrase_mentions(self, kind, phrase, snippet, language, *, strict: bool) -> list[Mention]:
        phrase = _clause(phrase)
        if not phrase:
            return []
        english = _english(phrase)
        mentions = [
            Mention(kind, name, name, name, snippet, language) for _kind, name in self.matcher.find(english)
        ]
        named = {m.term for m in mentions}
        if _accessories(phrase) and KIT_TERM not in named:
            mentions.append(Mention(kind, "accessories", KIT_TERM, self.lookup(KIT_TERM), snippet, language))
        for token in _TOKENS.findall(phrase):
            found = adjective(token)
            if found and found.term not in named and (kind != PRAISE or found.positive):
                named.add(found.term)
                mentions.append(Mention(kind, found.aspect, found.term, self.lookup(found.term), snippet, language))
        if not mentions and kind == REQUEST and not strict:
            words = " ".join(phrase.split()[:8])
            mentions.append(Mention(REQUEST, "other", words[:80], None, snippet, language))
        return mentions

    def mine(self, text: str, *, rating: int | None = None) -> list[Mention]:
        """The complaints, requests and praise in one review's text (title and body), without repeats."""
        text = (text or "").removeprefix("'")
        found: list[Mention] = []
        for pattern in PATTERNS:
            if pattern.kind == PRAISE and rating is not None and rating < 4:
                continue
            for match in pattern.regex.finditer(text):
                if _negated(text, match.start()):
                    continue
                snippet = _snippet(text, match.start(), match.end())
                value = match.group("x")
                if pattern.takes == ADJ:
                    found.extend(self._adjective_mentions(pattern.kind, value, snippet, pattern.language))
                elif pattern.takes == WORD:
                    if adjective(value):
                        found.extend(self._adjective_mentions(pattern.kind, value, snippet, pattern.language))
                    elif value.lower() not in _SLANG:
                        name = self.lookup(_english(value))
                        if name:
                            found.append(Mention(pattern.kind, name, name, name, snippet, pattern.language))
                else:
                    found.extend(self._phrase_mentions(
                        pattern.kind, value, snippet, pattern.language, strict=pattern.takes == STRICT,
                    ))
        unique: dict[tuple, Mention] = {}
        for mention in found:
            unique.setdefault((mention.kind, mention.term, mention.implied), mention)
        return list(unique.values())


@dataclass(frozen=True)
class MentionRow:
    """One stored mention with what evidence needs of its review and product."""

    review_id: int
    kind: str
    attribute: str
    category: str
    market: str
    snippet: str
    rating: int
    product: str
    date: str
    language: str
    is_demo: bool


def evidence_from_mentions(rows: Iterable[MentionRow]) -> list[dict]:
    """Mentions -> the items ``analysis.services.review_evidence_replace`` takes: one per attribute,
    kind, product category and market, counting reviews (not mentions), with up to three quotes
    of the newest reviews. Demo only when every review behind it is demo."""
    groups: dict[tuple, dict] = {}
    reviews: dict[tuple, set[int]] = defaultdict(set)
    for row in sorted(rows, key=lambda r: (r.date, r.review_id), reverse=True):
        key = (row.attribute, row.kind, row.category.lower(), row.market.upper())
        group = groups.setdefault(key, {
            "attribute": row.attribute, "kind": row.kind, "category": key[2], "market": key[3], "count": 0,
            "examples": [], "is_demo": True,
        })
        if row.review_id in reviews[key]:
            continue
        reviews[key].add(row.review_id)
        group["count"] += 1
        group["is_demo"] = group["is_demo"] and row.is_demo
        if len(group["examples"]) < MAX_EXAMPLES:
            group["examples"].append({"quote": row.snippet, "rating": row.rating, "product": row.product,
                                      "date": row.date, "language": row.language})
    return sorted(groups.values(), key=lambda g: (g["attribute"], g["kind"], g["category"], g["market"]))

"""Country names as Google Trends writes them, in any UI language -> ISO 3166 codes, from CLDR through Babel.

Every territory name of every UI language in ``locales.LOCALES`` (and of English,
whatever the UI) is looked up in CLDR's localized territory names, so "USA",
"États-Unis", "Vereinigte Staaten", "美国", "アメリカ合衆国" and "Amerika Serikat"
are all ``US``. A label that still matches nothing is ``None``: the caller
reports it and refuses the file rather than storing an unknown market.
"""

import functools
import re
import unicodedata

from babel import Locale

from .locales import LOCALES, WORLDWIDE_WORDS

# Short and older forms CLDR keeps as alternates, which Babel does not ship, that Google's exports use.
_ALTERNATES = {
    "HK": ["Hong Kong", "香港", "Hongkong"],
    "MO": ["Macao", "Macau", "澳门", "澳門"],
    "PS": ["Palestine", "Palestinian Territories"],
    "MK": ["Macedonia (FYROM)", "Macedonia"],
    "SZ": ["Swaziland"],
    "TR": ["Turkey"],
    "CZ": ["Czech Republic"],
    "CI": ["Côte d'Ivoire", "Ivory Coast"],
    "CD": ["Congo (DRC)"],
    "CG": ["Congo (Republic)"],
    "MM": ["Myanmar"],
    "KR": ["Korea"],
    "SH": ["St Helena", "St. Helena"],
    "US": ["USA", "United States of America"],
    "GB": ["UK", "Great Britain"],
}
# CLDR codes that are not a country or territory Google Trends ranks.
NOT_COUNTRIES = frozenset({"ZZ", "EU", "EZ", "UN", "QO", "XA", "XB"})
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'"})
_SPACES = re.compile(r"[\s\u00a0\u202f\u3000]+")


def fold(text: str) -> str:
    """Case, accents, width (full-width Latin), apostrophes and spaces folded away for comparing names."""
    text = unicodedata.normalize("NFKC", text).translate(_APOSTROPHES)
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", bare).strip()


@functools.cache
def _names() -> tuple[dict[str, str], frozenset[str]]:
    by_name: dict[str, str] = {}
    worldwide = {fold(word) for word in WORLDWIDE_WORDS}
    for tag in ["en", *(locale.babel for locale in LOCALES)]:
        territories = Locale.parse(tag).territories
        for code, name in territories.items():
            if code == "001":
                worldwide.add(fold(name))
            elif len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES:
                by_name.setdefault(fold(name), code)
    for code, names in _ALTERNATES.items():
        for name in names:
            by_name.setdefault(fold(name), code)
    return by_name, frozenset(worldwide)


def is_worldwide(label: str) -> bool:
    return fold(label) in _names()[1]


def country_code(label: str) -> str | None:
    """ISO code of a country name in any UI language, an ISO code given as such, or None."""
    by_name, _worldwide = _names()
    folded = fold(label)
    if folded in by_name:
        return by_name[folded]
    bare = label.strip()
    if len(bare) == 2 and bare.isascii() and bare.isalpha() and bare.upper() in set(by_name.values()):
        return bare.upper()
    return None


@functools.cache
def _names_in(tag: str) -> dict[str, str]:
    return {
        fold(name): code for code, name in Locale.parse(tag).territories.items()
        if len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES
    }


def market_for_label(label: str, prefer: tuple[str, ...] = ()) -> str | None:
    """Geo code for a label such as ``United States``; blank for worldwide or no label; None if unknown.

    ``prefer`` names the CLDR locales of the file's UI language, read first: one name can mean two
    territories in two languages ("Kongo" is CD in Norwegian, CG in Polish).
    """
    if not fold(label) or is_worldwide(label):
        return ""
    for tag in prefer:
        if (code := _names_in(tag).get(fold(label))) is not None:
            return code
    return country_code(label)

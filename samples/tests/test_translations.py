"""The buyer's languages: every catalogue complete, compiled from its current .po, and covering every string
the vote page and the invitation mark for translation."""

import io
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.utils import translation
from django.utils.translation.template import templatize

from samples.languages import buyer_language

ROOT = Path(settings.BASE_DIR)
LOCALES = [translation.to_locale(code) for code, _ in settings.LANGUAGES if code != "en"]
REQUIRED = {"en", "de", "fr", "es", "it", "nl", "pl", "ja", "zh-hans"}

# The sources whose marked strings a buyer reads: the app's code and its public templates.
PUBLIC_SOURCES = sorted(
    [p for p in (ROOT / "samples").rglob("*.py") if not {"tests", "migrations"} & set(p.parts)]
    + list((ROOT / "samples" / "templates" / "samples" / "vote").glob("*"))
    + list((ROOT / "samples" / "templates" / "samples" / "email").glob("*"))
    + [ROOT / "templates" / "public_base.html"]
)
# The keywords Django's makemessages gives xgettext.
KEYWORDS = {
    **DEFAULT_KEYWORDS,
    "gettext_lazy": None,
    "gettext_noop": None,
    "ngettext_lazy": (1, 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext_lazy": ((1, "c"), 2, 3),
}


def _po(locale: str):
    with (ROOT / "locale" / locale / "LC_MESSAGES" / "django.po").open("rb") as f:
        return read_po(f)


def _strings(message) -> tuple:
    return tuple(message.string) if isinstance(message.string, (list, tuple)) else (message.string,)


def _key(message) -> tuple:
    msgid = message.id if isinstance(message.id, str) else message.id[0]
    context = message.context.decode() if isinstance(message.context, bytes) else message.context  # read_mo, Babel < 2.19
    return context, msgid


def _marked_strings() -> dict[tuple, str]:
    """(context, msgid) of every string marked in the public sources -> the file it is in."""
    found = {}
    for path in PUBLIC_SOURCES:
        text = path.read_text()
        if path.suffix != ".py":
            # Django's own step before xgettext; lines unindented so the Python tokenizer reads them.
            text = "\n".join(line.lstrip() for line in templatize(text, origin=str(path)).splitlines())
        for _line, message, _comments, context in extract("python", io.BytesIO(text.encode()), keywords=KEYWORDS):
            msgid = message if isinstance(message, str) else message[0]
            found.setdefault((context, msgid), str(path.relative_to(ROOT)))
    return found


def test_the_buyer_languages_are_configured():
    assert REQUIRED <= {code for code, _ in settings.LANGUAGES}
    assert ROOT / "locale" in [Path(p) for p in settings.LOCALE_PATHS]
    assert sorted(p.name for p in (ROOT / "locale").iterdir() if p.is_dir()) == sorted(LOCALES)


def test_the_public_sources_mark_strings():
    """Guards the next test: an extraction that finds nothing would pass it trivially."""
    marked = _marked_strings()
    assert len(marked) > 50
    assert (None, "Send my vote") in marked and ("a label and its value", "%(label)s: %(value)s") in marked


@pytest.mark.parametrize("locale", LOCALES)
def test_every_marked_string_is_in_the_catalogue(locale):
    in_catalogue = {_key(m) for m in _po(locale) if m.id}
    missing = {key: path for key, path in _marked_strings().items() if key not in in_catalogue}
    assert not missing, f"run makemessages and translate ({locale}): {missing}"


@pytest.mark.parametrize("locale", LOCALES)
def test_catalogue_is_complete_and_not_fuzzy(locale):
    catalog = _po(locale)
    assert not catalog.fuzzy, f"{locale}: the header is marked fuzzy"
    problems = []
    for message in catalog:
        if not message.id:
            continue
        strings = _strings(message)
        if message.fuzzy:
            problems.append(f"fuzzy: {message.id!r}")
        if isinstance(message.id, tuple) and len(strings) != catalog.num_plurals:
            problems.append(f"{len(strings)} plural forms of {catalog.num_plurals}: {message.id!r}")
        if not all(s.strip() for s in strings):
            problems.append(f"untranslated: {message.id!r}")
    # Babel's checkers: the same %(name)s placeholders in every translation as in the msgid.
    problems += [f"{message.id!r}: {'; '.join(map(str, errors))}" for message, errors in catalog.check()]
    assert not problems, f"locale/{locale}/LC_MESSAGES/django.po: " + " | ".join(problems)


@pytest.mark.parametrize("locale", LOCALES)
def test_compiled_catalogue_matches_its_po(locale):
    """A .mo compiled from an older .po fails here, whatever the file times say (git does not keep them)."""
    po = _po(locale)
    with (ROOT / "locale" / locale / "LC_MESSAGES" / "django.mo").open("rb") as f:
        mo = read_mo(f)
    expected = {_key(m): _strings(m) for m in po if m.id}
    compiled = {_key(m): _strings(m) for m in mo if m.id}
    assert compiled == expected, f"locale/{locale}: run manage.py compilemessages"
    assert mo.plural_forms == po.plural_forms


@pytest.mark.parametrize("locale", LOCALES)
def test_django_reads_the_compiled_catalogue(locale):
    with translation.override(translation.to_language(locale)):
        assert translation.gettext("Send my vote") != "Send my vote"


@pytest.mark.parametrize(
    "code, language",
    [("de", "de"), ("de-AT", "de"), ("de_DE", "de"), ("FR", "fr"), ("ja-JP", "ja"), ("zh", "zh-hans"),
     ("zh-CN", "zh-hans"), ("zh_Hans", "zh-hans"), ("pl", "pl"), ("sv", "en"), ("", "en"), (None, "en"),
     ("xx-not-a-language", "en")],
)
def test_buyer_language_picks_a_language_we_speak(code, language):
    assert buyer_language(code) == language

"""Cells a spreadsheet would run as a formula when the data is opened again (CSV injection).

Two ways to deal with one, chosen per value by the importer and written down there:
*refuse* a key (an order number, a SKU, a keyword) that could never rightly start so, or
*defuse* free text (a name, a note, a tag) by keeping it as written behind a leading ``'``,
which a spreadsheet shows as text. CSV exports defuse every text cell on the way out
(``core.files.export``).
"""

# OWASP's list: =, +, -, @, and tab or carriage return in front of one of them.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(value: str) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_START)


def defuse(value: str) -> str:
    """``value`` as written, with a leading ``'`` when a spreadsheet would run it."""
    return f"'{value}" if looks_like_formula(value) else value

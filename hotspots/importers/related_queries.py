"""relatedQueries.csv: a title line, then a TOP section (0-100) and a RISING section (``+250%`` or Breakout)."""

import re
from dataclasses import dataclass, field

from .common import Row, looks_like_formula, parse_column_label, parse_index, split_category, trimmed
from .problems import ImportProblem

KIND = "relatedQueries"

# Section titles in several UI languages; Google always writes TOP before RISING.
TOP_WORDS = {
    "top", "principais", "principales", "teratas", "populer", "häufigste", "meistgesucht", "principali", "populaires",
}
RISING_WORDS = {
    "rising", "em ascensão", "em alta", "en aumento", "naik", "meningkat", "ansteigend", "steigend",
    "en hausse", "in aumento", "in crescita", "stijgend",
}
BREAKOUT_WORDS = {
    "breakout", "aumento repentino", "rápido aumento", "aumento puntual", "lonjakan", "melonjak",
    "starker anstieg", "sprunghafter anstieg", "forte hausse", "record", "impennata", "enorme stijging",
}
_GROWTH = re.compile(r"^\+?\s*(\d{1,3}(?:[ ,.\u00a0\u202f]\d{3})*|\d+)\s*%$")
_WORDS = re.compile(r"^[^\W\d_]+(?:[ '-][^\W\d_]+)*$")


@dataclass
class RelatedRow:
    query: str
    value: int | None
    is_breakout: bool
    line: int


@dataclass
class RelatedQueries:
    category: str
    keyword: str
    market: str
    market_label: str
    top: list[RelatedRow] = field(default_factory=list)
    rising: list[RelatedRow] = field(default_factory=list)
    rejected: list[tuple[int, str]] = field(default_factory=list)
    kind: str = KIND


def is_section_title(cells: list[str]) -> bool:
    cells = trimmed(cells)
    return len(cells) == 1 and cells[0].casefold() in TOP_WORDS | RISING_WORDS


def _rising_value(cell: str, file: str, line: int) -> tuple[int | None, bool]:
    text = cell.strip()
    if m := _GROWTH.match(text):
        return int(re.sub(r"\D", "", m[1])), False
    if text.casefold() in BREAKOUT_WORDS or _WORDS.match(text):
        # The only words Google writes in a rising value are its (localized) Breakout.
        return None, True
    raise ImportProblem(file, line, "value", f"{text[:40]!r} is neither a growth like '+250%' nor Breakout")


def parse_related_queries(rows: list[Row], file: str) -> RelatedQueries:
    category, content = split_category(rows)
    if not content:
        raise ImportProblem(file, None, None, "the file is empty")
    title = content[0]
    if len(trimmed(title.cells)) != 1 or is_section_title(title.cells):
        raise ImportProblem(file, title.line, None, "expected a title line such as 'keyword: (United States)'")
    label = parse_column_label(trimmed(title.cells)[0], file, title.line)
    result = RelatedQueries(category, label.keyword, label.market, label.market_label)
    section = None
    sections_seen = 0
    seen: dict[tuple[str, str], int] = {}
    for row in content[1:]:
        cells = trimmed(row.cells)
        if len(cells) == 1:
            word = cells[0].casefold()
            if word in RISING_WORDS or (word not in TOP_WORDS and sections_seen == 1):
                section = "rising"
            elif word in TOP_WORDS or sections_seen == 0:
                section = "top"
            else:
                raise ImportProblem(file, row.line, None, f"unexpected line {cells[0][:40]!r}: a third section")
            sections_seen += 1
            continue
        if section is None:
            raise ImportProblem(file, row.line, None, "a query row before the TOP or RISING line")
        if len(cells) != 2:
            raise ImportProblem(file, row.line, None, f"expected 'query,value', found {len(cells)} cells")
        query, value_cell = cells
        if looks_like_formula(query) or len(query) > 300:
            result.rejected.append((row.line, f"query {query[:40]!r} refused (formula-like or too long)"))
            continue
        if (section, query.casefold()) in seen:
            first = seen[(section, query.casefold())]
            result.rejected.append((row.line, f"query {query[:40]!r} already given at line {first}"))
            continue
        seen[(section, query.casefold())] = row.line
        if section == "top":
            number, _partial = parse_index(value_cell, file, row.line, "value")
            value = None if number is None else int(round(number))
            result.top.append(RelatedRow(query, value, False, row.line))
        else:
            value, breakout = _rising_value(value_cell, file, row.line)
            result.rising.append(RelatedRow(query, value, breakout, row.line))
    if sections_seen == 0:
        raise ImportProblem(file, title.line, None, "no TOP or RISING section")
    return result

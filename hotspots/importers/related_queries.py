"""relatedQueries.csv and relatedEntities.csv: a TOP section (0-100) and a RISING section (``+250%`` or Breakout).

Both files have the same layout; relatedEntities holds topics (entities such as
"Marvel Comics"), not search terms, and two topics may share a title (the
company and the search engine "Google"). Which of the two a file is comes from
its name (``relatedEntities``/``relatedTopics`` -> topics), the only place Google
says it. A title line ``keyword: (geo)`` names the keyword and market; newer
exports leave it out and put TOP right after the category line, and then the
caller names them (``keyword``, ``market``).

Google writes TOP before RISING in every UI language; the section titles
themselves may be localized, so the first section is TOP and the second RISING.
A rising value is a growth (``+250%``, ``+1,250%``, ``Mais 2.000%``, ``+2 000 %``,
``+%50``) or the localized word for Breakout (any value without a digit).
"""

import re
from dataclasses import dataclass, field

from .common import LESS_THAN_ONE, Row, locale_hint, looks_like_formula, parse_column_label, parse_index, split_category, trimmed
from .problems import ImportProblem

KIND = "relatedQueries"
TOPICS_KIND = "relatedEntities"

# Section titles seen in exports; Google writes TOP before RISING in every UI language.
TOP_WORDS = {
    "top", "principais", "principales", "teratas", "populer", "häufigste", "meistgesucht", "principali", "populaires",
}
RISING_WORDS = {
    "rising", "em ascensão", "em alta", "en aumento", "naik", "meningkat", "ansteigend", "steigend",
    "en hausse", "in aumento", "in crescita", "stijgend",
}
# "+1,250%", "Mais 2.000%", "+2 000 %", "+%50", "+12,50,000%" (Indian grouping): words, sign, digits and separators.
_GROWTH = re.compile(r"^[^\d%٪]*?[+＋]?\s*[%٪]?\s*(\d+(?:[ ,.'\u00a0\u202f\u066c]\d+)*)\s*[%٪]?\s*$")


@dataclass
class RelatedRow:
    query: str
    value: float | None
    is_breakout: bool
    line: int
    rank: int = 0
    topic_type: str = ""


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

    @property
    def is_topics(self) -> bool:
        return self.kind == TOPICS_KIND


def is_section_title(cells: list[str]) -> bool:
    cells = trimmed(cells)
    return len(cells) == 1 and cells[0].casefold() in TOP_WORDS | RISING_WORDS


def is_topics_file(file: str) -> bool:
    name = (file or "").replace("\\", "/").rsplit("/", 1)[-1].casefold()
    return "relatedentities" in name or "relatedtopics" in name or "related_topics" in name


def rising_value(cell: str, file: str, line: int) -> tuple[int | None, bool]:
    """``+250%`` -> (250, False); ``Breakout`` in any language -> (None, True)."""
    text = cell.strip()
    if not any(ch.isdigit() for ch in text):
        if text and not looks_like_formula(text):
            return None, True
    elif "%" in text or "٪" in text:
        if m := _GROWTH.match(text):
            return int(re.sub(r"\D", "", m[1])), False
    raise ImportProblem(file, line, "value", f"{text[:40]!r} is neither a growth like '+250%' nor Breakout")


def parse_related_queries(
    rows: list[Row], file: str, *, keyword: str = "", market: str | None = None
) -> RelatedQueries:
    category, content = split_category(rows)
    if not content:
        raise ImportProblem(file, None, None, "the file is empty")
    kind = TOPICS_KIND if is_topics_file(file) else KIND
    title = content[0]
    body = content[1:]
    if len(trimmed(title.cells)) == 1 and not is_section_title(title.cells) and ":" in title.cells[0].replace("：", ":"):
        label = parse_column_label(trimmed(title.cells)[0], file, title.line, prefer=locale_hint(rows))
        result = RelatedQueries(category, label.keyword, label.market, label.market_label, kind=kind)
    elif len(trimmed(title.cells)) == 1:
        # TOP follows the category line directly: the file does not say whose list it is.
        if not keyword.strip() or market is None:
            raise ImportProblem(
                file, title.line, None,
                f"expected a title line such as 'keyword: (United States)' before {trimmed(title.cells)[0][:20]!r}; "
                "this export has none, so name its keyword and market when importing it",
            )
        result = RelatedQueries(category, keyword.strip()[:200], market, market, kind=kind)
        body = content
    else:
        raise ImportProblem(
            file, title.line, None, "expected a title line such as 'keyword: (United States)' or a TOP line"
        )
    section = None
    sections_seen = 0
    seen: dict[tuple[str, str], int] = {}
    for row in body:
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
            raise ImportProblem(file, row.line, None, "a row before the TOP or RISING line")
        if len(cells) != 2:
            what = "topic" if result.is_topics else "query"
            raise ImportProblem(file, row.line, None, f"expected '{what},value', found {len(cells)} cells")
        query, value_cell = cells
        if looks_like_formula(query) or len(query) > 300:
            result.rejected.append((row.line, f"{query[:40]!r} refused (formula-like or too long)"))
            continue
        rows_of = result.top if section == "top" else result.rising
        # Two topics may share a title (different entities); two identical queries are a garbled copy.
        if not result.is_topics and (section, query.casefold()) in seen:
            first = seen[(section, query.casefold())]
            result.rejected.append((row.line, f"query {query[:40]!r} already given at line {first}"))
            continue
        seen[(section, query.casefold())] = row.line
        if section == "top":
            number, _partial = parse_index(value_cell, file, row.line, "value")
            value = None if number is None else (number if number == LESS_THAN_ONE else float(round(number)))
            rows_of.append(RelatedRow(query, value, False, row.line, rank=len(rows_of) + 1))
        else:
            growth, breakout = rising_value(value_cell, file, row.line)
            rows_of.append(RelatedRow(query, None if growth is None else float(growth), breakout, row.line,
                                      rank=len(rows_of) + 1))
    if sections_seen == 0:
        raise ImportProblem(file, title.line, None, "no TOP or RISING section")
    return result

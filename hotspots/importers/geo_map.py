"""geoMap.csv: interest by region, one column per keyword; comparisons give shares like ``27 %``.

The market of a map is the country whose regions it ranks. A map of the world
ranks countries (its market is blank, worldwide); a map of one country ranks that
country's regions, and Google's label then holds only the period
(``Love, Bonito: (12/12/18 - 12/12/23)``), so the file does not say which country
it is. Such a map is told by its rows (regions that are not country names) and
needs its market named by the caller; without it the file is refused, never
stored as worldwide.
"""

from dataclasses import dataclass, field

from .common import Row, locale_hint, looks_like_formula, parse_column_label, parse_index, split_category, trimmed
from .geo import country_code
from .problems import ImportProblem

# Share of a map's rows that must be country names for it to be a map of the world.
WORLD_MAP_SHARE = 0.8

KIND = "geoMap"


@dataclass
class RegionValue:
    region: str
    value: float | None
    line: int


@dataclass
class GeoColumn:
    keyword: str
    market: str
    market_label: str
    regions: list[RegionValue] = field(default_factory=list)


@dataclass
class GeoMap:
    category: str
    region_label: str
    columns: list[GeoColumn]
    rejected: list[tuple[int, str]] = field(default_factory=list)
    kind: str = KIND


def parse_geo_map(rows: list[Row], file: str, *, market: str | None = None) -> GeoMap:
    """``market`` names the country of a map of regions whose label does not say it."""
    category, content = split_category(rows)
    if not content:
        raise ImportProblem(file, None, None, "no header row: the file is empty")
    header, data = content[0], content[1:]
    head = trimmed(header.cells)
    if len(head) < 2:
        raise ImportProblem(file, header.line, None, "header needs a region column and at least one keyword column")
    prefer = locale_hint(rows)
    labels = [parse_column_label(cell, file, header.line, prefer=prefer) for cell in head[1:]]
    columns = [GeoColumn(label.keyword, label.market, label.market_label) for label in labels]
    if len({(c.keyword.casefold(), c.market) for c in columns}) != len(columns):
        raise ImportProblem(file, header.line, None, "the same keyword appears twice")
    width = len(header.cells)
    result = GeoMap(category=category, region_label=head[0], columns=columns)
    seen: dict[str, int] = {}
    for row in data:
        cells = row.cells
        if len(cells) > width and any(cells[width:]):
            raise ImportProblem(file, row.line, None, f"{len(trimmed(cells))} cells but the header has {width}")
        region = cells[0]
        if not region:
            raise ImportProblem(file, row.line, head[0], "empty region name")
        if looks_like_formula(region) or len(region) > 200:
            result.rejected.append((row.line, f"region {region[:40]!r} refused (formula-like or too long)"))
            continue
        if region.casefold() in seen:
            first = seen[region.casefold()]
            result.rejected.append((row.line, f"region {region[:40]!r} already given at line {first}"))
            continue
        seen[region.casefold()] = row.line
        for index, column in enumerate(columns, start=1):
            cell = cells[index] if index < len(cells) else ""
            value, _partial = parse_index(cell, file, row.line, head[index], percent_ok=True)
            column.regions.append(RegionValue(region, value, row.line))
    if not seen:
        raise ImportProblem(file, header.line + 1, head[0], "no region rows under the header")
    if any(column.market_label for column in columns):
        return result
    countries = sum(country_code(region) is not None for region in seen)
    if countries >= WORLD_MAP_SHARE * len(seen):
        return result
    if market is None:
        raise ImportProblem(
            file, header.line, head[0],
            f"the rows are regions of one country (e.g. {next(iter(seen))[:40]!r}) and the file does not say which; "
            "name the market (US, DE...) when importing it",
        )
    for column in columns:
        column.market = column.market_label = market
    return result

"""multiTimeline.csv: interest over time, one column per keyword (and geo)."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from .common import Row, parse_column_label, parse_index, split_category, trimmed
from .dates import granularity_of, parse_when
from .problems import ImportProblem

KIND = "multiTimeline"


@dataclass
class TimelinePoint:
    date: date
    value: float | None
    is_partial: bool = False


@dataclass
class TimelineSeries:
    keyword: str
    market: str
    market_label: str
    granularity: str
    points: list[TimelinePoint] = field(default_factory=list)


@dataclass
class MultiTimeline:
    category: str
    series: list[TimelineSeries]
    kind: str = KIND


def parse_multi_timeline(rows: list[Row], file: str) -> MultiTimeline:
    category, content = split_category(rows)
    if not content:
        raise ImportProblem(file, None, None, "no header row: the file is empty")
    header, data = content[0], content[1:]
    head = trimmed(header.cells)
    if len(head) < 2:
        raise ImportProblem(file, header.line, None, "header needs a date column and at least one keyword column")
    date_label = head[0]
    partial_col = None
    columns = []
    for index, cell in enumerate(head[1:], start=1):
        if cell.casefold() == "ispartial":
            partial_col = index
            continue
        columns.append((index, parse_column_label(cell, file, header.line)))
    if not columns:
        raise ImportProblem(file, header.line, None, "no keyword column in the header")
    seen = set()
    for _index, column in columns:
        key = (column.keyword.casefold(), column.market)
        if key in seen:
            raise ImportProblem(file, header.line, column.keyword, "the same keyword and geo appear twice")
        seen.add(key)

    width = len(header.cells)
    moments, shapes = [], set()
    values: list[list[tuple[float | None, bool]]] = []
    lines_by_moment = {}
    for row in data:
        cells = row.cells
        if len(cells) > width and any(cells[width:]):
            raise ImportProblem(file, row.line, None, f"{len(trimmed(cells))} cells but the header has {width}")
        moment, shape = parse_when(cells[0], file, row.line, date_label)
        if moment in lines_by_moment:
            raise ImportProblem(
                file, row.line, date_label, f"date {cells[0]!r} already appeared at line {lines_by_moment[moment]}"
            )
        lines_by_moment[moment] = row.line
        row_partial = False
        if partial_col is not None and partial_col < len(cells):
            flag = cells[partial_col].casefold()
            if flag not in ("true", "false", ""):
                raise ImportProblem(file, row.line, "isPartial", f"{cells[partial_col][:20]!r} is not True or False")
            row_partial = flag == "true"
        parsed = []
        for index, column in columns:
            cell = cells[index] if index < len(cells) else ""
            value, partial = parse_index(cell, file, row.line, head[index])
            parsed.append((value, partial or row_partial))
        moments.append(moment)
        shapes.add(shape)
        values.append(parsed)
    if not moments:
        raise ImportProblem(file, header.line + 1, date_label, "no data rows under the header")
    if len(shapes - {"hour"}) > 1 or ("hour" in shapes and len(shapes) > 1):
        raise ImportProblem(file, data[0].line, date_label, "dates mix different formats (days, months, hours)")
    granularity = granularity_of(moments, shapes, date_label)

    series = [
        TimelineSeries(column.keyword, column.market, column.market_label, granularity) for _i, column in columns
    ]
    if granularity == "hour":
        # Points are one per date; hourly exports are kept as the mean of each day's hours.
        for position, one in enumerate(series):
            by_day = defaultdict(list)
            for moment, parsed in zip(moments, values):
                by_day[moment.date()].append(parsed[position])
            for day in sorted(by_day):
                known = [v for v, _p in by_day[day] if v is not None]
                mean = round(sum(known) / len(known), 3) if known else None
                one.points.append(TimelinePoint(day, mean, any(p for _v, p in by_day[day])))
    else:
        order = sorted(range(len(moments)), key=moments.__getitem__)
        for position, one in enumerate(series):
            one.points = [TimelinePoint(moments[i].date(), *values[i][position]) for i in order]
    return MultiTimeline(category=category, series=series)

"""multiTimeline.csv: interest over time, one column per keyword (and geo).

Hourly exports (last day, last seven days) and 8-minute ones (last hour, last four
hours) are kept as one point per day, the mean of that day's points, under their
own granularity ("hours", "minutes": daily means of hourly or 8-minute points), never
as plain days nor as hours. A day the file does not cover whole (the first and last
of a seven-day export, every day of a one-day export) is marked partial. Days are
the days of the clock the file was written in: Google writes the exporter's local
time without a zone, pytrends asks for UTC.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from .common import Row, locale_hint, parse_column_label, parse_index, split_category, trimmed
from .dates import HOUR, MINUTE, granularity_of, parse_date_column
from .problems import ImportProblem

KIND = "multiTimeline"
# What the daily means of sub-daily points are stored as.
DAILY_MEANS_OF = {HOUR: "hours", MINUTE: "minutes"}


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
        columns.append((index, parse_column_label(cell, file, header.line, blank_keyword=category, prefer=locale_hint(rows))))
    if not columns:
        raise ImportProblem(file, header.line, None, "no keyword column in the header")
    seen = set()
    for _index, column in columns:
        key = (column.keyword.casefold(), column.market)
        if key in seen:
            raise ImportProblem(file, header.line, column.keyword, "the same keyword and geo appear twice")
        seen.add(key)

    width = len(header.cells)
    for row in data:
        if len(row.cells) > width and any(row.cells[width:]):
            raise ImportProblem(file, row.line, None, f"{len(trimmed(row.cells))} cells but the header has {width}")
    if not data:
        raise ImportProblem(file, header.line + 1, date_label, "no data rows under the header")
    when = parse_date_column([(row.line, row.cells[0]) for row in data], file, date_label, prefer=locale_hint(rows))
    moments, shapes = [], set()
    values: list[list[tuple[float | None, bool]]] = []
    lines_by_moment = {}
    for row, (moment, shape) in zip(data, when):
        cells = row.cells
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
    sub_daily = shapes & {HOUR, MINUTE}
    if len(shapes - {HOUR, MINUTE}) > 1 or (sub_daily and shapes - sub_daily):
        raise ImportProblem(file, data[0].line, date_label, "dates mix different formats (days, months, hours)")
    granularity = granularity_of(moments, shapes, date_label)

    series = [
        TimelineSeries(column.keyword, column.market, column.market_label, DAILY_MEANS_OF.get(granularity, granularity))
        for _i, column in columns
    ]
    if granularity in DAILY_MEANS_OF:
        for position, one in enumerate(series):
            one.points = daily_means(moments, [parsed[position] for parsed in values], granularity=granularity)
    else:
        order = sorted(range(len(moments)), key=moments.__getitem__)
        for position, one in enumerate(series):
            one.points = [TimelinePoint(moments[i].date(), *values[i][position]) for i in order]
    return MultiTimeline(category=category, series=series)


def daily_means(
    moments: list[datetime], values: list[tuple[float | None, bool]], *, granularity: str
) -> list[TimelinePoint]:
    """Hourly or 8-minute (moment, (value, partial)) -> one point a day: the mean of the day's known values,
    partial when a point was partial or the day is not covered whole (fewer points than a full day has)."""
    ordered = sorted(moments)
    steps = sorted((b - a).total_seconds() for a, b in zip(ordered, ordered[1:]))
    step = steps[len(steps) // 2] if steps else (3600 if granularity == HOUR else 480)
    per_day = max(1, round(86400 / step))
    by_day: dict[date, list[tuple[float | None, bool]]] = defaultdict(list)
    for moment, item in zip(moments, values):
        by_day[moment.date()].append(item)
    points = []
    for day in sorted(by_day):
        items = by_day[day]
        known = [v for v, _p in items if v is not None]
        mean = round(sum(known) / len(known), 3) if known else None
        partial = any(p for _v, p in items) or len(items) < per_day
        points.append(TimelinePoint(day, mean, partial))
    return points

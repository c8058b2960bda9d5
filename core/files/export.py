"""CSV files the application writes for people to open in a spreadsheet: every text cell defused.

Use ``csv_writer`` (or ``csv_response`` for a download) for any CSV leaving the
application; a test keeps ``csv.writer`` out of the rest of the code.
"""

import csv
import json
import re
from collections.abc import Iterable

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse, StreamingHttpResponse

from .formulas import defuse


def safe_cell(value):
    """Text defused; numbers, dates and None kept as they are (a spreadsheet reads them as values)."""
    return defuse(value) if isinstance(value, str) else value


class SafeCsvWriter:
    """``csv.writer`` whose rows have their text cells defused."""

    def __init__(self, stream, **kwargs):
        self._writer = csv.writer(stream, **kwargs)

    @property
    def dialect(self):
        return self._writer.dialect

    def writerow(self, row: Iterable):
        return self._writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(stream, **kwargs) -> SafeCsvWriter:
    return SafeCsvWriter(stream, **kwargs)


def _download_name(filename: str, default: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", filename).strip("._") or default


def json_response(*, filename: str, data) -> HttpResponse:
    """A JSON download (UTF-8, indented), for a person's data leaving the application as a file."""
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{_download_name(filename, "export.json")}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


class _Lines:
    def write(self, value):
        return value


def csv_streaming_response(*, filename: str, header: Iterable[str], rows: Iterable[Iterable]) -> StreamingHttpResponse:
    """As ``csv_response``, written row by row as the download goes (for hundreds of thousands of rows)."""
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", filename).strip("._") or "export.csv"
    writer = csv_writer(_Lines())

    def lines():
        yield "\ufeff" + writer.writerow(header)
        for row in rows:
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def csv_response(*, filename: str, header: Iterable[str], rows: Iterable[Iterable]) -> HttpResponse:
    """A CSV download: UTF-8 with a byte order mark (so Excel reads the accents right), cells defused."""
    name = _download_name(filename, "export.csv")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    response.write("\ufeff")
    writer = csv_writer(response)
    writer.writerow(header)
    writer.writerows(rows)
    return response

"""Reading files from outside, the same way for every importer, and writing CSV files that are safe to open.

- ``read_csv(data, file=..., max_bytes=..., max_lines=..., max_line_chars=..., delimiter=None)``
  -> ``CsvText`` (``text``, ``encoding``, ``delimiter``, ``lines``, ``rows()`` -> ``Row(line, cells)``):
  encodings (``text``), delimiter, line endings, limits, malformed quoting.
- ``FileProblem(file, line, column, reason)``: the one error type, raised or collected in
  ``Problems``; ``message`` names the file, line and column.
- ``looks_like_formula`` / ``defuse``: spreadsheet formulas refused or defused on the way in;
  ``csv_writer`` / ``csv_response`` defuse them on the way out.
- ``MaxUploadSize`` / ``read_limited``: size limits checked before a file is read whole.
- ``shopify_orders``: Shopify's orders export as plain order records.
"""

from .export import SafeCsvWriter, csv_response, csv_streaming_response, csv_writer, json_response, safe_cell
from .formulas import FORMULA_START, defuse, looks_like_formula
from .problems import FileProblem, Problems, TooManyProblems
from .tables import DEFAULT_MAX_LINE_CHARS, DELIMITERS, CsvText, Row, detect_delimiter, read_csv
from .text import DEFAULT_MAX_BYTES, Decoded, decode, line_count, size_text
from .uploads import MaxUploadSize, read_limited

__all__ = [
    "DEFAULT_MAX_BYTES", "DEFAULT_MAX_LINE_CHARS", "DELIMITERS", "FORMULA_START", "CsvText", "Decoded", "FileProblem",
    "MaxUploadSize", "Problems", "Row", "SafeCsvWriter", "TooManyProblems", "csv_response", "csv_streaming_response", "csv_writer", "decode",
    "defuse", "detect_delimiter", "json_response", "line_count", "looks_like_formula", "read_csv", "read_limited", "safe_cell",
    "size_text",
]

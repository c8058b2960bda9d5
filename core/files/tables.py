"""CSV text -> rows with their line numbers: delimiter, line endings, limits and malformed quoting.

``read_csv(data, file=...)`` decodes (``text.decode``), checks the size and line
limits, tells the delimiter and returns a ``CsvText`` whose ``rows()`` yields one
``Row`` per record; a record whose quoted cell spans lines (a note with line breaks)
is one row that starts at its first line. Anything unreadable raises ``FileProblem``
naming the file and line.
"""

import csv
import io
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

from .problems import FileProblem
from .text import DEFAULT_MAX_BYTES, decode, line_breaks, line_count

DEFAULT_MAX_LINE_CHARS = 32_768
DELIMITERS = (",", ";", "\t")
_SAMPLE_CHARS = 64 * 1024
_SAMPLE_ROWS = 200
_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}
_BRACKETS = re.compile(r"[(（][^()（）\n]*[)）]")


class Row(NamedTuple):
    """One record and the line it starts on (a tuple: made for every row of a file of a million rows)."""

    line: int
    cells: list[str]


def _outside_brackets(text: str) -> str:
    """The text with bracketed parts taken out, nested ones too: a label such as
    ``keyword: (1/1/20 - 1/1/25, Myanmar (Burma))`` holds commas that separate nothing."""
    while True:
        shorter = _BRACKETS.sub("", text)
        if shorter == text:
            return text
        text = shorter


def detect_delimiter(text: str, candidates: tuple[str, ...] = DELIMITERS) -> str:
    """The delimiter that splits the first rows most consistently; ``candidates[0]`` when none splits them,
    unless it occurs only inside brackets: then one the text does not hold, so no label is cut.

    ``csv.Sniffer`` is not used: it gives up on a Google Trends export (a one-cell
    ``Category:`` line above the table), on one-column files and on semicolon files with
    decimal commas. Here each candidate parses the first rows, and the one under which
    most rows have the same number of cells (more than one) wins; a tie goes to the
    candidate named first. Commas inside brackets are not counted (a label such as
    ``keyword: (1/1/20 - 1/1/25, United States)`` in a re-saved file separates nothing).
    """
    sample = text[:_SAMPLE_CHARS]
    if len(text) > _SAMPLE_CHARS:
        cut = max(sample.rfind("\n"), sample.rfind("\r"))
        sample = sample[:cut] if cut > 0 else sample
    counted = "\n".join(_outside_brackets(line) for line in sample.splitlines())
    best, best_score = None, (0, 0)
    for delimiter in candidates:
        counts = []
        reader = csv.reader(io.StringIO(counted, newline=""), delimiter=delimiter)
        try:
            for cells in reader:
                if any(cell.strip() for cell in cells):
                    counts.append(len(cells))
                if len(counts) >= _SAMPLE_ROWS:
                    break
        except csv.Error:
            pass
        split = [count for count in counts if count > 1]
        if not split:
            continue
        width, rows = Counter(split).most_common(1)[0]
        score = (rows, width)
        if score > best_score:
            best, best_score = delimiter, score
    if best is None and candidates[0] in sample and candidates[0] not in counted:
        # Its only occurrences are inside labels: read with one that cuts nothing.
        return next((d for d in candidates if d not in sample), candidates[0])
    return best or candidates[0]


@dataclass(frozen=True)
class CsvText:
    """One decoded CSV file, ready to be read row by row."""

    file: str
    text: str
    encoding: str
    delimiter: str
    lines: int
    max_line_chars: int = DEFAULT_MAX_LINE_CHARS
    # False: quote marks are text like any other (``csv.QUOTE_NONE``), as in tab-separated dumps whose cells
    # hold unescaped quotes (Amazon's review datasets).
    quoted: bool = True

    @property
    def delimiter_name(self) -> str:
        return _NAMES.get(self.delimiter, repr(self.delimiter))

    def _check_line_lengths(self) -> None:
        limit, text = self.max_line_chars, self.text
        if len(text) <= limit:
            return
        offset = 0
        for piece in text.split("\n"):
            if len(piece) > limit:
                start = offset
                for part in piece.split("\r"):
                    if len(part) > limit:
                        line = line_breaks(text[:start]) + 1
                        raise FileProblem(self.file, line, None, f"line is longer than {limit:,} characters")
                    start += len(part) + 1
            offset += len(piece) + 1

    def rows(self, *, strip: bool = True) -> Iterator[Row]:
        """Every record, blank ones included, with the line it starts on; cells stripped unless ``strip=False``."""
        self._check_line_lengths()
        quoting = csv.QUOTE_MINIMAL if self.quoted else csv.QUOTE_NONE
        reader = csv.reader(io.StringIO(self.text, newline=""), delimiter=self.delimiter, strict=True, quoting=quoting)
        start = 1
        try:
            for cells in reader:
                yield Row(start, list(map(str.strip, cells)) if strip else cells)
                start = reader.line_num + 1
        except csv.Error as exc:
            reason, line = str(exc), reader.line_num or start
            if "field larger than field limit" in reason:
                reason, line = f"a cell is longer than {csv.field_size_limit():,} characters", start
            elif "unexpected end of data" in reason:
                reason, line = "a quoted cell is never closed", start
            raise FileProblem(self.file, line, None, f"malformed CSV ({reason})") from None


def read_csv(
    data: bytes | str,
    *,
    file: str,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_lines: int | None = None,
    max_line_chars: int = DEFAULT_MAX_LINE_CHARS,
    delimiter: str | None = None,
    delimiters: tuple[str, ...] = DELIMITERS,
) -> CsvText:
    """Decode and check one CSV file; ``delimiter=None`` tells it from the content among ``delimiters``."""
    decoded = decode(data, file=file, max_bytes=max_bytes)
    lines = line_count(decoded.text)
    if max_lines is not None and lines > max_lines:
        raise FileProblem(file, None, None, f"more than {max_lines:,} lines; split the file")
    return CsvText(
        file=file, text=decoded.text, encoding=decoded.encoding,
        delimiter=delimiter or detect_delimiter(decoded.text, delimiters), lines=lines, max_line_chars=max_line_chars,
    )

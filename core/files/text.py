"""Bytes of an outside file -> text, whatever a shop, a spreadsheet or a browser saved it as.

Read: UTF-8 with or without a byte order mark, UTF-16 little- or big-endian with
its byte order mark (what Excel's "Unicode text" and Google Sheets in some locales
write), and Windows-1252 (Excel's "CSV" on a Western Windows: €, umlauts, accents).
Refused, naming the line: binary content (NUL or control bytes), UTF-16 without a
byte order mark, a file that switches from UTF-8 to another encoding part way, and
bytes that are neither UTF-8 nor Windows-1252.
"""

import codecs
import re
from dataclasses import dataclass

from .problems import FileProblem

MB = 1024 * 1024
DEFAULT_MAX_BYTES = 20 * MB

UTF8 = "utf-8"
UTF8_BOM = "utf-8-sig"
UTF16_LE = "utf-16-le"
UTF16_BE = "utf-16-be"
WINDOWS_1252 = "windows-1252"

_BOMS = ((codecs.BOM_UTF8, UTF8_BOM), (codecs.BOM_UTF16_LE, UTF16_LE), (codecs.BOM_UTF16_BE, UTF16_BE))
# Control characters no text export holds; tab, line feed and carriage return are fine.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_HIGH_BYTE = re.compile(rb"[\x80-\xff]")
BINARY = "binary content, not a CSV file"


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str


def size_text(size: int) -> str:
    """``5 MB``, ``512 KB`` or ``1,234 bytes``: a limit as people say it."""
    if size >= MB and size % MB == 0:
        return f"{size // MB} MB"
    if size >= 1024 and size % 1024 == 0:
        return f"{size // 1024} KB"
    return f"{size:,} bytes"


def line_breaks(text: str) -> int:
    """Line breaks in ``text``, whether CRLF, LF or a lone CR."""
    return text.count("\n") + text.count("\r") - text.count("\r\n")


def line_count(text: str) -> int:
    if not text:
        return 0
    return line_breaks(text) + (0 if text.endswith(("\n", "\r")) else 1)


def _line_at(data: bytes, position: int, encoding: str = UTF8) -> int:
    """The line number of byte ``position`` of ``data``."""
    return line_breaks(data[:position].decode(encoding, errors="replace")) + 1


def _utf16_without_bom(data: bytes) -> bool:
    """Mostly-ASCII text in UTF-16 has a NUL in every other byte."""
    sample = data[:400]
    pairs = len(sample) // 2
    if pairs < 4:
        return False
    even = sum(1 for i in range(0, pairs * 2, 2) if sample[i] == 0)
    odd = sum(1 for i in range(1, pairs * 2, 2) if sample[i] == 0)
    return max(even, odd) >= 0.9 * pairs and min(even, odd) <= 0.1 * pairs


def decode(data: bytes | str, *, file: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Decoded:
    """The text of ``data``; ``FileProblem`` when it is too big, binary or in no encoding we read."""
    if isinstance(data, str):
        if len(data) > max_bytes:
            raise FileProblem(file, None, None, f"the file is larger than {size_text(max_bytes)}")
        text, encoding = data.removeprefix("\ufeff"), UTF8
    else:
        if len(data) > max_bytes:
            raise FileProblem(file, None, None, f"the file is larger than {size_text(max_bytes)}")
        text, encoding = _decode_bytes(data, file)
    # A DOS end-of-file mark after the last line is no content.
    text = text.removesuffix("\x1a")
    bad = _CONTROL.search(text)
    if bad:
        raise FileProblem(file, line_breaks(text[: bad.start()]) + 1, None, BINARY)
    return Decoded(text, encoding)


def _decode_bytes(data: bytes, file: str) -> tuple[str, str]:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            body = data[len(bom) :]
            try:
                return body.decode(encoding.removesuffix("-sig")), encoding
            except UnicodeDecodeError as exc:
                line = _line_at(body, exc.start, encoding.removesuffix("-sig"))
                name = "UTF-8" if encoding == UTF8_BOM else "UTF-16"
                raise FileProblem(
                    file, line, None, f"not readable as {name} text although the file starts with a {name} byte order mark"
                ) from None
    nul = data.find(b"\x00")
    if nul >= 0:
        if _utf16_without_bom(data):
            raise FileProblem(
                file, None, None, "UTF-16 text without a byte order mark; save the file again as CSV UTF-8"
            )
        raise FileProblem(file, _line_at(data, nul), None, BINARY)
    try:
        return data.decode(UTF8), UTF8
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    line = _line_at(data, first_bad)
    if _HIGH_BYTE.search(data, 0, first_bad):
        # Valid UTF-8 letters before, an invalid byte here: two encodings in one file.
        raise FileProblem(
            file, line, None,
            f"byte 0x{data[first_bad]:02X} is not UTF-8 although the lines before are; "
            "the file mixes encodings, save it again as CSV UTF-8",
        )
    try:
        return data.decode("cp1252"), WINDOWS_1252
    except UnicodeDecodeError as exc:
        line = _line_at(data, exc.start)
        raise FileProblem(
            file, line, None, f"not a text file: byte 0x{data[exc.start]:02X} is neither UTF-8 nor Windows-1252"
        ) from None

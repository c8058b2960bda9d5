"""CSV written for spreadsheets (formulas defused on the way out) and upload sizes checked before reading."""

import ast
import csv
import io
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from core.files import FileProblem, MaxUploadSize, csv_response, csv_writer, read_csv, read_limited

from .uploads import UnreadableUpload

ROOT = Path(__file__).resolve().parents[2]


# --- on the way out -------------------------------------------------------------------------------------

def test_csv_writer_defuses_text_and_keeps_numbers():
    buffer = io.StringIO()
    writer = csv_writer(buffer, lineterminator="\n")
    writer.writerow(["=HYPERLINK(\"http://x\",\"y\")", "+44 20 7946 0000", "-cmd", "@SUM(A1)", "plain", -5, 2.5, None])
    writer.writerows([["\t=1", "ok"]])
    rows = list(csv.reader(io.StringIO(buffer.getvalue())))
    assert rows == [
        ["'=HYPERLINK(\"http://x\",\"y\")", "'+44 20 7946 0000", "'-cmd", "'@SUM(A1)", "plain", "-5", "2.5", ""],
        ["'\t=1", "ok"],
    ]


def test_csv_response_is_a_defused_utf8_download():
    response = csv_response(filename="pre orders/2025 «März».csv", header=["reference", "customer"],
                            rows=[["R-1", "=cmd|' /C calc'!A0"], ["R-2", "Jürgen"]])
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="pre_orders_2025_M_rz_.csv"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.content.startswith(b"\xef\xbb\xbf")
    table = read_csv(response.content, file="download.csv")
    assert [row.cells for row in table.rows()] == [["reference", "customer"], ["R-1", "'=cmd|' /C calc'!A0"], ["R-2", "Jürgen"]]


# Files that write CSV without the defusing writer, and why that is right for them.
RAW_CSV_WRITERS = {
    # Demo Google Trends exports in Google's own format, read back by the trend importer (which refuses formulas).
    "hotspots/demo_data/generate.py",
    # Social schedulers' bulk-upload files: the scheduler publishes each cell as it stands, so a defused
    # cell would change the post (a caption starting with "@" or "+" is common), and its download.
    "promotion/publishers/bulk_csv.py",
    "promotion/views_edit.py",
}


def _python_files():
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if relative.parts[0] in {".venv", "bench", "node_modules"} or "tests" in relative.parts or "migrations" in relative.parts:
            continue
        yield relative, path


def test_every_csv_the_application_writes_goes_through_the_defusing_writer():
    found = set()
    for relative, path in _python_files():
        if relative == Path("core/files/export.py"):
            continue
        for node in ast.walk(ast.parse(path.read_text(), filename=str(relative))):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if name in {"writer", "DictWriter"} and isinstance(func, ast.Attribute) and getattr(func.value, "id", "") == "csv":
                    found.add(str(relative))
                for keyword in node.keywords:
                    value = keyword.value
                    if (keyword.arg == "content_type" and isinstance(value, ast.Constant)
                            and str(value.value).startswith("text/csv")):
                        found.add(str(relative))
    assert found == RAW_CSV_WRITERS, "write CSV with core.files.csv_writer or csv_response"


# --- uploads -------------------------------------------------------------------------------------------

def test_an_upload_over_the_limit_is_refused_without_being_read():
    validator = MaxUploadSize(5 * 1024 * 1024)
    with pytest.raises(ValidationError) as raised:
        validator(UnreadableUpload("big.csv", 5 * 1024 * 1024 + 1))
    assert raised.value.messages == ["big.csv is larger than 5 MB (5,242,881 bytes)."]
    assert raised.value.code == "file_too_large"
    validator(UnreadableUpload("ok.csv", 5 * 1024 * 1024))
    assert validator == MaxUploadSize(5 * 1024 * 1024) and validator != MaxUploadSize(1)


def test_read_limited_reads_at_most_one_byte_past_the_limit(tmp_path):
    assert read_limited(b"abc", max_bytes=3) == b"abc"
    assert read_limited("é", max_bytes=3) == "é".encode()
    assert read_limited(io.BytesIO(b"abc"), max_bytes=3) == b"abc"
    path = tmp_path / "orders.csv"
    path.write_bytes(b"x" * 11)
    with pytest.raises(FileProblem) as raised:
        read_limited(path, max_bytes=10, file="orders.csv")
    assert raised.value.message == "orders.csv: the file is larger than 10 bytes"
    with pytest.raises(FileProblem):
        read_limited(UnreadableUpload("big.csv", 11), max_bytes=10, file="big.csv")

    class Stream(io.BytesIO):
        asked = []

        def read(self, size=-1):
            self.asked.append(size)
            return super().read(size)

    stream = Stream(b"y" * 1000)
    with pytest.raises(FileProblem):
        read_limited(stream, max_bytes=10)
    assert Stream.asked == [11]
    with pytest.raises(OSError):
        read_limited(tmp_path / "missing.csv", max_bytes=10)

"""The file-reading toolkit on its own: encodings, delimiters, limits, malformed CSV, formulas, the problem type."""

import codecs

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.files import (
    FileProblem, Problems, TooManyProblems, decode, defuse, detect_delimiter, looks_like_formula, read_csv, size_text,
)

HEADER = "name,city,amount\n"
ROWS = "Jürgen Weiß,München,5 €\nZoë,Lyon,12\n"
TEXT = HEADER + ROWS


def cells(data, **kwargs):
    return [(row.line, row.cells) for row in read_csv(data, file="f.csv", **kwargs).rows()]


def problem(data, **kwargs) -> FileProblem:
    with pytest.raises(FileProblem) as raised:
        table = read_csv(data, file="f.csv", **kwargs)
        list(table.rows())
    assert raised.value.file == "f.csv"
    return raised.value


EXPECTED = [(1, ["name", "city", "amount"]), (2, ["Jürgen Weiß", "München", "5 €"]), (3, ["Zoë", "Lyon", "12"])]


# --- encodings ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
        (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), "utf-16-le"),
        (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16-be"),
        (TEXT.encode("cp1252"), "windows-1252"),
        (TEXT, "utf-8"),
        ("\ufeff" + TEXT, "utf-8"),
    ],
    ids=["utf-8", "utf-8 bom", "utf-16 le", "utf-16 be", "windows-1252", "text", "text with bom"],
)
def test_every_encoding_a_shop_or_spreadsheet_writes_is_read(data, encoding):
    table = read_csv(data, file="f.csv")
    assert table.encoding == encoding
    assert [(row.line, row.cells) for row in table.rows()] == EXPECTED


def test_windows_1252_letters_outside_latin_1():
    data = "product,price\nBügeleisen „Luxus“ – Größe M,9,99 €\n".encode("cp1252")
    assert decode(data, file="f.csv").text == "product,price\nBügeleisen „Luxus“ – Größe M,9,99 €\n"


@pytest.mark.parametrize(
    ("data", "line", "reason"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", 3, "binary content"),
        (b"a,b\n1,2\n\x00\x01\x02", 3, "binary content"),
        (b"a,b\n1,\x07bell\n", 2, "binary content"),
        (TEXT.encode("utf-16-le"), None, "UTF-16 text without a byte order mark"),
        (b"a,b\nM\xc3\xbcller,1\nM\xfcller,2\n", 3, "byte 0xFC is not UTF-8 although the lines before are"),
        (b"a,b\n\x81\x8d,1\n", 2, "neither UTF-8 nor Windows-1252"),
        (codecs.BOM_UTF8 + b"a,b\n\xff,1\n", 2, "not readable as UTF-8 text"),
        (codecs.BOM_UTF16_LE + b"a\x00,\x00b\x00\n\x00\x00\xdc", 2, "not readable as UTF-16 text"),
    ],
    ids=["png", "nul at the end", "control byte", "utf-16 without bom", "mixed", "undefined 1252", "bad utf-8 after bom",
         "odd utf-16"],
)
def test_binary_and_broken_text_is_refused_naming_the_line(data, line, reason):
    refused = problem(data)
    assert refused.line == line and reason in refused.reason
    assert refused.message.startswith("f.csv" + (f", line {line}" if line else "") + ": ")


def test_a_dos_end_of_file_mark_is_no_content():
    assert cells(b"a,b\r\n1,2\r\n\x1a") == [(1, ["a", "b"]), (2, ["1", "2"])]


# --- line endings, quoting, delimiters ------------------------------------------------------------

@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"], ids=["LF", "CRLF", "CR"])
def test_line_endings(newline):
    assert cells(TEXT.replace("\n", newline)) == EXPECTED


def test_a_quoted_cell_with_line_breaks_is_one_row_starting_on_its_first_line():
    text = 'Name,Notes,Total\r\n#1,"Leave at the door,\r\nring twice; ""thanks""",10\r\n#2,,5\r\n'
    assert cells(text) == [
        (1, ["Name", "Notes", "Total"]), (2, ["#1", 'Leave at the door,\r\nring twice; "thanks"', "10"]), (4, ["#2", "", "5"]),
    ]


def test_cells_are_stripped_unless_asked_not_to():
    table = read_csv("a , b\n 1 ,\t2\n", file="f.csv")
    assert [row.cells for row in table.rows()] == [["a", "b"], ["1", "2"]]
    assert [row.cells for row in table.rows(strip=False)] == [["a ", " b"], [" 1 ", "\t2"]]


@pytest.mark.parametrize(
    ("text", "delimiter"),
    [
        ("a,b,c\n1,2,3\n", ","),
        ("a;b;c\n1;2;3\n", ";"),
        ("a\tb\tc\n1\t2\t3\n", "\t"),
        # Decimal commas in a semicolon file.
        ("Woche;a: (Deutschland);b: (Deutschland)\n2024-01-07;1,5;3\n2024-01-14;2,5;4\n", ";"),
        # A one-cell line (Google Trends' category) above the table.
        ("Kategorie: Alle Kategorien\n\nWoche;a: (Deutschland)\n2024-01-07;5\n2024-01-14;6\n", ";"),
        # Semicolons inside quoted cells of a comma file.
        ('Name,Note\n#1,"a; b; c; d"\n#2,"x;y"\n', ","),
        # Commas in product names of a tab file.
        ("order-id\tsku\tproduct-name\n1\tA\tTowel, cream\n2\tB\tTowel, blue, large\n", "\t"),
        # One column, or nothing at all: comma.
        ("email\na@example.org\n", ","),
        ("", ","),
    ],
    ids=["comma", "semicolon", "tab", "decimal commas", "category line", "quoted semicolons", "tab with commas",
         "one column", "empty"],
)
def test_delimiter_detection(text, delimiter):
    assert detect_delimiter(text) == delimiter
    assert read_csv(text, file="f.csv").delimiter == delimiter


def test_a_tie_goes_to_the_first_candidate_and_a_named_delimiter_is_used_as_given():
    assert detect_delimiter("a,b;c\n") == ","
    assert detect_delimiter("a,b;c\n", (";", ",")) == ";"
    assert cells("a;b\n1;2\n", delimiter=",") == [(1, ["a;b"]), (2, ["1;2"])]


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ('a,b\n1,"never closed\n2,3\n', 2, "malformed CSV (a quoted cell is never closed)"),
        ('a,b\n1,"x"y\n', 2, "malformed CSV (',' expected after '\"')"),
        ('a,b\n1,"' + "x\n" * 70_000 + '"\n', 2, "malformed CSV (a cell is longer than 131,072 characters)"),
    ],
    ids=["unterminated", "stray quote", "huge quoted cell"],
)
def test_malformed_csv_names_the_line(text, line, reason):
    refused = problem(text)
    assert (refused.line, refused.reason) == (line, reason)


# --- limits -------------------------------------------------------------------------------------------

def test_size_limit_is_checked_before_decoding():
    refused = problem(b"\xff" * 2049, max_bytes=2048)
    assert (refused.line, refused.reason) == (None, "the file is larger than 2 KB")
    assert problem("x" * 11, max_bytes=10).reason == "the file is larger than 10 bytes"
    assert read_csv(b"a" * 2048, file="f.csv", max_bytes=2048).lines == 1


def test_line_limits():
    assert problem("a\n" * 11, max_lines=10).reason == "more than 10 lines; split the file"
    assert read_csv("a\n" * 10, file="f.csv", max_lines=10).lines == 10
    long = problem("a,b\n1," + "x" * 101 + "\n2,3\n", max_line_chars=100)
    assert (long.line, long.reason) == (2, "line is longer than 100 characters")
    assert cells("a,b\r\n1," + "x" * 98 + "\r\n", max_line_chars=100)[1][1] == ["1", "x" * 98]


@pytest.mark.parametrize(("size", "text"), [(5 * 1024 * 1024, "5 MB"), (512 * 1024, "512 KB"), (1000, "1,000 bytes")])
def test_size_text(size, text):
    assert size_text(size) == text


# --- formulas -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["=1+1", "+44 20 7946 0000", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "=HYPERLINK(\"x\")"])
def test_formula_like_cells_are_defused_with_a_leading_quote(value):
    assert looks_like_formula(value)
    assert defuse(value) == "'" + value


@pytest.mark.parametrize("value", ["", "plain", "1+1", " =1", "a=b", "'=1", "#1001"])
def test_other_cells_are_kept_as_written(value):
    assert not looks_like_formula(value)
    assert defuse(value) == value


def test_formula_cells_are_read_as_written():
    assert cells('a,b\n"=cmd|\' /C calc\'!A0",@x\n')[1][1] == ["=cmd|' /C calc'!A0", "@x"]


# --- the problem type -------------------------------------------------------------------------------------

def test_the_problem_names_file_line_and_column():
    assert FileProblem("o.csv", 7, "Created at", "'x' is not a date").message == "o.csv, line 7, column 'Created at': 'x' is not a date"
    assert FileProblem("o.csv", 7, None, "bad").message == "o.csv, line 7: bad"
    assert FileProblem("o.csv", None, "", "too big").message == "o.csv: too big"
    assert FileProblem("", 2, None, "bad").message == "<upload>, line 2: bad"
    one = FileProblem("o.csv", 3, "sku", "empty")
    assert one == FileProblem("o.csv", 3, "sku", "empty") and str(one) == one.message and one.field == "sku"
    assert one.as_dict() == {"file": "o.csv", "line": 3, "column": "sku", "field": "sku", "reason": "empty",
                             "message": "o.csv, line 3, column 'sku': empty"}


def test_problems_stop_at_the_limit_and_say_so():
    problems = Problems("o.csv", limit=3)
    problems.add(2, "a", "one")
    problems.add(3, None, "two")
    with pytest.raises(TooManyProblems):
        problems.add(4, "b", "three")
    assert problems.messages() == [
        "o.csv, line 2, column 'a': one", "o.csv, line 3: two", "o.csv, line 4, column 'b': three",
        "o.csv: stopped after 3 problems",
    ]


# --- any input -------------------------------------------------------------------------------------------

CSV_ALPHABET = st.sampled_from(list(',;\t"\r\n =+-@ab1é€\x00\x1a') + ["\ufeff", "Ä", "\u2028"])
ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1252", "latin-1"])


def _read_all(data: bytes | str):
    lines = max(1, data.count(b"\n" if isinstance(data, bytes) else "\n") + data.count(b"\r" if isinstance(data, bytes) else "\r") + 1)
    try:
        table = read_csv(data, file="fuzz.csv", max_bytes=4096, max_lines=200, max_line_chars=300)
        rows = list(table.rows())
    except FileProblem as refused:
        assert refused.file == "fuzz.csv" and refused.reason
        assert refused.line is None or 1 <= refused.line <= lines
        assert refused.message.startswith("fuzz.csv")
        return
    assert all(isinstance(cell, str) for row in rows for cell in row.cells)
    assert [row.line for row in rows] == sorted({row.line for row in rows})


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=600))
def test_any_bytes_give_rows_or_a_problem_naming_the_file(data):
    _read_all(data)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=CSV_ALPHABET, max_size=400), ENCODINGS)
def test_any_csv_like_text_in_any_encoding_gives_rows_or_a_problem(text, encoding):
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        data = text.encode("utf-8")
    _read_all(data)
    _read_all(text)


def test_a_tab_separated_dump_can_read_quote_marks_as_text():
    from dataclasses import replace

    text = 'id\ttitle\tbody\n1\t"The Burning Room", du Connelly...\tsays \\"hi\\"\n2\tplain\t"quoted"\n'
    table = read_csv(text, file="dump.tsv")
    assert table.delimiter == "\t" and table.quoted
    with pytest.raises(FileProblem, match=r"dump.tsv, line 2: malformed CSV"):
        list(table.rows())
    rows = [row.cells for row in replace(table, quoted=False).rows()]
    assert rows[1] == ["1", '"The Burning Room", du Connelly...', 'says \\"hi\\"']
    assert rows[2] == ["2", "plain", '"quoted"']

"""Reading review exports: real files row by row, hostile and malformed input, fuzzing. No database.

The real files are described in ``data/README.md``; files made here say so where they are made.
"""

import codecs
import html
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from customers.importers.reviews import (
    ReviewsRefused, content_id, guess_mapping, parse_rating, parse_review_date, parse_reviews, preview, recognise,
)

DATA = Path(__file__).parent / "data"
SHOPIFY_HEADER = "product_handle,state,rating,title,author,email,location,body,reply,created_at,replied_at\n"
JUDGEME_HEADER = ("title,body,rating,review_date,source,curated,reviewer_name,reviewer_email,product_id,product_handle,"
                  "reply,reply_date,picture_urls,ip_address,location,metaobject_handle\n")


def problems(data, fmt, **kw):
    with pytest.raises(ReviewsRefused) as refused:
        parse_reviews(data, "reviews.csv", fmt, **kw)
    return [(p.line, p.column, p.reason) for p in refused.value.problems]


@pytest.mark.parametrize("name, marketplace, stars", [
    ("amazon_reviews_sample_us.tsv", "US", [5, 2, 5, 4, 33]),
    ("amazon_reviews_sample_fr.tsv", "FR", [1, 4, 4, 13, 27]),
])
def test_amazon_review_exports_row_by_row(name, marketplace, stars):
    raw = (DATA / name).read_bytes()
    parsed = parse_reviews(raw, name, "amazon")
    lines = raw.decode("utf-8").split("\n")
    header, rows = lines[0].split("\t"), [line.split("\t") for line in lines[1:] if line]
    assert header[2] == "review_id" and len(rows) == len(parsed.reviews) == 49
    for record, cells in zip(parsed.reviews, rows, strict=True):
        cell = dict(zip(header, cells, strict=True))
        assert record.external_id == cell["review_id"]
        assert record.product == cell["product_id"]
        assert record.rating == int(cell["star_rating"])
        assert record.created_at == datetime.fromisoformat(cell["review_date"]).replace(tzinfo=UTC)
        assert record.country == marketplace == cell["marketplace"]
        assert record.body == html.unescape(cell["review_body"].replace("<br />", "\n")).strip()
        assert record.title == html.unescape(cell["review_headline"]).strip()
        assert record.product_title == cell["product_title"]
        assert (record.reviewer, record.email) == ("", "")  # the dataset's customer_id is not a name
    assert [sum(r.rating == n for r in parsed.reviews) for n in range(1, 6)] == stars
    assert (parsed.duplicates, parsed.spam) == (0, 0)


def test_amazon_cells_keep_their_quote_marks_and_lose_their_html():
    parsed = parse_reviews((DATA / "amazon_reviews_sample_fr.tsv").read_bytes(), "fr.tsv", "amazon")
    by_id = {r.external_id: r for r in parsed.reviews}
    # A tab-separated cell opening with a quote mark is text, not CSV quoting.
    assert by_id["R2ZNPOPXQWHYYF"].title == '"The Burning Room", du Connelly...'
    assert by_id["R2P2XF84YELQBZ"].body.startswith("du bon bowie,très bon meme parfois.esperons que nous aurons \"the next")
    assert by_id["R14NAE6UGTVTA2"].body.splitlines()[:2] == ["Je dirais qu'il a un défaut :",
                                                            "On ne peut pas totalement programmer les touches du stylet. "
                                                            "On peut juste affecter des boutons de la souris. "
                                                            "J'aurais aimé que ce soit n'importe quelle touche."]


def test_a_judgeme_format_file_on_a_ten_point_scale_is_refused_line_by_line_then_read_with_a_mapping():
    raw = (DATA / "judgeme_castforge_resin_kits.csv").read_bytes()
    found = problems(raw, "judgeme")
    assert found[0] == (2, "rating", "rating '10' is not a whole number of stars from 1 to 5")
    assert (16, "rating", "rating '8' is not a whole number of stars from 1 to 5") in found
    assert (17, "rating", "rating '6' is not a whole number of stars from 1 to 5") in found
    assert found[-1] == (None, None, "stopped after 20 problems")
    mapping = {"product": "product_handle", "rating": "rating", "created_at": "review_date", "title": "title",
               "body": "body", "reviewer": "reviewer_name", "email": "reviewer_email"}
    parsed = parse_reviews(raw, "castforge.csv", "generic", mapping=mapping, rating_scale=10)
    assert len(parsed.reviews) == 55 and parsed.duplicates == 0  # 55 rows over 69 lines: quoted cells hold line breaks
    first = parsed.reviews[0]
    assert (first.product, first.rating, first.reviewer, first.created_at.date().isoformat()) == (
        "1-10-alexander-the-great-conquests", 5, "Ben Z.", "2025-01-01")
    assert first.external_id.startswith("h:") and len(first.external_id) == 42
    assert [r.rating for r in parsed.reviews].count(3) == 2  # the two 6/10 reviews
    assert [r.rating for r in parsed.reviews].count(4) == 5  # the five 8/10 reviews
    # A body with line breaks inside quotes stays one review.
    assert parsed.reviews[1].body == "Excelente producto calidad 5 estrellas, 100% satisfecho con la compra.\nMuchas gracias"


def test_shopify_product_reviews_export_made_here_from_the_documented_header():
    data = SHOPIFY_HEADER + (
        'lash-pack,published,2,Too plain,Ana R.,ana@example.org,US,"Wish it came with glue, tweezers",,2025-03-02 10:12:00 UTC,\n'
        'lash-pack,published,5,Lovely,Bo,not-an-email,"Austin, TX",Soft band,,2025-03-04T08:00:00-05:00,\n'
    )
    first, second = parse_reviews(data.encode(), "spr.csv", "shopify").reviews
    assert (first.product, first.rating, first.title, first.reviewer, first.email, first.country) == (
        "lash-pack", 2, "Too plain", "Ana R.", "ana@example.org", "US")
    assert first.created_at == datetime(2025, 3, 2, 10, 12, tzinfo=UTC)
    assert (second.email, second.country) == ("", "")  # no address, a city: neither kept
    assert second.created_at.utcoffset().total_seconds() == -5 * 3600
    assert first.external_id == content_id("shopify", first) != second.external_id


def test_judgeme_spam_rows_are_left_out_and_the_ip_address_is_never_read():
    data = JUDGEME_HEADER + (
        "Great,Soft,5,2025-03-02,web,ok,Kim,kim@example.org,123,throw,,,,10.1.2.3,DE,\n"
        "Buy now,spam text,5,2025-03-02,web,spam,Bot,,123,throw,,,,10.9.9.9,,\n"
    )
    parsed = parse_reviews(data, "j.csv", "judgeme")
    assert parsed.spam == 1 and len(parsed.reviews) == 1
    assert "10.1.2.3" not in repr(parsed.reviews[0]) and parsed.reviews[0].country == "DE"


def test_a_handle_missing_falls_back_to_judgemes_product_id():
    data = JUDGEME_HEADER + "T,B,4,2025-03-02,web,ok,Kim,,987654,,,,,,,\n"
    (record,) = parse_reviews(data, "j.csv", "judgeme").reviews
    assert (record.product, record.product_alt) == ("987654", "")


def test_the_wrong_format_is_named():
    data = JUDGEME_HEADER + "T,B,4,2025-03-02,web,ok,Kim,,1,throw,,,,,,\n"
    found = problems(data, "shopify")
    assert found[0][:2] == (1, "product_handle") or found[0][:2] == (1, "created_at")
    assert all("the header is a Judge.me export: choose the judgeme format" in reason for _l, _c, reason in found)
    assert recognise(JUDGEME_HEADER.strip().split(",")).format == "judgeme"
    assert recognise(SHOPIFY_HEADER.strip().split(",")).format == "shopify"
    assert recognise(["a", "b"]) is None


@pytest.mark.parametrize("row, column, reason", [
    ("lash,published,6,T,A,,,B,,2025-03-02,", "rating", "rating '6' is not a whole number of stars from 1 to 5"),
    ("lash,published,,T,A,,,B,,2025-03-02,", "rating", "rating empty is not a whole number of stars from 1 to 5"),
    ("lash,published,4.5,T,A,,,B,,2025-03-02,", "rating", "rating '4.5' is not a whole number of stars from 1 to 5"),
    ("lash,published,five,T,A,,,B,,2025-03-02,", "rating", "rating 'five' is not a whole number of stars from 1 to 5"),
    ("lash,published,5,T,A,,,B,,02/03/2025,", "created_at", "'02/03/2025' is not a date"),
    ("lash,published,5,T,A,,,B,,2999-01-01,", "created_at", "'2999-01-01' lies outside 1995 to tomorrow"),
    ("lash,published,5,T,A,,,B,,,", "created_at", "date is empty"),
    (",published,5,T,A,,,B,,2025-03-02,", "product_handle", "product is empty"),
    ("=HYPERLINK(\"http://x\"),published,5,T,A,,,B,,2025-03-02,", "product_handle",
     "'=HYPERLINK(\"http://x\")' looks like a spreadsheet formula"),
    (f"{'x' * 121},published,5,T,A,,,B,,2025-03-02,", "product_handle", "longer than 120 characters"),
    ("lash,published,5,T,A,,,B,,2025-03-02,,extra", None, "12 cells where the header has 11 columns"),
])
def test_a_bad_row_names_line_column_and_reason_and_refuses_the_file(row, column, reason):
    data = SHOPIFY_HEADER + "lash,published,5,Fine,Al,,,Good,,2025-03-01,\n" + row + "\n"
    assert problems(data, "shopify") == [(3, column, reason)]


def test_amazon_ids_countries_and_text_limits():
    header = "marketplace\tcustomer_id\treview_id\tproduct_id\tproduct_title\tstar_rating\treview_headline\treview_body\treview_date\n"
    assert problems(header + "XX1\t1\tR1\tB01\tT\t5\tH\tB\t2015-01-01\n", "amazon") == [
        (2, "marketplace", "'XX1' is not a two-letter country code")]
    assert problems(header + "US\t1\t\tB01\tT\t5\tH\tB\t2015-01-01\n", "amazon") == [(2, "review_id", "review id is empty")]
    assert problems(header + "US\t1\t+R1\tB01\tT\t5\tH\tB\t2015-01-01\n", "amazon") == [
        (2, "review_id", "'+R1' looks like a spreadsheet formula")]
    assert problems(header + f"US\t1\tR1\tB01\tT\t5\tH\t{'a' * 20_001}\t2015-01-01\n", "amazon") == [
        (2, "review_body", "review text longer than 20,000 characters")]
    (uk,) = parse_reviews(header + "UK\t1\tR1\tB01\tT\t5\tH\tB\t2015-01-01\n", "a.tsv", "amazon").reviews
    assert uk.country == "GB"


def test_repeated_rows_count_once_and_a_reused_review_id_with_other_content_is_a_problem():
    header = "marketplace\treview_id\tproduct_id\tstar_rating\treview_body\treview_date\n"
    row = "US\tR1\tB01\t5\tGood\t2015-01-01\n"
    parsed = parse_reviews(header + row + row, "a.tsv", "amazon")
    assert len(parsed.reviews) == 1 and parsed.duplicates == 1
    assert problems(header + row + "US\tR1\tB01\t1\tBad\t2015-01-01\n", "amazon") == [
        (3, "review_id", "review 'R1' already appeared at line 2 with other content")]
    spr = SHOPIFY_HEADER + "lash,published,5,T,A,,,B,,2025-03-02,\n" * 3
    assert parse_reviews(spr, "s.csv", "shopify").duplicates == 2


def test_free_text_that_a_spreadsheet_would_run_is_kept_defused():
    data = SHOPIFY_HEADER + 'lash,published,1,=1+1,@cmd,,,"-2 stars, =IMPORTXML(x)",,2025-03-02,\n'
    (record,) = parse_reviews(data, "s.csv", "shopify").reviews
    assert (record.title, record.reviewer, record.body) == ("'=1+1", "'@cmd", "'-2 stars, =IMPORTXML(x)")


def test_hostile_markup_is_kept_as_text():
    data = SHOPIFY_HEADER + 'lash,published,1,<script>alert(1)</script>,A,,,"<img src=x onerror=alert(1)>",,2025-03-02,\n'
    (record,) = parse_reviews(data, "s.csv", "shopify").reviews
    assert record.title == "<script>alert(1)</script>"  # the pages escape it


@pytest.mark.parametrize("encode", [
    lambda text: text.encode("utf-8"),
    lambda text: codecs.BOM_UTF8 + text.encode("utf-8"),
    lambda text: codecs.BOM_UTF16_LE + text.encode("utf-16-le"),
    lambda text: text.encode("cp1252"),
], ids=["utf-8", "utf-8 bom", "utf-16", "windows-1252"])
def test_encodings_spreadsheets_write(encode):
    text = SHOPIFY_HEADER.replace(",", ";") + "lash;published;4;Très doux;Zoë;;FR;Un peu trop fin €;;2025-03-02;\n"
    (record,) = parse_reviews(encode(text), "s.csv", "shopify").reviews
    assert (record.title, record.reviewer, record.body, record.country) == ("Très doux", "Zoë", "Un peu trop fin €", "FR")


@pytest.mark.parametrize("data, reason", [
    (b"", "the file is empty: no header"),
    (b"\x00\x01\x02binary", "binary content, not a CSV file"),
    (SHOPIFY_HEADER.encode(), "no reviews in the file"),
    (SHOPIFY_HEADER.encode() + b'lash,published,5,"never closed,A,,,B,,2025-03-02,\n', "malformed CSV (a quoted cell is never closed)"),
    (b"caf\xc3\xa9,\xff\xfe\n", "byte 0xFF is not UTF-8 although the lines before are; the file mixes encodings, save it again as CSV UTF-8"),
])
def test_unreadable_files_are_refused_with_the_right_words(data, reason):
    assert [r for _l, _c, r in problems(data, "shopify")] == [reason]


def test_a_generic_file_needs_its_mapping_and_maps_headers_case_blind():
    assert problems("a,b\n1,2\n", "generic") == [(None, None, "a generic review file needs a column mapping")]
    data = "SKU;Stars;Date;Comment\nHT-1;4;2025-01-02;ok\n"
    (record,) = parse_reviews(data, "g.csv", "generic", mapping={"product": "sku", "rating": "stars",
                                                                  "created_at": "date", "body": "comment"}).reviews
    assert (record.product, record.rating, record.body) == ("HT-1", 4, "ok")
    assert problems(data, "generic", mapping={"product": "sku", "rating": "score", "created_at": "date"}) == [
        (1, "score", "column missing from the header; the CSV read with a column mapping has it")]


def test_ratings_dates_and_mapping_guesses():
    assert [parse_rating(v) for v in ("5", "4.0", "3 out of 5 stars", "2/5", " 1 ")] == [5, 4, 3, 2, 1]
    assert [parse_rating(v, scale=10) for v in ("10", "8", "6", "1", "0")] == [5, 4, 3, 1, 1]
    assert parse_rating("80 %", scale=100) == 4
    for bad in ("0", "11", "-1", "NaN", "1e1", "٣"):
        with pytest.raises(ValueError):
            parse_rating(bad)
    assert parse_review_date("2025-03-02 10:12:00 +0100").utcoffset().total_seconds() == 3600
    assert parse_review_date("2025/03/02") == datetime(2025, 3, 2, tzinfo=UTC)
    for bad in ("1994-12-31", "yesterday", "2025-13-01", "31.12.2024"):
        with pytest.raises(ValueError):
            parse_review_date(bad)
    assert guess_mapping(["Review ID", "SKU", "Stars", "Headline", "Review", "Date", "Name", "Country"]) == {
        "review_id": "Review ID", "product": "SKU", "rating": "Stars", "title": "Headline", "body": "Review",
        "created_at": "Date", "reviewer": "Name", "country": "Country",
    }
    header, rows = preview(SHOPIFY_HEADER + "a,b,5\n\nc,d,4\n", "p.csv", rows=5)
    assert header[:3] == ["product_handle", "state", "rating"] and rows == [["a", "b", "5"], ["c", "d", "4"]]


# Anything at all: read, or refused with problems that name the file. Never another exception.
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.one_of(st.binary(max_size=600), st.text(max_size=600).map(lambda t: t.encode("utf-8"))),
       fmt=st.sampled_from(["shopify", "judgeme", "amazon"]))
def test_fuzz_any_bytes_are_read_or_refused(data, fmt):
    try:
        parsed = parse_reviews(data, "fuzz.csv", fmt)
    except ReviewsRefused as refused:
        assert refused.problems and all(p.file == "fuzz.csv" for p in refused.problems)
    else:
        assert all(1 <= r.rating <= 5 and r.product and r.external_id for r in parsed.reviews)


_cell = st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"]), max_size=40)


@settings(max_examples=150, deadline=None)
@given(rows=st.lists(st.tuples(
    st.from_regex(r"[a-z0-9][a-z0-9-]{0,30}", fullmatch=True), st.integers(1, 5), _cell, _cell, _cell,
    st.dates(min_value=datetime(1996, 1, 1).date(), max_value=datetime(2024, 12, 31).date()),
), min_size=1, max_size=15))
def test_fuzz_rows_written_by_a_csv_writer_come_back_as_written(rows):
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(SHOPIFY_HEADER.strip().split(","))
    for handle, rating, title, author, body, day in rows:
        writer.writerow([handle, "published", rating, title, author, "", "", body, "", day.isoformat(), ""])
    parsed = parse_reviews(out.getvalue().encode(), "w.csv", "shopify")
    assert len(parsed.reviews) + parsed.duplicates == len(rows)
    for record in parsed.reviews:
        handle, rating, title, author, body, day = rows[record.line - 2]
        assert (record.product, record.rating, record.created_at.date()) == (handle, rating, day)
        assert record.title.lstrip("'") == title.strip()[:200].lstrip("'") or record.title.endswith("…")
        assert record.body.lstrip("'") == body.strip().lstrip("'")

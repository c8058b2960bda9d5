"""Buyer panel CSV: one buyer per line, checked line by line before anything is stored.

Columns (header row, any order, case-insensitive): name, email, company,
country (2 letters), markets (separated by ; or |), language. name and email
are required.
"""

import csv
import io

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

REQUIRED = ("name", "email")
KNOWN = ("name", "email", "company", "country", "markets", "language")
MAX_ROWS = 5000
MAX_BYTES = 2 * 1024 * 1024


def parse_buyer_csv(content: bytes | str, *, filename: str) -> dict:
    rows, errors, duplicates = [], [], []
    report = {"filename": filename, "rows": rows, "errors": errors, "duplicates": duplicates}

    def error(line, field, message):
        errors.append({"line": line, "field": field, "message": f"{filename}, line {line}, {field}: {message}"})

    if isinstance(content, bytes):
        if len(content) > MAX_BYTES:
            error(0, "file", f"{len(content):,} bytes; the limit is {MAX_BYTES:,}.")
            return report
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            error(0, "file", f"not UTF-8 text (byte {exc.start}).")
            return report
    if "\x00" in content:
        error(0, "file", "contains NUL bytes; not a CSV file.")
        return report
    reader = csv.reader(io.StringIO(content, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        error(1, "header", "the file is empty.")
        return report
    except csv.Error as exc:
        error(1, "header", f"unreadable CSV ({exc}).")
        return report
    columns = [h.strip().lower() for h in header]
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        error(1, "header", f"missing column(s) {', '.join(missing)}; found {', '.join(columns) or 'none'}.")
        return report
    seen: dict[str, int] = {}
    try:
        for values in reader:
            line = reader.line_num
            if not any(v.strip() for v in values):
                continue
            if len(rows) + len(errors) >= MAX_ROWS:
                error(line, "file", f"more than {MAX_ROWS} rows.")
                break
            if len(values) != len(columns):
                error(line, "row", f"{len(values)} values for {len(columns)} columns.")
                continue
            raw = {c: v.strip() for c, v in zip(columns, values) if c in KNOWN}
            ok = True
            email = raw.get("email", "").lower()
            try:
                validate_email(email)
            except ValidationError:
                error(line, "email", f"{raw.get('email', '')!r} is not an email address.")
                ok = False
            if not raw.get("name"):
                error(line, "name", "empty.")
                ok = False
            elif len(raw["name"]) > 120:
                error(line, "name", "longer than 120 characters.")
                ok = False
            country = raw.get("country", "").upper()
            if country and (len(country) != 2 or not country.isalpha()):
                error(line, "country", f"{country!r} is not a 2-letter code.")
                ok = False
            if len(raw.get("company", "")) > 120:
                error(line, "company", "longer than 120 characters.")
                ok = False
            markets = [m.strip().upper() for m in raw.get("markets", "").replace("|", ";").split(";") if m.strip()]
            bad = [m for m in markets if len(m) > 12 or not m.replace("-", "").isalnum()]
            if bad:
                error(line, "markets", f"{bad[0]!r} is not a market code.")
                ok = False
            language = raw.get("language", "") or "en"
            if len(language) > 10 or not language.replace("-", "").isalpha():
                error(line, "language", f"{language!r} is not a language code.")
                ok = False
            if ok and email in seen:
                duplicates.append({"line": line, "email": email, "first_line": seen[email]})
                error(line, "email", f"{email} already given on line {seen[email]}.")
                continue
            if ok:
                seen[email] = line
                rows.append({
                    "line": line, "email": email, "name": raw["name"], "company": raw.get("company", ""),
                    "country": country, "markets": markets, "language": language.lower(),
                })
    except csv.Error as exc:
        error(reader.line_num, "row", f"unreadable CSV ({exc}).")
    if not rows and not errors:
        error(2, "file", "no buyer rows under the header.")
    return report

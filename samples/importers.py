"""Buyer panel CSV: one buyer per line, checked line by line before anything is stored.

Columns (header row, any order, case-insensitive): name, email, company,
country (2 letters), markets (separated by ; or |), language. name and email
are required. The file is read by ``core.files`` (UTF-8, UTF-16 or Windows-1252;
comma, semicolon or tab). Formulas: an email a spreadsheet would run is refused,
a name or company is stored defused (a leading ``'``).
"""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from core.files import FileProblem, Problems, TooManyProblems, defuse, looks_like_formula, read_csv

REQUIRED = ("name", "email")
KNOWN = ("name", "email", "company", "country", "markets", "language")
MAX_ROWS = 5000
MAX_BYTES = 2 * 1024 * 1024


def parse_buyer_csv(content: bytes | str, *, filename: str) -> dict:
    """``{"filename", "rows", "errors", "duplicates"}``; each error is a ``FileProblem.as_dict()``."""
    rows, duplicates = [], []
    problems = Problems(filename, limit=MAX_ROWS)
    report = {"filename": filename, "rows": rows, "errors": [], "duplicates": duplicates}
    try:
        _read(content, filename, problems, rows, duplicates)
    except FileProblem as problem:
        problems.append(problem)
    except TooManyProblems:
        pass
    if not rows and not problems:
        problems.append(FileProblem(filename, 2, None, "no buyer rows under the header."))
    report["errors"] = [problem.as_dict() for problem in problems]
    return report


def _read(content, filename: str, problems: Problems, rows: list, duplicates: list) -> None:
    table = read_csv(content, file=filename, max_bytes=MAX_BYTES)
    lines = table.rows()
    header = next(lines, None)
    if header is None:
        problems.add(1, None, "the file is empty.")
        return
    columns = [h.lower() for h in header.cells]
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        problems.add(header.line, None, f"missing column(s) {', '.join(missing)}; found {', '.join(columns) or 'none'}.")
        return
    seen: dict[str, int] = {}
    for values in lines:
        line = values.line
        if not any(values.cells):
            continue
        if len(rows) + len(problems) >= MAX_ROWS:
            problems.add(line, None, f"more than {MAX_ROWS} rows.")
            return
        if len(values.cells) != len(columns):
            problems.add(line, None, f"{len(values.cells)} values for {len(columns)} columns.")
            continue
        raw = {c: v for c, v in zip(columns, values.cells) if c in KNOWN}
        ok = True
        email = raw.get("email", "").lower()
        try:
            validate_email(email)
        except ValidationError:
            problems.add(line, "email", f"{raw.get('email', '')!r} is not an email address.")
            ok = False
        else:
            if looks_like_formula(email):
                problems.add(line, "email", f"{email!r} looks like a spreadsheet formula.")
                ok = False
        name = defuse(raw.get("name", ""))
        if not name:
            problems.add(line, "name", "empty.")
            ok = False
        elif len(name) > 120:
            problems.add(line, "name", "longer than 120 characters.")
            ok = False
        country = raw.get("country", "").upper()
        if country and (len(country) != 2 or not country.isalpha()):
            problems.add(line, "country", f"{country!r} is not a 2-letter code.")
            ok = False
        company = defuse(raw.get("company", ""))
        if len(company) > 120:
            problems.add(line, "company", "longer than 120 characters.")
            ok = False
        markets = [m.strip().upper() for m in raw.get("markets", "").replace("|", ";").split(";") if m.strip()]
        bad = [m for m in markets if len(m) > 12 or not m.replace("-", "").isalnum()]
        if bad:
            problems.add(line, "markets", f"{bad[0]!r} is not a market code.")
            ok = False
        language = raw.get("language", "") or "en"
        if len(language) > 10 or not language.replace("-", "").isalpha():
            problems.add(line, "language", f"{language!r} is not a language code.")
            ok = False
        if ok and email in seen:
            duplicates.append({"line": line, "email": email, "first_line": seen[email]})
            problems.add(line, "email", f"{email} already given on line {seen[email]}.")
            continue
        if ok:
            seen[email] = line
            rows.append({
                "line": line, "email": email, "name": name, "company": company,
                "country": country, "markets": markets, "language": language.lower(),
            })

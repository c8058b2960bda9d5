"""What a captured query ran: on PostgreSQL a compiled read (``core.compiled``) is sent as the
EXECUTE of a statement its session prepared; the statement's text is the database's."""

import re

from django.db import connection

_EXECUTE = re.compile(r"(?:PREPARE (\w+) AS .*; )?EXECUTE (\w+)\(.*\)", re.S)


def statement_of(sql: str) -> str:
    found = _EXECUTE.fullmatch(sql)
    if found is None:
        return sql
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE name = %s", [found[2]])
        return cursor.fetchone()[0]

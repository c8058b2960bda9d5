"""A throwaway PostgreSQL database for one benchmark run, next to DATABASE_URL's, on loopback only."""

import contextlib
import os
import sys
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@contextlib.contextmanager
def bench_database(name: str, *, keep: bool = False, reuse: str = ""):
    """Point Django at a fresh database ``<db>_<name>`` next to DATABASE_URL's, migrated; drop it on exit
    (``keep``: leave it, and print its name, to look into it afterwards; ``reuse``: the name of a database
    kept earlier, migrated again and left in place)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("Set DATABASE_URL to a PostgreSQL database (postgres://user:pass@host:port/db).")
    import psycopg2

    parts = urllib.parse.urlsplit(url)
    if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        sys.exit("Benchmarks run against a loopback database only (127.0.0.1).")
    bench_db = reuse or f"{parts.path.lstrip('/')}_{name}_{os.getpid()}"
    keep = keep or bool(reuse)
    admin = psycopg2.connect(url)
    admin.autocommit = True
    if not reuse:
        with admin.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{bench_db}"')
    os.environ["DATABASE_URL"] = urllib.parse.urlunsplit(parts._replace(path=f"/{bench_db}"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "c2f.settings")
    sys.path.insert(0, str(ROOT))
    try:
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        yield bench_db
    finally:
        from django.db import connections

        connections.close_all()
        if keep:
            print(f"database kept: {bench_db}")
        else:
            with admin.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{bench_db}"')
        admin.close()

"""A read compiled to SQL once and run many times, for the few reads on a hot path.

Django compiles a queryset to SQL on every evaluation. For a small indexed read that
every API request makes (a key by its prefix, with a join and two subqueries) the
compiling costs several times the query itself. ``CompiledQuery`` compiles the
queryset once per database connection, with stand-ins for the values that change,
and on each call runs that SQL with the real values, making the first row into a
model instance the way Django's own iterable does: the same columns, the same
conversions (JSON, times on SQLite), ``select_related`` objects and annotations.

On PostgreSQL the SQL is also a prepared statement of each database session, so the
server plans it once per session, not on every call: for such a read, planning costs
more than running it. It is prepared by the first call on a new session, in the same
round trip as that call's EXECUTE. (A pooler that hands one session's statements to
another, such as PgBouncer in transaction mode, is not supported.)

Only a queryset of model instances (no ``values()``, no ``prefetch_related``) whose
changing values are strings compared as they are (``exact`` lookups) can be compiled.
"""

import itertools
import weakref
from collections.abc import Callable
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet
from django.db.models.query import ModelIterable, get_related_populators


_statement_numbers = itertools.count(1)


class _Parameter:
    """Stands for ``$n`` when psycopg writes the SQL of a prepared statement."""

    def __init__(self, number: int):
        self.number = number

    def __conform__(self, protocol):
        return self

    def getquoted(self) -> bytes:
        return b"$%d" % self.number


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple
    prepare_sql: str | None  # PostgreSQL: the SQL with ``$1…`` for the values, in ``slots`` order
    slots: dict  # value name → positions in params
    model: type
    fields: slice
    init_list: list
    related: list
    annotations: dict
    converters: list


class CompiledQuery:
    """``build(**stand_ins)`` makes the queryset; ``first(**values)`` runs it with ``values`` instead.

    >>> key_by_prefix = CompiledQuery(lambda prefix: ApiKey.objects.filter(prefix=prefix), "prefix")
    >>> key_by_prefix.first(prefix="abc")
    """

    def __init__(self, build: Callable[..., QuerySet], *names: str):
        self._build = build
        self._stand_ins = {name: f"\x00compiled:{name}\x00" for name in names}
        self._by_connection = weakref.WeakKeyDictionary()
        self._prepared = weakref.WeakKeyDictionary()  # connection → (its database session, statement name)

    def _compile(self, connection) -> _Compiled:
        queryset = self._build(**self._stand_ins)[:1]
        if queryset._iterable_class is not ModelIterable or queryset._prefetch_related_lookups:
            raise TypeError("CompiledQuery reads model instances only, without prefetch_related.")
        compiler = queryset.query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        slots = {name: [i for i, p in enumerate(params) if p == stand_in] for name, stand_in in self._stand_ins.items()}
        if any(len(found) != 1 for found in slots.values()):
            raise ValueError(f"Each value must reach the SQL as one parameter as given; found {slots}.")
        klass_info, select = compiler.klass_info, compiler.select
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        prepare_sql = None
        if connection.vendor == "postgresql":
            numbered = list(params)
            for number, name in enumerate(self._stand_ins, start=1):
                numbered[slots[name][0]] = _Parameter(number)
            with connection.cursor() as cursor:
                prepare_sql = cursor.mogrify(sql, numbered).decode()
        return _Compiled(
            sql=sql,
            params=tuple(params),
            prepare_sql=prepare_sql,
            slots={name: found[0] for name, found in slots.items()},
            model=klass_info["model"],
            fields=slice(start, end),
            init_list=[column[0].target.attname for column in select[start:end]],
            related=get_related_populators(klass_info, select, connection.alias),
            annotations=dict(compiler.annotation_col_map),
            converters=list(compiler.get_converters([column[0] for column in select[: compiler.col_count]]).items()),
        )

    def first(self, *, using: str = DEFAULT_DB_ALIAS, **values: str):
        """The first row (in the queryset's order) with ``values``, as the queryset would give it, or None."""
        if set(values) != set(self._stand_ins):
            raise TypeError(f"Give exactly these values: {sorted(self._stand_ins)}.")
        connection = connections[using]
        compiled = self._by_connection.get(connection)
        if compiled is None:
            compiled = self._by_connection[connection] = self._compile(connection)
        with connection.cursor() as cursor:
            if compiled.prepare_sql is None:
                params = list(compiled.params)
                for name, value in values.items():
                    params[compiled.slots[name]] = value
                cursor.execute(compiled.sql, params)
                row = cursor.fetchone()
            else:
                row = self._execute_prepared(connection, cursor, compiled, [values[name] for name in self._stand_ins])
        if row is None:
            return None
        row = list(row)
        for position, (converters, expression) in compiled.converters:
            for converter in converters:
                row[position] = converter(row[position], expression, connection)
        obj = compiled.model.from_db(using, compiled.init_list, row[compiled.fields])
        for populator in compiled.related:
            populator.populate(row, obj)
        for name, position in compiled.annotations.items():
            setattr(obj, name, row[position])
        return obj

    def _execute_prepared(self, connection, cursor, compiled: _Compiled, values: list):
        session = connection.connection
        prepared = self._prepared.get(connection)
        placeholders = ", ".join(["%s"] * len(values))
        if prepared is not None and prepared[0] is session:
            cursor.execute(f"EXECUTE {prepared[1]}({placeholders})", values)
            return cursor.fetchone()
        # A new name for every attempt: a PREPARE whose EXECUTE failed may or may not have stayed.
        name = f"c2f_compiled_{next(_statement_numbers)}"
        prepare = compiled.prepare_sql.replace("%", "%%")
        cursor.execute(f"PREPARE {name} AS {prepare}; EXECUTE {name}({placeholders})", values)
        row = cursor.fetchone()
        self._prepared[connection] = (session, name)
        return row

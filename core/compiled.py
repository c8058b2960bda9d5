"""A read compiled to SQL once and run many times, for the few reads on a hot path.

Django compiles a queryset to SQL on every evaluation. For a small indexed read that
every API request makes (a key by its prefix, with a join and two subqueries) the
compiling costs several times the query itself. ``CompiledQuery`` compiles the
queryset once per database connection, with stand-ins for the values that change,
and on each call runs that SQL with the real values, making the first row into a
model instance the way Django's own iterable does: the same columns, the same
conversions (JSON, times on SQLite), ``select_related`` objects and annotations.

Only a queryset of model instances (no ``values()``, no ``prefetch_related``) whose
changing values are strings compared as they are (``exact`` lookups) can be compiled.
"""

import weakref
from collections.abc import Callable
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet
from django.db.models.query import ModelIterable, get_related_populators


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple
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
        return _Compiled(
            sql=sql,
            params=tuple(params),
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
        params = list(compiled.params)
        for name, value in values.items():
            params[compiled.slots[name]] = value
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            row = cursor.fetchone()
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

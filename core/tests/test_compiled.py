"""A read compiled once gives what the queryset gives, row for row, and one query per call."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models import Count, OuterRef, Subquery
from django.test.utils import CaptureQueriesContext

from core.compiled import CompiledQuery
from core.models import Cycle, TaskRun

from .factories import CycleFactory
from .queries import statement_of

pytestmark = pytest.mark.django_db


def _runs(kind):
    return (
        TaskRun.objects.select_related("cycle")
        .annotate(
            siblings=Subquery(
                TaskRun.objects.filter(cycle=OuterRef("cycle")).order_by().values("cycle").annotate(n=Count("*")).values("n")
            )
        )
        .filter(kind=kind)
        .order_by("-id")
    )


RUN_BY_KIND = CompiledQuery(_runs, "kind")


def _as_dict(run):
    return {
        **{f.attname: getattr(run, f.attname) for f in TaskRun._meta.concrete_fields},
        "siblings": run.siblings,
        "cycle": {f.attname: getattr(run.cycle, f.attname) for f in Cycle._meta.concrete_fields},
    }


def test_it_gives_what_the_queryset_gives(django_assert_num_queries):
    cycle = CycleFactory(name="Spring")
    TaskRun.objects.create(kind="import", cycle=cycle, done=3, total=7, message="first")
    newest = TaskRun.objects.create(kind="import", cycle=cycle, status=TaskRun.Status.DONE, message="héllo")
    TaskRun.objects.create(kind="mine", cycle=cycle)
    expected = _runs("import").first()
    with django_assert_num_queries(1):
        run = RUN_BY_KIND.first(kind="import")
        assert run.cycle.name == "Spring"  # loaded with the row, as select_related does
    assert run.pk == newest.pk
    assert _as_dict(run) == _as_dict(expected)
    assert run.created_at.tzinfo is not None and run.siblings == 3  # times and annotations converted
    assert run._state.adding is False and run._state.db == "default"


def test_each_call_takes_its_own_values():
    TaskRun.objects.create(kind="a", message="one")
    TaskRun.objects.create(kind="b", message="two")
    assert RUN_BY_KIND.first(kind="b").message == "two"
    assert RUN_BY_KIND.first(kind="a").message == "one"
    assert RUN_BY_KIND.first(kind="'; DROP TABLE core_taskrun; --") is None
    assert TaskRun.objects.count() == 2


def test_it_refuses_what_it_cannot_compile_or_run():
    with pytest.raises(TypeError):
        RUN_BY_KIND.first()
    with pytest.raises(TypeError):
        RUN_BY_KIND.first(kind="a", other="b")
    with pytest.raises(TypeError):
        CompiledQuery(lambda kind: TaskRun.objects.filter(kind=kind).values("id"), "kind").first(kind="a")
    with pytest.raises(ValueError):
        CompiledQuery(lambda kind: TaskRun.objects.filter(kind__icontains=kind), "kind").first(kind="a")


def _prepared_statements() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, statement FROM pg_prepared_statements")
        return dict(cursor.fetchall())


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_each_session_plans_the_read_once():
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's; SQLite caches its own")
    TaskRun.objects.create(kind="a", message="one")
    read = CompiledQuery(_runs, "kind")
    with pytest.raises(DatabaseError), transaction.atomic():
        with CaptureQueriesContext(connection) as first:
            assert read.first(kind="a").message == "one"
        connection.cursor().execute("SELECT 1/0")
    assert first.captured_queries[0]["sql"].startswith("PREPARE ")
    # Prepared in a transaction that rolled back, the statement stays with the session.
    with CaptureQueriesContext(connection) as queries:
        assert read.first(kind="b") is None
        assert read.first(kind="a").message == "one"
    sent = [q["sql"] for q in queries.captured_queries]
    assert len(sent) == 2 and all(s.startswith("EXECUTE ") for s in sent)
    name = sent[0].split()[1].split("(")[0]
    statement = _prepared_statements()[name]
    assert "$1" in statement and '"core_taskrun"' in statement and statement_of(sent[0]) == statement

    connection.close()  # a new session has none of the old one's statements: the next call prepares again
    with CaptureQueriesContext(connection) as queries:
        assert read.first(kind="a").message == "one"
    assert queries.captured_queries[0]["sql"].startswith("PREPARE ")
    assert name not in _prepared_statements()


@pytest.mark.django_db(transaction=True)
def test_a_read_whose_first_call_fails_prepares_afresh():
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    read = CompiledQuery(_runs, "kind")
    with pytest.raises(DatabaseError), transaction.atomic():
        try:
            connection.cursor().execute("SELECT 1/0")
        except DatabaseError:
            pass
        read.first(kind="a")  # refused: the transaction is aborted
    TaskRun.objects.create(kind="a", message="one")
    assert read.first(kind="a").message == "one"
    assert read.first(kind="a").message == "one"

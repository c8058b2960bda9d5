"""The downstream-lineage registry: what a later link registers shows on an earlier link's records."""

import pytest
from django.template import Context, Template

from core.dashboard import lineage
from core.dashboard.queries import correlated_count
from core.models import Cycle, TaskRun
from core.services import cycle_open

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(monkeypatch):
    """An empty registry for the test; the apps' own registrations come back afterwards."""
    monkeypatch.setattr(lineage, "_panels", {})
    monkeypatch.setattr(lineage, "_counts", {})
    return lineage


def _runs(cycle):
    return [(run.kind, run.status) for run in TaskRun.objects.filter(cycle=cycle).order_by("id")]


def test_panels_keep_the_order_they_were_registered_in_and_a_key_registered_again_keeps_its_place(registry):
    registry.downstream_panel_register(Cycle, key="a", title="A", template="t.html", rows=list)
    registry.downstream_panel_register(Cycle, key="b", title="B", template="t.html", rows=list)
    registry.downstream_panel_register(Cycle, key="a", title="A again", template="t.html", rows=list)
    assert [p.title for p in registry.downstream_panels(Cycle)] == ["A again", "B"]
    assert registry.downstream_panels("core.Cycle") == registry.downstream_panels(Cycle(number=1))
    assert registry.downstream_panels(TaskRun) == []


def test_the_panel_tag_renders_each_registered_panel_with_its_rows(registry, django_assert_num_queries):
    registry.downstream_panel_register(
        Cycle, key="runs", title="Work on this cycle", template="dashboard/_kv_table.html", rows=_runs
    )
    cycle = cycle_open()
    TaskRun.objects.create(kind="hotspots.pull", cycle=cycle, status=TaskRun.Status.RUNNING)
    TaskRun.objects.create(kind="other.cycle", cycle=cycle_open())
    with django_assert_num_queries(1):
        html = Template("{% load lineage %}{% downstream_panels cycle %}").render(Context({"cycle": cycle}))
    assert "hotspots.pull" in html and "running" in html
    assert "other.cycle" not in html
    # A model nothing was registered for renders nothing.
    run = TaskRun.objects.first()
    assert Template("{% load lineage %}[{% downstream_panels run %}]").render(Context({"run": run})) == "[]"


def test_counts_are_annotated_in_the_same_query_and_read_by_the_filter(registry, django_assert_num_queries):
    registry.downstream_count_register(
        Cycle, key="runs", label="Runs", expression=lambda: correlated_count(TaskRun, link="cycle")
    )
    busy, idle = cycle_open(), cycle_open()
    for _ in range(3):
        TaskRun.objects.create(kind="hotspots.pull", cycle=busy)
    with django_assert_num_queries(1):
        rows = list(registry.downstream_counts_annotate(Cycle.objects.order_by("number")))
    (column,) = registry.downstream_counts(Cycle)
    assert (column.key, column.label, column.attname) == ("runs", "Runs", "n_runs")
    html = Template(
        "{% load lineage %}{% downstream_columns 'core.Cycle' as columns %}"
        "{% for c in rows %}{% for column in columns %}{{ c.number }}:{{ c|downstream_count:column }} {% endfor %}{% endfor %}"
    ).render(Context({"rows": rows}))
    assert html == f"{busy.number}:3 {idle.number}:0 "


def test_a_row_without_the_annotation_fails_loudly_rather_than_showing_zero(registry):
    registry.downstream_count_register(
        Cycle, key="runs", label="Runs", expression=lambda: correlated_count(TaskRun, link="cycle")
    )
    (column,) = registry.downstream_counts(Cycle)
    with pytest.raises(AttributeError):
        Template("{% load lineage %}{{ c|downstream_count:column }}").render(
            Context({"c": cycle_open(), "column": column})
        )


def test_a_queryset_of_a_model_without_counts_is_left_as_it_is(registry):
    queryset = Cycle.objects.all()
    assert registry.downstream_counts_annotate(queryset) is queryset

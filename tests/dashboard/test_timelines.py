"""Record pages show the record's event timeline, in a fixed number of queries however long it is."""

import pytest
from django.urls import reverse

from core import transitions

# (page, the record it shows, the page's query bound with its timeline)
RECORD_PAGES = [
    ("design:detail", lambda loop: loop.concept, 18),  # with its production orders
    ("samples:detail", lambda loop: loop.sample, 14),
    ("samples:round", lambda loop: loop.round, 12),
    ("promotion:detail", lambda loop: loop.campaign, 21),  # with its results (per link, per day; 6) and the audience panel (6)
    ("dashboard:cycle", lambda loop: loop.cycle, 29),  # with the to-do list, as the home
    ("production:detail", lambda loop: loop.production_order, 13),  # with its reorder rule and decisions (2)
]


def _url(name, record):
    return reverse(name, args=[record.number if name == "dashboard:cycle" else record.pk])


@pytest.mark.parametrize("n_events", [1, 20])
@pytest.mark.parametrize(("name", "record_of", "bound"), RECORD_PAGES, ids=[n for n, _, _ in RECORD_PAGES])
def test_a_record_page_shows_its_timeline_in_bounded_queries(
    staff_client, loop, django_assert_max_num_queries, name, record_of, bound, n_events
):
    record = record_of(loop)
    for i in range(n_events):
        transitions.record_noted(record, actor="mia", note=f"remark number {i}")
    with django_assert_max_num_queries(bound):
        response = staff_client.get(_url(name, record))
    assert response.status_code == 200
    html = response.content.decode()
    timeline = html[html.index("data-timeline"):]
    assert "remark number 0" in timeline and f"remark number {n_events - 1}" in timeline
    if n_events > 1:  # oldest first
        assert timeline.index("remark number 0") < timeline.index(f"remark number {n_events - 1}")


def test_a_timeline_shows_moves_and_notes_with_who_and_why(staff_client, loop):
    from design.services import concept_production_start

    concept = concept_production_start(concept_id=loop.concept.pk, actor="mia", note="order PO-0001 created")
    transitions.record_noted(concept, actor="tom", note="checked with the factory")
    html = staff_client.get(reverse("design:detail", args=[concept.pk])).content.decode()
    timeline = html[html.index("data-timeline"):]
    assert "confirmed → <strong>in_production</strong> by mia: order PO-0001 created" in timeline
    assert "<strong>in_production</strong> by tom: checked with the factory" in timeline
    assert "In production" in html  # the status badge


def test_an_empty_timeline_says_so(staff_client, loop):
    html = staff_client.get(reverse("promotion:detail", args=[loop.campaign.pk])).content.decode()
    assert "No events." in html[html.index("data-timeline"):]

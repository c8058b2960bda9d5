"""The home page: the eight links of a cycle in loop order, their state, lineage and running work."""

import re

import pytest
from django.urls import reverse

from c2f.dashboard.loop_status import DONE, IN_PROGRESS, NOT_STARTED, cycle_loop_status
from core.models import Cycle, TaskRun

LOOP_ORDER = ["Hotspots", "Analysis", "Design", "Samples", "Production", "Promotion", "Customers", "Portraits"]


def test_loop_status_of_a_full_cycle(loop, django_assert_max_num_queries):
    # One query a link, plus counting the cycle's clicks and orders (customers, revenue) the first time.
    with django_assert_max_num_queries(11):
        cycle_loop_status(cycle=loop.cycle)
    with django_assert_max_num_queries(9):  # no click or order added since: the counted figures
        links = cycle_loop_status(cycle=loop.cycle)
    assert [link.name for link in links] == LOOP_ORDER
    assert [link.state for link in links] == [DONE] * 8
    counts = {link.key: dict(link.counts) for link in links}
    assert counts["hotspots"]["hotspots"] == "1 keywords × 1 markets"
    assert counts["hotspots"]["top score"] == "0.91"
    assert counts["analysis"]["opportunities"] == "1"
    assert counts["samples"]["votes"] == "1 of 1 invited"
    assert counts["samples"]["response rate"] == "100%"
    assert counts["production"]["units"] == "300"
    assert counts["production"]["received"] == "1"
    assert counts["promotion"] == {"campaigns": "1", "posts": "1", "links": "1", "clicks": "3"}
    assert counts["customers"] == {"customers": "1", "orders": "1", "revenue": "$98.00"}
    assert counts["portraits"] == {"runs": "1", "segments": "1", "briefs": "1"}
    by_key = {link.key: link for link in links}
    assert by_key["analysis"].next_action == "Review opportunity #1"
    assert by_key["analysis"].next_url == loop.opportunity.get_absolute_url()
    assert by_key["portraits"].next_action == "Go to cycle 2"


def test_loop_status_of_a_cycle_just_opened(loop):
    links = {link.key: link for link in cycle_loop_status(cycle=loop.cycle2)}
    assert links["hotspots"].state == IN_PROGRESS
    assert links["hotspots"].next_action == "Import trend exports"
    assert links["design"].state == IN_PROGRESS  # the concept the brief started
    assert links["design"].next_action == "Send “Mermaid sherpa throw” to sampling"
    assert all(links[key].state == NOT_STARTED for key in ("analysis", "samples", "production", "promotion", "customers"))


def test_loop_status_asks_for_a_decision_on_a_closed_round(loop):
    loop.round.decision = ""
    loop.round.save()
    links = {link.key: link for link in cycle_loop_status(cycle=loop.cycle)}
    assert links["samples"].next_action == f"Decide on round {loop.round.pk}"
    assert links["samples"].next_url == reverse("samples:round", args=[loop.round.pk])


def test_empty_database_home(staff_client, db):
    response = staff_client.get(reverse("dashboard:home"))
    assert response.status_code == 200
    assert "No cycle yet" in response.content.decode()


def test_home_shows_the_newest_cycle_with_eight_links_in_order(staff_client, loop):
    response = staff_client.get(reverse("dashboard:home"))
    html = response.content.decode()
    assert response.context["cycle"] == loop.cycle2
    cards = re.findall(r'data-link="(\w+)"', html)
    assert cards == [name.lower() for name in LOOP_ORDER]
    # Cycle 2's lineage: seeded by cycle 1's portrait run and its brief.
    assert "Seeded by" in html
    assert f'href="{loop.run.get_absolute_url()}">portrait run {loop.run.version}</a>' in html
    assert f'href="{loop.brief.get_absolute_url()}">Cosy gift buyers</a>' in html
    # Pills for every cycle.
    for cycle in Cycle.objects.all():
        assert f'href="{cycle.get_absolute_url()}"' in html


def test_cycle_page_shows_counts_and_what_it_opens(staff_client, loop):
    html = staff_client.get(reverse("dashboard:cycle", args=[1])).content.decode()
    assert "1 keywords × 1 markets" in html
    assert "$98.00" in html
    assert "Review opportunity #1" in html
    assert f'<span class="label">Opens</span> <a href="{loop.cycle2.get_absolute_url()}">cycle 2</a>' in html
    # The navbar lists the eight links in loop order.
    nav = html[html.index('class="navbar-nav me-auto loop-nav"'):]
    positions = [nav.index(f"</span> {name}</a>") for name in LOOP_ORDER]
    assert positions == sorted(positions)


def test_running_task_polls_its_progress_until_done(staff_client, loop):
    html = staff_client.get(reverse("dashboard:home")).content.decode()
    progress_url = reverse("dashboard:task_progress", args=[loop.task_run.pk])
    assert f'hx-get="{progress_url}"' in html and 'hx-trigger="every 2s"' in html
    assert re.search(r'class="progress-bar[^"]* pct-30"', html)  # a width class: the CSP refuses style attributes

    partial = staff_client.get(progress_url, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in partial and 'hx-trigger="every 2s"' in partial

    TaskRun.objects.filter(pk=loop.task_run.pk).update(status=TaskRun.Status.DONE, done=10)
    partial = staff_client.get(progress_url, headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in partial  # a finished run stops the polling
    assert re.search(r'class="progress-bar[^"]* pct-100"', partial)


@pytest.mark.parametrize(("sort", "first"), [("score", "sherpa"), ("-score", "mermaid")])
def test_hotspot_list_sorts(staff_client, loop, sort, first):
    from .conftest import add_hotspot

    add_hotspot(loop.cycle, "sherpa blanket", "GB", 0.2)
    rows = staff_client.get(reverse("hotspots:list"), {"cycle": 1, "sort": sort}).context["hotspots"]
    assert rows[0].keyword.startswith(first)
    assert rows[0].sparkline  # drawn from the series' last points


def test_list_filters_by_cycle(staff_client, loop):
    assert [c.name for c in staff_client.get(reverse("design:list"), {"cycle": 2}).context["object_list"]] == [
        "Mermaid sherpa throw"
    ]
    assert len(staff_client.get(reverse("design:list"), {"cycle": 1}).context["object_list"]) == 1
    assert len(staff_client.get(reverse("design:list"), {"cycle": "all"}).context["object_list"]) == 2
    assert len(staff_client.get(reverse("design:list")).context["object_list"]) == 1  # the current cycle, 2


def test_bad_filter_value_is_reported_not_ignored(staff_client, loop):
    response = staff_client.get(reverse("hotspots:list"), {"cycle": "one"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Filter <code>cycle</code>" in html and "Enter a whole number." in html
    assert list(response.context["object_list"]) == []


def test_a_link_that_hands_over_points_at_the_next_links_page(loop):
    links = {link.key: link for link in cycle_loop_status(cycle=loop.cycle)}
    assert links["samples"].next_action == "Size a batch from the confirmed round"
    assert links["samples"].next_url == f"{reverse('production:list')}?cycle=1"
    assert links["production"].next_url == f"{reverse('promotion:list')}?cycle=1"
    assert links["portraits"].next_url == loop.cycle2.get_absolute_url()

    loop.concept2.status = loop.concept2.Status.SAMPLING
    loop.concept2.save()
    design = {link.key: link for link in cycle_loop_status(cycle=loop.cycle2)}["design"]
    assert design.next_action == "1 concepts in sampling"
    assert design.next_url == f"{reverse('samples:list')}?cycle=2"


def test_every_link_reports_through_its_own_selector(loop):
    """The cards are the links' own progress values, in loop order, each typed by its link."""
    from c2f.dashboard.loop_status import cycle_links_progress

    progresses = cycle_links_progress(cycle=loop.cycle)
    assert [type(p).__module__.split(".")[0] for p in progresses] == [name.lower() for name in LOOP_ORDER]

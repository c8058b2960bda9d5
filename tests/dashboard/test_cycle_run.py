"""Running the loop from the dashboard: the same chain as run_cycle, staff only, POST with CSRF."""

import re

import pytest
from django.http import HttpRequest
from django.test import Client
from django.urls import reverse

from core.models import Cycle, TaskRun
from core.services import cycle_open
from hotspots.models import Hotspot
from portraits.models import PortraitRun

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_cycle():
    return cycle_open(is_demo=True, name="Cycle 1 (demo)")


def test_staff_runs_the_loop_and_sees_the_outcome(
    staff_client, demo_cycle, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.EMAIL_FILE_PATH = tmp_path / "mail"
    url = reverse("dashboard:cycle_run", args=[demo_cycle.number])
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(url)
    assert response.status_code == 302
    response = staff_client.get(response["Location"])
    run = TaskRun.objects.get(cycle=demo_cycle, kind="cycle.run")
    assert run.status == TaskRun.Status.DONE and run.done == run.total == 8
    assert Hotspot.objects.filter(cycle=demo_cycle).exists()
    assert PortraitRun.objects.filter(cycle=demo_cycle, status=PortraitRun.Status.DONE).exists()
    page = response.content.decode()
    assert "The loop started for" in page
    assert "8/8 links" in page
    # The cycle is closed now and offers no second run; its portraits opened cycle 2.
    assert "data-run-loop" not in page
    assert Cycle.objects.get(number=2).previous == demo_cycle


def test_a_cycle_that_waits_for_people_says_what_it_waits_for(staff_client, django_capture_on_commit_callbacks):
    cycle = cycle_open(is_demo=False)  # a real cycle: no watchlist yet, and no demo stand-ins
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(reverse("dashboard:cycle_run", args=[cycle.number]))
    run = TaskRun.objects.get(cycle=cycle, kind="cycle.run")
    assert run.status == TaskRun.Status.DONE and run.done == 0
    assert run.message.startswith("waiting: This cycle has no watchlist")
    page = staff_client.get(reverse("dashboard:cycle", args=[cycle.number])).content.decode()
    assert "This cycle has no watchlist" in page
    assert not Hotspot.objects.exists()


def test_closed_cycle_and_double_start_are_refused(staff_client, demo_cycle):
    TaskRun.objects.create(kind="cycle.run", cycle=demo_cycle, status=TaskRun.Status.RUNNING, total=8)
    response = staff_client.post(reverse("dashboard:cycle_run", args=[demo_cycle.number]), follow=True)
    assert "already running" in response.content.decode()
    assert TaskRun.objects.filter(cycle=demo_cycle, kind="cycle.run").count() == 1

    demo_cycle.status = Cycle.Status.CLOSED
    demo_cycle.save()
    response = staff_client.post(reverse("dashboard:cycle_run", args=[demo_cycle.number]), follow=True)
    assert "is closed" in response.content.decode()
    assert not Hotspot.objects.exists()


def test_only_staff_may_start_it_and_only_by_post_with_csrf(client, demo_cycle, staff_user, django_user_model):
    url = reverse("dashboard:cycle_run", args=[demo_cycle.number])
    assert client.post(url).status_code == 302  # to the login page
    django_user_model.objects.create_user("shopper", password=PASSWORD)
    client.login(request=HttpRequest(), username="shopper", password=PASSWORD)
    assert client.post(url).status_code == 403
    client.login(request=HttpRequest(), username=staff_user.username, password=PASSWORD)
    assert client.get(url).status_code == 200  # the confirmation step: it runs nothing
    assert not TaskRun.objects.exists()

    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.login(request=HttpRequest(), username=staff_user.username, password=PASSWORD)
    assert csrf_client.post(url).status_code == 403
    page = csrf_client.get(url).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert csrf_client.post(url, {"csrfmiddlewaretoken": token}).status_code == 302
    assert not TaskRun.objects.filter(cycle=demo_cycle, status=TaskRun.Status.FAILED).exists()


def test_run_the_loop_asks_first_and_says_it_plays_people_on_a_demo_cycle(staff_client, demo_cycle):
    home = staff_client.get(reverse("dashboard:cycle", args=[demo_cycle.number])).content.decode()
    url = reverse("dashboard:cycle_run", args=[demo_cycle.number])
    assert f'href="{url}" data-run-loop' in home  # a link to the confirmation step, not a one-click POST
    page = staff_client.get(url).content.decode()
    assert "the loop plays the people with demo data" in page
    assert "demo buyer panel" in page and "demo factory" in page and "demo shoppers" in page
    assert f'<form method="post" action="{url}"' in page and "data-run-loop-confirm" in page
    assert "onclick" not in page and "<script>" not in page
    assert not TaskRun.objects.exists()  # asking runs nothing


def test_run_the_loop_on_a_real_cycle_says_it_never_stands_in_for_people(staff_client):
    cycle = cycle_open(is_demo=False)
    page = staff_client.get(reverse("dashboard:cycle_run", args=[cycle.number])).content.decode()
    assert "the loop never stands in for a person" in page
    assert "data-run-demo" not in page and "demo shoppers" not in page and "with demo data" not in page
    assert "data-run-loop-confirm" in page

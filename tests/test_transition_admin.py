"""In the admin a status is read-only; moves are actions that call the owner's transition."""

import pytest
from django.urls import reverse

from core.models import Cycle, CycleEvent
from design.models import Concept, ConceptEvent
from design.tests.factories import ConceptFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("boss", "boss@c2f.test", "pw-123456789"))
    return client


def test_a_status_cannot_be_edited_on_the_change_page(admin_client):
    concept = ConceptFactory(status=Concept.Status.SAMPLING)
    page = admin_client.get(reverse("admin:design_concept_change", args=[concept.pk])).content.decode()
    assert 'name="status"' not in page and "Sampling" in page
    posted = admin_client.post(reverse("admin:design_concept_change", args=[concept.pk]), {"status": "confirmed"})
    assert posted.status_code == 200  # the form is refused for its other fields; the status is never read
    assert Concept.objects.get(pk=concept.pk).status == Concept.Status.SAMPLING


def test_the_drop_action_moves_through_the_transition_and_reports_refusals(admin_client):
    draft = ConceptFactory(name="Draft idea")
    in_production = ConceptFactory(name="Selling now", status=Concept.Status.IN_PRODUCTION)
    response = admin_client.post(
        reverse("admin:design_concept_changelist"),
        {"action": "drop", "_selected_action": [draft.pk, in_production.pk]},
        follow=True,
    )
    body = response.content.decode()
    assert Concept.objects.get(pk=draft.pk).status == Concept.Status.DROPPED
    assert Concept.objects.get(pk=in_production.pk).status == Concept.Status.IN_PRODUCTION
    assert "A concept with a live production order cannot be dropped" in body
    assert "Drop selected concepts: 1 done." in body
    assert list(ConceptEvent.objects.values_list("concept_id", "to_status", "actor", "note")) == [
        (draft.pk, "dropped", "boss", "dropped in the admin")
    ]


def test_a_cycle_added_in_the_admin_starts_its_timeline(admin_client):
    response = admin_client.post(reverse("admin:core_cycle_add"), {
        "number": 7, "name": "Autumn", "previous": "",
        "events-TOTAL_FORMS": 0, "events-INITIAL_FORMS": 0, "events-MIN_NUM_FORMS": 0, "events-MAX_NUM_FORMS": 1000,
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    cycle = Cycle.objects.get(number=7)
    assert cycle.status == Cycle.Status.OPEN
    assert list(CycleEvent.objects.filter(cycle=cycle).values_list("from_status", "to_status", "actor", "note")) == [
        ("", "open", "boss", "added in the admin")
    ]

"""The next step is a button where the user stands."""

from django.urls import reverse

from production.models import ProductionOrder


def test_a_confirmed_round_without_an_order_offers_plan_the_batch(staff_client, loop):
    plan = reverse("production:plan", args=[loop.sample.pk])
    round_page = staff_client.get(reverse("samples:round", args=[loop.round.pk])).content.decode()
    assert f'href="{plan}"' not in round_page  # its batch is ordered already
    ProductionOrder.objects.filter(pk=loop.production_order.pk).update(status=ProductionOrder.Status.CANCELLED)
    for url in (reverse("samples:round", args=[loop.round.pk]), reverse("samples:detail", args=[loop.sample.pk])):
        assert f'<a class="btn btn-primary btn-sm" href="{plan}">Plan the batch</a>' in staff_client.get(url).content.decode()


def test_a_concept_lists_its_production_orders(staff_client, loop):
    page = staff_client.get(reverse("design:detail", args=[loop.concept.pk])).content.decode()
    assert 'id="production-orders"' in page
    assert f'href="{reverse("production:detail", args=[loop.production_order.pk])}">PO-0001</a>' in page
    assert "300" in page  # its units

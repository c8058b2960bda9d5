"""The README's path on a fresh database: import a shop export, build portraits, every identified customer in a segment."""

from pathlib import Path

import pytest
from django.core.management import call_command

from core.models import Cycle
from customers.models import Customer
from portraits.models import PortraitRun, SegmentMembership

pytestmark = pytest.mark.django_db

EXPORTS = Path(__file__).resolve().parents[2] / "customers" / "tests" / "data"


@pytest.mark.parametrize("export", ["real/shopify_eyewear_eur_2024.csv", "real/shopify_babystore_zar_2021.csv"])
def test_import_then_build_portraits_with_no_other_step(export, capsys):
    call_command("import_orders", "--format", "shopify", str(EXPORTS / export))
    assert not Cycle.objects.exists()
    call_command("build_portraits", "--k-max", "3")
    run = PortraitRun.objects.get()
    assert run.status == PortraitRun.Status.DONE and run.is_current and run.cycle is None
    # Every customer with a sale is in a segment; guest orders have no customer and stay out.
    identified = set(Customer.objects.filter(orders__is_sale=True).values_list("pk", flat=True))
    assert len(identified) >= 3
    assert set(SegmentMembership.objects.filter(run=run).values_list("customer_id", flat=True)) == identified
    assert "There is no cycle yet" not in capsys.readouterr().out

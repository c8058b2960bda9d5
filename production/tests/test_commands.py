import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from production.api_keys import hash_key
from production.models import Factory, FactoryApiKey

pytestmark = pytest.mark.django_db


def test_create_factory_prints_a_key_that_authenticates():
    out = StringIO()
    call_command("create_factory", "Ningbo Weave", "--min-batch", "250", "--lead-time", "18", stdout=out)
    text = out.getvalue()
    raw_key = re.search(r"API key: (\S+)", text).group(1)
    assert "will not be shown again" in text
    factory = Factory.objects.get(name="Ningbo Weave")
    assert (factory.min_batch, factory.lead_time_days) == (250, 18)
    stored = FactoryApiKey.objects.get(factory=factory)
    assert stored.hashed_key == hash_key(raw_key) and raw_key not in stored.hashed_key

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw_key}")
    assert client.get("/api/v1/factory/orders/").status_code == 200


def test_duplicate_name_is_a_clear_error_with_exit_status_1():
    call_command("create_factory", "Ningbo Weave", stdout=StringIO())
    with pytest.raises(CommandError, match="already exists") as raised:
        call_command("create_factory", "Ningbo Weave", stdout=StringIO())
    assert raised.value.returncode == 1
    assert Factory.objects.count() == 1 and FactoryApiKey.objects.count() == 1


def test_create_factory_stores_deposit_and_price_list():
    call_command(
        "create_factory", "Keqiao Knit", "--category", "blanket", "--deposit", "25",
        "--price", "blanket=11.5", "--price", " cushion cover = 3 ", stdout=StringIO(),
    )
    factory = Factory.objects.get(name="Keqiao Knit")
    assert factory.deposit_percent == 25
    assert factory.price_list == {"blanket": "11.50", "cushion cover": "3.00"}


def test_create_factory_defaults_to_a_thirty_percent_deposit_and_no_prices():
    call_command("create_factory", "Plain Mill", stdout=StringIO())
    factory = Factory.objects.get(name="Plain Mill")
    assert (factory.deposit_percent, factory.price_list) == (30, {})


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--price", "blanket"], "write CATEGORY=AMOUNT"),
        (["--price", "=11.50"], "write CATEGORY=AMOUNT"),
        (["--price", "blanket="], "write CATEGORY=AMOUNT"),
        (["--price", "blanket=abc"], "blanket: 'abc' is not an amount"),
        (["--price", "blanket=-2"], "must be more than 0"),
        (["--price", "blanket=1", "--price", "Blanket=2"], "has a price already"),
        (["--deposit", "120"], "deposit_percent: Must be a whole percent from 0 to 100"),
        (["--deposit", "-5"], "deposit_percent"),
    ],
)
def test_create_factory_refuses_bad_prices_and_deposits_and_stores_nothing(args, message):
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("create_factory", "Bad Mill", *args, stdout=StringIO())
    assert not Factory.objects.exists() and not FactoryApiKey.objects.exists()

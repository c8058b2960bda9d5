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

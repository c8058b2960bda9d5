import pytest
from django.contrib.auth import get_user_model
from django.test import Client


@pytest.fixture
def staff_client(client, db):
    user = get_user_model().objects.create_user("merch", "merch@c2f.localhost", "pw", is_staff=True)
    client.force_login(user)
    return client


@pytest.fixture
def shopper_client(db):
    user = get_user_model().objects.create_user("shopper", "shopper@c2f.localhost", "pw", is_staff=False)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"

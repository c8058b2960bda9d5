"""Every page names an icon the app serves, and /favicon.ico answers for browsers that ask anyway."""

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse


def test_favicon_ico_is_served_at_the_root(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] in ("image/x-icon", "image/vnd.microsoft.icon")
    body = b"".join(response.streaming_content)
    assert body[:4] == b"\x00\x00\x01\x00"  # an ICO file


def test_the_svg_icon_is_a_static_file():
    path = finders.find("c2f/favicon.svg")
    assert path and open(path).read().startswith("<svg")


@pytest.mark.django_db
@pytest.mark.parametrize("url", [reverse("login"), reverse("api-docs")])
def test_pages_link_the_icons(client, url):
    html = client.get(url).content.decode()
    assert '<link rel="icon" href="/static/c2f/favicon.svg" type="image/svg+xml">' in html
    assert '<link rel="icon" href="/favicon.ico"' in html


def test_dashboard_pages_link_the_icons(staff_client):
    html = staff_client.get(reverse("dashboard:home")).content.decode()
    assert 'href="/static/c2f/favicon.svg"' in html

"""The project's URLs plus two bare Django views serving the same JSON, for bench/factory_api_poll.py.

The bare views skip the API stack (authentication, throttling, filtering, queries,
serialisation): the page is read once from the file named by BENCH_FACTORY_API_PAGE.
"""

import os

from django.http import HttpResponse, HttpResponseNotModified
from django.urls import include, path

_PAGE: dict[str, bytes] = {}
ETAG = 'W/"bench-bare"'


def _body() -> bytes:
    if "body" not in _PAGE:
        with open(os.environ["BENCH_FACTORY_API_PAGE"], "rb") as handle:
            _PAGE["body"] = handle.read()
    return _PAGE["body"]


def bare_page(request):
    if request.headers.get("If-None-Match") == ETAG:
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(_body(), content_type="application/json")
    response["ETag"] = ETAG
    return response


urlpatterns = [
    path("bench/bare/orders/", bare_page),
    path("", include("c2f.urls")),
]

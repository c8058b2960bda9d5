"""The project's URLs plus a bare Django redirect view, for bench/redirect.py.

The bare view answers the same 302 with no lookup, no click log and no cache: what Django itself costs.
"""

from django.http import HttpResponseRedirect
from django.urls import include, path

LOCATION = "https://shop.example/products/bench?utm_source=instagram&utm_medium=social&utm_campaign=bench"


def bare_redirect(request, code):
    return HttpResponseRedirect(LOCATION)


urlpatterns = [
    path("bench/bare/<slug:code>", bare_redirect),
    path("", include("c2f.urls")),
]

from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from .models import TrackedLink
from .services import click_record, tracked_link_destination


@require_GET
def tracked_link_redirect(request, code):
    link = get_object_or_404(TrackedLink.objects.select_related("campaign"), code=code)
    country = request.headers.get("CF-IPCountry", "") or request.headers.get("X-Country", "")
    click_record(link=link, country=country, referrer=request.headers.get("Referer", ""))
    response = HttpResponseRedirect(tracked_link_destination(link=link))
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer-when-downgrade"
    return response

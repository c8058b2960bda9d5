"""The public side of link 6: ``/r/<code>`` sends a shopper on and counts the click; post media for schedulers."""

import logging

from django.conf import settings
from django.core import signing
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.views.decorators.http import require_safe

from . import click_log
from .models import Post
from .services import click_record, link_target
from .services.clicks import FLOOD
from .services.publishing import MEDIA_SALT

logger = logging.getLogger(__name__)


def _redirect(location: str) -> HttpResponseRedirect:
    response = HttpResponseRedirect(location)
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer-when-downgrade"
    return response


@require_safe
def tracked_link_redirect(request, code):
    """302 to the product page with the link's UTM parameters.

    Counted only when a person clicked: GET, not a prefetch, not a bot or preview fetcher, not a repeat of
    the same visitor within the window. A source over its flood limit gets 429 and is not counted; nobody
    else is slowed by it. A failure to count never stops the shopper.
    """
    target = link_target(code)
    if target is None:
        raise Http404("No such link.")
    headers = request.headers
    user_agent = headers.get("User-Agent", "")
    if request.method != "GET" or click_log.is_prefetch(headers) or click_log.is_bot(user_agent):
        return _redirect(target.location)
    country_header = getattr(settings, "C2F_CLICK_COUNTRY_HEADER", "")
    try:
        result = click_record(
            link=target, address=request.META.get("REMOTE_ADDR", ""), user_agent=user_agent,
            referrer=headers.get("Referer", ""), country=headers.get(country_header, "") if country_header else "",
        )
    except Exception:  # noqa: BLE001 - the shopper goes on whatever happens to the count
        logger.exception("click on /r/%s not recorded", code)
        result = ""
    if result == FLOOD:
        response = HttpResponse("Too many requests from your network; try again in a minute.", status=429,
                                content_type="text/plain; charset=utf-8")
        response["Retry-After"] = "60"
        return response
    return _redirect(target.location)


@require_safe
def post_media(request, token):
    """A post's image or video for a scheduler that fetches it by address; the signed token names the post and file."""
    try:
        data = signing.loads(token, salt=MEDIA_SALT)
    except signing.BadSignature:
        raise Http404("No such file.")
    post = Post.objects.filter(pk=data.get("p")).only("media").first()
    if post is None or not post.media or post.media.name != data.get("f"):
        raise Http404("No such file.")
    return FileResponse(post.media.open("rb"), as_attachment=False)

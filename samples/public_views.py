"""The buyer's vote page behind a signed link: no account, one round, until it closes.

The page speaks the buyer's language (``Buyer.language``), activated for the request
here rather than by LocaleMiddleware: the link, not the browser, says who is reading.
"""

import hashlib
import logging
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _, gettext_lazy
from django.views.decorators.http import require_http_methods

from .forms import VoteForm
from .languages import buyer_datetime, buyer_language
from .models import SamplePhoto
from .selectors import round_buyer_terms, vote_for_invitation
from .services import VoteRefused, vote_record
from .tokens import RoundClosed, VoteLinkError, vote_token_read
from .views import photo_response

logger = logging.getLogger(__name__)

_RATE_UNITS = {
    "s": 1, "sec": 1, "second": 1,
    "m": 60, "min": 60, "minute": 60,
    "h": 3600, "hour": 3600,
    "d": 86400, "day": 86400,
}


def parse_rate(rate: str) -> tuple[int, int]:
    """'30/min' -> (30, 60)."""
    try:
        count, unit = rate.split("/")
        return int(count), _RATE_UNITS[unit.strip().lower()]
    except (ValueError, KeyError):
        raise ValueError(f"C2F_VOTE_RATE {rate!r} is not of the form '<count>/<s|min|hour|day>'.")


def _rate_allowed(request, token: str) -> bool:
    limit, window = parse_rate(settings.C2F_VOTE_RATE)
    client = request.META.get("REMOTE_ADDR", "")
    key = "samples:vote-rate:" + hashlib.sha256(f"{client}|{token}".encode()).hexdigest()
    cache.add(key, 0, timeout=window)
    try:
        hits = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        hits = 1
    return hits <= limit


def _private(view):
    """The token is in the URL: never cache the page and never send it to another site.

    ``same-origin`` rather than ``no-referrer``: the form posts back to this
    site, and Django's CSRF origin check needs the Referer/Origin of that post.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = "no-store"
        response["Referrer-Policy"] = "same-origin"
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return wrapper


def _page_language(request, invitation=None) -> str:
    """The buyer's language when the link names a buyer, else the browser's (Accept-Language)."""
    if invitation is not None:
        return buyer_language(invitation.buyer.language)
    return buyer_language(translation.get_language_from_request(request))


def _error_page(request, *, title, message, status: int, language: str):
    with translation.override(language):
        context = {"title": str(title), "message": str(message)}
        response = render(request, "samples/vote/error.html", context, status=status)
    response["Content-Language"] = language
    return response


def _link_error(request, error: VoteLinkError):
    language = _page_language(request, error.invitation)
    with translation.override(language):
        return _error_page(request, title=error.title, message=error.message, status=error.status, language=language)


def _too_many(request):
    return _error_page(
        request,
        title=gettext_lazy("Too many requests"),
        message=gettext_lazy("Please wait a minute and open the link again."),
        status=429,
        language=_page_language(request),
    )


@_private
@require_http_methods(["GET", "POST"])
def vote_page(request, token: str):
    if not _rate_allowed(request, token):
        return _too_many(request)
    try:
        invitation = vote_token_read(token)
    except VoteLinkError as error:
        return _link_error(request, error)
    language = buyer_language(invitation.buyer.language)
    with translation.override(language):
        response = _vote_page(request, invitation, token)
    response["Content-Language"] = language
    return response


def _vote_page(request, invitation, token: str):
    """The page, in the language active: the form first, the sample and its terms after it."""
    vote_round = invitation.round
    concept = vote_round.sample.concept
    variants = list(concept.variants.order_by("sku"))
    terms = round_buyer_terms(round=vote_round, variants=variants)
    existing = vote_for_invitation(invitation=invitation)
    form_kwargs = {
        "concept": concept,
        "buyer_markets": invitation.buyer.markets,
        "questions": vote_round.questions or [],
        "terms": terms,
    }

    if request.method == "POST":
        form = VoteForm(request.POST, **form_kwargs)
        if form.is_valid():
            data = form.cleaned_data
            try:
                vote_record(
                    invitation=invitation,
                    score=data["score"],
                    would_order_qty=data["would_order_qty"] or 0,
                    preferred_variant=data["preferred_variant"],
                    acceptable_price=data["acceptable_price"],
                    market=data.get("market") or "",
                    comment=data["comment"],
                    answers=form.answers(),
                )
            except VoteRefused as refused:
                if refused.code == "not_open":
                    return _error_page(
                        request,
                        title=_("Voting has not started yet"),
                        message=_("Voting opens on %(date)s.") % {"date": buyer_datetime(vote_round.opens_at)},
                        status=409,
                        language=translation.get_language(),
                    )
                if refused.code == "closed" or not (refused.field and refused.field in form.fields):
                    return _link_error(
                        request, RoundClosed(_("Votes are no longer accepted."), invitation=invitation)
                    )
                logger.info("vote on invitation %s refused: %s", invitation.pk, refused.reason)
                form.add_error(refused.field, _("This answer could not be accepted; please check it."))
            else:
                return HttpResponseRedirect(f"{request.path}?saved=1", status=303)
    else:
        initial = {}
        if existing:
            initial = {
                "score": existing.score,
                "preferred_variant": existing.preferred_variant_id,
                "market": existing.market,
                "would_order_qty": existing.would_order_qty,
                "acceptable_price": existing.acceptable_price,
                "comment": existing.comment,
                **(existing.answers or {}),
            }
        elif invitation.buyer.markets:
            initial = {"market": invitation.buyer.markets[0]}
        form = VoteForm(initial=initial, **form_kwargs)

    return render(
        request,
        "samples/vote/vote.html",
        {
            "form": form,
            "error_summary": form.error_summary() if form.is_bound else [],
            "invitation": invitation,
            "buyer": invitation.buyer,
            "round": vote_round,
            "sample": vote_round.sample,
            "concept": concept,
            "variants": variants,
            "terms": terms,
            "photos": list(vote_round.sample.photos.order_by("id")),
            "token": token,
            "closes_at": vote_round.closes_at,
            "saved": request.method == "GET" and request.GET.get("saved") == "1" and existing is not None,
            "existing": existing,
        },
    )


@_private
@require_http_methods(["GET"])
def vote_photo(request, token: str, pk: int, size: str):
    """A photo of the round's sample, for the holder of a valid link only."""
    if not _rate_allowed(request, f"photo|{token}"):
        return _too_many(request)
    try:
        invitation = vote_token_read(token)
    except VoteLinkError as error:
        return _link_error(request, error)
    if size not in ("thumb", "full"):
        raise Http404("No such picture size.")
    photo = SamplePhoto.objects.filter(pk=pk, sample_id=invitation.round.sample_id).first()
    if photo is None:
        raise Http404("No such photo for this sample.")
    return photo_response(photo, thumbnail=size == "thumb")

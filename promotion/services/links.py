"""Tracked links: ``/r/<code>`` with UTM parameters, one made for each post and editable."""

import secrets
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.text import slugify

from core import transitions

from ..models import Campaign, Post, TrackedLink

UTM_FIELDS = ("utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term")
UTM_MAX = {"utm_source": 40, "utm_medium": 40, "utm_campaign": 80, "utm_content": 80, "utm_term": 80}


def shop_url(concept) -> str:
    base = getattr(settings, "C2F_SHOP_URL", "https://shop.example/products")
    return f"{base.rstrip('/')}/{slugify(concept.name)}"


def _new_code() -> str:
    return secrets.token_urlsafe(6).replace("-", "x").replace("_", "y")


def campaign_utm(campaign: Campaign) -> str:
    return f"{slugify(campaign.name)[:70]}-{campaign.pk}"


def concept_utm(concept) -> str:
    return f"concept-{concept.pk}-{slugify(concept.name)}"[:80]


def tracked_link_url(link: TrackedLink) -> str:
    """The absolute ``/r/<code>`` address shoppers are given."""
    return f"{settings.C2F_PUBLIC_URL}{reverse('tracked-link', args=[link.code])}"


def tracked_link_create(*, campaign: Campaign, post: Post | None, source: str, content: str = "") -> TrackedLink:
    """A link for ``post`` (or for the campaign itself): source = channel, medium = social, campaign, content = post,
    term = concept. Codes are drawn at random and drawn again on a collision."""
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return TrackedLink.objects.create(
                    campaign=campaign,
                    post=post,
                    code=_new_code(),
                    channel=post.channel if post is not None else "",
                    destination_url=shop_url(campaign.concept),
                    utm_source=source,
                    utm_campaign=campaign_utm(campaign),
                    utm_content=content or (f"post-{post.pk}" if post is not None else ""),
                    utm_term=concept_utm(campaign.concept),
                )
        except IntegrityError:  # code collision: draw again
            continue
    raise RuntimeError("Could not draw a unique tracked-link code.")


def tracked_link_update(*, link_id: int, destination_url: str, actor: str, **utm) -> TrackedLink:
    """Change where a link sends shoppers and what it tells the shop (UTM); its code and clicks stay."""
    errors: dict[str, list[str]] = {}
    destination_url = (destination_url or "").strip()
    try:
        URLValidator(schemes=["https", "http"])(destination_url)
        if len(destination_url) > 500:
            raise ValidationError("too long")
    except ValidationError:
        errors["destination_url"] = ["Give the product page as an http(s) address of at most 500 characters."]
    values = {}
    for name in UTM_FIELDS:
        value = str(utm.get(name, "") or "").strip()
        if len(value) > UTM_MAX[name]:
            errors[name] = [f"At most {UTM_MAX[name]} characters, got {len(value)}."]
        elif any(c in value for c in "&#?=\r\n"):
            errors[name] = ["Letters, digits, dashes and dots only: no &, #, ?, = or line breaks."]
        values[name] = value
    for required in ("utm_source", "utm_medium", "utm_campaign"):
        if required not in errors and not values[required]:
            errors[required] = ["Required."]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        link = TrackedLink.objects.select_for_update().get(pk=link_id)
        clash = TrackedLink.objects.filter(utm_campaign=values["utm_campaign"], utm_content=values["utm_content"]).exclude(pk=link.pk)
        if values["utm_content"] and clash.exists():
            raise ValidationError({"utm_content": [
                f"Another link already carries campaign “{values['utm_campaign']}” with content “{values['utm_content']}”; "
                "orders could not tell them apart."
            ]})
        link.destination_url = destination_url
        for name, value in values.items():
            setattr(link, name, value)
        link.save()
        if link.post_id:
            transitions.record_noted(link.post, actor=actor, note=f"tracked link /r/{link.code} now sends to {destination_url}")
    from .clicks import link_cache_clear

    link_cache_clear(link.code)  # this process at once; others within C2F_LINK_CACHE_SECONDS
    return link


def tracked_link_destination(*, link: TrackedLink) -> str:
    """The product page with the link's UTM parameters; parameters already on the page are kept, UTM ones replaced."""
    parts = urlsplit(link.destination_url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not k.startswith("utm_")]
    query += [(name, getattr(link, name)) for name in UTM_FIELDS if getattr(link, name)]
    return urlunsplit(parts._replace(query=urlencode(query)))

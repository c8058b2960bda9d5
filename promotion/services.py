"""Link 6 writes: campaigns, posts with tracked links, clicks."""

import random
import secrets
from datetime import date, datetime, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from design.models import Concept
from production.models import ProductionOrder

from .models import Campaign, Channel, Click, Post, TrackedLink

DEFAULT_CHANNELS = [Channel.INSTAGRAM, Channel.PINTEREST, Channel.TIKTOK]

POST_TEMPLATES = {
    Channel.INSTAGRAM: "New in: {name}. Made in small batches — tap the link to see every colour.",
    Channel.PINTEREST: "{name} · styling ideas for {market} homes",
    Channel.TIKTOK: "Unboxing the {name} ✨ first batch just landed",
    Channel.X: "{name} is here. Small batch, first come first served:",
    Channel.FACEBOOK: "Meet the {name}, picked by our buyers' panel.",
}


def _shop_url(concept: Concept) -> str:
    base = getattr(settings, "C2F_SHOP_URL", "https://shop.example/products")
    return f"{base.rstrip('/')}/{slugify(concept.name)}"


def _new_code() -> str:
    return secrets.token_urlsafe(6).replace("-", "x").replace("_", "y")


def tracked_link_create(*, campaign: Campaign, post: Post | None, source: str, content: str = "") -> TrackedLink:
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return TrackedLink.objects.create(
                    campaign=campaign,
                    post=post,
                    code=_new_code(),
                    destination_url=_shop_url(campaign.concept),
                    utm_source=source,
                    utm_campaign=slugify(campaign.name)[:80],
                    utm_content=content,
                )
        except IntegrityError:  # code collision: draw again
            continue
    raise RuntimeError("Could not draw a unique tracked-link code.")


def campaign_create(
    *,
    concept: Concept,
    market: str,
    production_order: ProductionOrder | None = None,
    starts_on: date | None = None,
    channels=DEFAULT_CHANNELS,
    is_demo: bool = False,
) -> Campaign:
    """A campaign for one concept in one market, one scheduled post per channel, each with its link.

    Idempotent per (cycle, concept, market): an existing campaign is returned.
    """
    existing = Campaign.objects.filter(cycle=concept.cycle, concept=concept, market=market).first()
    if existing:
        return existing
    starts_on = starts_on or timezone.localdate()
    with transaction.atomic():
        campaign = Campaign.objects.create(
            cycle=concept.cycle,
            concept=concept,
            production_order=production_order,
            name=f"{concept.name} launch · {market}",
            market=market,
            starts_on=starts_on,
            is_demo=is_demo,
        )
        for offset, channel in enumerate(channels):
            post = Post.objects.create(
                campaign=campaign,
                channel=channel,
                text=POST_TEMPLATES[channel].format(name=concept.name, market=market),
                scheduled_at=timezone.make_aware(datetime.combine(starts_on + timedelta(days=offset), datetime.min.time()))
                + timedelta(hours=18),
                status=Post.Status.SCHEDULED,
                is_demo=is_demo,
            )
            tracked_link_create(campaign=campaign, post=post, source=str(channel), content=f"post-{post.pk}")
    return campaign


def tracked_link_destination(*, link: TrackedLink) -> str:
    params = {"utm_source": link.utm_source, "utm_medium": link.utm_medium, "utm_campaign": link.utm_campaign}
    if link.utm_content:
        params["utm_content"] = link.utm_content
    separator = "&" if "?" in link.destination_url else "?"
    return f"{link.destination_url}{separator}{urlencode(params)}"


def click_record(*, link: TrackedLink, country: str = "", referrer: str = "") -> Click:
    return Click.objects.create(link=link, at=timezone.now(), country=country[:2].upper(), referrer=referrer[:300])


def demo_clicks_generate(*, campaign: Campaign, seed: int, per_link: tuple[int, int] = (40, 160)) -> int:
    """DEMO clicks for a campaign's links, deterministic for a seed; flagged is_demo."""
    if Click.objects.filter(link__campaign=campaign).exists():
        return 0
    rng = random.Random(seed)
    start = timezone.make_aware(datetime.combine(campaign.starts_on, datetime.min.time()))
    clicks = []
    for link in campaign.links.order_by("code"):
        for _ in range(rng.randint(*per_link)):
            clicks.append(
                Click(
                    link=link,
                    at=start + timedelta(minutes=rng.randint(0, 60 * 24 * 28)),
                    country=campaign.market[:2],
                    referrer=link.utm_source,
                    is_demo=True,
                )
            )
    Click.objects.bulk_create(clicks, batch_size=1000)
    return len(clicks)

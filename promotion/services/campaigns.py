"""Campaigns: planned by a merchandiser for a concept in a market, or launched by the loop on demo cycles."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core import transitions
from design.models import Concept
from production.models import ProductionOrder
from samples.models import Sample

from ..markets import local_to_utc, market_currency, market_known, market_time_zone, time_zone_valid
from ..models import Campaign, Channel, Post, Publisher
from .links import tracked_link_create
from .posts import post_copy_suggest
from .states import campaign_schedule

DEFAULT_CHANNELS = [Channel.INSTAGRAM, Channel.PINTEREST, Channel.TIKTOK]
MAX_BUDGET = Decimal("9999999999.99")
LAUNCH_HOUR = 18  # the loop's posts go out at six in the evening, market time


def campaign_create(
    *,
    concept: Concept,
    market: str,
    production_order: ProductionOrder | None = None,
    starts_on: date | None = None,
    channels=DEFAULT_CHANNELS,
    is_demo: bool = False,
    actor: str = "c2f",
) -> Campaign:
    """The loop's campaign for one concept in one market: one post per channel with suggested copy, each
    with its link. A demo campaign is scheduled at once (its posts are published nowhere); a real one
    stays a draft for the merchandiser to add media and schedule from the dashboard.

    Idempotent per (cycle, concept, market): an existing campaign is returned.
    """
    existing = Campaign.objects.filter(cycle=concept.cycle, concept=concept, market=market).first()
    if existing:
        return existing
    zone = market_time_zone(market)
    starts_on = starts_on or timezone.localdate()
    with transaction.atomic():
        campaign = Campaign.objects.create(
            cycle=concept.cycle,
            concept=concept,
            production_order=production_order,
            name=f"{concept.name} launch · {market}",
            market=market,
            time_zone=zone,
            starts_on=starts_on,
            channels=[str(c) for c in channels],
            currency=market_currency(market),
            is_demo=is_demo,
        )
        transitions.record_created(campaign, actor=actor)
        for offset, channel in enumerate(channels):
            suggestion = post_copy_suggest(campaign=campaign, channel=str(channel))
            local = datetime.combine(starts_on + timedelta(days=offset), time(LAUNCH_HOUR))
            post = Post.objects.create(
                campaign=campaign, channel=channel, text=suggestion.text, hashtags=suggestion.hashtags,
                scheduled_at=local_to_utc(local, zone=zone),
                is_demo=is_demo,
            )
            transitions.record_created(post, actor=actor)
            tracked_link_create(campaign=campaign, post=post, source=str(channel))
        if is_demo:
            campaign = campaign_schedule(campaign_id=campaign.pk, actor=actor, note="launch posts scheduled")
    return campaign


def _decimal(value, *, field: str, errors: dict) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        errors[field] = [f"{value!r} is not an amount."]
        return None
    if not amount.is_finite() or amount < 0 or amount > MAX_BUDGET:
        errors[field] = [f"Give an amount from 0 to {MAX_BUDGET:,}, got {value}."]
        return None
    return amount.quantize(Decimal("0.01"))


def _clean_plan(*, name, market, time_zone, starts_on, ends_on, channels, budget, currency, publisher) -> dict:
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = ["Give the campaign a name."]
    elif len(name) > 160:
        errors["name"] = [f"At most 160 characters, got {len(name)}."]
    code = (market or "").strip().upper() if isinstance(market, str) else ""
    if not market_known(code):
        errors["market"] = [f"{str(market)[:40]!r} is not a market: give its two-letter country code (US, DE)."]
    zone = (time_zone or "").strip() or (market_time_zone(code) if not errors.get("market") else "UTC")
    if not time_zone_valid(zone):
        errors["time_zone"] = [f"{zone!r} is not a time zone (Europe/Berlin, America/New_York)."]
    if not isinstance(starts_on, date):
        errors["starts_on"] = ["Give the day the campaign starts."]
    if ends_on is not None and not isinstance(ends_on, date):
        errors["ends_on"] = ["Give the day it ends, or leave it open."]
    elif isinstance(starts_on, date) and ends_on is not None and ends_on < starts_on:
        errors["ends_on"] = [f"It ends ({ends_on:%Y-%m-%d}) before it starts ({starts_on:%Y-%m-%d})."]
    picked = [str(c) for c in (channels or [])]
    wrong = [c for c in picked if c not in Channel.values]
    if wrong or not picked:
        errors["channels"] = [f"Choose channels among {', '.join(Channel.labels)}." + (f" Not channels: {', '.join(wrong)}." if wrong else "")]
    amount = _decimal(budget, field="budget", errors=errors)
    currency = (currency or "").strip().upper() or market_currency(code)
    if amount is not None and not (len(currency) == 3 and currency.isalpha()):
        errors["currency"] = ["A budget needs its currency as a three-letter code (EUR, USD)."]
    if publisher not in Publisher.values:
        errors["publisher"] = [f"Choose how posts go out: {', '.join(Publisher.values)}."]
    if errors:
        raise ValidationError(errors)
    return {"name": name, "market": code, "time_zone": zone, "starts_on": starts_on, "ends_on": ends_on,
            "channels": list(dict.fromkeys(picked)), "budget": amount, "currency": currency[:3], "publisher": publisher}


def campaign_plan(
    *, production_order: ProductionOrder | None = None, sample: Sample | None = None, name: str, market: str,
    starts_on: date, ends_on: date | None = None, channels=(), budget=None, currency: str = "",
    time_zone: str = "", publisher: str = Publisher.WEBHOOK, suggest_posts: bool = False, actor: str,
) -> Campaign:
    """A draft campaign from a production order (its batch) or a confirmed sample (selling before the batch),
    in the market's time zone unless one is given; with ``suggest_posts`` a draft post per channel
    carrying copy suggested from the concept, at six in the evening of the first day."""
    if (production_order is None) == (sample is None):
        raise ValidationError({"source": ["Start from a production order or from a confirmed sample, one of the two."]})
    if production_order is not None:
        if production_order.status in (ProductionOrder.Status.CANCELLED, ProductionOrder.Status.DECLINED):
            raise ValidationError({"source": [f"Order {production_order.reference} is {production_order.status}."]})
        concept = production_order.sample.concept
        sample = None
    else:
        if sample.status != Sample.Status.CONFIRMED:
            raise ValidationError({"source": [f"Sample {sample} is {sample.status}: a campaign starts from a confirmed sample."]})
        concept = sample.concept
    values = _clean_plan(name=name, market=market, time_zone=time_zone, starts_on=starts_on, ends_on=ends_on,
                         channels=channels, budget=budget, currency=currency, publisher=publisher)
    with transaction.atomic():
        campaign = Campaign.objects.create(
            cycle=concept.cycle, concept=concept, production_order=production_order, sample=sample,
            is_demo=concept.is_demo, **values,
        )
        transitions.record_created(campaign, actor=actor, note="planned in the dashboard")
        if suggest_posts:
            from .posts import post_create

            for channel in values["channels"]:
                suggestion = post_copy_suggest(campaign=campaign, channel=channel)
                post_create(campaign=campaign, channel=channel, text=suggestion.text, hashtags=suggestion.hashtags,
                            scheduled_local=datetime.combine(values["starts_on"], time(LAUNCH_HOUR)), actor=actor)
    return campaign


def campaign_update(
    *, campaign_id: int, name: str, market: str, starts_on: date, ends_on: date | None, channels, budget,
    currency: str, time_zone: str, publisher: str, actor: str,
) -> Campaign:
    """Change a campaign's plan. Its market, time zone and publisher change only while nothing has gone out."""
    values = _clean_plan(name=name, market=market, time_zone=time_zone, starts_on=starts_on, ends_on=ends_on,
                         channels=channels, budget=budget, currency=currency, publisher=publisher)
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign_id)
        if campaign.status in (Campaign.Status.ENDED, Campaign.Status.CANCELLED):
            raise ValidationError({"status": [f"Campaign “{campaign.name}” is {campaign.status}: its plan is kept as it ran."]})
        moved = [f for f in ("market", "time_zone", "publisher") if getattr(campaign, f) != values[f]]
        if moved and campaign.status == Campaign.Status.ACTIVE:
            raise ValidationError({moved[0]: ["Posts of this campaign went out: its market, time zone and publisher stay."]})
        changed = [f for f, v in values.items() if getattr(campaign, f) != v]
        for field, value in values.items():
            setattr(campaign, field, value)
        campaign.save()
        if changed:
            transitions.record_noted(campaign, actor=actor, note=f"plan changed: {', '.join(changed)}")
    return campaign

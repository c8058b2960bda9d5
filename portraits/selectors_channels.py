"""Which promotion brought each portrait segment's customers: channels and posting times, read from the
tracked links their orders came through."""

from collections import Counter, defaultdict

from django.db.models import Subquery
from django.utils import timezone

from .models import PortraitRun, Segment, SegmentMembership

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def portrait_run_newest() -> PortraitRun | None:
    """The newest finished run of any cycle: the segments customers are in now; one query."""
    return PortraitRun.objects.filter(status=PortraitRun.Status.DONE).order_by("-id").first()


def segment_names_for_customers(*, customer_ids) -> dict[int, tuple[int, str]]:
    """Customer id → (segment id, segment name) in the newest finished run that placed the customer; one query."""
    rows = (
        SegmentMembership.objects.filter(customer_id__in=list(customer_ids), run__status=PortraitRun.Status.DONE)
        .order_by("customer_id", "-run_id")
        .values_list("customer_id", "segment_id", "segment__name")
    )
    found: dict[int, tuple[int, str]] = {}
    for customer_id, segment_id, name in rows:
        found.setdefault(customer_id, (segment_id, name))
    return found


def segment_channel_mix(*, run: PortraitRun, segment_ids=None, top: int = 3) -> list[dict]:
    """Per segment of ``run``: the channels and posting times of the tracked links its customers' orders came
    through. Two queries whatever the number of orders (the segments, then the attributed orders).

    Each row: ``{"segment_id", "segment", "size", "orders", "customers", "channels": [{"channel",
    "customers", "orders"}], "times": [{"weekday", "hour", "orders"}], "best_channels", "best_times"}``:
    channels ordered by customers brought in, then orders; posting times are the weekday and hour (local
    time) the post carrying the link went out (or was scheduled), ordered by orders. ``best_*`` are the
    first ``top`` of each.
    """
    segments = Segment.objects.filter(run=run)
    if segment_ids is not None:
        segments = segments.filter(pk__in=list(segment_ids))
    return _channel_mix(segments, top=top)


def _channel_mix(segments, *, top: int) -> list[dict]:
    segments = list(segments.order_by("-size", "label").values("pk", "name", "size", "run_id"))
    rows = (
        SegmentMembership.objects.filter(
            run_id__in={s["run_id"] for s in segments}, segment_id__in=[s["pk"] for s in segments],
            customer__orders__tracked_link__isnull=False,
        )
        .values_list(
            "segment_id", "customer_id", "customer__orders__id", "customer__orders__tracked_link__utm_source",
            "customer__orders__tracked_link__post__channel", "customer__orders__tracked_link__post__sent_at",
            "customer__orders__tracked_link__post__scheduled_at",
        )
        .order_by()
    )
    channel_orders: dict[int, Counter] = defaultdict(Counter)
    channel_customers: dict[int, dict[str, set]] = defaultdict(lambda: defaultdict(set))
    time_orders: dict[int, Counter] = defaultdict(Counter)
    orders: dict[int, set] = defaultdict(set)
    customers: dict[int, set] = defaultdict(set)
    for segment_id, customer_id, order_id, source, channel, sent_at, scheduled_at in rows:
        channel = channel or (source or "").strip().lower() or "unknown"
        if order_id in orders[segment_id]:
            continue
        orders[segment_id].add(order_id)
        customers[segment_id].add(customer_id)
        channel_orders[segment_id][channel] += 1
        channel_customers[segment_id][channel].add(customer_id)
        posted = sent_at or scheduled_at
        if posted is not None:
            local = timezone.localtime(posted)
            time_orders[segment_id][(local.weekday(), local.hour)] += 1
    result = []
    for segment in segments:
        pk = segment["pk"]
        channels = sorted(
            ({"channel": c, "customers": len(channel_customers[pk][c]), "orders": n} for c, n in channel_orders[pk].items()),
            key=lambda r: (-r["customers"], -r["orders"], r["channel"]),
        )
        times = sorted(
            ({"weekday": WEEKDAYS[d], "hour": h, "orders": n} for (d, h), n in time_orders[pk].items()),
            key=lambda r: (-r["orders"], WEEKDAYS.index(r["weekday"]), r["hour"]),
        )
        result.append({
            "segment_id": pk, "segment": segment["name"], "size": segment["size"], "orders": len(orders[pk]),
            "customers": len(customers[pk]), "channels": channels, "times": times,
            "best_channels": channels[:top], "best_times": times[:top],
        })
    return result


def segment_promotion_suggestion(*, segment_id: int | None, top: int = 3) -> list[dict]:
    """What to plan a campaign for a segment with: its row of the channel mix; with no segment (a concept
    without a target segment), every segment of the newest finished run. Two queries."""
    if segment_id is not None:
        return _channel_mix(Segment.objects.filter(pk=segment_id), top=top)
    newest = PortraitRun.objects.filter(status=PortraitRun.Status.DONE).order_by("-id").values("pk")[:1]
    return _channel_mix(Segment.objects.filter(run=Subquery(newest)), top=top)

"""Which promotion brought each portrait segment's customers: channels and posting times, read from the
tracked links their orders came through."""

from collections import defaultdict

from django.db.models import CharField, Count, DateTimeField, F, Subquery, Value
from django.db.models.functions import Coalesce, ExtractHour, ExtractIsoWeekDay, Lower, NullIf, Trim
from django.utils import timezone

from core.dashboard.figures import figures_cached
from core.models import Cycle
from customers.selectors import orders_version
from promotion.models import Campaign
from promotion.selectors import attributions_version

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
    through, whatever the number of orders: three queries (the segments, the versions of the orders and of their
    credits), and three sums when either changed since the last read.

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
    if not segments:
        return []
    # Summed in the database (a segment's attributed orders run into the hundred thousands) and kept while no
    # order and no credit changed.
    version = (tuple(s["pk"] for s in segments), orders_version(), attributions_version(),
               timezone.get_current_timezone_name())
    figures = figures_cached(key=f"segment-channel-mix:{version[0][0]}:{len(segments)}", version=version,
                             compute=lambda: _channel_figures(segments))
    result = []
    for segment in segments:
        pk = segment["pk"]
        totals, channels, times = figures.get(pk, ((0, 0), [], []))
        result.append({
            "segment_id": pk, "segment": segment["name"], "size": segment["size"], "orders": totals[0],
            "customers": totals[1], "channels": channels, "times": times,
            "best_channels": channels[:top], "best_times": times[:top],
        })
    return result


def _channel_figures(segments: list[dict]) -> dict[int, tuple]:
    """Per segment id: ((orders, customers), channels, posting times), ordered as ``segment_channel_mix`` says;
    three queries."""
    orders = "customer__orders"
    link = f"{orders}__tracked_link"
    attributed = SegmentMembership.objects.filter(
        run_id__in={s["run_id"] for s in segments}, segment_id__in=[s["pk"] for s in segments],
        **{f"{link}__isnull": False},
    ).order_by()
    channel = Coalesce(
        NullIf(F(f"{link}__post__channel"), Value("")), NullIf(Lower(Trim(f"{link}__utm_source")), Value("")),
        Value("unknown"), output_field=CharField(),
    )
    totals = {
        row["segment_id"]: (row["n_orders"], row["n_customers"])
        for row in attributed.values("segment_id").annotate(
            n_orders=Count(f"{orders}__id"), n_customers=Count("customer_id", distinct=True)
        )
    }
    channels: dict[int, list[dict]] = defaultdict(list)
    for row in attributed.values("segment_id", via=channel).annotate(
        n_orders=Count(f"{orders}__id"), n_customers=Count("customer_id", distinct=True)
    ):
        channels[row["segment_id"]].append({"channel": row["via"], "customers": row["n_customers"], "orders": row["n_orders"]})
    zone = timezone.get_current_timezone()
    posted = Coalesce(f"{link}__post__sent_at", f"{link}__post__scheduled_at", output_field=DateTimeField())
    times: dict[int, list[dict]] = defaultdict(list)
    for row in (attributed.annotate(posted=posted).filter(posted__isnull=False)
                .values("segment_id", day=ExtractIsoWeekDay("posted", tzinfo=zone), hour=ExtractHour("posted", tzinfo=zone))
                .annotate(n_orders=Count(f"{orders}__id"))):
        times[row["segment_id"]].append({"weekday": WEEKDAYS[row["day"] - 1], "hour": row["hour"], "orders": row["n_orders"]})
    return {
        pk: (
            totals.get(pk, (0, 0)),
            sorted(channels[pk], key=lambda r: (-r["customers"], -r["orders"], r["channel"])),
            sorted(times[pk], key=lambda r: (-r["orders"], WEEKDAYS.index(r["weekday"]), r["hour"])),
        )
        for pk in {s["pk"] for s in segments}
    }


def segment_promotion_suggestion(*, segment_id: int | None, top: int = 3) -> list[dict]:
    """What to plan a campaign for a segment with: its row of the channel mix; with no segment (a concept
    without a target segment), every segment of the newest finished run; as ``segment_channel_mix``."""
    if segment_id is not None:
        return _channel_mix(Segment.objects.filter(pk=segment_id), top=top)
    newest = PortraitRun.objects.filter(status=PortraitRun.Status.DONE).order_by("-id").values("pk")[:1]
    return _channel_mix(Segment.objects.filter(run=Subquery(newest)), top=top)


def channel_mix_warm() -> None:
    """Count the channel mix the newest cycle's campaign pages show, before anybody opens them: run by the tasks
    that follow an import and its attribution."""
    newest = Cycle.objects.order_by("-number").first()
    if newest is None:
        return
    for segment_id in set(Campaign.objects.filter(cycle=newest).values_list("concept__target_segment_id", flat=True)):
        segment_promotion_suggestion(segment_id=segment_id)

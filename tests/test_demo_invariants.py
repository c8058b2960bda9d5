"""The demo loop's output keeps time and sense: what the demo's people do comes in the order it
would in life, and never more is sold than was made."""

from collections import Counter

import pytest
from django.core.management import call_command
from django.utils import timezone

from core.models import Cycle
from customers.models import Order, OrderLine, Review
from production.models import ProductionOrder, Shipment
from promotion.models import Campaign, Click, Post
from samples.models import Vote, VoteRound

pytestmark = pytest.mark.django_db


def test_demo_loop_keeps_time_and_sense(settings, tmp_path):
    settings.EMAIL_FILE_PATH = tmp_path / "mail"
    call_command("run_cycle", stdout=open(tmp_path / "run_cycle.log", "w"))
    now = timezone.now()
    cycles = list(Cycle.objects.filter(number__in=[1, 2]).order_by("number"))
    assert len(cycles) == 2
    for cycle in cycles:
        order = ProductionOrder.objects.get(cycle=cycle)
        concept = order.sample.concept
        markets = {m.upper() for m in concept.target_markets}

        # The demo factory made, shipped and delivered the batch; its lines are in the concept's markets only.
        assert order.status == ProductionOrder.Status.RECEIVED
        assert {line.market.upper() for line in order.lines.all()} <= markets
        shipment = Shipment.objects.get(order=order)
        vote_round = VoteRound.objects.get(pk=order.sizing_round_id)
        assert vote_round.opens_at < vote_round.closes_at < order.released_at < shipment.shipped_at < shipment.received_at
        assert list(order.events.order_by("created_at", "id").values_list("to_status", flat=True)) == [
            "draft", "released", "accepted", "in_production", "qc_passed", "shipped", "received",
        ]
        round_events = list(vote_round.events.order_by("created_at", "id").values_list("to_status", "created_at"))
        assert [status for status, _at in round_events][:2] == ["open", "closed"]
        assert all(vote_round.opens_at <= at < shipment.shipped_at for _status, at in round_events)
        votes = Vote.objects.filter(round=vote_round)
        assert all(vote_round.opens_at <= v.created_at <= vote_round.closes_at for v in votes)
        assert {v.market.upper() for v in votes} <= markets  # only buyers of the concept's markets were asked

        # Posts went out before anyone clicked them, and every clicked post is marked sent.
        campaigns = Campaign.objects.filter(cycle=cycle)
        assert campaigns.exists()
        for campaign in campaigns:
            assert campaign.starts_on >= shipment.received_at.date()
        clicks = Click.objects.filter(link__campaign__cycle=cycle).select_related("link__post")
        assert clicks.exists()
        for click in clicks:
            post = click.link.post
            assert post.status == Post.Status.SENT, f"post {post.pk} has clicks but was not sent"
            assert post.sent_at < click.at <= now
        for post in Post.objects.filter(campaign__cycle=cycle, status=Post.Status.SENT):
            assert post.events.get(to_status="sent").created_at == post.sent_at
        for campaign in campaigns:
            timeline = list(campaign.events.order_by("created_at", "id").values_list("to_status", "created_at"))
            # Planned before it started, started when its first post went out.
            assert timeline[-1][0] == "active" and timeline[0][1] < timeline[-1][1] <= now
            assert timeline[-1][1] == min(p.sent_at for p in campaign.posts.filter(status=Post.Status.SENT))
        clicked_posts = {click.link.post_id for click in clicks}
        assert clicked_posts <= set(Post.objects.filter(status=Post.Status.SENT).values_list("pk", flat=True))
        assert not Post.objects.filter(campaign__cycle=cycle, status=Post.Status.SENT, sent_at__gt=now).exists()

        # Orders come after the campaign starts and the batch is received, when they are for the batch or
        # came through a campaign's link; none is placed in the future; no more is sold than was made.
        start = min(c.starts_on for c in campaigns)
        batch_lines = OrderLine.objects.filter(order__cycle=cycle, product__variant__concept=concept).select_related("order")
        assert batch_lines.exists()
        for line in batch_lines:
            assert line.order.placed_at >= shipment.received_at
            assert line.order.placed_at.date() >= start
        attributed = Order.objects.filter(cycle=cycle, tracked_link__isnull=False).select_related("tracked_link__post")
        assert attributed.exists()
        for shop_order in attributed:
            assert shop_order.placed_at > shop_order.tracked_link.post.sent_at
        assert not Order.objects.filter(cycle=cycle, placed_at__gt=now).exists()
        assert not Review.objects.filter(order__cycle=cycle, created_at__gt=now).exists()
        sold = Counter()
        for line in batch_lines:
            sold[(line.product.variant_id, line.order.market.upper())] += line.quantity
        made = {(line.variant_id, line.market.upper()): line.quantity for line in order.lines.all()}
        for key, units in sold.items():
            assert units <= made.get(key, 0), f"{units} sold of {key}, {made.get(key, 0)} made"

    # The second cycle's story comes after the first's.
    first_round, second_round = (VoteRound.objects.get(cycle=c, decision="confirm") for c in cycles)
    assert first_round.closes_at < second_round.opens_at

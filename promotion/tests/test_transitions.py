"""Campaigns and posts move only through promotion's services, each move with its event."""

import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from core.transitions import TransitionNotAllowed
from design.tests.factories import ConceptFactory, VariantFactory
from promotion.models import Campaign, CampaignEvent, Click, Post, PostEvent
from promotion.services import (
    campaign_activate,
    campaign_cancel,
    campaign_create,
    campaign_end,
    campaign_schedule,
    clicks_flush,
    demo_campaign_launch,
    demo_clicks_generate,
    post_cancel,
    post_fail,
    post_schedule,
    post_send,
)

from .factories import CampaignFactory, PostFactory

pytestmark = pytest.mark.django_db
C, P = Campaign.Status, Post.Status


def _campaign_moves(campaign):
    return list(CampaignEvent.objects.filter(campaign=campaign).order_by("id").values_list("from_status", "to_status", "note"))


def _post_moves(post):
    return list(PostEvent.objects.filter(post=post).order_by("id").values_list("from_status", "to_status", "note"))


def _launched(**kwargs):
    """The loop's campaign on a demo cycle: its posts are published nowhere, so it is scheduled at once."""
    kwargs.setdefault("is_demo", True)
    concept = ConceptFactory(is_demo=kwargs["is_demo"])
    VariantFactory(concept=concept)
    return campaign_create(concept=concept, market="US", actor="mia", **kwargs)


def test_the_loops_campaign_for_a_real_concept_waits_as_a_draft_for_media_and_scheduling():
    concept = ConceptFactory()
    VariantFactory(concept=concept)
    campaign = campaign_create(concept=concept, market="DE", actor="c2f")
    assert campaign.status == C.DRAFT and campaign.time_zone == "Europe/Berlin" and campaign.currency == "EUR"
    posts = list(campaign.posts.order_by("pk"))
    assert {p.status for p in posts} == {P.DRAFT} and all(p.link.utm_content == f"post-{p.pk}" for p in posts)
    assert all(p.scheduled_at.astimezone(timezone.get_fixed_timezone(60)).hour in (18, 19) for p in posts)


def test_a_new_campaign_is_scheduled_with_its_posts_and_both_timelines_say_so():
    campaign = _launched()
    assert campaign.status == C.SCHEDULED
    assert _campaign_moves(campaign) == [("", "draft", "created"), ("draft", "scheduled", "launch posts scheduled")]
    posts = list(campaign.posts.order_by("pk"))
    assert len(posts) == 3 and {p.status for p in posts} == {P.SCHEDULED}
    assert _post_moves(posts[0]) == [("", "draft", "created"), ("draft", "scheduled", "campaign scheduled")]
    assert campaign_create(concept=campaign.concept, market="US") == campaign  # idempotent: no new events
    assert CampaignEvent.objects.filter(campaign=campaign).count() == 2


def test_the_first_post_sent_makes_the_campaign_active_and_it_can_end():
    campaign = _launched()
    first, second, _ = campaign.posts.order_by("pk")
    sent = post_send(post_id=first.pk, actor="instagram publisher", note="id 1789")
    assert sent.status == P.SENT and sent.sent_at is not None
    post_send(post_id=second.pk, actor="pinterest publisher")
    campaign.refresh_from_db()
    assert campaign.status == C.ACTIVE
    assert _campaign_moves(campaign)[-1] == ("scheduled", "active", f"first post sent: Instagram post {first.pk}")
    campaign_end(campaign_id=campaign.pk, actor="mia", note="batch sold out")
    assert Campaign.objects.get(pk=campaign.pk).status == C.ENDED
    assert _post_moves(first)[-1] == ("scheduled", "sent", "id 1789")


def test_a_failed_post_keeps_its_reason_and_can_be_scheduled_again():
    campaign = _launched()
    post = campaign.posts.order_by("pk").first()
    with pytest.raises(ValidationError) as raised:
        post_fail(post_id=post.pk, actor="publisher", reason="  ")
    assert "reason" in raised.value.message_dict and Post.objects.get(pk=post.pk).status == P.SCHEDULED
    post_fail(post_id=post.pk, actor="publisher", reason="HTTP 401: token expired")
    post.refresh_from_db()
    assert (post.status, post.failure_reason) == (P.FAILED, "HTTP 401: token expired")
    later = timezone.now() + timezone.timedelta(hours=3)
    post_schedule(post_id=post.pk, actor="mia", note="token renewed", scheduled_at=later)
    post.refresh_from_db()
    assert (post.status, post.failure_reason, post.scheduled_at) == (P.SCHEDULED, "", later)
    assert [m[1] for m in _post_moves(post)] == ["draft", "scheduled", "failed", "scheduled"]


def test_cancelling_a_campaign_cancels_its_posts_that_have_not_gone_out():
    campaign = _launched()
    posts = list(campaign.posts.order_by("pk"))
    post_fail(post_id=posts[0].pk, actor="publisher", reason="timeout")
    with pytest.raises(ValidationError, match="needs a reason"):
        campaign_cancel(campaign_id=campaign.pk, actor="mia", reason="")
    campaign_cancel(campaign_id=campaign.pk, actor="mia", reason="concept dropped")
    assert Campaign.objects.get(pk=campaign.pk).status == C.CANCELLED
    assert set(Post.objects.filter(campaign=campaign).values_list("status", flat=True)) == {P.CANCELLED}
    assert _post_moves(posts[0])[-1] == ("failed", "cancelled", "campaign cancelled")
    with pytest.raises(TransitionNotAllowed, match="from cancelled it can move to nothing further"):
        post_schedule(post_id=posts[1].pk, actor="mia")


def test_a_post_is_scheduled_only_in_a_scheduled_or_active_campaign():
    post = PostFactory(campaign__status=C.CANCELLED)
    with pytest.raises(TransitionNotAllowed) as raised:
        post_schedule(post_id=post.pk, actor="mia")
    assert str(raised.value) == (
        f"Instagram post {post.pk} cannot be scheduled: campaign “{post.campaign.name}” is cancelled; "
        "posts are scheduled in a scheduled or active campaign."
    )
    assert Post.objects.get(pk=post.pk).status == P.DRAFT and not post.events.exists()


def test_an_active_campaign_ends_rather_than_being_cancelled():
    campaign = _launched()
    post_send(post_id=campaign.posts.order_by("pk").first().pk, actor="publisher")
    with pytest.raises(TransitionNotAllowed) as raised:
        campaign_cancel(campaign_id=campaign.pk, actor="mia", reason="x")
    assert str(raised.value) == (
        f"Campaign “{campaign.name}” is active and cannot become cancelled; from active it can move to ended. "
        "A campaign whose posts went out is ended, not cancelled."
    )


@pytest.mark.parametrize(
    "status, move, allowed",
    [
        (P.SENT, lambda pk: post_cancel(post_id=pk, actor="m"), "nothing further"),
        (P.DRAFT, lambda pk: post_send(post_id=pk, actor="m"), "scheduled or cancelled"),
        (P.CANCELLED, lambda pk: post_fail(post_id=pk, actor="m", reason="x"), "nothing further"),
    ],
)
def test_illegal_post_moves_name_the_state_and_where_it_can_go(status, move, allowed):
    post = PostFactory(status=status, campaign__status=C.ACTIVE)
    with pytest.raises(TransitionNotAllowed, match=f"is {status} and cannot become .*from {status} it can move to {allowed}"):
        move(post.pk)
    assert Post.objects.get(pk=post.pk).status == status and not post.events.exists()


@pytest.mark.parametrize(
    "start, move, end",
    [
        (C.DRAFT, lambda pk: campaign_schedule(campaign_id=pk, actor="m"), C.SCHEDULED),
        (C.SCHEDULED, lambda pk: campaign_activate(campaign_id=pk, actor="m"), C.ACTIVE),
        (C.ACTIVE, lambda pk: campaign_end(campaign_id=pk, actor="m"), C.ENDED),
        (C.DRAFT, lambda pk: campaign_cancel(campaign_id=pk, actor="m", reason="r"), C.CANCELLED),
    ],
)
def test_each_campaign_move_writes_one_event(start, move, end):
    campaign = CampaignFactory(status=start)
    move(campaign.pk)
    assert Campaign.objects.get(pk=campaign.pk).status == end
    assert [(f, t) for f, t, _ in _campaign_moves(campaign)] == [(start, end)]


def test_clicks_and_demo_data_move_nothing_by_themselves():
    campaign = _launched(is_demo=True)
    assert demo_clicks_generate(campaign=campaign, seed=1) == 0  # no post has gone out: nobody clicks yet
    link = campaign.links.order_by("code").first()
    phone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148"
    assert Client().get(f"/r/{link.code}", HTTP_USER_AGENT=phone).status_code == 302  # a shopper, not a bot
    clicks_flush()  # with Redis the click waits there to be stored in a batch
    campaign.refresh_from_db()
    assert campaign.status == C.SCHEDULED and Click.objects.filter(link__campaign=campaign).exists()
    assert demo_campaign_launch(campaign=campaign) == 3 and demo_campaign_launch(campaign=campaign) == 0
    campaign.refresh_from_db()
    assert campaign.status == C.ACTIVE
    sent_notes = PostEvent.objects.filter(post__campaign=campaign, to_status=P.SENT).values_list("note", flat=True)
    assert set(sent_notes) == {"demo: marked sent, published nowhere"}


def test_a_real_campaign_is_never_marked_sent_by_the_demo():
    campaign = _launched(is_demo=False)
    with pytest.raises(ValidationError, match="not demo data"):
        demo_campaign_launch(campaign=campaign)
    assert set(campaign.posts.values_list("status", flat=True)) == {P.DRAFT}


def test_the_migration_renames_published_to_sent_and_places_campaigns():
    migration = importlib.import_module("promotion.migrations.0002_campaign_and_post_states")
    with_published = PostFactory(status="published").campaign
    with_scheduled = PostFactory(status=P.SCHEDULED).campaign
    empty = CampaignFactory()
    migration.published_to_sent(apps, None)
    assert with_published.posts.get().status == P.SENT
    assert {c.pk: c.status for c in Campaign.objects.all()} == {
        with_published.pk: C.ACTIVE, with_scheduled.pk: C.SCHEDULED, empty.pk: C.DRAFT
    }
    assert CampaignEvent.objects.count() == 3 and PostEvent.objects.count() == 2

"""A demo campaign's timeline is dated in the demo's time; a real campaign's never is."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from design.tests.factories import ConceptFactory, VariantFactory
from promotion.demo import campaign_demo_date
from promotion.models import Campaign, CampaignEvent, Post, PostEvent
from promotion.services import campaign_create, demo_campaign_launch

pytestmark = pytest.mark.django_db


def _campaign(*, is_demo, starts_on):
    concept = ConceptFactory()
    VariantFactory(concept=concept)
    return campaign_create(concept=concept, market="US", actor="mia", is_demo=is_demo, starts_on=starts_on)


def test_a_demo_campaign_is_planned_the_day_before_it_starts_and_each_post_sent_when_it_was():
    starts_on = timezone.localdate() - datetime.timedelta(days=20)
    campaign = _campaign(is_demo=True, starts_on=starts_on)
    first_due = campaign.posts.order_by("scheduled_at").first()
    assert demo_campaign_launch(campaign=campaign, until=first_due.scheduled_at) == 1

    campaign_demo_date(campaign=campaign)

    planned = timezone.make_aware(datetime.datetime.combine(starts_on - datetime.timedelta(days=1), datetime.time.min))
    sent = Post.objects.get(campaign=campaign, status=Post.Status.SENT)
    assert sent.sent_at == first_due.scheduled_at
    events = CampaignEvent.objects.filter(campaign=campaign)
    assert events.get(to_status=Campaign.Status.ACTIVE).created_at == sent.sent_at
    assert {e.created_at for e in events.exclude(to_status=Campaign.Status.ACTIVE)} == {planned}
    assert PostEvent.objects.get(post=sent, to_status=Post.Status.SENT).created_at == sent.sent_at
    unsent_or_planned = PostEvent.objects.filter(post__campaign=campaign).exclude(post=sent, to_status=Post.Status.SENT)
    assert unsent_or_planned.exists() and {e.created_at for e in unsent_or_planned} == {planned}


def test_a_real_campaigns_timeline_is_never_redated():
    campaign = _campaign(is_demo=False, starts_on=timezone.localdate())
    before = list(CampaignEvent.objects.filter(campaign=campaign).values_list("pk", "created_at"))
    with pytest.raises(ValidationError, match="not demo data"):
        campaign_demo_date(campaign=campaign)
    assert list(CampaignEvent.objects.filter(campaign=campaign).values_list("pk", "created_at")) == before

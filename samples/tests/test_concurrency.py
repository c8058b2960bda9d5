"""Votes posted at the same time on PostgreSQL: one stored vote per buyer per round, none lost."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from samples.models import Vote
from samples.tokens import vote_token_for

from .factories import InvitationFactory, VariantFactory, VoteRoundFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 32


@pytest.fixture(autouse=True)
def _postgres_only(settings):
    if connection.vendor != "postgresql":
        pytest.skip("row locks and concurrent upserts are only meaningful on PostgreSQL")
    settings.C2F_VOTE_RATE = "1000/min"


def _post_all(jobs):
    """Each job is (url, data); every thread opens its own connection, all start together."""
    barrier = threading.Barrier(min(THREADS, len(jobs)))

    def post(job):
        url, data = job
        try:
            try:
                barrier.wait(timeout=30)
            except threading.BrokenBarrierError:
                pass
            return Client().post(url, data).status_code
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        return list(pool.map(post, jobs))


def test_200_buyers_vote_at_once_and_every_vote_is_stored():
    vote_round = VoteRoundFactory()
    variant = VariantFactory(concept=vote_round.sample.concept)
    invitations = [InvitationFactory(round=vote_round) for _ in range(200)]
    jobs = [
        (reverse("samples_vote:vote", args=[vote_token_for(inv)]),
         {"score": str(1 + i % 5), "would_order_qty": str(i), "preferred_variant": str(variant.pk), "market": "US"})
        for i, inv in enumerate(invitations)
    ]
    statuses = _post_all(jobs)
    assert statuses == [303] * 200
    votes = {v.buyer_id: v for v in Vote.objects.filter(round=vote_round)}
    assert len(votes) == 200
    for i, inv in enumerate(invitations):
        assert votes[inv.buyer_id].would_order_qty == i and votes[inv.buyer_id].score == 1 + i % 5


def test_the_same_buyers_posting_four_times_at_once_keep_exactly_one_vote_each():
    vote_round = VoteRoundFactory()
    invitations = [InvitationFactory(round=vote_round) for _ in range(50)]
    jobs = [
        (reverse("samples_vote:vote", args=[vote_token_for(inv)]), {"score": str(attempt + 1), "would_order_qty": str(attempt)})
        for attempt in range(4)
        for inv in invitations
    ]
    statuses = _post_all(jobs)
    assert statuses == [303] * 200
    assert Vote.objects.filter(round=vote_round).count() == 50
    for vote in Vote.objects.filter(round=vote_round):
        assert vote.score == vote.would_order_qty + 1  # one whole submission won, never a mix of two

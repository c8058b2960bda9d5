"""Reads of link 8 that the loop builds on."""

from decimal import Decimal

import pytest

from core.services import cycle_open
from portraits.models import Brief
from portraits.selectors import brief_best_for

from .factories import CycleFactory, PortraitRunFactory, SegmentFactory

pytestmark = pytest.mark.django_db


def test_the_brief_sharing_most_attributes_seeds_the_concept_and_a_tie_goes_to_the_larger_segment():
    source = CycleFactory()
    target = cycle_open()
    run = PortraitRunFactory(cycle=source)

    def brief(attributes, size):
        segment = SegmentFactory(run=run, size=size)
        return Brief.objects.create(
            run=run, segment=segment, for_cycle=target, category="throw", attributes=attributes,
            price_low=Decimal("20"), price_high=Decimal("40"),
        )

    brief(["linen"], size=50)
    small = brief(["sherpa", "mermaid"], size=5)
    large = brief(["sherpa", "cream"], size=30)
    assert brief_best_for(cycle=target, attribute_names={"sherpa", "mermaid"}) == small
    assert brief_best_for(cycle=target, attribute_names={"sherpa"}) == large
    assert brief_best_for(cycle=source, attribute_names={"sherpa"}) is None

"""Segment-aware promotion: on a campaign's page, the channels and posting times that brought the customers
of the concept's target portrait segment (or of every segment of the newest run, when it has none).

Promotion may not import portraits, so the panel is composed here and registered on promotion's
campaign page at start-up (core.dashboard.lineage).
"""

from core.dashboard.lineage import downstream_panel_register
from portraits.selectors_channels import segment_promotion_suggestion
from promotion.models import Campaign


def campaign_audience(campaign: Campaign) -> list[dict]:
    """The suggestion for ``campaign``: its concept's target segment's row of the channel mix; three queries."""
    return segment_promotion_suggestion(segment_id=campaign.concept.target_segment_id)


def register() -> None:
    downstream_panel_register(
        Campaign, key="audience", title="Where its portrait's customers came from",
        template="dashboard/lineage/campaign_audience.html", rows=campaign_audience,
    )

"""Link 6 writes: campaigns, posts, tracked links, publishing, clicks and the orders they brought.

One module per concern; everything callers use is re-exported here.
"""

from .attribution import OrderFacts, attribution_window, order_attribute, orders_attribute
from .campaigns import DEFAULT_CHANNELS, campaign_create, campaign_plan, campaign_update
from .clicks import LinkTarget, click_record, clicks_flush, link_cache_clear, link_target
from .demo import demo_campaign_launch, demo_clicks_generate
from .links import (
    campaign_utm,
    concept_utm,
    shop_url,
    tracked_link_create,
    tracked_link_destination,
    tracked_link_update,
    tracked_link_url,
)
from .posts import (
    media_inspect,
    post_breaches,
    post_copy_suggest,
    post_create,
    post_published_text,
    post_update,
)
from .publishing import (
    bulk_export_accept,
    bulk_export_create,
    bulk_export_refuse,
    media_public_url,
    media_token,
    max_attempts,
    post_deliver,
    posts_release_due,
)
from .states import (
    PostBreaksRules,
    campaign_activate,
    campaign_cancel,
    campaign_end,
    campaign_schedule,
    post_cancel,
    post_fail,
    post_schedule,
    post_send,
)

__all__ = [
    "DEFAULT_CHANNELS", "LinkTarget", "PostBreaksRules",
    "bulk_export_accept", "bulk_export_create", "bulk_export_refuse",
    "campaign_activate", "campaign_cancel", "campaign_create", "campaign_end", "campaign_plan", "campaign_schedule",
    "campaign_update", "campaign_utm", "click_record", "clicks_flush", "concept_utm",
    "demo_campaign_launch", "demo_clicks_generate", "link_cache_clear", "link_target", "max_attempts", "media_inspect", "media_public_url", "media_token",
    "OrderFacts", "attribution_window", "order_attribute", "orders_attribute", "post_breaches", "post_cancel", "post_copy_suggest", "post_create", "post_deliver",
    "post_fail", "post_published_text", "post_schedule", "post_send", "post_update", "posts_release_due",
    "shop_url", "tracked_link_create", "tracked_link_destination", "tracked_link_update", "tracked_link_url",
]

"""Suggested copy for a post, from what the concept is (name, attributes) and whom it aims at: pure Python.

A starting point the merchandiser edits, never published as it stands without being seen. Each
channel gets a shape that suits it (short on X, a description on Pinterest), and the suggestion is
kept inside the channel's text limit.
"""

import re
from dataclasses import dataclass

from .channel_rules import RULES, hashtags_clean, text_length


@dataclass(frozen=True)
class ConceptFacts:
    name: str
    category: str = ""
    attributes: tuple[str, ...] = ()
    segment: str = ""  # the portrait segment the concept aims at, by name
    segment_attributes: tuple[str, ...] = ()
    market: str = ""


@dataclass(frozen=True)
class Suggestion:
    text: str
    hashtags: list[str]


def _listed(words) -> str:
    words = [w for w in words if w]
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


def suggest(*, channel: str, concept: ConceptFacts) -> Suggestion:
    """Copy and hashtags for ``channel``; the text fits the channel's limit."""
    name = concept.name.strip()
    shared = [a for a in concept.attributes if a in set(concept.segment_attributes)]
    picked = (shared or list(concept.attributes))[:3]
    traits = _listed(picked)
    audience = f" for {concept.segment.strip().lower()}" if concept.segment.strip() else ""
    if channel == "x":
        text = f"New: {name}{' · ' + traits if traits else ''}. Small first batch{audience}."
    elif channel == "pinterest":
        text = f"{name}{': ' + traits if traits else ''}. Ideas and details{audience}, made in a small batch."
    elif channel == "tiktok":
        text = f"Unboxing the {name} ✨ {traits + ' — ' if traits else ''}first batch just landed{audience}."
    elif channel == "facebook":
        text = (f"Meet the {name}{', ' + traits if traits else ''}. Picked by our buyers' panel and made in "
                f"a small first batch{audience}. Tap the link to see every colour.")
    else:
        text = (f"New in: {name}{' — ' + traits if traits else ''}. Made in a small batch{audience}; "
                "every colour is in our bio link.")
    words = [*picked, concept.category]
    tags = hashtags_clean([re.sub(r"\W+", "", w.title()) for w in words if w])[:5]
    limit = RULES[channel].text_max
    if text_length(channel, text) > limit:
        cut = text
        while cut and text_length(channel, cut + "…") > limit:
            cut = cut[:-1]
        text = cut.rstrip() + "…"
    return Suggestion(text=text, hashtags=tags)

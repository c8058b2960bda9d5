"""Segment names a merchandiser would say, each naming what sets the segment apart.

Pure Python over the k profiles of :mod:`portraits.profiles` (never over
customers). A name is built from *traits*, each measured against the overall
profile of all customers:

- recency: "recent" when the segment's median days since the last order is at
  most 0.6 × the overall median, "lapsed" when at least 1.6 × (a week added
  to both, so a few days do not count as a big ratio);
- frequency: "one-time" when at most 20% of the segment ordered twice or more
  (and 10 points fewer than overall), "repeat" when at least half did (and
  15 points more than overall), "frequent" when repeat and ordering on average
  at least twice as often as all customers;
- taste: the top attributes with a lift of at least 1.25 (one, or two when the
  second is nearly as distinctive), or a theme word when the caller's
  ``themes`` cover two of the top three;
- market: the main market(s) whose share of the segment is at least 15 points
  above their share of all customers;
- price: the segment's price band when its median unit price is at least 25%
  above or 20% below the overall median (and, for telling segments apart,
  "high-spending" or "low-spending" on the same thresholds for mean net spend).

A recency or frequency word is used only where it differs between segments
(when every segment is "one-time", the word says nothing). The name reads
"<recency> <frequency> buyers of <taste> · <markets> · <price band>", e.g.
"Lapsed one-time buyers of linen & blue grey · DE · €110–130"; parts that do
not distinguish the segment are left out, and a segment with no trait is
"Mainstream buyers".

Never two alike: while names collide, each colliding segment gets its next
most distinguishing trait not yet in its name (a further attribute or market,
spending level, price band, category, acquisition channel, then its typical
recency and orders in figures), ranked by how far the segment departs from all
customers on it; a trait all the colliding segments share is skipped, since
it tells them no further apart. Deterministic: the same profiles give the same
names.
"""

import math

CURRENCY_SIGNS = {"USD": "$", "GBP": "£", "EUR": "€", "JPY": "¥"}
MIN_LIFT = 1.25
MARKET_MARGIN = 0.15
RECENT_RATIO, LAPSED_RATIO = 0.6, 1.6
PRICE_HIGH_RATIO, PRICE_LOW_RATIO = 1.25, 0.8
FALLBACK_NAME = "Mainstream buyers"


def money(value: float | None, currency: str | None) -> str:
    if value is None:
        return "?"
    sign = CURRENCY_SIGNS.get(currency or "", "")
    text = f"{value:,.0f}" if value >= 10 else f"{value:.2f}"
    return f"{sign}{text}" if sign or not currency else f"{text} {currency}"


def price_text(profile: dict) -> str:
    low, high = profile.get("price_band") or [None, None]
    currency = profile.get("currency")
    if low is None:
        return ""
    if high is None or money(low, None) == money(high, None):
        return money(low, currency)
    sign = CURRENCY_SIGNS.get(currency or "", "")
    suffix = f" {currency}" if currency and not sign else ""
    return f"{sign}{money(low, None)}–{money(high, None)}{suffix}"


def _log_ratio(a, b) -> float:
    if a is None or b is None or a <= 0 or b <= 0:
        return 0.0
    return abs(math.log(a / b))


def recency_word(profile: dict, overall: dict) -> tuple[str | None, float]:
    seg, all_ = profile["rfm"]["recency_days"], overall["rfm"]["recency_days"]
    if seg is None or all_ is None:
        return None, 0.0
    ratio = (seg + 7) / (all_ + 7)
    word = "recent" if ratio <= RECENT_RATIO else "lapsed" if ratio >= LAPSED_RATIO else None
    return word, abs(math.log(ratio))


def frequency_word(profile: dict, overall: dict) -> tuple[str | None, float]:
    repeat, all_repeat = profile["rfm"]["repeat_share"], overall["rfm"]["repeat_share"]
    frequency, all_frequency = profile["rfm"]["frequency"], overall["rfm"]["frequency"]
    word = None
    if repeat <= 0.2 and repeat <= all_repeat - 0.10:
        word = "one-time"
    elif repeat >= 0.5 and repeat >= all_repeat + 0.15:
        word = "frequent" if frequency >= 2 * all_frequency else "repeat"
    return word, abs(repeat - all_repeat) + _log_ratio(frequency, all_frequency)


def _taste(profile: dict, themes: dict[str, set[str]] | None) -> tuple[str | None, list[str], bool]:
    """The taste words, the attributes they stand for, and whether the words are a theme."""
    distinctive = [a for a in profile.get("top_attributes", []) if a["lift"] >= MIN_LIFT]
    if not distinctive:
        return None, [], False
    top = [a["name"] for a in distinctive[:3]]
    for theme, words in sorted((themes or {}).items()):
        if sum(name in words for name in top) >= min(2, len(top)):
            return theme.lower(), [n for n in top if n in words], True
    used = top[:1]
    if len(distinctive) > 1 and distinctive[1]["lift"] >= 0.75 * distinctive[0]["lift"]:
        used = top[:2]
    return " & ".join(used), used, False


def _markets(profile: dict, overall: dict) -> tuple[list[str], float]:
    over = []
    for market, share in profile.get("markets", {}).items():
        gap = share - overall.get("markets", {}).get(market, 0.0)
        if gap >= MARKET_MARGIN:
            over.append((gap, market))
    over.sort(key=lambda g: (-g[0], g[1]))
    return [m for _, m in over[:2]], (over[0][0] if over else 0.0)


def _price(profile: dict, overall: dict) -> tuple[bool, float]:
    seg, all_ = profile.get("price_median"), overall.get("price_median")
    if not seg or not all_:
        return False, 0.0
    ratio = seg / all_
    return ratio >= PRICE_HIGH_RATIO or ratio <= PRICE_LOW_RATIO, abs(math.log(ratio))


def _spending_word(profile: dict, overall: dict) -> tuple[str | None, float]:
    seg, all_ = profile["rfm"]["monetary"], overall["rfm"]["monetary"]
    if not seg or not all_ or PRICE_LOW_RATIO < seg / all_ < PRICE_HIGH_RATIO:
        return None, 0.0
    return ("high-spending" if seg > all_ else "low-spending"), _log_ratio(seg, all_)


def _compose(words: list[str], taste: str | None, taste_is_theme: bool, parts: list[str]) -> str:
    head = " ".join(w for w in words if w)
    if taste and taste_is_theme:
        core = f"{head} {taste} buyers".strip()
    elif taste:
        core = f"{head} buyers of {taste}".strip()
    elif head:
        core = f"{head} buyers"
    else:
        core = FALLBACK_NAME if not any(parts) else "Buyers"
    core = core[0].upper() + core[1:]
    return " · ".join([core, *[p for p in parts if p]])


class _Name:
    """One segment's name as it grows: its words, taste, parts, and the extras still unused."""

    def __init__(self, profile, overall, themes, use_recency, use_frequency):
        self.profile = profile
        recency, self.recency_score = recency_word(profile, overall)
        frequency, self.frequency_score = frequency_word(profile, overall)
        self.words = [recency if use_recency else None, frequency if use_frequency else None]
        self.taste, used, self.taste_is_theme = _taste(profile, themes)
        markets, market_score = _markets(profile, overall)
        priced, price_score = _price(profile, overall)
        self.parts = ["/".join(markets[:1]) if markets else "", price_text(profile) if priced else ""]
        self.traits = [t for t in (
            ("recency", self.words[0]), ("frequency", self.words[1]), ("taste", self.taste),
            ("market", self.parts[0]), ("price", self.parts[1]),
        ) if t[1]]
        self.extras = self._extras(overall, used, markets, priced, market_score, price_score)

    def _extras(self, overall, used, markets, priced, market_score, price_score):
        profile = self.profile
        extras = []
        if not self.words[0] and recency_word(profile, overall)[0]:
            extras.append((self.recency_score, "recency", recency_word(profile, overall)[0]))
        if not self.words[1] and frequency_word(profile, overall)[0]:
            extras.append((self.frequency_score, "frequency", frequency_word(profile, overall)[0]))
        for attribute in profile.get("top_attributes", []):
            if attribute["name"] not in used and attribute["lift"] > 1.0:
                extras.append((math.log(attribute["lift"]), "attribute", attribute["name"]))
        if len(markets) > 1:
            extras.append((market_score / 2, "market", markets[1]))
        elif not markets and profile.get("markets"):
            extras.append((0.01, "market", next(iter(profile["markets"]))))
        spending, spending_score = _spending_word(profile, overall)
        if spending:
            extras.append((spending_score, "spending", spending))
        if not priced and price_text(profile):
            extras.append((price_score, "price", price_text(profile)))
        category = profile.get("main_category")
        if category:
            share = profile.get("typical_basket", {}).get("categories", {}).get(category, 0.0)
            base = overall.get("typical_basket", {}).get("categories", {}).get(category, 0.0)
            extras.append((abs(share - base), "category", f"{category}"))
        channels = profile.get("acquisition_channels", {})
        channel = next((c for c in channels if c != "unknown"), None)
        if channel:
            gap = channels[channel] - overall.get("acquisition_channels", {}).get(channel, 0.0)
            extras.append((abs(gap), "channel", f"via {channel}"))
        order = {"recency": 0, "frequency": 1, "attribute": 2, "market": 3, "spending": 4, "price": 5, "category": 6,
                 "channel": 7}
        extras.sort(key=lambda e: (-round(e[0], 9), order[e[1]], e[2]))
        rfm = profile["rfm"]
        extras.append((0.0, "figures", f"last order ~{rfm['recency_days']:.0f} days ago, {rfm['frequency']:.1f} orders"))
        extras.append((0.0, "figures", f"avg. spend {money(rfm['monetary'], profile.get('currency'))}"))
        extras.append((0.0, "figures", f"{profile['size']:,} customers"))
        extras.append((0.0, "figures", f"{profile.get('revenue_share') or 0:.2%} of revenue"))
        return extras

    def text(self) -> str:
        return _compose(self.words, self.taste, self.taste_is_theme, self.parts)

    def grow(self, shared: set) -> bool:
        """Add the next most distinguishing trait not in ``shared``; False when there is none left."""
        self.extras = [extra for extra in self.extras if (extra[1], extra[2]) not in shared]
        while self.extras:
            _, kind, value = self.extras.pop(0)
            if kind in ("recency", "frequency"):
                self.words[0 if kind == "recency" else 1] = value
            elif kind == "attribute" and not self.taste_is_theme and self.taste:
                self.taste = f"{self.taste} & {value}"
            elif kind == "attribute" and not self.taste:
                self.taste = value
            elif kind == "spending":
                self.words.append(value)
            else:
                self.parts.append(value)
            self.traits.append((kind, value))
            return True
        return False


def segment_names(profiles: dict[int, dict], overall: dict, *, themes: dict[str, set[str]] | None = None) -> dict[int, dict]:
    """For each segment label: ``{"name": ..., "traits": [{"trait": ..., "text": ...}, ...]}``, names all different."""
    labels = sorted(profiles)
    words = {label: (recency_word(profiles[label], overall)[0], frequency_word(profiles[label], overall)[0]) for label in labels}
    use_recency = len({w[0] for w in words.values()}) > 1
    use_frequency = len({w[1] for w in words.values()}) > 1
    names = {label: _Name(profiles[label], overall, themes, use_recency, use_frequency) for label in labels}
    while True:
        by_text: dict[str, list[int]] = {}
        for label in labels:
            by_text.setdefault(names[label].text(), []).append(label)
        clashes = [group for group in by_text.values() if len(group) > 1]
        if not clashes:
            break
        grown = False
        for group in clashes:
            # A trait every clashing segment would add tells them no further apart: skip it.
            shared = set.intersection(*({(e[1], e[2]) for e in names[label].extras} for label in group))
            for label in group:
                grown = names[label].grow(shared) or grown
        if not grown:
            break
    return {
        label: {
            "name": names[label].text(),
            "traits": [{"trait": kind, "text": value} for kind, value in names[label].traits],
        }
        for label in labels
    }

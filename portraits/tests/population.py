"""Synthetic customers for the portrait kernels: planted segments, and BG/NBD + Gamma-Gamma histories.

Vectorised numpy, seeded: the same arguments give the same frames. Used by the
tests and by ``bench/portraits_kernel.py``; nothing here is presented as data
of a shop.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd

AS_OF = pd.Timestamp("2025-06-01", tz="UTC")
KINDS = ("material", "colour", "pattern", "style")
VOCABULARY = {
    "material": ("linen", "sherpa", "velvet", "cotton", "bamboo"),
    "colour": ("blue grey", "cream", "terracotta", "white", "sage green"),
    "pattern": ("waffle", "plaid", "floral", "plain", "stripe"),
    "style": ("scandi", "classic", "boho", "kids", "minimal"),
}
CATEGORIES = ("blanket", "throw", "duvet cover", "cushion cover", "bath towel")
MARKETS = ("DE", "US", "GB", "FR", "NL")
CHANNELS = ("instagram", "google", "pinterest", "email", "tiktok")


@dataclass(frozen=True)
class PlantedSegment:
    key: str
    taste: tuple[str, str, str, str]  # material, colour, pattern, style
    market: str
    price: float  # typical unit price, base currency
    extra_orders: float  # mean orders after the first
    recency: tuple[int, int]  # days since the last order, uniform in [low, high)
    channel: str
    share: float


PLANTED = (
    PlantedSegment("recent repeat linen DE", ("linen", "blue grey", "waffle", "scandi"), "DE", 120.0, 4.0, (0, 45),
                   "instagram", 0.22),
    PlantedSegment("lapsed one-time sherpa US", ("sherpa", "cream", "plaid", "classic"), "US", 35.0, 0.0, (300, 700),
                   "google", 0.26),
    PlantedSegment("boho GB", ("velvet", "terracotta", "floral", "boho"), "GB", 60.0, 1.5, (90, 240), "pinterest", 0.20),
    PlantedSegment("recent bamboo FR", ("bamboo", "sage green", "stripe", "minimal"), "FR", 85.0, 1.0, (0, 30),
                   "email", 0.17),
    PlantedSegment("lapsed frequent kids NL", ("cotton", "white", "plain", "kids"), "NL", 25.0, 7.0, (250, 500),
                   "tiktok", 0.15),
)


@dataclass
class Population:
    orders: pd.DataFrame
    lines: pd.DataFrame
    product_attributes: pd.DataFrame
    truth: pd.Series  # customer_id -> planted segment index
    crossover: pd.Series  # customer_id -> True for customers who also buy another segment's taste
    as_of: pd.Timestamp


def planted_population(
    n_customers: int,
    *,
    seed: int = 0,
    mean_orders: float | None = None,
    crossover_share: float = 0.08,
    guest_orders: int = 0,
    segments=PLANTED,
) -> Population:
    """Customers of the planted segments, their orders and lines, and the products' attributes.

    Each customer buys mostly (85%) products of their segment's taste, in their
    segment's market (85%) and price level; ``crossover_share`` of them buy half
    of their lines from another segment's products. ``mean_orders`` rescales
    the repeat orders so the population averages that many orders.
    """
    rng = np.random.default_rng(seed)
    g = len(segments)
    shares = np.array([s.share for s in segments])
    extra = np.array([s.extra_orders for s in segments])
    if mean_orders is not None:
        extra = extra * max(mean_orders - 1, 0) / max(float(shares @ extra) / shares.sum(), 1e-9)
    seg = rng.choice(g, size=n_customers, p=shares / shares.sum())
    customer_ids = rng.permutation(n_customers) + 1001
    crossover = rng.random(n_customers) < crossover_share
    other_seg = (seg + rng.integers(1, g, size=n_customers)) % g

    n_orders = 1 + rng.poisson(extra[seg])
    low = np.array([s.recency[0] for s in segments])
    high = np.array([s.recency[1] for s in segments])
    recency = rng.integers(low[seg], high[seg])
    gap = rng.exponential(45.0, size=n_customers) + 5.0
    market_names = list(MARKETS)
    main_market = np.array([market_names.index(s.market) for s in segments])[seg]
    market = np.where(rng.random(n_customers) < 0.85, main_market, rng.integers(0, len(MARKETS), n_customers))

    # Orders: customer c's i-th order is (n_orders - 1 - i) gaps before their last order.
    order_customer = np.repeat(np.arange(n_customers), n_orders)
    start = np.r_[0, np.cumsum(n_orders)[:-1]]
    position = np.arange(len(order_customer)) - start[order_customer]
    as_of_day = AS_OF.value // 86_400_000_000_000
    day = as_of_day - recency[order_customer] - ((n_orders[order_customer] - 1 - position) * gap[order_customer]).astype(int)
    seconds = rng.integers(0, 86_400, size=len(order_customer))
    stamps = (day * 86_400 + seconds) * 1_000_000_000
    stamps = np.minimum(stamps, AS_OF.value - 1)

    # Products: eight per segment carrying its taste (each attribute kept with 80%), plus ten mixed ones.
    per_segment = 8
    n_products = g * per_segment + 10
    product_seg = np.r_[np.repeat(np.arange(g), per_segment), np.full(10, -1)]
    rows = []
    for kind_index, kind in enumerate(KINDS):
        values = np.array(VOCABULARY[kind], dtype=object)
        planted = np.array([list(values).index(s.taste[kind_index]) for s in segments])
        keep = (product_seg >= 0) & (rng.random(n_products) < 0.8)
        chosen = np.where(keep, planted[np.maximum(product_seg, 0)], rng.integers(0, len(values), n_products))
        rows.append(pd.DataFrame({"product_id": np.arange(n_products) + 1, "kind": kind, "value": values[chosen]}))
    rows.append(pd.DataFrame({
        "product_id": np.arange(n_products) + 1, "kind": "category",
        "value": np.array(CATEGORIES, dtype=object)[rng.integers(0, len(CATEGORIES), n_products)],
    }))
    product_attributes = pd.concat(rows, ignore_index=True)
    seg_price = np.array([s.price for s in segments])
    base_price = np.where(product_seg >= 0, seg_price[np.maximum(product_seg, 0)], rng.uniform(20, 130, n_products))
    price = np.round(base_price * rng.lognormal(0.0, 0.1, n_products), 2)

    # Lines: 1 + Poisson(1) per order; own-taste products 85% (50% for crossover customers).
    n_lines = 1 + rng.poisson(1.0, size=len(order_customer))
    line_order = np.repeat(np.arange(len(order_customer)), n_lines)
    line_customer = order_customer[line_order]
    own = rng.random(len(line_order)) < np.where(crossover[line_customer], 0.5, 0.85)
    other = crossover[line_customer] & ~own
    buy_seg = np.where(other, other_seg[line_customer], seg[line_customer])
    product = np.where(
        own | other, buy_seg * per_segment + rng.integers(0, per_segment, len(line_order)), rng.integers(0, n_products, len(line_order))
    )
    quantity = 1 + rng.poisson(0.3, size=len(line_order))
    amount = np.round(quantity * price[product], 2)
    order_amount = np.bincount(line_order, weights=amount, minlength=len(order_customer))

    refunded = np.where(rng.random(len(order_customer)) < 0.05, np.round(order_amount * 0.3, 2), 0.0)
    channel_names = np.array(CHANNELS + ("",), dtype=object)
    planted_channel = np.array([list(CHANNELS).index(s.channel) for s in segments])
    channel = np.where(position == 0, planted_channel[seg[order_customer]], rng.integers(0, len(CHANNELS) + 1, len(position)))
    orders = pd.DataFrame({
        "customer_id": customer_ids[order_customer],
        "order_id": np.arange(len(order_customer)) + 1,
        "placed_at": pd.to_datetime(stamps, utc=True),
        "amount": order_amount,
        "refunded": refunded,
        "returns": (refunded > 0).astype(np.int64),
        "reviews": rng.poisson(0.2, len(order_customer)),
        "market": pd.Categorical(np.array(MARKETS, dtype=object)[market[order_customer]]),
        "channel": pd.Categorical(channel_names[channel]).remove_categories([""]),
    })
    lines = pd.DataFrame({
        "customer_id": customer_ids[line_customer],
        "order_id": line_order + 1,
        "product_id": product + 1,
        "quantity": quantity,
        "amount": amount,
    })
    if guest_orders:
        guests = orders.sample(n=guest_orders, random_state=seed).copy()
        guests["customer_id"] = np.nan
        guests["order_id"] = np.arange(guest_orders) + len(orders) + 1
        orders = pd.concat([orders, guests], ignore_index=True)
    index = pd.Index(customer_ids, name="customer_id")
    return Population(
        orders=orders,
        lines=lines,
        product_attributes=product_attributes,
        truth=pd.Series(seg, index=index, name="planted").sort_index(),
        crossover=pd.Series(crossover, index=index, name="crossover").sort_index(),
        as_of=AS_OF,
    )


def bgnbd_histories(
    n: int, *, r: float, alpha: float, a: float, b: float, p: float, q: float, gamma: float,
    T_range: tuple[float, float], holdout: float = 0.0, seed: int = 0,
) -> pd.DataFrame:
    """(x, t_x, T, m_x) of ``n`` customers simulated from BG/NBD and Gamma-Gamma, and their purchases
    in the ``holdout`` time after T (``holdout_x``).

    Each customer buys at rate λ ~ Gamma(r, scale 1/α) from time 0 (their first
    purchase) to T ~ Uniform(T_range), dropping out after each repeat purchase
    with probability p ~ Beta(a, b); purchase values are Gamma(p, scale 1/ν)
    with ν ~ Gamma(q, scale 1/γ), so a mean of x values is Gamma(p x, scale 1/(ν x)).
    """
    rng = np.random.default_rng(seed)
    T = rng.uniform(*T_range, size=n)
    rate = rng.gamma(r, 1.0 / alpha, size=n)
    drop = rng.beta(a, b, size=n)
    arrivals = rng.poisson(rate * T)
    lifetime_purchases = rng.geometric(drop)  # the repeat purchase after which the customer drops out
    x = np.minimum(arrivals, lifetime_purchases)
    # The x-th of `arrivals` uniform times on (0, T] is T × Beta(x, arrivals - x + 1).
    t_x = np.where(x > 0, T * rng.beta(np.maximum(x, 1), np.maximum(arrivals - x + 1, 1)), 0.0)
    nu = rng.gamma(q, 1.0 / gamma, size=n)
    m_x = np.where(x > 0, rng.gamma(np.maximum(p * x, 1e-9), 1.0 / (nu * np.maximum(x, 1))), np.nan)
    # Still a customer at T when they have not yet made the purchase after which they drop out; the
    # geometric drop-out has no memory, so the holdout is a fresh Poisson count cut at the same purchase.
    alive = arrivals < lifetime_purchases
    later = rng.poisson(rate * holdout)
    holdout_x = np.where(alive, np.minimum(later, lifetime_purchases - x), 0)
    return pd.DataFrame(
        {"x": x, "t_x": t_x, "T": T, "m_x": m_x, "holdout_x": holdout_x}, index=pd.RangeIndex(n, name="customer_id")
    )

"""What the portrait pages show, in a merchandiser's words: labelled figures from a segment's profile and a
run's metrics (both aggregated when the run was stored, so no page reads every membership)."""

from .naming import money, price_text

RFM_LABELS = {"r_score": "recency", "f_score": "frequency", "m_score": "money"}


def pct(value) -> str:
    return "—" if value is None else f"{100 * float(value):.0f}%"


def number(value, digits: int = 1) -> str:
    return "—" if value is None else f"{float(value):,.{digits}f}"


def _top(shares: dict | None, n: int) -> list[tuple[str, str]]:
    return [(name, pct(share)) for name, share in list((shares or {}).items())[:n]]


def segment_card(segment) -> dict:
    """A segment's card: size, money, expected value, RFM profile, markets, taste with lift, price, basket, channels."""
    p = segment.profile or {}
    currency = p.get("currency")
    rfm = p.get("rfm") or {}
    value = p.get("expected_value") or {}
    basket = p.get("typical_basket") or {}
    return {
        "segment": segment,
        "figures": [
            ("Customers", f"{segment.size:,} ({pct(p.get('customer_share'))} of all)"),
            ("Net revenue", f"{money(p.get('revenue'), currency)} ({pct(p.get('revenue_share'))} of all)"),
            ("Expected spend, next 365 days",
             f"{money(value.get('total_value'), currency)} · {money(value.get('value'), currency)} a customer"
             if value else "not modelled (too few repeat customers)"),
            ("Expected orders a customer, next 365 days", number(value.get("purchases"), 2) if value else "—"),
            ("Still active (probability)", pct(value.get("p_alive")) if value else "—"),
        ],
        "rfm": [
            ("Days since last order (median)", number(rfm.get("recency_days"), 0)),
            ("Orders (mean)", number(rfm.get("frequency"), 2)),
            ("Net spend (mean)", money(rfm.get("monetary"), currency)),
            ("Order value (mean)", money(rfm.get("avg_order_value"), currency)),
            ("Repeat customers", pct(rfm.get("repeat_share"))),
            ("R · F · M scores (mean, 1–5)",
             " · ".join(number(rfm.get(key), 1) for key in ("r_score", "f_score", "m_score"))),
        ],
        "rfm_groups": _top(p.get("rfm_groups"), 4),
        "markets": _top(p.get("markets"), 4),
        "attributes": [
            {"name": a["name"], "kind": a.get("kind", ""), "share": pct(a.get("share")),
             "overall": pct(a.get("overall_share")), "lift": number(a.get("lift"), 1)}
            for a in ((x if isinstance(x, dict) else {"name": str(x)}) for x in (p.get("top_attributes") or [])[:5])
        ],
        "price": price_text(p) or "—",
        "price_level": p.get("price_level") or "—",
        "basket": [
            ("Order value (median)", money(basket.get("order_value"), currency)),
            ("Items an order (median)", number(basket.get("items_per_order"), 1)),
            ("Main category", basket.get("main_category") or "—"),
        ],
        "channels": _top(p.get("acquisition_channels"), 3),
        "traits": [t["text"] for t in p.get("traits") or []],
    }


def run_metric_rows(run) -> list[tuple[str, str]]:
    """How the run chose its segments and how far it agrees with the previous run, as labelled rows."""
    metrics = run.metrics or {}
    clustering = metrics.get("clustering") or {}
    rows = []
    if clustering:
        rows += [
            ("Segments chosen", f"{clustering.get('k')} (highest silhouette within k {clustering.get('k_range', ['?', '?'])[0]}"
                                f"–{clustering.get('k_range', ['?', '?'])[-1]})"),
            ("Method", f"{clustering.get('algorithm')}, silhouette on a sample of {clustering.get('sample_size', 0):,} customers "
                       f"(seed {clustering.get('seed')})"),
            ("Silhouette by k", ", ".join(f"k={k}: {v:.3f}" for k, v in (clustering.get("silhouette_by_k") or {}).items())),
            ("Inertia by k (sample)", ", ".join(f"k={k}: {v:,.0f}" for k, v in (clustering.get("inertia_by_k") or {}).items())),
            ("Inertia (all customers)", number(clustering.get("inertia"), 0)),
            ("Segment sizes", ", ".join(f"{s:,}" for s in clustering.get("sizes") or [])),
        ]
    stability = metrics.get("stability")
    if stability:
        ari = stability.get("adjusted_rand_index")
        rows.append(("Agreement with the previous run",
                     f"adjusted Rand index {ari:.3f} on {stability.get('customers_in_both', 0):,} customers in both"
                     if ari is not None else "too few customers in both runs"))
    elif metrics:
        rows.append(("Agreement with the previous run", "no previous run"))
    model = metrics.get("value_model") or {}
    if model.get("error"):
        rows.append(("Customer value model", f"not fitted: {model['error']}"))
    elif model:
        rows.append(("Customer value model", "BG/NBD and Gamma-Gamma, expected orders and spend over the next 365 days"))
    if metrics.get("orders") is not None:
        money_note = "net of refunds, in the base currency" if metrics.get("in_base_currency") else "order totals as the shops gave them"
        rows.append(("Orders read", f"{metrics['orders']:,} ({money_note}, {metrics.get('currency') or '?'})"))
    timings = metrics.get("timings") or {}
    if timings:
        rows.append(("Time taken", ", ".join(f"{stage} {seconds:.2f} s" for stage, seconds in timings.items())))
    return rows

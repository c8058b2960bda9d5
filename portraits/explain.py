"""A portrait run's parameters and a segment's profile as labelled figures with units.

Pure: reads ``PortraitRun.params`` and ``Segment.profile`` (written by ``pipeline.build_portraits``)
and returns (label, text) rows; a key it does not know is left out rather than shown raw.
"""


def _num(value) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _share(value) -> str:
    number = _num(value)
    return "—" if number is None else f"{number:.0%}"


def run_parameters(params: dict) -> list[tuple[str, str]]:
    if not isinstance(params, dict):
        return []
    rows = []
    clustering = params.get("clustering") if isinstance(params.get("clustering"), dict) else {}
    k = params.get("k") or clustering.get("k")
    silhouettes = params.get("silhouette") or clustering.get("silhouette_by_k") or {}
    k_range = params.get("k_range") or clustering.get("k_range")
    if k is not None:
        best = _num(silhouettes.get(str(k))) if isinstance(silhouettes, dict) else None
        tried = f" among {k_range[0]} to {k_range[1]}" if isinstance(k_range, list) and len(k_range) == 2 else ""
        rows.append(("Segments", f"{k}, the number that separates customers best{tried}"
                                  + (f" (silhouette {best:.2f}; 1 is perfectly apart, 0 is overlapping)" if best is not None else "")))
    if _num(params.get("customers")) is not None:
        rows.append(("Customers", f"{params['customers']:,}"))
    if isinstance(params.get("as_of"), str):
        rows.append(("As of", params["as_of"][:10] + " (recency is counted back from this day)"))
    if clustering.get("algorithm"):
        sample = _num(clustering.get("sample_size"))
        rows.append(("Clustering", f"{clustering['algorithm']}" + (f", k chosen on {sample:,.0f} customers" if sample else "")))
    edges = params.get("price_edges")
    if isinstance(edges, list) and len(edges) == 2 and all(_num(e) is not None for e in edges):
        rows.append(("Price bands", f"low under {edges[0]:.2f}, high above {edges[1]:.2f} (mean unit price paid)"))
    value_model = params.get("value_model") if isinstance(params.get("value_model"), dict) else {}
    if _num(value_model.get("horizon_days")) is not None:
        fitted = value_model.get("gamma_gamma") if isinstance(value_model.get("gamma_gamma"), dict) else {}
        rows.append(("Expected value", f"over the next {value_model['horizon_days']:.0f} days, by BG/NBD and Gamma-Gamma"
                                       + (f" (spend fitted on {fitted['customers']:,} repeat customers)" if fitted.get("customers") else "")))
    if _num(params.get("min_support")) is not None:
        rows.append(("Attribute support", f"an attribute describes a segment when at least {_share(params['min_support'])} of it bought it"))
    return rows


def segment_profile_facts(profile: dict) -> list[tuple[str, str]]:
    if not isinstance(profile, dict):
        return []
    rows = []
    currency = profile.get("currency") or ""
    if _num(profile.get("size")) is not None:
        rows.append(("Customers", f"{profile['size']:,.0f} ({_share(profile.get('customer_share'))} of all)"))
    if _num(profile.get("revenue")) is not None:
        rows.append(("Revenue", f"{profile['revenue']:,.0f} {currency} ({_share(profile.get('revenue_share'))} of all)".strip()))
    rfm = profile.get("rfm") if isinstance(profile.get("rfm"), dict) else profile  # older runs kept them on top
    if _num(rfm.get("recency_days")) is not None:
        rows.append(("Last order", f"{rfm['recency_days']:.0f} days ago on average"))
    if _num(rfm.get("frequency")) is not None:
        rows.append(("Orders per customer", f"{rfm['frequency']:.1f}" + (f" ({_share(rfm.get('repeat_share'))} ordered again)" if _num(rfm.get('repeat_share')) is not None else "")))
    if _num(rfm.get("monetary")) is not None:
        rows.append(("Spend per customer", f"{rfm['monetary']:,.0f} {currency}".strip()))
    if _num(rfm.get("avg_order_value")) is not None:
        rows.append(("Order value", f"{rfm['avg_order_value']:,.0f} {currency}".strip()))
    groups = profile.get("rfm_groups")
    if isinstance(groups, dict) and groups:
        top = sorted(((name, share) for name, share in groups.items() if _num(share)), key=lambda g: -g[1])[:3]
        rows.append(("RFM groups", ", ".join(f"{name} {_share(share)}" for name, share in top)))
    markets = profile.get("markets")
    if isinstance(markets, dict) and markets:
        rows.append(("Markets", ", ".join(f"{m} {_share(s)}" for m, s in sorted(markets.items(), key=lambda i: -(_num(i[1]) or 0)))))
    attributes = profile.get("top_attributes")
    if isinstance(attributes, list) and attributes:
        rows.append(("Bought for", ", ".join(
            a if isinstance(a, str) else
            f"{a['name']} ({_share(a.get('share'))} of them, ×{_num(a.get('lift')) or 0:.1f} the average)"
            for a in attributes if isinstance(a, str) or (isinstance(a, dict) and a.get("name"))
        )))
    band = profile.get("price_band")
    if isinstance(band, list) and len(band) == 2 and all(_num(v) is not None for v in band):
        rows.append(("Price band", f"{band[0]:.2f}–{band[1]:.2f} {currency}".strip()
                                   + (f", {profile['price_level']}" if isinstance(profile.get("price_level"), str) else "")))
    value = profile.get("expected_value") if isinstance(profile.get("expected_value"), dict) else {}
    if _num(value.get("value")) is not None:
        rows.append(("Expected value", f"{value['value']:,.0f} {currency} per customer over {value.get('horizon_days', 365):.0f} days"
                                       + (f" ({_num(value.get('purchases')) or 0:.1f} purchases)" if _num(value.get('purchases')) is not None else "")))
    return rows

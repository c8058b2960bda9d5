from decimal import Decimal

from django import forms

from analysis.models import Opportunity


def bootstrap_form(form: forms.Form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, (forms.CheckboxInput, forms.RadioSelect)):
            continue
        widget.attrs.setdefault("class", "form-select" if isinstance(widget, forms.Select) else "form-control")


def parse_markets(text: str) -> list[str]:
    markets = [m.strip().upper() for m in (text or "").replace(";", ",").split(",") if m.strip()]
    bad = [m for m in markets if len(m) > 12 or not m.isalnum()]
    if bad:
        raise forms.ValidationError(f"{bad[0]!r} is not a market code (US, GB, DE…).")
    return list(dict.fromkeys(markets))


class ConceptFromOpportunityForm(forms.Form):
    opportunity = forms.ModelChoiceField(queryset=Opportunity.objects.none(), label="Opportunity")
    markets = forms.CharField(required=False, label="More target markets", help_text="Comma-separated, e.g. GB, DE.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opportunity"].queryset = Opportunity.objects.select_related("cycle").order_by("-cycle__number", "rank")
        self.fields["opportunity"].label_from_instance = lambda o: f"cycle {o.cycle.number} · #{o.rank} {o.title} ({o.score:.0f})"
        bootstrap_form(self)

    def clean_markets(self):
        return parse_markets(self.cleaned_data["markets"])


class ConceptCostingForm(forms.Form):
    hs_code = forms.RegexField(regex=r"^\d{4}(\.?\d{2}){0,3}$", max_length=12, label="HS code",
                               error_messages={"invalid": "An HS code is 4–10 digits, e.g. 6301.40."})
    unit_weight_kg = forms.DecimalField(min_value=Decimal("0"), max_value=Decimal("1000"), decimal_places=3, label="Packed weight (kg)")
    unit_volume_m3 = forms.DecimalField(min_value=Decimal("0"), max_value=Decimal("10"), decimal_places=5, label="Carton volume (m³)")
    fixed_costs = forms.DecimalField(min_value=Decimal("0"), max_digits=10, decimal_places=2, label="Fixed costs to recover")
    market_prices = forms.CharField(
        required=False, label="Retail price per market",
        help_text="MARKET=price in that market's currency, comma-separated, e.g. DE=54.99, GB=44.99"
    )

    def __init__(self, *args, markets: list[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.markets = markets or []
        bootstrap_form(self)

    def clean_market_prices(self):
        prices = {}
        for part in (self.cleaned_data["market_prices"] or "").split(","):
            if not part.strip():
                continue
            market, sep, price = part.partition("=")
            market = market.strip().upper()
            if not sep or market not in self.markets:
                raise forms.ValidationError(f"{part.strip()!r}: write MARKET=price for one of {', '.join(self.markets)}.")
            try:
                value = Decimal(price.strip())
            except Exception:
                raise forms.ValidationError(f"{part.strip()!r}: {price.strip()!r} is not a price.")
            if not value.is_finite() or value <= 0 or value >= Decimal("100000000"):
                raise forms.ValidationError(f"{part.strip()!r}: the price must be positive.")
            prices[market] = str(value.quantize(Decimal("0.01")))
        return prices


class ComplianceCheckForm(forms.Form):
    evidence_note = forms.CharField(required=False, max_length=4000, label="Evidence note",
                                    widget=forms.Textarea(attrs={"rows": 2}))
    evidence_file = forms.FileField(required=False, label="Evidence file")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap_form(self)


class ConceptMarketMixForm(forms.Form):
    """One percent field per target market × variant: ``mix__<market>__<variant id>``."""

    def __init__(self, *args, concept, **kwargs):
        super().__init__(*args, **kwargs)
        self.concept = concept
        self.variants = list(concept.variants.order_by("sku"))
        self.markets = list(concept.target_markets)
        for market in self.markets:
            current = (concept.market_mix or {}).get(market, {})
            for variant in self.variants:
                self.fields[f"mix__{market}__{variant.pk}"] = forms.DecimalField(
                    min_value=Decimal("0"), max_value=Decimal("100"), decimal_places=1, max_digits=4,
                    label=f"{market} · {variant}", initial=round(100 * current.get(variant.sku, 0), 1),
                )
        bootstrap_form(self)

    def rows(self):
        """(variant, [bound field per market]) for a table with markets as columns."""
        return [(v, [self[f"mix__{m}__{v.pk}"] for m in self.markets]) for v in self.variants]

    def mix(self) -> dict[str, dict[str, Decimal]]:
        return {
            m: {v.sku: self.cleaned_data[f"mix__{m}__{v.pk}"] for v in self.variants} for m in self.markets
        }

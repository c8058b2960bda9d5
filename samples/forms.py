from django import forms

from design.models import Concept

from .services import COMMENT_MAX, QTY_MAX

SCORE_CHOICES = [
    (1, "1 · Would not sell"),
    (2, "2 · Weak"),
    (3, "3 · Could work"),
    (4, "4 · Strong"),
    (5, "5 · Would order now"),
]


class VoteForm(forms.Form):
    """The buyer's vote on the public page; the variants and markets come from the sample's concept."""

    score = forms.TypedChoiceField(choices=SCORE_CHOICES, coerce=int, widget=forms.RadioSelect, label="Your score")
    preferred_variant = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="No preference", label="Preferred variant"
    )
    market = forms.ChoiceField(required=False, label="Market you would sell it in")
    would_order_qty = forms.IntegerField(
        min_value=0, max_value=QTY_MAX, initial=0, label="Units you would order",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    acceptable_price = forms.DecimalField(
        min_value=0.01, max_digits=10, decimal_places=2, required=False,
        label="Wholesale price you would accept (per unit)",
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
    )
    comment = forms.CharField(
        required=False, max_length=COMMENT_MAX, label="Comment",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, concept: Concept, buyer_markets: list[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["preferred_variant"].queryset = concept.variants.order_by("sku")
        markets = list(dict.fromkeys([*(concept.target_markets or []), *(buyer_markets or [])]))
        if markets:
            self.fields["market"].choices = [("", "—")] + [(m, m) for m in markets]
        else:
            del self.fields["market"]
        self.fields["acceptable_price"].label = f"Wholesale price you would accept ({concept.currency} per unit)"
        for name, field in self.fields.items():
            if not isinstance(field.widget, forms.RadioSelect):
                css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
                field.widget.attrs.setdefault("class", css)

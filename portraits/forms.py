from django import forms

from design.forms import bootstrap_form


def _words(text: str) -> list[str]:
    return [w.strip() for w in text.replace("\n", ",").split(",") if w.strip()]


class BriefForm(forms.Form):
    """A brief as the merchandiser edits it: lists as comma-separated words."""

    attributes = forms.CharField(required=False, help_text="Comma-separated attribute names.")
    markets = forms.CharField(required=False, help_text="Comma-separated market codes (US, GB, ...).")
    keywords = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}),
                               help_text="Keywords to watch in the next cycle, comma- or line-separated.")
    price_low = forms.DecimalField(min_value=0, max_digits=10, decimal_places=2)
    price_high = forms.DecimalField(min_value=0, max_digits=10, decimal_places=2)
    text = forms.CharField(required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap_form(self)

    @classmethod
    def for_brief(cls, brief) -> "BriefForm":
        return cls(initial={
            "attributes": ", ".join(brief.attributes), "markets": ", ".join(brief.markets),
            "keywords": ", ".join(brief.keywords), "price_low": brief.price_low, "price_high": brief.price_high,
            "text": brief.text,
        })

    def changes(self) -> dict:
        data = self.cleaned_data
        return {
            "attributes": _words(data["attributes"]), "markets": _words(data["markets"]),
            "keywords": _words(data["keywords"]), "price_low": data["price_low"], "price_high": data["price_high"],
            "text": data["text"],
        }


class BriefMergeForm(forms.Form):
    into = forms.TypedChoiceField(coerce=int, label="Merge into")

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].choices = list(choices)
        bootstrap_form(self)

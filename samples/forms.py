from django import forms
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy as _, ngettext, pgettext_lazy

from core.files import MaxUploadSize
from design.forms import bootstrap_form
from design.models import Concept

from .images import PHOTO_MAX_BYTES
from .importers import MAX_BYTES as PANEL_MAX_BYTES
from .languages import buyer_money, buyer_number
from .models import BuyerPanel, VoteRound
from .services import COMMENT_MAX, QTY_MAX

SCORE_CHOICES = [
    (1, _("1 · Would not sell")),
    (2, _("2 · Weak")),
    (3, _("3 · Could work")),
    (4, _("4 · Strong")),
    (5, _("5 · Would order now")),
]
NO_CHOICE = pgettext_lazy("no answer chosen", "—")


class VoteForm(forms.Form):
    """The buyer's vote on the public page, in the order a buyer answers on a phone:
    score and quantity first, then price, variant, market and comment.

    Build it in the buyer's language (the page activates it): the labels are
    translated and the terms formatted for that language. The variants and
    markets come from the sample's concept, the price asked and the minimum order
    from the round's terms (``selectors.round_buyer_terms``).
    """

    score = forms.TypedChoiceField(choices=SCORE_CHOICES, coerce=int, widget=forms.RadioSelect, label=_("Your score"))
    would_order_qty = forms.IntegerField(
        min_value=0, max_value=QTY_MAX, initial=0, label=_("Units you would order"),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    acceptable_price = forms.DecimalField(
        min_value=0.01, max_digits=10, decimal_places=2, required=False,
        label=_("Wholesale price you would accept (per unit)"),
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
    )
    preferred_variant = forms.ModelChoiceField(
        queryset=None, required=False, empty_label=_("No preference"), label=_("Preferred variant")
    )
    market = forms.ChoiceField(required=False, label=_("Market you would sell it in"))
    comment = forms.CharField(
        required=False, max_length=COMMENT_MAX, label=_("Comment"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self,
        *args,
        concept: Concept,
        buyer_markets: list[str] | None = None,
        questions: list[dict] | None = None,
        terms: dict | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.question_keys = []
        for question in questions or []:
            key = question["key"]
            self.question_keys.append(key)
            if question.get("choices"):
                self.fields[key] = forms.ChoiceField(
                    required=False, label=question["label"],
                    choices=[("", NO_CHOICE)] + [(c, c) for c in question["choices"]],
                )
            else:
                self.fields[key] = forms.CharField(required=False, max_length=500, label=question["label"])
        self.fields["preferred_variant"].queryset = concept.variants.order_by("sku")
        markets = list(dict.fromkeys([*(concept.target_markets or []), *(buyer_markets or [])]))
        if markets:
            self.fields["market"].choices = [("", NO_CHOICE)] + [(m, m) for m in markets]
        else:
            del self.fields["market"]
        # Built in the language the page has activated: the terms are formatted for the buyer.
        terms = terms or {}
        if terms.get("currency"):
            self.fields["acceptable_price"].label = gettext("Wholesale price you would accept (%(currency)s per unit)") % {
                "currency": terms["currency"]
            }
        if terms.get("wholesale_price") is not None:
            self.fields["acceptable_price"].help_text = gettext("We ask %(price)s per unit.") % {
                "price": buyer_money(terms["wholesale_price"], terms["currency"])
            }
        if terms.get("min_order_qty"):
            self.fields["would_order_qty"].help_text = ngettext(
                "Minimum order: %(quantity)s unit.", "Minimum order: %(quantity)s units.", terms["min_order_qty"]
            ) % {"quantity": buyer_number(terms["min_order_qty"])}
        for name, field in self.fields.items():
            if not isinstance(field.widget, forms.RadioSelect):
                css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
                field.widget.attrs.setdefault("class", css)

    def answers(self) -> dict:
        return {k: self.cleaned_data.get(k) or "" for k in self.question_keys}

    def error_summary(self) -> list[dict]:
        """One entry per error for the summary at the top of the page: the field's label, the
        message and the id of the input to jump to (the first option of a choice of radios)."""
        items = [{"anchor": "", "label": "", "message": str(e)} for e in self.non_field_errors()]
        for name, field in self.fields.items():
            bound = self[name]
            anchor = f"{bound.auto_id}_0" if isinstance(field.widget, forms.RadioSelect) else bound.auto_id
            items += [{"anchor": anchor, "label": str(bound.label), "message": str(e)} for e in bound.errors]
        return items


# --- merchandiser forms -------------------------------------------------------


class SampleVersionForm(forms.Form):
    spec = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), max_length=10000, label="Specification")
    change_notes = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, label="Changes from the previous version"
    )
    photo = forms.FileField(
        required=False, label="Photo (JPEG, PNG or WebP, up to 8 MB)", validators=[MaxUploadSize(PHOTO_MAX_BYTES)]
    )
    caption = forms.CharField(required=False, max_length=160, label="Photo caption")

    def __init__(self, *args, previous=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.previous = previous
        if previous is None:
            del self.fields["change_notes"]
        else:
            self.fields["change_notes"].required = True
        bootstrap_form(self)


class SamplePhotoForm(forms.Form):
    photo = forms.FileField(label="Photo (JPEG, PNG or WebP, up to 8 MB)", validators=[MaxUploadSize(PHOTO_MAX_BYTES)])
    caption = forms.CharField(required=False, max_length=160, label="Caption")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap_form(self)


class PanelImportForm(forms.Form):
    name = forms.CharField(max_length=120, label="Panel name")
    file = forms.FileField(
        label="CSV file (name, email, company, country, markets, language)", validators=[MaxUploadSize(PANEL_MAX_BYTES)]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap_form(self)


def parse_questions(text: str) -> list[dict]:
    """One question per line; "Label | choice; choice" gives a choice question."""
    questions = []
    for line_no, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        label, _, choices = line.partition("|")
        if not label.strip():
            raise forms.ValidationError(f"Line {line_no}: the question has no text before “|”.")
        questions.append({"label": label.strip(), "choices": [c.strip() for c in choices.split(";") if c.strip()]})
    return questions


class RoundOpenForm(forms.Form):
    panel = forms.ModelChoiceField(queryset=BuyerPanel.objects.none(), label="Buyer panel")
    opens_at = forms.DateTimeField(label="Opens", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))
    closes_at = forms.DateTimeField(label="Closes", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))
    questions = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label="Custom questions",
        help_text="One per line. “Which fill weight? | 1.5 kg; 2.5 kg” offers choices; a line without | asks for text.",
    )
    reminder_hours = forms.CharField(
        required=False, initial="72, 24", label="Reminders (hours before close)",
        help_text="Buyers who have not voted get a reminder at each of these times.",
    )
    wholesale_price = forms.DecimalField(
        required=False, min_value=0.01, max_digits=10, decimal_places=2, label="Wholesale price asked (per unit)",
        help_text="Shown to the buyers; their acceptable prices are compared with it. "
        "Empty: the planned wholesale price from the concept's retail target.",
    )
    min_order_qty = forms.IntegerField(required=False, min_value=1, label="Minimum order (units per buyer)")
    lead_time_days = forms.IntegerField(
        required=False, min_value=0, max_value=730, label="Lead time (days from order to shipment)"
    )

    def __init__(self, *args, concept: Concept | None = None, planned_wholesale=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["panel"].queryset = BuyerPanel.objects.order_by("name")
        if concept is not None:
            self.fields["wholesale_price"].label = f"Wholesale price asked ({concept.currency} per unit)"
        if planned_wholesale is not None:
            self.fields["wholesale_price"].widget.attrs["placeholder"] = str(planned_wholesale)
            self.fields["wholesale_price"].help_text = (
                "Shown to the buyers; their acceptable prices are compared with it. "
                f"Empty: the planned wholesale price, {planned_wholesale} from the retail target."
            )
        bootstrap_form(self)

    def clean_questions(self):
        return parse_questions(self.cleaned_data["questions"])

    def clean_reminder_hours(self):
        parts = [p.strip() for p in (self.cleaned_data["reminder_hours"] or "").replace(";", ",").split(",") if p.strip()]
        try:
            return [int(p) for p in parts]
        except ValueError:
            raise forms.ValidationError("Write whole hours separated by commas, e.g. 72, 24.")

    def clean(self):
        data = super().clean()
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", "The round must close after it opens.")
        elif closes and closes <= timezone.now():
            self.add_error("closes_at", "The closing time is already in the past.")
        return data


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=VoteRound.Decision.choices[1:], widget=forms.RadioSelect, label="Decision")
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=4000, label="Note")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap_form(self)

from django import forms
from django.utils import timezone

from core.files import MaxUploadSize
from design.forms import bootstrap_form
from design.models import Concept

from .images import PHOTO_MAX_BYTES
from .importers import MAX_BYTES as PANEL_MAX_BYTES
from .models import BuyerPanel, VoteRound
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

    def __init__(self, *args, concept: Concept, buyer_markets: list[str] | None = None, questions: list[dict] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.question_keys = []
        for question in questions or []:
            key = question["key"]
            self.question_keys.append(key)
            if question.get("choices"):
                self.fields[key] = forms.ChoiceField(
                    required=False, label=question["label"],
                    choices=[("", "—")] + [(c, c) for c in question["choices"]],
                )
            else:
                self.fields[key] = forms.CharField(required=False, max_length=500, label=question["label"])
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


    def answers(self) -> dict:
        return {k: self.cleaned_data.get(k) or "" for k in self.question_keys}


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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["panel"].queryset = BuyerPanel.objects.order_by("name")
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

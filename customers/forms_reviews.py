from django import forms

from core.dashboard.forms import MultipleFileField
from core.files import MaxUploadSize

from .importers.reviews import FORMATS, MAX_FILE_BYTES
from .models import ReviewColumnMapping

FORMAT_LABELS = {
    "shopify": "Shopify Product Reviews export",
    "judgeme": "Judge.me export",
    "amazon": "Amazon review export (review_id, product_id, star_rating… tab-separated)",
    "generic": "Other CSV, read with a saved column mapping",
}


class ReviewUploadForm(forms.Form):
    format = forms.ChoiceField(choices=[(f, FORMAT_LABELS[f]) for f in FORMATS])
    mapping = forms.ModelChoiceField(
        queryset=ReviewColumnMapping.objects.order_by("name"), required=False, empty_label="— none —",
        help_text="For “Other CSV”: which column holds which fact.",
    )
    files = MultipleFileField(
        accept=".csv,.tsv,.txt,text/csv", validators=[MaxUploadSize(MAX_FILE_BYTES)],
        help_text="Several files of the same format at once; each is imported whole or not at all.",
    )


class ReviewMappingForm(forms.Form):
    """A column mapping: a header for each fact; ``sample`` is a file whose header and first rows are shown."""

    name = forms.CharField(max_length=80, required=False)
    rating_scale = forms.TypedChoiceField(
        choices=ReviewColumnMapping._meta.get_field("rating_scale").choices, coerce=int, initial=5, required=False,
        empty_value=5,
    )
    sample = forms.FileField(required=False, validators=[MaxUploadSize(MAX_FILE_BYTES)],
                             help_text="A file of this shape, to see its columns and first rows.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        required = set(ReviewColumnMapping.REQUIRED)
        for field in ReviewColumnMapping.FIELDS:
            self.fields[f"col_{field}"] = forms.CharField(
                max_length=120, required=False, label=field.replace("_", " "),
                help_text="needed" if field in required else "",
            )

    def columns(self) -> dict[str, str]:
        return {field: self.cleaned_data.get(f"col_{field}", "") for field in ReviewColumnMapping.FIELDS}

from django import forms

from design.models import Concept, Variant

from .models import Product


class ProductMapForm(forms.Form):
    """Map a product to a variant (and its concept) or to a concept alone; ``how`` says whether the
    merchandiser accepted a suggestion or chose."""

    variant = forms.ModelChoiceField(
        queryset=Variant.objects.select_related("concept").order_by("sku"), required=False,
        empty_label="— no variant —",
    )
    concept = forms.ModelChoiceField(
        queryset=Concept.objects.order_by("-cycle__number", "name"), required=False, empty_label="— no concept —",
        help_text="Only when the product is none of the concept's variants.",
    )
    how = forms.ChoiceField(
        choices=[(Product.MappedBy.MANUAL, "chosen"), (Product.MappedBy.SUGGESTION, "suggestion")],
        initial=Product.MappedBy.MANUAL, widget=forms.HiddenInput,
    )

    def clean(self):
        data = super().clean()
        if not data.get("variant") and not data.get("concept"):
            raise forms.ValidationError("Choose a variant or a concept.")
        return data

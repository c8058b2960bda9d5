from django import forms
from django.contrib import admin

from .models import Attribute, AttributeEvidence, Opportunity


class SynonymsField(forms.CharField):
    """The lexicon's synonyms edited as one comma-separated line."""

    def prepare_value(self, value):
        if isinstance(value, (list, tuple)):
            return ", ".join(value)
        return value

    def to_python(self, value):
        value = super().to_python(value)
        seen, terms = set(), []
        for term in (part.strip() for part in value.split(",")):
            if term and term.lower() not in seen:
                seen.add(term.lower())
                terms.append(term)
        return terms


class AttributeForm(forms.ModelForm):
    synonyms = SynonymsField(required=False, help_text="Comma-separated: other spellings and plurals.")

    class Meta:
        model = Attribute
        fields = ("kind", "name", "synonyms")


@admin.register(Attribute)
class AttributeAdmin(admin.ModelAdmin):
    form = AttributeForm
    list_display = ("name", "kind", "synonym_list")
    list_filter = ("kind",)
    search_fields = ("name", "synonyms")

    @admin.display(description="synonyms")
    def synonym_list(self, obj):
        return ", ".join(obj.synonyms or [])


@admin.register(Opportunity)
class OpportunityAdmin(admin.ModelAdmin):
    list_display = ("rank", "category", "market", "attribute_names", "score", "cycle", "is_demo")
    list_display_links = ("rank", "category")
    list_filter = ("cycle", "market", "category", "is_demo")
    search_fields = ("key", "category", "market", "attributes__name")
    list_select_related = ("cycle",)
    autocomplete_fields = ("cycle", "attributes", "hotspots")
    readonly_fields = ("created_at",)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("attributes")

    @admin.display(description="attributes")
    def attribute_names(self, obj):
        return ", ".join(a.name for a in obj.attributes.all())


@admin.register(AttributeEvidence)
class AttributeEvidenceAdmin(admin.ModelAdmin):
    """Read-only: customers hands the rows over through ``review_evidence_replace``."""

    list_display = ("attribute", "kind", "count", "category", "market", "cycle", "is_demo")
    list_filter = ("source", "kind", "market", "is_demo")
    search_fields = ("attribute__name", "category")
    list_select_related = ("attribute", "cycle")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

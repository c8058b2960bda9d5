"""Dashboard input shapes of link 6; the rules live in promotion's services."""

from django import forms

from production.models import ProductionOrder
from samples.models import Sample

from .models import Channel, Publisher

_DATE = forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")
_LOCAL = forms.DateTimeInput(attrs={"type": "datetime-local", "class": "form-control"}, format="%Y-%m-%dT%H:%M")


def _control(field: forms.Field) -> forms.Field:
    if not isinstance(field.widget, (forms.CheckboxInput, forms.CheckboxSelectMultiple)):
        field.widget.attrs.setdefault("class", "form-control")
    return field


class CampaignPlanForm(forms.Form):
    name = forms.CharField(max_length=160)
    market = forms.CharField(max_length=12, help_text="Two-letter country code: US, DE, GB.")
    time_zone = forms.CharField(max_length=64, required=False,
                                help_text="Dates and post times are on this clock; empty: the market's own zone.")
    starts_on = forms.DateField(widget=_DATE)
    ends_on = forms.DateField(widget=_DATE, required=False)
    channels = forms.MultipleChoiceField(choices=Channel.choices, widget=forms.CheckboxSelectMultiple)
    budget = forms.DecimalField(max_digits=12, decimal_places=2, min_value=0, required=False)
    currency = forms.CharField(max_length=3, required=False, help_text="Empty: the market's currency.")
    publisher = forms.ChoiceField(choices=Publisher.choices, initial=Publisher.WEBHOOK)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            _control(field)


class CampaignCreateForm(CampaignPlanForm):
    source = forms.ChoiceField(label="Promotes", help_text="A batch in production, or a confirmed sample sold ahead of its batch.")
    suggest_posts = forms.BooleanField(required=False, initial=True, label="Draft one post per channel with suggested copy")

    field_order = ["source", "name", "market", "time_zone", "starts_on", "ends_on", "channels", "budget", "currency",
                   "publisher", "suggest_posts"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        orders = (ProductionOrder.objects.exclude(status__in=[ProductionOrder.Status.CANCELLED, ProductionOrder.Status.DECLINED])
                  .select_related("sample__concept").order_by("-id")[:200])
        samples = Sample.objects.filter(status=Sample.Status.CONFIRMED).select_related("concept").order_by("-id")[:200]
        self.fields["source"].choices = [("", "—")] + [
            (f"order:{o.pk}", f"Batch {o.reference} · {o.sample.concept.name}") for o in orders
        ] + [(f"sample:{s.pk}", f"Confirmed sample · {s.concept.name} v{s.version}") for s in samples]

    def clean_source(self):
        kind, _, pk = self.cleaned_data["source"].partition(":")
        model = {"order": ProductionOrder, "sample": Sample}.get(kind)
        found = model.objects.filter(pk=pk).first() if model and pk.isdigit() else None
        if found is None:
            raise forms.ValidationError("Choose a batch or a confirmed sample.")
        return found


class PostForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), max_length=70_000)
    hashtags = forms.CharField(required=False, max_length=4000, help_text="Separated by spaces or commas; # optional.")
    scheduled_local = forms.DateTimeField(label="Goes out at", widget=_LOCAL, input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    media = forms.FileField(required=False, help_text="An image (JPEG, PNG, GIF, WEBP) or a video (MP4, MOV).")
    remove_media = forms.BooleanField(required=False, label="Take the media off")

    def __init__(self, *args, time_zone: str = "UTC", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scheduled_local"].help_text = f"On the market's clock ({time_zone})."
        for field in self.fields.values():
            _control(field)


class PostCreateForm(PostForm):
    channel = forms.ChoiceField(choices=Channel.choices)
    field_order = ["channel", "text", "hashtags", "scheduled_local", "media"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["remove_media"]
        _control(self.fields["channel"])


class TrackedLinkForm(forms.Form):
    destination_url = forms.URLField(max_length=500, assume_scheme="https", label="Product page")
    utm_source = forms.CharField(max_length=40)
    utm_medium = forms.CharField(max_length=40)
    utm_campaign = forms.CharField(max_length=80)
    utm_content = forms.CharField(max_length=80, required=False)
    utm_term = forms.CharField(max_length=80, required=False, help_text="The design (concept) the link promotes.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            _control(field)


class ReasonForm(forms.Form):
    reason = forms.CharField(max_length=2000, widget=forms.TextInput(attrs={"class": "form-control"}))


class BulkExportForm(forms.Form):
    channel = forms.ChoiceField(choices=Channel.choices)

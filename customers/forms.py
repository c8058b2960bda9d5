import json

from django import forms

from core.dashboard.forms import MultipleFileField
from core.files import MaxUploadSize

from .importers import FORMATS, MAX_FILE_BYTES
from .models import OrderColumnMapping

FIELD_LABELS = {
    "order_id": "Order id", "placed_at": "Order date", "customer_id": "Customer id", "email": "Customer email",
    "name": "Customer name", "currency": "Currency", "market": "Country (market)", "status": "Order status",
    "cancelled_at": "Cancelled at", "subtotal": "Subtotal", "discount": "Order discount", "shipping": "Shipping",
    "taxes": "Taxes", "total": "Order total", "refunded": "Refunded amount", "accepts_marketing": "Accepts marketing",
    "landing_url": "Landing page (path and utm_* kept)", "referring_site": "Referring site (origin kept)",
    "sku": "SKU", "title": "Product name", "quantity": "Quantity", "price": "Price",
    "line_discount": "Line discount", "category": "Category", "attributes": "Attributes (separated by ;)",
}
FORMAT_LABELS = {
    "shopify": "Shopify orders export", "amazon": "Amazon order report (All Orders or seller-fulfilled)",
    "woocommerce": "WooCommerce orders export", "generic": "Generic CSV (order_id, customer_id, email, ...)",
}


class OrderUploadForm(forms.Form):
    files = MultipleFileField(
        accept=".csv,.tsv,.txt,text/csv,text/tab-separated-values", validators=[MaxUploadSize(MAX_FILE_BYTES)],
        help_text="Shop order exports; several at once (an orders file and its items file together for a two-file mapping).",
    )
    format = forms.ChoiceField(choices=[(f, FORMAT_LABELS[f]) for f in FORMATS], initial="shopify")
    mapping = forms.ModelChoiceField(
        queryset=OrderColumnMapping.objects.order_by("name"), required=False, empty_label="— none: the format above —",
        help_text="Read the files through a saved column mapping instead of a shop's own format.",
    )
    partial = forms.BooleanField(
        required=False, label="Import the good rows and list the rest",
        help_text="Without it, a file with any bad row stores nothing.",
    )
    currency = forms.CharField(max_length=3, required=False, help_text="For files without a currency column (e.g. EUR).")
    market = forms.CharField(max_length=2, required=False, help_text="Country for orders whose file gives none (e.g. DE).")

    def clean_currency(self):
        value = self.cleaned_data["currency"].strip().upper()
        if value and not (len(value) == 3 and value.isascii() and value.isalpha()):
            raise forms.ValidationError("A three-letter currency code, e.g. EUR.")
        return value

    def clean_market(self):
        value = self.cleaned_data["market"].strip().upper()
        if value and not (len(value) == 2 and value.isascii() and value.isalpha()):
            raise forms.ValidationError("A two-letter country code, e.g. DE.")
        return value


class ConsentForm(forms.Form):
    consent = forms.TypedChoiceField(
        choices=[("yes", "agrees to marketing"), ("no", "does not agree")], coerce=lambda v: v == "yes",
        widget=forms.RadioSelect, label="Marketing consent",
    )
    note = forms.CharField(max_length=300, required=False, help_text="How the customer said so (optional).")


class EraseForm(forms.Form):
    confirm = forms.CharField(max_length=20, help_text="Type ERASE to confirm: name, email and id at the shop are removed for good.")
    reason = forms.CharField(max_length=300, required=False)

    def clean_confirm(self):
        if self.cleaned_data["confirm"].strip() != "ERASE":
            raise forms.ValidationError("Type ERASE to confirm.")
        return "ERASE"


class MappingSampleForm(forms.Form):
    sample = forms.FileField(validators=[MaxUploadSize(MAX_FILE_BYTES)], help_text="An export of the marketplace.")
    items_sample = forms.FileField(
        required=False, validators=[MaxUploadSize(MAX_FILE_BYTES)],
        help_text="Its items file, when the marketplace exports items apart from orders.",
    )


def _header_choices(headers: list[str]) -> list[tuple[str, str]]:
    return [("", "—")] + [(h, h) for h in headers]


class MappingForm(forms.ModelForm):
    """The fields of a mapping and, for each order (and line) field, the header that holds it."""

    sample_headers = forms.CharField(widget=forms.HiddenInput)
    sample_item_headers = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = OrderColumnMapping
        fields = [
            "name", "platform", "date_format", "decimal_comma", "price_is_line_total", "default_currency",
            "default_market", "cancelled_values", "refunded_values", "pending_values",
        ]

    def __init__(self, *args, headers: list[str], item_headers: list[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.header_list, self.item_header_list = headers, item_headers or []
        self.fields["sample_headers"].initial = json.dumps(headers)
        self.fields["sample_item_headers"].initial = json.dumps(self.item_header_list)
        existing = self.instance.columns if self.instance.pk else {}
        existing_items = self.instance.item_columns if self.instance.pk else {}
        order_fields = list(OrderColumnMapping.ORDER_FIELDS)
        if not self.item_header_list:
            order_fields += list(OrderColumnMapping.LINE_FIELDS)
        for name in order_fields:
            self.fields[f"col_{name}"] = forms.ChoiceField(
                choices=_header_choices(headers), required=False, label=FIELD_LABELS[name],
                initial=existing.get(name) or _guess(name, headers),
            )
        if self.item_header_list:
            for name in ("order_id", *OrderColumnMapping.LINE_FIELDS):
                self.fields[f"item_{name}"] = forms.ChoiceField(
                    choices=_header_choices(self.item_header_list), required=False,
                    label=f"Items file: {FIELD_LABELS[name]}",
                    initial=existing_items.get(name) or _guess(name, self.item_header_list),
                )

        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select form-select-sm")
            elif not isinstance(widget, forms.HiddenInput):
                widget.attrs.setdefault("class", "form-control form-control-sm")

    def column_fields(self):
        return [self[name] for name in self.fields if name.startswith("col_")]

    def item_fields(self):
        return [self[name] for name in self.fields if name.startswith("item_")]

    def mapped(self) -> tuple[dict[str, str], dict[str, str]]:
        data = self.cleaned_data
        columns = {name[4:]: data[name] for name in self.fields if name.startswith("col_") and data.get(name)}
        items = {name[5:]: data[name] for name in self.fields if name.startswith("item_") and data.get(name)}
        return columns, items


_GUESSES = {
    "order_id": ("order id", "order number", "order", "orderid", "name", "order-id", "amazon-order-id"),
    "placed_at": ("order date", "date", "created at", "purchase-date", "placed at", "order_date"),
    "customer_id": ("customer id", "customer_id", "buyer id"), "email": ("email", "customer email", "buyer-email"),
    "name": ("customer name", "billing name", "buyer-name"), "currency": ("currency",),
    "market": ("country", "ship-country", "shipping country", "market"), "status": ("status", "order status", "order-status"),
    "total": ("total", "order total", "amount"), "refunded": ("refunded", "refunded amount"),
    "shipping": ("shipping",), "taxes": ("tax", "taxes"), "discount": ("discount",),
    "sku": ("sku", "seller sku"), "title": ("title", "product name", "product-name", "item name"),
    "quantity": ("quantity", "qty", "quantity-purchased"), "price": ("price", "unit price", "item-price", "amount"),
    "category": ("category",),
}


def _guess(field: str, headers: list[str]) -> str:
    lowered = {h.strip().casefold(): h for h in headers}
    for candidate in _GUESSES.get(field, ()):
        if candidate in lowered:
            return lowered[candidate]
    return ""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.dashboard.forms import MultipleFileField
from core.files import MaxUploadSize
from design.models import Variant
from design.selectors import concept_list

from .importers import MAX_FILE_BYTES, TEMPLATE_COLUMNS
from .models import PreOrder, ReorderRule
from .services.sizing import factory_makes_category


class ReceiveForm(forms.Form):
    actual_landed_cost = forms.DecimalField(
        required=False, min_value=Decimal("0"), max_digits=12, decimal_places=2,
        label="Actual landed cost", widget=forms.NumberInput(attrs={"class": "form-control form-control-sm", "step": "0.01"}),
    )
    note = forms.CharField(
        required=False, max_length=2000, widget=forms.TextInput(attrs={"class": "form-control form-control-sm"})
    )


class OrderReleaseForm(forms.Form):
    note = forms.CharField(
        required=False, max_length=2000, label="Note to the factory",
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )


class OrderCancelForm(forms.Form):
    reason = forms.CharField(
        max_length=2000, label="Reason",
        error_messages={"required": "Say why the order is cancelled."},
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )


def _control(**attrs):
    return {"class": "form-control", **attrs}


class BatchPlanForm(forms.Form):
    """What a first batch is sized with: the factory, how buyers' intent converts, and the money.

    A blank due date or unit price takes the chosen factory's defaults (``factory_order_defaults``).
    """

    factory = forms.TypedChoiceField(
        coerce=int, label="Factory",
        error_messages={"invalid_choice": "Choose one of the listed factories; %(value)s is not one of them."},
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    conversion_rate = forms.DecimalField(
        initial=Decimal("0.3"), max_digits=4, decimal_places=3, label="Conversion rate",
        help_text="Share of the buyers' would-order quantities expected to turn into orders (above 0, at most 1).",
        widget=forms.NumberInput(attrs=_control(step="0.01", min="0.01", max="1")),
    )
    unit_margin = forms.DecimalField(
        max_digits=10, decimal_places=2, label="Unit margin",
        help_text="What a sold unit earns, after landed cost and fees.",
        widget=forms.NumberInput(attrs=_control(step="0.01", min="0.01")),
    )
    unsold_cost = forms.DecimalField(
        max_digits=10, decimal_places=2, label="Cost of an unsold unit",
        help_text="Its landed cost less what clearance brings back.",
        widget=forms.NumberInput(attrs=_control(step="0.01", min="0")),
    )
    due_date = forms.DateField(
        required=False, label="Due date", help_text="Blank: today plus the factory's lead time.",
        widget=forms.DateInput(attrs=_control(type="date"), format="%Y-%m-%d"),
    )
    unit_price = forms.DecimalField(
        required=False, min_value=Decimal("0"), max_digits=10, decimal_places=2, label="Unit price",
        help_text="Blank: the factory's price for the category, else the concept's unit cost.",
        widget=forms.NumberInput(attrs=_control(step="0.01", min="0")),
    )

    def __init__(self, *args, factories, category: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.factories = {factory.pk: factory for factory in factories}
        self.fields["factory"].choices = [
            (factory.pk, factory.name if factory_makes_category(factory=factory, category=category)
             else f"{factory.name} (does not list {category})")
            for factory in factories
        ]

    def clean_factory(self):
        return self.factories[self.cleaned_data["factory"]]

    def clean_conversion_rate(self):
        rate = self.cleaned_data["conversion_rate"]
        if not Decimal("0") < rate <= Decimal("1"):
            raise forms.ValidationError(f"Must be above 0 and at most 1, got {rate}.")
        return rate

    def clean_unit_margin(self):
        margin = self.cleaned_data["unit_margin"]
        if margin <= 0:
            raise forms.ValidationError(f"A sold unit must earn something: the margin must be above 0, got {margin}.")
        return margin

    def clean_unsold_cost(self):
        cost = self.cleaned_data["unsold_cost"]
        if cost < 0:
            raise forms.ValidationError(f"Must be 0 or more, got {cost}.")
        return cost

    def clean_due_date(self):
        due = self.cleaned_data["due_date"]
        if due is not None and due < timezone.localdate():
            raise forms.ValidationError(f"{due:%Y-%m-%d} is in the past.")
        return due


class BatchLinesForm(forms.Form):
    """The batch's quantity per variant × market, edited before the order is created; 0 drops a line.

    One field ``line-<variant id>-<market>`` per cell the page shows; a posted ``line-…`` name
    that is not one of them (another concept's variant, an unplanned market) is refused.
    """

    PREFIX = "line-"
    MAX_QUANTITY = 1_000_000

    def __init__(self, *args, cells, **kwargs):
        super().__init__(*args, **kwargs)
        self.cells = {}
        for variant, market in cells:
            name = self.field_name(variant.pk, market)
            self.cells[name] = (variant, market)
            self.fields[name] = forms.IntegerField(
                required=False, min_value=0, max_value=self.MAX_QUANTITY, label=f"{variant.sku} × {market}",
                widget=forms.NumberInput(attrs={"class": "form-control form-control-sm text-end", "min": "0", "step": "1"}),
            )

    @classmethod
    def field_name(cls, variant_id: int, market: str) -> str:
        return f"{cls.PREFIX}{variant_id}-{market}"

    def clean(self):
        cleaned = super().clean()
        unknown = sorted(key for key in self.data if key.startswith(self.PREFIX) and key not in self.fields)
        for key in unknown[:10]:
            self.add_error(None, f"{key[:60]}: not a variant and market of this batch.")
        if len(unknown) > 10:
            self.add_error(None, f"… and {len(unknown) - 10} more lines that are not part of this batch.")
        if not self.errors and not self.lines():
            self.add_error(None, "Every line is 0: an order needs at least one line above 0.")
        return cleaned

    def lines(self) -> list[dict]:
        return [
            {"variant_id": variant.pk, "market": market, "quantity": self.cleaned_data[name]}
            for name, (variant, market) in self.cells.items()
            if self.cleaned_data.get(name)
        ]


class PriceRowsWidget(forms.Widget):
    """Rows of category → unit price, posted as the parallel lists ``<name>_category`` and ``<name>_amount``."""

    def value_from_datadict(self, data, files, name):
        def values(key):
            return data.getlist(key) if hasattr(data, "getlist") else list(data.get(key) or [])

        categories, amounts = values(f"{name}_category"), values(f"{name}_amount")
        width = max(len(categories), len(amounts))
        categories += [""] * (width - len(categories))
        amounts += [""] * (width - len(amounts))
        return [(str(c), str(a)) for c, a in zip(categories, amounts)]

    def value_omitted_from_data(self, data, files, name):
        return False


class PriceListField(forms.Field):
    """``{category: "unit price"}`` from rows; a blank row is skipped, a half-filled or repeated one is an error.

    The amounts stay text here: the service decides what a valid unit price is.
    """

    widget = PriceRowsWidget

    def to_python(self, value):
        if isinstance(value, dict):
            value = list(value.items())
        prices, seen, problems = {}, set(), []
        for number, (category, amount) in enumerate(value or [], start=1):
            category, amount = str(category).strip(), str(amount).strip()
            if not category and not amount:
                continue
            if not category:
                problems.append(f"Row {number}: a category is needed for the price {amount!r}.")
            elif not amount:
                problems.append(f"Row {number} ({category}): a unit price is needed.")
            elif category.casefold() in seen:
                problems.append(f"Row {number} ({category}): this category is listed twice.")
            else:
                seen.add(category.casefold())
                prices[category] = amount
        if problems:
            raise forms.ValidationError(problems)
        return prices


def split_categories(text: str) -> list[str]:
    """Categories written one a line or comma-separated; blanks between separators are dropped."""
    pieces = (piece.strip() for line in (text or "").splitlines() for piece in line.split(","))
    return list(dict.fromkeys(piece for piece in pieces if piece))


class FactoryForm(forms.Form):
    """A partner factory's profile; ``factory_create`` / ``factory_update`` check it again and store it."""

    PRICE_ROWS_BLANK = 3

    name = forms.CharField(max_length=120)
    categories = forms.CharField(
        max_length=5000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What it makes: one category a line, or comma-separated (blanket, throw, cushion cover).",
    )
    min_batch = forms.IntegerField(min_value=0, max_value=2_147_483_647, initial=100, label="Minimum batch (pieces)")
    lead_time_days = forms.IntegerField(min_value=0, max_value=2_147_483_647, initial=21, label="Lead time (days)")
    weekly_capacity = forms.IntegerField(
        min_value=0, max_value=2_147_483_647, initial=1000, label="Weekly capacity (pieces)"
    )
    deposit_percent = forms.IntegerField(
        min_value=0, max_value=100, initial=30, label="Deposit (%)",
        help_text="Share of an order's value owed to the factory when it accepts the order.",
    )
    price_list = PriceListField(
        required=False, label="Price list", help_text="The unit price it quotes per category, e.g. blanket → 11.50."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name != "price_list":
                field.widget.attrs.setdefault("class", "form-control form-control-sm")

    def clean_categories(self):
        categories = split_categories(self.cleaned_data["categories"])
        if not categories:
            raise forms.ValidationError("List at least one category the factory makes.")
        return categories

    def price_rows(self) -> list[tuple[str, str]]:
        """The rows to show: what was posted, or the stored prices, then a few blank rows."""
        field = self["price_list"]
        if self.is_bound:
            rows = field.field.widget.value_from_datadict(self.data, self.files, self.add_prefix("price_list"))
            rows = [(c, a) for c, a in rows if c.strip() or a.strip()]
        else:
            rows = list((self.initial.get("price_list") or {}).items())
        return rows + [("", "")] * self.PRICE_ROWS_BLANK


class FactoryKeyForm(forms.Form):
    name = forms.CharField(
        required=False, max_length=80, label="Key name",
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm", "placeholder": "e.g. ERP server"}),
    )


MAX_PRE_ORDER_FILES = 20
# Channels a merchandiser may choose; "demo" is kept for generated demo data.
PRE_ORDER_CHANNEL_CHOICES = [(value, label) for value, label in PreOrder.Channel.choices if value != PreOrder.Channel.DEMO]
_INPUT = {"class": "form-control form-control-sm"}
_SELECT = {"class": "form-select form-select-sm"}


class PreOrderUploadForm(forms.Form):
    files = MultipleFileField(
        label="Files",
        accept=".csv,.txt,text/csv",
        validators=[MaxUploadSize(MAX_FILE_BYTES)],
        help_text=f"The template ({','.join(TEMPLATE_COLUMNS)}) or Shopify orders exports; up to {MAX_PRE_ORDER_FILES} at once.",
    )
    channel = forms.ChoiceField(
        choices=[("", "— from the file's format —"), *PRE_ORDER_CHANNEL_CHOICES], required=False,
        help_text="Shopify exports default to shopify, the template to other.",
    )
    concept = forms.ModelChoiceField(
        queryset=concept_list(), required=False, help_text="Refuse SKUs of any other concept.",
    )

    def clean_files(self):
        files = self.cleaned_data["files"]
        if len(files) > MAX_PRE_ORDER_FILES:
            raise ValidationError(f"At most {MAX_PRE_ORDER_FILES} files at once; {len(files)} were sent.")
        return files


class PreOrderForm(forms.Form):
    sku = forms.CharField(max_length=64, label="SKU", widget=forms.TextInput(attrs=_INPUT))
    market = forms.CharField(max_length=12, widget=forms.TextInput(attrs=_INPUT | {"placeholder": "US"}))
    quantity = forms.IntegerField(min_value=1, widget=forms.NumberInput(attrs=_INPUT | {"min": "1"}))
    channel = forms.ChoiceField(
        choices=PRE_ORDER_CHANNEL_CHOICES, initial=PreOrder.Channel.MANUAL, widget=forms.Select(attrs=_SELECT)
    )
    reference = forms.CharField(
        max_length=80, label="Reference", help_text="The shop's order number or the buyer's PO.",
        widget=forms.TextInput(attrs=_INPUT),
    )
    customer = forms.CharField(max_length=200, required=False, widget=forms.TextInput(attrs=_INPUT))
    ordered_at = forms.DateTimeField(
        required=False, label="Ordered at", help_text="Empty: now.",
        widget=forms.DateTimeInput(attrs=_INPUT | {"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    note = forms.CharField(max_length=2000, required=False, widget=forms.TextInput(attrs=_INPUT))

    def clean_sku(self):
        sku = self.cleaned_data["sku"].strip()
        variant = Variant.objects.filter(sku=sku).select_related("concept").first()
        if variant is None:
            raise ValidationError(f"SKU {sku!r} matches no variant.")
        self.cleaned_data["variant"] = variant
        return sku


class PreOrderCancelForm(forms.Form):
    reason = forms.CharField(max_length=2000, required=False)


class ReorderRuleForm(forms.ModelForm):
    """The thresholds under which the order's design is reordered or stopped."""

    class Meta:
        model = ReorderRule
        fields = [
            "check_day", "reorder_sell_through", "stop_sell_through", "reorder_cover_days", "stop_cover_days",
            "velocity_window_days",
        ]
        labels = {
            "check_day": "Check on day", "reorder_sell_through": "Reorder at sell-through ≥",
            "stop_sell_through": "Stop under sell-through", "reorder_cover_days": "Reorder under cover (days)",
            "stop_cover_days": "Stop over cover (days)", "velocity_window_days": "Pace over (days)",
        }
        widgets = {
            name: forms.NumberInput(attrs={"class": "form-control form-control-sm", "step": "0.05" if "sell" in name else "1"})
            for name in fields
        }

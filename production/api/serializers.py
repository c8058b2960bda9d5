import datetime
from decimal import Decimal

from django.utils import timezone

from rest_framework import serializers

from production.models import (
    ProductionEvent,
    ProductionOrder,
    ProductionOrderLine,
    QcReport,
    Shipment,
    ShipmentEvent,
)
from production.services.reporting import MAX_PHOTOS

MAX_REASON_LENGTH = 1000
QC_STANDARD = "ISO 2859-1 single sampling, normal inspection, general level II"


class StrictCharField(serializers.CharField):
    """A CharField that refuses numbers and booleans instead of turning them into text."""

    default_error_messages = {"invalid": "Must be a string."}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class OrderLineSerializer(serializers.ModelSerializer):
    sku = serializers.CharField(source="variant.sku", help_text="The seller's SKU; print it on labels.")
    colour = serializers.CharField(source="variant.colour")
    size = serializers.CharField(source="variant.size")
    material = serializers.CharField(source="variant.material")

    class Meta:
        model = ProductionOrderLine
        fields = ["sku", "colour", "size", "material", "market", "quantity"]
        extra_kwargs = {
            "market": {"help_text": "Destination market (country code) of these pieces."},
            "quantity": {"help_text": "Pieces to make for this SKU and market."},
        }


class ProductSerializer(serializers.Serializer):
    name = serializers.CharField(source="concept.name")
    category = serializers.CharField(source="concept.category")
    sample_version = serializers.IntegerField(source="version", help_text="The approved sample to match.")
    spec = serializers.CharField(help_text="Specification of the approved sample.")


class ProgressSerializer(serializers.Serializer):
    cut = serializers.IntegerField(source="qty_cut", min_value=0, help_text="Pieces cut so far.")
    sewn = serializers.IntegerField(source="qty_sewn", min_value=0, help_text="Pieces sewn so far.")
    packed = serializers.IntegerField(source="qty_packed", min_value=0, help_text="Pieces packed so far.")


class QcCriteriaSerializer(serializers.Serializer):
    standard = serializers.CharField(
        default=QC_STANDARD,
        help_text="The sampling standard the verdict follows.",
    )
    critical = serializers.IntegerField(default=0, help_text="Critical defects accepted: always 0.")
    aql_major = serializers.CharField(help_text=f"AQL for major defects, one of {', '.join(ProductionOrder.Aql.values)}.")
    aql_minor = serializers.CharField(help_text=f"AQL for minor defects, one of {', '.join(ProductionOrder.Aql.values)}.")


class FactoryOrderSerializer(serializers.ModelSerializer):
    product = ProductSerializer(source="sample")
    quantity = serializers.IntegerField(help_text="Total pieces: the sum of the lines.")
    lines = OrderLineSerializer(many=True)
    next_statuses = serializers.ListField(
        child=serializers.CharField(),
        help_text="The statuses (values of `status`) this order can move to from its current one.",
    )
    qc_criteria = QcCriteriaSerializer(source="*", read_only=True, help_text="What the final inspection is judged by.")
    progress = ProgressSerializer(source="*", read_only=True, help_text="Pieces cut, sewn and packed so far.")

    class Meta:
        model = ProductionOrder
        fields = [
            "id",
            "reference",
            "status",
            "next_statuses",
            "product",
            "quantity",
            "lines",
            "unit_price",
            "currency",
            "incoterm",
            "due_date",
            "packaging_instructions",
            "labelling_instructions",
            "qc_criteria",
            "progress",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class OrderEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProductionEvent
        fields = ["from_status", "to_status", "note", "created_at"]
        read_only_fields = fields


class QcReportOutSerializer(serializers.ModelSerializer):
    class Meta:
        model = QcReport
        fields = [
            "sample_size", "critical", "major", "minor", "aql_major", "aql_minor",
            "accept_major", "accept_minor", "passed", "photos", "note", "created_at",
        ]
        read_only_fields = fields


class ShipmentEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = ShipmentEvent
        fields = ["occurred_at", "location", "description"]
        read_only_fields = fields


class ShipmentOutSerializer(serializers.ModelSerializer):
    events = ShipmentEventSerializer(many=True, read_only=True)

    class Meta:
        model = Shipment
        fields = ["id", "carrier", "tracking_number", "cartons", "weight_kg", "shipped_at", "received_at", "events"]
        extra_kwargs = {"id": {"help_text": "Post tracking events to `orders/{id}/shipments/{this id}/events`."}}
        read_only_fields = fields


class FactoryOrderDetailSerializer(FactoryOrderSerializer):
    events = OrderEventSerializer(many=True, help_text="The order's history, oldest first.")
    qc_reports = QcReportOutSerializer(many=True, help_text="Final inspections filed, oldest first.")
    shipments = ShipmentOutSerializer(many=True, help_text="Shipments of this order, newest first.")

    class Meta(FactoryOrderSerializer.Meta):
        fields = [*FactoryOrderSerializer.Meta.fields, "events", "qc_reports", "shipments"]
        read_only_fields = fields


class ProgressInSerializer(serializers.Serializer):
    cut = serializers.IntegerField(min_value=0, max_value=10_000_000, help_text="Pieces cut so far (a running total).")
    sewn = serializers.IntegerField(min_value=0, max_value=10_000_000, help_text="Pieces sewn so far; at most `cut`.")
    packed = serializers.IntegerField(min_value=0, max_value=10_000_000, help_text="Pieces packed so far; at most `sewn`.")
    note = StrictCharField(required=False, allow_blank=True, max_length=MAX_REASON_LENGTH, default="")


class QcReportInSerializer(serializers.Serializer):
    sample_size = serializers.IntegerField(
        min_value=1, max_value=10_000_000,
        help_text="Pieces inspected; at least the sample size ISO 2859-1 level II asks for the order's quantity.",
    )
    critical = serializers.IntegerField(min_value=0, max_value=10_000_000, help_text="Critical defects found (any one fails the lot).")
    major = serializers.IntegerField(min_value=0, max_value=10_000_000, help_text="Major defects found.")
    minor = serializers.IntegerField(min_value=0, max_value=10_000_000, help_text="Minor defects found.")
    photos = serializers.ListField(
        child=serializers.URLField(max_length=500), required=False, default=list, max_length=MAX_PHOTOS,
        help_text="Optional addresses of inspection photos on your server.",
    )
    note = StrictCharField(required=False, allow_blank=True, max_length=MAX_REASON_LENGTH, default="")


class ShipInSerializer(serializers.Serializer):
    carrier = StrictCharField(max_length=80, help_text="Carrier or forwarder name.")
    tracking_number = StrictCharField(max_length=80, help_text="The carrier's tracking or bill of lading number.")
    cartons = serializers.IntegerField(min_value=1, max_value=1_000_000, help_text="Number of cartons.")
    weight_kg = serializers.DecimalField(
        max_digits=10, decimal_places=2, min_value=Decimal("0.01"), help_text="Gross weight in kg."
    )
    note = StrictCharField(required=False, allow_blank=True, max_length=MAX_REASON_LENGTH, default="")


class ShipmentEventInSerializer(serializers.Serializer):
    occurred_at = serializers.DateTimeField(help_text="When it happened, ISO 8601 with a UTC offset.")
    description = StrictCharField(max_length=300, help_text="What happened, e.g. `departed Ningbo`.")
    location = StrictCharField(
        required=False, allow_blank=True, max_length=120, default="", help_text="Where, e.g. a port or a city."
    )

    def validate_occurred_at(self, value):
        if value > timezone.now() + datetime.timedelta(days=1):
            raise serializers.ValidationError("Must not be in the future.")
        if value.year < 2000:
            raise serializers.ValidationError("Must be a date after 2000.")
        return value


class AcceptSerializer(serializers.Serializer):
    note = StrictCharField(
        required=False,
        allow_blank=True,
        max_length=MAX_REASON_LENGTH,
        default="",
        help_text="Optional message to the seller, e.g. a confirmed ship date.",
    )


class DeclineSerializer(serializers.Serializer):
    reason = StrictCharField(
        max_length=MAX_REASON_LENGTH,
        help_text="Why the factory cannot make this order (capacity, material, price...).",
    )


class ErrorBodySerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable machine-readable code, e.g. `not_found`.")
    message = serializers.CharField(help_text="Human-readable explanation.")
    detail = serializers.JSONField(allow_null=True, help_text="Per-field errors, when the input was invalid.")


class FactoryApiErrorSerializer(serializers.Serializer):
    error = ErrorBodySerializer()


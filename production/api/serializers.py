from rest_framework import serializers

from production.models import ProductionEvent, ProductionOrder, ProductionOrderLine

MAX_REASON_LENGTH = 1000


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


class FactoryOrderSerializer(serializers.ModelSerializer):
    product = ProductSerializer(source="sample")
    quantity = serializers.IntegerField(help_text="Total pieces: the sum of the lines.")
    lines = OrderLineSerializer(many=True)
    next_statuses = serializers.ListField(
        child=serializers.CharField(),
        help_text="The statuses (values of `status`) this order can move to from its current one.",
    )

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
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class OrderEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProductionEvent
        fields = ["from_status", "to_status", "note", "created_at"]
        read_only_fields = fields


class FactoryOrderDetailSerializer(FactoryOrderSerializer):
    events = OrderEventSerializer(many=True, help_text="The order's history, oldest first.")

    class Meta(FactoryOrderSerializer.Meta):
        fields = [*FactoryOrderSerializer.Meta.fields, "events"]
        read_only_fields = fields


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


"""Concepts that already have a live production order (not cancelled, not declined) are in production."""

from django.db import migrations

GONE = ("cancelled", "declined")


def concepts_in_production(apps, schema_editor):
    Concept = apps.get_model("design", "Concept")
    ConceptEvent = apps.get_model("design", "ConceptEvent")
    ProductionOrder = apps.get_model("production", "ProductionOrder")
    live = {}
    for concept_id, reference in (
        ProductionOrder.objects.exclude(status__in=GONE)
        .order_by("sample__concept_id", "reference")
        .values_list("sample__concept_id", "reference")
    ):
        live.setdefault(concept_id, []).append(reference)
    moved = Concept.objects.filter(pk__in=live).exclude(status="in_production").order_by("pk")
    events = [
        ConceptEvent(
            concept_id=concept_id, from_status=status, to_status="in_production", actor="c2f",
            note=f"has live production orders: {', '.join(live[concept_id])}",
        )
        for concept_id, status in moved.values_list("pk", "status")
    ]
    Concept.objects.filter(pk__in=[e.concept_id for e in events]).update(status="in_production")
    ConceptEvent.objects.bulk_create(events, batch_size=1000)


def concepts_confirmed_again(apps, schema_editor):
    apps.get_model("design", "Concept").objects.filter(status="in_production").update(status="confirmed")


class Migration(migrations.Migration):
    dependencies = [
        ("design", "0007_concept_in_production_and_events"),
        ("production", "0006_factory_and_order_validators"),
    ]

    operations = [migrations.RunPython(concepts_in_production, concepts_confirmed_again)]

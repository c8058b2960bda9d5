"""Runs over the whole customer base: versioned, current, with progress; memberships with typed features; briefs
that can be edited, dropped or merged and weigh by expected value."""

import django.db.models.deletion

import portraits.models
from django.db import migrations, models

FEATURES = {
    "recency_days": ("recency_days", 0), "tenure_days": ("tenure_days", 0), "frequency": ("frequency", 0),
    "monetary": ("monetary", 0.0), "avg_order_value": ("avg_order_value", 0.0), "returns": ("returns", 0),
    "reviews": ("reviews", 0), "r_score": ("r_score", 1), "f_score": ("f_score", 1), "m_score": ("m_score", 1),
    "unit_price": ("mean_unit_price", None), "expected_purchases": ("expected_purchases", None),
    "expected_value": ("expected_value", None), "market": ("market", ""), "channel": ("channel", ""),
    "price_band": ("price_band", ""), "rfm_group": ("rfm_group", ""),
}


def number_runs_and_copy_features(apps, schema_editor):
    PortraitRun = apps.get_model("portraits", "PortraitRun")
    for run in PortraitRun.objects.order_by("id").only("id"):
        PortraitRun.objects.filter(pk=run.pk).update(version=run.pk)
    newest = PortraitRun.objects.filter(status="done").order_by("-id").first()
    if newest is not None:
        PortraitRun.objects.filter(pk=newest.pk).update(is_current=True)
    SegmentMembership = apps.get_model("portraits", "SegmentMembership")
    batch = []
    for membership in SegmentMembership.objects.order_by("id").iterator(chunk_size=2000):
        features = membership.features or {}
        for field, (key, default) in FEATURES.items():
            value = features.get(key, default)
            setattr(membership, field, default if value is None and default is not None else value)
        membership.market = (membership.market or "")[:12]
        membership.channel = (membership.channel or "")[:40]
        membership.rfm_group = (membership.rfm_group or "")[:20]
        membership.top_attributes = ", ".join(list((features.get("attributes") or {}))[:3])[:200]
        batch.append(membership)
        if len(batch) >= 2000:
            SegmentMembership.objects.bulk_update(batch, [*FEATURES, "top_attributes"])
            batch = []
    if batch:
        SegmentMembership.objects.bulk_update(batch, [*FEATURES, "top_attributes"])


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0002_cycle_events"),
        ("portraits", "0001_initial"),
    ]

    operations = [
        migrations.AlterModelOptions(name="portraitrun", options={"ordering": ["-version"]}),
        migrations.AlterModelOptions(name="brief", options={"ordering": ["run", "-weight", "segment"]}),
        migrations.AlterField(
            model_name="portraitrun", name="cycle",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="portrait_runs", to="core.cycle"),
        ),
        migrations.AlterField(
            model_name="portraitrun", name="status",
            field=models.CharField(choices=[("queued", "Queued"), ("running", "Running"), ("done", "Done"), ("failed", "Failed")], default="queued", max_length=10),
        ),
        migrations.AddField(model_name="portraitrun", name="version", field=models.PositiveIntegerField(default=0)),
        migrations.AddField(model_name="portraitrun", name="is_current", field=models.BooleanField(default=False, help_text="The run the pages and briefs show.")),
        migrations.AddField(model_name="portraitrun", name="progress", field=models.PositiveSmallIntegerField(default=0, help_text="Percent done.")),
        migrations.AddField(model_name="portraitrun", name="message", field=models.CharField(blank=True, max_length=200)),
        migrations.AddField(
            model_name="portraitrun", name="task_run",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="portrait_runs", to="core.taskrun"),
        ),
        migrations.AddField(model_name="portraitrun", name="as_of", field=models.DateTimeField(blank=True, null=True, help_text="Orders placed up to this moment are read.")),
        migrations.AddField(model_name="portraitrun", name="metrics", field=models.JSONField(blank=True, default=dict, help_text="What came out: silhouette by k, inertia, sizes, stability.")),
        migrations.AddField(model_name="portraitrun", name="started_at", field=models.DateTimeField(blank=True, null=True)),
        migrations.AlterField(model_name="portraitrun", name="params", field=models.JSONField(blank=True, default=dict, help_text="What the run was asked to do.")),
        migrations.AddField(model_name="segment", name="revenue_share", field=models.FloatField(default=0)),
        migrations.AddField(
            model_name="segment", name="expected_value",
            field=models.FloatField(blank=True, null=True, help_text="Expected spend of the segment's customers over the next 365 days, base currency."),
        ),
        migrations.AddField(model_name="segmentmembership", name="recency_days", field=models.IntegerField(default=0), preserve_default=False),
        migrations.AddField(model_name="segmentmembership", name="tenure_days", field=models.IntegerField(default=0), preserve_default=False),
        migrations.AddField(model_name="segmentmembership", name="frequency", field=models.PositiveIntegerField(default=0), preserve_default=False),
        migrations.AddField(model_name="segmentmembership", name="monetary", field=models.FloatField(default=0), preserve_default=False),
        migrations.AddField(model_name="segmentmembership", name="avg_order_value", field=models.FloatField(default=0), preserve_default=False),
        migrations.AddField(model_name="segmentmembership", name="days_between", field=models.FloatField(blank=True, null=True, help_text="Mean days between orders (repeat customers).")),
        migrations.AddField(model_name="segmentmembership", name="returns", field=models.PositiveIntegerField(default=0)),
        migrations.AddField(model_name="segmentmembership", name="reviews", field=models.PositiveIntegerField(default=0)),
        migrations.AddField(model_name="segmentmembership", name="market", field=models.CharField(blank=True, max_length=12)),
        migrations.AddField(model_name="segmentmembership", name="channel", field=models.CharField(blank=True, max_length=40)),
        migrations.AddField(model_name="segmentmembership", name="unit_price", field=models.FloatField(blank=True, null=True)),
        migrations.AddField(model_name="segmentmembership", name="price_band", field=models.CharField(blank=True, max_length=4)),
        migrations.AddField(model_name="segmentmembership", name="r_score", field=models.PositiveSmallIntegerField(default=1), preserve_default=False),
        migrations.AddField(model_name="segmentmembership", name="f_score", field=models.PositiveSmallIntegerField(default=1), preserve_default=False),
        migrations.AddField(model_name="segmentmembership", name="m_score", field=models.PositiveSmallIntegerField(default=1), preserve_default=False),
        migrations.AddField(model_name="segmentmembership", name="rfm_group", field=models.CharField(default="", max_length=20), preserve_default=False),
        migrations.AddField(model_name="segmentmembership", name="expected_purchases", field=models.FloatField(blank=True, null=True)),
        migrations.AddField(model_name="segmentmembership", name="expected_value", field=models.FloatField(blank=True, null=True)),
        migrations.AddField(model_name="segmentmembership", name="p_alive", field=models.FloatField(blank=True, null=True)),
        migrations.AddField(
            model_name="segmentmembership", name="top_attributes",
            field=models.CharField(blank=True, max_length=200, help_text="The customer's three largest taste shares."),
        ),
        migrations.AddField(
            model_name="brief", name="status",
            field=models.CharField(choices=[("active", "Active"), ("dropped", "Dropped"), ("merged", "Merged into another brief")], default="active", max_length=10),
        ),
        migrations.AddField(
            model_name="brief", name="merged_into",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="merged_briefs", to="portraits.brief"),
        ),
        migrations.AddField(model_name="brief", name="weight", field=models.FloatField(default=0, help_text="Share of the run's expected value (or revenue) the brief speaks for.")),
        migrations.AddField(model_name="brief", name="evidence", field=models.JSONField(blank=True, default=dict, help_text="The numbers behind the brief.")),
        migrations.AddField(model_name="brief", name="edited_by", field=models.CharField(blank=True, max_length=150)),
        migrations.AddField(model_name="brief", name="edited_at", field=models.DateTimeField(blank=True, null=True)),
        migrations.RunPython(number_runs_and_copy_features, migrations.RunPython.noop),
        migrations.RemoveField(model_name="segmentmembership", name="features"),
        migrations.AlterField(
            model_name="segmentmembership", name="run",
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.CASCADE, related_name="memberships", to="portraits.portraitrun"),
        ),
        migrations.AlterField(
            model_name="segmentmembership", name="segment",
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.CASCADE, related_name="memberships", to="portraits.segment"),
        ),
        migrations.AlterField(
            model_name="portraitrun", name="version",
            field=models.PositiveIntegerField(default=portraits.models.next_run_version, unique=True),
        ),
        migrations.AddConstraint(
            model_name="portraitrun",
            constraint=models.UniqueConstraint(condition=models.Q(("is_current", True)), fields=("is_current",), name="one_current_portrait_run"),
        ),
        migrations.AddIndex(
            model_name="segmentmembership",
            index=models.Index(fields=["segment", "customer"], name="membership_segment_customer"),
        ),
    ]

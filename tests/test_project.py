"""How the project is installed, configured and administered."""

import json
import os
import re
import subprocess
import sys
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from django.http import HttpRequest
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

BASE_DIR = Path(settings.BASE_DIR)
PROJECT_APPS = ("core", "hotspots", "analysis", "design", "samples", "production", "promotion", "customers", "portraits")


def _run(code: str, **env) -> subprocess.CompletedProcess:
    """Run Python in a fresh process whose environment holds only what is given (plus PATH)."""
    clean = {"PATH": os.environ.get("PATH", ""), "DJANGO_SETTINGS_MODULE": "c2f.settings", **env}
    return subprocess.run([sys.executable, "-c", code], cwd=BASE_DIR, env=clean, capture_output=True, text=True, timeout=120)


PRINT_SETTINGS = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'engine': s.DATABASES['default']['ENGINE'], 'eager': s.CELERY_TASK_ALWAYS_EAGER, "
    "'broker': s.CELERY_BROKER_URL, 'cache': s.CACHES['default']['BACKEND'], 'debug': s.DEBUG, "
    "'cache_shared': s.C2F_CACHE_SHARED}))"
)


# --- settings from the environment ---------------------------------------

def test_no_environment_means_sqlite_and_eager_tasks():
    proc = _run(PRINT_SETTINGS)
    assert proc.returncode == 0, proc.stderr
    values = json.loads(proc.stdout)
    assert values == {
        "engine": "django.db.backends.sqlite3",
        "eager": True,
        "broker": "memory://localhost/",
        "cache": "django.core.cache.backends.locmem.LocMemCache",
        "debug": True,
        "cache_shared": False,
    }


def test_in_process_tasks_print_no_broker_warning():
    code = (
        "import django; django.setup()\n"
        "from c2f.celery import app\n"
        "@app.task(name='c2f.probe')\n"
        "def probe(n):\n"
        "    return n + 1\n"
        "print(probe.delay(41).get(), probe.delay(1).get())\n"
    )
    proc = _run(code)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["42", "2"]
    assert proc.stderr == ""  # kombu's "No hostname was supplied" among others


def test_database_and_broker_urls_switch_to_postgres_and_workers():
    proc = _run(
        PRINT_SETTINGS,
        DATABASE_URL="postgres://c2f:c2f@127.0.0.1:5432/c2f",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
        REDIS_URL="redis://127.0.0.1:6379/1",
    )
    assert proc.returncode == 0, proc.stderr
    values = json.loads(proc.stdout)
    assert values["engine"] == "django.db.backends.postgresql"
    assert values["eager"] is False
    assert values["broker"] == "redis://127.0.0.1:6379/0"
    assert values["cache"] == "core.cache.RedisCache" and values["cache_shared"] is True


def test_production_without_secret_key_refuses_to_start():
    proc = _run(PRINT_SETTINGS, C2F_ENV="production")
    assert proc.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in proc.stderr


def _env_example_value(name: str) -> str:
    return re.search(rf"^{name}=(.*)$", (BASE_DIR / ".env.example").read_text(), re.M).group(1)


@pytest.mark.parametrize(
    "secret_key",
    [
        pytest.param("the example's", id="the-example"),
        pytest.param("Zr7pW2mLc8Tn4Yb6Hd1Jf5Gs0k3x9vQ".ljust(49, "a"), id="49-chars"),
        pytest.param("short", id="short"),
    ],
)
def test_production_refuses_a_weak_secret_key(secret_key):
    if secret_key == "the example's":
        secret_key = _env_example_value("DJANGO_SECRET_KEY")
    proc = _run(PRINT_SETTINGS, C2F_ENV="production", DJANGO_SECRET_KEY=secret_key)
    assert proc.returncode != 0
    assert "DJANGO_SECRET_KEY is too weak" in proc.stderr and "at least 50" in proc.stderr
    assert secret_key not in proc.stderr


def test_production_takes_a_secret_key_of_50_characters():
    proc = _run(PRINT_SETTINGS, C2F_ENV="production", DJANGO_SECRET_KEY="Zr7pW2mLc8Tn4Yb6Hd1Jf5Gs0k3x9vQ".ljust(50, "a"))
    assert proc.returncode == 0, proc.stderr


def test_the_example_secret_key_is_what_the_settings_refuse():
    assert _env_example_value("DJANGO_SECRET_KEY") == settings.EXAMPLE_SECRET_KEY


def _check_deploy(**env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env={
            "PATH": os.environ.get("PATH", ""),
            "C2F_ENV": "production",
            "DJANGO_SECRET_KEY": "k3x!9vQ-production-check-" + "Zr7pW2mLc8Tn4Yb6Hd1Jf5Gs0",
            "DJANGO_ALLOWED_HOSTS": "c2f.example.test",
            **env,
        },
        capture_output=True, text=True, timeout=120,
    )


def test_check_deploy_in_production_reports_nothing():
    proc = _check_deploy(C2F_PUBLIC_URL="https://c2f.example.test")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "WARNINGS" not in proc.stdout + proc.stderr
    assert "no issues" in proc.stdout


def test_check_deploy_in_production_wants_the_public_url():
    proc = _check_deploy()
    assert proc.returncode != 0
    assert "samples.E002" in proc.stderr and "C2F_PUBLIC_URL is not set" in proc.stderr


def test_public_url_defaults_to_the_development_server_but_not_in_production():
    code = "import django; django.setup(); from django.conf import settings; print(repr(settings.C2F_PUBLIC_URL))"
    assert _run(code).stdout.strip() == "'http://127.0.0.1:8000'"
    production = _run(code, C2F_ENV="production", DJANGO_SECRET_KEY="k3x!9vQ-production-check-".ljust(50, "z"))
    assert production.stdout.strip() == "''", production.stderr
    assert _run(code, C2F_PUBLIC_URL="http://127.0.0.1:8765/").stdout.strip() == "'http://127.0.0.1:8765'"


@pytest.mark.django_db
def test_models_and_migrations_agree():
    try:
        call_command("makemigrations", "--check", "--dry-run", verbosity=0)
    except SystemExit as exit:
        pytest.fail(f"makemigrations --check found model changes without a migration (exit {exit.code}).")


# --- files that describe the deployment -----------------------------------

def test_env_example_lists_every_variable_the_settings_read():
    source = (BASE_DIR / "c2f" / "settings.py").read_text()
    names = set(re.findall(r"""os\.environ(?:\.get\(|\[)\s*["']([A-Z0-9_]+)["']""", source))
    names |= set(re.findall(r"""env_(?:bool|list)\(\s*["']([A-Z0-9_]+)["']""", source))
    names |= {"DATABASE_URL"}  # read by dj_database_url.config()
    documented = set(re.findall(r"^#?\s*([A-Z0-9_]+)=", (BASE_DIR / ".env.example").read_text(), re.M))
    assert names - documented == set()


def test_compose_file_runs_one_image_as_web_worker_and_beat():
    compose = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"db", "redis", "web", "worker", "beat"} <= set(services)
    assert services["db"]["image"].startswith("postgres:16")
    assert services["redis"]["image"].startswith("redis:7")
    assert "pg_isready" in " ".join(services["db"]["healthcheck"]["test"])
    assert "ping" in " ".join(services["redis"]["healthcheck"]["test"])
    for name in ("web", "worker", "beat"):
        assert services[name]["image"] == services["web"]["image"], name
    assert "gunicorn c2f.wsgi" in " ".join(services["web"]["command"])
    assert "migrate" in " ".join(services["web"]["command"])
    assert services["web"]["depends_on"]["db"]["condition"] == "service_healthy"
    assert services["web"]["depends_on"]["redis"]["condition"] == "service_healthy"
    assert "/accounts/login/" in " ".join(services["web"]["healthcheck"]["test"]) + Path(BASE_DIR / "bin" / "healthcheck").read_text()
    assert services["worker"]["command"][:6] == ["celery", "-A", "c2f", "worker", "-Q", "default,email,ml"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "c2f", "beat"]


@pytest.mark.parametrize("script", ["bin/demo", "bin/test", "bin/healthcheck", ".ci/run"])
def test_scripts_are_executable_and_parse(script):
    path = BASE_DIR / script
    assert os.access(path, os.X_OK), f"{script} is not executable"
    first = path.read_text().splitlines()[0]
    checker = [sys.executable, "-m", "py_compile"] if "python" in first else ["bash", "-n"]
    proc = subprocess.run([*checker, str(path)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


# --- demo user ------------------------------------------------------------

@pytest.mark.django_db
def test_ensure_demo_user_is_idempotent(client, monkeypatch, capsys):
    monkeypatch.delenv("C2F_DEMO_PASSWORD", raising=False)
    call_command("ensure_demo_user")
    call_command("ensure_demo_user")
    assert "Log in as demo / demo-c2f" in capsys.readouterr().out

    user = get_user_model().objects.get(username="demo")
    assert (user.is_staff, user.is_superuser, user.is_active) == (True, True, True)
    assert get_user_model().objects.filter(username="demo").count() == 1
    assert client.login(request=HttpRequest(), username="demo", password="demo-c2f")  # a request for the lockout


@pytest.mark.django_db
def test_ensure_demo_user_takes_the_password_from_the_environment(monkeypatch, capsys):
    monkeypatch.setenv("C2F_DEMO_PASSWORD", "another-secret-9")
    call_command("ensure_demo_user")
    assert get_user_model().objects.get(username="demo").check_password("another-secret-9")
    assert "another-secret-9" not in capsys.readouterr().out


@pytest.mark.django_db
def test_ensure_demo_user_refuses_default_password_in_production(monkeypatch, settings):
    monkeypatch.delenv("C2F_DEMO_PASSWORD", raising=False)
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="C2F_DEMO_PASSWORD"):
        call_command("ensure_demo_user")
    assert not get_user_model().objects.filter(username="demo").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("password", "reason"),
    [("k7-q", "too short"), ("password123", "too common"), ("48213957301846", "entirely numeric"),
     ("demo-c2f", "the default")],
)
def test_ensure_demo_user_in_production_applies_the_password_validators(monkeypatch, settings, password, reason):
    monkeypatch.setenv("C2F_DEMO_PASSWORD", password)
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="C2F_DEMO_PASSWORD is too weak") as refused:
        call_command("ensure_demo_user")
    assert reason in str(refused.value)
    assert password not in str(refused.value)
    assert not get_user_model().objects.filter(username="demo").exists()


@pytest.mark.django_db
def test_ensure_demo_user_in_production_takes_a_strong_password(monkeypatch, settings):
    monkeypatch.setenv("C2F_DEMO_PASSWORD", "quiet-harbour-71-lantern")
    settings.PRODUCTION = True
    call_command("ensure_demo_user")
    assert get_user_model().objects.get(username="demo").check_password("quiet-harbour-71-lantern")


# --- admin ----------------------------------------------------------------

def _build_chain(tag: str) -> dict:
    """One row of every model, linked the way the loop links them."""
    from analysis.models import Attribute, AttributeEvidence, Opportunity
    from core.models import Cycle, CycleReport, TaskRun
    from core.transitions import record_created
    from customers.models import (
        CohortMonth, Customer, CustomerEvent, Order, OrderColumnMapping, OrderImport, OrderLine, OrderUpload, Product,
        Review, ReviewColumnMapping, ReviewImport, ReviewMention, ReviewUpload, SalesMonth, WebhookDelivery,
    )
    from design.models import ComplianceItem, Concept, Variant
    from hotspots.models import (
        Hotspot, RegionInterest, RelatedQuery, RelatedTopic, TrendImport, TrendPoint, TrendSeries, Watchlist,
        WatchKeyword,
    )
    from portraits.models import Brief, PortraitRun, Segment, SegmentMembership
    from hotspots.models import AmazonKeywordMetric, AmazonListing, KeywordColumnMapping, TrendUpload
    from production.models import (
        Factory, FactoryApiKey, FactoryPayment, IdempotencyRecord, PreOrder, ProductionEvent, ProductionOrder,
        ProductionOrderLine, QcReport, ReorderDecision, ReorderRule, Shipment, ShipmentEvent,
    )
    from promotion.models import BulkExport, Campaign, Click, OrderAttribution, Post, PublishAttempt, TrackedLink
    from samples.models import Buyer, BuyerPanel, Invitation, Sample, SamplePhoto, Vote, VoteRound

    now = timezone.now()
    previous = Cycle.objects.order_by("-number").first()
    cycle = Cycle.objects.create(number=(previous.number + 1 if previous else 1), previous=previous, is_demo=True)
    TaskRun.objects.create(kind="test", cycle=cycle, total=2, done=1)
    AmazonKeywordMetric.objects.create(
        tool="cerebro", keyword=f"{tag} blanket", market="US", snapshot=date(2024, 10, 1), search_volume=100
    )
    AmazonListing.objects.create(
        tool="xray", market="US", asin=f"B0{tag.upper()}00000000"[:10], snapshot=date(2024, 10, 4),
        title=f"{tag} mermaid tail blanket", price=29.99,
    )
    KeywordColumnMapping.objects.create(name=f"{tag} mapping", keyword="Keyword", search_volume="Search Volume")
    TrendUpload.objects.create(task_run=TaskRun.objects.create(kind="hotspots.import"), filename=f"{tag}.csv", data=b"")

    trend_import = TrendImport.objects.create(filename=f"{tag}.csv", kind="multiTimeline", source="trends_export", status="ok")
    series = TrendSeries.objects.create(source="trends_export", keyword=f"{tag} blanket", market="US", granularity="week", last_import=trend_import)
    TrendPoint.objects.create(series=series, date=date(2024, 1, 7), value=40)
    TrendPoint.objects.create(series=series, date=date(2024, 1, 14), value=55)
    RelatedQuery.objects.create(source="trends_export", keyword=series.keyword, market="US", kind="rising", query=f"{tag} throw", value=250)
    RegionInterest.objects.create(source="trends_export", keyword=series.keyword, market="US", region="Texas", value=80)
    RelatedTopic.objects.create(source="serpapi", keyword=series.keyword, market="US", kind="top", rank=1,
                                title=f"{tag} Blanket", topic_type="Topic", value=100)
    hotspot = Hotspot.objects.create(cycle=cycle, series=series, keyword=series.keyword, category="blanket", market="US",
                                     score=0.8, level=50, growth=0.2, slope=0.1)

    attribute = Attribute.objects.create(kind="pattern", name=f"{tag}-mermaid", synonyms=[f"{tag}-mermaids"])
    opportunity = Opportunity.objects.create(cycle=cycle, category="blanket", market="US", score=0.7, rank=1)
    opportunity.attributes.add(attribute)
    opportunity.hotspots.add(hotspot)

    concept = Concept.objects.create(cycle=cycle, name=f"{tag} mermaid blanket", category="blanket", opportunity=opportunity,
                                     target_markets=["US"], target_price=Decimal("39.00"), unit_cost=Decimal("12.00"))
    concept.attributes.add(attribute)
    variant = Variant.objects.create(concept=concept, sku=f"{tag}-MB-TEAL", colour="teal", size="50x60")

    ComplianceItem.objects.create(concept=concept, market="US", title="Care label", checked=True, evidence_note="sewn in")
    sample = Sample.objects.create(concept=concept, status="in_review")
    SamplePhoto.objects.create(sample=sample, image="samples/photos/x.jpg", thumbnail="samples/thumbs/x.jpg", caption="front")
    buyer = Buyer.objects.create(name=f"{tag} buyer", email=f"{tag}@buyers.test", company="Home Co", country="US")
    BuyerPanel.objects.create(name=f"{tag} panel").buyers.add(buyer)
    vote_round = VoteRound.objects.create(cycle=cycle, sample=sample, opens_at=now, closes_at=now + timedelta(days=7))
    Invitation.objects.create(round=vote_round, buyer=buyer, sent_at=now)
    Vote.objects.create(round=vote_round, buyer=buyer, score=4, would_order_qty=200, preferred_variant=variant, market="US")

    factory = Factory.objects.create(name=f"{tag} mill")
    api_key = FactoryApiKey.objects.create(factory=factory, prefix=f"{tag[:6]}k", hashed_key="0" * 64)
    production_order = ProductionOrder.objects.create(cycle=cycle, factory=factory, reference=f"PO-{tag}", sample=sample,
                                                      sizing_round=vote_round, unit_price=Decimal("11.50"))
    ProductionOrderLine.objects.create(order=production_order, variant=variant, market="US", quantity=300)
    ProductionEvent.objects.create(order=production_order, from_status="", to_status="draft", actor="test")
    QcReport.objects.create(order=production_order, sample_size=50, aql_major="2.5", aql_minor="4.0",
                            accept_major=3, accept_minor=5, passed=True, actor="test")
    shipment = Shipment.objects.create(order=production_order, carrier="Sea", tracking_number=f"{tag}-T1", cartons=3,
                                       weight_kg=Decimal("30.00"), shipped_at=now)
    ShipmentEvent.objects.create(shipment=shipment, occurred_at=now, description="handed to Sea")
    FactoryPayment.objects.create(factory=factory, order=production_order, kind="deposit", amount=Decimal("1035.00"), actor="test")
    IdempotencyRecord.objects.create(api_key=api_key, key=f"{tag}-k", fingerprint="0" * 64, status_code=200, body={})
    pre_order = PreOrder.objects.create(variant=variant, market="US", quantity=12, channel="wholesale",
                                        reference=f"PO-{tag}-B1", ordered_at=now)
    rule = ReorderRule.objects.create(order=production_order)
    decision = ReorderDecision.objects.create(rule=rule, decided_on=date(2024, 4, 1), verdict="stop", reason="slow",
                                              numbers={"sold": 3, "units": 300})
    CycleReport.objects.create(cycle=cycle, data={"outcome": {}}, as_of=date(2024, 4, 1), computed_at=now)

    campaign = Campaign.objects.create(cycle=cycle, concept=concept, production_order=production_order, name=f"{tag} launch",
                                       market="US", starts_on=date(2024, 3, 1))
    post = Post.objects.create(campaign=campaign, channel="instagram", text="New in", scheduled_at=now)
    link = TrackedLink.objects.create(campaign=campaign, post=post, code=f"{tag[:8]}l", destination_url="https://shop.c2f.test/p",
                                      utm_source="instagram", utm_campaign=f"{tag}-launch")
    Click.objects.create(link=link, campaign=campaign, channel="instagram", at=now, country="US")
    export = BulkExport.objects.create(campaign=campaign, publisher="publer", channel="instagram", filename=f"{tag}.csv",
                                       content="Date,Text\r\n", post_count=1, created_by="mia")
    PublishAttempt.objects.create(post=post, publisher="publer", number=1, at=now, ok=True, bulk_export=export)
    OrderAttribution.objects.create(platform="demo", order_ref=f"{tag}-o1", link=link, campaign=campaign, method="utm",
                                    placed_at=now, revenue=Decimal("10.00"), currency="USD")

    product = Product.objects.create(sku=variant.sku, title=concept.name, category="blanket", concept=concept, variant=variant)
    customer = Customer.objects.create(platform="demo", external_id=f"{tag}-c1", email=f"{tag}-c1@shoppers.test", country="US")
    order = Order.objects.create(cycle=cycle, customer=customer, platform="demo", external_id=f"{tag}-o1", placed_at=now,
                                 market="US", total=Decimal("39.00"), tracked_link=link)
    OrderLine.objects.create(order=order, product=product, quantity=1, unit_price=Decimal("39.00"))
    CustomerEvent.objects.create(customer=customer, kind="consent", actor="test", note="opted in at checkout")
    OrderColumnMapping.objects.create(name=f"{tag} orders", columns={"order_id": "Order", "placed_at": "Date"})
    order_task = TaskRun.objects.create(kind="customers.import_uploads")
    OrderImport.objects.create(task_run=order_task, filename=f"{tag}-orders.csv", format="shopify", status="ok", orders_new=1)
    OrderUpload.objects.create(task_run=order_task, filename=f"{tag}-orders.csv", data=b"")
    WebhookDelivery.objects.create(webhook_id=f"{tag}-w1", topic="orders/create", status="processed", order=order)
    month = date(2000 + cycle.number, 1, 1)
    SalesMonth.objects.create(month=month, market="US", orders=1, gross_base=Decimal("39.00"), net_base=Decimal("39.00"))
    CohortMonth.objects.create(cohort=month, month=month, customers=1)
    review_import = ReviewImport.objects.create(filename=f"{tag}-reviews.csv", format="shopify", status="ok", new=1)
    review = Review.objects.create(product=product, customer=customer, order=order, source="shopify",
                                   external_id=f"{tag}-r1", rating=5, text="So soft", created_at=now,
                                   imported_from=review_import)
    ReviewMention.objects.create(review=review, kind="praise", aspect="softness", term="soft", snippet="So soft")
    ReviewUpload.objects.create(task_run=TaskRun.objects.create(kind="customers.import_reviews"),
                                filename=f"{tag}-reviews.csv", data=b"")
    ReviewColumnMapping.objects.create(name=f"{tag} reviews", product="SKU", rating="Stars", created_at="Date")
    AttributeEvidence.objects.create(attribute=attribute, category="blanket", market="US", kind="praise", count=1,
                                     examples=[{"quote": "So soft", "rating": 5}])

    run = PortraitRun.objects.create(cycle=cycle, status="done", n_customers=1, n_segments=1)
    segment = Segment.objects.create(run=run, label=0, name=f"{tag} cosy gifters", size=1)
    SegmentMembership.objects.create(run=run, segment=segment, customer=customer, recency_days=1, tenure_days=1, frequency=1, monetary=40.0, avg_order_value=40.0, r_score=3, f_score=1, m_score=3, rfm_group="About to sleep")
    brief = Brief.objects.create(run=run, segment=segment, for_cycle=cycle, category="blanket",
                                 price_low=Decimal("30"), price_high=Decimal("45"), keywords=[f"{tag} throw"])
    watchlist = Watchlist.objects.create(cycle=cycle, name=f"{tag} watchlist", markets=["US"], seeded_by_brief=brief)
    WatchKeyword.objects.create(watchlist=watchlist, keyword=f"{tag} blanket", category="blanket")
    WatchKeyword.objects.create(watchlist=watchlist, keyword=f"{tag} throw", category="blanket", origin="brief")
    for record in (cycle, concept, sample, vote_round, campaign, post, pre_order, decision):
        record_created(record, actor="test")
    return {"cycle": cycle, "concept": concept, "round": vote_round, "order": production_order}


def _project_model_admins():
    return sorted(
        ((model, model_admin) for model, model_admin in admin.site._registry.items()
         if model._meta.app_label in PROJECT_APPS),
        key=lambda pair: pair[0]._meta.label,
    )


def test_every_project_model_is_registered_in_the_admin():
    from django.apps import apps

    registered = {model for model, _ in _project_model_admins()}
    missing = [m._meta.label for app in PROJECT_APPS for m in apps.get_app_config(app).get_models() if m not in registered]
    assert missing == []


@pytest.fixture
def superuser_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("admin", "admin@c2f.test", "admin-pass-123")
    client.force_login(user)
    return client


def _changelist_query_counts(client) -> dict:
    counts = {}
    for model, _ in _project_model_admins():
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200, f"{url} -> {response.status_code}"
        counts[model._meta.label] = len(ctx.captured_queries)
    return counts


@pytest.mark.django_db
def test_admin_changelists_load_without_a_query_per_row(superuser_client, django_assert_max_num_queries):
    _build_chain("alpha")
    with django_assert_max_num_queries(12 * len(_project_model_admins())):
        with_one = _changelist_query_counts(superuser_client)
    _build_chain("beta")
    _build_chain("gamma")
    with_three = _changelist_query_counts(superuser_client)
    grown = {label: (with_one[label], n) for label, n in with_three.items() if n > with_one[label]}
    assert grown == {}, f"queries grew with the rows (one chain, three chains): {grown}"
    assert max(with_three.values()) <= 12, with_three


@pytest.mark.django_db
def test_admin_add_and_change_pages_load(superuser_client):
    _build_chain("delta")
    for model, model_admin in _project_model_admins():
        opts = model._meta
        request = type("R", (), {"user": get_user_model().objects.get(username="admin")})()
        if model_admin.has_add_permission(request):
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
            assert superuser_client.get(url).status_code == 200, url
        obj = model.objects.first()
        assert obj is not None, f"_build_chain made no {opts.label} row"
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        response = superuser_client.get(url)
        assert response.status_code == 200, url


@pytest.mark.django_db
def test_factory_api_key_admin_never_shows_the_hash_and_revokes(superuser_client):
    from production.models import FactoryApiKey

    _build_chain("eps")
    key = FactoryApiKey.objects.get()
    key.hashed_key = "f" * 64
    key.save()
    changelist = reverse("admin:production_factoryapikey_changelist")
    for url in (changelist, reverse("admin:production_factoryapikey_change", args=[key.pk]),
                reverse("admin:production_factory_change", args=[key.factory_id])):
        body = superuser_client.get(url).content.decode()
        assert key.prefix in body
        assert "f" * 64 not in body, url

    response = superuser_client.post(changelist, {"action": "revoke", "_selected_action": [key.pk]}, follow=True)
    assert response.status_code == 200
    key.refresh_from_db()
    assert key.revoked_at is not None
    assert "Revoked 1 API key" in response.content.decode()


@pytest.mark.django_db
def test_attribute_synonyms_are_edited_as_a_comma_separated_line(superuser_client):
    from analysis.models import Attribute

    response = superuser_client.post(
        reverse("admin:analysis_attribute_add"),
        {"kind": "pattern", "name": "mermaid", "synonyms": "mermaids, Mermaid Tail,  , mermaids"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    attribute = Attribute.objects.get(name="mermaid")
    assert attribute.synonyms == ["mermaids", "Mermaid Tail"]
    page = superuser_client.get(reverse("admin:analysis_attribute_change", args=[attribute.pk])).content.decode()
    assert "mermaids, Mermaid Tail" in page


@pytest.mark.django_db
def test_tasks_run_in_process_during_tests_whatever_the_broker():
    from core.models import TaskRun
    from core.tasks import ping

    assert ping.delay().get() == "pong"
    assert TaskRun.objects.filter(kind="core.ping", status=TaskRun.Status.DONE).count() == 1

"""Link 1's dashboard pages: upload with progress and report, run log, watchlists, keyword page."""

import datetime

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import TaskRun
from hotspots.models import AmazonKeywordMetric, KeywordColumnMapping, RelatedQuery, TrendImport, TrendPoint, TrendUpload, Watchlist
from hotspots.services import trend_upload_import, trend_upload_stage

from .conftest import RELATED, YEEZY
from .factories import CycleFactory, WatchKeywordFactory, WatchlistFactory, weekly_series
from .test_amazon import CEREBRO, GENERIC

pytestmark = pytest.mark.django_db


def upload(path, name=None):
    return SimpleUploadedFile(name or path.name, path.read_bytes(), content_type="text/csv")


def test_pages_are_staff_only(client, django_user_model):
    url = reverse("hotspots:import")
    assert client.get(url).status_code == 302
    user = django_user_model.objects.create_user("shopper", password="x")
    client.force_login(user)
    assert client.get(url).status_code == 403
    assert client.post(url, {"files": upload(YEEZY)}).status_code == 403
    assert not TrendImport.objects.exists()


def test_upload_several_files_runs_the_task_and_shows_the_per_file_report(staff_client, django_capture_on_commit_callbacks):
    broken = SimpleUploadedFile("broken.csv", b"Week,a: (US)\n2024-01-07,lots\n", content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(reverse("hotspots:import"), {"files": [upload(YEEZY), upload(CEREBRO), broken]})
    run = TaskRun.objects.get(kind="hotspots.import")
    assert response.status_code == 302 and response.url == reverse("hotspots:import_run", args=[run.pk])
    # Eager Celery on the embedded default: the task ran once the request committed.
    run.refresh_from_db()
    assert (run.status, run.done, run.total) == ("failed", 3, 3)
    assert run.message == "2 of 3 files imported" and run.error == "1 of 3 files failed"
    assert list(run.trend_imports.order_by("id").values_list("filename", "status", "new")) == [
        (YEEZY.name, "ok", 205), (CEREBRO.name, "ok", 4), ("broken.csv", "failed", 0),
    ]
    assert not TrendUpload.objects.exists()
    assert TrendPoint.objects.count() == 205 and AmazonKeywordMetric.objects.count() == 4
    page = staff_client.get(response.url)
    body = page.content.decode()
    assert "2 of 3 files imported" in body and "broken.csv, line 2, column &#x27;a: (US)&#x27;" in body
    assert 'id="import-report"' in body and "hx-get" not in body
    partial = staff_client.get(response.url, headers={"HX-Request": "true"})
    assert partial.templates[0].name == "hotspots/_import_run.html"


def test_pending_run_polls_and_a_run_is_imported_once(staff_client):
    run = trend_upload_stage(files=[(RELATED.name, RELATED.read_bytes())])
    body = staff_client.get(reverse("hotspots:import_run", args=[run.pk]), headers={"HX-Request": "true"}).content.decode()
    assert "hx-get" in body and "every 2s" in body and "Waiting for a worker" in body
    assert len(trend_upload_import(task_run_id=run.pk)) == 1
    assert trend_upload_import(task_run_id=run.pk) == []
    assert RelatedQuery.objects.count() == 50 and TrendImport.objects.count() == 1


def test_upload_with_a_saved_mapping_and_form_errors(staff_client, django_capture_on_commit_callbacks):
    mapping = KeywordColumnMapping.objects.create(
        name="FR", keyword="Term", search_volume="Monthly searches", competing_products="Listings", price="Avg price",
    )
    url = reverse("hotspots:import")
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(url, {"files": [upload(GENERIC)], "mapping": mapping.pk, "market": "fr",
                                           "snapshot": "2024-10-05"})
    assert response.status_code == 302
    assert AmazonKeywordMetric.objects.filter(tool="generic", market="FR", snapshot=datetime.date(2024, 10, 5)).count() == 2
    response = staff_client.post(url, {"mapping": mapping.pk})
    assert response.status_code == 200 and response.context["form"].errors["files"]
    response = staff_client.post(url, {"files": [upload(GENERIC)], "snapshot": "not a date"})
    assert response.status_code == 200 and "snapshot" in response.context["form"].errors
    assert TaskRun.objects.count() == 1


def test_too_many_files_are_refused_in_the_form(staff_client, monkeypatch):
    monkeypatch.setattr("hotspots.services.uploads.MAX_UPLOAD_FILES", 1)
    response = staff_client.post(reverse("hotspots:import"), {"files": [upload(YEEZY), upload(RELATED)]})
    assert response.status_code == 200 and "At most 1 files" in response.content.decode()
    assert not TaskRun.objects.exists() and not TrendUpload.objects.exists()


def test_import_page_and_run_log_query_counts(staff_client, django_assert_max_num_queries):
    for n in (1, 20):
        TrendImport.objects.all().delete()
        TrendImport.objects.bulk_create(
            TrendImport(filename=f"f{i}.csv", kind="multiTimeline", source="trends_export", status="ok") for i in range(n)
        )
        with django_assert_max_num_queries(7):
            response = staff_client.get(reverse("hotspots:imports") + "?source=trends_export&sort=-new")
        assert response.status_code == 200 and response.context["paginator"].count == n
        with django_assert_max_num_queries(7):
            assert staff_client.get(reverse("hotspots:import")).status_code == 200


def test_watchlist_create_edit_and_errors(staff_client):
    cycle = CycleFactory(number=3)
    url = reverse("hotspots:watchlist_create")
    response = staff_client.post(url, {"cycle": 3, "name": "Winter", "markets": "us, gb", "timeframe": "today 5-y",
                                       "keywords": "mermaid blanket, blanket\nsherpa throw\n\n"})
    watchlist = Watchlist.objects.get(cycle=cycle, name="Winter")
    assert response.status_code == 302 and watchlist.markets == ["US", "GB"]
    assert list(watchlist.keywords.values_list("keyword", "category", "origin")) == [
        ("mermaid blanket", "blanket", "manual"), ("sherpa throw", "", "manual"),
    ]
    bad = staff_client.post(url, {"cycle": 3, "name": "Bad", "markets": "US", "timeframe": "forever", "keywords": "x"})
    assert bad.status_code == 200 and "not a Google Trends timeframe" in bad.content.decode()
    assert not Watchlist.objects.filter(name="Bad").exists()

    edit = reverse("hotspots:watchlist_edit", args=[watchlist.pk])
    assert staff_client.get(edit).status_code == 200
    sherpa = watchlist.keywords.get(keyword="sherpa throw")
    assert watchlist.live_source == "pytrends"
    response = staff_client.post(edit, {"name": "Winter 2", "markets": "US, DE", "timeframe": "today 12-m",
                                        "keywords": "boho throw, throw", "remove": [sherpa.pk], "live_source": "serpapi"})
    assert response.status_code == 302
    watchlist.refresh_from_db()
    assert (watchlist.name, watchlist.markets, watchlist.timeframe) == ("Winter 2", ["US", "DE"], "today 12-m")
    assert watchlist.live_source == "serpapi"
    bad_source = staff_client.post(edit, {"name": "Winter 2", "markets": "US", "timeframe": "today 12-m",
                                          "live_source": "scraper"})
    assert bad_source.status_code == 200 and "scraper" in bad_source.content.decode()
    assert sorted(watchlist.keywords.values_list("keyword", flat=True)) == ["boho throw", "mermaid blanket"]
    response = staff_client.post(edit, {"name": "Winter 2", "markets": "U$", "timeframe": "today 12-m", "keywords": ""})
    assert response.status_code == 200 and "not a geo code" in response.content.decode()
    WatchlistFactory(cycle=cycle, name="Taken")
    response = staff_client.post(edit, {"name": "Taken", "markets": "US", "timeframe": "today 12-m", "keywords": "a"})
    assert response.status_code == 200 and "already has a watchlist" in response.content.decode()
    assert watchlist.keywords.count() == 2


def test_keyword_page_series_per_market_and_related_charts(staff_client, django_assert_max_num_queries):
    for market in ("US", "GB"):
        weekly_series(keyword="mermaid blanket", market=market, values=list(np.linspace(10, 60, 30)))
    RelatedQuery.objects.create(source="trends_export", keyword="mermaid blanket", market="US", kind="top",
                                query="mermaid tail blanket", value=100)
    RelatedQuery.objects.create(source="trends_export", keyword="mermaid blanket", market="US", kind="rising",
                                query="knitted mermaid tail", value=None, is_breakout=True)
    AmazonKeywordMetric.objects.create(tool="cerebro", keyword="mermaid blanket", market="US",
                                       snapshot=datetime.date(2024, 10, 1), search_volume=9000, competing_products=100)
    # Two more reads than series and related queries alone: regional interest and related topics.
    with django_assert_max_num_queries(10):
        response = staff_client.get(reverse("hotspots:keyword") + "?keyword=Mermaid%20Blanket")
    body = response.content.decode()
    assert response.status_code == 200
    assert '"name":"US"' in body and '"name":"GB"' in body and "Rising related queries" in body and "Breakout" in body
    assert "9000" in body
    assert staff_client.get(reverse("hotspots:keyword")).status_code == 404


def test_hotspot_list_links_to_the_new_pages(staff_client):
    cycle = CycleFactory()
    WatchKeywordFactory(watchlist=WatchlistFactory(cycle=cycle), keyword="mermaid blanket")
    body = staff_client.get(reverse("hotspots:list")).content.decode()
    for name in ("hotspots:import", "hotspots:imports", "hotspots:watchlist_create"):
        assert reverse(name) in body
    assert "/admin/django_celery_beat/periodictask/" in body


def test_upload_hostile_and_duplicate_files(staff_client, django_capture_on_commit_callbacks):
    garbage = SimpleUploadedFile("photo.csv", b"\x89PNG\r\n\x1a\n\x00\x00" * 50, content_type="text/csv")
    formula = SimpleUploadedFile("US_AMAZON_magnet_2024-01-01.csv",
                                 b'Keyword Phrase,Search Volume\n"=cmd|\' /C calc\'!A0",5\nthrow,7\n', content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(reverse("hotspots:import"), {"files": [upload(YEEZY), upload(YEEZY), garbage, formula]})
    run = TaskRun.objects.get(kind="hotspots.import")
    rows = list(run.trend_imports.order_by("id").values_list("filename", "status", "new", "unchanged", "rejected"))
    assert rows == [
        (YEEZY.name, "ok", 205, 0, 0), (YEEZY.name, "ok", 0, 205, 0), ("photo.csv", "failed", 0, 0, 0),
        ("US_AMAZON_magnet_2024-01-01.csv", "ok", 1, 0, 1),
    ]
    assert "binary content" in run.trend_imports.get(filename="photo.csv").error
    assert list(AmazonKeywordMetric.objects.values_list("keyword", flat=True)) == ["throw"]
    assert staff_client.get(response.url).status_code == 200


def test_watchlist_form_hostile_and_duplicate_keywords(staff_client):
    CycleFactory(number=1)
    url = reverse("hotspots:watchlist_create")
    response = staff_client.post(url, {"cycle": 1, "name": "<script>alert(1)</script>", "markets": "US", "timeframe": "today 5-y",
                                       "keywords": "<b>throw</b>\nMermaid Blanket\nmermaid   blanket\n"})
    watchlist = Watchlist.objects.get()
    assert response.status_code == 302
    assert list(watchlist.keywords.order_by("id").values_list("keyword", flat=True)) == ["<b>throw</b>", "Mermaid Blanket"]
    body = staff_client.get(watchlist.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;" in body
    response = staff_client.post(url, {"cycle": 1, "name": "Long", "markets": "US", "timeframe": "today 5-y",
                                       "keywords": "x" * 201})
    assert response.status_code == 200 and "too long" in response.content.decode()
    assert staff_client.post(url, {"cycle": 99, "name": "W", "markets": "US", "timeframe": "today 5-y"}).status_code == 200
    assert Watchlist.objects.count() == 1


def test_upload_report_shows_what_came_in_and_scores_the_cycle(staff_client, django_capture_on_commit_callbacks):
    from hotspots.models import Hotspot

    cycle = CycleFactory()
    watchlist = WatchlistFactory(cycle=cycle, markets=["US"])
    WatchKeywordFactory(watchlist=watchlist, keyword="yeezy")
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(reverse("hotspots:import"), {"files": [upload(YEEZY), upload(RELATED)]})
    body = staff_client.get(response.url).content.decode()
    series = TrendPoint.objects.first().series
    assert ">2015-05-03 –</span> <span class=\"text-nowrap\">2019-03-31<" in body
    assert "205 points" in body and "25 top · 25 rising" in body
    assert f'href="{reverse("hotspots:series", args=[series.pk])}"' in body
    assert f'href="{reverse("hotspots:keyword")}?keyword=airpod"' in body
    assert 'id="score-form"' in body and f'name="cycle" value="{cycle.number}"' in body
    assert "csrfmiddlewaretoken" in body

    with django_capture_on_commit_callbacks(execute=True):
        scored = staff_client.post(reverse("hotspots:score"), {"cycle": cycle.number})
    run = TaskRun.objects.get(kind="hotspots.score")
    assert scored.status_code == 302 and scored.url == reverse("hotspots:score_run", args=[run.pk])
    run.refresh_from_db()
    assert (run.status, run.percent, run.message) == ("done", 100, f"1 hotspot scored in cycle {cycle.number}")
    assert Hotspot.objects.get(cycle=cycle).keyword == "yeezy"
    page = staff_client.get(scored.url).content.decode()
    assert "1 hotspot scored" in page and "hx-get" not in page
    assert staff_client.get(reverse("hotspots:score")).status_code == 405


def test_score_button_needs_csrf_and_staff(client, django_user_model):
    cycle = CycleFactory()
    staff = django_user_model.objects.create_user("m", password="x", is_staff=True)
    csrf_client = type(client)(enforce_csrf_checks=True)
    csrf_client.force_login(staff)
    assert csrf_client.post(reverse("hotspots:score"), {"cycle": cycle.number}).status_code == 403
    client.force_login(django_user_model.objects.create_user("shopper", password="x"))
    assert client.post(reverse("hotspots:score"), {"cycle": cycle.number}).status_code == 403
    assert not TaskRun.objects.filter(kind="hotspots.score").exists()


def test_keyword_page_shows_regions_per_market_and_topics_apart(staff_client, django_assert_max_num_queries):
    from hotspots.models import RegionInterest, RelatedTopic

    for market, regions in (("US", {"Texas": 40, "Hawaii": 100, "Maine": None}), ("", {"Brazil": 70})):
        for region, value in regions.items():
            RegionInterest.objects.create(source="trends_export", keyword="mermaid blanket", market=market,
                                          region=region, value=value)
    RelatedTopic.objects.create(source="serpapi", keyword="mermaid blanket", market="US", kind="top", rank=1,
                                title="Mermaid", topic_type="Topic", value=0.5)
    RelatedTopic.objects.create(source="serpapi", keyword="mermaid blanket", market="US", kind="rising", rank=1,
                                title="Tail", value=None, is_breakout=True)
    with django_assert_max_num_queries(10):
        body = staff_client.get(reverse("hotspots:keyword") + "?keyword=mermaid%20blanket").content.decode()
    assert "Interest by region \\u00b7 US" in body and "Interest by region \\u00b7 world" in body
    # Ranked bars are drawn bottom-up, so the highest region comes last in the trace; an empty cell is left out.
    assert body.index('"Texas"') < body.index('"Hawaii"') and '"Maine"' not in body
    topics = body[body.index('id="related-topics"'):]
    assert "Mermaid" in topics and "&lt;1" in topics and "Breakout" in topics
    assert "No related queries imported." in body  # topics are not queries


def test_upload_names_the_keyword_and_market_of_files_that_do_not_say(staff_client, django_capture_on_commit_callbacks):
    from hotspots.models import RegionInterest, RelatedTopic

    from .test_real_exports import DATA

    files = [upload(DATA / "wagner666_relatedEntities_ptBR.csv"), upload(DATA / "araecaina_geoMap_ptBR_BR.csv")]
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(reverse("hotspots:import"), {"files": files, "market": "br", "keyword": " usf "})
    run = TaskRun.objects.get(kind="hotspots.import")
    assert response.url == reverse("hotspots:import_run", args=[run.pk])
    assert list(run.trend_imports.order_by("id").values_list("kind", "status", "new")) == [
        ("relatedEntities", "ok", 37), ("geoMap", "ok", 27),
    ]
    assert RelatedTopic.objects.filter(keyword="usf", market="BR").count() == 37
    assert RegionInterest.objects.filter(keyword="usf", market="BR").count() == 27
    body = staff_client.get(response.url).content.decode()
    assert "23 top · 14 rising" in body and "27 regions" in body


def test_an_upload_over_the_size_limit_is_refused_before_it_is_read(staff_client):
    from django.utils.datastructures import MultiValueDict

    from core.tests.uploads import UnreadableUpload
    from hotspots.forms import TrendUploadForm
    from hotspots.importers.common import MAX_BYTES

    form = TrendUploadForm(data={}, files=MultiValueDict({"files": [UnreadableUpload("huge.csv", MAX_BYTES + 1)]}))
    assert not form.is_valid()
    assert form.errors["files"] == [f"huge.csv is larger than 20 MB ({MAX_BYTES + 1:,} bytes)."]

    big = SimpleUploadedFile("big.csv", b"x" * (MAX_BYTES + 1), content_type="text/csv")
    response = staff_client.post(reverse("hotspots:import"), {"files": [upload(YEEZY), big]})
    assert response.status_code == 200 and "big.csv is larger than 20 MB" in response.content.decode()
    assert not TaskRun.objects.exists() and not TrendUpload.objects.exists() and not TrendPoint.objects.exists()

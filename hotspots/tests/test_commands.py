import io

import pytest
from django.core.management import call_command

from hotspots.models import TrendImport, TrendSeries

from .conftest import PT_BR, RELATED, YEEZY

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_trends", *map(str, args), stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


def test_import_trends_prints_one_line_per_file():
    code, out, _err = run(YEEZY, RELATED)
    assert code == 0
    assert f"{YEEZY.name}: multiTimeline, 205 new, 0 updated, 0 unchanged, 0 rejected" in out
    assert f"{RELATED.name}: relatedQueries, 50 new, 0 updated, 0 unchanged, 0 rejected" in out


def test_import_trends_exit_code_one_when_a_file_fails(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("Category: All categories\n\nWeek,a: (United States)\n2024-01-07,5\n2024-01-14,lots\n")
    code, out, _err = run(PT_BR, bad)
    assert code == 1
    assert "bad.csv: FAILED at line 5, field a: (United States): 'lots' is not a number from 0 to 100" in out
    assert TrendSeries.objects.filter(keyword="bb basico").exists()
    assert not TrendSeries.objects.filter(keyword="a").exists()
    assert TrendImport.objects.filter(status="failed").count() == 1


def test_import_trends_progress_for_many_files(tmp_path):
    files = []
    for i in range(12):
        path = tmp_path / f"f{i}.csv"
        path.write_text(f"Week,kw{i}: (Germany)\n2024-01-07,{i}\n")
        files.append(path)
    code, out, err = run(*files, "--demo")
    assert code == 0 and "... 10/12 files" in err and "... 12/12 files" in err
    assert "12 of 12 files imported" in out
    assert TrendSeries.objects.filter(market="DE", is_demo=True).count() == 12


def test_pull_trends_unknown_watchlist_is_a_clear_error():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No watchlist with id 999"):
        call_command("pull_trends", "--watchlist", "999")


def test_import_trends_names_the_market_and_keyword_of_files_that_do_not_say():
    from hotspots.models import RegionInterest, RelatedTopic

    from .test_real_exports import DATA

    geo, topics = DATA / "lmg807_geoMap_ko_KR.csv", DATA / "wagner666_relatedEntities_ptBR.csv"
    code, out, _err = run(geo, topics)
    assert code == 1 and "FAILED at line 3" in out and "FAILED at line 2" in out
    assert not RegionInterest.objects.exists() and not RelatedTopic.objects.exists()
    code, out, _err = run(geo, "--market", "KR")
    assert code == 0 and RegionInterest.objects.filter(market="KR").count() == 16
    code, out, _err = run(topics, "--market", "BR", "--keyword", "tempo")
    assert code == 0 and f"{topics.name}: relatedEntities, 37 new" in out
    assert RelatedTopic.objects.filter(keyword="tempo", market="BR").count() == 37

"""ISO 2859-1 single sampling, normal inspection, level II: sample sizes, acceptance numbers, verdicts."""

import pytest

from production import quality


@pytest.mark.parametrize(
    ("lot", "aql", "code", "n", "accept"),
    [
        (100, "2.5", "F", 20, 1),
        (300, "2.5", "H", 50, 3),
        (300, "4.0", "H", 50, 5),
        (1000, "2.5", "J", 80, 5),
        (1000, "4.0", "J", 80, 7),
        (2000, "1.5", "K", 125, 5),
        (5000, "2.5", "L", 200, 10),
        (20000, "4.0", "M", 315, 21),
        (60, "1.0", "E", 13, 0),
        (5, "6.5", "A", 2, 0),
    ],
)
def test_plan_matches_the_standard_table(lot, aql, code, n, accept):
    assert quality.sample_plan(lot_size=lot, aql=aql) == quality.SamplePlan(code=code, sample_size=n, accept=accept)


def test_arrow_cells_read_strictly():
    # Code letter D at AQL 2.5 is an arrow in the table: read as acceptance 0 at its own sample size.
    assert quality.sample_plan(lot_size=40, aql="2.5").accept == 0


def test_verdict_names_each_reason():
    verdict = quality.judge(lot_size=300, sample_size=50, critical=1, major=4, minor=6, aql_major="2.5", aql_minor="4.0")
    assert not verdict.passed and len(verdict.reasons) == 3
    ok = quality.judge(lot_size=300, sample_size=50, critical=0, major=3, minor=5, aql_major="2.5", aql_minor="4.0")
    assert ok.passed and ok.reasons == ()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"sample_size": 20}, "at least 50"),
        ({"sample_size": 400}, "larger than the lot"),
        ({"major": 30, "minor": 30}, "defects counted"),
        ({"aql_major": "3.0"}, "AQL must be one of"),
        ({"lot_size": 1}, "lot size"),
    ],
)
def test_impossible_inspections_are_errors(kwargs, message):
    args = {"lot_size": 300, "sample_size": 50, "critical": 0, "major": 0, "minor": 0, "aql_major": "2.5", "aql_minor": "4.0"}
    with pytest.raises(quality.QualityError, match=message):
        quality.judge(**(args | kwargs))

"""Final-inspection sampling (ISO 2859-1 / ANSI Z1.4): single sampling, normal inspection, level II.

Pure arithmetic, no database. ``sample_plan(lot_size, aql)`` gives the sample size to
draw and the most defects it may hold and still pass. Where the standard's table
points to another row (an arrow), this takes the stricter reading: acceptance 0
at the row's own sample size.
"""

from dataclasses import dataclass

# (largest lot size, code letter, sample size)
LOT_TO_CODE = [
    (8, "A", 2), (15, "B", 3), (25, "C", 5), (50, "D", 8), (90, "E", 13), (150, "F", 20),
    (280, "G", 32), (500, "H", 50), (1200, "J", 80), (3200, "K", 125), (10000, "L", 200),
    (35000, "M", 315), (150000, "N", 500), (500000, "P", 800), (None, "Q", 1250),
]
CODES = [code for _, code, _ in LOT_TO_CODE]
# The code letter at which each AQL's column starts with acceptance 0; the column then runs
# 0, (arrow up), (arrow down), 1, 2, 3, 5, 7, 10, 14, 21 down the letters.
COLUMN_START = {"1.0": "E", "1.5": "D", "2.5": "C", "4.0": "B", "6.5": "A"}
COLUMN = [0, 0, 0, 1, 2, 3, 5, 7, 10, 14, 21]
AQLS = tuple(COLUMN_START)


class QualityError(ValueError):
    pass


@dataclass(frozen=True)
class SamplePlan:
    code: str
    sample_size: int
    accept: int


def sample_plan(*, lot_size: int, aql: str) -> SamplePlan:
    if isinstance(lot_size, bool) or not isinstance(lot_size, int) or lot_size < 2:
        raise QualityError(f"lot size must be a whole number of at least 2, got {lot_size!r}")
    if aql not in COLUMN_START:
        raise QualityError(f"AQL must be one of {', '.join(AQLS)}, got {aql!r}")
    code, sample_size = next((c, n) for limit, c, n in LOT_TO_CODE if limit is None or lot_size <= limit)
    sample_size = min(sample_size, lot_size)
    offset = CODES.index(code) - CODES.index(COLUMN_START[aql])
    if offset < 0:
        accept = 0
    else:
        accept = COLUMN[min(offset, len(COLUMN) - 1)]
    return SamplePlan(code=code, sample_size=sample_size, accept=accept)


@dataclass(frozen=True)
class Verdict:
    passed: bool
    required_sample_size: int
    accept_major: int
    accept_minor: int
    reasons: tuple[str, ...]


def judge(*, lot_size: int, sample_size: int, critical: int, major: int, minor: int, aql_major: str, aql_minor: str) -> Verdict:
    """Pass or fail an inspection. A sample smaller than the plan's is an error, not a failure."""
    major_plan = sample_plan(lot_size=lot_size, aql=aql_major)
    minor_plan = sample_plan(lot_size=lot_size, aql=aql_minor)
    if sample_size < major_plan.sample_size:
        raise QualityError(
            f"a lot of {lot_size} needs a sample of at least {major_plan.sample_size} "
            f"(code letter {major_plan.code}), got {sample_size}"
        )
    if sample_size > lot_size:
        raise QualityError(f"the sample ({sample_size}) cannot be larger than the lot ({lot_size})")
    if critical + major + minor > sample_size:
        raise QualityError(f"{critical + major + minor} defects counted in a sample of {sample_size}")
    reasons = []
    if critical:
        reasons.append(f"{critical} critical defect(s); none is accepted")
    if major > major_plan.accept:
        reasons.append(f"{major} major defects, at most {major_plan.accept} accepted at AQL {aql_major}")
    if minor > minor_plan.accept:
        reasons.append(f"{minor} minor defects, at most {minor_plan.accept} accepted at AQL {aql_minor}")
    return Verdict(
        passed=not reasons,
        required_sample_size=major_plan.sample_size,
        accept_major=major_plan.accept,
        accept_minor=minor_plan.accept,
        reasons=tuple(reasons),
    )

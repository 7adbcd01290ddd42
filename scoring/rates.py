"""The one rule for every rate and count: which findings enter a denominator, and the rate they make.

Only findings with a verdict (`pass`, `partial`, `fail`) count. `needs_review` (automation unsure),
`not_checked` (could not check) and `not_applicable` are left out of every denominator — totals,
categories, items — and out of every count of sites an item was judged on. A guess either way
would rank a named institution on something nobody confirmed.

The engine's `Score` rows, the ranking page's category and item rates, and the site page all call
`rate_of`, so a figure on any page can be recomputed from `findings.csv` with this rule alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from xxgk.store import FAIL, NEEDS_REVIEW, NOT_APPLICABLE, NOT_CHECKED, PARTIAL, PASS

COUNTED = (PASS, PARTIAL, FAIL)
EXCLUDED = (NEEDS_REVIEW, NOT_CHECKED, NOT_APPLICABLE)

RULE = ("得分率 = 得分 ÷ 可评分值 × 100%；待人工复核、未能检查和不适用的事项不计入分母，"
        "也不计入参评网站数。")


def counts(status: object) -> bool:
    """Whether a finding of this status enters denominators and site counts."""
    return status in COUNTED


@dataclass(frozen=True)
class Rate:
    """Points earned over eligible points of the counted findings; `percent` is None when none is eligible."""

    points: float
    eligible: float
    maximum: float  # every finding's max points, counted or not (the 满分 shown beside the rate)
    counted: int  # findings that entered the denominator

    @property
    def percent(self) -> float | None:
        return round(self.points / self.eligible * 100, 2) if self.eligible > 0 else None


def rate_of(rows: Iterable[tuple[object, float, float]]) -> Rate:
    """The rate of (status, points, max_points) rows under the rule above."""
    points = eligible = maximum = 0.0
    counted = 0
    for status, pts, mx in rows:
        maximum += float(mx)
        if counts(status):
            points += float(pts)
            eligible += float(mx)
            counted += 1
    return Rate(round(points, 4), round(eligible, 4), round(maximum, 4), counted)

"""The held-out v3 sample set, audited whole, equals its ground truth (no crawler is tuned on it).

Figures and their definitions: `tests/e2e/heldout.py` (also `python -m tests.e2e.heldout --set heldout`).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.heldout import PortalFigures, expected_veto_statuses, measure, table
from xxgk.samples.v3 import recipes

pytestmark = pytest.mark.e2e
MIN_F1 = 0.99


@pytest.fixture(scope="module")
def figures(tmp_path_factory: pytest.TempPathFactory) -> list[PortalFigures]:
    return measure("heldout", Path(tmp_path_factory.mktemp("heldout")))


def test_every_heldout_portal_was_crawled(figures: list[PortalFigures]) -> None:
    assert [f.slug for f in figures] == [r.slug for r in recipes("heldout")]
    assert all(f.crawl_status == "done" for f in figures), table(figures)


def test_column_and_item_extraction_f1(figures: list[PortalFigures]) -> None:
    low = [f.slug for f in figures if f.columns_prf[2] < MIN_F1 or f.items_prf[2] < MIN_F1]
    assert not low, f"F1 < {MIN_F1} on {low}\n{table(figures)}"


def test_every_verdict_equals_ground_truth(figures: list[PortalFigures]) -> None:
    wrong = {f.slug: f.wrong[:8] for f in figures if f.verdicts_equal != f.verdicts}
    assert not wrong, f"{wrong}\n{table(figures)}"


def test_no_false_missing(figures: list[PortalFigures]) -> None:
    assert sum(f.false_missing for f in figures) == 0, table(figures)


def test_figures_count_hits_and_false_missing() -> None:
    """The measurement itself: precision / recall / F1 and the verdict comparison on known numbers."""
    f = PortalFigures("x", "university", "vsb", "left", "done", columns_truth=10, columns_found=8, columns_hit=8,
                      items_truth=100, items_found=0, items_hit=0, verdicts=50, verdicts_equal=40, false_missing=3,
                      wrong=[])
    assert f.columns_prf == (1.0, 0.8, pytest.approx(2 * 0.8 / 1.8))
    assert f.items_prf == (0.0, 0.0, 0.0)
    gov = {"inspection": {"veto": ["栏目不更新：空白栏目≥5个", "服务不实用"]}}
    assert expected_veto_statuses(gov) == {"V2": "pass", "V3": "pass", "V4": "fail", "V5": "needs_review",
                                           "V6": "fail"}


def test_discovery_fetches_at_most_1_2_pages_per_page_holding_columns_or_items(
        figures: list[PortalFigures]) -> None:
    worst = {f.slug: round(f.fetch_ratio, 2) for f in figures if f.fetch_ratio > 1.2 or not f.pages_useful}
    assert not worst, f"{worst}\n{table(figures)}"

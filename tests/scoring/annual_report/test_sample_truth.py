"""The sample reports' truth is made without the scorer: its own deadline rule and its own copy of the
official labels, so a scorer bug cannot agree with itself."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest

from scoring.annual_report import formats as F
from scoring.annual_report.checks import deadline_for
from xxgk.samples.annual_reports import official as O
from xxgk.samples.annual_reports.build import sample_deadline


def test_sample_builder_imports_nothing_from_scoring() -> None:
    code = ("import sys, xxgk.samples.annual_reports as a; a.build_report('示例市财政局', 2023, 'html');"
            "bad = [m for m in sys.modules if m == 'scoring' or m.startswith('scoring.')]; print(bad)")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr[-2000:]
    assert res.stdout.strip() == "[]"


@pytest.mark.parametrize(("kind", "year", "due"), [
    ("department", 2023, dt.date(2024, 1, 31)),  # 条例第四十九条
    ("government", 2023, dt.date(2024, 3, 31)),
    ("department", 2017, dt.date(2018, 3, 31)),  # 2008 条例: every report by 3月31日
    ("government", 2018, dt.date(2019, 3, 31)),
    ("university", (2022, 2023), dt.date(2023, 10, 31)),
])
def test_sample_deadline_rule_from_the_reference(kind: str, year: int | tuple[int, int], due: dt.date) -> None:
    assert sample_deadline(kind, year) == due
    assert deadline_for(kind, year) == due  # the scorer, written separately, agrees


def test_two_copies_of_the_official_labels_agree() -> None:
    assert O.T3_ROWS == F.T3_ROWS and O.T3_COLUMNS == F.T3_COLUMNS
    assert O.T2_2019 == F.T2_2019 and O.T2_2021 == F.T2_2021 and O.T4_COLUMNS == F.T4_COLUMNS
    assert [h for _k, h in O.GOV_SECTIONS] == [h for _k, h, _g in F.GOV_SECTIONS]

"""The government portals' 年报 columns: real reports served as pages or files, and the truth derived from them."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from scoring.annual_report import parse_report
from xxgk.samples import generate_world
from xxgk.samples.gov_reports import ITEMS, PLANS, deadline, due_year
from xxgk.samples.manifest import expected_outcome


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("arworld")
    generate_world(out, seed=2024, n_universities=0, n_governments=len(PLANS), include_down=True)
    return out


def _govs(world: Path) -> list[dict[str, Any]]:
    data = json.loads((world / "world.json").read_text(encoding="utf-8"))
    return [json.loads((world / p["manifest"]).read_text(encoding="utf-8")) for p in data["portals"]]


def test_due_year_follows_the_31_march_deadline() -> None:
    assert due_year(dt.date(2026, 3, 31)) == 2024  # the deadline day itself: 2025 is not overdue yet
    assert due_year(dt.date(2026, 4, 1)) == 2025
    assert due_year(dt.date(2026, 11, 1)) == 2025 and deadline(2025) == dt.date(2026, 3, 31)


def test_reports_are_listed_in_the_column_with_their_dates(world: Path) -> None:
    for m in _govs(world):
        ar = m["annual_report"]
        col = next(c for c in m["columns"] if c["url"] == ar["column_url"])
        if m["down"]:
            assert ar["reports"] == [] and {e["status"] for e in ar["expected"].values()} == {"not_checked"}
            continue
        items = {i["url"]: i for i in col["items"]}
        years = sorted(r["year"] for r in ar["reports"])
        assert years[-1] == ar["due_year"] == 2025 and years[0] == 2020, m["slug"]
        for r in ar["reports"]:
            item = items[r["url"]]
            assert item["title"] == r["title"] and item["date"] == r["published"], (m["slug"], r["year"])
            assert r["title"] == f"{r['unit']}{r['year']}年政府信息公开工作年度报告"
            assert r["own"] == (r["unit"] == m["name"])
            late = r["published"] > r["deadline"]
            assert late == ("late" in r["errors"]), (m["slug"], r["year"])
            assert r["version"] == ("2019" if r["year"] < 2021 or "old_format" in r["errors"] else "2021")
            if r["attachment_url"]:
                att = next(a for a in item["attachments"] if a["url"] == r["attachment_url"])
                assert att["annual_report"] and att["scanned"] == (r["format"] == "scan")


def test_served_reports_read_back_as_their_truth(world: Path) -> None:
    """What the portal serves (page or file) is the report the truth describes."""
    seen = set()
    for m in _govs(world):
        for r in m["annual_report"]["reports"]:
            path = world / m["slug"] / (r["attachment_url"] or r["url"]).lstrip("/")
            rep = parse_report(path.read_bytes(), path.name)
            seen.add(r["format"])
            if not r["readable"]:
                assert rep.needs_review and not rep.tables, path
                continue
            assert (rep.title, rep.year, rep.unit) == (r["title"], r["year"], r["unit"]), path
            assert rep.tables["t3"]["version"] == r["version"], path
            if r["published_as"] == "page":  # the article page, in the portal's own encoding
                assert path.read_bytes().decode(m["encoding"]).count(r["title"]) >= 1
    assert seen == {"html", "pdf", "docx", "scan"}


def test_expected_outcome_rules() -> None:
    base = {"own": True, "year": 2025, "published": "2026-03-31", "deadline": "2026-03-31", "readable": True,
            "format": "html", "errors": [], "version": "2021", "sum_failures": []}
    prev = {**base, "year": 2024, "published": "2025-03-01", "deadline": "2025-03-31"}

    def statuses(*reports: dict[str, Any], down: bool = False) -> dict[str, str]:
        return {k: v["status"] for k, v in expected_outcome(list(reports), 2025, down=down).items()}

    assert set(statuses(base, prev).values()) == {"pass"} and set(statuses(base)) == set(ITEMS)
    assert statuses(base)["R5"] == "not_checked"
    assert set(statuses(down=True).values()) == {"not_checked"}
    assert set(statuses(prev, {**base, "own": False}).values()) == {"fail"}
    late = statuses({**base, "published": "2026-04-01", "errors": ["late"]}, prev)
    assert late["P1"] == "fail" and late["P2"] == "pass"
    scan = statuses({**base, "readable": False, "format": "scan"}, prev)
    assert scan["P1"] == "pass" and {scan[i] for i in ITEMS[1:]} == {"needs_review"}
    sums = statuses({**base, "sum_failures": [{"rule": "R3", "column": "总计"}, {"rule": "R5", "column": "自然人"}]},
                    prev)
    assert (sums["R3"], sums["R5"], sums["R1"]) == ("fail", "fail", "pass")
    old = statuses({**base, "version": "2019", "errors": ["old_format", "missing_section"]}, prev)
    assert (old["C1"], old["C2"]) == ("fail", "fail")
    assert statuses(base, {**prev, "readable": False})["R5"] == "not_checked"

"""Finding reports: titles, years, units, look-alikes, own report vs other bodies', list dates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from scoring.annual_report import best_by_year, find_reports, is_annual_report_title, report_unit, report_year
from scoring.annual_report.find import same_unit


@pytest.mark.parametrize("title,year", [
    ("柘城县人民法院 2017年政府信息公开工作年度报告", 2017),
    ("柘城县地方税务局 2017年度政府信息公开报告", 2017),
    ("柘城县文化广电旅游局2017年政府信息公开工作报告", 2017),
    ("柘城县人民医院2017年政务信息公开报告", 2017),
    ("柘城县发改委2017政府信息公开工作年度报告", 2017),
    ("柘城县扶贫办2017年政府信息年度报告", 2017),
    ("吉林农业大学2023—2024学年信息公开工作报告", (2023, 2024)),
    ("《某大学2022～2023学年信息公开工作年度报告》", (2022, 2023)),
    ("某学院2021-2022学年信息公开年度报告", (2021, 2022)),
    ("某市二〇二三年政府信息公开工作年度报告", 2023),
])
def test_report_titles(title: str, year: object) -> None:
    assert is_annual_report_title(title)
    assert report_year(title) == year


@pytest.mark.parametrize("title", [
    "柘城县起台镇2017年度报告编制公布工作总结",
    "某区2023年政务公开工作报告",
    "关于召开2023年政府信息公开工作会议的通知",
    "我局召开2024年政务公开工作部署会",
    "政府信息公开工作年度报告",  # no year: a column name, not a report
    "2023年政府信息公开工作要点",
])
def test_look_alikes(title: str) -> None:
    assert not is_annual_report_title(title)


def test_units() -> None:
    assert report_unit("柘城县 “互联网+”经济发展促进中心 2017政府信息公开工作 年度报告") == '柘城县"互联网+"经济发展促进中心'
    assert report_unit("2023年政府信息公开工作年度报告") == ""
    assert same_unit("柘城县", "柘城县人民政府") and not same_unit("柘城县", "柘城县财政局")
    assert same_unit("柘城县财政局", "河南省柘城县财政局")


@dataclass
class It:
    id: int
    title: str
    url: str
    published: dt.date | None
    column_id: int = 1
    article_date: dt.date | None = None


def _list_items(path: Path) -> list[It]:
    soup = BeautifulSoup(path.read_bytes().decode("utf-8", "replace"), "lxml")
    out = []
    for i, li in enumerate(soup.find_all("li")):
        a, span = li.find("a"), li.find("span", class_="time")
        if a and span:
            out.append(It(i, a.get_text(strip=True), a["href"], dt.date.fromisoformat(span.get_text(strip=True))))
    return out


def test_real_list_pages_own_and_other_units(zhecheng: Path) -> None:
    dept = _list_items(zhecheng / "gov-annual-report-list-dept-zhecheng-2018.html")
    assert len(dept) == 15 and all(is_annual_report_title(i.title) for i in dept)
    found = find_reports(dept, ["柘城县财政局"], {1: "信息公开年报/部门年报"})
    own = [f for f in found if f.own]
    assert [f.unit for f in own] == ["柘城县财政局"] and own[0].in_report_column
    assert own[0].published == dt.date(2018, 3, 27) and own[0].year == 2017
    assert len(found) == 15  # the other bodies' reports are found but not taken as the unit's own
    town = _list_items(zhecheng / "gov-annual-report-list-township-zhecheng-2018.html")
    assert any("编制公布工作总结" in i.title for i in town)
    assert not any("编制公布工作总结" in f.title for f in find_reports(town, ["柘城县起台镇"]))


def test_best_by_year_prefers_report_column_and_skips_others() -> None:
    items = [It(1, "某县2023年政府信息公开工作年度报告", "http://x/a", dt.date(2024, 3, 1), 2),
             It(2, "某县2023年政府信息公开工作年度报告", "http://x/b", dt.date(2024, 3, 2), 1),
             It(3, "某县教育局2023年政府信息公开工作年度报告", "http://x/c", dt.date(2024, 1, 2), 1),
             It(4, "某县2022年政府信息公开工作年度报告", "http://x/d", dt.date(2023, 3, 2), 1)]
    found = find_reports(items, ["某县人民政府"], {1: "政府信息公开/年报", 2: "新闻动态"})
    best = best_by_year(found)
    assert sorted(best) == [2022, 2023] and best[2023].url == "http://x/b"

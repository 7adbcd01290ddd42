"""One `parse_date` (xxgk.pagemeta) for page metadata and for the dates annual reports state.

The cases are those of both former copies: the page reader's (meta tags, 发布日期 blocks, date lines)
and the annual-report reader's (发布日期 in report text, the date a text copy states).
"""

from __future__ import annotations

import datetime as dt

import pytest

from scoring.annual_report.text import published_in_text
from xxgk.pagemeta import parse_date, read_page_meta

D = dt.date(2025, 3, 10)


@pytest.mark.parametrize("text", [
    "2025-03-10", "2025-3-10", "2025/3/10", "2025.03.10", "2025年3月10日", "2025 年 3 月 10 日",
    "2025年03月10日 15:35", "2025-03-10 15:35", "发布时间：2025-03-10", "[2025-03-10]",
    "２０２５年３月１０日", "２０２５－０３－１０",  # full-width digits, as Word copies print them
])
def test_dates_both_readers_met(text: str) -> None:
    assert parse_date(text) == D


@pytest.mark.parametrize("text", [
    None, "", "2025年3月", "03-10", "2023—2024学年", "12025-03-10", "2025-03-100", "2025-02-30",
    "第2025号", "20250310",
])
def test_no_date(text: str | None) -> None:
    assert parse_date(text) is None


def test_the_first_valid_date_wins() -> None:
    assert parse_date("成文日期：2025-03-01 发布日期：2025-03-10") == dt.date(2025, 3, 1)


def test_annual_report_text_and_page_meta_agree() -> None:
    assert published_in_text("标题：某县2024年政府信息公开工作年度报告\n发布日期：2025-03-10 15:35") == D
    assert published_in_text("发布日期： ２０２５年３月１０日") == D
    assert published_in_text("日期：2025年2月30日 其他") is None
    page = '<html><head><meta name="PubDate" content="2025-03-10 15:35"></head><body><h1>年报</h1></body></html>'
    assert read_page_meta(page).published == D

"""Date parsing in the formats list pages use."""

from __future__ import annotations

import datetime as dt

import pytest

from crawler.extract.dates import date_from_url, looks_like_date, parse_date

D = dt.date(2024, 5, 1)


@pytest.mark.parametrize(
    "text",
    [
        "2024-05-01",
        "2024/05/01",
        "2024.05.01",
        "2024年5月1日",
        "2024年05月01日",
        "[2024-05-01]",
        "（2024-5-1）",
        " \n 2024-05-01 \n ",
        "发布时间：2024-05-01 10:22:33",
        "2024-5-1",
        "【2024.5.1】",
        "2024 年 5 月 1 日",
    ],
)
def test_full_dates(text: str) -> None:
    assert parse_date(text) == D


def test_month_day_needs_year_context() -> None:
    assert parse_date("05-01") is None
    assert parse_date("05-01", year=2024) == D
    assert parse_date("5月1日", year=2024) == D
    assert parse_date("[05/01]", year=2024) == D


@pytest.mark.parametrize("text", ["", None, "无", "第2024号", "13-45", "2024-13-01", "2023-02-30", "共126条"])
def test_not_dates(text) -> None:
    assert parse_date(text, year=2024 if text == "13-45" else None) is None


def test_compact_only_on_request() -> None:
    assert parse_date("t20240501_123") is None
    assert parse_date("20240501", compact=True) == D


def test_looks_like_date() -> None:
    assert looks_like_date(" 2024-05-01 ")
    assert looks_like_date("[2024-05-01]")
    assert looks_like_date("2024-05-01 17:40:20")
    assert not looks_like_date("关于2024-05-01会议的通知")


def test_date_from_url() -> None:
    assert date_from_url("http://x.gov.cn/zfwj/202405/t20240501_1353179.html") == D
    assert date_from_url("http://www.zhecheng.gov.cn/xxgk/xxgkml/gsgg/2024-05-01/48.html") == D
    assert date_from_url("http://x.edu.cn/info/1039/3193.htm") is None

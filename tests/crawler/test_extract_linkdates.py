"""The home page's link-date reader: a date is read beside each title link whatever the row markup."""

from __future__ import annotations

import datetime as dt

from parsel import Selector

from crawler.extract.linkdates import link_dates, newest_link_date, title_links

BASE = "http://x.gov.cn/"
ROWS = """<html><body><div class=top>今天是2026年12月7日 星期一</div>
<div class="xw"><div class="row"><div class="t"><a href="/a/1.html" title="关于开展安全检查的通知">关于开展安全…</a></div>
<div class="d">2026-11-30</div></div>
<div class="row"><div class="t"><a href="/a/2.html">县政府召开常务会议</a></div><div class="d">2026-11-20</div></div></div>
<ul><li><a href="/b/1.html">2026年12月1日起施行的规定</a> <span>2026-10-02</span></li></ul>
<p><a href="/c.html">政策解读一则</a> 2026/09/09</p>
<table><tr><td><a href="/d.html">表格行的标题</a></td><td>[2026-08-08]</td></tr></table>
<a href="/e.html">链接里的日期<span>2026年7月7日</span></a>
<div class=nav><a href="/f.html">首页</a><a href="/g.html">没有日期的栏目</a></div>
<div>版权所有 更新于 2026-12-06</div></body></html>"""


def test_every_row_shape_gets_its_own_date() -> None:
    got = {d.url.removeprefix(BASE): (d.title, d.date.isoformat()) for d in link_dates(Selector(ROWS), BASE)}
    assert got == {
        "a/1.html": ("关于开展安全检查的通知", "2026-11-30"),  # div row with title div + date div
        "a/2.html": ("县政府召开常务会议", "2026-11-20"),
        "b/1.html": ("2026年12月1日起施行的规定", "2026-10-02"),  # the title's own date is not the row's
        "c.html": ("政策解读一则", "2026-09-09"),  # tail text of the link inside a p
        "d.html": ("表格行的标题", "2026-08-08"),
        "e.html": ("链接里的日期2026年7月7日", "2026-07-07"),
    }


def test_dates_not_beside_a_link_are_not_read() -> None:
    # the 今天是 banner and the footer's 更新于 date are newer than every item, and must not count
    assert newest_link_date(Selector(ROWS), BASE, not_after=dt.date(2026, 12, 7)) == dt.date(2026, 11, 30)


def test_a_container_of_two_items_does_not_lend_one_items_date_to_the_other() -> None:
    html = "<div><a href='/1'>第一条信息标题</a><a href='/2'>第二条信息标题</a> 2026-05-01</div>"
    assert [d.url for d in link_dates(Selector(html), BASE)] == [BASE + "2"]


def test_future_dates_are_ignored_and_undated_pages_give_none() -> None:
    html = "<ul><li><a href='/1'>会议预告标题</a> 2027-03-01</li></ul>"
    assert newest_link_date(Selector(html), BASE, not_after=dt.date(2026, 12, 7)) is None
    assert newest_link_date(Selector("<ul><li><a href='/1'>无日期标题</a></li></ul>"), BASE,
                            not_after=dt.date(2026, 12, 7)) is None


def test_title_links_are_distinct_and_capped() -> None:
    assert title_links(Selector(ROWS), BASE, 3) == [BASE + "a/1.html", BASE + "a/2.html", BASE + "b/1.html"]

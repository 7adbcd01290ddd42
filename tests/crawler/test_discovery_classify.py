"""An empty column that says so (暂无信息) under its own long title is empty, not a content page."""

from __future__ import annotations

from parsel import Selector

from crawler.discovery.classify import says_empty
from crawler.discovery.content import main_text

TITLE = "考生个人录取信息查询渠道和办法，分批次、分科类录取人数和录取最低分"


def _page(body: str) -> Selector:
    return Selector(f"<html><body><div class='nav'><a href='/'>首页</a></div><div class='main'>"
                    f"<div class='t'><h2>{TITLE}</h2></div>{body}</div>"
                    "<div class='foot'>主办单位：某某大学 技术支持：信息中心</div></body></html>")


def test_title_banner_and_no_data_marker_are_an_empty_column() -> None:
    sel = _page("<div class='wp_articlecontent'><p>某某大学信息公开专栏</p></div><div><p>暂无信息</p></div>")
    body = main_text(sel)
    assert len(body.replace(" ", "")) >= 30  # the title alone passes the content length
    assert says_empty(sel)


def test_real_text_beside_a_no_data_widget_is_content() -> None:
    text = "本校招生录取信息可通过学校本科招生网查询，录取人数和最低分按批次、科类逐一公布，考生可凭准考证号查询个人录取结果。"
    sel = _page(f"<div class='body'><p>{text}</p></div><div class='side'><span>相关附件：暂无数据</span></div>")
    assert not says_empty(sel)


def test_short_text_without_a_no_data_marker_is_not_judged_empty() -> None:
    # a short content page (监督电话) must never be made blank by this rule: it needs the page's own words
    sel = _page("<div class='body'><p>监督电话：0731-12345678</p></div>")
    assert not says_empty(sel)


def test_breadcrumb_links_beside_the_marker_are_not_content() -> None:
    # 当前位置 trail + short title + banner + 暂无信息: the trail's link text passed the content bar
    sel = Selector("<html><body><div class='main'><div class='position'>当前位置：<a href='/'>首页</a> &gt; "
                   "<a href='/x.htm'>学风建设信息</a> &gt; <a href='/y.htm'>学术不端行为查处机制</a></div>"
                   "<h2>学术不端行为查处机制</h2><div class='v_news_content'><p>某某大学信息公开专栏</p></div>"
                   "<div class='list-box'><p class='nodata'>暂无信息</p></div></div></body></html>")
    assert len(main_text(sel).replace(" ", "")) >= 30
    assert says_empty(sel)

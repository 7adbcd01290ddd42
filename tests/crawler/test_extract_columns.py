"""Column-tree extraction, entry detection and site scope on small hand-written snippets."""

from __future__ import annotations

from parsel import Selector

from crawler.extract.columns import column_name, generic_tree
from crawler.extract.html import Scope, page_key, registered_domain
from crawler.spiders.portal import find_entry

BASE = "http://xxgk.example.edu.cn/index.htm"


def _names(nodes) -> list:
    return [(n.name, n.url, _names(n.children)) if n.children else (n.name, n.url) for n in nodes]


def test_nested_menu_with_javascript_group_headers() -> None:
    html = """<div class="leftmenu"><ul class="menu">
      <li><a href="javascript:;"><span>1、基本信息</span></a><ul class="sub">
        <li><a href="/jbxx/xxjj.htm">学校简介</a></li><li><a href="/jbxx/xxzc.htm">学校章程</a></li></ul></li>
      <li><a href="/ndbg.htm">（2）年度报告</a></li>
      <li><a href="index.htm">首页</a></li></ul></div>"""
    tree = generic_tree(Selector(text=html), BASE, skip_urls={BASE})
    assert _names(tree) == [
        (
            "基本信息",
            None,
            [
                ("学校简介", "http://xxgk.example.edu.cn/jbxx/xxjj.htm"),
                ("学校章程", "http://xxgk.example.edu.cn/jbxx/xxzc.htm"),
            ],
        ),
        ("年度报告", "http://xxgk.example.edu.cn/ndbg.htm"),
    ]


def test_table_nav_with_linked_group_rows() -> None:
    html = """<table class="gl_left"><tr><td colspan="2" class="gl_lm1"><a href="jbxx/">基本信息</a></td></tr>
      <tr><td><img src="i.gif"></td><td><a href="jbxx/xxzc/">学校章程</a></td></tr>
      <tr><td colspan="2" class="gl_lm1">招生考试信息</td></tr>
      <tr><td><img src="i.gif"></td><td><a href="zsks/zszc/">招生章程</a></td></tr></table>"""
    tree = generic_tree(Selector(text=html), "http://x.edu.cn/xxgk/index.html")
    assert _names(tree) == [
        ("基本信息", "http://x.edu.cn/xxgk/jbxx/", [("学校章程", "http://x.edu.cn/xxgk/jbxx/xxzc/")]),
        ("招生考试信息", None, [("招生章程", "http://x.edu.cn/xxgk/zsks/zszc/")]),
    ]


def test_footer_and_dated_lists_are_not_nav() -> None:
    html = """<div class="side-nav"><ul><li><a href="/a.htm">栏目甲</a></li></ul></div>
      <div class="news-list"><ul><li><a href="/n1.htm">新闻一</a><span>2024-05-01</span></li>
        <li><a href="/n2.htm">新闻二</a><span>2024-05-02</span></li></ul></div>
      <div class="footer"><ul class="links-nav"><li><a href="/lxwm.htm">联系我们</a></li></ul></div>"""
    assert _names(generic_tree(Selector(text=html), BASE)) == [("栏目甲", "http://xxgk.example.edu.cn/a.htm")]


def test_column_name_drops_catalogue_numbering() -> None:
    assert column_name(" 1、基本信息 ") == "基本信息"
    assert column_name("（12）学校章程") == "学校章程"
    assert column_name("十、其他") == "其他"
    assert column_name("2024年度报告") == "2024年度报告"
    assert column_name("“十四五”发展规划") == "“十四五”发展规划"


def test_find_entry() -> None:
    html = """<div class="nav"><a href="/">首页</a><a href="/xxgk/zn.htm">信息公开指南</a>
      <a href="http://xxgk.example.edu.cn/">信息公开网</a></div>"""
    assert find_entry(Selector(text=html), "http://www.example.edu.cn/") == "http://xxgk.example.edu.cn/"
    img = '<a href="/zwgk/index.html"><img src="x.png" alt="政府信息公开"></a>'
    assert find_entry(Selector(text=img), "http://www.x.gov.cn/") == "http://www.x.gov.cn/zwgk/index.html"
    assert find_entry(Selector(text='<a href="/zn.htm">信息公开指南</a>'), "http://x.cn/") is None


def test_scope_and_domains() -> None:
    assert registered_domain("xxgk.nju.edu.cn") == "nju.edu.cn"
    assert registered_domain("www.gov.cn") == "www.gov.cn"  # gov.cn itself is a suffix
    assert registered_domain("www.example.com") == "example.com"
    scope = Scope("http://www.zhecheng.gov.cn/xxgk/")
    assert "http://jb.zhecheng.gov.cn/x" in scope
    assert "http://www.shangqiu.gov.cn/Government/Search.aspx" not in scope
    local = Scope("http://127.0.0.1:8001/")
    assert "http://127.0.0.1:8001/a" in local and "http://127.0.0.1:8002/a" not in local
    assert page_key("http://x.cn/a/index.html") == page_key("http://x.cn/a/") == "http://x.cn/a/"

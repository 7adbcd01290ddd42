"""Dropdown nav items: a label then a block of bare links, read as a group and its columns."""

from __future__ import annotations

from parsel import Selector

from crawler.extract.columns import tree_from

BASE = "http://x.edu.cn/"


def _tree(html: str) -> list[tuple[str, str | None, list[str]]]:
    nodes = tree_from(Selector(html).css("ul")[0], BASE)
    return [(n.name, n.url, [c.name for c in n.children]) for n in nodes]


def test_text_label_over_a_block_of_links_is_a_group_header() -> None:
    html = ("<ul class='bar'><li><a href='/zn.htm'>信息公开指南</a></li>"
            "<li class='drop'><span>基本信息</span><div class='drop-list'><a href='/a/xxzc.htm'>学校章程</a>"
            "<a href='/a/gzzd.htm'>规章制度</a></div></li></ul>")
    assert _tree(html) == [("信息公开指南", BASE + "zn.htm", []), ("基本信息", None, ["学校章程", "规章制度"])]


def test_linked_label_over_a_block_of_links_keeps_its_link() -> None:
    html = ("<ul><li><a href='/jbxx/'>基本信息</a><div><p><a href='/a/1.htm'>学校章程</a></p>"
            "<p><a href='/a/2.htm'>发展规划</a></p></div></li></ul>")
    assert _tree(html) == [("基本信息", BASE + "jbxx/", ["学校章程", "发展规划"])]


def test_sibling_links_in_one_li_are_not_a_group() -> None:
    html = "<ul><li><a href='/1.htm'>通知公告</a> | <a href='/2.htm'>政策文件</a></li></ul>"
    assert _tree(html)[0] == ("通知公告", BASE + "1.htm", [])


def test_nested_li_menus_are_left_to_the_li_tree() -> None:
    html = ("<ul><li><span>基本信息</span><ul><li><a href='/1.htm'>学校章程</a></li>"
            "<li><a href='/2.htm'>发展规划</a></li></ul></li></ul>")
    assert _tree(html) == [("基本信息", None, ["学校章程", "发展规划"])]


def test_a_menu_with_group_rows_is_a_nav_whatever_its_class() -> None:
    # `dh_wrap01` names nothing a nav hint knows; the menu is recognised by its shape (a row that is a
    # group header over its own links), so its link-less headers are kept
    from crawler.extract.columns import generic_tree

    html = ("<html><body><div class='dh_wrap01'><ul class='bar'><li><a href='/zn.htm'>信息公开指南</a></li>"
            "<li><a href='/zd.htm'>信息公开制度</a></li><li class='drop'><span>基本信息</span><div>"
            "<a href='/a/1.htm'>学校章程</a><a href='/a/2.htm'>发展规划</a></div></li></ul></div>"
            "<div class='xw_k'><ul><li><a href='/n/1.htm'>新闻一则标题</a> 2026-11-01</li>"
            "<li><a href='/n/2.htm'>新闻二则标题</a> 2026-11-02</li><li><a href='/n/3.htm'>新闻三</a> 2026-11-03</li>"
            "</ul></div></body></html>")
    tree = generic_tree(Selector(html), BASE)
    assert [(n.name, n.url, [c.name for c in n.children]) for n in tree] == [
        ("信息公开指南", BASE + "zn.htm", []), ("信息公开制度", BASE + "zd.htm", []),
        ("基本信息", None, ["学校章程", "发展规划"])]


def test_comments_in_menu_rows_are_neither_labels_nor_a_crash() -> None:
    """Templates mark their menus with comments; one inside a li made the whole menu raise."""
    html = ("<ul><li><!-- 一级栏目 --><span>基本信息</span><div><a href='/a/xxzc.htm'>学校章程</a>"
            "<a href='/a/gzzd.htm'>规章制度</a></div></li>"
            "<li><!-- 二级 --><a href='/zn.htm'>信息公开指南</a></li>"
            "<li><?php echo 1 ?>年度报告<ul><li><a href='/nb/2025.htm'>2025年度</a></li></ul></li></ul>")
    assert _tree(html) == [("基本信息", None, ["学校章程", "规章制度"]), ("信息公开指南", BASE + "zn.htm", []),
                           ("年度报告", None, ["2025年度"])]

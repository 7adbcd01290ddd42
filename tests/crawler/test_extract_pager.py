"""Pager parsing: generic words, VSB reverse numbering, WebPlus last page, 帝国 Total record."""

from __future__ import annotations

from parsel import Selector

from crawler.cms.empire import empire_pager
from crawler.cms.vsb import vsb_pager
from crawler.cms.webplus import webplus_pager
from crawler.extract.pager import declared_count, declared_pages, generic_pager

VSB = (
    '<div class="pb_sys_common pb_sys_normal pb_sys_style1"><span class="p_t">共52条</span> <span class="p_pages">'
    '<span class="p_first_d p_fun_d">首页</span><span class="p_prev_d p_fun_d">上页</span><span class="p_no_d">1</span>'
    '<span class="p_no"><a href="zbgg/10.htm">2</a></span><span class="p_dot">...</span>'
    '<span class="p_no"><a href="zbgg/1.htm">11</a></span><span class="p_next p_fun"><a href="zbgg/10.htm">下页</a></span>'
    '<span class="p_last p_fun"><a href="zbgg/1.htm">尾页</a></span></span> <span class="p_t">1/11</span></div>'
)


def test_vsb_reverse_numbering_from_entry_page() -> None:
    url = "https://www.example.edu.cn/zbgg.htm"
    p = vsb_pager(Selector(text=VSB).css(".pb_sys_common")[0], url)
    assert (p.declared_count, p.current_page, p.total_pages) == (52, 1, 11)
    assert p.next_url == "https://www.example.edu.cn/zbgg/10.htm"
    assert p.last_url == "https://www.example.edu.cn/zbgg/1.htm"
    named = {f"https://www.example.edu.cn/zbgg/{n}.htm" for n in range(1, 11)}
    assert named <= set(p.page_urls)


def test_vsb_last_page_disabled_controls() -> None:
    html = (
        '<div class="pb_sys_common"><span class="p_t">共52条</span><span class="p_pages">'
        '<span class="p_first p_fun"><a href="../zbgg.htm">首页</a></span><span class="p_no_d">11</span>'
        '<span class="p_next_d p_fun_d">下页</span><span class="p_last_d p_fun_d">尾页</span></span>'
        '<span class="p_t">11/11</span></div>'
    )
    p = vsb_pager(Selector(text=html).css(".pb_sys_common")[0], "https://www.example.edu.cn/zbgg/1.htm")
    assert p.next_url is None and p.last_url is None and p.current_page == 11


def test_webplus_last_page_next_is_javascript() -> None:
    html = (
        '<div id="wp_paging_w6"><em class="per_count">14</em><em class="all_count">126</em>'
        '<a class="next" href="javascript:void(0);">下一页</a><a class="last" href="javascript:void(0);">尾页</a>'
        '<em class="curr_page">9</em>/<em class="all_pages">9</em></div>'
    )
    p = webplus_pager(Selector(text=html).css("#wp_paging_w6")[0], "https://x.edu.cn/wlyxqk/list9.htm")
    assert p.next_url is None and p.last_url is None
    assert (p.current_page, p.total_pages, p.declared_count) == (9, 9, 126)


def test_empire_total_record() -> None:
    html = (
        '<div style="text-align:center;"><a title="Total record">&nbsp;<b>21</b> </a>&nbsp;&nbsp;&nbsp;<b>1</b>'
        '&nbsp;<a href="index_2.html">2</a>&nbsp;<a href="index_2.html">下一页</a>&nbsp;'
        '<a href="index_2.html">尾页</a></div>'
    )
    box = Selector(text=html).xpath("//a[@title='Total record']/..")
    p = empire_pager(box, "http://x.gov.cn/xxgk/xznb/index.html")
    assert (p.declared_count, p.current_page, p.total_pages) == (21, 1, 2)
    assert p.next_url == "http://x.gov.cn/xxgk/xznb/index_2.html"


def test_generic_pager_words() -> None:
    html = (
        '<div class="list">…</div><div class="fy">共128条记录 第1页/共13页 <a href="?page=1">首页</a> '
        '<span>上一页</span> <a href="list_2.html">下一页</a> <a href="list_13.html">尾页</a></div>'
    )
    p = generic_pager(Selector(text=html), "http://x.gov.cn/col/list_1.html")
    assert p.declared_count == 128 and p.total_pages == 13
    assert p.next_url == "http://x.gov.cn/col/list_2.html"
    assert p.last_url == "http://x.gov.cn/col/list_13.html"


def test_generic_pager_xiaye_and_none() -> None:
    p = generic_pager(Selector(text='<p>共 5 页 <a href="p2.htm">下页</a></p>'), "http://x.cn/p1.htm")
    assert p.next_url == "http://x.cn/p2.htm" and p.total_pages == 5
    p = generic_pager(Selector(text="<ul><li><a href='a.htm'>通知</a></li></ul>"), "http://x.cn/")
    assert p.next_url is None and p.page_urls == []


def test_count_words() -> None:
    assert declared_count("总共 126 记录") == 126
    assert declared_count("共52条") == 52
    assert declared_pages("共计 2 页") == 2
    assert declared_count("共计 2 页") is None

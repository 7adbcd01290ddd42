"""The crawler's fast paths give what the plain way gives: each one-walk or cached reader is compared
with the reference it replaced (one CSS selector at a time, urljoin, lxml.html's parser, full CMS
detection, one XPath per heading rule) on real portal pages and on pages built to trip them."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urldefrag, urljoin

import pytest
from lxml import etree
from parsel import Selector
from parsel.csstranslator import css2xpath
from scrapy.http import HtmlResponse

from crawler.cms import ADAPTERS, GkmlptAdapter, article_adapter, detect
from crawler.discovery import candidates
from crawler.discovery.candidates import _dated_row, candidate_links, link_lists, menu_urls, more_targets
from crawler.extract.article import BODY_CSS, body_candidates
from crawler.extract.dates import parse_date
from crawler.extract.html import absolute
from crawler.extract.html import node_text as html_node_text
from crawler.spiders.pages import page_selector
from xxgk.pagemeta import _HEADINGS, clean, heading_title, node_text

TRICKY = """<html><head><title>t</title></head><body class="content">
<div id="vsb_content_2" class="x\tcontent"><p>one</p></div>
<div id="content" class="article-content  art_con"><h1 class="arti_title">  </h1><p>two</p></div>
<div class="content\u00a0x">not a class token</div><div class="TRS_Editor"><div class="TRS_Editor">n</div></div>
<article><main id="zoom"><div class="content_article"><h1>Heading</h1></div></main></article>
<div class="content-title"><h1>Inner</h1></div><div class=" article "><h1 class="content_title">CT</h1></div>
<form><input name="q" value="v"><select><option>o</option></select></form><!-- a comment -->
</body></html>"""


def _pages(realworld: Path) -> list[tuple[str, str]]:
    out = [("http://127.0.0.1:1/a/b/tricky.html", TRICKY)]
    for path in sorted(realworld.rglob("*.htm*")):
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("gb18030", "replace")
        out.append((f"http://127.0.0.1:1/{path.parent.name}/{path.name}", text))
    return out


def _by_selectors(root: etree._Element) -> list[etree._Element]:
    found: list[etree._Element] = []
    for css in BODY_CSS:
        for el in etree.XPath(css2xpath(css))(root):
            if el not in found:
                found.append(el)
    return found


def _by_heading_xpaths(root: etree._Element) -> str | None:
    for xp in _HEADINGS:
        for el in xp(root):
            if text := node_text(el):
                return text
    return None


def test_fast_readers_equal_their_references(realworld: Path) -> None:
    pages = _pages(realworld)
    assert len(pages) > 40
    for url, text in pages:
        root = Selector(text=text).root
        assert body_candidates(root) == _by_selectors(root), url
        assert heading_title(root) == _by_heading_xpaths(root), url
        assert type(article_adapter(text, url)).article is type(detect(text, url)).article, url
    tricky = Selector(text=TRICKY).root
    got = [(el.tag, el.get("id") or el.get("class")) for el in body_candidates(tricky)]
    assert got == [("div", "vsb_content_2"), ("div", "TRS_Editor"), ("div", "TRS_Editor"), ("main", "zoom"),
                   ("div", "content_article"), ("div", "content"), ("body", "content"), ("article", None),
                   ("div", " article ")]  # selector order; the nbsp-joined class is no `.content`
    assert heading_title(tricky) == "Inner"


def test_page_selector_reads_as_parsel_does(realworld: Path) -> None:
    for url, text in _pages(realworld):
        response = HtmlResponse(url, body=text.encode("utf-8"), encoding="utf-8")
        fast, plain = page_selector(response), Selector(text=text, base_url=url)
        assert fast.type == plain.type == "html"
        assert fast.get() == plain.get(), url
        assert fast.root.base_url == plain.root.base_url
    xml = HtmlResponse("http://h/x", body=b'<?xml version="1.0"?><r><a>1</a></r>', encoding="utf-8")
    assert page_selector(xml).type == "xml"


@pytest.mark.parametrize("base", ["http://h", "http://h/", "http://h/a/b.htm?x=1#f", "http://h/a;p/b;q",
                                  "http://h/a/../b/c", "HTTP://H:80/x/y/", "https://u@h/a/b/c.shtml;s=1?x"])
def test_relative_links_join_as_urljoin(base: str) -> None:
    for href in ["a.htm", "./a", "../a", "../../../a", "a?b", "a#b", "x;y", "?q", ";p", "a/./b/../c", ".", "..",
                 "%2e%2e/a", "a b", " c.htm ", "/root", "//other/x", "http:rel", "HTTP://H/z"]:
        want = urldefrag(urljoin(base, href.strip()))[0]
        assert absolute(base, href) == (want if want.startswith(("http://", "https://")) else None), (base, href)


def test_only_gkmlpt_reads_articles_its_own_way() -> None:
    own = [a for a in ADAPTERS if type(a).article is not type(detect("", "")).article]
    assert [type(a) for a in own] == [GkmlptAdapter]


MENU = """<html><body><ul><li><a href="/a/">甲栏目</a><ul><li><a href="/a/x/">子栏目</a></li></ul></li>
<li><a href="b.htm">乙栏目</a></li><li><a href="/c/">丙栏目</a> 2024-05-01</li><li><a href="/d/">丁栏目</a></li></ul>
<div><a href="/e/">戊栏目</a><span>2023-01-02</span><a href="more.htm">更多&gt;&gt;</a></div></body></html>"""


def _link_readers(sel: Selector, base: str) -> tuple[object, ...]:
    forest = candidate_links(sel, base, lambda u: True, exclude={base})
    return (repr(forest), link_lists(sel, base), menu_urls(sel, base), more_targets(sel, base))


def _fresh(sel: Selector, base: str) -> tuple[object, ...]:
    """Each reader walking the page's links itself, as before the walk was shared."""
    out = []
    for reader in (lambda: repr(candidate_links(sel, base, lambda u: True, exclude={base})),
                   lambda: link_lists(sel, base), lambda: menu_urls(sel, base), lambda: more_targets(sel, base)):
        candidates._last = None
        out.append(reader())
    return tuple(out)


def test_shared_link_walk_gives_what_each_walk_gave(realworld: Path) -> None:
    pages = [(url, Selector(text=text)) for url, text in _pages(realworld)]
    pages.append(("http://127.0.0.1:1/m/index.html", Selector(text=MENU)))
    # the same base over two different trees, and one tree over two bases: neither may reuse the other's walk
    pages.append(("http://127.0.0.1:1/m/index.html", Selector(text=MENU.replace("乙栏目", "己栏目"))))
    pages.append(("http://127.0.0.1:1/other/", pages[-1][1]))
    fresh = [_fresh(sel, url) for url, sel in pages]
    assert fresh[-3] != fresh[-2] != fresh[-1]
    assert [_link_readers(sel, url) for url, sel in pages] == fresh
    assert [_link_readers(sel, url) for url, sel in reversed(pages)] == fresh[::-1]


def _dated_row_by_xpath_string(a: etree._Element) -> bool:
    row = candidates._row(a)
    if row is None or not (row.tag in ("li", "tr", "dd") and any(True for _ in row.iterdescendants("li", "tr"))):
        if row is None:
            return _dated_row(a)  # no row: that branch reads siblings, unchanged
        text = " ".join(t for t in row.xpath(".//text()[not(ancestor::a)][not(ancestor::script)]"))
        return parse_date(text) is not None
    return False


def test_text_readers_equal_smart_string_xpaths(realworld: Path) -> None:
    plain = etree.XPath(".//text()[not(ancestor::script) and not(ancestor::style)]")
    for url, text in [*_pages(realworld), ("http://127.0.0.1:1/m/", MENU)]:
        root = Selector(text=text).root
        for el in root.iter():
            if isinstance(el.tag, str):
                want = clean(" ".join(plain(el)))
                assert node_text(el) == want, url
                assert html_node_text(el) == want, url
        for a in root.iter("a"):
            assert _dated_row(a) == _dated_row_by_xpath_string(a), url


def test_page_selector_parses_with_one_parser_per_thread() -> None:
    import threading

    from crawler.spiders import pages

    one, two = pages._shared_parser(recover=True, encoding="utf-8"), pages._shared_parser(encoding="utf-8", recover=True)
    assert one is two
    assert pages._shared_parser(recover=False, encoding="utf-8") is not one  # other options, other parser
    other: list[object] = []
    worker = threading.Thread(target=lambda: other.append(pages._shared_parser(recover=True, encoding="utf-8")))
    worker.start()
    worker.join()
    assert other[0] is not one and isinstance(other[0], pages._HtmlParser)
    # a reused parser keeps nothing of the page before: a broken page, then a clean one
    first = page_selector(HtmlResponse("http://h/1", body=b"<div><p>unclosed<table><tr><td>x", encoding="utf-8"))
    second = page_selector(HtmlResponse("http://h/2", body=b"<p>clean</p>", encoding="utf-8"))
    assert second.get() == Selector(text="<p>clean</p>").get()
    assert first.root.base_url == "http://h/1" and second.root.base_url == "http://h/2"


GROUP_ROWS = """<html><body><ul>
<li><a href="/a/">甲栏目</a></li><li> <a href="/b/"><span>乙</span>栏目</a> 尾 </li><li><a>无链接</a></li>
<li>基本信息 <a href="/c/">学校章程</a></li><li><a href="/d/" title="t">丁</a></li>
<li><a href="/e/"></a>戊组<ul><li><a href="/e/1/">戊一</a></li></ul></li>
<li><span>机构设置</span><div><a href="/f/1/">一</a><a href="/f/2/">二</a></div></li>
<li>年报<ul><li><a href="/g/">二〇二四</a></li></ul></li>
<li><a href="/h/">庚</a><div><a href="/h/1/">庚一</a></div></li></ul></body></html>"""


def test_plain_link_rows_are_judged_as_the_full_group_reading_judges_them(realworld: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from crawler.extract import columns

    pages = [Selector(text=text) for _, text in _pages(realworld)] + [Selector(text=GROUP_ROWS)]
    rows = [li for sel in pages for li in sel.xpath("//li")]
    fast = [columns._is_group_row(li) for li in rows]
    assert sum(map(columns._plain_link_row, rows)) > len(rows) // 2  # the fast path is the common case
    assert [columns._plain_link_row(li) for li in rows[-11:]] == [True, True, False, False, True, True, True,
                                                                  False, False, True, False]
    monkeypatch.setattr(columns, "_plain_link_row", lambda li: False)
    assert [columns._is_group_row(li) for li in rows] == fast
    # GROUP_ROWS, nested rows after their parent: a label before the link, a label over a block of links
    # and a label over nested rows are groups; plain rows, an unlinked row with nothing under it, a linked
    # row over nested rows and a linked row over a block of links are not
    assert fast[-11:] == [False, False, False, True, False, False, False, True, True, False, False]

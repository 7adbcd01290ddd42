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
from crawler.extract.article import BODY_CSS, body_candidates
from crawler.extract.html import absolute
from crawler.spiders.pages import page_selector
from xxgk.pagemeta import _HEADINGS, heading_title, node_text

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

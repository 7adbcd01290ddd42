"""xxgk's meta-refresh middleware follows exactly the refreshes Scrapy's own follows.

It skips Scrapy's decode-and-scan for pages whose bytes cannot hold a refresh; on every page here
(real portal pages and refresh pages in the encodings Chinese portals use) both middlewares must
give the same answer: the same redirect URL, or the response itself.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware as ScrapyMetaRefresh
from scrapy.http import HtmlResponse, Request, Response, TextResponse
from scrapy.utils.test import get_crawler

from crawler.middlewares import MetaRefreshMiddleware

URL = "http://127.0.0.1:9/gk/index.html"
FILLER = "<p>" + "政府信息公开" * 40 + "</p>\n"


def _page(head: str, body: str = FILLER) -> str:
    return f"<html><head>{head}</head><body>{body}</body></html>"


REFRESH = '<meta http-equiv="refresh" content="0; url=/xxgk/">'
PAGES: dict[str, tuple[bytes, str]] = {
    "utf-8 refresh": (_page(REFRESH).encode("utf-8"), "utf-8"),
    "gbk refresh, charset in meta": (_page('<meta charset="gbk">' + REFRESH).encode("gbk"), ""),
    "upper-case refresh": (_page('<META HTTP-EQUIV="REFRESH" CONTENT="1;URL=http://127.0.0.1:9/new/">')
                           .encode("gb18030"), "gb18030"),
    "refresh after Chinese text": (_page("<title>" + "信息公开" * 700 + "</title>" + REFRESH).encode("gbk"), "gbk"),
    "refresh too slow to follow": (_page('<meta http-equiv="refresh" content="600; url=/late/">').encode(), "utf-8"),
    "refresh inside a script": (_page("<script>/*" + REFRESH + "*/</script>").encode(), "utf-8"),
    "refresh past the first 4096 characters": (_page("", FILLER * 20 + REFRESH).encode(), "utf-8"),
    "utf-16 refresh with a BOM": (_page(REFRESH).encode("utf-16"), ""),
    "utf-16 refresh labelled, no BOM": (_page(REFRESH).encode("utf-16-le"), "utf-16-le"),
    "content-type meta only": (_page('<meta http-equiv="Content-Type" content="text/html; charset=utf-8">')
                               .encode(), ""),
    "no meta at all": (_page("<title>首页</title>").encode(), "utf-8"),
}


def _answer(mw: ScrapyMetaRefresh, body: bytes, charset: str, cls: type[Response] = HtmlResponse) -> str | None:
    """The URL the middleware redirects to, or None when it passes the response on."""
    ctype = "text/html" + (f"; charset={charset}" if charset else "")
    request = Request(URL)
    response = cls(URL, body=body, headers={"Content-Type": ctype}, request=request)
    out = mw.process_response(request, response)
    if out is response:
        return None
    assert isinstance(out, Request)
    return out.url


@pytest.fixture
def both() -> tuple[ScrapyMetaRefresh, MetaRefreshMiddleware]:
    crawler = get_crawler()
    return ScrapyMetaRefresh.from_crawler(crawler), MetaRefreshMiddleware.from_crawler(crawler)


@pytest.mark.parametrize("name", list(PAGES))
def test_refresh_pages_are_answered_as_scrapy_answers_them(name: str, both) -> None:
    scrapy_mw, ours = both
    body, charset = PAGES[name]
    assert _answer(ours, body, charset) == _answer(scrapy_mw, body, charset)


def test_the_refreshes_are_really_followed(both) -> None:
    """The comparison above is not vacuous: these pages do redirect, and the others do not."""
    _, ours = both
    assert _answer(ours, *PAGES["utf-8 refresh"]) == "http://127.0.0.1:9/xxgk/"
    assert _answer(ours, *PAGES["gbk refresh, charset in meta"]) == "http://127.0.0.1:9/xxgk/"
    assert _answer(ours, *PAGES["upper-case refresh"]) == "http://127.0.0.1:9/new/"
    assert _answer(ours, *PAGES["refresh after Chinese text"]) == "http://127.0.0.1:9/xxgk/"
    assert _answer(ours, *PAGES["utf-16 refresh with a BOM"]) == "http://127.0.0.1:9/xxgk/"
    for name in ("refresh too slow to follow", "refresh past the first 4096 characters", "no meta at all"):
        assert _answer(ours, *PAGES[name]) is None, name


def test_non_html_responses_are_passed_on(both) -> None:
    scrapy_mw, ours = both
    body = REFRESH.encode()
    assert _answer(ours, body, "utf-8", TextResponse) is None
    assert _answer(scrapy_mw, body, "utf-8", TextResponse) is None


def test_real_portal_pages_are_answered_as_scrapy_answers_them(realworld: Path, both) -> None:
    scrapy_mw, ours = both
    pages = sorted(p for p in realworld.rglob("*") if p.suffix in (".html", ".htm"))
    assert len(pages) > 20
    for path in pages:
        body = path.read_bytes()
        assert _answer(ours, body, "") == _answer(scrapy_mw, body, ""), path.name

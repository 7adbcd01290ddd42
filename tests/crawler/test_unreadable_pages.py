"""Pages that answered but cannot be read, failure reasons, and mislabelled charsets: what the crawler
records instead of calling a column blank or blaming robots.txt."""

from __future__ import annotations

from parsel import Selector
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse
from twisted.python.failure import Failure

from crawler.extract.charset import page_text
from crawler.extract.readable import unreadable_reason
from crawler.failures import describe, is_unchecked

LIST = "<ul class='list'><li><a href='/a.html'>关于做好二〇二六年度招生录取工作的通知公告</a><span>2026-01-02</span></li></ul>"


def _page(depth: int) -> str:
    return f"<html><body><div class='nav'><a href='/x'>x</a></div>{'<div>' * depth}{LIST}{'</div>' * depth}</body></html>"


def test_empty_and_too_deep_pages_are_unreadable() -> None:
    assert unreadable_reason(b"", Selector(text="")) == "empty response body (0 bytes)"
    assert unreadable_reason(b"  \r\n", None).startswith("empty response body")
    deep = _page(2100)
    assert "nested too deep" in unreadable_reason(deep.encode(), Selector(text=deep))


def test_ordinary_and_moderately_deep_pages_are_readable() -> None:
    for depth in (0, 50, 900):
        page = _page(depth)
        assert unreadable_reason(page.encode(), Selector(text=page)) is None


def _failure(exc: Exception) -> Failure:
    try:
        raise exc
    except Exception:  # noqa: BLE001
        return Failure()


def test_only_robots_txt_is_blamed_on_robots_txt() -> None:
    assert describe(_failure(IgnoreRequest("Forbidden by robots.txt"))) == ("blocked by robots.txt",) * 2
    error, restricted = describe(_failure(IgnoreRequest("max redirections reached")))
    assert error.startswith("redirect loop") and restricted is None
    error, restricted = describe(_failure(IgnoreRequest(
        "Ignored response <200 http://x/> because its body (40 B compressed, 2 B decompressed so far) "
        "exceeded DOWNLOAD_MAXSIZE (1 B) during decompression.")))
    assert "larger than the download size cap" in error and restricted is None
    assert is_unchecked("blocked by robots.txt") and is_unchecked("refused: private address 10.0.0.1")
    assert not is_unchecked("TimeoutError: took longer than 30.0 seconds")


def test_utf8_labelled_gbk_and_gbk_labelled_utf8_decode_right() -> None:
    page = f"<html><head><title>栏目</title></head><body>{LIST}</body></html>"
    for label, encoding in (("gbk", "utf-8"), ("utf-8", "gbk"), ("gb18030", "utf-8"), ("utf-8", "gb18030"),
                            ("gbk", "gbk")):
        resp = HtmlResponse(url="http://x/", body=page.encode(encoding),
                            headers={"Content-Type": f"text/html; charset={label}"})
        assert "关于做好二〇二六年度招生录取工作的通知公告" in page_text(resp), (label, encoding)

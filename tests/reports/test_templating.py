"""safe_link links exactly the URLs urlsplit reads as http(s), whether or not it skips splitting them."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from markupsafe import escape

from reports.templating import _PLAIN_WEB_URL, safe_link

URLS = [
    "http://a.test/x?q=1#f", "HTTPS://A.test", "http://a.test?x", "http://u:p@h.test:80/#x", "http://a.test\\x",
    " http://a.test/ ", "http://[::1]/", "http://[::1/", "http://a]/", "http://aé.test/", "http://a\u212a/",
    "http://a\uff03b/", "httpſ://a/", "ht\ttp://a.test/", "http://a.test\t/x", "http://a\x07b/", "http://a b/",
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,<b>", "//a.test/", "http:/a", "ftp://a/",
    "\x01http://a.test/", "http://a.test/\u202e<x>\"'", "mailto:a@b", "http://", "https://a.test/" + "长" * 20,
]


def _old_rule(url: str) -> bool:
    try:
        return urlsplit(url.strip()).scheme.lower() in ("http", "https")
    except ValueError:
        return False


@pytest.mark.parametrize("url", URLS)
def test_link_only_where_urlsplit_reads_http(url: str) -> None:
    html = str(safe_link(url, "<b>"))
    assert html.startswith("<a href=") == _old_rule(url)
    assert "<b>" not in html and "&lt;b&gt;" in html
    if html.startswith("<a "):
        assert f'href="{escape(url.strip())}"' in html
    if _PLAIN_WEB_URL.match(url.strip()):  # the shortcut never links what the split would not
        assert _old_rule(url)


def test_the_shortcut_takes_the_common_urls() -> None:
    assert all(_PLAIN_WEB_URL.match(u) for u in ("http://a.test/x", "https://127.0.0.1:8080/a?b#c", "HTTP://A.B"))
    assert not any(_PLAIN_WEB_URL.match(u) for u in ("http://[::1]/", "http://aé/", "javascript:x", "ht\ttp://a/"))

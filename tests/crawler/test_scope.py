"""Trust boundaries: which redirects and requests a crawl may follow (crawler.scope)."""

from __future__ import annotations

import pytest

from crawler.extract.html import Scope
from crawler.scope import address_class, redirect_verdict, registrable_domain, request_refusal, site_class


@pytest.mark.parametrize(("host", "domain"), [
    ("xxgk.x.edu.cn", "x.edu.cn"), ("www.beijing.gov.cn", "beijing.gov.cn"), ("www.gov.cn", "www.gov.cn"),
    ("news.example.com.cn", "example.com.cn"), ("a.b.example.co.uk", "example.co.uk"), ("10.0.0.1", "10.0.0.1"),
])
def test_registrable_domain_uses_the_public_suffix_list(host: str, domain: str) -> None:
    assert registrable_domain(host) == domain


@pytest.mark.parametrize(("host", "cls"), [
    ("169.254.169.254", "metadata"), ("100.100.100.200", "metadata"), ("metadata.google.internal", "metadata"),
    ("127.0.0.1", "loopback"), ("localhost", "loopback"), ("::1", "loopback"), ("::ffff:10.1.2.3", "private"),
    ("10.0.0.1", "private"), ("192.168.1.1", "private"), ("172.16.5.5", "private"), ("100.64.0.1", "private"),
    ("169.254.1.1", "link-local"), ("fe80::1", "link-local"), ("0.0.0.0", "reserved"),
    ("202.96.0.1", None), ("www.moe.gov.cn", None),
])
def test_address_classes(host: str, cls: str | None) -> None:
    assert address_class(host) == cls


def test_public_site_refuses_internal_addresses_and_other_schemes() -> None:
    allowed = site_class("https://www.x.edu.cn/")
    assert allowed is None
    assert request_refusal("http://www.y.gov.cn/a.html", allowed) is None
    assert "metadata" in request_refusal("http://169.254.169.254/latest/", allowed)
    assert "private" in request_refusal("http://10.0.0.1/", allowed)
    assert "loopback" in request_refusal("http://127.0.0.1:8080/", allowed)
    assert "file" in request_refusal("file:///etc/passwd", allowed)


def test_loopback_site_allows_loopback_only() -> None:
    allowed = site_class("http://127.0.0.1:8000/index.html")
    assert allowed == "loopback"
    assert request_refusal("http://127.0.0.1:9000/x", allowed) is None
    assert request_refusal("http://10.0.0.1/", allowed) is not None
    assert request_refusal("http://169.254.169.254/", allowed) is not None


def test_redirects_within_scope_siblings_and_off_site() -> None:
    scope = Scope("https://xxgk.x.edu.cn/")
    assert redirect_verdict("https://xxgk.x.edu.cn/a", "https://xxgk.x.edu.cn/b", scope, None) == ("same-host", None)
    assert redirect_verdict("http://xxgk.x.edu.cn/a", "https://xxgk.x.edu.cn/a", scope, None) == ("same-host", None)
    assert redirect_verdict("https://xxgk.x.edu.cn/a", "https://www.x.edu.cn/b", scope, None) == ("sibling", None)
    kind, why = redirect_verdict("https://xxgk.x.edu.cn/a", "https://www.y.edu.cn/b", scope, None)
    assert kind == "off-site" and why == "off-site redirect to https://www.y.edu.cn/b"
    kind, why = redirect_verdict("https://xxgk.x.edu.cn/a", "http://169.254.169.254/", scope, None)
    assert kind == "refused" and "metadata" in why


def test_loopback_ports_are_separate_sites_and_public_hosts_cannot_bounce_inside() -> None:
    scope = Scope("http://127.0.0.1:8000/")
    assert redirect_verdict("http://127.0.0.1:8000/a", "http://127.0.0.1:8001/b", scope, "loopback")[0] == "off-site"
    kind, why = redirect_verdict("http://www.y.gov.cn/", "http://127.0.0.1:8000/a", scope, "loopback")
    assert kind == "refused" and "public host" in why


class _Spider:
    def __init__(self, start_url: str) -> None:
        self.start_url, self.scope, self.facts = start_url, Scope(start_url), {}


class _Crawler:
    def __init__(self, spider: _Spider) -> None:
        from scrapy.settings import Settings

        self.spider, self.settings = spider, Settings()


def test_middleware_follows_siblings_records_them_and_refuses_the_rest() -> None:
    from scrapy.http import Request

    from crawler.scope import ScopeMiddleware, ScopeRefusal

    spider = _Spider("https://xxgk.x.edu.cn/")
    mw = ScopeMiddleware(_Crawler(spider))
    hop = {"redirect_urls": ["https://xxgk.x.edu.cn/list.htm"]}
    assert mw.process_request(Request("https://www.x.edu.cn/list.htm", meta=hop)) is None
    with pytest.raises(ScopeRefusal) as off:
        mw.process_request(Request("https://news.other.com/x.htm", meta=hop))
    assert (off.value.kind, off.value.url) == ("off-site", "https://xxgk.x.edu.cn/list.htm")
    with pytest.raises(ScopeRefusal, match="metadata address"):
        mw.process_request(Request("http://169.254.169.254/latest/", meta=hop))
    with pytest.raises(ScopeRefusal, match="private address"):
        mw.process_request(Request("http://192.168.0.10/"))  # a link check, not a redirect
    assert [r["kind"] for r in spider.facts["redirects"]] == ["sibling", "off-site", "refused"]


def test_names_resolving_to_metadata_or_link_local_addresses_are_refused() -> None:
    from twisted.internet.error import DNSLookupError
    from twisted.python.failure import Failure

    from crawler.failures import describe, is_unchecked
    from crawler.scope import GuardedResolver, resolved_refusal

    assert resolved_refusal("evil.example.com", "169.254.169.254") == (
        "refused: evil.example.com resolves to metadata address 169.254.169.254")
    assert "link-local" in resolved_refusal("printer.example.com", "169.254.3.4")
    assert resolved_refusal("www.moe.gov.cn", "202.205.109.205") is None
    assert resolved_refusal("oa.intranet.gov.cn", "10.1.2.3") is None  # intranet portals resolve privately
    assert resolved_refusal("169.254.169.254", "169.254.169.254") is None  # a literal: the middleware's call
    assert GuardedResolver._guard("202.205.109.205", "www.moe.gov.cn") == "202.205.109.205"
    with pytest.raises(DNSLookupError) as err:
        GuardedResolver._guard("169.254.169.254", "evil.example.com")
    error, restricted = describe(Failure(err.value))
    assert error.startswith("refused: evil.example.com") and restricted is None and is_unchecked(error)

"""Trust boundaries of a crawl: where a request or a redirect may go.

A redirect is followed only within the site's scope (its own hosts and sibling hosts of the same
registrable domain, e.g. xxgk.x.edu.cn → www.x.edu.cn); a redirect anywhere else is recorded as an
off-site redirect and its content is never credited to the site. Private, loopback, link-local and
cloud-metadata addresses are refused before any connection is made, unless the audited site itself
is on an address of that same class (the sample portals and tests run on loopback), and never through
a redirect from a public host. Link checks go through the same middleware, so they obey the rule too.

Host names that *are* addresses (or well-known internal names) are judged before sending; a name
whose DNS answer is a metadata or link-local address is refused by `GuardedResolver` when it is
resolved (a private answer is left alone: government intranet portals resolve to 10.x legitimately).
"""

from __future__ import annotations

import functools
import ipaddress
import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import urljoin, urlsplit

from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response
from scrapy.resolver import CachingThreadedResolver
from twisted.internet.error import DNSLookupError

from xxgk import siteid

log = logging.getLogger(__name__)

METADATA_ADDRESSES = {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254"),
                      ipaddress.ip_address("100.100.100.200")}  # AWS/GCP/Azure, AWS IPv6, Alibaba Cloud
METADATA_NAMES = {"metadata", "metadata.google.internal", "metadata.tencentyun.com"}
REDIRECT_CODES = {301, 302, 303, 307, 308}
MAX_RECORDED = 100  # redirects kept in the crawl's facts


class ScopeRefusal(IgnoreRequest):
    """A request or redirect the crawl must not follow; `url` is the page that was asked for."""

    def __init__(self, message: str, *, url: str, target: str, kind: str) -> None:
        super().__init__(message)
        self.url, self.target, self.kind = url, target, kind


# A request-mode worker runs many sites in one engine; its dispatcher registers here how to find the
# spider of a crawl id (setting XXGK_DISPATCHER names it), so this module needs nothing of the workers.
SITE_SPIDERS: dict[str, Callable[[int], Any]] = {}


def registrable_domain(host: str) -> str:
    """The registrable domain of a host name by the Public Suffix List (`xxgk.x.edu.cn` → `x.edu.cn`);
    an address or a bare name is its own domain."""
    host = host.lower().strip(".")
    if address_class(host) is not None or _is_ip(host) or "." not in host:
        return host
    return siteid.registrable_domain(host)


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
        return True
    except ValueError:
        return False


SHARED_ADDRESS_SPACE = ipaddress.ip_network("100.64.0.0/10")  # carrier-grade NAT (RFC 6598)


@functools.lru_cache(maxsize=4096)
def address_class(host: str) -> str | None:
    """`metadata`, `loopback`, `link-local`, `private` or `reserved` for an internal address or name;
    None for a public address or an ordinary host name. Cached: every request asks it for its host
    and its site's, and a crawl meets few hosts."""
    host = host.lower().strip(".").strip("[]")
    if host in METADATA_NAMES:
        return "metadata"
    if host == "localhost" or host.endswith(".localhost"):
        return "loopback"
    try:
        addr = ipaddress.ip_address(host)
    except ValueError:
        return None
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        addr = addr.ipv4_mapped
    if addr in METADATA_ADDRESSES:
        return "metadata"
    if addr.is_unspecified:  # 0.0.0.0 reaches this machine's own services
        return "reserved"
    if addr.is_loopback:
        return "loopback"
    if addr.is_link_local:
        return "link-local"
    if addr.is_private or addr in SHARED_ADDRESS_SPACE:
        return "private"
    if addr.is_reserved or addr.is_multicast:
        return "reserved"
    return None


def site_class(start_url: str) -> str | None:
    """The address class of the audited site's own host (None for a public site)."""
    return address_class(urlsplit(start_url).hostname or "")


def request_refusal(url: str, allowed_class: str | None) -> str | None:
    """Why a request to `url` must not be sent, or None. `allowed_class` is the site's own class."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return f"refused: {parts.scheme or 'relative'}: URL"
    cls = address_class(parts.hostname or "")
    if cls is not None and cls != allowed_class:
        return f"refused: {cls} address {parts.hostname}"
    return None


def redirect_verdict(source: str, target: str, scope: Any, allowed_class: str | None) -> tuple[str, str | None]:
    """(kind, refusal) for a redirect `source` → `target`: kind is `same-host`, `sibling`, `off-site`
    or `refused`; refusal is the reason when it must not be followed."""
    refusal = request_refusal(target, allowed_class)
    if refusal is None and address_class(urlsplit(target).hostname or "") is not None \
            and address_class(urlsplit(source).hostname or "") is None:
        refusal = f"refused: redirect from public host {urlsplit(source).hostname} to an internal address"
    if refusal is not None:
        return "refused", f"redirect to {target} {refusal}"
    if _same_host(source, target):
        return "same-host", None
    if scope is not None and target in scope:
        return "sibling", None
    return "off-site", f"off-site redirect to {target}"


def _same_host(a: str, b: str) -> bool:
    """One host: the same name (http → https is the same site), and on loopback, where every
    port is its own site, the same port too."""
    pa, pb = urlsplit(a), urlsplit(b)
    if (pa.hostname or "").lower() != (pb.hostname or "").lower():
        return False
    return address_class(pa.hostname or "") != "loopback" or pa.port == pb.port


class ScopeMiddleware:
    """Downloader middleware: refuses internal addresses and out-of-scope redirects before sending.

    Redirect hops (3xx and meta refresh alike) come back through `process_request` carrying
    `redirect_urls`; they are judged there, so nothing is sent to a refused target. A 3xx to a
    non-HTTP scheme (`file:`), which Scrapy would hand back unfollowed, is refused in `process_response`.
    """

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> ScopeMiddleware:
        return cls(crawler)

    def _site_spider(self, request: Request) -> Any:
        """The spider of the request's site: the crawler's own, or in a request-mode worker (one
        engine for many sites) the crawl's shared spider, found through the worker's dispatcher."""
        spider = self.crawler.spider
        if hasattr(spider, "start_url"):
            return spider
        name = self.crawler.settings.get("XXGK_DISPATCHER")
        crawl_id = request.meta.get("xxgk_crawl")
        lookup = SITE_SPIDERS.get(name) if name else None
        return lookup(crawl_id) if lookup is not None and crawl_id is not None else None

    def _site(self, request: Request) -> tuple[Any, str | None]:
        spider = self._site_spider(request)
        start = getattr(spider, "start_url", None) or ""
        if not start and request.meta.get("redirect_urls"):
            start = request.meta["redirect_urls"][0]  # no site known: judge by where the chain began
        elif not start:
            start = request.url
        return getattr(spider, "scope", None), site_class(start)

    def process_request(self, request: Request) -> None:
        scope, allowed = self._site(request)
        hops = request.meta.get("redirect_urls") or []
        if hops:
            source = hops[-1]
            kind, refusal = redirect_verdict(source, request.url, scope, allowed)
            self._record(hops[0], request.url, kind)
            if refusal is not None:
                raise ScopeRefusal(refusal, url=hops[0], target=request.url, kind=kind)
            return None
        refusal = request_refusal(request.url, allowed)
        if refusal is not None:
            raise ScopeRefusal(refusal, url=request.url, target=request.url, kind="refused")
        return None

    def process_response(self, request: Request, response: Response) -> Response:
        if response.status not in REDIRECT_CODES or request.meta.get("dont_redirect") \
                or request.meta.get("handle_httpstatus_all"):
            return response
        location = response.headers.get(b"Location")
        if not location:
            return response
        target = urljoin(request.url, location.decode("latin-1").strip())
        if urlsplit(target).scheme in ("http", "https"):
            return response
        first = (request.meta.get("redirect_urls") or [request.url])[0]
        self._record(first, target, "refused")
        raise ScopeRefusal(f"redirect to {target} refused: {urlsplit(target).scheme}: URL",
                           url=first, target=target, kind="refused")

    def _record(self, source: str, target: str, kind: str) -> None:
        """Keep cross-host redirects in the crawl's facts (`redirects`), so a report can say where
        the site sent its readers."""
        if kind == "same-host":
            return
        facts = getattr(self.crawler.spider, "facts", None)
        if not isinstance(facts, dict):  # a request-mode worker's facts live in Redis: not recorded there
            return
        seen = list(facts.get("redirects") or [])
        if len(seen) >= MAX_RECORDED:
            return
        seen.append({"from": source, "to": target, "kind": kind})
        facts["redirects"] = seen


def resolved_refusal(name: str, address: str) -> str | None:
    """Why a host name's DNS answer must not be used: it points at a metadata or link-local address
    (never a portal's), unless the name was that address already (judged by the middleware)."""
    cls = address_class(address)
    if cls in ("metadata", "link-local") and address_class(name) is None and not _is_ip(name):
        return f"refused: {name} resolves to {cls} address {address}"
    return None


class GuardedResolver(CachingThreadedResolver):
    """Scrapy's caching resolver, refusing names that resolve to metadata or link-local addresses."""

    def getHostByName(self, name: str, timeout: Any = ()) -> Any:  # noqa: N802 - Twisted's interface
        return super().getHostByName(name, timeout).addCallback(self._guard, name)

    @staticmethod
    def _guard(address: str, name: str) -> str:
        refusal = resolved_refusal(name, address)
        if refusal is not None:
            if len(REFUSED_NAMES) < 1000:
                REFUSED_NAMES[name.lower()] = refusal
            raise DNSLookupError(refusal)
        return address


# name → refusal: Twisted reports a refused lookup as "no results for hostname lookup: <name>",
# so the reason is kept here for `crawler.failures.describe`
REFUSED_NAMES: dict[str, str] = {}


def refusal_in(message: str) -> str | None:
    """The resolver's refusal behind a DNS error message naming a refused host, if any."""
    low = message.lower()
    for name, refusal in REFUSED_NAMES.items():
        if f"lookup: {name}" in low or f" {name} " in f" {low} ":
            return refusal
    return None

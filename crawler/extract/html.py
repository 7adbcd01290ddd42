"""Small HTML helpers shared by the extractors: text normalisation and URL scope."""

from __future__ import annotations

import ipaddress
import re
from functools import lru_cache
from urllib.parse import urldefrag, urljoin, urlsplit

from lxml import etree
from parsel import Selector

from xxgk import siteid
from xxgk.pagemeta import clean, element_text


def node_text(sel: Selector | etree._Element) -> str:
    """Visible text of a node, scripts and styles excluded (lxml directly: this is the hot path)."""
    root = sel.root if isinstance(sel, Selector) else sel
    if isinstance(root, str):
        return clean(root)
    try:
        return element_text(root)
    except (TypeError, etree.XPathEvalError):
        return clean(" ".join(sel.xpath(".//text()").getall())) if isinstance(sel, Selector) else ""


def absolute(base: str, href: str | None) -> str | None:
    """Absolute http(s) URL for a link, without fragment; None for javascript:, mailto:, '#'."""
    if not href:
        return None
    href = href.strip()
    if not href:
        return None
    if href[0] == "/" and href[1:2] != "/":
        # root-relative: the result depends only on the base's scheme and host (menus repeat these)
        return _join(_origin(base), href)
    if href.startswith(("http://", "https://")) and href[href.index("//") + 2 : href.index("//") + 3] not in (
        "", "/", "?", "#", ";"
    ):
        # absolute with a host: only the base's scheme matters to urljoin
        origin = _origin(base)
        return _join(origin[: origin.index(":") + 1], href)
    if ":" not in href and href[0] not in "?#;":
        # a relative path: urljoin reads only the base's folder, shared by the pages of a folder
        return _join(_folder(base), href)
    return _join(base, href)


@lru_cache(maxsize=4096)
def _folder(base: str) -> str:
    """The base URL cut after the last '/' of its path (query, params and fragment dropped)."""
    parts = urlsplit(base)
    cut = parts.path.rfind("/")
    if not parts.scheme or not parts.netloc or cut < 0:
        return base
    return f"{parts.scheme}://{parts.netloc}{parts.path[: cut + 1]}"


@lru_cache(maxsize=4096)
def _origin(base: str) -> str:
    parts = urlsplit(base)
    return f"{parts.scheme}://{parts.netloc}/"


@lru_cache(maxsize=16384)
def _join(base: str, href: str) -> str | None:
    low = href.lower()
    if low.startswith(("javascript:", "mailto:", "tel:", "#", "data:")):
        return None
    url = urldefrag(urljoin(base, href))[0]
    if not url.startswith(("http://", "https://")):
        return None
    return url


_INDEX = re.compile(r"/(?:index|default|main)\.(?:s?html?|jsp|php|aspx?)$", re.I)


def page_key(url: str) -> str:
    """A URL with a trailing index/default/main page stripped, so `/x/` and `/x/index.html` compare equal."""
    return _INDEX.sub("/", url)


def registered_domain(host: str) -> str:
    """The registrable domain by the Public Suffix List bundled with tldextract (never fetched):
    `xxgk.x.edu.cn` → `x.edu.cn`; an address is its own domain."""
    return siteid.registrable_domain(host)


def is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class Scope:
    """Which URLs belong to the audited site: exact host:port for IPs/localhost, else the registered domain."""

    def __init__(self, *urls: str) -> None:
        self.netlocs: set[str] = set()
        self.domains: set[str] = set()
        for url in urls:
            self.add(url)

    def add(self, url: str) -> None:
        parts = urlsplit(url)
        host = parts.hostname or ""
        if is_loopback(url) or _is_ip(host):
            self.netlocs.add(parts.netloc.lower())
        else:
            self.domains.add(registered_domain(host))

    def __contains__(self, url: str) -> bool:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            return False
        if parts.netloc.lower() in self.netlocs:
            return True
        host = parts.hostname or ""
        if _is_ip(host) or host == "localhost":
            return False
        return registered_domain(host) in self.domains


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        return False

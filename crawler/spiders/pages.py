"""Reading one response as a page: its selector (re-decoded when the charset lies), its markup,
its body hash, and whether it is an access barrier (login, password form, IP-range notice)."""

from __future__ import annotations

import hashlib
import re
import threading
from urllib.parse import urlsplit

from lxml import etree
from lxml import html as lxml_html
from parsel import Selector
from parsel.selector import create_root_node
from scrapy.http import Response, TextResponse

from crawler.extract.charset import page_text
from crawler.extract.html import node_text

RESTRICTED_WORDS = ("IP地址范围未授权", "ip地址访问受限", "IP地址访问受限", "访问受限", "无权访问", "未授权访问")
_RESTRICTED_LOW = tuple(dict.fromkeys(w.lower() for w in RESTRICTED_WORDS))
LOGIN_URL = re.compile(r"login|logon|signin|sign_in|/cas/|/sso|passport|/auth/|denglu", re.I)


def body_sha256(response: Response) -> str:
    """Hex sha256 of the body: the one the evidence middleware computed for the WARC record, if any."""
    known = response.meta.get("body_sha256") if response.request is not None else None
    if known and known[0] == response.url and known[1] == len(response.body):
        return known[2]
    return hashlib.sha256(response.body).hexdigest()


def page_selector(response: Response) -> Selector | None:
    """A selector over the page text, decoded by what the bytes are when the declared charset is wrong."""
    if not isinstance(response, TextResponse):
        return None
    ctype = (response.headers.get(b"Content-Type") or b"").decode("latin-1").lower()
    if ctype and not any(t in ctype for t in ("html", "xml", "text")):
        return None
    text = page_text(response)
    if text.lstrip("\ufeff \t\r\n\f\v").startswith(("{", "[", "<?xml")):
        sel = PageSelector(text=text, base_url=response.url)  # parsel's own pick: JSON, XML or HTML
    else:  # what parsel does for HTML text, with the element classes picked in C
        root = create_root_node(text, _shared_parser, base_url=response.url)
        sel = PageSelector(root=root, type="html", base_url=response.url)
    sel.source = text
    return sel


class _HtmlParser(etree.HTMLParser):
    """lxml.html's parser (the one parsel uses) giving every element the plain `HtmlElement` class by
    a lookup in C: lxml.html's own lookup calls Python for each element the extractors touch, to give
    form controls their own classes, which nothing here uses."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.set_element_class_lookup(etree.ElementDefaultClassLookup(
            element=lxml_html.HtmlElement, comment=lxml_html.HtmlComment,
            pi=lxml_html.HtmlProcessingInstruction, entity=lxml_html.HtmlEntity))


_PARSERS = threading.local()


def _shared_parser(**options: object) -> etree.HTMLParser:
    """This thread's `_HtmlParser` for `options` (what parsel's `create_root_node` asks for), made once:
    building an lxml parser costs about as much as parsing a small page, and a parser may be reused
    for any number of documents, one at a time (so one per thread)."""
    key = tuple(sorted(options.items()))
    cache = _PARSERS.__dict__.setdefault("by_options", {})
    parser = cache.get(key)
    if parser is None:
        parser = cache[key] = _HtmlParser(**options)
    return parser


class PageSelector(Selector):
    """A page's selector that keeps the decoded page text (`source`), so readers that need the raw
    markup (comments, script configs) do not serialise the whole tree again."""

    __slots__ = ("source",)


def page_source(sel: Selector) -> str:
    """The page's markup: the decoded text it was parsed from, else the serialised tree."""
    return getattr(sel, "source", None) or sel.get()


def restricted_reason(response: Response, sel: Selector | None) -> str | None:
    """Why a 200 page is an access barrier: a login redirect, a password form, an IP-range notice."""
    redirects = response.meta.get("redirect_urls") or []
    if redirects and LOGIN_URL.search(urlsplit(response.url).path + "?" + urlsplit(response.url).query):
        return f"redirected to login: {response.url}"
    if sel is None:
        return None
    raw = response.text if isinstance(response, TextResponse) else ""
    low = raw.lower()
    if not any(w in low for w in _RESTRICTED_LOW) and "password" not in raw:
        return None
    body = sel.xpath("//body")
    text = node_text(body[0]) if body else ""
    if len(text) < 3000:
        for word in RESTRICTED_WORDS:
            if word.lower() in text.lower():
                return word
        if sel.xpath("//input[@type='password']") and len(text) < 1500:
            return "login required"
    return None


__all__ = ["PageSelector", "body_sha256", "page_selector", "page_source", "restricted_reason"]

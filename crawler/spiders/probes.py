"""Probes of the site itself (a mixin of `PortalSpider` plus entry helpers): the 信息公开 entry link of
a home page, the home page's newest date, the site channels, and the search test (submit the site's
search form with a listed title, look for it in the answer)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import scrapy
from parsel import Selector
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.discovery.channels import site_channels
from crawler.extract.html import absolute, clean, node_text
from crawler.extract.linkdates import newest_link_date, title_links
from crawler.spiders.pages import page_selector
from crawler.spiders.settled import settled

ENTRY_RE = re.compile(r"^(?:政府|政务|校务|院务)?信息公开(?:网|专栏|平台|主页|门户|专题|目录)?$")
HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
FOOTER_HINT = re.compile(r"foot|bottom|copyright|banquan", re.I)
HEADER_HINT = re.compile(r"header|top|mainnav|\bnav", re.I)
HOP_RE = re.compile(r"^(?:政务公开|政府公开|公开)$")


def find_entry(sel: Selector, base: str) -> str | None:
    """The 信息公开 entry link of a home page (text or title such as 信息公开/信息公开网/政府信息公开)."""
    found = entry_link(sel, base)
    return found["url"] if found else None


def _link_place(a: Selector) -> tuple[bool, str]:
    """(hidden, place) of a link: hidden inside a display:none block or as a tiny image;
    place is footer / header / body."""
    hidden, place = False, "body"
    for anc in a.xpath("ancestor-or-self::*"):
        if HIDDEN_STYLE.search(anc.attrib.get("style", "")) or anc.attrib.get("hidden") is not None:
            hidden = True
        hints = f"{anc.attrib.get('class', '')} {anc.attrib.get('id', '')}"
        if anc.root.tag == "footer" or FOOTER_HINT.search(hints):
            place = "footer"
        elif place == "body" and (anc.root.tag in ("header", "nav") or HEADER_HINT.search(hints)):
            place = "header"
    if not node_text(a):
        for img in a.xpath(".//img"):
            w, h = img.attrib.get("width", ""), img.attrib.get("height", "")
            if (w.isdigit() and int(w) <= 16) or (h.isdigit() and int(h) <= 16):
                hidden = True
    return hidden, place


def entry_link(sel: Selector, base: str, pattern: re.Pattern[str] = ENTRY_RE) -> dict[str, Any] | None:
    """The best 信息公开 entry link with its text, place and whether every such link is hidden."""
    cands: list[tuple[int, int, str, str, bool, str]] = []
    for n, a in enumerate(sel.xpath("//a[@href]")):
        url = absolute(base, a.attrib.get("href"))
        if not url or url == base:
            continue
        for label in (node_text(a), clean(a.attrib.get("title")), clean(a.xpath(".//img/@alt").get())):
            if label and pattern.match(label.replace(" ", "")):
                rank = 0 if label in ("信息公开网", "信息公开") else 1
                hidden, place = _link_place(a)
                cands.append((rank, n, url, label, hidden, place))
                break
    if not cands:
        return None
    visible = [c for c in cands if not c[4]]
    best = min(visible or cands)
    return {"url": best[2], "text": best[3], "hidden": not visible, "place": best[5]}


HOME_LINKS_KEPT = 200  # title links of the home page kept in Crawl.facts (bounded: facts are one JSON cell)


class ProbesMixin:
    """Home facts, channels, the search form and the search test."""

    # (attributes provided by PortalSpider)
    facts: Any
    search: bool
    failed: str | None
    search_form: dict[str, Any] | None
    search_query: str | None

    def _home_facts(self, sel: Selector, url: str) -> None:
        """The newest date printed beside a title link of the home page (whatever its row markup), and the
        home page's first title links, so a check can tell "undated" from "dates we could not read"."""
        newest = newest_link_date(sel, url, not_after=dt.date.today())
        self.facts["home_newest_date"] = newest.isoformat() if newest else None
        self.facts["home_item_links"] = title_links(sel, url, HOME_LINKS_KEPT)

    def _channels(self, sel: Selector, url: str, fact: str = "channels") -> None:
        """Site channels (政务服务, 政民互动 …) a page links to, wherever they sit. The home page and the
        portal page keep theirs under their own fact (`channels`, `portal_channels`): in request mode
        two workers may read them, and neither may overwrite the other's."""
        if fact not in self.facts:
            self.facts[fact] = site_channels(sel, url)

    def _find_search(self, sel: Selector, url: str) -> None:
        if self.search_form is not None:
            return
        for form in sel.xpath("//form"):
            inputs = form.xpath(".//input[not(@type) or @type='text' or @type='search']")
            if not inputs or not inputs[0].attrib.get("name"):
                continue
            action = absolute(url, form.attrib.get("action") or url) or url
            hidden = {
                i.attrib["name"]: i.attrib.get("value", "")
                for i in form.xpath(".//input[@type='hidden'][@name]")
            }
            self.search_form = {
                "form_url": action,
                "method": (form.attrib.get("method") or "get").lower(),
                "field": inputs[0].attrib["name"],
                "hidden": hidden,
            }
            return

    def _search_request(self) -> scrapy.Request | None:
        if not self.search or self.failed:
            return None
        if self.search_form is None or not self.search_query:
            self.facts["search"] = {"form_url": (self.search_form or {}).get("form_url"), "query": None,
                                    "found": False if self.search_form is None else None}
            return None
        form = self.search_form
        data = {**form["hidden"], form["field"]: self.search_query}
        meta = {"kind": "search", "handle_httpstatus_all": True}
        if form["method"] == "post":
            return scrapy.FormRequest(form["form_url"], formdata=data, callback=self.parse_search, meta=meta,
                                      errback=self.search_error, dont_filter=True)
        url = form["form_url"] + ("&" if "?" in form["form_url"] else "?") + urlencode(data)
        return scrapy.Request(url, callback=self.parse_search, errback=self.search_error, meta=meta,
                              dont_filter=True)

    @settled
    def parse_search(self, response: Response) -> Iterator[Any]:
        sel = page_selector(response)
        text = node_text(sel.xpath("//body")[0]) if sel is not None and sel.xpath("//body") else ""
        query = self.search_query or ""
        self.facts["search"] = {
            "form_url": (self.search_form or {}).get("form_url"),
            "query": query,
            "found": response.status < 400 and clean(query) in text,
            "status": response.status,
        }
        return iter(())

    def search_error(self, failure: Failure) -> Iterator[Any]:
        self.facts["search"] = {
            "form_url": (self.search_form or {}).get("form_url"),
            "query": self.search_query,
            # The query never ran (robots.txt, time-out, refused): nothing is known about the results,
            # so the check must not turn this into "search finds nothing".
            "found": None,
            "error": failure.getErrorMessage()[:200],
        }
        return iter(())

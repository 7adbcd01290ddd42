"""The spider's column discovery by evidence (a mixin of `PortalSpider`).

Every on-scope link of the portal page and of column pages that is not an item, a pager link, a
file or a known column is a candidate. A candidate page is fetched once and classified by what it
is (`crawler.discovery.classify`); a list, a landing page or a placed content page becomes a column
and the same response is read as that column's first page, so nothing is fetched twice. Its place in
the tree comes from the li nesting it was found in, its breadcrumb, its URL under a known column's
URL, or the column page that links to it. Candidates are bounded by `max_candidates`; a site that
hits the bound says so in its stop reason.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from parsel import Selector
from scrapy.http import Response

from crawler.discovery.candidates import candidate_links, link_lists, menu_urls
from crawler.discovery.classify import (
    CONTENT,
    LANDING,
    LIST,
    breadcrumb,
    classify,
    heading,
    looks_like_article,
    says_no_data,
)
from crawler.discovery.content import main_text
from crawler.discovery.tree import crumb_parent, under, url_parent
from crawler.extract.columns import flatten
from crawler.extract.html import page_key
from crawler.extract.types import NavNode
from crawler.records import ColumnRecord, PageRecord
from crawler.spiders.pages import page_selector, restricted_reason
from crawler.spiders.settled import settled
from xxgk.namenorm import normalize

if TYPE_CHECKING:
    from crawler.cms import GenericAdapter

PAGER_WORDS = ("上一页", "下一页", "尾页", "末页", "首页", "上页", "下页", "跳转", "打印", "关闭", "返回", "收藏")
MAX_CRUMB_NAMES = 300


def _as_dict(node: NavNode) -> dict[str, Any]:
    return {"name": node.name, "url": node.url, "children": [_as_dict(c) for c in node.children]}


def _as_node(raw: dict[str, Any]) -> NavNode:
    return NavNode(name=raw["name"], url=raw["url"], children=[_as_node(c) for c in raw.get("children", [])])


class DiscoveryMixin:
    """Candidate links → fetched once → classified → columns placed in the tree."""

    # (attributes provided by PortalSpider)
    columns: Any
    url_key: Any
    requested: Any
    skip_keys: Any
    scope: Any
    col_pages: Any
    col_depth: Any
    max_candidates: int
    candidates_requested: int
    stop_reason: str | None

    def _links_below(self, sel: Selector, url: str) -> int:
        """How many candidate links of the page lead into its own URL folder (its sub-columns)."""
        return sum(1 for n in flatten(candidate_links(sel, url, self.scope.__contains__, exclude={url}))
                   if n.url and under(n.url, url))

    def _fresh_candidates(self, sel: Selector, url: str, adapter: GenericAdapter,
                          exclude: set[str]) -> list[tuple[NavNode, str | None]]:
        """The page's candidate forest without known columns, requested pages and pager words, each
        root with the key of the known column it was nested under on this page (None: none)."""
        forest = candidate_links(sel, url, self.scope.__contains__, exclude=exclude | {url},
                                 is_article=adapter.is_article)

        def keep(node: NavNode, above: str | None) -> list[tuple[NavNode, str | None]]:
            known_key = self.url_key.get(node.url) if node.url in self.url_key else None
            if known_key is None and node.url in self.requested and page_key(node.url) not in self.skip_keys:
                # a candidate still being judged: what it nests is left to it (its own page shows it too)
                return []
            known = (known_key is not None or page_key(node.url) in self.skip_keys or node.name in PAGER_WORDS
                     or node.name.isdigit())
            if known:
                # a known column keeps its place; what the page nests under it are its children
                return [k for ch in node.children for k in keep(ch, known_key or above)]
            node.children = [n for ch in node.children for n, _ in keep(ch, None)]
            return [(node, above)]

        return [k for root in forest for k in keep(root, None)]

    def _discover(self, sel: Selector, url: str, parent_key: str | None, depth: int, adapter: GenericAdapter,
                  exclude: set[str], links: list[str]) -> Iterator[Any]:
        """Probe the page's fresh candidates; `parent_key` is the column the page is (None: the portal)."""
        # the page's own query variants (calendar days, filters, sort orders) are the same page, not columns:
        # following them is how calendar and infinite-pagination traps swallow a crawl
        fresh = [(n, a) for n, a in self._fresh_candidates(sel, url, adapter, exclude)
                 if not _query_variant(n.url, url)]
        if not fresh:
            return
        here = {u: self.url_key[u] for u in dict.fromkeys(links) if u in self.url_key}
        if parent_key is not None and url not in here:
            here[url] = parent_key
        names: dict[str, str] = {}
        for key in list(here.values())[:MAX_CRUMB_NAMES]:
            rec = self.columns[key] if key in self.columns else None
            if rec is not None:
                names.setdefault(normalize(rec.name), key)
        menu = menu_urls(sel, url)
        siblings = self._sibling_parents(sel, url, here)
        for node, above in fresh:
            sib = siblings.get(page_key(node.url)) if above is None and node.url else None
            yield from self._probe(node, parent_key, here, names, depth, menu, above, sib)

    def _sibling_parents(self, sel: Selector, url: str, here: dict[str, str]) -> dict[str, tuple[str | None]]:
        """Link (page key) → (parent key,) when the lists it is an entry of hold at least two known columns
        and all of them have that one parent (None: top level). A link listed beside known columns is
        their sibling: a sidebar repeating the whole tree on a column page does not make the page's column
        the parent of every top-level column it lists, whichever page happened to be read first."""
        lists = link_lists(sel, url)
        parents: dict[int, set[str | None]] = {}
        counts: dict[int, int] = {}
        for u, key in here.items():
            if key not in self.columns:
                continue
            for lid in lists.get(page_key(u), ()):
                parents.setdefault(lid, set()).add(self.columns[key].parent_key)
                counts[lid] = counts.get(lid, 0) + 1
        out: dict[str, tuple[str | None]] = {}
        for link, lids in lists.items():
            found = {p for lid in lids for p in parents.get(lid, ())}
            if len(found) == 1 and sum(counts.get(lid, 0) for lid in lids) >= 2:
                out[link] = (found.pop(),)
        return out

    def _probe(self, node: NavNode, linking_key: str | None, here: dict[str, str], names: dict[str, str],
               depth: int, menu: set[str] = frozenset(),  # type: ignore[assignment]
               nested_under: str | None = None, siblings: tuple[str | None] | None = None) -> Iterator[Any]:
        """Request a candidate; its fallback place is, strongest first: the known column it is nested
        under on the linking page, the known column whose URL folder holds it, the parent of the known
        columns it is listed beside (`siblings`), the column of the linking page."""
        if node.url is None or node.url in self.requested or node.url in self.url_key:
            return
        if self.candidates_requested >= self.max_candidates:
            self.stop_reason = self.stop_reason or "candidate limit"
            return
        fallback = nested_under or url_parent(node.url, here)
        if fallback is None:
            fallback = siblings[0] if siblings is not None else linking_key
        self.candidates_requested += 1
        req = self._request(node.url, self.parse_candidate, depth, kind="candidate",  # type: ignore[attr-defined]
                            cand={"node": _as_dict(node), "parent": fallback, "names": names,
                                  "menu": page_key(node.url) in menu or siblings is not None})
        if req is not None:
            yield req

    @settled
    def parse_candidate(self, response: Response) -> Iterator[Any]:
        """A candidate page: classify it; a column's page is read at once as its first list page."""
        cand = response.meta["cand"]
        node = _as_node(cand["node"])
        depth = response.meta.get("depth", 0)
        sel = page_selector(response)
        if sel is None or restricted_reason(response, sel):
            yield self._page(response, "unclassified", sel)  # type: ignore[attr-defined]
            yield from self._probe_children(node, cand, depth)
            return
        adapter = self._adapter(sel, response)  # type: ignore[attr-defined]
        page = adapter.list_page(sel, response.url)
        rendered_list = bool(page.render) or bool(adapter.needs_render(sel, page))
        items = {it.url for it in page.items} | set(page.pager.page_urls)
        sub = [n for n, _ in self._fresh_candidates(sel, response.url, adapter, items)]
        # links to pages in this page's folder count too, even when already known (a landing page
        # repeats the sub-columns a home tree showed)
        below = [n for n in flatten(candidate_links(sel, response.url, self.scope.__contains__, exclude=items))
                 if n.url and under(n.url, response.url)]
        sub_links = len({n.url for n in flatten(sub)} | {c.url for c in node.children})
        text = main_text(sel)
        body_chars = len(text.replace(" ", ""))
        kind = LIST if rendered_list else classify(page, sub_links=sub_links, below_links=len(below), content_chars=body_chars,
                                                   no_data=says_no_data(sel),
                                                   article_like=looks_like_article(sel, body_chars),
                                                   nested=len(node.children))
        crumbs = breadcrumb(sel)
        parent = crumb_parent(crumbs, node.name, cand.get("names") or {}) or cand.get("parent")
        placed = parent is not None or bool(crumbs) or bool(cand.get("menu"))
        if kind not in (LIST, LANDING) and not (kind == CONTENT and placed):
            yield self._page(response, kind, sel)  # type: ignore[attr-defined]
            self._links(sel, response.url)  # type: ignore[attr-defined]
            yield from self._probe_children(node, cand, depth)
            return
        name = node.name or heading(sel) or response.url
        rec = self._found_column(NavNode(name=name, url=node.url), parent)
        if rec is None:
            yield self._page(response, kind, sel)  # type: ignore[attr-defined]
            return
        yield rec
        response.meta.update(column=rec.key, first=True, page_kind=kind)
        self.col_pages[rec.key] = {response.url}
        self.col_depth[rec.key] = depth
        yield from self.parse_column(response, (sel, adapter, page))  # type: ignore[attr-defined]
        for child in node.children:
            yield from self._probe(child, rec.key, {node.url or "": rec.key}, cand.get("names") or {}, depth + 1)

    def _probe_children(self, node: NavNode, cand: dict[str, Any], depth: int) -> Iterator[Any]:
        """Children of a candidate that is no column take its place (same parent)."""
        parent = cand.get("parent")
        for child in node.children:
            yield from self._probe(child, parent, {}, cand.get("names") or {}, depth)

    def _found_column(self, node: NavNode, parent_key: str | None) -> ColumnRecord | None:
        """A column record for a classified candidate (None when another request made it first)."""
        if node.url is None or node.url in self.url_key or node.url in self.columns:
            return None
        parent = self.columns[parent_key] if parent_key is not None and parent_key in self.columns else None
        segment = node.name.replace("/", "／")
        rec = ColumnRecord(
            key=node.url,
            name=node.name,
            url=node.url,
            parent_key=parent.key if parent else None,
            path=f"{parent.path}/{segment}" if parent else segment,
            depth=(parent.depth + 1) if parent else 1,
            offsite=False,
            status="ok",
            kind=None,
        )
        self.columns[rec.key] = rec
        self.url_key[node.url] = rec.key
        return rec


__all__ = ["DiscoveryMixin", "PageRecord"]


def _query_variant(candidate: str | None, page: str) -> bool:
    """`candidate` is `page` (same host and path) with another query string."""
    if not candidate:
        return False
    a, b = urlsplit(candidate), urlsplit(page)
    return bool(a.query) and (a.netloc, a.path) == (b.netloc, b.path)

"""One crawl's shared state as one explicit object, so no field can silently stay per-worker.

Everything a request of a crawl may read or change and that another request must see — the column
tree, what was requested, the scope, counters against the limits, crawl-level values and site facts —
is a field of `CrawlState` (`SHARED_FIELDS` names them and how each is shared). `LocalCrawlState` keeps
them in plain sets and dicts for a one-process crawl; `crawler.distributed.crawlstate.SharedCrawlState`
keeps the same fields in Redis for request-level distributed crawls. The spider reads and writes them
through attributes of the same names (`state_attr`).

Anything else a spider instance holds is per worker by design and listed in `PER_WORKER`: its
configuration (limits), link-health scratch (rebuilt from every page's share in request mode) and
browser contexts. A test fails when a spider grows an attribute that is in neither list.
"""

from __future__ import annotations

from typing import Any

from crawler.extract.html import Scope
from crawler.records import ColumnRecord

# name → how request-level distributed crawls share it
SHARED_FIELDS: dict[str, str] = {
    "scope": "list of hosts, refreshed per request",
    "columns": "hash of column records",
    "url_key": "hash URL → column key",
    "col_pages": "set of list pages per column",
    "col_depth": "hash column → depth",
    "requested": "set of requested URLs",
    "skip_keys": "set of page keys that are never columns",
    "facts": "hash of site facts (JSON)",
    "scheduled": "counter",
    "articles_requested": "counter",
    "attachments_requested": "counter",
    "rendered_requested": "counter",
    "candidates_requested": "counter",
    "unread_pages": "counter",
    "stop_reason": "value, first writer wins",
    "failed": "value",
    "portal_url": "value",
    "search_query": "value, first writer wins",
    "search_form": "JSON value, first writer wins",
}
COUNTER_FIELDS = tuple(k for k, how in SHARED_FIELDS.items() if how == "counter")

# Spider attributes that are per worker on purpose (configuration, per-request scratch, browser tabs).
PER_WORKER: frozenset[str] = frozenset({
    "crawl_id", "site_id", "start_url", "limits", "crawl_settings", "progress", "warc", "resuming", "browser", "replayed",
    "max_pages", "max_depth", "max_list_pages", "max_seconds", "fetch_articles", "max_articles",
    "fetch_attachments", "max_attachments", "max_attachment_bytes", "check_links", "max_link_checks",
    "max_offsite_checks", "max_rendered", "search", "max_candidates", "settings_obj", "t0",
    # link health: one process keeps it whole; request mode rebuilds it from every page's share
    "links", "empty_links", "empty_seq", "fetched", "page_ids", "page_urls", "checks_done", "search_done",
    # browser contexts of this worker's Playwright
    "ctx_n", "ctx_used", "ctx_open",
    # the object itself and Scrapy's own attributes
    "crawl_state", "state", "crawler", "settings", "name", "custom_settings", "_state", "start_urls",
})


class LocalCrawlState:
    """The shared fields in plain containers (one process crawls the site)."""

    def __init__(self, start_url: str, facts: dict[str, Any]) -> None:
        self.scope: Scope = Scope(start_url)
        self.columns: dict[str, ColumnRecord] = {}
        self.url_key: dict[str, str] = {}
        self.col_pages: dict[str, set[str]] = {}
        self.col_depth: dict[str, int] = {}
        self.requested: set[str] = set()
        self.skip_keys: set[str] = set()  # portal / home pages: never columns
        self.facts: dict[str, Any] = dict(facts)
        self.scheduled = 0
        self.articles_requested = 0
        self.attachments_requested = 0
        self.rendered_requested = 0
        self.candidates_requested = 0
        self.unread_pages = 0  # pages that answered but whose reading raised
        self.stop_reason: str | None = None
        self.failed: str | None = None
        self.portal_url: str | None = None
        self.search_query: str | None = None
        self.search_form: dict[str, Any] | None = None


def state_attr(name: str) -> property:
    """A spider attribute that reads and writes the field `name` of the spider's `crawl_state`."""

    def get(self: Any) -> Any:
        return getattr(self.crawl_state, name)

    def put(self: Any, value: Any) -> None:
        setattr(self.crawl_state, name, value)

    return property(get, put, doc=f"crawl state: {SHARED_FIELDS[name]}")


class StateAttributes:
    """Mixin: every shared field as a spider attribute over `crawl_state`."""

    crawl_state: Any


for _name in SHARED_FIELDS:
    setattr(StateAttributes, _name, state_attr(_name))


__all__ = ["COUNTER_FIELDS", "PER_WORKER", "SHARED_FIELDS", "LocalCrawlState", "StateAttributes", "state_attr"]

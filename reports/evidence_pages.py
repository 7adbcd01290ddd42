"""The fetched pages the findings cite as evidence, and their archived copies, a batch of sites at a time.

A national run has ~100 cited pages a site; held for every site at once, they and their snapshot
index were most of what grew with the run in the report process. The site pages now ask for them
a batch of sites at a time (`EvidencePages.for_site`): the batch's pages are read from the store
and their snapshots and screenshots placed in the report (`reports.snapshots.build_evidence`) by
whichever process renders that batch. What is held for the whole run is only the set of cited URLs,
so a page cited by any site's finding is kept exactly as when the run was read whole.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import select

from reports.snapshots import place_evidence
from xxgk.store import Page, Screenshot

PAGE_COLUMNS = ["site_id", "url", "status", "fetched_at", "sha256", "content_type", "evidence_ref",
                "screenshot", "warc_path"]
BATCH_SITES = 100  # sites whose evidence pages are held at once
FIELD_CHUNK = 500  # page ids per select of the kept pages' other fields


class EvidencePages:
    """A run's evidence pages, read and placed in a report folder one batch of its crawls at a time.

    `crawls` are the run's (crawl id, site id, WARC path) in site order; `wanted` every URL the findings
    cite; `rows` runs a select (on the report's connection, or a forked worker's own)."""

    def __init__(self, crawls: list[tuple[int, int, str | None]], wanted: set[str],
                 rows: Callable[[Any], list]) -> None:
        self.crawls, self.wanted, self._rows = crawls, wanted, rows
        self._batch_of: dict[int, int] = {}  # site id → batch number (a batch holds whole sites)
        self._batches: list[list[tuple[int, int, str | None]]] = []
        for crawl in crawls:
            number = self._batch_of.setdefault(crawl[1], len(self._batch_of) // BATCH_SITES)
            if number == len(self._batches):
                self._batches.append([])
            self._batches[number].append(crawl)
        self._held: tuple[int, dict[tuple[int, str], dict]] | None = None  # (batch number, placed evidence)
        self.out_dir: Path | None = None

    def frame(self, number: int | None = None) -> pd.DataFrame:
        """The evidence pages of batch `number` (every batch when None), in (site, page id) order."""
        if not self.wanted:
            return pd.DataFrame(columns=PAGE_COLUMNS)
        crawls = self.crawls if number is None else self._batches[number]
        return pd.DataFrame(self._page_rows(crawls), columns=PAGE_COLUMNS)

    def place(self, out_dir: Path) -> None:
        """From now on `for_site` places the archived copies of each batch it reads in `out_dir`."""
        self.out_dir, self._held = out_dir, None

    def place_all(self) -> None:
        """Read and place every batch now, keeping the index (before forking workers that cannot read)."""
        assert self.out_dir is not None
        self._held = (-1, place_evidence(self._records(self.crawls), self.out_dir))

    def for_site(self, site_id: int) -> dict[tuple[int, str], dict]:
        """(site_id, url) → snapshot and screenshot paths of the batch holding `site_id` (placed when first asked)."""
        assert self.out_dir is not None, "place() names the report folder first"
        number = self._batch_of.get(site_id)
        if number is None:
            return {}
        if self._held is None or self._held[0] not in (number, -1):
            self._held = None  # let the previous batch go before reading the next
            self._held = (number, place_evidence(self._records(self._batches[number]), self.out_dir))
        return self._held[1]

    def _records(self, crawls: list[tuple[int, int, str | None]]) -> list[dict]:
        return [dict(zip(PAGE_COLUMNS, row, strict=True)) for row in self._page_rows(crawls)] if self.wanted else []

    def _page_rows(self, crawls: list[tuple[int, int, str | None]]) -> list[tuple]:
        """The cited pages and those with a screenshot of `crawls`, one row per page, then the screenshots of
        cited URLs the crawl has no page for.

        First only what decides whether a page is kept (a site has thousands of pages, few cited), then the
        kept pages' other fields by id. Screenshots come from the `Screenshot` rows taken after scoring (and
        `Page.screenshot` of older stores)."""
        by_crawl = {crawl_id: (site_id, warc) for crawl_id, site_id, warc in crawls}
        ids = list(by_crawl)
        shots: dict[tuple[int, str], str] = {}
        keys: list[tuple] = []
        for start in range(0, len(ids), FIELD_CHUNK):
            chunk = ids[start:start + FIELD_CHUNK]
            shots.update({(crawl_id, url): path for crawl_id, url, path in self._rows(
                select(Screenshot.crawl_id, Screenshot.url, Screenshot.path).where(
                    Screenshot.crawl_id.in_(chunk), Screenshot.status == "ok", Screenshot.path.is_not(None))
                .order_by(Screenshot.id))})
            keys += self._rows(select(Page.id, Page.crawl_id, Page.url, Page.screenshot)
                               .where(Page.crawl_id.in_(chunk)))
        keys.sort(key=lambda k: (by_crawl[k[1]][0], k[0]))  # (site, page id)
        kept: list[tuple[int, str | None]] = []
        for page_id, crawl_id, url, shot in keys:
            shot = shots.pop((crawl_id, url), None) or shot
            if url in self.wanted or shot:
                kept.append((page_id, shot))
        fields: dict[int, tuple] = {}
        for start in range(0, len(kept), FIELD_CHUNK):
            chunk = [page_id for page_id, _shot in kept[start:start + FIELD_CHUNK]]
            for row in self._rows(select(Page.id, Page.crawl_id, Page.url, Page.status, Page.fetched_at, Page.sha256,
                                         Page.content_type, Page.evidence_ref, Page.payload_ref, Page.payload_warc)
                                  .where(Page.id.in_(chunk))):
                fields[row[0]] = tuple(row[1:])
        rows = []
        for page_id, shot in kept:
            crawl_id, url, status, fetched, sha, ctype, ref, payload_ref, payload_warc = fields[page_id]
            site_id, warc = by_crawl[crawl_id]
            # an unchanged body is a revisit record; the archived copy is the one it refers to
            rows.append((site_id, url, status, fetched, sha, ctype, payload_ref or ref, shot, payload_warc or warc))
        for (crawl_id, url), path in shots.items():
            if url in self.wanted:
                site_id, warc = by_crawl[crawl_id]
                rows.append((site_id, url, None, None, None, None, None, path, warc))
        return rows

"""A run's columns and items, read from the store in chunks instead of held as whole frames.

At national size the crawl rows are millions (17,500 sites × hundreds of items), far more than the
findings: a report keeps only each site's counts in memory and streams columns.csv and items.csv
chunk by chunk. A chunk is a keyset page in id order, so the rows come in exactly the order (and with
exactly the values and CSV formatting) of one whole frame: a number column that holds a null anywhere
in the run is written as floats in every chunk, as pandas writes a whole frame.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from sqlalchemy import and_, case, func, not_, or_, select
from sqlalchemy.orm import Session, aliased

from xxgk.store import Column, Crawl, Item, Page, Site

CHUNK_ROWS = 50_000

COLUMN_COLUMNS = [
    "run_id", "site_id", "site_name", "site_url", "column_id", "parent_id", "path", "name", "url", "depth",
    "offsite", "status", "item_count", "declared_count", "list_pages", "newest_date", "has_content",
    "kind", "page_kind", "empty",
]
ITEM_COLUMNS = ["run_id", "site_id", "site_name", "column_id", "column_path", "title", "url", "published"]
_COLUMN_NUMBERS = ("parent_id", "depth", "item_count", "declared_count", "list_pages")


@dataclass
class SiteCounts:
    """What a site page shows of its crawl rows."""

    columns: int = 0
    blank: int = 0  # no items, no body text, with a URL
    items: int = 0


class CrawlRows:
    """The columns and items of one run's crawls, streamed from an open session."""

    def __init__(self, session: Session, run_id: int, crawl_site: dict[int, int], site_names: dict,
                 site_urls: dict) -> None:
        self.session, self.run_id = session, run_id
        self.crawl_site, self.site_names, self.site_urls = crawl_site, site_names, site_urls
        self._in_run = select(Crawl.id).where(Crawl.run_id == run_id).scalar_subquery()

    @classmethod
    def of_run(cls, session: Session, run_id: int) -> CrawlRows:
        """The run's crawl rows with the site names and URLs `load_run` gives them (for a process of its own)."""
        crawls = session.connection().execute(
            select(Crawl.id, Site.id, Site.name, func.coalesce(Crawl.start_url, Site.url))
            .join(Site, Crawl.site_id == Site.id).where(Crawl.run_id == run_id)).all()
        return cls(session, run_id, {c[0]: c[1] for c in crawls}, {c[1]: c[2] for c in crawls},
                   {c[1]: c[3] for c in crawls})

    def counts(self) -> dict[int, SiteCounts]:
        """Per site: its columns, its blank columns and its items (two grouped selects)."""
        out: dict[int, SiteCounts] = {}
        blank = and_(Column.item_count == 0, not_(func.coalesce(Column.has_content, False)), Column.url.is_not(None))
        for crawl_id, n, n_blank in self.session.execute(
                select(Column.crawl_id, func.count(Column.id), func.sum(case((blank, 1), else_=0)))
                .where(Column.crawl_id.in_(self._in_run)).group_by(Column.crawl_id)):
            c = out.setdefault(self.crawl_site[crawl_id], SiteCounts())
            c.columns += int(n)
            c.blank += int(n_blank or 0)
        for crawl_id, n in self.session.execute(
                select(Item.crawl_id, func.count(Item.id)).where(Item.crawl_id.in_(self._in_run))
                .group_by(Item.crawl_id)):
            out.setdefault(self.crawl_site[crawl_id], SiteCounts()).items += int(n)
        return out

    def column_chunks(self, rows: int = CHUNK_ROWS) -> Iterator[pd.DataFrame]:
        """columns.csv's rows (COLUMN_COLUMNS), `rows` at a time, in column id order."""
        raw = ["id", "crawl_id", "parent_id", "path", "name", "url", "depth", "offsite", "status", "item_count",
               "declared_count", "list_pages", "newest_date", "has_content", "kind"]
        page_of_column = (select(Page.kind).where(Page.crawl_id == Column.crawl_id, Page.url == Column.url)
                          .limit(1).scalar_subquery())
        with_children = set(self.session.scalars(
            select(Column.parent_id).where(Column.crawl_id.in_(self._in_run), Column.parent_id.is_not(None))
            .distinct()))
        nullable = self._columns_with_nulls(_COLUMN_NUMBERS)
        stmt = select(*(getattr(Column, n) for n in raw), page_of_column).where(Column.crawl_id.in_(self._in_run))
        for cols in _keyset(self.session, stmt, Column.id, [*raw, "page_kind"], rows):
            for name in nullable:
                cols[name] = cols[name].astype("float64")
            cols["site_id"] = [self.crawl_site[c] for c in cols.crawl_id]
            cols["run_id"] = self.run_id
            cols["site_name"] = [self.site_names.get(s, "") for s in cols.site_id]
            cols["site_url"] = [self.site_urls.get(s, "") for s in cols.site_id]
            cols["empty"] = [bool(url and not off and cid not in with_children and not n and not content)
                             for url, off, cid, n, content in zip(cols.url, cols.offsite, cols.id, cols.item_count,
                                                                  cols.has_content, strict=True)]
            cols["page_kind"] = [k if u else None for k, u in zip(cols.page_kind, cols.url, strict=True)]
            yield cols.rename(columns={"id": "column_id"})[COLUMN_COLUMNS]

    def item_chunks(self, rows: int = CHUNK_ROWS) -> Iterator[pd.DataFrame]:
        """items.csv's rows (ITEM_COLUMNS), `rows` at a time, in item id order."""
        col = aliased(Column)
        path = case((or_(col.path.is_(None), col.path == ""), col.name), else_=col.path)
        # an item whose column is not in the run has no path ("" as a whole frame's lookup gave)
        path = case((col.id.is_(None), ""), else_=path)
        stmt = (select(Item.id, Item.crawl_id, Item.column_id, Item.title, Item.url, Item.published, path)
                .outerjoin(col, and_(col.id == Item.column_id, col.crawl_id.in_(self._in_run)))
                .where(Item.crawl_id.in_(self._in_run)))
        names = ["id", "crawl_id", "column_id", "title", "url", "published", "column_path"]
        for items in _keyset(self.session, stmt, Item.id, names, rows):
            items.insert(0, "run_id", self.run_id)
            items.insert(1, "site_id", [self.crawl_site[c] for c in items.crawl_id])
            items.insert(2, "site_name", [self.site_names.get(s, "") for s in items.site_id])
            yield items[ITEM_COLUMNS]

    def _columns_with_nulls(self, names: tuple[str, ...]) -> list[str]:
        """The number columns that hold a null somewhere in the run (pandas makes those float)."""
        row = self.session.execute(select(*(func.sum(case((getattr(Column, n).is_(None), 1), else_=0))
                                            for n in names)).where(Column.crawl_id.in_(self._in_run))).one()
        return [n for n, nulls in zip(names, row, strict=True) if nulls]

    def columns_frame(self) -> pd.DataFrame:
        """Every column of the run as one frame (for callers that need it whole; reports stream)."""
        return _concat(list(self.column_chunks()), COLUMN_COLUMNS)

    def items_frame(self) -> pd.DataFrame:
        """Every item of the run as one frame (for callers that need it whole; reports stream)."""
        return _concat(list(self.item_chunks()), ITEM_COLUMNS)


def _keyset(session: Session, stmt, key, names: list[str], rows: int) -> Iterator[pd.DataFrame]:  # noqa: ANN001
    """Pages of `stmt` ordered by `key` (whose value is the first selected column), `rows` each."""
    last = None
    while True:
        page = stmt.order_by(key).limit(rows) if last is None else stmt.where(key > last).order_by(key).limit(rows)
        # plain tuples: pandas builds a frame from Core `Row`s ~9x slower (it probes each row's keys)
        got = [tuple(r) for r in session.connection().execute(page)]
        if not got:
            return
        last = got[-1][0]
        yield pd.DataFrame.from_records(got, columns=names)
        if len(got) < rows:
            return


def _concat(frames: list[pd.DataFrame], names: list[str]) -> pd.DataFrame:
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=names)


def write_chunks(chunks: Iterator[pd.DataFrame], names: list[str], path: Path,
                 headers: dict[str, str] | None = None) -> Path:
    """One CSV (UTF-8 with BOM) from frames written one after the other, the header once."""
    from reports.cells import safe_frame

    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        first = True
        for frame in chunks:
            out = safe_frame(frame)
            if headers:
                out = out.rename(columns=headers)
            out.to_csv(fh, index=False, header=first)
            first = False
        if first:
            empty = pd.DataFrame(columns=names)
            (empty.rename(columns=headers) if headers else empty).to_csv(fh, index=False)
    return path

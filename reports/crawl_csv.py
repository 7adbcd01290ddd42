"""columns.csv and items.csv, written in a forked process while the rest of a large report is built.

The crawl rows are most of a national store (17,500 sites × hundreds of items) and their CSVs
depend on nothing else the report computes, yet written after the HTML they were a long stretch on
one core. A run of `reports.site_pages.PARALLEL_SITES` or more sites on a file or server store (whose rows are
committed, as for parallel scoring) has them written by a forked process of its own, started before
the findings are read; the CSV format waits for it. The child opens its own read-only connection
(no connection crosses the fork) and writes the very bytes an in-process write gives. Small runs,
in-memory stores and platforms without fork write them in the CSV format itself.
"""

from __future__ import annotations

import logging
import multiprocessing
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from reports.crawl_rows import COLUMN_COLUMNS, ITEM_COLUMNS, CrawlRows, write_chunks
from reports.site_pages import forking_pays
from xxgk.store import Crawl
from xxgk.store.session import read_only_engine, shared_url

log = logging.getLogger(__name__)

FILES = ("columns.csv", "items.csv")


def write_crawl_csvs(rows: CrawlRows, out_dir: Path, headers: dict[str, str] | None) -> list[Path]:
    """columns.csv and items.csv of the run, streamed chunk by chunk (see reports.crawl_rows)."""
    return [write_chunks(rows.column_chunks(), COLUMN_COLUMNS, out_dir / FILES[0], headers),
            write_chunks(rows.item_chunks(), ITEM_COLUMNS, out_dir / FILES[1], headers)]


@dataclass
class PendingCsv:
    """The forked process writing a run's crawl CSVs, and the files it writes."""

    process: multiprocessing.process.BaseProcess
    out_dir: Path
    waited: bool = False

    def wait(self) -> list[Path] | None:
        """The files once written; None when the process failed (the caller then writes them itself)."""
        self.waited = True
        self.process.join()
        if self.process.exitcode == 0:
            return [self.out_dir / name for name in FILES]
        log.warning("writing columns.csv and items.csv in a separate process failed (exit code %s); "
                    "writing them here", self.process.exitcode)
        return None

    def cancel(self) -> None:
        """Stop the process and remove what it wrote, unless the CSV format took its files."""
        if self.waited:
            return
        if self.process.is_alive():
            self.process.terminate()
        self.process.join()
        for name in FILES:
            (self.out_dir / name).unlink(missing_ok=True)


def _uncommitted_sqlite_writes(session: Session) -> bool:
    """Whether this session holds SQLite writes another connection cannot see yet."""
    conn = session.connection()
    if conn.dialect.name != "sqlite":
        return False
    return bool(getattr(conn.connection.dbapi_connection, "in_transaction", False))


def start(session: Session, run_id: int, out_dir: Path, headers: dict[str, str] | None) -> PendingCsv | None:
    """Start writing the run's crawl CSVs in a forked process, or None when they are written in-process."""
    url = shared_url(session)
    if url is None or not forking_pays(session.query(Crawl.id).filter(Crawl.run_id == run_id).count()):
        return None
    if session.new or session.dirty or session.deleted or _uncommitted_sqlite_writes(session):
        return None
    out_dir.mkdir(parents=True, exist_ok=True)
    process = multiprocessing.get_context("fork").Process(target=_write_in_child, args=(url, run_id, out_dir, headers),
                                                          name="xxgk-crawl-csv", daemon=True)
    process.start()
    return PendingCsv(process, out_dir)


def _write_in_child(url: str, run_id: int, out_dir: Path, headers: dict[str, str] | None) -> None:
    engine = read_only_engine(url)
    try:
        with Session(engine) as session:
            write_crawl_csvs(CrawlRows.of_run(session, run_id), out_dir, headers)
    finally:
        engine.dispose()

"""Re-audit bytes benchmark: what a second audit of an unchanged world adds to the store and the WARC.

Audits a small sample world twice, unchanged, into one SQLite store (each crawl in its own process,
as the CLI does), then measures per table how many bytes each run's rows take: the store is copied,
the other run's rows deleted and the copy VACUUM'd, and SQLite's `dbstat` virtual table gives the
pages per table and index. Bytes, not time, so the figure is the same on a loaded machine. Prints
the per-table table and the ratio (store + WARC of the re-audit) / (store + WARC of the first audit),
the figure behind the "Re-audits" bullet of docs/benchmarks.md.

    .venv/bin/python bench/reaudit.py
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

from sqlalchemy import select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.crawler.storekit import add_run_with_sites  # noqa: E402
from xxgk.samples import generate_world  # noqa: E402
from xxgk.samples.server import SampleServer  # noqa: E402
from xxgk.store import Crawl, default_db_url, delete_crawl_contents, session_factory  # noqa: E402

LIMITS = {"max_pages": 120, "max_articles": 40, "max_link_checks": 20, "max_offsite_checks": 0,
          "browser": False, "workers": 1, "log_level": "ERROR"}


def crawl(db_url: str, run_id: int) -> None:
    """One run's crawl in a child process (a Scrapy reactor starts once per process)."""
    code = f"from crawler.runner import run_crawl\nrun_crawl({db_url!r}, {run_id}, limits={LIMITS!r})\n"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})


def table_bytes(store: Path, keep_runs: list[int], scratch: Path) -> tuple[dict[str, int], int]:
    """Bytes per table/index and in total of a VACUUM'd copy of `store` holding only `keep_runs`' rows."""
    copy = scratch / "copy.sqlite"
    shutil.copy(store, copy)
    factory = session_factory(default_db_url(copy))
    with factory.begin() as s:
        delete_crawl_contents(s, select(Crawl.id).where(Crawl.run_id.not_in(keep_runs)).scalar_subquery())
    factory.kw["bind"].dispose()
    con = sqlite3.connect(copy)
    try:
        con.execute("VACUUM")
        rows = dict(con.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name").fetchall())
    finally:
        con.close()
    return rows, copy.stat().st_size


def warc_bytes(store_dir: Path, run_id: int) -> int:
    return sum(p.stat().st_size for p in (store_dir / "warc" / f"run-{run_id}").glob("*.warc.gz"))


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="xxgk-reaudit-") as tmp_name:
        tmp = Path(tmp_name)
        world = tmp / "world"
        generate_world(world, seed=2024, n_universities=2, n_governments=1)
        store = tmp / "store.sqlite"
        db_url = default_db_url(store)
        factory = session_factory(db_url)
        runs = []
        with SampleServer(world) as server:
            urls = dict(server.urls)
            for label in ("first", "re-audit"):
                with factory.begin() as s:
                    runs.append(add_run_with_sites(s, urls, label=label))
                crawl(db_url, runs[-1])
        factory.kw["bind"].dispose()
        (empty, e_total), (one, one_total), (both, both_total) = (
            table_bytes(store, keep, tmp) for keep in ([], runs[:1], runs))
        print(f"{'table / index':34s} {'first':>9s} {'re-audit':>9s}")
        for name in sorted(both, key=lambda n: -(both[n] - one.get(n, 0))):
            first, again = one.get(name, 0) - empty.get(name, 0), both[name] - one.get(name, 0)
            if first or again:
                print(f"{name:34s} {first:9d} {again:9d}")
        s1, s2 = one_total - e_total, both_total - one_total
        w1, w2 = warc_bytes(tmp, runs[0]), warc_bytes(tmp, runs[1])
        print(f"store: first {s1} B, re-audit {s2} B ({s2 / s1:.0%})")
        print(f"WARC:  first {w1} B, re-audit {w2} B ({w2 / w1:.0%})")
        print(f"store + WARC: re-audit / first = {(s2 + w2) / (s1 + w1):.0%} (target <= 33%)")


if __name__ == "__main__":
    main()

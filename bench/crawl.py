"""Crawl benchmark: an xxgk audit of the whole sample world served on 127.0.0.1.

Prints a table (pages, seconds, pages/s, peak RSS of the crawling process) and writes the figures
to docs/benchmarks.md. Issue 3 extends it with a bare-Scrapy baseline and a 30,000-page world.
"""

from __future__ import annotations

import datetime as dt
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, select

from xxgk.samples import generate_world
from xxgk.samples.server import SampleServer
from xxgk.store import Page, session_factory, session_scope

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        generate_world(work / "world", seed=2024)
        with SampleServer(work / "world") as server:
            sites = work / "sites.csv"
            server.write_sites_csv(sites)
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "xxgk", "audit", str(sites), "--out", str(work / "out"),
                            "--db", str(work / "db.sqlite"), "--quiet"], check=True)
            seconds = time.perf_counter() - start
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        with session_scope(session_factory(f"sqlite:///{work / 'db.sqlite'}")) as s:
            pages = s.scalar(select(func.count(Page.id))) or 0
        portals = len(server.urls)
    rows = [("portals", f"{portals}"), ("pages fetched", f"{pages}"),
            ("audit wall time (crawl+score+report)", f"{seconds:.1f} s"),
            ("pages/s (whole audit)", f"{pages / seconds:.0f}"), ("peak RSS of the audit process", f"{peak_mb:.0f} MB")]
    width = max(len(k) for k, _ in rows)
    print("\n".join(f"{k:<{width}}  {v}" for k, v in rows))
    doc = ROOT / "docs" / "benchmarks.md"
    table = "\n".join(f"| {k} | {v} |" for k, v in rows)
    doc.write_text(
        "# Benchmarks\n\nWritten by `make bench` (`bench/crawl.py`) on the project's 2-core machine.\n\n"
        f"## Crawl of the sample world (seed 2024), {dt.date.today().isoformat()}\n\n"
        f"| measure | value |\n|---|---|\n{table}\n", encoding="utf-8")


if __name__ == "__main__":
    main()

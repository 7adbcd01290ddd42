"""The fault suite's audit: the hostile portal crawled in a guarded child process, scored with a
one-item-per-fault rubric, and everything the audit recorded read back from the store.

The crawl runs in a fresh process (Scrapy's reactor starts once per process) under an audit hook
that refuses — and records — any socket connection to a non-loopback address: the suite never sends
a packet off the machine, and a refusal the crawler forgot shows up as a recorded attempt.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from catalogue import LIMITS, REPO, SLOW_TIMEOUT, Ctx, Fault, portal_routes, stolen_routes  # noqa: E402
from hostile_server import HostileServer  # noqa: E402

CRAWL_BOUND = 240  # seconds: a generous bound that proves no fault hangs the crawl
GUARD = """
import json, sys
_LOG = {log!r}
def _guard(event, args):
    if event != "socket.connect":
        return
    addr = args[1]
    host = addr[0] if isinstance(addr, tuple) else str(addr)
    if host not in ("127.0.0.1", "::1", "localhost") and not str(addr).startswith("/"):
        with open(_LOG, "a") as fh:
            fh.write(json.dumps(str(addr)) + "\\n")
        raise PermissionError(f"fault suite: connection to {{addr}} blocked")
sys.addaudithook(_guard)
{prelude}
from crawler.runner import run_crawl
run_crawl({db!r}, {run_id}, limits={limits!r})
"""


@dataclass
class Audit:
    """What one crawl of the hostile portal recorded."""

    faults: list[Fault]
    seconds: float
    crawl: dict[str, Any]
    columns: dict[str, dict[str, Any]]  # column name → status, detail, items, titles
    pages: dict[str, dict[str, Any]]  # URL path (with query) → status, error, restricted
    findings: dict[str, dict[str, Any]]  # fault id → status, reason, message
    links: dict[str, dict[str, Any]]  # to_url → kind, error
    hits: dict[str, list[float]]
    other_hits: int
    blocked_connects: list[str] = field(default_factory=list)


def _read(db_url: str, run_id: int, faults: list[Fault]) -> dict[str, Any]:
    from sqlalchemy import func, select

    from scoring.engine import score_run
    from scoring.rubric import parse_rubric
    from xxgk.store import Column, Crawl, Finding, Item, Link, Page, session_factory

    items = [{"id": f.id, "name": f.column, "weight": 1, "checks": [{"kind": "blank_column"}]} for f in faults]
    rubric = parse_rubric({"id": "faults", "title": "故障", "source": {"title": "测试", "number": "测〔2026〕1号"},
                           "applies_to": "any", "method": "weighted", "total": len(items),
                           "sections": [{"id": "s", "name": "故障", "items": items}]}, {}, "<faults>")
    with session_factory(db_url).begin() as s:
        score_run(s, run_id, rubric)
    with session_factory(db_url)() as s:
        crawl = s.scalars(select(Crawl).where(Crawl.run_id == run_id)).one()
        cols = {}
        for c in s.scalars(select(Column).where(Column.crawl_id == crawl.id)):
            titles = list(s.scalars(select(Item.title).where(Item.column_id == c.id)))
            cols[c.name] = {"status": c.status, "detail": c.status_detail or "", "items": len(titles),
                            "titles": titles, "url": c.url}
        pages = {}
        for p in s.scalars(select(Page).where(Page.crawl_id == crawl.id)):
            key = p.url.split("/", 3)[3] if p.url.count("/") >= 3 else p.url
            pages["/" + key] = {"status": p.status, "error": p.error or "", "restricted": p.restricted or ""}
        findings = {f.item_id: {"status": f.status, "reason": f.reason or "", "message": f.message}
                    for f in s.scalars(select(Finding).where(Finding.run_id == run_id))}
        links = {lk.to_url: {"kind": lk.kind, "error": lk.error or ""}
                 for lk in s.scalars(select(Link).where(Link.crawl_id == crawl.id))}
        n_items = s.scalar(select(func.count()).select_from(Item).where(Item.crawl_id == crawl.id))
        return {"crawl": {"status": crawl.status, "stop_reason": crawl.stop_reason, "error": crawl.error,
                          "facts": crawl.facts or {}, "items": n_items},
                "columns": cols, "pages": pages, "findings": findings, "links": links}


def guarded_crawl(db_url: str, run_id: int, limits: dict[str, Any], log: Path, prelude: str = "") -> None:
    """`crawler.runner.run_crawl` in a fresh process whose non-loopback connections are blocked and
    logged to `log`; `prelude` is code run before the crawl (a test's patch)."""
    code = GUARD.format(log=str(log), db=db_url, run_id=run_id, limits=limits, prelude=prelude)
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                          timeout=CRAWL_BOUND, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert proc.returncode == 0, proc.stderr[-4000:]


def run_audit(tmp: Path, faults: list[Fault], *, slow: bool = False) -> Audit:
    """Serve the portal, crawl it in a guarded child process, score it, read it back."""
    from storekit import add_run_with_sites

    from xxgk.store import default_db_url, session_factory

    with HostileServer(stolen_routes()) as other:
        portal = HostileServer({})
        ctx = Ctx(other=other.url, stop=portal.stop)
        portal.routes.update(portal_routes(ctx, faults))
        with portal:
            db_url = default_db_url(tmp / "store.sqlite")
            with session_factory(db_url).begin() as s:
                run_id = add_run_with_sites(s, {"示例县": portal.url + "/index.html"}, label="faults")
            log = tmp / "connects.log"
            t0 = time.monotonic()
            guarded_crawl(db_url, run_id, {**LIMITS, "timeout": SLOW_TIMEOUT} if slow else LIMITS, log)
            seconds = time.monotonic() - t0
            hits = {k: list(v) for k, v in portal.hits.items()}
            other_hits = sum(len(v) for v in other.hits.values())
    data = _read(db_url, run_id, faults)
    blocked = [json.loads(x) for x in log.read_text().splitlines()] if log.exists() else []
    return Audit(faults=faults, seconds=seconds, hits=hits, other_hits=other_hits, blocked_connects=blocked, **data)

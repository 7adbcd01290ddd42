"""What the crash tests share: `xxgk audit` in a subprocess, signals at chosen moments, and the result of
a run as the comparable facts (item rows, pages, findings) with its duplicate rows counted."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select

from xxgk.store import Column, Crawl, Document, Item, Page, Run, Site, session_factory

ROOT = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
FORMATS = "html,csv"  # what the comparison reads; the other formats add time, not coverage
TIMEOUT = 600


@dataclass
class Outcome:
    """A finished run, as the facts an uninterrupted run must match."""

    items: list[tuple]  # (site URL, column path, title, URL, date), one per stored row
    pages: set[tuple]  # (site URL, page URL)
    findings: dict[tuple, tuple]  # (site URL, rubric item) → (status, points)
    duplicates: list[str] = field(default_factory=list)


def audit_cmd(sites: Path, out: Path, db: str, *extra: str) -> list[str]:
    return [sys.executable, "-m", "xxgk", "audit", str(sites), "--out", str(out), "--db", db, "--quiet",
            "--formats", FORMATS, *extra]


def resume_cmd(run_id: int, out: Path, db: str) -> list[str]:
    return [sys.executable, "-m", "xxgk", "audit", "--resume", str(run_id), "--out", str(out), "--db", db,
            "--quiet"]


def run(cmd: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=TIMEOUT)


def start(cmd: list[str], log: Path) -> subprocess.Popen:
    """A command in the background, its stderr to `log` (a pipe nobody reads could fill and block it)."""
    return subprocess.Popen(cmd, cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL, stderr=log.open("wb"))


def children(pid: int) -> list[int]:
    """Direct children of `pid` (from /proc) that are crawl workers (multiprocessing spawns)."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmdline = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if int(fields[1]) == pid and b"spawn_main" in cmdline:
            out.append(int(stat.parent.name))
    return out


def wait_until(predicate, timeout: float, step: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return False


def kill_at(proc: subprocess.Popen, seconds: float, sig: int = signal.SIGKILL) -> bool:
    """Send `sig` to the audit `seconds` after it started; False when it had already ended."""
    if proc.poll() is None:
        try:
            proc.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            proc.send_signal(sig)
            proc.wait(timeout=TIMEOUT)
            return True
    return False


def crawling(db_url: str) -> bool:
    """Whether a crawl of the store has started (its spider opened)."""
    try:
        with session_factory(db_url)() as s:
            return bool(s.scalar(select(func.count(Crawl.id)).where(Crawl.status == "running")))
    except Exception:  # the store is being created
        return False


def pages_stored(db_url: str) -> int:
    try:
        with session_factory(db_url)() as s:
            return s.scalar(select(func.count(Page.id))) or 0
    except Exception:  # the store is being created
        return 0


def run_state(db_url: str, run_id: int = 1) -> tuple[str | None, list[tuple[str, str | None]]]:
    """(run status, [(crawl status, stop reason)])."""
    with session_factory(db_url)() as s:
        run = s.get(Run, run_id)
        crawls = s.execute(select(Crawl.status, Crawl.stop_reason).where(Crawl.run_id == run_id)
                           .order_by(Crawl.id)).all()
        return (run.status if run else None), [tuple(c) for c in crawls]


def outcome(db_url: str, out: Path, run_id: int = 1) -> Outcome:
    """The run's stored items and pages, its findings.csv, and every duplicate row of the store."""
    with session_factory(db_url)() as s:
        items = [tuple(r) for r in s.execute(
            select(Site.url, Column.path, Item.title, Item.url, Item.published)
            .join(Column, Column.id == Item.column_id).join(Crawl, Crawl.id == Column.crawl_id)
            .join(Site, Site.id == Crawl.site_id).where(Crawl.run_id == run_id))]
        pages = {tuple(r) for r in s.execute(
            select(Site.url, Page.url).join(Crawl, Crawl.id == Page.crawl_id)
            .join(Site, Site.id == Crawl.site_id).where(Crawl.run_id == run_id))}
        duplicates = []
        for model, cols in ((Item, (Item.column_id, Item.url)), (Page, (Page.crawl_id, Page.url)),
                            (Document, (Document.crawl_id, Document.url)),
                            (Column, (Column.crawl_id, Column.path))):
            dups = s.execute(select(*cols, func.count()).group_by(*cols).having(func.count() > 1)).all()
            duplicates += [f"{model.__tablename__} {tuple(d)}" for d in dups]
    with open(out / "findings.csv", encoding="utf-8-sig") as fh:
        findings = {(r["site_url"], r["item_id"]): (r["status"], r["points"]) for r in csv.DictReader(fh)}
    return Outcome(items, pages, findings, duplicates)


def differences(got: Outcome, want: Outcome) -> list[str]:
    """What differs between a resumed run and the uninterrupted one (empty: identical)."""
    problems = [f"duplicate row: {d}" for d in got.duplicates]
    lost, extra = set(want.items) - set(got.items), set(got.items) - set(want.items)
    problems += [f"item lost: {i}" for i in sorted(lost)[:10]] + [f"item extra: {i}" for i in sorted(extra)[:10]]
    if len(got.items) != len(want.items):
        problems.append(f"{len(got.items)} item rows, want {len(want.items)}")
    problems += [f"page lost: {p}" for p in sorted(want.pages - got.pages)[:10]]
    problems += [f"page extra: {p}" for p in sorted(got.pages - want.pages)[:10]]
    for key in sorted(set(want.findings) | set(got.findings)):
        if got.findings.get(key) != want.findings.get(key):
            problems.append(f"finding {key}: {got.findings.get(key)}, want {want.findings.get(key)}")
    return problems

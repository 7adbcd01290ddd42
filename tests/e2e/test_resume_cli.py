"""`xxgk audit` killed half-way and finished with `--resume RUN` ends as an uninterrupted audit does."""

from __future__ import annotations

import csv
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import func, select

from xxgk.samples import generate_world
from xxgk.samples.server import SampleServer
from xxgk.store import Column, Item, Page, session_factory, session_scope

pytestmark = pytest.mark.e2e


def _items(db):
    with session_scope(session_factory(f"sqlite:///{db}")) as s:
        rows = s.execute(select(Column.path, Item.title, Item.url, Item.published)
                         .join(Column, Column.id == Item.column_id)).all()
    return [tuple(r) for r in rows]


def _statuses(out):
    with open(out / "findings.csv", encoding="utf-8-sig") as fh:
        return {(r["site_url"], r["item_id"]): r["status"] for r in csv.DictReader(fh)}


def test_killed_audit_resumes_to_the_same_result(tmp_path):
    generate_world(tmp_path / "world", seed=2024, n_universities=3, n_governments=0)
    with SampleServer(tmp_path / "world", delay=0.01) as server:
        sites = server.write_sites_csv(tmp_path / "sites.csv")
        full = subprocess.run([sys.executable, "-m", "xxgk", "audit", str(sites), "--out", str(tmp_path / "full"),
                               "--db", str(tmp_path / "full.sqlite"), "--quiet"], capture_output=True, text=True,
                              timeout=600)
        assert full.returncode == 0, full.stderr[-2000:]

        db = tmp_path / "killed.sqlite"
        proc = subprocess.Popen([sys.executable, "-m", "xxgk", "audit", str(sites), "--out", str(tmp_path / "x"),
                                 "--db", str(db), "--quiet"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        pages = 0
        while time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.5)
            try:
                with session_scope(session_factory(f"sqlite:///{db}")) as s:
                    pages = s.scalar(select(func.count(Page.id))) or 0
            except Exception:  # the store may not exist yet
                continue
            if pages >= 150:
                break
        assert proc.poll() is None, "the audit finished before it could be killed; slow the server down"
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert pages >= 150

        resumed = subprocess.run([sys.executable, "-m", "xxgk", "audit", "--resume", "1", "--out",
                                  str(tmp_path / "resumed"), "--db", str(db), "--quiet"],
                                 capture_output=True, text=True, timeout=600)
        assert resumed.returncode == 0, resumed.stderr[-2000:]
    got, want = _items(db), _items(tmp_path / "full.sqlite")
    assert len(got) == len(set(got)), "no item stored twice"
    assert sorted(got) == sorted(want)
    assert _statuses(tmp_path / "resumed") == _statuses(tmp_path / "full")

"""A portal served on another port in the second run is the same site: one Site row, the first run is
the report's automatic baseline, `runs diff` sees no change of site list, and each crawl keeps its URL."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys

import pytest

from xxgk.localservices import free_port_range
from xxgk.samples import generate_world
from xxgk.samples.server import SampleServer

pytestmark = pytest.mark.e2e


def _audit(server, tmp_path, name):
    sites = tmp_path / f"{name}.csv"
    server.write_sites_csv(sites)
    res = subprocess.run([sys.executable, "-m", "xxgk", "audit", str(sites), "--out", str(tmp_path / name),
                          "--db", str(tmp_path / "xxgk.sqlite"), "--quiet"], capture_output=True, text=True,
                         timeout=600)
    assert res.returncode == 0, res.stderr[-2000:]


def test_a_portal_that_moves_port_keeps_its_history(tmp_path):
    world = tmp_path / "world"
    generate_world(world, seed=2024, n_universities=1, n_governments=0)
    port = free_port_range(2)
    with SampleServer(world, base_port=port) as server:
        first = next(iter(server.urls.values()))
        _audit(server, tmp_path, "out1")
    with SampleServer(world, base_port=port + 1) as server:
        second = next(iter(server.urls.values()))
        _audit(server, tmp_path, "out2")
    assert first != second  # another port, the same portal
    with sqlite3.connect(tmp_path / "xxgk.sqlite") as conn:
        assert conn.execute("select count(*), max(url) from sites").fetchone() == (1, second)
        assert conn.execute("select run_id, start_url from crawls order by run_id").fetchall() == [
            (1, first), (2, second)]
    report = json.loads((tmp_path / "out2" / "report.json").read_text(encoding="utf-8"))
    assert report["baseline_run"] == 1  # compared with the first run, though the URL changed
    diff = subprocess.run([sys.executable, "-m", "xxgk", "runs", "diff", "1", "2", "--db",
                           str(tmp_path / "xxgk.sqlite")], capture_output=True, text=True, timeout=120)
    assert diff.returncode == 0 and "site lists differ" not in diff.stderr
    assert diff.stdout.strip().splitlines()[-1].startswith("overall: 0 new problem")

"""Fixtures for crawler tests: the shared real pages, tiny hand-written portals on 127.0.0.1,
and a helper that runs `crawler.runner.run_crawl` in a fresh process (Scrapy's reactor
starts once per process)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
# lets test modules import the fixture builders next to them (tests dirs have no __init__.py)
sys.path.insert(0, str(Path(__file__).resolve().parent))

from dyn_server import LoopbackHTTPServer  # noqa: E402


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


class StaticServer:
    """Serve one directory on its own 127.0.0.1 port (one portal = one host:port)."""

    def __init__(self, root: Path) -> None:
        self.httpd = LoopbackHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(root)))
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self) -> StaticServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def static_server() -> Iterator[type[StaticServer]]:
    yield StaticServer


def run_crawl_subprocess(db_url: str, run_id: int, limits: dict | None = None, timeout: float = 120,
                         prelude: str = "") -> list:
    """Run run_crawl in a child process; returns the progress events it reported. `prelude`: code the
    child runs first (e.g. to make one reader fail)."""
    code = (
        prelude + "\n"
        "import json, sys\n"
        "from crawler.runner import run_crawl\n"
        "events = []\n"
        f"run_crawl({db_url!r}, {run_id}, limits={limits!r}, progress=lambda e, d: events.append([e, d]))\n"
        "sys.stdout.write('EVENTS ' + json.dumps(events))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    line = [x for x in proc.stdout.splitlines() if x.startswith("EVENTS ")][-1]
    return json.loads(line[len("EVENTS ") :])


@pytest.fixture
def crawl_in_subprocess():
    return run_crawl_subprocess

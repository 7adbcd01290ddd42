"""Shared fixtures: the real portal pages of ../shared/realworld (read in place), and throwaway
PostgreSQL and Redis servers on 127.0.0.1 (Debian packages)."""

from __future__ import annotations

import json
import os
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from xxgk.localservices import ServiceUnavailable, postgres, redis

REPO = Path(__file__).resolve().parents[1]


def shared_dir() -> Path:
    """The project's shared/ folder: $XXGK_SHARED, else the one beside the checkout (CI has it)."""
    return Path(os.environ.get("XXGK_SHARED", REPO.parent / "shared")).resolve()


REALWORLD_MISSING = (f"real-page tests skipped: {shared_dir() / 'realworld'} not found "
                     "(a fresh clone has no shared/ folder; set XXGK_SHARED to run them)")


@pytest.fixture(scope="session")
def realworld() -> Path:
    """The real portal pages. They are never copied into the repository, so a clone without
    shared/ skips every test that reads them, with one summary line (below)."""
    path = shared_dir() / "realworld"
    if not path.is_dir():
        pytest.skip(REALWORLD_MISSING)
    return path


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_terminal_summary(terminalreporter, exitstatus, config):  # noqa: ARG001
    """Fold the real-page skips into one line instead of one `-ra` line per test; the closing
    count still includes them."""
    skipped = terminalreporter.stats.get("skipped", [])
    folded = [r for r in skipped if REALWORLD_MISSING in str(getattr(r, "longrepr", ""))]
    if folded:
        terminalreporter.stats["skipped"] = [r for r in skipped if r not in folded]
        terminalreporter.write_line(f"{len(folded)} {REALWORLD_MISSING}")
    try:
        return (yield)
    finally:
        if folded:
            terminalreporter.stats["skipped"] = skipped


@pytest.fixture(scope="session")
def pg_server():
    """One throwaway PostgreSQL cluster per test session (URL of its first database)."""
    try:
        with postgres() as url:
            yield url
    except ServiceUnavailable as exc:
        pytest.skip(str(exc))


@pytest.fixture()
def pg_url(pg_server):
    """A new, empty database on the session's cluster, so tests never see each other's rows."""
    import uuid

    import psycopg

    name = f"t_{uuid.uuid4().hex[:12]}"
    base = pg_server.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return pg_server.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(params=["sqlite", "postgres"])
def store_url(request, tmp_path) -> str:
    """A new, empty store on each backend in turn: a SQLite file, then a PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.sqlite'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture(scope="session")
def redis_url():
    """A fresh Redis URL; skipped with the reason only when redis-server is absent."""
    try:
        with redis() as url:
            yield url
    except ServiceUnavailable as exc:
        pytest.skip(str(exc))


class _Hook(BaseHTTPRequestHandler):
    """Records the JSON body of every POST."""

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.received.append(json.loads(body))  # type: ignore[attr-defined]
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


class _Inbox:
    """aiosmtpd handler keeping every message it is sent."""

    def __init__(self, address: str) -> None:
        self.address = address
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture()
def receivers():  # type: ignore[no-untyped-def]
    """A webhook receiver (`.url`, `.received`) and an SMTP server (`.address`, `.messages`) on 127.0.0.1."""
    from aiosmtpd.controller import Controller

    http = ThreadingHTTPServer(("127.0.0.1", 0), _Hook)
    http.received = []  # type: ignore[attr-defined]
    http.url = f"http://127.0.0.1:{http.server_port}/hook"  # type: ignore[attr-defined]
    threading.Thread(target=http.serve_forever, daemon=True).start()
    with socket.socket() as probe:  # aiosmtpd checks its own start by connecting, so it needs a real port
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = _Inbox(f"127.0.0.1:{port}")
    smtp = Controller(inbox, hostname="127.0.0.1", port=port)
    smtp.start()
    try:
        yield http, inbox
    finally:
        http.shutdown()
        smtp.stop()


@pytest.fixture()
def browser_page():
    """Open a watched headless Chromium page (tests/browserkit.py): `browser_page(allow=("file://",))`
    returns a `WatchedPage` recording console errors, page errors, dialogs and refused requests."""
    from contextlib import ExitStack

    from tests.browserkit import watched_page

    with ExitStack() as stack:
        yield lambda allow=("file://",): stack.enter_context(watched_page(allow))

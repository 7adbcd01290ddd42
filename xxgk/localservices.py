"""Throwaway PostgreSQL and Redis servers on 127.0.0.1, from Debian's packages.

Tests, benchmarks and `make` targets use them so nothing depends on a server someone left
running: each call starts a fresh server in a temporary folder on a free port and stops it after.
"""

from __future__ import annotations

import glob
import os
import random
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class ServiceUnavailable(RuntimeError):
    """The server binaries are not installed on this machine."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ephemeral_ports() -> tuple[int, int]:
    """The kernel's range for outgoing connections' local ports (Linux; the usual default elsewhere)."""
    try:
        low, high = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()
        return int(low), int(high)
    except (OSError, ValueError):
        return 32768, 60999


def free_port_range(n: int, attempts: int = 200) -> int:
    """A base port such that base..base+n-1 are all free now (for servers restarted on the same ports).

    The range is drawn below the kernel's ephemeral range: a port from that range, once its server
    stops, can be handed to any outgoing connection (a crawler's own client socket) before the server
    restarts on it, which made restarts fail with "address already in use" on a busy machine.
    """
    low_ephemeral, _ = ephemeral_ports()
    top = max(low_ephemeral, 20000 + n + 1)
    rng = random.Random()
    for _ in range(attempts):
        base = rng.randrange(10000, top - n)
        held: list[socket.socket] = []
        try:
            for i in range(n):
                sock = socket.socket()
                held.append(sock)
                sock.bind(("127.0.0.1", base + i))
            return base
        except OSError:
            continue
        finally:
            for sock in held:
                sock.close()
    raise RuntimeError(f"no range of {n} free ports on 127.0.0.1")


def postgres_bin() -> Path | None:
    """Folder of Debian's PostgreSQL server binaries (newest version), if installed."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0)
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _as_postgres_user(cmd: list[str]) -> list[str]:
    """initdb and postgres refuse to run as root: run them as the `postgres` user then."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


def _wait_port(port: int, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"server on 127.0.0.1:{port} did not start within {seconds:.0f} s")


@contextmanager
def postgres(database: str = "xxgk") -> Iterator[str]:
    """A fresh PostgreSQL cluster on loopback; yields a SQLAlchemy URL (psycopg 3)."""
    bindir = postgres_bin()
    if bindir is None:
        raise ServiceUnavailable("PostgreSQL server binaries not found (apt-get install postgresql)")
    root = Path(tempfile.mkdtemp(prefix="xxgk-pg-"))
    data, sock = root / "data", root / "sock"
    data.mkdir()
    sock.mkdir()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        shutil.chown(data, "postgres")
        shutil.chown(sock, "postgres")
    port = free_port()
    log = root / "server.log"
    try:
        subprocess.run(_as_postgres_user([str(bindir / "initdb"), "-D", str(data), "-U", "postgres",
                                          "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"]),
                       check=True, capture_output=True)
        subprocess.run(_as_postgres_user([
            str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", "30", "-o",
            f"-p {port} -k {sock} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "
            f"-c full_page_writes=off -c max_connections=100", "start"]), check=True, capture_output=True)
        _wait_port(port)
        subprocess.run(_as_postgres_user([str(bindir / "createdb"), "-h", "127.0.0.1", "-p", str(port),
                                          "-U", "postgres", database]), check=True, capture_output=True)
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/{database}"
    finally:
        subprocess.run(_as_postgres_user([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
                       capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


@contextmanager
def redis() -> Iterator[str]:
    """A fresh Redis server on loopback without persistence; yields its URL."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise ServiceUnavailable("redis-server not found (apt-get install redis-server)")
    root = Path(tempfile.mkdtemp(prefix="xxgk-redis-"))
    port = free_port()
    proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no", "--dir", str(root)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_port(port)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(root, ignore_errors=True)

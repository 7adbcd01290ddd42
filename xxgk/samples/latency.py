"""The latency world: many distinct sample hosts, each as slow as a real portal, from one asyncio server.

Real portals answer in 100 ms to several seconds, now and then stall, and some rate-limit with 429.
A loopback benchmark without that measures the crawler's CPU, not what bounds a national audit
(concurrency across hosts, and memory that must not grow with the sites). Here every host is its own
loopback address (Linux routes all of 127/8 to `lo`), ``127.1.X.Y`` on one shared port, so a crawler
keys its per-host politeness exactly as it would on the internet. Host *i* serves portal ``i % P`` of a
generated world (the v3 sets by default), so 2,000 hosts cost the memory of the P portals.

Each host draws a profile from a seeded log-normal: its median latency (median of medians ~0.35 s,
tail to several seconds), per-request jitter, occasional stalls, and for some hosts a token-bucket
rate limit that answers 429 with ``Retry-After``. Every request is logged per host (arrival time,
and how many of that host's requests were in flight), which is what the politeness tests assert on.

Some hosts can be JavaScript portals (``js_dir``, ``js_every``): every ``js_every``-th host serves,
instead of a v3 portal, a portal of the sample world whose menu a script writes (`js_portals`: the
Empire-CMS government portal, whose town columns are linked only from a ``chnlMenus`` loop), so the
crawl must render its page in Chromium to find those columns and their items.

One asyncio loop (aiohttp's low-level server) serves all hosts: sleeping requests cost no thread.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import random
import socket
import threading
import time
import weakref
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import unquote, urlsplit

from aiohttp import web

from .server import INDEX_FILES, NOT_FOUND, SELF_HOST, load_site

log = logging.getLogger(__name__)

HOSTS_PER_OCTET = 250


@dataclass(frozen=True)
class HostProfile:
    """How one host behaves: latency (log-normal around `median`), stalls, and an optional rate limit."""

    median: float  # seconds
    jitter: float = 0.35  # sigma of the per-request log-normal around the median
    stall_p: float = 0.002  # chance that a request stalls
    stall_s: float = 8.0  # how long a stall lasts
    rate: float | None = None  # requests/s the host allows (token bucket); None: unlimited
    burst: int = 3  # token-bucket size
    retry_after: int = 2  # seconds announced in a 429's Retry-After


@dataclass(frozen=True)
class LatencyModel:
    """The distribution host profiles are drawn from (all times in seconds)."""

    median: float = 0.35  # median of the hosts' median latencies
    sigma: float = 0.8  # log-normal spread across hosts: ~5% of hosts above 1.3 s, a few above 3 s
    floor: float = 0.05
    ceiling: float = 6.0
    stall_p: float = 0.002
    stall_s: float = 8.0
    limited_share: float = 0.1  # share of hosts with a rate limit
    limit_rate: float = 2.0  # their limit, requests/s (a polite 1 req/s crawler never sees 429)
    scale: float = 1.0  # multiply every latency (0: no latency at all, to measure the server alone)

    def draw(self, n: int, seed: int = 19) -> list[HostProfile]:
        """`n` host profiles, the same for the same seed."""
        rng = random.Random(seed)
        out = []
        for _ in range(n):
            median = min(self.ceiling, max(self.floor, rng.lognormvariate(math.log(self.median), self.sigma)))
            limited = rng.random() < self.limited_share
            out.append(HostProfile(median=median * self.scale, stall_p=self.stall_p if self.scale else 0.0,
                                   stall_s=self.stall_s * self.scale,
                                   rate=self.limit_rate if limited else None))
        return out


def js_portals(world_dir: Path) -> list[dict[str, Any]]:
    """The portals of a generated world whose columns include script-written menus (``js_menu``)."""
    world_dir = Path(world_dir)
    world = json.loads((world_dir / "world.json").read_text(encoding="utf-8"))
    out = []
    for portal in world["portals"]:
        if portal.get("down"):
            continue
        manifest = json.loads((world_dir / portal["manifest"]).read_text(encoding="utf-8"))
        if any(c.get("js_menu") for c in manifest["columns"]):
            out.append({**portal, "root": str(world_dir / portal["slug"]), "absolute_links": True})
    return out


def js_world(out_dir: Path) -> Path:
    """A sample world holding the JS portals `LatencyServer` mixes in (two government portals)."""
    from .generate import generate_world

    return generate_world(Path(out_dir), n_universities=0, n_governments=2).parent


def host_address(i: int) -> str:
    """The loopback address of host `i`: 127.1.X.Y (never 127.0.0.1, which other servers use)."""
    return f"127.1.{i // HOSTS_PER_OCTET}.{i % HOSTS_PER_OCTET + 1}"


@dataclass
class HostLog:
    """What one host saw: request arrival times (monotonic seconds) and paths, statuses, peak in-flight."""

    times: list[float] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    fresh: list[bool] = field(default_factory=list)  # the request opened its connection (none before on it)
    statuses: list[int] = field(default_factory=list)
    in_flight: int = 0
    peak_in_flight: int = 0


class _Bucket:
    """A token bucket: `rate` tokens per second, at most `burst` saved up."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate, self.burst = rate, burst
        self.tokens, self.at = float(burst), time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


class LatencyServer:
    """Serve `hosts` virtual hosts of a generated world with realistic latency, in a background thread.

    ``urls`` maps each host's site name (``<slug>-<i>``) to its home URL once started; ``logs`` holds
    each host's `HostLog`, keyed by its address.
    """

    def __init__(self, world_dir: Path, hosts: int, *, port: int = 0, model: LatencyModel | None = None,
                 seed: int = 19, js_dir: Path | None = None, js_every: int = 0) -> None:
        self.world_dir = Path(world_dir)
        world = json.loads((self.world_dir / "world.json").read_text(encoding="utf-8"))
        self.portals = [{**p, "root": str(self.world_dir / p["slug"])} for p in world["portals"] if not p.get("down")]
        self.js = js_portals(js_dir) if js_dir is not None and js_every > 0 else []
        self.js_every = js_every if self.js else 0
        self.n = hosts
        self.port = port
        self.model = model or LatencyModel()
        self.profiles = self.model.draw(hosts, seed)
        self.logs: dict[str, HostLog] = defaultdict(HostLog)
        self.urls: dict[str, str] = {}
        self.kinds: dict[str, str] = {}
        self.served = 0
        self._files: list[dict[str, tuple[bytes, str]]] = []
        self._absolute: list[bool] = []
        self._buckets: dict[str, _Bucket] = {}
        self._by_address: dict[str, int] = {}
        self._connections: weakref.WeakSet[Any] = weakref.WeakSet()  # transports that carried a request already
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.ServerRunner | None = None
        self._rng = random.Random(seed + 1)

    def portal_index(self, i: int) -> int:
        """Which loaded portal host `i` serves: every `js_every`-th host a JS portal, else a v3 one."""
        if self.js_every and i % self.js_every == self.js_every - 1:
            return len(self.portals) + (i // self.js_every) % len(self.js)
        return i % len(self.portals)

    def is_js(self, i: int) -> bool:
        """Whether host `i` serves a JS portal."""
        return self.portal_index(i) >= len(self.portals)

    # ---- serving ---------------------------------------------------------------------------------

    def _resolve(self, files: dict[str, tuple[bytes, str]], raw: str) -> tuple[int, bytes, str, str | None]:
        path = unquote(urlsplit(raw).path) or "/"
        if path in files:
            body, ctype = files[path]
            return 200, body, ctype, None
        folder = path if path.endswith("/") else path + "/"
        for name in INDEX_FILES:
            hit = files.get(folder + name)
            if hit is not None:
                if not path.endswith("/"):
                    return 301, b"", "text/html; charset=utf-8", folder
                return 200, hit[0], hit[1], None
        return 404, NOT_FOUND, "text/html; charset=utf-8", None

    async def _handle(self, request: web.BaseRequest) -> web.Response:
        sock = request.transport.get_extra_info("sockname") if request.transport else None
        address = sock[0] if sock else ""
        i = self._by_address.get(address)
        if i is None:
            return web.Response(status=421, text="unknown host")
        entry = self.logs[address]
        entry.times.append(time.monotonic())
        entry.paths.append(request.raw_path)
        conn = request.transport
        entry.fresh.append(conn not in self._connections)
        if conn is not None:
            self._connections.add(conn)
        entry.in_flight += 1
        entry.peak_in_flight = max(entry.peak_in_flight, entry.in_flight)
        try:
            profile = self.profiles[i]
            bucket = self._buckets.get(address)
            if bucket is not None and not bucket.take():
                entry.statuses.append(429)
                return web.Response(status=429, text="Too Many Requests 请求过于频繁",
                                    headers={"Retry-After": str(profile.retry_after)})
            wait = profile.median * self._rng.lognormvariate(0.0, profile.jitter) if profile.median else 0.0
            if profile.stall_p and self._rng.random() < profile.stall_p:
                wait += profile.stall_s
            if wait:
                await asyncio.sleep(wait)
            k = self.portal_index(i)
            files = self._files[k]
            status, body, ctype, location = self._resolve(files, request.raw_path)
            if self._absolute[k] and ctype.startswith("text/"):
                body = body.replace(SELF_HOST.encode(), f"http://{address}:{self.port}".encode())
            entry.statuses.append(status)
            self.served += 1
            headers = {"Content-Type": ctype, "Server": "xxgk-latency/1"}
            if location:
                headers["Location"] = location
            return web.Response(status=status, body=body if request.method != "HEAD" else None, headers=headers)
        finally:
            entry.in_flight -= 1

    # ---- lifecycle -------------------------------------------------------------------------------

    def _load(self) -> None:
        for portal in [*self.portals, *self.js]:
            root = Path(portal["root"])
            encoding = str(portal.get("encoding", "utf-8"))
            charset = encoding if portal.get("declared", True) else None
            self._files.append(load_site(root, charset))
            self._absolute.append(bool(portal.get("absolute_links")))

    def _bind(self) -> list[socket.socket]:
        """One listening socket per host address, all on one port (the first bind picks it if 0)."""
        socks = []
        for i in range(self.n):
            address = host_address(i)
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((address, self.port))
            if not self.port:
                self.port = sock.getsockname()[1]
            sock.listen(256)
            sock.setblocking(False)
            socks.append(sock)
            self._by_address[address] = i
            if self.profiles[i].rate:
                self._buckets[address] = _Bucket(self.profiles[i].rate, self.profiles[i].burst)
            portal = [*self.portals, *self.js][self.portal_index(i)]
            name = f"{portal['slug']}-{i:04d}"
            self.urls[name] = f"http://{address}:{self.port}/"
            self.kinds[name] = portal.get("kind", "university")
        return socks

    async def _serve(self, socks: list[socket.socket], ready: threading.Event) -> None:
        server = web.Server(self._handle, access_log=None)
        self._runner = web.ServerRunner(server, handle_signals=False)
        await self._runner.setup()
        for sock in socks:
            await web.SockSite(self._runner, sock, backlog=256).start()
        ready.set()

    def start(self) -> LatencyServer:
        """Load the portals, bind every host and serve in a background thread; fills ``urls``."""
        self._load()
        socks = self._bind()
        ready = threading.Event()
        self._loop = asyncio.new_event_loop()

        def run() -> None:
            asyncio.set_event_loop(self._loop)
            self._loop.run_until_complete(self._serve(socks, ready))
            self._loop.run_forever()

        self._thread = threading.Thread(target=run, name="latency-server", daemon=True)
        self._thread.start()
        if not ready.wait(30):
            raise RuntimeError("the latency server did not start")
        log.info("latency world: %d hosts on port %d", self.n, self.port)
        return self

    def stop(self) -> None:
        """Stop serving and join the thread (the logs stay readable)."""
        if self._loop is None:
            return
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(10)
        self._loop.close()
        self._loop = None

    def __enter__(self) -> LatencyServer:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    def report(self) -> dict[str, Any]:
        """Profiles and logs as JSON-able data (what the subprocess writes for a benchmark)."""
        return {"port": self.port, "served": self.served,
                "profiles": {host_address(i): asdict(p) for i, p in enumerate(self.profiles)},
                "logs": {a: asdict(entry) for a, entry in self.logs.items()}}


def window_peak(times: list[float], window: float) -> int:
    """The most requests that arrived within any `window` seconds."""
    times = sorted(times)
    best, lo = 0, 0
    for hi, t in enumerate(times):
        while t - times[lo] >= window:
            lo += 1
        best = max(best, hi - lo + 1)
    return best


def _main() -> None:
    """``python -m xxgk.samples.latency --dir WORLD --hosts N``: serve until stdin closes or SIGTERM,
    printing ``READY {"urls": …}`` once serving and writing the report to ``--log`` at the end."""
    import argparse
    import signal
    import sys

    ap = argparse.ArgumentParser(description=_main.__doc__)
    ap.add_argument("--dir", type=Path, required=True)
    ap.add_argument("--hosts", type=int, required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--scale", type=float, default=1.0, help="latency multiplier (0: none)")
    ap.add_argument("--log", type=Path, help="write profiles and per-host logs (JSON) here on exit")
    ap.add_argument("--js-dir", type=Path, help="a sample world whose JS portals some hosts serve")
    ap.add_argument("--js-every", type=int, default=0, help="every k-th host serves a JS portal (0: none)")
    args = ap.parse_args()
    server = LatencyServer(args.dir, args.hosts, port=args.port, model=LatencyModel(scale=args.scale),
                           js_dir=args.js_dir, js_every=args.js_every).start()
    js = [name for i, name in enumerate(server.urls) if server.is_js(i)]
    print("READY " + json.dumps({"urls": server.urls, "kinds": server.kinds, "port": server.port, "js": js}),
          flush=True)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    threading.Thread(target=lambda: (sys.stdin.read(), done.set()), daemon=True).start()
    done.wait()
    server.stop()
    if args.log:
        args.log.write_text(json.dumps(server.report()), encoding="utf-8")


if __name__ == "__main__":
    _main()

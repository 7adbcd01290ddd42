"""Serve a generated sample world: each portal on its own 127.0.0.1 port, from memory.

Threaded HTTP/1.1 servers with keep-alive, one per portal, all in background threads of the
current process. ``/`` and directory paths map to the directory's index file.
"""

from __future__ import annotations

import csv
import json
import logging
import mimetypes
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from urllib.parse import unquote, urlsplit

from . import dynamic

log = logging.getLogger(__name__)

INDEX_FILES = ("index.htm", "index.html", "main.htm")
TYPES = {
    ".htm": "text/html; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "application/javascript; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
SELF_HOST = "http://self.xxgk.invalid"  # placeholder of a portal's own base URL in absolute links
NOT_FOUND = ("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>404 Not Found</title></head>"
             "<body><h1>404 Not Found</h1><p>您访问的页面不存在。</p></body></html>").encode()


def content_type(path: str) -> str:
    """Content-Type for a file path, with charset=utf-8 for text."""
    suffix = Path(path).suffix.lower()
    if suffix in TYPES:
        return TYPES[suffix]
    guessed = mimetypes.guess_type(path)[0] or "application/octet-stream"
    return guessed + "; charset=utf-8" if guessed.startswith("text/") else guessed


def load_site(root: Path, charset: str | None = "utf-8",
              replace: dict[bytes, bytes] | None = None) -> dict[str, tuple[bytes, str]]:
    """Every file under a portal's web root: site path → (bytes, content type).

    The ground-truth manifest and the route table (``/.xxgk/``) are not served. ``charset`` is the one
    the HTTP header declares for text (``None``: no declaration); ``replace`` substitutes placeholders.
    """
    files: dict[str, tuple[bytes, str]] = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and path != root / "manifest.json":
            rel = "/" + path.relative_to(root).as_posix()
            if rel.startswith("/.xxgk/"):
                continue
            ctype = content_type(rel) if "." in rel.rsplit("/", 1)[-1] else "text/html; charset=utf-8"
            if ctype.endswith("charset=utf-8") and charset != "utf-8":
                ctype = ctype.split(";")[0] + (f"; charset={charset}" if charset else "")
            data = path.read_bytes()
            for old, new in (replace or {}).items():
                data = data.replace(old, new)
            files[rel] = (data, ctype)
    return files


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are two writes; without this keep-alive stalls 40 ms
    server_version = "xxgk-samples/1"
    sys_version = ""
    files: dict[str, tuple[bytes, str]] = {}
    routes: dict[str, object] = {}
    encoding: str = "utf-8"
    charset: str | None = "utf-8"
    delay: float = 0.0

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        log.debug("%s " + format, self.address_string(), *args)

    def _resolve(self) -> tuple[int, bytes, str, str | None]:
        path = unquote(urlsplit(self.path).path) or "/"
        if path in self.files:
            body, ctype = self.files[path]
            return 200, body, ctype, None
        folder = path if path.endswith("/") else path + "/"
        for name in INDEX_FILES:
            hit = self.files.get(folder + name)
            if hit is not None:
                if not path.endswith("/"):  # /xxgk → /xxgk/ like a real web server
                    return 301, b"", "text/html; charset=utf-8", folder
                return 200, hit[0], hit[1], None
        return 404, NOT_FOUND, "text/html; charset=utf-8", None

    def _send(self, head_only: bool, form: bytes = b"") -> None:
        if self.delay:
            time.sleep(self.delay)
        answer = dynamic.answer(self, form)
        status, body, ctype, location = answer if answer is not None else self._resolve()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        if location:
            self.send_header("Location", location)
        self.end_headers()
        if not head_only:
            self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        self._send(head_only=False)

    def do_HEAD(self) -> None:  # noqa: N802 - stdlib naming
        self._send(head_only=True)

    def do_POST(self) -> None:  # noqa: N802 - stdlib naming
        length = int(self.headers.get("Content-Length") or 0)
        self._send(head_only=False, form=self.rfile.read(length) if length else b"")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128


class SampleServer:
    """Serve every portal of a generated world, each on its own port (``base_port + i``, or ephemeral)."""

    def __init__(self, world_dir: Path, host: str = "127.0.0.1", base_port: int = 0, delay: float = 0.0) -> None:
        self.world_dir = Path(world_dir)
        self.host = host
        self.base_port = base_port
        self.delay = delay
        world = json.loads((self.world_dir / "world.json").read_text(encoding="utf-8"))
        self.portals: list[dict[str, str]] = world["portals"]
        self.externals: list[dict[str, str]] = world.get("externals", [])
        self._servers: list[tuple[str, _Server, threading.Thread]] = []
        self._reserved: list[socket.socket] = []
        self.urls: dict[str, str] = {}
        self.external_urls: dict[str, str] = {}  # placeholder (as in manifests) → served base URL

    def resolve(self, url: str) -> str:
        """A manifest URL with the external placeholder replaced by the running external host."""
        for placeholder, real in self.external_urls.items():
            if url.startswith(placeholder):
                return real + url[len(placeholder):]
        return url

    def _bind(self, i: int, slug: str) -> _Server:
        port = self.base_port + i if self.base_port else 0
        return _Server((self.host, port), type(f"Handler_{slug}", (_Handler,), {}))

    def _start_one(self, server: _Server, slug: str, attrs: dict[str, object]) -> None:
        for key, value in attrs.items():
            setattr(server.RequestHandlerClass, key, value)
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2},
                                  name=f"sample-{slug}", daemon=True)
        thread.start()
        self._servers.append((slug, server, thread))

    def start(self) -> SampleServer:
        """Load every portal into memory and start serving; fills ``self.urls``."""
        if self._servers:
            return self
        try:
            n = len(self.portals)
            ext_servers = [(e, self._bind(n + k, e["slug"])) for k, e in enumerate(self.externals)]
            replace: dict[bytes, bytes] = {}
            for ext, server in ext_servers:
                base = f"http://{self.host}:{server.server_address[1]}"
                self.external_urls[ext["placeholder"]] = base
                replace[ext["placeholder"].encode()] = base.encode()
            for ext, server in ext_servers:
                self._start_one(server, ext["slug"], {"files": load_site(self.world_dir / ext["slug"]),
                                                      "delay": self.delay})
            for i, portal in enumerate(self.portals):
                if portal.get("down"):  # listed, but its port refuses connections
                    sock = socket.socket()
                    sock.bind((self.host, self.base_port + i if self.base_port else 0))
                    self._reserved.append(sock)  # bound, never listening: connections are refused
                    self.urls[portal["slug"]] = f"http://{self.host}:{sock.getsockname()[1]}/"
                    continue
                root = self.world_dir / portal["slug"]
                encoding = str(portal.get("encoding", "utf-8"))
                charset = encoding if portal.get("declared", True) else None
                routes_file = root / ".xxgk" / "routes.json"
                routes = json.loads(routes_file.read_text(encoding="utf-8")) if routes_file.exists() else {}
                server = self._bind(i, portal["slug"])
                own = replace
                if portal.get("absolute_links"):  # v3 portals that link to themselves by absolute URL
                    own = {**replace, SELF_HOST.encode(): f"http://{self.host}:{server.server_address[1]}".encode()}
                self._start_one(server, portal["slug"], {
                    "files": load_site(root, charset, own), "routes": routes, "encoding": encoding,
                    "charset": charset, "delay": self.delay})
                self.urls[portal["slug"]] = f"http://{self.host}:{server.server_address[1]}/"
        except BaseException:
            self.stop()
            raise
        log.info("serving %d sample portals", len(self._servers))
        return self

    def stop(self) -> None:
        """Stop every server and join its thread."""
        stoppers = [threading.Thread(target=server.shutdown, daemon=True) for _, server, _ in self._servers]
        for stopper in stoppers:  # in parallel: each shutdown waits for one poll interval
            stopper.start()
        for stopper in stoppers:
            stopper.join(timeout=5)
        for _, server, thread in self._servers:
            server.server_close()
            thread.join(timeout=5)
        for sock in self._reserved:
            sock.close()
        self._servers, self._reserved = [], []
        self.urls, self.external_urls = {}, {}

    def __enter__(self) -> SampleServer:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    def write_sites_csv(self, path: Path) -> Path:
        """Write the running portals as a site list (``name,url,kind``); call after ``start()``."""
        if not self.urls:
            raise RuntimeError("SampleServer.write_sites_csv: start the server first")
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(["name", "url", "kind"])
            for portal in self.portals:
                if portal["slug"] in self.urls:
                    writer.writerow([portal["name"], self.urls[portal["slug"]], portal.get("kind", "university")])
        return path

"""A hostile HTTP server on 127.0.0.1 for the fault suite: each route is a function that writes its
own answer on the raw connection, so it can stall, drip, reset, lie about lengths or send bombs.

It reuses the crawler tests' `LoopbackHTTPServer` (threaded, with a real listen backlog) and their
`html()` page helper.
"""

from __future__ import annotations

import socket
import struct
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlsplit

from dyn_server import LoopbackHTTPServer

Handler = BaseHTTPRequestHandler
Route = Callable[[Handler, str, dict[str, list[str]]], None]


def send(h: Handler, status: int, body: bytes = b"", headers: dict[str, str] | None = None,
         length: int | None = None) -> None:
    """One complete answer; `length` may lie about the body's size."""
    h.send_response(status)
    for k, v in (headers or {}).items():
        h.send_header(k, v)
    h.send_header("Content-Length", str(len(body) if length is None else length))
    h.end_headers()
    if h.command != "HEAD":
        h.wfile.write(body)
        h.wfile.flush()


def send_page(h: Handler, answer: tuple[int, dict[str, str], bytes]) -> None:
    status, headers, body = answer
    send(h, status, body, headers)


def reset(h: Handler) -> None:
    """Abort the connection with a TCP RST (SO_LINGER 0), answering nothing."""
    h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    h.close_connection = True
    h.connection.close()


class _QuietServer(LoopbackHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a route that reset its own connection leaves the handler nothing to flush


class HostileServer:
    """Serve `routes` (path → Route) on an ephemeral 127.0.0.1 port; records every hit with its time."""

    def __init__(self, routes: dict[str, Route]) -> None:
        self.routes = routes
        self.hits: dict[str, list[float]] = defaultdict(list)
        self.stop = threading.Event()  # set on exit: stalling routes give up at once
        outer = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _answer(self) -> None:
                parts = urlsplit(self.path)
                outer.hits[parts.path].append(time.monotonic())
                route = outer.routes.get(parts.path)
                try:
                    if route is None:
                        send(self, 404, b"<h1>404</h1>", {"Content-Type": "text/html"})
                    else:
                        route(self, self.command, parse_qs(parts.query))
                except (BrokenPipeError, ConnectionResetError, OSError):
                    self.close_connection = True

            do_GET = do_HEAD = do_POST = _answer  # noqa: N815

        self.httpd = _QuietServer(("127.0.0.1", 0), _Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def count(self, path: str) -> int:
        return len(self.hits.get(path, []))

    def __enter__(self) -> HostileServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()

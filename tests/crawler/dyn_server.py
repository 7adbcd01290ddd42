"""A tiny scriptable HTTP server for crawler tests: routes map a path to a fixed answer or to a
function of (method, path, query, form), which may return None to drop the connection unanswered.
One server = one 127.0.0.1 port = one site."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

Answer = tuple[int, dict[str, str], bytes]
Route = Answer | Callable[[str, str, dict[str, list[str]], dict[str, list[str]]], Answer | None]


def html(body: str, title: str = "页面", charset: str = "utf-8", head: str = "") -> Answer:
    page = (f'<!DOCTYPE html><html><head><meta charset="{charset}"><title>{title}</title>{head}</head>'
            f"<body>{body}</body></html>")
    return 200, {"Content-Type": f"text/html; charset={charset}"}, page.encode(charset)


def raw(body: bytes, ctype: str, status: int = 200) -> Answer:
    return status, {"Content-Type": ctype}, body


def paged_columns(columns: int, per_page: int) -> dict[str, Route]:
    """A county portal: a sidebar of `columns` columns (/c<k>/list1.html), each with two dated list pages
    of `per_page` items (/c<k>/a<page>_<i>.html), a "共N条" count and a next-page link on the first."""
    nav = "<div class='sidebar'><ul>" + "".join(
        f"<li><a href='/c{c}/list1.html'>栏目{c}</a></li>" for c in range(columns)) + "</ul></div>"
    routes: dict[str, Route] = {"/index.html": html(nav + "<p>欢迎</p>", "示例县政府信息公开")}
    for c in range(columns):
        for p in (1, 2):
            rows = "".join(f"<li><a href='/c{c}/a{p}_{i}.html'>栏目{c}第{p}页第{i}条</a><span>2026-0{p}-1{i}</span></li>"
                           for i in range(per_page))
            pager = f"共{2 * per_page}条 " + ("<a href='list2.html'>下一页</a>" if p == 1 else "")
            routes[f"/c{c}/list{p}.html"] = html(f"{nav}<div class='list'><ul>{rows}</ul></div><div class='page'>{pager}</div>",
                                                 f"栏目{c}")
    return routes


class LoopbackHTTPServer(ThreadingHTTPServer):
    """A threading server whose listen backlog fits a crawl's burst of connections: the default
    backlog of 5 overflows when 32 connections open at once on a loaded machine, and the dropped SYNs
    are retried by the kernel after 1, 3, 7, 15, 31 s — past the crawler's download time-out."""

    request_queue_size = 128
    daemon_threads = True


class DynServer:
    """Serve `routes` on an ephemeral 127.0.0.1 port; unknown paths are 404; `delay` per response."""

    def __init__(self, routes: dict[str, Route], delay: float = 0.0) -> None:
        self.routes = routes
        self.hits: list[tuple[str, str]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _answer(self, method: str) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                form = parse_qs(self.rfile.read(length).decode("utf-8")) if length else {}
                outer.hits.append((method, self.path))
                route = outer.routes.get(parts.path)
                if route is None:
                    status, headers, body = 404, {"Content-Type": "text/html"}, b"<h1>404</h1>"
                elif callable(route):
                    answer = route(method, parts.path, parse_qs(parts.query), form)
                    if answer is None:  # drop the connection without answering (a flaky server)
                        self.close_connection = True
                        return
                    status, headers, body = answer
                else:
                    status, headers, body = route
                if delay:
                    time.sleep(delay)
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if method != "HEAD":
                    self.wfile.write(body)

            def do_GET(self) -> None:  # noqa: N802
                self._answer("GET")

            def do_POST(self) -> None:  # noqa: N802
                self._answer("POST")

            def do_HEAD(self) -> None:  # noqa: N802
                self._answer("HEAD")

        self.httpd = LoopbackHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self) -> DynServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def text_pdf(text: str) -> bytes:
    """A one-page PDF with an ASCII text layer (Helvetica)."""
    stream = f"BT /F1 12 Tf 50 750 Td ({text}) Tj ET".encode()
    return _pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ])


def scanned_pdf() -> bytes:
    """A one-page PDF whose only content is an image (no text layer): a scan."""
    pixels = bytes([200, 200, 200] * 16)
    img = b"<< /Type /XObject /Subtype /Image /Width 4 /Height 4 /ColorSpace /DeviceRGB /BitsPerComponent 8 " \
          b"/Length %d >>\nstream\n" % len(pixels) + pixels + b"\nendstream"
    stream = b"q 400 0 0 400 100 300 cm /Im1 Do Q"
    return _pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /XObject << /Im1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        img,
    ])


def _pdf(objects: list[bytes]) -> bytes:
    out = b"%PDF-1.4\n"
    offsets = []
    for n, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out


def docx_bytes(paragraphs: list[str]) -> bytes:
    import io

    import docx

    d = docx.Document()
    for p in paragraphs:
        d.add_paragraph(p)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    import io

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()

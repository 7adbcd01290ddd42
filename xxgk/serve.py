"""`xxgk serve`: a read-only local web view of the store — runs, sites with their score trends, and
findings — as HTML pages and the same data as JSON under /api/.

It only reads (no form, no POST, every other method refused) and binds to 127.0.0.1 by default, so
an office can browse its audit history without publishing anything. Crawled strings are escaped by
jinja2's autoescape; the JSON is plain data.

Routes: `/` and `/api/runs`; `/runs/N` and `/api/runs/N`; `/sites/N` and `/api/sites/N` (score per run
of each rubric, oldest first, and the latest findings); `/runs/N/sites/M` and `/api/runs/N/sites/M`.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from jinja2 import DictLoader, Environment, select_autoescape
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from xxgk.history import list_runs
from xxgk.store import Crawl, Finding, Run, Score, Site

log = logging.getLogger(__name__)
TREND_RUNS = 20  # runs shown per rubric in a site's trend


# ---------------------------------------------------------------- data (the JSON of every page)


def runs_data(session: Session) -> dict[str, Any]:
    return {"runs": [{"id": r.id, "started_at": _iso(r.started_at), "finished_at": _iso(r.finished_at),
                      "status": r.status, "mode": r.mode, "rubric": r.rubric_id, "sites": r.sites,
                      "pages": r.pages, "label": r.label} for r in list_runs(session)]}


def run_data(session: Session, run_id: int) -> dict[str, Any] | None:
    run = session.get(Run, run_id)
    if run is None:
        return None
    totals = {(s.site_id, s.rubric_id): s for s in session.scalars(
        select(Score).where(Score.run_id == run_id, Score.section_id == "total"))}
    rubrics = sorted({rubric for _sid, rubric in totals} | ({run.rubric_id} if run.rubric_id else set()))
    sites = []
    for crawl, site in session.execute(select(Crawl, Site).join(Site, Site.id == Crawl.site_id)
                                       .where(Crawl.run_id == run_id).order_by(Site.name)):
        scores = {r: _score(totals.get((site.id, r))) for r in rubrics}
        sites.append({"id": site.id, "name": site.name, "url": site.url, "group": site.group,
                      "crawl_status": crawl.status, "pages": crawl.pages, "scores": scores})
    return {"run": {"id": run.id, "started_at": _iso(run.started_at), "finished_at": _iso(run.finished_at),
                    "status": run.status, "mode": run.mode, "rubric": run.rubric_id, "as_of": (run.config or {})
                    .get("as_of"), "label": run.label}, "rubrics": rubrics, "sites": sites}


def site_data(session: Session, site_id: int) -> dict[str, Any] | None:
    site = session.get(Site, site_id)
    if site is None:
        return None
    rows = session.execute(select(Score, Run).join(Run, Run.id == Score.run_id)
                           .where(Score.site_id == site_id, Score.section_id == "total")
                           .order_by(Run.started_at, Run.id)).all()
    trends: dict[str, list[dict[str, Any]]] = {}
    for score, run in rows:
        trends.setdefault(score.rubric_id, []).append({"run": run.id, "started_at": _iso(run.started_at),
                                                       **_score(score)})
    trends = {r: points[-TREND_RUNS:] for r, points in sorted(trends.items())}
    latest = max(((p["run"], r) for r, points in trends.items() for p in points), default=None)
    return {"site": {"id": site.id, "name": site.name, "url": site.url, "kind": site.kind, "group": site.group},
            "trends": trends, "latest": None if latest is None else {"run": latest[0], "rubric": latest[1]}}


def findings_data(session: Session, run_id: int, site_id: int) -> dict[str, Any] | None:
    site, run = session.get(Site, site_id), session.get(Run, run_id)
    if site is None or run is None:
        return None
    findings = session.scalars(select(Finding).where(Finding.run_id == run_id, Finding.site_id == site_id)
                               .order_by(Finding.rubric_id, Finding.id)).all()
    return {"run": run.id, "site": {"id": site.id, "name": site.name, "url": site.url},
            "findings": [{"rubric": f.rubric_id, "section": f.section_name, "item": f.item_id, "name": f.item_name,
                          "status": f.status, "points": f.points, "max_points": f.max_points, "message": f.message,
                          "reason": f.reason, "evidence": [e.get("url") for e in (f.evidence or [])
                                                           if isinstance(e, dict) and e.get("url")]}
                         for f in findings]}


def _score(row: Score | None) -> dict[str, Any]:
    if row is None:
        return {"percent": None, "points": None, "veto": None}
    return {"percent": None if row.percent is None else round(row.percent, 2), "points": round(row.points, 2),
            "veto": row.veto}


def _iso(value: Any) -> str | None:
    return value.isoformat(timespec="seconds") if value is not None else None


# ---------------------------------------------------------------- HTML

_BASE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{{ title }}</title>
<style>body{font-family:"Noto Sans CJK SC","WenQuanYi Micro Hei",sans-serif;margin:2em;color:#222}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}
th{background:#f4f4f4}a{color:#0645ad}.fail{color:#b00}.pass{color:#070}.muted{color:#777}
nav{margin-bottom:1em}</style></head><body><nav><a href="/">运行记录</a> · <span class="muted">只读视图
(<a href="{{ api }}">JSON</a>)</span></nav><h1>{{ title }}</h1>{% block body %}{% endblock %}</body></html>"""

_TEMPLATES = {
    "runs": """{% extends "base" %}{% block body %}<table id="runs"><thead><tr><th>运行</th><th>开始</th>
<th>状态</th><th>方式</th><th>评估指标</th><th>网站数</th><th>页面数</th></tr></thead><tbody>
{% for r in runs %}<tr><td><a href="/runs/{{ r.id }}">{{ r.id }}</a></td><td>{{ r.started_at }}</td>
<td>{{ r.status }}</td><td>{{ r.mode }}</td><td>{{ r.rubric or "—" }}</td><td>{{ r.sites }}</td>
<td>{{ r.pages }}</td></tr>{% else %}<tr><td colspan="7">库中尚无运行记录</td></tr>{% endfor %}
</tbody></table>{% endblock %}""",
    "run": """{% extends "base" %}{% block body %}<p>状态 {{ run.status }} · 开始 {{ run.started_at }}
{% if run.as_of %} · 评估时点 {{ run.as_of }}{% endif %}</p><table id="sites"><thead><tr><th>网站</th>
<th>抓取</th>{% for r in rubrics %}<th>{{ r }}</th>{% endfor %}</tr></thead><tbody>{% for s in sites %}
<tr><td><a href="/sites/{{ s.id }}">{{ s.name }}</a></td><td>{{ s.crawl_status }}</td>{% for r in rubrics %}
<td><a href="/runs/{{ run.id }}/sites/{{ s.id }}">{{ s.scores[r].percent|pct }}</a>
{% if s.scores[r].veto %}<span class="fail">否决</span>{% endif %}</td>{% endfor %}</tr>{% endfor %}
</tbody></table>{% endblock %}""",
    "site": """{% extends "base" %}{% block body %}<p><a href="{{ site.url|safe_href }}" rel="noreferrer">{{ site.url
}}</a></p>{% for rubric, points in trends.items() %}<h2>{{ rubric }}</h2>{{ charts[rubric]|safe }}
<table class="trend"><thead><tr><th>运行</th><th>时间</th><th>得分率</th></tr></thead><tbody>
{% for p in points %}<tr><td><a href="/runs/{{ p.run }}/sites/{{ site.id }}">{{ p.run }}</a></td>
<td>{{ p.started_at }}</td><td>{{ p.percent|pct }}{% if p.veto %} <span class="fail">否决</span>{% endif %}
</td></tr>{% endfor %}</tbody></table>{% else %}<p>尚无评分</p>{% endfor %}{% endblock %}""",
    "findings": """{% extends "base" %}{% block body %}<p><a href="/sites/{{ site.id }}">得分趋势</a></p>
<table id="findings"><thead><tr><th>指标</th><th>事项</th><th>结论</th><th>得分</th><th>说明</th><th>证据</th>
</tr></thead><tbody>{% for f in findings %}<tr><td>{{ f.rubric }}</td><td>{{ f.item }} {{ f.name }}</td>
<td class="{{ f.status }}">{{ f.status }}</td><td>{{ f.points|pct }} / {{ f.max_points|pct }}</td>
<td>{{ f.message }}{% if f.reason %} <span class="muted">{{ f.reason }}</span>{% endif %}</td><td>
{% for u in f.evidence[:5] %}<a href="{{ u|safe_href }}" rel="noreferrer">{{ loop.index }}</a> {% endfor %}</td>
</tr>{% endfor %}</tbody></table>{% endblock %}""",
}
ENV = Environment(loader=DictLoader({"base": _BASE, **_TEMPLATES}), autoescape=select_autoescape(default=True))
ENV.filters["pct"] = lambda v: "—" if v is None else f"{v:.2f}"
# only http(s) links are made clickable: a crawled javascript: or data: URL stays inert
ENV.filters["safe_href"] = lambda u: u if isinstance(u, str) and re.match(r"https?://", u) else "#"


def trend_svg(points: list[dict[str, Any]], width: int = 320, height: int = 80) -> str:
    """A small inline line chart of percent over runs (no script, no external file)."""
    values = [p["percent"] for p in points if p["percent"] is not None]
    if len(values) < 2:
        return ""
    step = (width - 20) / (len(values) - 1)
    coords = " ".join(f"{10 + i * step:.1f},{height - 10 - v / 100 * (height - 20):.1f}" for i, v in enumerate(values))
    return (f'<svg class="trend" width="{width}" height="{height}" role="img" aria-label="得分率趋势">'
            f'<polyline fill="none" stroke="#0645ad" stroke-width="2" points="{coords}"/></svg>')


# ---------------------------------------------------------------- the server


@dataclass(frozen=True)
class Route:
    pattern: re.Pattern[str]
    data: Callable[..., dict[str, Any] | None]
    template: str
    title: Callable[[dict[str, Any]], str]


ROUTES = [
    Route(re.compile(r"/(?:runs/?)?"), lambda s: runs_data(s), "runs", lambda d: "运行记录"),
    Route(re.compile(r"/runs/(\d+)"), run_data, "run", lambda d: f"运行 {d['run']['id']}"),
    Route(re.compile(r"/sites/(\d+)"), site_data, "site", lambda d: f"{d['site']['name']}：得分趋势"),
    Route(re.compile(r"/runs/(\d+)/sites/(\d+)"), findings_data, "findings",
          lambda d: f"{d['site']['name']}：运行 {d['run']} 的评估结论"),
]


def resolve(factory: sessionmaker[Session], path: str) -> tuple[HTTPStatus, str, bytes]:
    """(status, content type, body) for a GET of `path`: a page, or its JSON under /api/."""
    path = path.split("?", 1)[0]
    if path == "/favicon.ico":  # browsers ask for it; no icon, and no 404 in their console
        return HTTPStatus.NO_CONTENT, "image/x-icon", b""
    api = path.startswith("/api/")
    page_path = path[4:] if api else path
    for route in ROUTES:
        m = route.pattern.fullmatch(page_path)
        if not m:
            continue
        with factory() as session:
            data = route.data(session, *map(int, m.groups()))
        if data is None:
            return HTTPStatus.NOT_FOUND, "text/plain; charset=utf-8", "没有这条记录".encode()
        if api:
            return HTTPStatus.OK, "application/json; charset=utf-8", json.dumps(data, ensure_ascii=False).encode()
        extra = {"charts": {r: trend_svg(p) for r, p in data.get("trends", {}).items()}}
        html = ENV.get_template(route.template).render(**data, **extra, title=route.title(data),
                                                       api="/api" + (page_path if page_path != "/" else "/runs"))
        return HTTPStatus.OK, "text/html; charset=utf-8", html.encode("utf-8")
    return HTTPStatus.NOT_FOUND, "text/plain; charset=utf-8", b"not found"


def make_server(factory: sessionmaker[Session], host: str = "127.0.0.1", port: int = 8321) -> ThreadingHTTPServer:
    """A threaded HTTP server answering GET and HEAD only."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            try:
                status, ctype, body = resolve(factory, self.path)
            except Exception:  # a bad row must not take the view down; the log has the cause
                log.exception("serving %s", self.path)
                status, ctype, body = HTTPStatus.INTERNAL_SERVER_ERROR, "text/plain; charset=utf-8", b"error"
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'")
            self.send_header("X-Content-Type-Options", "nosniff")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        do_HEAD = do_GET  # noqa: N815

        def _refuse(self) -> None:
            self.send_error(HTTPStatus.METHOD_NOT_ALLOWED, "read-only view")

        do_POST = do_PUT = do_DELETE = do_PATCH = _refuse  # noqa: N815

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            log.info("%s %s", self.address_string(), format % args)

    return ThreadingHTTPServer((host, port), Handler)

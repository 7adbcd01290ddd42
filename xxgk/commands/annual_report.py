"""`xxgk annual-report FILE_OR_URL`: parse one annual report, print its tables and every check result.

Exit codes: 0 no check failed (needs_review allowed), 1 a check failed, 2 unreadable input (one line).
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from xxgk.errors import UserError
from xxgk.termtext import cell, markup

MAX_BYTES = 30 * 1024 * 1024
USER_AGENT = "xxgk-annual-report/0.1 (+https://github.com/) python-urllib"
STATUS_STYLE = {"pass": "green", "fail": "bold red", "needs_review": "yellow", "not_applicable": "dim"}


def fetch(url: str, max_bytes: int = MAX_BYTES, timeout: float = 30) -> tuple[bytes, str | None]:
    """GET an http(s) URL with a size cap; UserError naming the URL on any failure."""
    if not url.lower().startswith(("http://", "https://")):
        raise UserError("only http and https URLs can be fetched", source=url)
    req = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 (scheme checked above)
            data = resp.read(max_bytes + 1)
            ctype = resp.headers.get("Content-Type")
    except urllib.error.HTTPError as exc:
        raise UserError(f"cannot fetch: HTTP {exc.code}", source=url) from None
    except (urllib.error.URLError, OSError, ValueError, http.client.HTTPException) as exc:
        raise UserError(f"cannot fetch: {getattr(exc, 'reason', exc)}", source=url) from None
    if len(data) > max_bytes:
        raise UserError(f"larger than the {max_bytes} byte limit", source=url)
    return data, ctype


def load(src: str, max_bytes: int = MAX_BYTES) -> tuple[bytes, str | None]:
    """Bytes of a file or URL."""
    if "://" in src:
        return fetch(src, max_bytes)
    p = Path(src)
    if not p.is_file():
        raise UserError("file not found", source=src)
    if p.stat().st_size > max_bytes:
        raise UserError(f"larger than the {max_bytes} byte limit", source=src)
    return p.read_bytes(), None


def read(src: str, max_bytes: int = MAX_BYTES) -> Any:
    """Parse a report file or URL; unreadable input is a UserError naming it."""
    from scoring.annual_report import UnreadableReport, parse_report

    data, ctype = load(src, max_bytes)
    try:
        return parse_report(data, src, ctype)
    except UnreadableReport as exc:
        raise UserError(f"unreadable report: {exc}", source=src) from None


def link_resolver(known: Path | None, fetch_links: bool) -> Any:
    """URL → True/False: listed in the known-URL file, or fetched (HTTP status < 400)."""
    if known is not None:
        if not known.is_file():
            raise UserError("file not found", source=str(known), field="--known-urls")
        urls = {u.strip().rstrip("/") for u in known.read_text(encoding="utf-8").splitlines() if u.strip()}
        return lambda u: u.rstrip("/") in urls
    if fetch_links:
        def resolve(u: str) -> bool | None:
            try:
                fetch(u, max_bytes=2 * 1024 * 1024, timeout=15)
            except UserError:
                return False
            return True
        return resolve
    return None


def _v(v: Any) -> str:
    return "（空）" if v is None else (f"{v:g}" if isinstance(v, float) else str(v))


def print_report(console: Console, rep: Any, results: list[Any]) -> None:
    """Rich tables: the report, its tables 二/三/四 and 清单 table, then every check result."""
    year = "—".join(map(str, rep.year)) if isinstance(rep.year, tuple) else rep.year
    console.print(f"[bold]{markup(rep.title or rep.source)}[/bold]\n单位：{markup(rep.unit or '（未识别）')}  "
                  f"年度：{markup(year or '（未识别）')}  格式：{markup(rep.version or '（无）')}  "
                  f"文件：{markup(rep.doc_type)}  发布日期：{markup(rep.published or '（未注明）')}")
    t2 = rep.tables.get("t2")
    if t2:
        tab = Table("第二十条", "信息内容", "数据", title="表二 主动公开政府信息情况")
        for r in t2["rows"]:
            vals = "；".join(f"{k}：{_v(v)}{r['units'].get(k, '') if v is not None else ''}"
                            for k, v in r["values"].items())
            tab.add_row(cell(r["caption"]), cell(r["label"]), cell(vals))
        console.print(tab)
    t3 = rep.tables.get("t3")
    if t3:
        tab = Table("行", *map(markup, t3["columns"]), expand=True, title=f"表三 收到和处理政府信息公开申请情况（{t3['version']}年格式）")
        for row in t3["rows"].values():
            tab.add_row(cell(row["label"][:26]), *(cell(_v(v)) for v in row["values"]))
        console.print(tab)
    t4 = rep.tables.get("t4")
    if t4 and t4.get("values"):
        tab = Table("项目", *[markup(c.split(".")[1]) for c in t4["columns"][:5]], title="表四 行政复议、行政诉讼情况")
        for g, name in enumerate(("行政复议", "未经复议直接起诉", "复议后起诉")):
            tab.add_row(name, *(cell(_v(v)) for v in t4["values"][g * 5:g * 5 + 5]))
        console.print(tab)
    items = rep.tables.get("items")
    if items:
        tab = Table("序号", "事项", "是否公开", "链接", title="清单事项公开情况表")
        for r in items["rows"]:
            tab.add_row(cell(r["no"]), cell(r["item"]), {True: "是", False: "否"}.get(r["published"], "?"),
                        cell(" ".join(r["links"])))
        console.print(tab)
    dl = next((r for r in results if r.rule == "deadline" and r.extra.get("kind")), None)
    if dl is not None:
        sure = "" if dl.extra.get("kind_sure") else "，不确定"
        console.print(f"报告主体：{markup(dl.extra['kind'])}（{markup(dl.extra.get('kind_why', ''))}{sure}）")
    tab = Table("检查", "结果", "说明", title="检查结果")
    for r in results:
        style = STATUS_STYLE.get(r.status, "")
        tab.add_row(cell(r.rule), f"[{style}]{markup(r.status)}[/{style}]" if style else cell(r.status), cell(r.message))
    console.print(tab)


def register(app: typer.Typer) -> None:
    @app.command("annual-report")
    def annual_report_cmd(
        source: Annotated[str, typer.Argument(metavar="FILE_OR_URL", help="Report file (HTML, PDF, DOCX, DOC) or http(s) URL.")],
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON for machines.")] = False,
        kind: Annotated[str | None, typer.Option(help="department | government | township | university (default: from the body the report names, "
                 "e.g. 柘城县… → government, …局 → department, …镇 → township; unsure → no deadline penalty).")] = None,
        year: Annotated[int | None, typer.Option(help="Report year (a 学年's end year) when the title lacks it.")] = None,
        published: Annotated[str | None, typer.Option(help="Publication date YYYY-MM-DD (deadline check).")] = None,
        previous: Annotated[str | None, typer.Option(help="Previous year's report (for R5).")] = None,
        known_urls: Annotated[Path | None, typer.Option(help="File of URLs that exist (checks 清单 links).")] = None,
        fetch_links: Annotated[bool, typer.Option("--fetch-links", help="Fetch 清单 links to check them.")] = False,
        max_bytes: Annotated[int, typer.Option(help="Size cap for files and URLs.")] = MAX_BYTES,
    ) -> None:
        """Parse an annual report, print its tables and every check; exit 1 if a check fails."""
        from scoring.annual_report import check_report, overall
        from scoring.annual_report.checks import KINDS

        if kind is not None and kind not in KINDS:
            raise UserError(f"unknown kind {kind!r} (use {', '.join(KINDS)})", field="--kind")
        pub = None
        if published:
            try:
                pub = dt.date.fromisoformat(published)
            except ValueError:
                raise UserError(f"not a date: {published!r} (use YYYY-MM-DD)", field="--published") from None
        rep = read(source, max_bytes)
        if year is not None:
            rep.year = (year - 1, year) if (kind or rep.kind) == "university" else year
            if rep.version is None and year < 2019 and (kind or rep.kind) != "university":
                rep.version = "free_text"
        prev = read(previous, max_bytes) if previous else None
        resolver = link_resolver(known_urls, fetch_links)
        site_kind = "university" if kind == "university" else None
        results = check_report(rep, kind=kind, published=pub, previous=prev, resolver=resolver, site_kind=site_kind)
        status = overall(results)
        if as_json:
            out = {"report": rep.summary(), "status": status, "results": [r.as_json() for r in results]}
            sys.stdout.write(json.dumps(out, ensure_ascii=False, indent=1, default=str) + "\n")
        else:
            print_report(Console(), rep, results)
        if status == "fail":
            sys.stdout.flush()
            sys.exit(1)  # not typer.Exit: the CLI runs click with standalone_mode=False, which drops its code

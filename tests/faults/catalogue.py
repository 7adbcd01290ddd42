"""The fault catalogue: one table that drives both the fault tests and docs/reliability.md.

Each `Fault` is one hostile behaviour of a portal, served under `/f/<id>/` by `hostile_server`,
with what the audit must record for it: the column's status and reason, the page's status, the
blank-column (空白栏目) finding — `not_checked` with a reason whenever a page could not be read,
never a false `fail` — and a bound on how often the server was asked (the crawl's limits, not a
wall clock). `python tests/faults/catalogue.py --write` regenerates docs/reliability.md.
"""

from __future__ import annotations

import gzip
import sys
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "crawler"))

from dyn_server import html  # noqa: E402
from hostile_server import Handler, Route, reset, send, send_page  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "docs" / "reliability.md"
ANY = object()  # an expectation that is not asserted

# the crawl's limits in the suite (small, so every trap ends quickly)
LIMITS: dict[str, Any] = {
    "browser": False, "fetch_articles": False, "search": False, "workers": 1,
    "timeout": 15, "retries": 2, "max_list_pages": 5, "max_bytes": 1024 * 1024,
    "max_seconds": 120, "max_retry_after": 10,
}
# The slow tier's download time-out is short, so that stalls end quickly; the fast tier's is long,
# so that a loaded test machine never times out a healthy page.
SLOW_TIMEOUT = 4


@dataclass(frozen=True)
class Ctx:
    """What routes need to know: the other host (for off-site redirects) and the stop event."""

    other: str
    stop: Any


@dataclass(frozen=True)
class Fault:
    """One hostile behaviour and what the audit records for it."""

    id: str
    column: str  # the column's name in the portal's nav (and the rubric item's name)
    fault: str  # what the server does (for the doc)
    yields: str  # what the audit records (for the doc)
    routes: Callable[[Ctx, str], dict[str, Route]]  # (ctx, base path "/f/<id>/") → routes
    column_status: str  # Column.status
    reason: str | None = None  # substring of Column.status_detail
    page_status: Any = ANY  # Page.status of the column's first page (None: no response)
    page_error: str | None = None  # substring of that page's error or restriction
    finding: str = "not_checked"  # the blank_column finding
    items: int = 0  # items the column must hold (at least)
    max_hits: int | None = None  # the first route was asked at most this often
    full: bool = False  # slow: only in `make faults`
    extra: tuple[str, ...] = field(default_factory=tuple)  # named extra assertions (test_faults.py)


def list_html(title: str, n: int, prefix: str, extra: str = "", charset: str = "utf-8") -> tuple:
    rows = "".join(f"<li><a href='{prefix}a{i}.html'>{title}第{i}号工作文件</a><span>2026-03-1{i}</span></li>"
                   for i in range(n))
    return html(f"<div class='list'><ul>{rows}</ul></div>{extra}", title, charset)


def _page(answer: tuple) -> Route:
    return lambda h, m, q: send_page(h, answer)


def _ok(title: str, n: int = 3) -> Callable[[Ctx, str], dict[str, Route]]:
    return lambda ctx, base: {base + "list.html": _page(list_html(title, n, base))}


def _burst(ctx: Ctx, base: str) -> dict[str, Route]:
    hits = {"n": 0}

    def route(h: Handler, m: str, q: dict) -> None:
        hits["n"] += 1
        if hits["n"] <= 3:
            return send(h, 500, b"<h1>500 Internal Server Error</h1>", {"Content-Type": "text/html"})
        return send_page(h, list_html("服务故障", 3, base))

    return {base + "list.html": route}


def _retry_after(seconds: int, then_ok: bool) -> Callable[[Ctx, str], dict[str, Route]]:
    def routes(ctx: Ctx, base: str) -> dict[str, Route]:
        hits = {"n": 0}

        def route(h: Handler, m: str, q: dict) -> None:
            hits["n"] += 1
            if hits["n"] == 1 or not then_ok:
                return send(h, 429, b"<h1>Too Many Requests</h1>",
                            {"Content-Type": "text/html", "Retry-After": str(seconds)})
            return send_page(h, list_html("限流栏目", 3, base))

        return {base + "list.html": route}

    return routes


def _reset(ctx: Ctx, base: str) -> dict[str, Route]:
    return {base + "list.html": lambda h, m, q: reset(h)}


def _stall(ctx: Ctx, base: str) -> dict[str, Route]:
    def route(h: Handler, m: str, q: dict) -> None:
        ctx.stop.wait(SLOW_TIMEOUT * 3)  # longer than the slow tier's download time-out
        reset(h)

    return {base + "list.html": route}


def _drip(ctx: Ctx, base: str) -> dict[str, Route]:
    body = list_html("慢速栏目", 3, base)[2] + b" " * 20000

    def route(h: Handler, m: str, q: dict) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html; charset=utf-8")
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        for i in range(0, len(body), 16):  # 16 bytes every 0.1 s: minutes for the whole page
            if ctx.stop.wait(0.1):
                break
            h.wfile.write(body[i:i + 16])
            h.wfile.flush()
        h.close_connection = True

    return {base + "list.html": route}


def _redirect(to: Callable[[Ctx, str], str]) -> Callable[[Ctx, str], dict[str, Route]]:
    def routes(ctx: Ctx, base: str) -> dict[str, Route]:
        return {base + "list.html": lambda h, m, q: send(h, 302, b"", {"Location": to(ctx, base)})}

    return routes


def _loop(ctx: Ctx, base: str) -> dict[str, Route]:
    return {base + "list.html": lambda h, m, q: send(h, 302, b"", {"Location": base + "b.html"}),
            base + "b.html": lambda h, m, q: send(h, 302, b"", {"Location": base + "list.html"})}


def _chain(ctx: Ctx, base: str) -> dict[str, Route]:
    hops = ["list.html", "h1.html", "h2.html", "h3.html", "h4.html"]
    routes: dict[str, Route] = {}
    for here, there in zip(hops, [*hops[1:], "final.html"], strict=True):
        routes[base + here] = (lambda t: lambda h, m, q: send(h, 301, b"", {"Location": base + t}))(there)
    routes[base + "final.html"] = _page(list_html("跳转栏目", 3, base))
    return routes


def _calendar(ctx: Ctx, base: str) -> dict[str, Route]:
    def route(h: Handler, m: str, q: dict) -> None:
        day = int((q.get("d") or ["0"])[0])
        cal = "".join(f"<td><a href='{base}list.html?d={day + k}'>{(day + k) % 31 + 1}</a></td>" for k in range(1, 32))
        nav = f"<a href='{base}list.html?d={day - 31}'>上一月</a><a href='{base}list.html?d={day + 31}'>下一月</a>"
        send_page(h, list_html("活动日历", 3, base, f"<table class='calendar'><tr>{cal}</tr></table>{nav}"))

    return {base + "list.html": route}


def _pager(ctx: Ctx, base: str) -> dict[str, Route]:
    def route(h: Handler, m: str, q: dict) -> None:
        p = int((q.get("p") or ["1"])[0])
        pager = f"<div class='page'>共99999条 第{p}页 <a href='{base}list.html?p={p + 1}'>下一页</a></div>"
        send_page(h, list_html(f"无尽分页{p}", 3, f"{base}p{p}", pager))

    return {base + "list.html": route}


def _malformed(ctx: Ctx, base: str) -> dict[str, Route]:
    rows = "".join(f"<li><a href='{base}a{i}.html'>格式错乱栏目第{i}号工作文件<span>2026-02-0{i + 1}"
                   for i in range(3))
    body = (f"<html><head><meta charset='utf-8'><title>格式错乱</title></head><body></div></span><table><tr>"
            f"<div class='list'><ul>{rows}</ul></table></p><p <b>\x00\x01 &bogus; <<<>>></body>").encode()
    return {base + "list.html": lambda h, m, q: send(h, 200, body, {"Content-Type": "text/html; charset=utf-8"})}


def _truncated(ctx: Ctx, base: str) -> dict[str, Route]:
    body = list_html("截断栏目", 3, base)[2]
    cut = body[: body.index(b"<li>", body.index(b"a2.html") - 40)] + b"<li><a hr"
    return {base + "list.html": lambda h, m, q: send(h, 200, cut, {"Content-Type": "text/html; charset=utf-8"})}


def _short(ctx: Ctx, base: str) -> dict[str, Route]:
    body = list_html("短体栏目", 3, base)[2]

    def route(h: Handler, m: str, q: dict) -> None:
        send(h, 200, body[:200], {"Content-Type": "text/html; charset=utf-8"}, length=len(body) + 5000)
        h.close_connection = True

    return {base + "list.html": route}


def _mislabelled(title: str, encoding: str, label: str) -> Callable[[Ctx, str], dict[str, Route]]:
    def routes(ctx: Ctx, base: str) -> dict[str, Route]:
        page = list_html(title, 3, base, charset=label)
        body = page[2].decode(label).encode(encoding)
        return {base + "list.html": lambda h, m, q: send(h, 200, body,
                                                         {"Content-Type": f"text/html; charset={label}"})}

    return routes


def _huge(ctx: Ctx, base: str) -> dict[str, Route]:
    body = list_html("超大栏目", 3, base)[2] + b" " * (3 * 1024 * 1024)
    return {base + "list.html": lambda h, m, q: send(h, 200, body, {"Content-Type": "text/html; charset=utf-8"})}


@lru_cache(maxsize=2)
def _bomb(encoding: str) -> bytes:
    zeros = b"\0" * (40 * 1024 * 1024)  # 40 MB, past the 1 MB cap by far
    return gzip.compress(zeros, 9) if encoding == "gzip" else zlib.compress(zeros, 9)


def _bomb_route(encoding: str) -> Callable[[Ctx, str], dict[str, Route]]:
    def routes(ctx: Ctx, base: str) -> dict[str, Route]:
        body = _bomb(encoding)
        return {base + "list.html": lambda h, m, q: send(
            h, 200, body, {"Content-Type": "text/html; charset=utf-8", "Content-Encoding": encoding})}

    return routes


def _login(ctx: Ctx, base: str) -> dict[str, Route]:
    form = "<form action='/login'><input name='user'><input type='password' name='pw'></form>"
    return {base + "list.html": lambda h, m, q: send(h, 302, b"", {"Location": f"/login?next={base}list.html"}),
            "/login": _page(html(form, "统一身份认证登录"))}


def _ip_wall(ctx: Ctx, base: str) -> dict[str, Route]:
    return {base + "list.html": _page(html("<p>对不起，您的IP地址范围未授权，无法访问本栏目。</p>", "访问受限"))}


def _empty(ctx: Ctx, base: str) -> dict[str, Route]:
    return {base + "list.html": lambda h, m, q: send(h, 200, b"", {"Content-Type": "text/html; charset=utf-8"})}


def _deep(ctx: Ctx, base: str) -> dict[str, Route]:
    inner = list_html("深层嵌套", 3, base)[2].decode()
    body = inner[inner.index("<div class='list'>"): inner.index("</body>")]
    page = html("<div>" * 2100 + body + "</div>" * 2100, "深层嵌套")
    return {base + "list.html": _page(page)}


UNREAD = "a column that could not be read is never called blank"

FAULTS: list[Fault] = [
    Fault("healthy", "重点工作", "an ordinary list column, next to the faults", "column read, items stored, `pass`",
          _ok("重点工作"), "ok", finding="pass", items=3, max_hits=1),
    Fault("burst_5xx", "财政预算", "three 500 answers, then the page", "`error` with `HTTP 500`: loopback error "
          "pages are not retried (real hosts: retried twice); `not_checked`",
          _burst, "error", "HTTP 500", page_status=500, max_hits=1),
    Fault("retry_after", "人事任免", "429 with `Retry-After: 1`, then the page",
          "retried after the wait the server asked for; column read, `pass`",
          _retry_after(1, True), "ok", finding="pass", items=3, max_hits=2, extra=("waited_retry_after",)),
    Fault("retry_after_long", "行政许可", "429 with `Retry-After: 3600` every time",
          "not waited for (over the cap `max_retry_after`), asked once; `error` `HTTP 429`, `not_checked`",
          _retry_after(3600, False), "error", "HTTP 429", page_status=429, max_hits=1),
    Fault("reset", "招标采购", "TCP reset (RST) on every request",
          "retried twice, then `error` with the connection error; `not_checked`",
          _reset, "error", "Connection", page_status=None, page_error="Connection", max_hits=6),
    Fault("timeout", "重大项目", "accepts, never answers", "time-out after `timeout` seconds, retried twice; "
          "`error` `TimeoutError`, `not_checked`",
          _stall, "error", "TimeoutError", page_status=None, page_error="TimeoutError", max_hits=6, full=True),
    Fault("slow_drip", "环境保护", "sends its body 16 bytes per 0.1 s", "the download time-out ends it; "
          "`error` `TimeoutError`, `not_checked`",
          _drip, "error", "TimeoutError", page_status=None, page_error="TimeoutError", max_hits=6, full=True),
    Fault("redirect_loop", "安全生产", "302 A → B → A …", "stopped after Scrapy's 20 hops; `error` "
          "`redirect loop or chain too long` (never blamed on robots.txt); `not_checked`",
          _loop, "error", "redirect loop", page_status=None, page_error="redirect loop", max_hits=11),
    Fault("redirect_chain", "统计数据", "five 301 hops to the list", "followed; column read, `pass`",
          _chain, "ok", finding="pass", items=3, max_hits=1),
    Fault("redirect_offsite", "审计结果", "302 to another host (another 127.0.0.1 port)",
          "not followed, nothing sent there; `error` `off-site redirect to …`, recorded in the crawl's "
          "`facts.redirects`; its content is not credited to the site; `not_checked`",
          _redirect(lambda ctx, base: ctx.other + "/stolen.html"), "error", "off-site redirect to",
          page_error="off-site redirect", max_hits=1, extra=("offsite_not_contacted",)),
    Fault("redirect_file", "价格收费", "302 to `file:///etc/passwd`", "refused; `error` `redirect to file:… "
          "refused`; `not_checked`",
          _redirect(lambda ctx, base: "file:///etc/passwd"), "error", "refused", page_error="refused", max_hits=1),
    Fault("redirect_metadata", "食品药品", "302 to `http://169.254.169.254/latest/meta-data/`",
          "refused before connecting (no socket opened); `error` `… refused: metadata address`; `not_checked`",
          _redirect(lambda ctx, base: "http://169.254.169.254/latest/meta-data/"), "error", "metadata address",
          page_error="refused", max_hits=1),
    Fault("redirect_private", "社会救助", "302 to `http://10.0.0.1/admin`",
          "refused before connecting; `error` `… refused: private address`; `not_checked`",
          _redirect(lambda ctx, base: "http://10.0.0.1/admin"), "error", "private address",
          page_error="refused", max_hits=1),
    Fault("calendar", "活动安排", "a calendar whose every day and month links to another calendar page",
          "calendar links are not list pages: the column is read once and each of its 33 links only "
          "link-checked (bounded by `max_link_checks`), never crawled; `pass`",
          _calendar, "ok", finding="pass", items=3, max_hits=34, extra=("calendar_not_crawled",)),
    Fault("infinite_pager", "政策解读", "a pager that always has a next page (共99999条)",
          "stops at `max_list_pages` (plus one link check of the next page); column read, `pass`; "
          "crawl stop reason `list page limit`",
          _pager, "ok", finding="pass", items=3, max_hits=LIMITS["max_list_pages"] + 1,
          extra=("list_page_limit",)),
    Fault("malformed", "规划计划", "unclosed and stray tags, NUL bytes, bogus entities",
          "parsed leniently; items stored, `pass`", _malformed, "ok", finding="pass", items=1, max_hits=1),
    Fault("truncated", "建议提案", "markup cut off mid-tag (honest length)",
          "the rows before the cut are stored; `pass`", _truncated, "ok", finding="pass", items=2, max_hits=1),
    Fault("short_body", "应急管理", "Content-Length promises 5 kB more than is sent",
          "data loss detected, retried; `error`, `not_checked`",
          _short, "error", None, page_status=None, max_hits=6),
    Fault("gbk_as_utf8", "教育招生", "GBK bytes labelled UTF-8", "decoded as GBK; titles exact; `pass`",
          _mislabelled("教育招生", "gbk", "utf-8"), "ok", finding="pass", items=3, max_hits=1,
          extra=("exact_titles",)),
    Fault("utf8_as_gbk", "医疗卫生", "UTF-8 bytes labelled GBK", "decoded as UTF-8; titles exact; `pass`",
          _mislabelled("医疗卫生", "utf-8", "gbk"), "ok", finding="pass", items=3, max_hits=1,
          extra=("exact_titles",)),
    Fault("gb18030_as_utf8", "住房保障", "GB18030 bytes labelled UTF-8", "decoded as GB18030; titles exact; `pass`",
          _mislabelled("住房保障", "gb18030", "utf-8"), "ok", finding="pass", items=3, max_hits=1,
          extra=("exact_titles",)),
    Fault("utf8_as_gb18030", "就业创业", "UTF-8 bytes labelled GB18030", "decoded as UTF-8; titles exact; `pass`",
          _mislabelled("就业创业", "utf-8", "gb18030"), "ok", finding="pass", items=3, max_hits=1,
          extra=("exact_titles",)),
    Fault("huge_body", "国有资产", "a 3 MB page (cap `max_bytes` 1 MB)",
          "download cancelled at the cap; `error` `response larger than the download size cap`; `not_checked`",
          _huge, "error", "larger than the download size cap", page_status=None, page_error="size cap",
          max_hits=3),
    Fault("gzip_bomb", "扶贫开发", "40 MB of zeros gzip-compressed to 40 kB",
          "decompression stopped at the cap; `error` `response larger than the download size cap` "
          "(never blamed on robots.txt); `not_checked`",
          _bomb_route("gzip"), "error", "larger than the download size cap", page_status=None,
          page_error="size cap", max_hits=1),
    Fault("deflate_bomb", "农业农村", "40 MB of zeros deflate-compressed",
          "as the gzip bomb: `error` `response larger than the download size cap`; `not_checked`",
          _bomb_route("deflate"), "error", "larger than the download size cap", page_status=None,
          page_error="size cap", max_hits=1),
    Fault("robots_disallow", "机构职能", "robots.txt disallows the column", "never requested; `restricted` "
          "`blocked by robots.txt`; `not_checked`",
          _ok("机构职能"), "restricted", "blocked by robots.txt", page_status=None, page_error="robots.txt",
          max_hits=0),
    Fault("login_wall", "内部管理", "302 to a login page with a password form",
          "`restricted` `redirected to login`; `not_checked`", _login, "restricted", "redirected to login",
          max_hits=1),
    Fault("login_offsite", "会议纪要", "302 to a login page on another host (`/cas/login`)",
          "not followed; `restricted` `redirected to login: …`; `not_checked`",
          _redirect(lambda ctx, base: ctx.other + "/cas/login?service=x"), "restricted", "redirected to login",
          page_error="off-site redirect", max_hits=1),
    Fault("ip_restricted", "档案资料", "a 200 page saying IP地址范围未授权", "`restricted` with that notice; "
          "`not_checked`", _ip_wall, "restricted", "IP地址范围未授权", page_status=200, max_hits=1),
    Fault("empty_200", "交通运输", "200 with an empty body", f"`error` `empty response body`; `not_checked` "
          f"({UNREAD})", _empty, "error", "empty response body", page_status=200, page_error="empty", max_hits=1),
    Fault("deep_nesting", "水利水务", "the list nested 2,100 `<div>`s deep (past the parser's ~2,048 levels)",
          f"`error` `markup nested too deep to parse`; `not_checked` ({UNREAD})",
          _deep, "error", "nested too deep", page_status=200, page_error="nested too deep", max_hits=1),
]

@dataclass(frozen=True)
class SiteFault:
    """A fault of the whole host, crawled as its own small portal (its effect spans every page)."""

    id: str
    fault: str
    yields: str
    test: str  # the test that asserts it


SITE_FAULTS = [
    SiteFault("crawl_delay", "robots.txt says `Crawl-delay: 1`",
              "every request to the host starts at least 1 s after the previous one (capped by "
              "`max_crawl_delay`, default 30 s); the portal is still read in full",
              "tests/faults/test_crawl_delay.py"),
]

# Crashes and interruptions of the audit itself (tests/faults/test_crash*.py): `test` names the test
# function that asserts the row, and tests/faults/test_crash.py checks that each one exists.
CRASHES = [
    SiteFault("kill_9", "`xxgk audit` SIGKILLed at 22 seeded points in time (crawl, scoring, report)",
              "the run stays `running`; `--resume RUN` replays the WARC and ends with the same items, pages "
              "and findings as an uninterrupted audit, no duplicate row",
              "tests/faults/test_crash.py::test_kill_9_then_resume_is_identical"),
    SiteFault("kill_9_new_store", "SIGKILL while a new SQLite store's schema is being built",
              "the migrations run in one transaction (the driver's implicit commits before DDL are off): "
              "nothing half-built is left, and the next command builds the store in full",
              "tests/faults/test_crash_store.py::test_kill_9_while_the_schema_is_built_leaves_a_usable_store"),
    SiteFault("sigint_sigterm", "Ctrl-C (SIGINT) or SIGTERM mid-crawl",
              "running sites stop gracefully; exit 130 with one line naming `xxgk audit --resume RUN`; the "
              "run is `interrupted` (never `done`), unscored, no report written; `--resume` finishes it with "
              "the same column tree: a column first met in another column's sidebar is placed beside the known "
              "columns listed with it, not under whichever page the resumed crawl read first",
              "tests/faults/test_crash.py::test_signal_leaves_an_interrupted_run_that_resumes_identically"),
    SiteFault("interrupted_twice", "Ctrl-C, then the `--resume` itself SIGKILLed",
              "a second `--resume` still ends identical to an uninterrupted audit",
              "tests/faults/test_crash.py::test_resume_interrupted_again_then_resumed_is_identical"),
    SiteFault("dead_crawl_worker", "one local crawl worker process SIGKILLed",
              "its site is `failed` / `error`; exit 130 and the run `interrupted`, not scored; `--resume` finishes it "
              "identically (a site whose crawler dies again on resume is scored `not_checked`, never 0)",
              "tests/faults/test_crash.py::test_killed_crawl_worker_leaves_an_interrupted_run"),
    SiteFault("cut_short_not_ranked", "a run with a cut-short site scored and reported anyway (`xxgk score`)",
              "the site's findings are `not_checked` / `needs_review` (never `fail`, not the single veto "
              "站点无法访问) under every bundled rubric; it has no total, no rank, no verdict",
              "tests/faults/test_crash_ranking.py::test_cut_short_site_is_not_ranked"),
    SiteFault("dead_request_worker", "request mode: a `xxgk worker` SIGKILLed at seeded points",
              "its leased requests come back after the lease; the other workers finish; same items, pages and "
              "findings as a local audit, no duplicate row",
              "tests/faults/test_crash.py::test_request_mode_killed_worker_is_identical"),
    SiteFault("stalled_worker", "site mode: a worker SIGSTOPped past its lease, SIGCONTed after a takeover",
              "its late writes are refused by the fence (`FencedStorePipeline`, one warning per lost site); "
              "the run matches the ground truth",
              "tests/crawler/test_distributed.py::test_stalled_worker_is_fenced"),
    SiteFault("planted_queue_entry", "request mode: a pickle, bad JSON or an unknown callback put into Redis",
              "never unpickled or run: requests are JSON (`reqcodec`); the entry is dropped with one logged line",
              "tests/crawler/test_distributed_reqcodec.py::test_planted_entries_in_the_queue_are_dropped_never_run"),
]

# Links on the healthy column's page: link checks obey the same address rule as the crawl.
PRIVATE_LINKS = {"http://10.1.2.3/internal.html": "private address",
                 "http://169.254.169.254/latest/meta-data/": "metadata address"}
ROBOTS_TXT = "User-agent: *\nDisallow: /f/robots_disallow/\n"


def portal_routes(ctx: Ctx, faults: list[Fault]) -> dict[str, Route]:
    """The whole hostile portal: a portal home page whose nav lists one column per fault."""
    nav = "<div class='sidebar'><ul>" + "".join(
        f"<li><a href='/f/{f.id}/list.html'>{f.column}</a></li>" for f in faults) + "</ul></div>"
    links = "".join(f"<a href='{u}'>内网链接{n}</a>" for n, u in enumerate(PRIVATE_LINKS))
    routes: dict[str, Route] = {
        "/index.html": _page(html(nav + f"<p>欢迎访问示例县政府信息公开平台。{links}</p>", "示例县政府信息公开")),
        "/robots.txt": lambda h, m, q: send(h, 200, ROBOTS_TXT.encode(), {"Content-Type": "text/plain"}),
    }
    for f in faults:
        routes.update(f.routes(ctx, f"/f/{f.id}/"))
    return routes


def stolen_routes() -> dict[str, Route]:
    """The other host an off-site redirect points to: its content must never be credited."""
    return {"/stolen.html": _page(list_html("外站内容", 3, "/stolen/"))}


# ---------------------------------------------------------------- docs/reliability.md


def render_doc() -> str:
    """docs/reliability.md, from the table above."""
    lines = [
        "# Reliability: what the audit records when a portal misbehaves",
        "",
        "Generated from `tests/faults/catalogue.py` (`python tests/faults/catalogue.py --write`); "
        "`tests/faults/test_reliability_doc.py` fails when this file differs. Each row is one route of "
        "the hostile test server (`tests/faults/hostile_server.py`), crawled as a column of a small "
        "portal with every other fault beside it; `tests/faults/test_faults.py` asserts the column "
        "status and reason, the page status, the 空白栏目 (blank column) finding, a bound on the requests "
        "the server saw, and that the rest of the portal is still audited. Rows marked *full* run only "
        "in `make faults`; the others also run in `make test`.",
        "",
        "A finding is `not_checked` (with the reason) whenever a page could not be read: an unreadable "
        "page is never evidence that a column is blank or an item missing.",
        "",
        "Suite limits: " + ", ".join(f"`{k}` {v}" for k, v in LIMITS.items() if k not in ("workers",))
        + f" (`timeout` {SLOW_TIMEOUT} for the *full* rows).",
        "",
        "| fault | server does | audit records | column status | finding | requests at most |",
        "|---|---|---|---|---|---|",
    ]
    for f in FAULTS:
        name = f"`{f.id}`" + (" *(full)*" if f.full else "")
        lines.append(f"| {name} | {f.fault} | {f.yields} | `{f.column_status}` | `{f.finding}` | {f.max_hits} |")
    lines += ["", "## Faults of the whole host", "", "| fault | server does | audit records | test |", "|---|---|---|---|"]
    lines += [f"| `{f.id}` | {f.fault} | {f.yields} | `{f.test}` |" for f in SITE_FAULTS]
    lines += ["", "## Crashes and interruptions", "",
              "The audit itself killed or stopped: what the run records and what `xxgk audit --resume RUN` "
              "restores. *Identical* means the same item rows, pages and findings as an uninterrupted audit of "
              "the same portals, with no duplicate row.", "",
              "| case | what happens | audit records | test |", "|---|---|---|---|"]
    lines += [f"| `{f.id}` | {f.fault} | {f.yields} | `{f.test}` |" for f in CRASHES]
    lines += [
        "",
        "## Trust boundaries",
        "",
        "- A redirect is followed only within the site's scope: its own hosts and sibling hosts of the same "
        "registrable domain (Public Suffix List bundled with `tldextract`, never fetched), e.g. "
        "`xxgk.x.edu.cn` → `www.x.edu.cn`. Cross-host redirects are kept in the crawl's `facts.redirects` "
        "(`sibling`, `off-site`, `refused`). Anything else is an off-site redirect: not followed, its content "
        "never credited to the site.",
        "- Private, loopback, link-local, carrier-grade NAT and cloud-metadata addresses (169.254.169.254, "
        "100.100.100.200, `metadata.google.internal`) are refused before a connection is made, unless the "
        "audited site itself is on an address of that same class (the sample portals run on loopback), and "
        "never through a redirect from a public host. Link checks obey the same rule: such links are "
        "recorded `unchecked` with the refusal, never contacted. A host name whose DNS answer is a metadata or "
        "link-local address is refused when it is resolved, before connecting (`crawler.scope.GuardedResolver`, "
        "`tests/faults/test_dns_guard.py`); a private answer is allowed (intranet portals resolve to 10.x). "
        "Pages rendered by Chromium resolve names in the browser, outside this guard.",
        "- A redirect to a non-HTTP scheme (`file:`, `ftp:`) is refused.",
        "- Crawled names never become file paths or shell words: run files are named by ids and hashes "
        "(`warc/run-N/site-M.warc.gz`, snapshots by sha256); attachment names with `../`, NUL, RTL "
        "overrides or shell syntax stay data in the store (`tests/faults/test_hostile_names.py`). The one place a "
        "crawled name reaches disk, an archived document placed in a report's `attachments/` (its URL's file "
        "name, the suffix taken from its content type, so a hostile name cannot make it an HTML file; "
        "`tests/reports/test_snapshot_cache.py`), goes through `xxgk.filenames.safe_filename`: the last path part only, no NUL, control, "
        "bidi or Windows-reserved characters, no device names (`CON`, `nul.txt`), at most 200 bytes with the "
        "suffix kept (`tests/faults/test_attachment_names.py`).",
        "- The terminal: every crawled string the CLI prints goes through `xxgk.termtext` (ESC, BEL, CR, C1 and "
        "bidi characters shown as `\\x1b`-style escapes, rich markup escaped; `tests/faults/test_terminal.py`).",
        f"- Checked links in the suite: {', '.join(f'`{u}`' for u in PRIVATE_LINKS)} — `unchecked`, "
        "no socket opened (the suite's crawl runs under an audit hook that records and blocks any "
        "connection to a non-loopback address).",
        "",
    ]
    from payloads import render_doc as payload_doc  # payloads imports this module's helpers

    lines += payload_doc()
    return "\n".join(lines)


if __name__ == "__main__":
    text = render_doc()
    if "--write" in sys.argv:
        DOC.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)

"""Helpers shared by check kinds: crawl state, column classes, dates and deductions."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from scoring.match import normalize
from scoring.outcome import CheckOutcome
from xxgk.store import CRAWL_DONE, CRAWL_FAILED, NOT_CHECKED, Column
from xxgk.store.lifecycle import CUT_SHORT

if TYPE_CHECKING:
    from scoring.context import SiteContext

# Column statuses whose page opened. `incomplete`: a later list page (or data request) failed, so the
# column's items are known only in part — good evidence that something is there, never that it is not.
READABLE = ("ok", "incomplete")
INCOMPLETE = "incomplete"


def crawl_stopped(ctx: SiteContext, kind: str) -> CheckOutcome | None:
    """not_checked when the site's crawl failed or did not finish; None when it can be judged."""
    crawl = ctx.crawl
    if crawl.status == CRAWL_FAILED and crawl.stop_reason in CUT_SHORT:
        return CheckOutcome(kind, NOT_CHECKED, message="站点抓取中途停止，未能检查",
                            reason=f"抓取未完成（{crawl.error or crawl.stop_reason}），可续抓后重新评分")
    if crawl.status == CRAWL_FAILED:
        why = crawl.error or crawl.stop_reason or "站点无法访问"
        return CheckOutcome(kind, NOT_CHECKED, message="站点抓取失败，未能检查", reason=f"抓取失败：{why}")
    if crawl.status != CRAWL_DONE:
        return CheckOutcome(kind, NOT_CHECKED, message="站点尚未完成抓取，未能检查",
                            reason=f"抓取状态为 {crawl.status}")
    return None


def crawl_not_checked(ctx: SiteContext, kind: str) -> CheckOutcome | None:
    """Like `crawl_stopped`, and also not_checked when no column at all was read."""
    stop = crawl_stopped(ctx, kind)
    if stop is not None:
        return stop
    if not ctx.columns:
        crawl = ctx.crawl
        return CheckOutcome(kind, NOT_CHECKED, message="未读取到任何信息公开栏目，未能检查",
                            reason=crawl.stop_reason and f"未发现栏目（{crawl.stop_reason}）"
                            or "未发现任何栏目（可能未找到信息公开专栏入口）")
    return None


def unsure_columns(ctx: SiteContext, *, unread_only: bool = False) -> list[Column]:
    """On-site columns whose items are not all known: a list page failed, was restricted or not fetched.

    `unread_only` keeps the columns the crawl could not read though the site may well publish them — a
    later list page lost (`incomplete`) or a first page that timed out, dropped the connection or answered
    5xx — and leaves out 4xx pages (a dead link is the site's own finding), restricted sections (not
    public) and columns our limits skipped (the crawl's stop reason says so). Site-wide searches use it,
    so that one unreadable corner does not turn every missing item of a portal into not_checked."""
    out = [c for c in ctx.columns if c.url and not c.offsite and c.status != "ok" and not ctx.is_group(c)]
    if unread_only:
        out = [c for c in out if c.status == INCOMPLETE
               or (c.status == "error" and not (c.status_detail or "").startswith("HTTP 4"))]
    return out


def name_has(name: str, terms: list[str]) -> bool:
    """True when the normalized column name contains one of the normalized terms."""
    n = normalize(name)
    return any(normalize(t) and normalize(t) in n for t in terms)


def leaf_columns(ctx: SiteContext) -> list[Column]:
    """On-site columns that hold content themselves (not group headers), in a stable order."""
    return [c for c in ctx.columns if not ctx.is_group(c) and not c.offsite and c.url]


def parse_date(value: object) -> dt.date | None:
    """A date from a fact value (date, datetime or ISO string); None when absent or unreadable."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def col_label(col: Column) -> str:
    """The column as shown in messages and details: its path, or its name."""
    return col.path or col.name


def count_verdict(kind: str, what: str, n: int, *, unknown: int = 0, threshold: int | None = None,
                  deduct_per: float | None = None, evidence: list[dict[str, str]] | None = None,
                  details: dict[str, object] | None = None, listing: str = "") -> CheckOutcome:
    """The verdict of a counting check (stale columns, blank columns, broken links, ...).

    - `threshold` set: fail when n ≥ threshold (a single-veto rule), else pass; needs_review when
      the `unknown` (unreadable) ones could lift n to the threshold.
    - `deduct_per` set: `deduct` = n × deduct_per (the engine caps it at the item's points).
    - neither: fail on any.
    """
    from xxgk.store import FAIL, NEEDS_REVIEW, PASS

    details = dict(details or {})
    details.update({"count": n, "unknown": unknown, "threshold": threshold, "deduct_per": deduct_per})
    deduct = round(n * deduct_per, 4) if deduct_per is not None else None
    tail = f"：{listing}" if listing and n else ""
    if threshold is not None:
        if n >= threshold:
            msg = f"{what} {n} 个，达到阈值（≥{threshold}）{tail}"
            return CheckOutcome(kind, FAIL, 0.0, msg, evidence=evidence or [], deduct=deduct, details=details)
        if n + unknown >= threshold:
            msg = f"{what} {n} 个（另有 {unknown} 个未能读取，可能达到阈值 {threshold}），需人工确认{tail}"
            return CheckOutcome(kind, NEEDS_REVIEW, 0.0, msg, evidence=evidence or [], deduct=deduct,
                                details=details)
        msg = f"{what} {n} 个，未达阈值（≥{threshold}）{tail}"
        return CheckOutcome(kind, PASS, 1.0, msg, evidence=evidence or [], deduct=deduct, details=details)
    if n:
        return CheckOutcome(kind, FAIL, 0.0, f"{what} {n} 个{tail}", evidence=evidence or [], deduct=deduct,
                            details=details)
    return CheckOutcome(kind, PASS, 1.0, f"无{what}", deduct=deduct, details=details)

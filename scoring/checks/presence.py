"""`presence`: is the item published? A column (or, for report-type items, an article) matches it.

One combined v1 decision (DESIGN.md statuses):
- crawl failed / not finished → not_checked (reason)
- confident column match, readable and non-blank → pass (evidence: column URL + a sample item URL)
- article title match (`match_items`) → pass (evidence: the article URL)
- confident match only off-site → pass if `offsite_counts` or the crawler read content there,
  else needs_review (链接指向站外，需人工确认)
- confident match only in restricted columns → not_checked; only in columns that failed to load →
  needs_review
- confident match but every readable match is blank → fail 空白栏目 (when `blank_fails`)
- only low-confidence fuzzy matches → needs_review (never pass)
- nothing → fail 未找到栏目
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from scoring.checks.blank_column import KIND as BLANK_KIND
from scoring.checks.blank_column import blank_message
from scoring.checks.registry import register
from scoring.match import Match
from scoring.outcome import CheckOutcome
from xxgk.store import CRAWL_DONE, CRAWL_FAILED, FAIL, NEEDS_REVIEW, NOT_CHECKED, PASS

if TYPE_CHECKING:
    from scoring.context import SiteContext
    from scoring.rubric import RubricItem

KIND = "presence"


class PresenceParams(BaseModel):
    """Parameters of `presence`."""

    model_config = ConfigDict(extra="forbid")
    match_items: bool = False  # an article whose title contains a pattern also satisfies the item
    title_patterns: list[str] = Field(default_factory=list)  # default: the item name and aliases
    offsite_counts: bool = False  # an off-site link counts as published without verification
    blank_fails: bool = True  # matched but every matched column blank → fail 空白栏目


def crawl_not_checked(ctx: SiteContext, kind: str) -> CheckOutcome | None:
    """not_checked when the site's crawl failed or did not finish; None when it can be judged."""
    crawl = ctx.crawl
    if crawl.status == CRAWL_FAILED:
        why = crawl.error or crawl.stop_reason or "站点无法访问"
        return CheckOutcome(kind, NOT_CHECKED, message="站点抓取失败，未能检查", reason=f"抓取失败：{why}")
    if crawl.status != CRAWL_DONE:
        return CheckOutcome(kind, NOT_CHECKED, message="站点尚未完成抓取，未能检查",
                            reason=f"抓取状态为 {crawl.status}")
    if not ctx.columns:
        return CheckOutcome(kind, NOT_CHECKED, message="未读取到任何信息公开栏目，未能检查",
                            reason=crawl.stop_reason and f"未发现栏目（{crawl.stop_reason}）"
                            or "未发现任何栏目（可能未找到信息公开专栏入口）")
    return None


def _col_evidence(ctx: SiteContext, matches: list[Match]) -> list[dict[str, str]]:
    ev: list[dict[str, str]] = []
    for m in matches:
        col = ctx.column_by_id[m.column_id] if m.column_id is not None else None
        if m.url:
            ev.append({"url": m.url, "label": f"栏目：{m.path or m.name}"})
        if col is not None:
            art = ctx.sample_item(col)
            if art is not None:
                ev.append({"url": art.url, "label": f"条目：{art.title}"})
    return ev


def _names(matches: list[Match]) -> str:
    return "、".join(f"「{m.name}」" for m in matches)


@register(KIND, params=PresenceParams)
def check(ctx: SiteContext, item: RubricItem, params: PresenceParams) -> CheckOutcome:
    """Presence of the item on the portal (see module doc for the decision)."""
    stop = crawl_not_checked(ctx, KIND)
    if stop is not None:
        return stop
    matches = ctx.column_matches.get(item.id, [])
    strong = [m for m in matches if m.confident]
    weak = [m for m in matches if not m.confident]
    titles: list[Match] = []
    if params.match_items:
        titles = ctx.title_matches(item, params.title_patterns or [item.name, *item.aliases])
    matched = [m.as_json() for m in (strong + titles + weak)]

    cols = [(m, ctx.column_by_id[m.column_id]) for m in strong if m.column_id is not None]
    ok = [(m, c) for m, c in cols if c.status == "ok" and not c.offsite]
    full = [m for m, c in ok if not ctx.is_blank(c)]
    if full:
        return CheckOutcome(KIND, PASS, 1.0, message=f"已公开：栏目{_names(full)}",
                            evidence=_col_evidence(ctx, full), matched=matched)
    unfetched = [m for m, c in cols if c.status == "not_fetched" and not c.offsite]
    if unfetched:
        # Our own crawl limits stopped us: neither a pass (unverified) nor a fail (not the site's fault).
        return CheckOutcome(KIND, NOT_CHECKED, message=f"栏目{_names(unfetched)}存在，但内容未抓取，未能核实",
                            reason="栏目未抓取（抓取上限或抓取中断）",
                            evidence=_col_evidence(ctx, unfetched), matched=matched)
    if titles:
        t = titles[0]
        return CheckOutcome(KIND, PASS, 1.0, message=f"已公开：文章「{t.name}」",
                            evidence=[{"url": m.url, "label": f"文章：{m.name}"} for m in titles[:3] if m.url],
                            matched=matched)
    off = [(m, c) for m, c in cols if c.offsite]
    if off:
        verified = [m for m, c in off if c.item_count > 0 or c.has_content]
        if verified or params.offsite_counts:
            use = verified or [m for m, _c in off]
            return CheckOutcome(KIND, PASS, 1.0, message=f"已公开（站外链接）：{_names(use)}",
                                evidence=_col_evidence(ctx, use), matched=matched)
        return CheckOutcome(KIND, NEEDS_REVIEW, 0.0,
                            message=f"栏目{_names([m for m, _c in off])}链接指向站外，需人工确认",
                            evidence=[{"url": m.url, "label": f"站外链接：{m.name}"} for m, _c in off if m.url],
                            matched=matched)
    restricted = [(m, c) for m, c in cols if c.status == "restricted"]
    if restricted:
        detail = "；".join(dict.fromkeys(c.status_detail or "访问受限" for _m, c in restricted))
        return CheckOutcome(KIND, NOT_CHECKED, message=f"栏目{_names([m for m, _c in restricted])}访问受限，未能检查",
                            reason=f"访问受限：{detail}",
                            evidence=[{"url": m.url, "label": f"受限栏目：{m.name}"} for m, _c in restricted if m.url],
                            matched=matched)
    errored = [(m, c) for m, c in cols if c.status not in ("ok", "restricted", "not_fetched")]
    if errored:
        detail = "；".join(dict.fromkeys(c.status_detail or c.status for _m, c in errored))
        return CheckOutcome(KIND, NEEDS_REVIEW, 0.0,
                            message=f"栏目{_names([m for m, _c in errored])}无法打开（{detail}），需人工确认",
                            evidence=[{"url": m.url, "label": f"无法打开：{m.name}"} for m, _c in errored if m.url],
                            matched=matched)
    if ok and params.blank_fails:
        # The verdict is the blank-column one (so reports give the blank-column fix), reached here.
        return CheckOutcome(BLANK_KIND, FAIL, 0.0, message=blank_message([c.name for _m, c in ok]),
                            evidence=[{"url": c.url, "label": f"空白栏目：{c.name}"} for _m, c in ok if c.url],
                            matched=matched)
    if ok:
        return CheckOutcome(KIND, PASS, 1.0, message=f"栏目{_names([m for m, _c in ok])}存在（暂无内容）",
                            evidence=_col_evidence(ctx, [m for m, _c in ok]), matched=matched)
    if weak:
        best = weak[0]
        return CheckOutcome(KIND, NEEDS_REVIEW, 0.0,
                            message=f"疑似对应栏目{_names(weak[:3])}（相似度 {best.score:g}），需人工确认",
                            evidence=[{"url": m.url, "label": f"疑似栏目：{m.name}"} for m in weak[:3] if m.url],
                            matched=matched)
    return CheckOutcome(KIND, FAIL, 0.0, message=f"未找到栏目：未发现与「{item.name}」对应的栏目或信息",
                        matched=matched)

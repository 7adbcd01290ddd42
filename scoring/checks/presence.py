"""`presence`: is the item published? A column (or, for report-type items, an article) matches it.

One combined v1 decision (DESIGN.md statuses):
- crawl failed / not finished → not_checked (reason)
- confident column match, readable and non-blank → pass (evidence: column URL + a sample item URL)
- article title match (`match_items`) → pass (evidence: the article URL)
- confident match only off-site → pass if the crawler read content there, or `offsite_counts` and the
  target is reachable (a fetched page or an ok link); fail when the link is broken (站外链接无法访问);
  else needs_review (链接指向站外，需人工确认)
- items with weighted sub-items: credit = weights of the clauses found / all weights → partial when
  some clause is missing (details.sub_items lists each clause and the columns that hold it)
- `found_status: needs_review`: a found column is shown for a human to confirm (e.g. 互动回应:
  a consultation column exists, whether messages are answered is not machine-checkable)
- confident match only in restricted columns → not_checked; only in columns that failed to load →
  needs_review
- confident match but every readable match is blank → fail 空白栏目 (when `blank_fails`)
- only low-confidence fuzzy matches → needs_review (never pass)
- nothing → fail 未找到栏目
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field

from scoring.checks.blank_column import KIND as BLANK_KIND
from scoring.checks.blank_column import blank_message
from scoring.checks.common import READABLE, crawl_not_checked, unsure_columns
from scoring.checks.registry import register
from scoring.match import Match, normalize
from scoring.outcome import CheckOutcome
from xxgk.store import FAIL, NEEDS_REVIEW, NOT_CHECKED, PARTIAL, PASS

if TYPE_CHECKING:
    from scoring.context import SiteContext
    from scoring.schema import RubricItem

KIND = "presence"


class PresenceParams(BaseModel):
    """Parameters of `presence`."""

    model_config = ConfigDict(extra="forbid")
    match_items: bool = False  # an article whose title contains a pattern also satisfies the item
    title_patterns: list[str] = Field(default_factory=list)  # default: the item name and aliases
    offsite_counts: bool = False  # an off-site target counts when it is reachable (not only when read)
    blank_fails: bool = True  # matched but every matched column blank → fail 空白栏目
    found_status: Literal["pass", "needs_review"] = "pass"  # needs_review: presence alone proves little
    review_reason: str | None = None  # why a found column still needs a human (with found_status)


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


def _sub_terms(item: RubricItem) -> list[tuple[str, list[str]]]:
    return [(sub.id, [t for t in (normalize(x) for x in (sub.name, *sub.aliases)) if t]) for sub in item.sub_items]


def _covered(item: RubricItem, m: Match) -> set[str]:
    """Clauses a matched column (or article) holds: those named in it; all when it names none."""
    n = normalize(m.name)
    found = {sid for sid, terms in _sub_terms(item) if any(t in n for t in terms)}
    if m.sub_item_id:
        found.add(m.sub_item_id)
    return found or {s.id for s in item.sub_items}


def _with_clauses(item: RubricItem, found: list[Match], out: CheckOutcome) -> CheckOutcome:
    """Partial credit by clause for items whose sub-items carry weights."""
    if not item.partial_credit or out.status != PASS:
        return out
    holders: dict[str, list[str]] = {s.id: [] for s in item.sub_items}
    for m in found:
        for sid in _covered(item, m):
            holders[sid].append(m.name)
    total = sum(s.weight or 0.0 for s in item.sub_items)
    got = sum(s.weight or 0.0 for s in item.sub_items if holders[s.id])
    rows = [{"id": s.id, "name": s.name, "weight": s.weight, "found": bool(holders[s.id]),
             "columns": sorted(set(holders[s.id]))} for s in item.sub_items]
    out.details["sub_items"] = rows
    credit = round(got / total, 4) if total else 1.0
    if credit < 1.0:
        missing = "、".join(f"「{r['name']}」" for r in rows if not r["found"])
        out.status, out.credit = PARTIAL, credit
        out.message = f"部分公开：{out.message.removeprefix('已公开：')}；缺少{missing}"
    return out


def _reachable(ctx: SiteContext, url: str | None) -> bool | None:
    """True when the crawler fetched the URL or saw an ok link to it, False when broken, None unknown."""
    if not url:
        return None
    for p in ctx.pages:
        if p.url == url and p.status is not None:
            return 200 <= p.status < 400
    kinds = {lk.kind for lk in ctx.links if lk.to_url == url}
    if "broken" in kinds:
        return False
    if "ok" in kinds or "off-site" in kinds:
        return True
    return None


def _channel_match(ctx: SiteContext, item: RubricItem) -> dict[str, str] | None:
    """The first site channel (crawl fact `channels`) whose link text the item's name or an alias names."""
    terms = [t for t in (normalize(x) for x in (item.name, *item.aliases)) if len(t) >= 2]
    for ch in [*(ctx.facts.get("channels") or []), *(ctx.facts.get("portal_channels") or [])]:
        text = normalize(ch.get("text") or "")
        if text and ch.get("url") and any(t == text or t in text for t in terms):
            return ch
    return None


@register(KIND, params=PresenceParams)
def check(ctx: SiteContext, item: RubricItem, params: PresenceParams) -> CheckOutcome:
    """Presence of the item on the portal (see module doc for the decision)."""
    out = _decide(ctx, item, params)
    if out.status == PASS and params.found_status == "needs_review":
        out.status, out.credit = NEEDS_REVIEW, 0.0
        out.message += "；" + (params.review_reason or "需人工确认")
    return out


def _decide(ctx: SiteContext, item: RubricItem, params: PresenceParams) -> CheckOutcome:
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
    ok = [(m, c) for m, c in cols if c.status in READABLE and not c.offsite]
    full = [m for m, c in ok if not ctx.is_blank(c)]
    off = [(m, c) for m, c in cols if c.offsite]
    verified = [m for m, c in off if c.item_count > 0 or c.has_content]
    if full:
        out = CheckOutcome(KIND, PASS, 1.0, message=f"已公开：栏目{_names(full)}",
                           evidence=_col_evidence(ctx, full), matched=matched)
        return _with_clauses(item, full + verified + titles, out)
    unfetched = [m for m, c in cols if c.status == "not_fetched" and not c.offsite]
    if unfetched:
        # Our own crawl limits stopped us: neither a pass (unverified) nor a fail (not the site's fault).
        return CheckOutcome(KIND, NOT_CHECKED, message=f"栏目{_names(unfetched)}存在，但内容未抓取，未能核实",
                            reason="栏目未抓取（抓取上限或抓取中断）",
                            evidence=_col_evidence(ctx, unfetched), matched=matched)
    if titles:
        t = titles[0]
        out = CheckOutcome(KIND, PASS, 1.0, message=f"已公开：文章「{t.name}」",
                           evidence=[{"url": m.url, "label": f"文章：{m.name}"} for m in titles[:3] if m.url],
                           matched=matched)
        return _with_clauses(item, titles + verified, out)
    if off:
        reach = {m.url: _reachable(ctx, m.url) for m, _c in off}
        usable = verified or ([m for m, _c in off if reach[m.url]] if params.offsite_counts else [])
        if usable:
            out = CheckOutcome(KIND, PASS, 1.0, message=f"已公开（站外链接）：{_names(usable)}",
                               evidence=_col_evidence(ctx, usable), matched=matched)
            return _with_clauses(item, usable, out)
        broken = [m for m, _c in off if reach[m.url] is False]
        if broken and len(broken) == len(off):
            return CheckOutcome(KIND, FAIL, 0.0, message=f"站外链接无法访问：{_names(broken)}",
                                evidence=[{"url": m.url, "label": f"无法访问：{m.name}"} for m in broken if m.url],
                                matched=matched)
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
    errored = [(m, c) for m, c in cols if c.status not in (*READABLE, "restricted", "not_fetched")]
    if errored:
        detail = "；".join(dict.fromkeys(c.status_detail or c.status for _m, c in errored))
        return CheckOutcome(KIND, NEEDS_REVIEW, 0.0,
                            message=f"栏目{_names([m for m, _c in errored])}无法打开（{detail}），需人工确认",
                            evidence=[{"url": m.url, "label": f"无法打开：{m.name}"} for m, _c in errored if m.url],
                            matched=matched)
    if ok and params.blank_fails and all(c.status == "ok" for _m, c in ok):
        # The verdict is the blank-column one (so reports give the blank-column fix), reached here.
        return CheckOutcome(BLANK_KIND, FAIL, 0.0, message=blank_message([c.name for _m, c in ok]),
                            evidence=[{"url": c.url, "label": f"空白栏目：{c.name}"} for _m, c in ok if c.url],
                            matched=matched)
    if ok:
        return CheckOutcome(KIND, PASS, 1.0, message=f"栏目{_names([m for m, _c in ok])}存在（暂无内容）",
                            evidence=_col_evidence(ctx, [m for m, _c in ok]), matched=matched)
    channel = _channel_match(ctx, item)
    if channel is not None:
        # A site channel (top menu, header table, footer) the item names: published, not as a column.
        return CheckOutcome(KIND, PASS, 1.0, message=f"已设置频道「{channel['text']}」",
                            evidence=[{"url": channel["url"], "label": f"频道：{channel['text']}"}],
                            matched=matched)
    if weak:
        best = weak[0]
        return CheckOutcome(KIND, NEEDS_REVIEW, 0.0,
                            message=f"疑似对应栏目{_names(weak[:3])}（相似度 {best.score:g}），需人工确认",
                            evidence=[{"url": m.url, "label": f"疑似栏目：{m.name}"} for m in weak[:3] if m.url],
                            matched=matched)
    unsure = unsure_columns(ctx, unread_only=True) if params.match_items else []
    if unsure:
        # The item could be a listed article on a page the crawl could not read.
        why = "；".join(dict.fromkeys(f"{c.path or c.name}：{c.status_detail or c.status}" for c in unsure[:3]))
        return CheckOutcome(KIND, NOT_CHECKED, message=f"未发现与「{item.name}」对应的栏目，但 {len(unsure)} 个栏目未能完整读取，未能确认",
                            reason=f"栏目未完整读取：{why}", matched=matched,
                            evidence=[{"url": c.url, "label": f"未完整读取：{c.path or c.name}"} for c in unsure[:5] if c.url])
    return CheckOutcome(KIND, FAIL, 0.0, message=f"未找到栏目：未发现与「{item.name}」对应的栏目或信息",
                        matched=matched)

"""`entry_point`: the disclosure portal is reachable from the site's home page within N clicks and
is not hidden (21世纪教育研究院: a 专栏 not found from the home page scores 0).

Reads `Crawl.facts["entry"]` {url, text, depth, hidden}: absent → not_checked; null or no url → fail
(首页未找到信息公开入口); hidden → fail when `hidden_fails`; depth > `max_clicks` → fail; else pass.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from scoring.checks.common import crawl_stopped
from scoring.checks.registry import register
from scoring.outcome import CheckOutcome
from xxgk.store import FAIL, NOT_CHECKED, PASS

if TYPE_CHECKING:
    from scoring.context import SiteContext
    from scoring.schema import RubricItem

KIND = "entry_point"


class EntryParams(BaseModel):
    """Parameters of `entry_point`."""

    model_config = ConfigDict(extra="forbid")
    max_clicks: int = Field(default=1, ge=1)  # clicks from the home page
    hidden_fails: bool = True
    deduct: float | None = Field(default=None, ge=0)


@register(KIND, params=EntryParams)
def check(ctx: SiteContext, item: RubricItem, params: EntryParams) -> CheckOutcome:
    """Judge the home-page entry from the crawler's record (see module doc)."""
    stop = crawl_stopped(ctx, KIND)
    if stop is not None:
        return stop
    if "entry" not in ctx.facts:
        return CheckOutcome(KIND, NOT_CHECKED, message="未记录首页入口，未能检查", reason="抓取未记录首页入口（entry）")
    e = ctx.facts.get("entry") or {}
    details = {"url": e.get("url"), "text": e.get("text"), "depth": e.get("depth"), "hidden": e.get("hidden"),
               "max_clicks": params.max_clicks}
    ok_deduct = 0.0 if params.deduct is not None else None
    if not e.get("url"):
        return CheckOutcome(KIND, FAIL, message="首页未找到信息公开入口", deduct=params.deduct,
                            evidence=[{"url": ctx.site.url, "label": "首页"}], details=details)
    ev = [{"url": e["url"], "label": f"入口：{e.get('text') or e['url']}"}]
    if e.get("hidden") and params.hidden_fails:
        return CheckOutcome(KIND, FAIL, message=f"信息公开入口「{e.get('text') or ''}」在首页被隐藏（不可见）",
                            evidence=ev, deduct=params.deduct, details=details)
    depth = e.get("depth")
    if depth is not None and int(depth) > params.max_clicks:
        return CheckOutcome(KIND, FAIL, message=f"信息公开入口需从首页点击 {depth} 次（要求 ≤{params.max_clicks}）",
                            evidence=ev, deduct=params.deduct, details=details)
    return CheckOutcome(KIND, PASS, 1.0, message=f"首页可进入信息公开：「{e.get('text') or e['url']}」",
                        evidence=ev, deduct=ok_deduct, details=details)

"""`search_function`: the portal has a search box and a query for a known item title finds it.

Reads `Crawl.facts["search"]` {form_url, query, found}: absent → not_checked; no `form_url` → fail
(无站内搜索); found true → pass; found false → fail (检索不到已知条目) when `require_result`, else pass;
found null (the crawler could not submit or read the results) → needs_review.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from scoring.checks.common import crawl_stopped
from scoring.checks.registry import register
from scoring.outcome import CheckOutcome
from xxgk.store import FAIL, NEEDS_REVIEW, NOT_CHECKED, PASS

if TYPE_CHECKING:
    from scoring.context import SiteContext
    from scoring.schema import RubricItem

KIND = "search_function"


class SearchParams(BaseModel):
    """Parameters of `search_function`."""

    model_config = ConfigDict(extra="forbid")
    require_result: bool = True  # the known title must be found, not only a box shown
    deduct: float | None = Field(default=None, ge=0)  # points taken off when it fails


@register(KIND, params=SearchParams)
def check(ctx: SiteContext, item: RubricItem, params: SearchParams) -> CheckOutcome:
    """Judge the search function from the crawler's search probe (see module doc)."""
    stop = crawl_stopped(ctx, KIND)
    if stop is not None:
        return stop
    if "search" not in ctx.facts:
        return CheckOutcome(KIND, NOT_CHECKED, message="未检查搜索功能", reason="抓取未记录搜索检查结果（search）")
    s = ctx.facts.get("search") or {}
    details = {"form_url": s.get("form_url"), "query": s.get("query"), "found": s.get("found")}
    fail_deduct = params.deduct
    if not s.get("form_url"):
        return CheckOutcome(KIND, FAIL, message="未发现站内搜索功能", deduct=fail_deduct, details=details)
    ev = [{"url": s["form_url"], "label": "搜索"}]
    q = s.get("query")
    if s.get("found") is True:
        return CheckOutcome(KIND, PASS, 1.0, f"站内搜索可用：检索「{q}」找到该条目", evidence=ev,
                            deduct=0.0 if fail_deduct is not None else None, details=details)
    if s.get("found") is False:
        if params.require_result:
            return CheckOutcome(KIND, FAIL, message=f"站内搜索无效：检索已知条目「{q}」无结果", evidence=ev,
                                deduct=fail_deduct, details=details)
        return CheckOutcome(KIND, PASS, 1.0, "有站内搜索框（未要求检索结果）", evidence=ev,
                            deduct=0.0 if fail_deduct is not None else None, details=details)
    return CheckOutcome(KIND, NEEDS_REVIEW, message="有站内搜索框，但未能验证检索结果，需人工确认", evidence=ev,
                        details=details)

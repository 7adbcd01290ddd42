"""`home_updated`: 首页不更新 — the newest dated item on the home page is older than `max_age_days`.

Reads `Crawl.facts["home_newest_date"]` (ISO date; null when the home page shows no dated item) and
compares it with the audit date (`Run.config["as_of"]`, else the run's start date — never the wall
clock). Absent fact → not_checked; null → fail when `undated_is_stale` (2015 rule: 未注明信息发布时间的
视为不更新), else needs_review. Either fail becomes needs_review when a crawled item the home page links to
(`home_item_links`) carries a recent date: then the home page does show recent information, and what
failed may be our reading of its dates.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from scoring.checks.common import crawl_stopped, parse_date
from scoring.checks.registry import register
from scoring.outcome import CheckOutcome
from xxgk.store import FAIL, NEEDS_REVIEW, NOT_CHECKED, PASS

if TYPE_CHECKING:
    from scoring.context import SiteContext
    from scoring.schema import RubricItem

KIND = "home_updated"


class HomeUpdatedParams(BaseModel):
    """Parameters of `home_updated`."""

    model_config = ConfigDict(extra="forbid")
    max_age_days: int = Field(default=14, ge=0)  # 监测2周，首页无信息更新的
    undated_is_stale: bool = True


@register(KIND, params=HomeUpdatedParams)
def check(ctx: SiteContext, item: RubricItem, params: HomeUpdatedParams) -> CheckOutcome:
    """Fail when the home page has no item newer than `max_age_days` before the audit date."""
    stop = crawl_stopped(ctx, KIND)
    if stop is not None:
        return stop
    home = [{"url": ctx.site.url, "label": "首页"}]
    if "home_newest_date" not in ctx.facts:
        return CheckOutcome(KIND, NOT_CHECKED, message="未记录首页最新信息日期，未能检查",
                            reason="抓取未记录首页最新信息日期（home_newest_date）")
    raw = ctx.facts.get("home_newest_date")
    newest = parse_date(raw)
    details = {"home_newest_date": newest.isoformat() if newest else None, "as_of": ctx.as_of.isoformat(),
               "max_age_days": params.max_age_days}
    if newest is None:
        linked = _linked_newest(ctx)
        if linked is not None and (ctx.as_of - linked[0]).days <= params.max_age_days:
            # The home page links to recent information, but no date could be read beside its links:
            # either it prints none (未注明 → 不更新) or prints it in a way we did not read. Not a fail.
            details["linked_newest_date"] = linked[0].isoformat()
            return CheckOutcome(KIND, NEEDS_REVIEW, message=f"首页未读到发布时间，但首页链接的信息「{linked[1]}」"
                                f"发布于 {linked[0].isoformat()}，需人工确认首页是否注明时间",
                                evidence=home + [{"url": linked[2], "label": linked[1]}], details=details)
        if params.undated_is_stale:
            return CheckOutcome(KIND, FAIL, message="首页信息未注明发布时间，视为不更新", evidence=home,
                                details=details)
        return CheckOutcome(KIND, NEEDS_REVIEW, message="首页未读到发布时间，需人工确认", evidence=home,
                            details=details)
    age = (ctx.as_of - newest).days
    if age > params.max_age_days:
        linked = _linked_newest(ctx)
        if linked is not None and linked[0] > newest and (ctx.as_of - linked[0]).days <= params.max_age_days:
            # A linked item is newer than any date read on the home page: a newer row was not read.
            details["linked_newest_date"] = linked[0].isoformat()
            return CheckOutcome(KIND, NEEDS_REVIEW, message=f"首页读到的最新日期为 {newest.isoformat()}，但首页链接的"
                                f"信息「{linked[1]}」发布于 {linked[0].isoformat()}，需人工确认",
                                evidence=home + [{"url": linked[2], "label": linked[1]}], details=details)
    details["age_days"] = age
    if age > params.max_age_days:
        return CheckOutcome(KIND, FAIL, message=f"首页不更新：最新信息发布于 {newest.isoformat()}，"
                            f"距检查日 {age} 天（超过 {params.max_age_days} 天）", evidence=home, details=details)
    return CheckOutcome(KIND, PASS, 1.0, message=f"首页 {age} 天内有更新（最新 {newest.isoformat()}）",
                        evidence=home, details=details)


def _linked_newest(ctx: SiteContext) -> tuple[dt.date, str, str] | None:
    """(date, title, url) of the newest crawled item the home page links to, if any has a date."""
    links = set(ctx.facts.get("home_item_links") or ())
    if not links:
        return None
    dated = [(it.published or it.article_date, it.title, it.url) for it in ctx.items
             if it.url in links and (it.published or it.article_date) and (it.published or it.article_date) <= ctx.as_of]
    return max(dated, default=None)

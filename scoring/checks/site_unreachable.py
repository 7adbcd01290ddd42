"""`site_unreachable`: 站点无法访问 — the site could not be read (single-veto item of the inspection).

Decision:
- `Crawl.facts["availability"]` {attempts, failures} (repeated monitoring, when the crawler or a
  monitor recorded it) → fail when failures / attempts ≥ `max_failure_ratio` (official: 5% of ≥20
  daily visits over 1 week, a visit failing after 15 s), else pass;
- otherwise the crawl status: failed → fail (one observation: the message says so); done → pass
  (reachable during this crawl); pending / running → not_checked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from scoring.checks.registry import register
from scoring.outcome import CheckOutcome
from xxgk.store import CRAWL_DONE, CRAWL_FAILED, FAIL, NOT_CHECKED, PASS
from xxgk.store.lifecycle import CUT_SHORT

if TYPE_CHECKING:
    from scoring.context import SiteContext
    from scoring.schema import RubricItem

KIND = "site_unreachable"


class SiteUnreachableParams(BaseModel):
    """Parameters of `site_unreachable`."""

    model_config = ConfigDict(extra="forbid")
    max_failure_ratio: float = Field(default=0.05, ge=0, le=1)  # 超过（含）5% → 无法访问
    timeout_seconds: float = Field(default=15, gt=0)  # a visit slower than this is a failure (monitoring)


@register(KIND, params=SiteUnreachableParams)
def check(ctx: SiteContext, item: RubricItem, params: SiteUnreachableParams) -> CheckOutcome:
    """Fail when the site could not be read (see module doc)."""
    crawl = ctx.crawl
    avail = ctx.facts.get("availability")
    details = {"crawl_status": crawl.status, "error": crawl.error, "availability": avail,
               "max_failure_ratio": params.max_failure_ratio}
    if crawl.status == CRAWL_FAILED and crawl.stop_reason in CUT_SHORT:
        # cut short by us (Ctrl-C, a killed worker): nothing is known of the site, least of all that it is down
        return CheckOutcome(KIND, NOT_CHECKED, message="站点抓取中途停止，未能检查",
                            reason=f"抓取未完成（{crawl.error or crawl.stop_reason}）", details=details)
    if isinstance(avail, dict) and avail.get("attempts"):
        ratio = float(avail.get("failures") or 0) / float(avail["attempts"])
        details["failure_ratio"] = round(ratio, 4)
        if ratio >= params.max_failure_ratio:
            return CheckOutcome(KIND, FAIL, message=f"站点无法访问：{avail['attempts']} 次访问中 "
                                f"{avail.get('failures')} 次失败（{ratio:.1%}，阈值 {params.max_failure_ratio:.0%}）",
                                details=details)
        return CheckOutcome(KIND, PASS, 1.0, message=f"站点可访问：失败率 {ratio:.1%}", details=details)
    if crawl.status == CRAWL_FAILED:
        why = crawl.error or crawl.stop_reason or "无响应"
        return CheckOutcome(KIND, FAIL, message=f"站点无法访问（本次抓取失败：{why}；单次观测）",
                            evidence=[{"url": ctx.site.url, "label": "站点首页"}], details=details)
    if crawl.status == CRAWL_DONE:
        return CheckOutcome(KIND, PASS, 1.0, message="站点可访问（本次抓取成功）", details=details)
    return CheckOutcome(KIND, NOT_CHECKED, message="站点尚未完成抓取，未能检查",
                        reason=f"抓取状态为 {crawl.status}", details=details)

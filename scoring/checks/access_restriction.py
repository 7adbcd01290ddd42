"""`access_restriction`: disclosure content behind a login, an IP range or an identity check.

Restricted columns (`Column.status == "restricted"`, reason in `status_detail`) and pages
(`Page.restricted`) → fail, listing each with its reason (信息公开 must be open to the public);
none → pass. `deduct_per` prices each restricted column or page for deduction rubrics.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from scoring.checks.common import col_label, crawl_stopped
from scoring.checks.registry import register
from scoring.outcome import CheckOutcome
from xxgk.store import FAIL, PASS

if TYPE_CHECKING:
    from scoring.context import SiteContext
    from scoring.schema import RubricItem

KIND = "access_restriction"


class AccessRestrictionParams(BaseModel):
    """Parameters of `access_restriction`."""

    model_config = ConfigDict(extra="forbid")
    deduct_per: float | None = Field(default=None, ge=0)


@register(KIND, params=AccessRestrictionParams)
def check(ctx: SiteContext, item: RubricItem, params: AccessRestrictionParams) -> CheckOutcome:
    """Fail on any restricted column or page (see module doc)."""
    stop = crawl_stopped(ctx, KIND)
    if stop is not None:
        return stop
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    for c in ctx.columns:
        if c.status == "restricted":
            rows.append({"url": c.url, "name": col_label(c), "reason": c.status_detail or "访问受限"})
            seen.add(c.url or "")
    for p in ctx.pages:
        if p.restricted and p.url not in seen:
            rows.append({"url": p.url, "name": p.title or p.url, "reason": p.restricted})
            seen.add(p.url)
    deduct = round(len(rows) * params.deduct_per, 4) if params.deduct_per is not None else None
    details = {"restricted": rows, "count": len(rows)}
    if rows:
        listing = "；".join(f"{r['name']}（{r['reason']}）" for r in rows[:10])
        return CheckOutcome(KIND, FAIL, 0.0, f"访问受限 {len(rows)} 处：{listing}",
                            evidence=[{"url": r["url"], "label": f"访问受限：{r['reason']}"} for r in rows if r["url"]],
                            deduct=deduct, details=details)
    return CheckOutcome(KIND, PASS, 1.0, "未发现登录、IP 范围等访问限制", deduct=deduct, details=details)

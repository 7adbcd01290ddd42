"""`blank_columns`: 空白栏目 across the whole site — on-site leaf columns with no item and no text.

Counts readable (status ok) leaf columns that `SiteContext.is_blank`; unreadable ones are unknown.
Verdict (`count_verdict`): `threshold` (≥5 → 栏目不更新 single veto), `deduct_per` blank column, or fail
on any. (`blank_column`, singular, judges one rubric item's own matched columns.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from scoring.checks.common import READABLE, col_label, count_verdict, crawl_not_checked, leaf_columns
from scoring.checks.registry import register
from scoring.outcome import CheckOutcome

if TYPE_CHECKING:
    from scoring.context import SiteContext
    from scoring.schema import RubricItem

KIND = "blank_columns"


class BlankColumnsParams(BaseModel):
    """Parameters of `blank_columns`."""

    model_config = ConfigDict(extra="forbid")
    threshold: int | None = Field(default=None, ge=1)
    deduct_per: float | None = Field(default=None, ge=0)


@register(KIND, params=BlankColumnsParams)
def check(ctx: SiteContext, item: RubricItem, params: BlankColumnsParams) -> CheckOutcome:
    """Count blank columns on the site (see module doc)."""
    stop = crawl_not_checked(ctx, KIND)
    if stop is not None:
        return stop
    leaves = leaf_columns(ctx)
    blank = [c for c in leaves if c.status == "ok" and ctx.is_blank(c)]
    unknown = sum(1 for c in leaves if c.status not in READABLE)
    listing = "、".join(f"「{c.name}」" for c in blank[:10]) + ("等" if len(blank) > 10 else "")
    return count_verdict(KIND, "空白栏目", len(blank), unknown=unknown, threshold=params.threshold,
                         deduct_per=params.deduct_per, listing=listing,
                         evidence=[{"url": c.url, "label": f"空白栏目：{col_label(c)}"} for c in blank if c.url],
                         details={"columns": [{"name": c.name, "path": col_label(c), "url": c.url} for c in blank]})

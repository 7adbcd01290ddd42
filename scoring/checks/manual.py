"""`manual`: an item automation cannot judge (安全、泄密事故; 留言回应时效; 办事指南要素).

Always `not_checked` (default) or `needs_review`, with the rubric's reason — never a guessed pass or
fail. not_checked leaves the item out of the denominator; needs_review shows it to a human.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field

from scoring.checks.registry import register
from scoring.outcome import CheckOutcome
from xxgk.store import NEEDS_REVIEW, NOT_CHECKED

if TYPE_CHECKING:
    from scoring.context import SiteContext
    from scoring.schema import RubricItem

KIND = "manual"


class ManualParams(BaseModel):
    """Parameters of `manual`."""

    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=1)  # why it cannot be automated / what a human must look at
    status: Literal["not_checked", "needs_review"] = "not_checked"


@register(KIND, params=ManualParams)
def check(ctx: SiteContext, item: RubricItem, params: ManualParams) -> CheckOutcome:
    """Report the item as not automatically checkable, with the rubric's reason."""
    status = NOT_CHECKED if params.status == "not_checked" else NEEDS_REVIEW
    return CheckOutcome(KIND, status, message=f"需人工检查：{params.reason}", reason=params.reason)

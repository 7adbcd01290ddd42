"""`blank_column`: the item's matched columns exist but hold nothing (空白栏目)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scoring.checks.common import INCOMPLETE, READABLE
from scoring.checks.registry import NoParams, register
from scoring.outcome import CheckOutcome
from xxgk.store import FAIL, NOT_CHECKED, PASS

if TYPE_CHECKING:
    from scoring.context import SiteContext
    from scoring.schema import RubricItem

KIND = "blank_column"


def blank_message(names: list[str]) -> str:
    """The Chinese message for blank columns."""
    return "空白栏目：" + "、".join(f"「{n}」" for n in names) + " 无任何信息条目或正文内容"


@register(KIND, params=NoParams)
def check(ctx: SiteContext, item: RubricItem, params: NoParams) -> CheckOutcome:
    """Fail when every confidently matched, readable on-site column is blank; pass when one is not.

    With no confident match there is nothing to judge (presence reports that), so the result is
    `not_checked`, which never outweighs another check's verdict.
    """
    cols = [ctx.column_by_id[m.column_id] for m in ctx.column_matches.get(item.id, [])
            if m.confident and m.column_id is not None]
    readable = [c for c in cols if c.status in READABLE and not c.offsite]
    if not readable:
        return CheckOutcome(KIND, NOT_CHECKED, message="无可读取的对应栏目", reason="无可读取的对应栏目")
    full = [c for c in readable if not ctx.is_blank(c)]
    if full:
        return CheckOutcome(KIND, PASS, 1.0, message="栏目有内容",
                            evidence=[{"url": c.url, "label": c.name} for c in full if c.url])
    partial = [c for c in readable if c.status == INCOMPLETE]
    if partial:
        detail = partial[0].status_detail or "部分列表页无法打开"
        return CheckOutcome(KIND, NOT_CHECKED, message=f"栏目「{partial[0].name}」部分列表页无法打开，未能确认是否空白",
                            reason=detail, evidence=[{"url": c.url, "label": c.name} for c in partial if c.url])
    return CheckOutcome(KIND, FAIL, 0.0, message=blank_message([c.name for c in readable]),
                        evidence=[{"url": c.url, "label": f"空白栏目：{c.name}"} for c in readable if c.url])

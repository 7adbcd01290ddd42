"""`monthly_volume`: items published per unit per month — 空白月, consecutive blank months, quota.

Units (`unit_source`): the unit of the item's column (`Column.unit`, or an ancestor's; or, under a
group named in `unit_groups` such as 部门信息公开 / 乡镇信息公开, the unit that child column stands for)
and/or the item's own `Item.unit` (发布机构) — `both` prefers the column's — plus `units` listed in the
params and every column unit seen (so a unit that published nothing still appears). Each item counts once per unit (by URL), in the month of its date (`published`, else
`article_date`). The period is the `months` complete calendar months before the audit date's month
(`include_current_month` adds the running month); the table covers `history_months` months ending
with the period, and consecutive blank months are counted back from the period's last month.
A unit fails when, in any period month, it published nothing (`measure: blank`), fewer than `quota`
items (`measure: quota`), or either (`both`). Verdict: pass when every unit is ok, fail when none is,
partial otherwise (credit = ok units / units); `deduct` = blank unit-months × `deduct_per_blank_month`
+ below-quota unit-months × `deduct_per_below_quota` when those are set. No unit → not_checked.
The per-unit table is in `details` (shape in docs/rubric-format.md).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from scoring.checks.common import crawl_not_checked, unsure_columns
from scoring.checks.registry import register
from scoring.context import UNIT_GROUPS
from scoring.outcome import CheckOutcome
from xxgk.store import FAIL, NOT_CHECKED, PARTIAL, PASS

if TYPE_CHECKING:
    from scoring.context import SiteContext
    from scoring.schema import RubricItem

KIND = "monthly_volume"


class MonthlyVolumeParams(BaseModel):
    """Parameters of `monthly_volume`."""

    model_config = ConfigDict(extra="forbid")
    quota: int = Field(default=1, ge=0)  # items a unit must publish per month (local practice)
    months: int = Field(default=1, ge=1)  # months judged
    history_months: int = Field(default=12, ge=1)  # months shown / scanned for consecutive blanks
    include_current_month: bool = False
    measure: Literal["blank", "quota", "both"] = "both"
    units: list[str] = Field(default_factory=list)  # expected units (others are found in the crawl)
    unit_source: Literal["column", "item", "both"] = "both"  # both: the column's unit, else the item's 发布机构
    unit_groups: list[str] = Field(default_factory=lambda: list(UNIT_GROUPS))  # groups holding unit columns
    deduct_per_blank_month: float | None = Field(default=None, ge=0)
    deduct_per_below_quota: float | None = Field(default=None, ge=0)


def month_key(d: dt.date) -> str:
    return f"{d.year:04d}-{d.month:02d}"


def _shift(year: int, month: int, back: int) -> tuple[int, int]:
    idx = year * 12 + (month - 1) - back
    return idx // 12, idx % 12 + 1


def period_months(as_of: dt.date, months: int, history: int, include_current: bool) -> tuple[list[str], list[str]]:
    """(period months, history months), oldest first, as "YYYY-MM"."""
    y, m = (as_of.year, as_of.month) if include_current else _shift(as_of.year, as_of.month, 1)
    span = max(months, history)
    hist = [f"{yy:04d}-{mm:02d}" for yy, mm in (_shift(y, m, k) for k in range(span - 1, -1, -1))]
    return hist[-months:], hist


@register(KIND, params=MonthlyVolumeParams)
def check(ctx: SiteContext, item: RubricItem, params: MonthlyVolumeParams) -> CheckOutcome:
    """Build the per-unit monthly table and judge the period (see module doc)."""
    stop = crawl_not_checked(ctx, KIND)
    if stop is not None:
        return stop
    period, hist = period_months(ctx.as_of, params.months, params.history_months, params.include_current_month)
    units: dict[str, dict[str, set[str]]] = {u: {} for u in params.units}
    groups = tuple(params.unit_groups)
    unsure: dict[str, list[str]] = {}  # unit → its columns whose items are not all known
    # a lost list page or our own limits (not_fetched) may hide a unit's items; a restricted or dead
    # (4xx) column is the site's own doing and counts as published nothing
    unsure_ids = {c.id for c in unsure_columns(ctx, unread_only=True)}
    unsure_ids |= {c.id for c in unsure_columns(ctx) if c.status == "not_fetched"}
    for c in ctx.columns:
        u = ctx.unit_of_column(c, groups)
        if u and params.unit_source != "item":
            units.setdefault(u, {})
        if u and c.id in unsure_ids:
            unsure.setdefault(u, []).append(f"{c.path or c.name}：{c.status_detail or c.status}")
    undated = 0
    for it in ctx.items:
        col = ctx.column_by_id.get(it.column_id)
        col_unit = ctx.unit_of_column(col, groups) if col is not None else None
        unit = {"column": col_unit, "item": it.unit, "both": col_unit or it.unit}[params.unit_source]
        if not unit:
            continue
        per = units.setdefault(unit, {})
        date = it.published or it.article_date
        if date is None:
            undated += 1
            continue
        per.setdefault(month_key(date), set()).add(it.url)
    if not units:
        return CheckOutcome(KIND, NOT_CHECKED, message="未识别出发布单位，未能统计月度发布量",
                            reason="栏目和条目均未标注发布单位（unit）")
    rows: list[dict[str, Any]] = []
    blank_n = below_n = 0
    for unit in sorted(units):
        counts = {m: len(units[unit].get(m, ())) for m in hist}
        blank = [m for m in period if counts[m] == 0]
        below = [m for m in period if counts[m] < params.quota]
        consecutive = 0
        for m in reversed(hist):
            if counts[m]:
                break
            consecutive += 1
        bad = {"blank": blank, "quota": below, "both": sorted(set(blank) | set(below))}[params.measure]
        if bad and unit in unsure:
            # Short of the quota, but some of its columns were not read in full: not judged.
            rows.append({"unit": unit, "counts": counts, "total": sum(counts[m] for m in period),
                         "blank_months": [], "consecutive_blank_months": 0, "below_quota_months": [],
                         "ok": None, "unknown": unsure[unit][:3]})
            continue
        blank_n += len(blank)
        below_n += len([m for m in below if m not in blank]) if params.measure != "quota" else len(below)
        rows.append({"unit": unit, "counts": counts, "total": sum(counts[m] for m in period),
                     "blank_months": blank, "consecutive_blank_months": consecutive,
                     "below_quota_months": below, "ok": not bad})
    unknown = [r for r in rows if r["ok"] is None]
    rows = [r for r in rows if r["ok"] is not None]
    if not rows:
        why = "；".join(w for r in unknown for w in r["unknown"])[:300]
        return CheckOutcome(KIND, NOT_CHECKED, message="各单位栏目未能完整读取，未能统计月度发布量",
                            reason=f"栏目未完整读取：{why}")
    ok = [r for r in rows if r["ok"]]
    details: dict[str, Any] = {
        "as_of": ctx.as_of.isoformat(), "period": period, "months": hist, "quota": params.quota,
        "measure": params.measure, "units": rows, "undated_items": undated,
        "unknown_units": [{"unit": r["unit"], "columns": r["unknown"]} for r in unknown],
        "blank_units": [r["unit"] for r in rows if r["blank_months"]],
        "below_quota_units": [r["unit"] for r in rows if r["below_quota_months"]],
    }
    deduct = None
    if params.deduct_per_blank_month is not None or params.deduct_per_below_quota is not None:
        deduct = round(blank_n * (params.deduct_per_blank_month or 0.0)
                       + below_n * (params.deduct_per_below_quota or 0.0), 4)
    span = period[0] if len(period) == 1 else f"{period[0]}至{period[-1]}"
    skipped = f"（另有 {len(unknown)} 个单位的栏目未完整读取，未判断）" if unknown else ""
    if len(ok) == len(rows):
        return CheckOutcome(KIND, PASS, 1.0,
                            f"{span}：{len(rows)} 个单位均达到要求（每月≥{params.quota} 条）{skipped}",
                            deduct=deduct, details=details)
    bad_rows = [r for r in rows if not r["ok"]]
    parts = []
    if details["blank_units"]:
        parts.append("空白月：" + "、".join(
            f"{r['unit']}（连续{r['consecutive_blank_months']}个月）" if r["consecutive_blank_months"] > 1
            else r["unit"] for r in rows if r["blank_months"]))
    low = [r for r in rows if r["below_quota_months"] and not r["blank_months"]]
    if low and params.measure != "blank":
        parts.append(f"低于每月{params.quota}条：" + "、".join(f"{r['unit']}（{r['total']}条）" for r in low))
    status = FAIL if not ok else PARTIAL
    return CheckOutcome(KIND, status, round(len(ok) / len(rows), 4),
                        f"{span}：{len(bad_rows)}/{len(rows)} 个单位未达要求；" + "；".join(parts) + skipped,
                        deduct=deduct, details=details)

"""`column_freshness`: columns not updated within the period their type allows (栏目不更新).

Column types are parameters: each has name terms (a column's name containing one is of that type),
a `max_age_days` (2 weeks for 动态/要闻, 6 months for 通知公告/政策文件, 1 year for 人事/规划计划 —
the last unconfirmed in the source), and optionally `max_depth` (通知公告、政策文件类**一级**栏目 → 1).
A column is stale when its newest item is older than its period before the audit date; a column
whose items carry no date is stale when `undated_is_stale` (2015 rule). Blank columns are stale only
with `blank_is_stale` (the `blank_columns` kind counts them too); restricted / unfetched columns are
unknown. `unit_columns: true` puts every column of a publishing unit in the type (应更新的单位栏目).
Verdict (`count_verdict`): `threshold` (e.g. ≥5 → single veto), `deduct_per` per stale column
(per type `deduct` overrides), or fail on any.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from scoring.checks.common import (
    INCOMPLETE,
    READABLE,
    col_label,
    count_verdict,
    crawl_not_checked,
    leaf_columns,
    name_has,
)
from scoring.checks.registry import register
from scoring.context import UNIT_GROUPS
from scoring.outcome import CheckOutcome

if TYPE_CHECKING:
    from scoring.context import SiteContext
    from scoring.schema import RubricItem
    from xxgk.store import Column

KIND = "column_freshness"


class ColumnType(BaseModel):
    """A class of column and how often it must be updated."""

    model_config = ConfigDict(extra="forbid")
    type: str = Field(min_length=1)  # dynamic | notice_policy | long_term | ...
    names: list[str] = Field(min_length=1)  # name terms (contained in the column name); "*" = any column
    exclude: list[str] = Field(default_factory=list)  # name terms that rule a column out
    max_age_days: int = Field(ge=0)
    max_depth: int | None = Field(default=None, ge=1)  # only columns this deep or shallower
    deduct: float | None = Field(default=None, ge=0)  # per stale column of this type
    unit_columns: bool = False  # also every column of a publishing unit (Column.unit, own or inherited)


class ColumnFreshnessParams(BaseModel):
    """Parameters of `column_freshness`."""

    model_config = ConfigDict(extra="forbid")
    types: list[ColumnType] = Field(min_length=1)
    threshold: int | None = Field(default=None, ge=1)  # stale columns ≥ threshold → fail
    deduct_per: float | None = Field(default=None, ge=0)  # per stale column (unless the type sets one)
    undated_is_stale: bool = True
    blank_is_stale: bool = False  # a blank column of the type has not been updated either
    unit_groups: list[str] = Field(default_factory=lambda: list(UNIT_GROUPS))  # for `unit_columns` types


def classify(col: Column, types: list[ColumnType], unit: str | None = None) -> ColumnType | None:
    """The first type whose name terms the column's name holds (and whose depth limit it meets)."""
    for t in types:
        named = "*" in t.names or name_has(col.name, t.names) or (t.unit_columns and bool(unit))
        if named and not name_has(col.name, t.exclude):
            if t.max_depth is None or (col.depth or 1) <= t.max_depth:
                return t
    return None


@register(KIND, params=ColumnFreshnessParams)
def check(ctx: SiteContext, item: RubricItem, params: ColumnFreshnessParams) -> CheckOutcome:
    """Count stale columns by type (see module doc)."""
    stop = crawl_not_checked(ctx, KIND)
    if stop is not None:
        return stop
    rows: list[dict[str, Any]] = []
    stale: list[tuple[Column, ColumnType]] = []
    unknown = 0
    for col in leaf_columns(ctx):
        t = classify(col, params.types, ctx.unit_of_column(col, tuple(params.unit_groups)))
        if t is None:
            continue
        row: dict[str, Any] = {"name": col.name, "path": col_label(col), "url": col.url, "type": t.type,
                               "max_age_days": t.max_age_days, "newest": None, "age_days": None, "state": ""}
        items = ctx.items_by_column.get(col.id, [])
        if col.status not in READABLE:
            row["state"] = "unknown"
            unknown += 1
        elif ctx.is_blank(col) and col.status == "ok":
            row["state"] = "stale" if params.blank_is_stale else "blank"
        else:
            dates = [d for d in (col.newest_date, *(i.published for i in items)) if d is not None]
            if dates:
                newest = max(dates)
                row["newest"], row["age_days"] = newest.isoformat(), (ctx.as_of - newest).days
                row["state"] = "stale" if row["age_days"] > t.max_age_days else "fresh"
            elif col.item_count or items:
                row["state"] = "stale" if params.undated_is_stale else "undated"
            else:
                row["state"] = "content"  # a single page: no date to judge by
        if row["state"] in ("stale", "undated") and col.status == INCOMPLETE:
            row["state"] = "unknown"  # a newer item may be on the list page that failed
            unknown += 1
        if row["state"] == "stale":
            stale.append((col, t))
        rows.append(row)
    deduct_per = None
    if params.deduct_per is not None or any(t.deduct is not None for t in params.types):
        total = sum(t.deduct if t.deduct is not None else (params.deduct_per or 0.0) for _c, t in stale)
        deduct_per = total / len(stale) if stale else (params.deduct_per or 0.0)
    listing = "、".join(f"「{c.name}」" for c, _t in stale[:10]) + ("等" if len(stale) > 10 else "")
    out = count_verdict(KIND, "未按期更新的栏目", len(stale), unknown=unknown, threshold=params.threshold,
                        deduct_per=deduct_per, listing=listing,
                        evidence=[{"url": c.url, "label": f"未更新栏目：{col_label(c)}"} for c, _t in stale if c.url],
                        details={"as_of": ctx.as_of.isoformat(), "columns": rows,
                                 "types": {t.type: t.max_age_days for t in params.types},
                                 "stale_by_type": {t.type: sum(1 for _c, x in stale if x.type == t.type)
                                                   for t in params.types}})
    return out

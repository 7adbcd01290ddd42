"""`machine_readable`: content published only as images or only as downloads.

An article counts when `Item.image_only` (body only images / a scanned file), when its body text is
shorter than `min_body_chars` while it carries attachments (download-only), or when every attachment
is scanned (`attachments[].scanned`). Pages with `Page.image_only` count too. `scope: item` limits
the check to the rubric item's matched columns (e.g. the annual report); `site` looks at every item.
Verdict: fail when the count ≥ `threshold` (default 1), else pass; `deduct_per` prices each one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from scoring.checks.common import crawl_not_checked
from scoring.checks.registry import register
from scoring.outcome import CheckOutcome
from xxgk.store import FAIL, PASS

if TYPE_CHECKING:
    from scoring.context import SiteContext
    from scoring.schema import RubricItem
    from xxgk.store import Item

KIND = "machine_readable"


class MachineReadableParams(BaseModel):
    """Parameters of `machine_readable`."""

    model_config = ConfigDict(extra="forbid")
    scope: Literal["site", "item"] = "site"
    min_body_chars: int = Field(default=20, ge=0)
    download_only_fails: bool = True
    threshold: int = Field(default=1, ge=1)
    deduct_per: float | None = Field(default=None, ge=0)


def problem(it: Item, params: MachineReadableParams) -> str | None:
    """image_only | download_only | scanned_attachment, or None when the item is machine-readable."""
    if it.image_only:
        return "image_only"
    atts = [a for a in (it.attachments or []) if isinstance(a, dict)]
    if atts and all(a.get("scanned") for a in atts) and (it.body_chars or 0) < params.min_body_chars:
        return "scanned_attachment"
    if params.download_only_fails and atts and it.body_chars is not None and it.body_chars < params.min_body_chars:
        return "download_only"
    return None


_LABEL = {"image_only": "正文仅为图片", "download_only": "仅提供附件下载", "scanned_attachment": "附件为扫描件",
          "page_image_only": "页面内容仅为图片"}


@register(KIND, params=MachineReadableParams)
def check(ctx: SiteContext, item: RubricItem, params: MachineReadableParams) -> CheckOutcome:
    """Count image-only and download-only content (see module doc)."""
    stop = crawl_not_checked(ctx, KIND)
    if stop is not None:
        return stop
    items = ctx.items
    if params.scope == "item":
        cols = {m.column_id for m in ctx.column_matches.get(item.id, []) if m.confident}
        items = [i for i in items if i.column_id in cols]
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    for it in items:
        p = problem(it, params)
        if p and it.url not in seen:
            rows.append({"title": it.title, "url": it.url, "problem": p})
            seen.add(it.url)
    if params.scope == "site":
        for pg in ctx.pages:
            if pg.image_only and pg.url not in seen:
                rows.append({"title": pg.title or pg.url, "url": pg.url, "problem": "page_image_only"})
                seen.add(pg.url)
    deduct = round(len(rows) * params.deduct_per, 4) if params.deduct_per is not None else None
    by = {k: sum(1 for r in rows if r["problem"] == k) for k in _LABEL}
    details = {"items": rows, "count": len(rows), "by_problem": by, "checked": len(items)}
    ev = [{"url": r["url"], "label": f"{_LABEL[r['problem']]}：{r['title']}"} for r in rows[:20]]
    if len(rows) >= params.threshold:
        summary = "，".join(f"{_LABEL[k]} {v} 条" for k, v in by.items() if v)
        return CheckOutcome(KIND, FAIL, 0.0, f"内容不可机读：{summary}", evidence=ev, deduct=deduct, details=details)
    return CheckOutcome(KIND, PASS, 1.0, f"检查 {len(items)} 条信息" + (f"，{len(rows)} 条不可机读（未达阈值）"
                        if rows else "，均可机读"), evidence=ev, deduct=deduct, details=details)

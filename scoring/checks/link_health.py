"""`link_health`: broken (错链/断链) and empty (空链接) links on crawled pages, with deductions.

Reads `Link` rows (kind ok | broken | empty; `offsite`). Off-site targets count only with
`include_offsite`. `count_by: target` counts each distinct target URL once (however many pages link
to it); `link` counts every link. No Link rows at all → not_checked (links were not checked).
Evidence is grouped by root cause whatever `count_by`: one entry per bad target URL, with the number
of pages it appears on and a sample of them (`details.targets`).
Verdict: `deduct` = broken × `deduct_per_broken` + empty × `deduct_per_empty` (the engine caps it at
the item's points); status fail when any (or when the total ≥ `threshold`), else pass.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from scoring.checks.common import crawl_stopped
from scoring.checks.registry import register
from scoring.outcome import CheckOutcome
from xxgk.store import FAIL, NOT_CHECKED, PASS

if TYPE_CHECKING:
    from scoring.context import SiteContext
    from scoring.schema import RubricItem
    from xxgk.store import Link

KIND = "link_health"


class LinkHealthParams(BaseModel):
    """Parameters of `link_health`."""

    model_config = ConfigDict(extra="forbid")
    deduct_per_broken: float = Field(default=1.0, ge=0)
    deduct_per_empty: float = Field(default=1.0, ge=0)
    include_offsite: bool = False
    count_by: Literal["target", "link"] = "target"
    threshold: int | None = Field(default=None, ge=1)  # fail only from this many bad links


SAMPLE_PAGES = 5  # pages named per broken target; the count says how many there are in all
MAX_TARGETS = 20  # distinct bad targets listed as evidence


def by_target(links: list[Link]) -> list[dict[str, Any]]:
    """Bad links grouped by root cause: one row per target URL with the number of pages linking to it
    and a sample of them, most widespread first (a shared-template link is one row, not hundreds)."""
    groups: dict[str, dict[str, Any]] = {}
    for lk in links:
        g = groups.setdefault(lk.to_url, {"url": lk.to_url, "text": lk.text, "status": lk.status, "error": lk.error,
                                          "offsite": lk.offsite, "kind": lk.kind, "links": 0, "pages": []})
        g["links"] += 1
        if lk.from_url not in g["pages"]:
            g["pages"].append(lk.from_url)
    out = sorted(groups.values(), key=lambda g: -len(g["pages"]))
    for g in out:
        g["page_count"] = len(g["pages"])
        g["pages"] = g["pages"][:SAMPLE_PAGES]
    return out


def _label(g: dict[str, Any]) -> str:
    what = "错链" if g["kind"] == "broken" else "空链接"
    where = f"，出现在 {g['page_count']} 个页面" if g["page_count"] > 1 else ""
    shared = "（疑为公共模板链接）" if g["page_count"] >= 10 else ""
    return f"{what}：{g['text'] or g['url']} → {g['url']}{where}{shared}"


def _rows(links: list[Link], count_by: str) -> list[dict[str, Any]]:
    out: dict[Any, dict[str, Any]] = {}
    for lk in links:
        key = lk.to_url if count_by == "target" else lk.id
        out.setdefault(key, {"url": lk.to_url, "from": lk.from_url, "text": lk.text, "status": lk.status,
                             "error": lk.error, "offsite": lk.offsite})
    return list(out.values())


@register(KIND, params=LinkHealthParams)
def check(ctx: SiteContext, item: RubricItem, params: LinkHealthParams) -> CheckOutcome:
    """Count broken and empty links and price them (see module doc)."""
    stop = crawl_stopped(ctx, KIND)
    if stop is not None:
        return stop
    links = [lk for lk in ctx.links if params.include_offsite or not lk.offsite]
    if not ctx.links:
        return CheckOutcome(KIND, NOT_CHECKED, message="未记录链接检查结果，未能检查",
                            reason="抓取未记录链接（Link）检查结果")
    broken = _rows([lk for lk in links if lk.kind == "broken"], params.count_by)
    empty = _rows([lk for lk in links if lk.kind == "empty"], params.count_by)
    n = len(broken) + len(empty)
    deduct = round(len(broken) * params.deduct_per_broken + len(empty) * params.deduct_per_empty, 4)
    details = {"broken": broken, "empty": empty,
               "counts": {"broken": len(broken), "empty": len(empty), "checked": len(links)},
               "deduct_per_broken": params.deduct_per_broken, "deduct_per_empty": params.deduct_per_empty,
               "count_by": params.count_by}
    targets = by_target([lk for lk in links if lk.kind in ("broken", "empty")])
    details["targets"] = targets
    # one evidence entry per root cause: the first page showing the target, labelled with its reach
    evidence = [{"url": g["pages"][0], "label": _label(g)} for g in targets[:MAX_TARGETS]]
    failing = n >= params.threshold if params.threshold is not None else n > 0
    if failing:
        shared = [g for g in targets if g["page_count"] > 1]
        msg = f"不能正常访问的链接 {len(broken)} 个，空链接 {len(empty)} 个"
        if count_by_link := params.count_by == "link":
            msg += f"，涉及 {len(targets)} 个不同的链接地址"
        if shared and count_by_link:
            top = shared[0]
            msg += f"（其中 {top['url']} 出现在 {top['page_count']} 个页面）"
        return CheckOutcome(KIND, FAIL, 0.0, msg, evidence=evidence, deduct=deduct, details=details)
    msg = f"检查链接 {len(links)} 个" + (f"，问题链接 {n} 个（未达阈值 {params.threshold}）" if n else "，均可正常访问")
    return CheckOutcome(KIND, PASS, 1.0, msg, evidence=evidence, deduct=deduct, details=details)

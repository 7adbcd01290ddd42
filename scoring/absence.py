"""Evidence of absence: where the tool looked before calling an item missing.

A fail finding that says only "未公开" cannot be checked by the site's staff. Every fail gets
`details.absence`: the columns and pages searched (the disclosure portal first), the nearest
candidate columns with their match scores in plain Chinese, and the crawl's coverage figures. The
engine adds it (`add_absence`), so the site page, findings.csv (`absence` column) and the JSON all
show the same text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from xxgk.store import FAIL

if TYPE_CHECKING:
    from scoring.context import SiteContext
    from scoring.outcome import CheckOutcome
    from scoring.schema import RubricItem

# check kinds whose fail means "not found": the nearest columns help a reader; for the others
# (link health, freshness …) the failing evidence is already concrete and only coverage is added
MATCHING_KINDS = ("presence", "annual_report", "machine_readable")
SAMPLE_COLUMNS = 8
NEAREST = 3

MATCH_WORDS = {"exact": "名称一致", "alias": "与规定的别称一致", "title": "信息标题命中"}


def match_words(match: dict[str, Any]) -> str:
    """How a column or title matched a rubric item, in plain Chinese (never the matcher's jargon)."""
    how, score = match.get("how"), match.get("score")
    if how == "fuzzy":
        return f"名称相近，相似度 {float(score):.0f}%" if score is not None else "名称相近"
    return MATCH_WORDS.get(str(how), "匹配")


def _searched(ctx: SiteContext) -> dict[str, Any]:
    top = [c for c in ctx.columns if c.parent_id is None and not c.offsite]
    return {"portal": ctx.crawl.portal_url or ctx.crawl.start_url or ctx.site.url,
            "columns": len(ctx.columns), "items": len(ctx.items), "pages": int(ctx.crawl.pages or 0),
            "top_columns": [c.name for c in top[:SAMPLE_COLUMNS]], "more_top_columns": max(0, len(top) - SAMPLE_COLUMNS)}


def absence_of(ctx: SiteContext, item: RubricItem, kinds: list[str]) -> dict[str, Any]:
    """The `details.absence` of a fail finding: searched, nearest candidates, coverage, and one line."""
    searched = _searched(ctx)
    nearest: list[dict[str, Any]] = []
    if any(k in MATCHING_KINDS for k in kinds):
        for m in ctx.matcher.nearest(item, ctx.columns, NEAREST):
            entry = {"name": m.name, "path": m.path, "url": m.url, "score": m.score, "term": m.term,
                     "how": "exact" if m.score >= 100 else "fuzzy"}
            entry["words"] = match_words(entry)
            nearest.append(entry)
    cov = ctx.coverage
    figures = cov.figures()
    return {"searched": searched, "nearest": nearest, "coverage": cov.as_dict(), "coverage_text": figures,
            "text": absence_text(searched, nearest, figures)}


def absence_text(searched: dict[str, Any], nearest: list[dict[str, Any]], figures: str) -> str:
    """One Chinese line: what was searched, what came closest, how much of the site was seen."""
    cols = "、".join(searched["top_columns"]) + (f" 等 {searched['more_top_columns'] + len(searched['top_columns'])} 个"
                                               if searched["more_top_columns"] else "")
    # pages: the coverage figures below count them (fetched, classified), so they are not repeated here
    text = (f"已查找：{searched['portal']} 下的 {searched['columns']} 个栏目、{searched['items']} 条信息"
            + (f"（一级栏目：{cols}）" if cols else ""))
    if nearest:
        text += "；最接近的栏目：" + "、".join(f"{c['path']}（{c['words']}）" for c in nearest)
    elif searched["columns"]:
        text += "；没有名称相近的栏目"
    return text + f"；抓取覆盖：{figures}"


def add_absence(ctx: SiteContext, item: RubricItem, outcome: CheckOutcome) -> None:
    """Attach the evidence of absence to a fail outcome, and a link to the portal searched when the
    outcome has no evidence of its own (nothing found at all)."""
    if outcome.status != FAIL:
        return
    kinds = [k.split("#", 1)[0] for k in outcome.kind.split("+")]
    absence = absence_of(ctx, item, kinds)
    outcome.details["absence"] = absence
    portal = absence["searched"]["portal"]
    if portal and not outcome.evidence:
        outcome.evidence.append({"url": portal, "label": "已查找的信息公开专栏"})

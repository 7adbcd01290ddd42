"""An evaluation of one run: the parts of an evaluation file (rubrics or rubric sections) side by side.

Each part's score for a site is its points over its *judged* points × 100: items that are needs_review,
not_checked or not_applicable are left out of the denominator, so a part with nothing judged has no
score (shown as 待复核 or 未能检查, never as 0). A rubric's single veto makes every part taken from it 0
(the rubric itself calls the site 不合格). The combined total is the weighted mean of the parts that
have a score; a site gets a verdict and a rank only when every part has one, so an unknown never
turns into a fail or a place in the ranking. Sites with parts missing are listed after the ranked
ones, with what is missing.

Also: the average and pass count of the total and of each part, the top sites per part, the
lowest-rate items per part and the usability defects (reports/evaluation_usability.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from sqlalchemy.orm import Session

from reports.evaluation_file import Evaluation, Part
from reports.evaluation_usability import KINDS, SiteUsability, usability
from reports.method import METHOD_NAMES, method_facts
from reports.model import RunData, load_run
from reports.ranking import pass_words
from xxgk.errors import UserError
from xxgk.store import FAIL, NEEDS_REVIEW, NOT_APPLICABLE, NOT_CHECKED, PARTIAL, PASS

JUDGED = (PASS, PARTIAL, FAIL)
SCORED, REVIEW, UNCHECKED, VETOED = "scored", "needs_review", "not_checked", "vetoed"
STATE_LABELS = {SCORED: "已评分", REVIEW: "待复核", UNCHECKED: "未能检查", VETOED: "单项否决"}


@dataclass
class PartInfo:
    """A part as evaluated: its rubric as scored and where its items come from."""

    id: str
    name: str
    rubric_id: str
    rubric_title: str | None
    section: str | None
    section_name: str | None
    weight: float
    document: str | None
    fingerprint: str | None
    method: str


@dataclass
class EvaluationResult:
    """Everything the evaluation outputs show."""

    evaluation: Evaluation
    run_id: int
    parts: list[PartInfo]
    rows: list[dict[str, Any]]  # one per site, ranked ones first (see module doc)
    summary: dict[str, Any]
    part_summaries: dict[str, dict[str, Any]]
    top: dict[str, list[dict[str, Any]]]  # part id → best sites
    lowest: dict[str, list[dict[str, Any]]]  # part id → lowest-rate items
    usability: dict[int, SiteUsability]
    usability_summary: dict[str, dict[str, int]]
    method: dict[str, Any]
    notes: list[str] = field(default_factory=list)


def evaluate(session: Session, run_id: int, evaluation: Evaluation) -> EvaluationResult:
    """Combine the run's stored findings of every part's rubric (each must have been scored)."""
    data: dict[str, RunData] = {}
    for rid in dict.fromkeys(p.rubric for p in evaluation.parts):
        loaded = load_run(session, run_id, rid)
        if loaded.findings.empty:
            raise UserError(f"run {run_id} has no findings for rubric {rid}; score it first "
                            f"(`xxgk score {run_id} --rubric {rid}`)", field="RUN")
        data[rid] = loaded
    first = data[evaluation.parts[0].rubric]
    parts = [_part_info(p, data[p.rubric]) for p in evaluation.parts]
    scores = {p.id: _part_scores(p, data[p.rubric]) for p in evaluation.parts}
    rows = _rows(first.sites, evaluation, scores)
    found = usability(session, run_id, evaluation.usability.max_clicks)
    return EvaluationResult(
        evaluation=evaluation, run_id=run_id, parts=parts, rows=rows,
        summary=_summary(rows, evaluation.pass_mark),
        part_summaries={p.id: _part_summary(rows, p.id, evaluation.pass_mark) for p in evaluation.parts},
        top={p.id: top_sites(rows, p.id, evaluation.top) for p in evaluation.parts},
        lowest={p.id: lowest_items(_part_findings(p, data[p.rubric]), evaluation.lowest_items)
                for p in evaluation.parts},
        usability=found,
        usability_summary=_usability_summary(found),
        method=_method(session, evaluation, first, parts),
        notes=list(dict.fromkeys(n.page for d in data.values() for n in d.notes)))


def _part_info(part: Part, data: RunData) -> PartInfo:
    section_name = None
    if part.section is not None:
        section_name = next((s.get("name") for s in data.rubric.sections if s.get("id") == part.section), None)
        if section_name is None and not data.findings.empty:
            names = data.findings[data.findings.section_id == part.section].section_name
            section_name = str(names.iloc[0]) if len(names) else part.section
    return PartInfo(part.id, part.name, part.rubric, data.rubric.title, part.section, section_name, part.weight,
                    data.rubric.document, (data.rubric.fingerprint or "")[:16] or None,
                    METHOD_NAMES.get(data.method, data.method))


def _part_findings(part: Part, data: RunData) -> pd.DataFrame:
    f = data.findings
    return f[f.section_id == part.section] if part.section is not None else f


def _part_scores(part: Part, data: RunData) -> dict[int, dict[str, Any]]:
    """site id → {score, state, judged, review, unchecked} for one part."""
    findings = _part_findings(part, data)
    totals = data.scores[data.scores.section_id == "total"]
    vetoes = {int(s): v for s, v in zip(totals.site_id, totals.veto, strict=True) if isinstance(v, str) and v}
    out: dict[int, dict[str, Any]] = {}
    for site_id in data.sites.site_id:
        grp = findings[findings.site_id == site_id]
        judged = grp[grp.status.isin(JUDGED)]
        review = int((grp.status == NEEDS_REVIEW).sum())
        unchecked = int(grp.status.isin((NOT_CHECKED, NOT_APPLICABLE)).sum())
        max_points = float(judged.max_points.sum())
        if int(site_id) in vetoes:
            state, score = VETOED, 0.0
        elif max_points > 0:
            state, score = SCORED, round(float(judged.points.sum()) / max_points * 100, 2)
        else:
            state, score = (REVIEW if review else UNCHECKED), None
        out[int(site_id)] = {"score": score, "state": state, "judged": int(len(judged)), "review": review,
                             "unchecked": unchecked, "veto": vetoes.get(int(site_id))}
    return out


def _rows(sites: pd.DataFrame, evaluation: Evaluation, scores: dict[str, dict[int, dict[str, Any]]]
          ) -> list[dict[str, Any]]:
    ok_word, bad_word = pass_words("weighted")
    rows = []
    for site in sites.itertuples():
        sid = int(site.site_id)
        parts = {p.id: scores[p.id][sid] for p in evaluation.parts}
        have = [(p.weight, parts[p.id]["score"]) for p in evaluation.parts if parts[p.id]["score"] is not None]
        weight = sum(w for w, _ in have)
        total = round(sum(w * s for w, s in have) / weight, 2) if have else None
        complete = len(have) == len(evaluation.parts)
        if complete:
            verdict = ok_word if total is not None and total >= evaluation.pass_mark else bad_word
        else:
            verdict = "待复核" if any(p["state"] == REVIEW for p in parts.values()) else "未能评分"
        missing = [f"{p.name}（{STATE_LABELS[parts[p.id]['state']]}）" for p in evaluation.parts
                   if parts[p.id]["score"] is None]
        rows.append({"site_id": sid, "site_name": site.site_name, "site_url": site.site_url,
                     "crawl_status": site.crawl_status, "total": total, "complete": complete,
                     "parts_scored": len(have), "verdict": verdict, "missing": missing, "parts": parts,
                     "passed": bool(complete and total is not None and total >= evaluation.pass_mark)})
    ranked = sorted((r for r in rows if r["complete"]), key=lambda r: (-r["total"], r["site_name"]))
    rest = sorted((r for r in rows if not r["complete"]),
                  key=lambda r: (r["total"] is None, -(r["total"] or 0), r["site_name"]))
    _assign_ranks(ranked, lambda r: r["total"], "rank")
    for r in rest:
        r["rank"] = None
    return ranked + rest


def _assign_ranks(rows: list[dict[str, Any]], key: Any, name: str) -> None:
    """Competition ranks (ties share the better rank) over rows already sorted best first."""
    prev, rank = None, 0
    for i, r in enumerate(rows, start=1):
        value = key(r)
        if value != prev:
            rank, prev = i, value
        r[name] = rank


def _stats(values: list[float], pass_mark: float) -> dict[str, Any]:
    return {"scored": len(values), "average": round(sum(values) / len(values), 2) if values else None,
            "max": max(values) if values else None, "min": min(values) if values else None,
            "passed": sum(1 for v in values if v >= pass_mark)}


def _summary(rows: list[dict[str, Any]], pass_mark: float) -> dict[str, Any]:
    totals = [r["total"] for r in rows if r["complete"]]
    return {"sites": len(rows), **_stats(totals, pass_mark), "incomplete": sum(1 for r in rows if not r["complete"]),
            "pass_mark": pass_mark, "pass_word": pass_words("weighted")[0]}


def _part_summary(rows: list[dict[str, Any]], part_id: str, pass_mark: float) -> dict[str, Any]:
    parts = [r["parts"][part_id] for r in rows]
    values = [p["score"] for p in parts if p["score"] is not None]
    return {**_stats(values, pass_mark), "needs_review": sum(1 for p in parts if p["state"] == REVIEW),
            "not_checked": sum(1 for p in parts if p["state"] == UNCHECKED),
            "vetoed": sum(1 for p in parts if p["state"] == VETOED),
            "review_items": sum(p["review"] for p in parts)}


def top_sites(rows: list[dict[str, Any]], part_id: str, limit: int) -> list[dict[str, Any]]:
    """The best sites on one part (ties share a rank, so more than `limit` may be listed)."""
    scored = sorted((r for r in rows if r["parts"][part_id]["score"] is not None),
                    key=lambda r: (-r["parts"][part_id]["score"], r["site_name"]))
    out = [{"site_id": r["site_id"], "site_name": r["site_name"], "score": r["parts"][part_id]["score"]}
           for r in scored]
    _assign_ranks(out, lambda r: r["score"], "rank")
    return [r for r in out if r["rank"] <= limit]


def lowest_items(findings: pd.DataFrame, limit: int) -> list[dict[str, Any]]:
    """The items of a part with the lowest 得分率 (points over judged points, across sites), below 100%."""
    rows = []
    for (item_id, item_name), grp in findings.groupby(["item_id", "item_name"], sort=False):
        judged = grp[grp.status.isin(JUDGED)]
        max_points = float(judged.max_points.sum())
        if max_points <= 0:
            continue
        rate = round(float(judged.points.sum()) / max_points * 100, 2)
        if rate < 100:
            rows.append({"item_id": str(item_id), "item_name": item_name, "rate": rate, "judged": int(len(judged)),
                         "fails": int((judged.status == FAIL).sum()),
                         "needs_review": int((grp.status == NEEDS_REVIEW).sum())})
    return sorted(rows, key=lambda r: r["rate"])[:limit]  # stable: rubric order breaks ties


def _usability_summary(found: dict[int, SiteUsability]) -> dict[str, dict[str, int]]:
    checked = [u for u in found.values() if u.checked]
    return {k: {"sites": sum(1 for u in checked if u.count(k)), "count": sum(u.count(k) for u in checked)}
            for k in KINDS} | {"_": {"checked": len(checked), "not_checked": len(found) - len(checked),
                                     "search_unknown": sum(1 for u in checked if u.search == "unknown")}}


def _method(session: Session, evaluation: Evaluation, first: RunData, parts: list[PartInfo]) -> dict[str, Any]:
    """The 评估时点 box: the run's as-of date and crawl window, and each part's rubric as scored."""
    facts = method_facts(session, first)
    return {"as_of": facts["as_of"], "crawl_from": facts["crawl_from"], "crawl_to": facts["crawl_to"],
            "settings": facts["settings"], "mode": facts["mode"], "sites": facts["sites"],
            "evaluation": evaluation.id, "title": evaluation.title, "source": evaluation.source,
            "file": evaluation.path, "pass_mark": evaluation.pass_mark,
            "max_clicks": evaluation.usability.max_clicks,
            "rule": "各部分得分 = 已判定事项得分 ÷ 已判定事项分值 × 100；待复核、未能检查、不适用的事项不计入分母；"
                    "某部分无已判定事项时该部分显示为待复核或未能检查（不计 0 分），总分为有得分部分的加权平均，"
                    "所有部分均有得分的网站才给出结论和名次。",
            "parts": [{"id": p.id, "name": p.name, "rubric_id": p.rubric_id, "rubric_title": p.rubric_title,
                       "section": p.section, "section_name": p.section_name, "weight": p.weight,
                       "document": p.document, "fingerprint": p.fingerprint, "method": p.method} for p in parts]}

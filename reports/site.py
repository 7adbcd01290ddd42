"""Numbers and rows for one site's page: findings by section, evidence with archived copies, fix list."""

from __future__ import annotations

from typing import Any

import pandas as pd

from reports.fixes import fix_hint
from reports.model import RunData
from reports.ranking import Ranking, records

LOST_STATUSES = ("fail", "partial", "needs_review")


def by_site(data: RunData) -> dict[int, dict]:
    """Each site's scores as records, column counts and item count: one pass over the frames.

    A site's findings are not here: its page reads them with its batch of sites (`RunData.finding_reader`)."""
    out: dict[int, dict] = {int(sid): {"scores": [], "columns": 0, "blank": 0, "items": 0}
                            for sid in data.sites.site_id}
    for sc in records(data.scores):
        if int(sc["site_id"]) in out:
            out[int(sc["site_id"])]["scores"].append(sc)
    for sid, counts in data.site_counts.items():
        if int(sid) in out:
            out[int(sid)].update(columns=counts.columns, blank=counts.blank, items=counts.items)
    return out


def site_context(data: RunData, ranking: Ranking, site: Any, evidence: dict[tuple[int, str], dict] | None = None,
                 index: dict[int, dict] | None = None, rank_rows: dict[int, dict] | None = None) -> dict:
    """Template context for a site page; `evidence` maps (site_id, url) to snapshot/screenshot paths.

    `index` (from `by_site`) and `rank_rows` (ranking records by site id) avoid re-filtering per site.
    """
    site_id = int(site.site_id)
    evidence = evidence or {}
    own = (index or by_site(data)).get(site_id, {"scores": [], "columns": 0, "blank": 0, "items": 0})
    findings = data.finding_reader.for_site(site_id)
    if rank_rows is None:
        rank_rows = {int(r["site_id"]): r for r in records(ranking.table)}
    kind, name = getattr(site, "kind", None), str(getattr(site, "site_name", "") or "")
    views = [finding_view(f, site_id, evidence, site_kind=kind if isinstance(kind, str) else None, site_name=name)
             for f in findings]
    score_by = {sc["section_id"]: sc for sc in own["scores"]}
    sections = [{"id": sid, "name": name, "score": score_by.get(sid),
                 "findings": [v for v, f in zip(views, findings, strict=True) if f["section_id"] == sid]}
                for sid, name in ranking.sections]
    # veto items first (they decide 合格 alone), then by the points a fix recovers; stable: rubric order
    fixes = sorted(group_fixes([v for v in views if v["fix_status"] in LOST_STATUSES or v["veto"]]),
                   key=lambda v: (not v["veto"], -v["lost"]))
    return {
        "site": site, "rank": rank_rows.get(site_id),
        "sections": sections, "fixes": fixes, "recoverable": sum(v["lost"] for v in fixes),
        "vetoed_items": sum(1 for v in fixes if v["veto"]),
        "columns_total": own["columns"], "items_total": own["items"], "blank_columns": own["blank"],
        "mode": data.run.mode,
    }


def group_fixes(views: list[dict]) -> list[dict]:
    """One fix per root cause: findings whose fix is the same action (one missing annual report failing
    nine items, one link problem) become one row listing its items, with the points they recover together.

    A fix that names its item (e.g. 设立“…”栏目) stays one row per item; veto rows and items awaiting
    review (each its own question for a human) are never merged."""
    out: list[dict] = []
    by_fix: dict[tuple[str, str], dict] = {}
    for v in views:
        mergeable = bool(v["fix"]) and not v["veto"] and v["fix_status"] in ("fail", "partial")
        key = (v["fix"], v["fix_status"])
        row = by_fix.get(key) if mergeable else None
        if row is None:
            row = {**v, "items": [(v["item_id"], v["item_name"])]}
            out.append(row)
            if mergeable:
                by_fix[key] = row
            continue
        row["items"].append((v["item_id"], v["item_name"]))
        row["lost"] += v["lost"]
    return out


def finding_view(f: dict, site_id: int, evidence: dict[tuple[int, str], dict], *, site_kind: str | None = None,
                 site_name: str = "") -> dict:
    """A finding as the site template shows it, with each evidence URL's archived copy and screenshot."""
    ev = []
    for e in f.get("evidence_list") or []:
        if not isinstance(e, dict):
            continue
        url = e.get("url") or ""
        extra = evidence.get((site_id, url), {})
        ev.append({"url": url, "label": e.get("label") or url, "snapshot": extra.get("snapshot"),
                   "screenshot": extra.get("screenshot")})
    lost = float(f["max_points"]) - float(f["points"])
    details = f.get("details") if isinstance(f.get("details"), dict) else {}
    veto = details.get("veto") is True  # a failed single-veto item (veto+deduction rubrics)
    skipped = details.get("skipped_after_veto") if isinstance(details.get("skipped_after_veto"), dict) else None
    # an item left unscored after a veto still needs fixing when its own check failed
    fix_status = skipped.get("status", f["status"]) if skipped else f["status"]
    if skipped and skipped.get("deduct") is not None:
        lost = min(float(skipped["deduct"]), float(f["max_points"]))
    return {
        "item_id": f["item_id"], "item_name": f["item_name"], "status": f["status"], "fix_status": fix_status,
        "check_kind": f["check_kind"], "points": f["points"], "max_points": f["max_points"],
        "message": f["message"], "reason": f["reason"], "matched": f.get("matched_list") or [],
        "evidence": ev, "lost": 0.0 if pd.isna(lost) else lost, "veto": veto,
        "skipped_message": skipped.get("message") if skipped else None,
        "absence": f.get("absence") or "",
        "fix": fix_hint(f["check_kind"], fix_status, f["item_name"], site_kind=site_kind, site_name=site_name),
    }

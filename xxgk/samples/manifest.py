"""Ground truth of a sample portal: every column and item, and the status of each checklist item.

Status rule (v1, presence + blank column): ``pass`` when at least one column for the item exists and
has ≥1 item (or is a content column with body text); ``fail``/``missing`` when no column exists;
``fail``/``blank`` when all its columns are empty. A stale item still passes, with defect ``stale``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from . import gov_reports as gr
from . import names
from .world import BLANK, CONTENT, GROUP, MISSING, STALE, Column, Portal


def column_entry(col: Column) -> dict[str, Any]:
    """One column as the manifest lists it."""
    newest = max((a.date for a in col.articles), default=None)
    # A column linked only from a tab header on the portal page has no place in the visible tree:
    # nothing in the markup relates it to the group the generator filed it under, so it is top-level.
    tab_only = getattr(col, "hidden", False)
    entry: dict[str, Any] = {
        "name": col.name,
        "path": col.name if tab_only else col.path,
        "url": col.url,
        "parent": None if tab_only else col.parent,
        "kind": col.kind,
        "checklist": [str(i) for i in col.checklist],
        "item_count": len(col.articles),
        "pages": col.pages,
        "page_urls": list(col.page_urls),
        "declared_total": len(col.articles) if col.kind == "list" else None,
        "page_size": col.page_size if col.kind == "list" else None,
        "newest": newest.isoformat() if newest else None,
        "defect": col.defect,
        "items": [{"title": a.title, "url": a.url, "date": a.date.isoformat(), "publisher": a.publisher,
                   "index_no": a.index_no} for a in col.articles],
    }
    if col.kind == CONTENT:
        entry["body_chars"] = sum(len(t) for t in col.body)
    if col.kind == GROUP:
        entry["children"] = [c.path for c in col.children if not getattr(c, "hidden", False)]
    return entry


def _has_content(col: Column) -> bool:
    return bool(col.articles) if col.kind == "list" else col.kind == CONTENT and bool(col.body)


def checklist(portal: Portal) -> dict[str, dict[str, Any]]:
    """Status of each of the 50 items, derived from the columns actually built."""
    by_item: dict[int, list[Column]] = {i: [] for i in names.ITEMS}
    for col in portal.tree():
        for item in col.checklist:
            by_item[item].append(col)
    out: dict[str, dict[str, Any]] = {}
    for item, cols in by_item.items():
        dates = [a.date for c in cols for a in c.articles]
        newest = max(dates).isoformat() if dates else None
        if not cols:
            status, defect = "fail", MISSING
        elif not any(_has_content(c) for c in cols):
            status, defect = "fail", BLANK
        else:
            status = "pass"
            defect = STALE if portal.defects.get(item) == STALE else None
        out[str(item)] = {"name": names.ITEMS[item], "status": status, "published": status == "pass",
                          "defect": defect, "columns": [c.url for c in cols], "newest": newest}
    return out


def build_manifest(portal: Portal) -> dict[str, Any]:
    """The whole manifest dict of one portal (URLs are site-relative paths)."""
    return {
        "slug": portal.slug,
        "name": portal.name,
        "cms": portal.cms,
        "template": portal.template,
        "kind": portal.kind,
        "quality": portal.quality,
        "as_of": portal.as_of.isoformat(),
        "home": portal.home_url,
        "portal": portal.portal_url,
        "entry": {"text": portal.entry_text, "place": portal.entry_place, "url": portal.portal_url},
        "columns": [column_entry(c) for c in portal.tree()],
        "other_columns": [column_entry(c) for c in portal.news],
        "checklist": checklist(portal),
    }


# ---- v2 facts ----------------------------------------------------------------------------------------

FRESH_DAYS = {"dynamic": 14, "notice_policy": 183, "long": 365}


def v2_column(col: Column) -> dict[str, Any]:
    """The v2 facts of a column (added to ``column_entry``)."""
    out: dict[str, Any] = {
        "column_type": col.ctype, "unit": col.unit, "needs_browser": col.needs_browser,
        "offsite": col.offsite, "offsite_dead": col.offsite_dead, "restricted": col.restricted,
        "hidden": col.hidden, "js_menu": col.js_menu, "robots_disallowed": col.robots,
        "should_update": col.should_update, "first_level": col.first_level,
    }
    if col.extra:
        out["family"] = {k: v for k, v in col.extra.items() if k != "monthly"}
    return out


def v2_item(art: Any) -> dict[str, Any]:
    """The v2 facts of an item (added to each item entry)."""
    out: dict[str, Any] = {"full_title": art.title, "truncated": art.truncated, "image_only": art.image_only,
                           "attachments": [dict(a) for a in art.attachments], "status": art.status}
    if art.article_date and art.article_date != art.date:
        out["list_date"] = art.date.isoformat()
        out["article_date"] = art.article_date.isoformat()
    return out


def _stale(col: Column, as_of: Any, days: int) -> bool:
    newest = max((a.date for a in col.articles), default=None)
    return newest is None or (as_of - newest).days > days


def inspection(portal: Portal, home_newest: str | None, links: dict[str, list[Any]]) -> dict[str, Any]:
    """Facts for the 政府网站 inspection indicators (only on-site, unrestricted, list columns count)."""
    cols = [c for c in portal.tree() if c.kind == "list" and not c.offsite and not c.restricted]
    as_of = portal.as_of
    dyn = [c.url for c in cols if c.ctype in ("动态", "要闻") and _stale(c, as_of, FRESH_DAYS["dynamic"])]
    notice = [c.url for c in cols if c.ctype in ("通知公告", "政策文件") and c.first_level
              and _stale(c, as_of, FRESH_DAYS["notice_policy"])]
    long_ = [c.url for c in cols if c.should_update and c.articles and _stale(c, as_of, FRESH_DAYS["long"])]
    blank = [c.url for c in cols if not c.articles]
    home_ok = home_newest is not None and (as_of - _date(home_newest)).days <= 14
    facts: dict[str, Any] = {
        "dynamic_columns_stale": len(dyn), "dynamic_columns_stale_urls": dyn,
        "notice_policy_stale": len(notice), "notice_policy_stale_urls": notice,
        "dynamic_notice_stale_total": len(dyn) + len(notice),
        "long_unupdated": len(long_), "long_unupdated_urls": long_,
        "blank_columns": len(blank), "blank_column_urls": blank,
        "home_updated_within_14d": home_ok,
        "broken_links": len(links["broken"]), "empty_links": len(links["empty"]),
        "broken_link_targets": len({b["to"] for b in links["broken"]}),
        "has_search": bool(portal.features.get("search")),
        "has_interaction": bool(portal.features.get("interaction")),
        "has_service": bool(portal.features.get("service")),
        "thresholds_days": dict(FRESH_DAYS),
    }
    veto = []
    if facts["dynamic_notice_stale_total"] >= 5:
        veto.append("栏目不更新：动态要闻/通知公告政策文件累计≥5个未更新")
    if facts["long_unupdated"] >= 10:
        veto.append("栏目不更新：应更新但长期未更新栏目≥10个")
    if facts["blank_columns"] >= 5:
        veto.append("栏目不更新：空白栏目≥5个")
    if not home_ok:
        veto.append("首页不更新")
    if not facts["has_interaction"]:
        veto.append("互动回应差")
    if not facts["has_service"]:
        veto.append("服务不实用")
    facts["veto"] = veto
    return facts


def _date(text: str) -> Any:
    return dt.date.fromisoformat(text)


def not_applicable() -> dict[str, dict[str, Any]]:
    """The university checklist of a government portal: every item ``not_applicable``."""
    return {str(i): {"name": names.ITEMS[i], "status": "not_applicable", "published": False, "defect": None,
                     "columns": [], "newest": None} for i in names.ITEMS}


# ---- annual reports (government portals) --------------------------------------------------------

def expected_outcome(reports: list[dict[str, Any]], due: int, down: bool = False) -> dict[str, dict[str, str]]:
    """Status and reason per rubric item, from the reports' builder truth (the site's own reports by year).

    P1 deadline (the listed date, so a scan is judged too), P2 readable, C1 six sections, C2 unified format
    and tables, R1–R5 sums (R5 against last year's table 三; not_checked when that report is missing or
    unreadable). No own report for the due year: every item fails. A portal that is down: not_checked.
    """
    if down:
        return {i: {"status": "not_checked", "why": "portal down"} for i in gr.ITEMS}
    own = {r["year"]: r for r in reports if r["own"]}
    rep = own.get(due)
    if rep is None:
        return {i: {"status": "fail", "why": f"no own report for {due}"} for i in gr.ITEMS}
    out: dict[str, dict[str, str]] = {}
    late = dt.date.fromisoformat(rep["published"]) > dt.date.fromisoformat(rep["deadline"])
    out["P1"] = {"status": "fail" if late else "pass",
                 "why": f"published {rep['published']}, deadline {rep['deadline']}"}
    if not rep["readable"]:
        out["P2"] = {"status": "needs_review", "why": "scanned report (no text layer)"}
        for i in gr.ITEMS[2:]:
            out[i] = {"status": "needs_review", "why": "scanned report: contents cannot be read"}
        return out
    out["P2"] = {"status": "pass", "why": rep["format"]}
    out["C1"] = {"status": "fail" if "missing_section" in rep["errors"] else "pass", "why": "sections"}
    old = rep["version"] == "2019" and rep["year"] >= 2021
    out["C2"] = {"status": "fail" if old else "pass", "why": f"format {rep['version']}"}
    failed = {f["rule"] for f in rep["sum_failures"]}
    for rule in ("R1", "R2", "R3", "R4"):
        out[rule] = {"status": "fail" if rule in failed else "pass", "why": "sum rule"}
    prev = own.get(due - 1)
    if prev is None or not prev["readable"]:
        out["R5"] = {"status": "not_checked", "why": f"no readable report for {due - 1}"}
    else:
        out["R5"] = {"status": "fail" if "R5" in failed else "pass", "why": f"carry-over from {due - 1}"}
    return out


def annual_report(p: Portal) -> dict[str, Any]:
    """The ``annual_report`` part of a government portal's manifest (URLs are site-relative)."""
    due = gr.due_year(p.as_of)
    found = p.features.get("annual_column")
    col = found if isinstance(found, Column) else None
    reports = []
    for art in col.articles if col is not None else []:
        if art.report is None:
            continue
        att = next((a for a in art.attachments if a.get("annual_report")), None)
        reports.append({**art.report, "url": art.url, "attachment_url": att["url"] if att else None})
    return {"rubric": gr.RUBRIC, "kind": "government", "due_year": due, "deadline": gr.deadline(due).isoformat(),
            "column_url": col.url if col is not None else None, "reports": reports,
            "expected": expected_outcome(reports, due, down=bool(p.features.get("down")))}

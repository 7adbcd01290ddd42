"""Ground truth of a sample portal: every column and item, and the status of each checklist item.

Status rule (v1, presence + blank column): ``pass`` when at least one column for the item exists and
has ≥1 item (or is a content column with body text); ``fail``/``missing`` when no column exists;
``fail``/``blank`` when all its columns are empty. A stale item still passes, with defect ``stale``.
"""

from __future__ import annotations

from typing import Any

from . import names
from .world import BLANK, CONTENT, GROUP, MISSING, STALE, Column, Portal


def column_entry(col: Column) -> dict[str, Any]:
    """One column as the manifest lists it."""
    newest = max((a.date for a in col.articles), default=None)
    entry: dict[str, Any] = {
        "name": col.name,
        "path": col.path,
        "url": col.url,
        "parent": col.parent,
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
        entry["children"] = [c.path for c in col.children]
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

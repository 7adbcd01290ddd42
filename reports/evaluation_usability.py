"""Usability defects of each audited site, read from what the crawl recorded in the store.

21世纪教育研究院's reports name problems a reader meets before any checklist item: column links that do not
open, a 专栏 without a working search, content behind a login or an IP range, columns buried many clicks
deep. Each comes from one crawl record:

- broken column links: a column whose first page failed (`Column.status == "error"`), or whose link the
  link-health pass found broken (a `Link` of kind broken whose target is the column's URL);
- search: the crawler's search probe (`Crawl.facts["search"]`): no form → 无站内搜索, a known title not
  found → 检索无结果; a probe that never ran or could not read the results is *unknown*, never a defect;
- restricted: `Column.status == "restricted"` and `Page.restricted` (login, IP range, 401/403);
- deep columns: on-site columns more than `max_clicks` clicks from the start URL, by the shortest path
  through the pages and links the crawl recorded (`clicks`).

A site whose crawl failed has no defects listed: it is `not_checked`, with the crawl's reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xxgk.store import CRAWL_DONE, Column, Crawl, Link, Page

KINDS = {"broken_columns": "栏目链接失效", "search": "搜索功能不可用", "restricted": "需登录或访问受限",
         "deep_columns": "栏目层级过深"}
SAMPLE = 10  # defects listed per site and kind (the count is always complete)


@dataclass
class SiteUsability:
    """One site's usability defects by kind (`KINDS`), each a list of {url, name, reason}."""

    site_id: int
    checked: bool  # False: the crawl failed, nothing could be judged
    reason: str | None = None  # why not checked
    defects: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    search: str = "unknown"  # ok | missing | no_result | unknown

    def count(self, kind: str) -> int:
        return len(self.defects.get(kind, []))

    @property
    def total(self) -> int:
        return sum(len(v) for v in self.defects.values())

    def as_dict(self) -> dict[str, Any]:
        return {"site_id": self.site_id, "checked": self.checked, "reason": self.reason, "search": self.search,
                "counts": {k: self.count(k) for k in KINDS},
                "defects": {k: v[:SAMPLE] for k, v in self.defects.items()}}


def usability(session: Session, run_id: int, max_clicks: int) -> dict[int, SiteUsability]:
    """Every site's usability defects in the run, by site id."""
    out: dict[int, SiteUsability] = {}
    for crawl in session.scalars(select(Crawl).where(Crawl.run_id == run_id).order_by(Crawl.site_id)):
        if crawl.status != CRAWL_DONE:
            out[crawl.site_id] = SiteUsability(crawl.site_id, False, crawl.error or crawl.stop_reason or crawl.status)
            continue
        columns = list(session.scalars(select(Column).where(Column.crawl_id == crawl.id).order_by(Column.id)))
        search_state, search_rows = _search(crawl.facts or {})
        out[crawl.site_id] = SiteUsability(crawl.site_id, True, search=search_state, defects={
            "broken_columns": _broken_columns(session, crawl, columns),
            "search": search_rows,
            "restricted": _restricted(session, crawl, columns),
            "deep_columns": _deep_columns(session, crawl, columns, max_clicks),
        })
    return out


def _label(col: Column) -> str:
    return col.path or col.name


def _broken_columns(session: Session, crawl: Crawl, columns: list[Column]) -> list[dict[str, Any]]:
    broken = {lk.to_url: lk for lk in session.scalars(
        select(Link).where(Link.crawl_id == crawl.id, Link.kind == "broken"))}
    rows: dict[str, dict[str, Any]] = {}
    for col in columns:
        if not col.url or col.url in rows:
            continue
        if col.status == "error":
            rows[col.url] = {"url": col.url, "name": _label(col), "reason": col.status_detail or "栏目页面无法打开"}
        elif col.url in broken:
            lk = broken[col.url]
            why = f"HTTP {lk.status}" if lk.status else (lk.error or "无法打开")
            rows[col.url] = {"url": col.url, "name": _label(col), "reason": f"栏目链接失效（{why}）"}
    return list(rows.values())


def _search(facts: dict[str, Any]) -> tuple[str, list[dict[str, Any]]]:
    """(state, defect rows) from the search probe; unknown never becomes a defect."""
    if "search" not in facts:
        return "unknown", []
    s = facts.get("search") or {}
    if not s.get("form_url"):
        return "missing", [{"url": None, "name": "站内搜索", "reason": "未发现站内搜索功能"}]
    if s.get("found") is False:
        return "no_result", [{"url": s["form_url"], "name": "站内搜索",
                              "reason": f"检索已知条目「{s.get('query') or ''}」无结果"}]
    if s.get("found") is True:
        return "ok", []
    return "unknown", []


def _restricted(session: Session, crawl: Crawl, columns: list[Column]) -> list[dict[str, Any]]:
    rows: dict[str, dict[str, Any]] = {}
    for col in columns:
        if col.status == "restricted" and col.url:
            rows.setdefault(col.url, {"url": col.url, "name": _label(col), "reason": col.status_detail or "访问受限"})
    for page in session.scalars(select(Page).where(Page.crawl_id == crawl.id, Page.restricted.is_not(None))
                                .order_by(Page.id)):
        rows.setdefault(page.url, {"url": page.url, "name": page.title or page.url, "reason": page.restricted})
    return list(rows.values())


def clicks(session: Session, crawl_id: int) -> dict[str, int]:
    """Fewest clicks from the start URL to each URL the crawl saw, as far as its records prove.

    `Page.depth` is the length of the path the crawler happened to take, which may be longer than the
    shortest one (a column first reached through a landing page is also linked from the portal's menu).
    Every on-site link the link-health pass recorded is a real click, so depths are relaxed along those
    edges until nothing shortens: what remains is the shortest path through recorded links.
    """
    depth: dict[str, int] = {url: int(d) for url, d in session.execute(
        select(Page.url, func.min(Page.depth)).where(Page.crawl_id == crawl_id, Page.depth.is_not(None))
        .group_by(Page.url)).all()}
    edges = session.execute(select(Link.from_url, Link.to_url).where(
        Link.crawl_id == crawl_id, Link.offsite.is_(False), Link.kind.in_(("ok", "restricted")))).all()
    changed = True
    while changed:
        changed = False
        for src, dst in edges:
            if src in depth and depth[src] + 1 < depth.get(dst, 1 << 30):
                depth[dst] = depth[src] + 1
                changed = True
    return depth


def _deep_columns(session: Session, crawl: Crawl, columns: list[Column], max_clicks: int) -> list[dict[str, Any]]:
    depth = clicks(session, crawl.id)
    rows = []
    for col in columns:
        n = depth.get(col.url) if col.url and not col.offsite else None
        if n is not None and n > max_clicks:
            rows.append({"url": col.url, "name": _label(col), "clicks": n,
                         "reason": f"需点击 {n} 次（超过 {max_clicks} 次）"})
    return sorted(rows, key=lambda r: (-r["clicks"], r["name"]))

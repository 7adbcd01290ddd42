"""A tiny store builder for check tests: one run, one site, one crawl, and helpers to add rows."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

import scoring.checks  # noqa: F401
from scoring.checks.registry import get_check_def
from scoring.context import SiteContext
from scoring.match import Matcher
from scoring.outcome import CheckOutcome
from scoring.rubric import Rubric, RubricItem, parse_rubric
from xxgk.store import Column, Crawl, Item, Link, Page, Run, Site, session_factory

AS_OF = dt.date(2026, 11, 20)


def tiny_rubric(items: list[dict[str, Any]], method: str = "weighted", applies_to: str = "any") -> Rubric:
    """A rubric with one section holding `items` (dicts as in YAML)."""
    total = sum(i.get("weight", i.get("points", 0)) for i in items if not i.get("veto")) or 1
    data = {"id": "t", "title": "T", "source": {"title": "测试", "number": "测〔2026〕1号"},
            "applies_to": applies_to, "method": method, "total": total,
            "sections": [{"id": "s", "name": "测试", "items": items}]}
    return parse_rubric(data, {}, "<test>")


class Kit:
    """One crawl in a fresh SQLite store."""

    def __init__(self, tmp_path: Path, *, status: str = "done", facts: dict[str, Any] | None = None,
                 as_of: dt.date | None = AS_OF, kind: str = "government") -> None:
        self.session: Session = session_factory(f"sqlite:///{tmp_path / 'k.db'}")()
        self.run = Run(config={"as_of": as_of.isoformat()} if as_of else {},
                       started_at=dt.datetime(2026, 11, 25, 8, 0))
        self.site = Site(url="http://s.test/", name="某区政府", kind=kind)
        self.session.add_all([self.run, self.site])
        self.session.flush()
        self.crawl = Crawl(run_id=self.run.id, site_id=self.site.id, status=status, facts=facts or {},
                           error="连接超时" if status == "failed" else None)
        self.session.add(self.crawl)
        self.session.flush()

    def col(self, name: str, parent: Column | None = None, *, items: int = 0, content: bool = False,
            newest: dt.date | None = None, status: str = "ok", offsite: bool = False, unit: str | None = None,
            url: str | None = "auto", detail: str | None = None) -> Column:
        path = f"{parent.path}/{name}" if parent else name
        c = Column(crawl_id=self.crawl.id, parent_id=parent.id if parent else None, name=name, path=path,
                   url=f"http://s.test/{abs(hash(path)) % 10**8}/" if url == "auto" else url,
                   depth=(parent.depth + 1) if parent else 1, item_count=items, has_content=content,
                   newest_date=newest, status=status, offsite=offsite, unit=unit, status_detail=detail)
        self.session.add(c)
        self.session.flush()
        return c

    def item(self, col: Column, title: str, date: dt.date | None = None, **kw: Any) -> Item:
        n = len(self.session.new) + self.session.query(Item).count() + 1
        it = Item(column_id=col.id, crawl_id=self.crawl.id, title=title, url=kw.pop("url", f"http://s.test/a/{n}.htm"),
                  published=date, **kw)
        self.session.add(it)
        self.session.flush()
        return it

    def link(self, to_url: str, kind: str, *, offsite: bool = False, from_url: str = "http://s.test/") -> Link:
        lk = Link(crawl_id=self.crawl.id, from_url=from_url, to_url=to_url, kind=kind, offsite=offsite,
                  status=404 if kind == "broken" else 200, text="链接")
        self.session.add(lk)
        self.session.flush()
        return lk

    def page(self, url: str, **kw: Any) -> Page:
        p = Page(crawl_id=self.crawl.id, url=url, status=kw.pop("status", 200), **kw)
        self.session.add(p)
        self.session.flush()
        return p

    def ctx(self, rubric: Rubric | None = None) -> SiteContext:
        rubric = rubric or tiny_rubric([{"id": "1", "name": "测试项", "weight": 1}])
        return SiteContext.load(self.session, self.crawl, Matcher(rubric))

    def check(self, kind: str, params: dict[str, Any] | None = None, *, item: dict[str, Any] | None = None,
              rubric: Rubric | None = None) -> CheckOutcome:
        """Run one check kind on this crawl."""
        spec = item or {"id": "1", "name": "测试项", "weight": 1}
        rubric = rubric or tiny_rubric([{**spec, "checks": [{"kind": kind, "params": params or {}}]}])
        ritem: RubricItem = rubric.item(spec["id"])
        cdef = get_check_def(kind)
        assert cdef is not None
        return cdef.func(self.ctx(rubric), ritem, cdef.params_model.model_validate(params or {}))

"""Browser rendering only where needed (scrapy-playwright + Debian Chromium): TRS 动静结合 pages
≥2 and a list filled by `fetch()` go through the browser; static pages do not."""

from __future__ import annotations

from pathlib import Path

import pytest
from dyn_server import DynServer
from gov_fixtures import DYN_ITEMS, browser_routes
from sqlalchemy import select

from xxgk.chromium import chromium_path
from xxgk.store import Column, Crawl, Item, Page, Run, Site, default_db_url, session_factory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(chromium_path() is None, reason="needs Debian chromium (or $XXGK_CHROMIUM)"),
]


def test_browser_only_for_script_filled_lists(tmp_path: Path, crawl_in_subprocess) -> None:
    with DynServer(browser_routes()) as srv:
        db_url = default_db_url(tmp_path / "store.sqlite")
        with session_factory(db_url).begin() as s:
            run = Run(label="browser")
            s.add(run)
            s.flush()
            site = Site(url=srv.url + "/index.html", name="dyn")
            s.add(site)
            s.flush()
            s.add(Crawl(run_id=run.id, site_id=site.id))
            run_id = run.id
        crawl_in_subprocess(db_url, run_id, limits={"fetch_articles": False}, timeout=180)
    base = srv.url
    with session_factory(db_url)() as s:
        crawl = s.scalars(select(Crawl).where(Crawl.run_id == run_id)).one()
        assert crawl.status == "done", crawl.error
        rendered = set(s.scalars(select(Page.url).where(Page.crawl_id == crawl.id, Page.render == "browser")))
        assert rendered == {base + "/zcwj/index.html?page=2", base + "/zcwj/index.html?page=3", base + "/dt/index.html"}
        assert crawl.browser_pages == 3
        cols = {c.name: c for c in s.scalars(select(Column).where(Column.crawl_id == crawl.id))}
        zcwj = {i.title for i in s.scalars(select(Item).where(Item.column_id == cols["政策文件"].id))}
        assert zcwj == {t for t, _, _ in DYN_ITEMS}
        assert cols["政策文件"].list_pages == 3 and cols["政策文件"].declared_count == 5
        dt_items = {i.title for i in s.scalars(select(Item).where(Item.column_id == cols["工作动态"].id))}
        assert dt_items == {"工作动态第1条", "工作动态第2条", "工作动态第3条"}
        assert s.scalars(select(Item).where(Item.column_id == cols["公告"].id)).one().title == "静态公告"

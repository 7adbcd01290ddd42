"""End-to-end: serve hand-written VSB / WebPlus / TRS portals on 127.0.0.1, run
`run_crawl` in a subprocess against a temp SQLite store, and compare every column and item."""

from __future__ import annotations

import socket
from pathlib import Path

from portal_fixtures import as_date, build_trs, build_vsb, build_webplus
from sqlalchemy import select

from xxgk.store import Column, Crawl, Item, Page, Run, Site, default_db_url, session_factory


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _expected_url(base: str, url: str | None) -> str | None:
    if url is None or url.startswith("http"):
        return url
    return base + url


def test_crawl_three_portals_and_a_dead_site(tmp_path: Path, static_server, crawl_in_subprocess) -> None:
    builders = {
        "vsb": (build_vsb, "/"),
        "webplus": (build_webplus, "/main.htm"),
        "trs": (build_trs, "/index.html"),
    }
    truths, servers, starts = {}, {}, {}
    for name, (build, start) in builders.items():
        root = tmp_path / name
        truths[name] = build(root)
        servers[name] = static_server(root).__enter__()
        starts[name] = servers[name].url + start
    dead = f"http://127.0.0.1:{_free_port()}/"
    db_url = default_db_url(tmp_path / "store.sqlite")
    factory = session_factory(db_url)
    try:
        with factory.begin() as s:
            run = Run(label="test")
            s.add(run)
            s.flush()
            for name, url in [*starts.items(), ("dead", dead)]:
                site = Site(url=url, name=name)
                s.add(site)
                s.flush()
                s.add(Crawl(run_id=run.id, site_id=site.id))
            run_id = run.id
        events = crawl_in_subprocess(db_url, run_id)
    finally:
        for srv in servers.values():
            srv.__exit__(None, None, None)

    with factory() as s:
        crawls = {c.site.name: c for c in s.scalars(select(Crawl).where(Crawl.run_id == run_id))}
        assert crawls["dead"].status == "failed"
        assert crawls["dead"].error
        for name, truth in truths.items():
            base = servers[name].url
            crawl = crawls[name]
            assert crawl.status == "done", (name, crawl.error)
            assert crawl.stop_reason == "finished"
            assert crawl.cms == truth["cms"], name
            assert crawl.portal_url == base + truth["portal"]
            cols = {c.path: c for c in s.scalars(select(Column).where(Column.crawl_id == crawl.id))}
            assert set(cols) == set(truth["columns"]), name
            for path, exp in truth["columns"].items():
                col = cols[path]
                assert col.name == path.split("/")[-1]
                assert col.url == _expected_url(base, exp["url"]), path
                assert col.depth == path.count("/") + 1
                parent_path = path.rsplit("/", 1)[0] if "/" in path else None
                assert (col.parent_id == cols[parent_path].id) if parent_path else col.parent_id is None
                assert col.offsite == exp.get("offsite", False), path
                assert col.status == ("not_fetched" if exp.get("offsite") else "ok"), (
                    path,
                    col.status_detail,
                )
                assert col.has_content == exp.get("has_content", False), path
                items = s.scalars(select(Item).where(Item.column_id == col.id)).all()
                got = sorted((i.title, i.url, i.published) for i in items)
                want = sorted((t, _expected_url(base, u), as_date(d)) for t, u, d in exp["items"])
                assert got == want, path
                assert col.item_count == len(want), path
                assert col.declared_count == exp.get("declared"), path
                if exp["url"] and not exp.get("offsite"):
                    assert col.list_pages == exp["list_pages"], path
                    assert col.newest_date == (max(w[2] for w in want) if want else None)
            pages = s.scalars(select(Page).where(Page.crawl_id == crawl.id)).all()
            nav_pages = [p for p in pages if p.kind in ("home", "portal", "list")]
            assert all(p.status == 200 and p.sha256 and p.size for p in nav_pages), name
            assert all(p.evidence_ref and p.depth is not None for p in nav_pages), name
            assert crawl.pages == len(pages)
            assert not any("moe.gov.cn" in p.url or "gov.cn/zhengce" in p.url for p in pages)
    kinds = {e[0] for e in events}
    assert kinds == {"page", "site_done"}
    assert sum(1 for e in events if e[0] == "site_done") == 4

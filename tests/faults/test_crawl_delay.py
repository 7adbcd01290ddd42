"""robots.txt Crawl-delay is obeyed: a host asking for 1 s between requests gets it, and is still
read in full."""

from __future__ import annotations

from catalogue import LIMITS, SITE_FAULTS, _page, list_html
from dyn_server import html
from fault_audit import guarded_crawl
from hostile_server import HostileServer, send

COLUMNS = ["机构设置", "政策文件", "财政资金"]


def test_crawl_delay_spaces_requests(tmp_path) -> None:
    assert any(f.id == "crawl_delay" and f.test.endswith(__name__.rsplit(".", 1)[-1] + ".py") for f in SITE_FAULTS)
    from sqlalchemy import select
    from storekit import add_run_with_sites

    from xxgk.store import Column, Crawl, default_db_url, session_factory

    nav = "<div class='sidebar'><ul>" + "".join(f"<li><a href='/c{n}/list.html'>{c}</a></li>"
                                                for n, c in enumerate(COLUMNS)) + "</ul></div>"
    routes = {"/robots.txt": lambda h, m, q: send(h, 200, b"User-agent: *\nCrawl-delay: 1\n",
                                                  {"Content-Type": "text/plain"}),
              "/index.html": _page(html(nav, "示例区政府信息公开"))}
    routes.update({f"/c{n}/list.html": _page(list_html(c, 2, f"/c{n}/")) for n, c in enumerate(COLUMNS)})
    with HostileServer(routes) as srv:
        db_url = default_db_url(tmp_path / "store.sqlite")
        with session_factory(db_url).begin() as s:
            run_id = add_run_with_sites(s, {"区": srv.url + "/index.html"})
        guarded_crawl(db_url, run_id, {**LIMITS, "check_links": False}, tmp_path / "connects.log")
        starts = sorted(t for path, ts in srv.hits.items() if path != "/robots.txt" for t in ts)
    assert len(starts) == 1 + len(COLUMNS) and not (tmp_path / "connects.log").exists()
    gaps = [b - a for a, b in zip(starts, starts[1:], strict=False)]
    assert min(gaps) >= 0.8, gaps  # 1 s asked; unpaced requests start within milliseconds
    with session_factory(db_url)() as s:
        crawl = s.scalars(select(Crawl).where(Crawl.run_id == run_id)).one()
        cols = {c.name: c.status for c in s.scalars(select(Column).where(Column.crawl_id == crawl.id))}
    assert crawl.status == "done" and cols == dict.fromkeys(COLUMNS, "ok")



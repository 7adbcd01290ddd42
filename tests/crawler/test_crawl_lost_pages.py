"""Transient failures are retried, and a list page still lost afterwards is recorded on its column
(`incomplete`, with the URL and error) instead of silently dropping the column's later items."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from dyn_server import DynServer, paged_columns
from sqlalchemy import select
from storekit import add_run_with_sites

from xxgk.store import Column, Crawl, Item, Page, default_db_url, session_factory

PER_PAGE = 5


def _routes(drops: Counter) -> dict:
    routes = paged_columns(4, PER_PAGE)

    def flaky(path: str, fails: int, then: tuple | None) -> object:
        def answer(method: str, p: str, q: dict, form: dict) -> tuple | None:
            drops[path] += 1
            return None if drops[path] <= fails else then
        return answer

    routes["/c0/list2.html"] = flaky("/c0/list2.html", 2, routes["/c0/list2.html"])  # 2 drops, then answers
    routes["/c1/list2.html"] = flaky("/c1/list2.html", 99, None)  # always drops
    routes["/c2/list2.html"] = (503, {"Content-Type": "text/html"}, b"<h1>Service Unavailable</h1>")
    routes["/c3/list1.html"] = (503, {"Content-Type": "text/html"}, b"<h1>Service Unavailable</h1>")
    return routes


def test_lost_list_pages_are_retried_then_recorded(tmp_path: Path, crawl_in_subprocess) -> None:
    drops: Counter = Counter()
    with DynServer(_routes(drops)) as srv:
        db_url = default_db_url(tmp_path / "store.sqlite")
        with session_factory(db_url).begin() as s:
            run_id = add_run_with_sites(s, {"县": srv.url + "/index.html"}, label="lost")
        crawl_in_subprocess(db_url, run_id, limits={"browser": False, "check_links": False,
                                                    "fetch_articles": False, "search": False})
        hits = Counter(path for _m, path in srv.hits)
    assert drops["/c0/list2.html"] == 3  # dropped twice, answered on the second retry
    # the first try and two retries (Twisted itself may retry a GET once on a reused connection)
    assert 3 <= drops["/c1/list2.html"] <= 6
    assert hits["/c2/list2.html"] == 1 and hits["/c3/list1.html"] == 1  # a sample server's 503 is meant
    with session_factory(db_url)() as s:
        crawl = s.scalars(select(Crawl).where(Crawl.run_id == run_id)).one()
        assert crawl.status == "done"
        cols = {c.name: c for c in s.scalars(select(Column).where(Column.crawl_id == crawl.id))}
        items = Counter(cols_name for (cols_name,) in s.execute(
            select(Column.name).join(Item, Item.column_id == Column.id).where(Item.crawl_id == crawl.id)))
        pages = {p.url.rsplit(":", 1)[1].split("/", 1)[1]: p for p in s.scalars(select(Page).where(Page.crawl_id == crawl.id))}
    assert (cols["栏目0"].status, items["栏目0"]) == ("ok", 2 * PER_PAGE)
    assert (cols["栏目1"].status, items["栏目1"]) == ("incomplete", PER_PAGE)
    assert "/c1/list2.html" in cols["栏目1"].status_detail and "Connection" in cols["栏目1"].status_detail
    assert (cols["栏目2"].status, items["栏目2"]) == ("incomplete", PER_PAGE)
    assert cols["栏目2"].status_detail.endswith("(HTTP 503)")
    assert (cols["栏目3"].status, cols["栏目3"].status_detail, items["栏目3"]) == ("error", "HTTP 503", 0)
    assert pages["c1/list2.html"].status is None and pages["c1/list2.html"].error
    assert pages["c2/list2.html"].status == 503

"""A column first seen in another column's sidebar sits beside the known columns it is listed with,
not under the page that happened to link to it first.

Portals repeat their whole column tree in every column page's sidebar. When a column is missing from
the portal page's own menu, the first page to link it is some other column's page; which one depends
on the order responses arrive (network latency, a resumed crawl replaying its pages), so placing it
under "the page that links to it" gave a different tree from run to run. The URLs here are opaque
(`/col/N.htm`), so no URL folder can help: only the lists themselves say where a column belongs.
"""

from __future__ import annotations

from pathlib import Path

from dyn_server import DynServer, html
from sqlalchemy import select
from storekit import add_run_with_sites

from xxgk.store import Column, Crawl, Item, default_db_url, session_factory

LIMITS = {"browser": False, "check_links": False, "fetch_articles": False, "search": False}
FOOT = "<div class='ft'>版权所有：示例理工大学 ICP备000000号</div>"
# column id → (name, parent id or None); 30 and 13 appear in no portal menu, only in sidebars
TREE = {
    10: ("基本信息", None), 11: ("学校章程", 10), 12: ("规章制度", 10), 13: ("年度工作要点", 10),
    20: ("招生考试信息", None), 21: ("招生章程", 20), 22: ("录取结果", 20),
    30: ("其他", None), 31: ("应急管理", 30),
}
IN_PORTAL_MENU = {10, 11, 12, 20, 21, 22}


def _path(cid: int) -> str:
    name, parent = TREE[cid]
    return name if parent is None else f"{_path(parent)}/{name}"


def _menu(ids: set[int], cls: str) -> str:
    """The tree as nested lists: top-level columns in one list, each one's children in its own."""
    def entry(cid: int) -> str:
        kids = [k for k, (_n, p) in TREE.items() if p == cid and k in ids]
        sub = "<ul>" + "".join(entry(k) for k in kids) + "</ul>" if kids else ""
        return f"<li><a href='/col/{cid}.htm'>{TREE[cid][0]}</a>{sub}</li>"
    return f"<div class='{cls}'><ul>" + "".join(
        entry(k) for k, (_n, p) in TREE.items() if p is None and k in ids) + "</ul></div>"


def _routes() -> dict:
    portal_menu = _menu(IN_PORTAL_MENU, "nav")
    sidebar = _menu(set(TREE), "side")  # every column page shows the whole tree
    routes: dict = {"/index.htm": html(f"<div class='hd'>示例理工大学信息公开网</div>{portal_menu}{FOOT}", "信息公开网")}
    for cid, (name, _parent) in TREE.items():
        kids = [k for k, (_n, p) in TREE.items() if p == cid]
        if kids:  # a category: a landing page of its sub-columns
            body = "<div class='pp'>" + "".join(f"<p><a href='/col/{k}.htm'>{TREE[k][0]}</a></p>" for k in kids) + "</div>"
        else:
            body = "<ul class='list'>" + "".join(
                f"<li><a href='/art/{cid}_{i}.htm'>{name}通知{i}</a><span>2026-0{i}-1{i}</span></li>"
                for i in range(1, 4)) + "</ul>"
        routes[f"/col/{cid}.htm"] = html(f"{sidebar}<h2>{name}</h2>{body}{FOOT}", name)
    return routes


def test_sidebar_columns_sit_beside_their_listed_siblings(tmp_path: Path, crawl_in_subprocess) -> None:
    with DynServer(_routes()) as srv:
        db_url = default_db_url(tmp_path / "store.sqlite")
        with session_factory(db_url).begin() as s:
            run_id = add_run_with_sites(s, {"理工": srv.url + "/index.htm"}, label="siblings")
        crawl_in_subprocess(db_url, run_id, limits=LIMITS)
    with session_factory(db_url)() as s:
        crawl = s.scalars(select(Crawl).where(Crawl.run_id == run_id)).one()
        assert crawl.status == "done", crawl.error
        cols = {c.url.rsplit("/", 1)[1]: c.path for c in s.scalars(select(Column).where(Column.crawl_id == crawl.id))}
        items = {p for (p,) in s.execute(select(Column.path).join(Item, Item.column_id == Column.id)
                                         .where(Item.crawl_id == crawl.id))}
    assert cols == {f"{cid}.htm": _path(cid) for cid in TREE}
    assert {"基本信息/年度工作要点", "其他/应急管理"} <= items

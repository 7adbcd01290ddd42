"""Whole crawls of portals whose columns no nav container names: every column and item is found by
what the pages are (lists, landing pages), and each column sits under the page that holds it."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from dyn_server import DynServer, html
from sqlalchemy import select
from storekit import add_run_with_sites

from xxgk.store import Column, Crawl, Item, Page, default_db_url, session_factory

LIMITS = {"browser": False, "check_links": False, "fetch_articles": False, "search": False}
FOOT = "<div class='ft'>版权所有：示例农业大学 ICP备000000号</div>"
# category slug → (name, {sub slug: (name, items, in the home tree)})
TREE = {
    "jbxx": ("基本信息", {"xxgkzn": ("信息公开指南", 3, True), "xxgkzd": ("信息公开制度", 2, True),
                          "ndbg": ("信息公开年度报告", 4, False)}),
    "zsks": ("招生考试信息", {"zszc": ("招生章程", 5, True), "lqjg": ("录取结果", 12, False)}),
    "cwzc": ("财务资产信息", {"sfxm": ("收费项目", 2, False)}),
}


def _rows(cat: str, sub: str, n: int, start: int, per: int) -> str:
    return "".join(f"<li><a href='../../info/{cat}{sub}/{i}.htm' title='{sub}通知{i}'>{sub}通知{i}</a>"
                   f"<span>2026-0{1 + i % 9}-1{i % 10}</span></li>" for i in range(start, min(n, start + per)))


def _jlau_routes() -> dict:
    left = "<div id='lfet_bar'><h3>公开目录</h3><ul>" + "".join(
        f"<li><a href='xxgklm1/{c}.htm'>{name}</a></li>" for c, (name, _) in TREE.items()) + "</ul></div>"
    tree = "<div class='zz'><ul>" + "".join(
        f"<li><a href='xxgklm1/{c}.htm'>{name}</a><ul>" + "".join(
            f"<li><a href='xxgklm1/{c}/{s}.htm'>{sname}</a></li>" for s, (sname, _n, home) in subs.items() if home)
        + "</ul></li>" for c, (name, subs) in TREE.items()) + "</ul></div>"
    routes: dict = {"/xxgk/index.htm": html(f"<div class='hd'>示例农业大学信息公开网</div>{left}{tree}{FOOT}",
                                            "示例农业大学信息公开网")}
    crumbs = "<div class='wz'>当前位置：<a href='../index.htm'>首页</a> &gt; {name}</div>"
    for c, (name, subs) in TREE.items():
        links = "".join(f"<p><a href='{c}/{s}.htm'>{sname}</a></p>" for s, (sname, _n, _h) in subs.items())
        routes[f"/xxgk/xxgklm1/{c}.htm"] = html(
            f"{left.replace('xxgklm1/', '')}{crumbs.format(name=name)}<div class='pp'>{links}</div>{FOOT}", name)
        for s, (sname, n, _h) in subs.items():
            per = 5
            pages = (n + per - 1) // per
            for p in range(pages):
                pager = f"共{n}条 " + (f"<a href='{s}/{p + 2}.htm'>下页</a>" if p + 1 < pages else "")
                path = f"/xxgk/xxgklm1/{c}/{s}.htm" if p == 0 else f"/xxgk/xxgklm1/{c}/{s}/{p + 1}.htm"
                prefix = "" if p == 0 else "../"
                body = (f"<div class='wz'>当前位置：首页 &gt; {name} &gt; {sname}</div>"
                        f"<ul class='q1'>{_rows(c, s, n, p * per, per)}</ul><div class='pg'>{pager}</div>")
                if p:
                    body = body.replace("href='../../info", "href='../../../info").replace(f"href='{s}/", "href='")
                routes[path] = html(f"<div>{prefix}</div>{body}{FOOT}", sname)
    return routes


def test_columns_found_only_on_landing_pages_and_trees(tmp_path: Path, crawl_in_subprocess) -> None:
    with DynServer(_jlau_routes()) as srv:
        db_url = default_db_url(tmp_path / "store.sqlite")
        with session_factory(db_url).begin() as s:
            run_id = add_run_with_sites(s, {"农大": srv.url + "/xxgk/index.htm"}, label="discovery")
        crawl_in_subprocess(db_url, run_id, limits=LIMITS)
        hits = Counter(path for _m, path in srv.hits)
    with session_factory(db_url)() as s:
        crawl = s.scalars(select(Crawl).where(Crawl.run_id == run_id)).one()
        assert crawl.status == "done", crawl.error
        cols = {c.path: c for c in s.scalars(select(Column).where(Column.crawl_id == crawl.id))}
        items = Counter(p for (p,) in s.execute(
            select(Column.path).join(Item, Item.column_id == Column.id).where(Item.crawl_id == crawl.id)))
        kinds = {p.url.split("/xxgk/", 1)[1]: p.kind for p in s.scalars(select(Page).where(Page.crawl_id == crawl.id))}
    want = {name for name, _ in TREE.values()} | {
        f"{name}/{sname}" for name, subs in TREE.values() for sname, _n, _h in subs.values()}
    assert set(cols) == want
    for name, subs in TREE.values():
        for sname, n, _h in subs.values():
            assert items[f"{name}/{sname}"] == n, (sname, items)
            assert cols[f"{name}/{sname}"].list_pages == (n + 4) // 5
    assert kinds["xxgklm1/jbxx.htm"] == "landing" and kinds["xxgklm1/jbxx/xxgkzn.htm"] == "list"
    assert max(hits.values()) == 1  # no page is fetched twice

"""Generic adapter end to end: a GBK-encoded portal with no known CMS markup, robots.txt
obeyed (a disallowed column is `restricted`), mixed date formats, 下一页 paging, and the
per-site page limit."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import select

from xxgk.store import Column, Crawl, Item, Page, Run, Site, default_db_url, session_factory

NAV = (
    '<div class="sidebar"><ul><li><a href="/gg/list1.html">通知公告</a></li>'
    '<li><a href="/jd/index.html">政策解读</a></li><li><a href="/secret/index.html">内部资料</a></li></ul></div>'
)


def _page(title: str, body: str) -> bytes:
    html = f'<html><head><meta charset="gb2312"><title>{title}</title></head><body>{NAV}{body}</body></html>'
    return html.encode("gbk")


def _build(root: Path) -> None:
    files = {
        "index.html": _page("示例县人民政府信息公开", "<p>欢迎</p>"),
        "robots.txt": b"User-agent: *\nDisallow: /secret/\n",
        "gg/list1.html": _page(
            "通知公告",
            '<div class="list"><ul>'
            '<li><a href="/gg/a1.html">关于春季防火的通知</a>[2024-05-01]</li>'
            '<li><a href="/gg/a2.html">关于防汛工作的通知</a><span>2024年4月2日</span></li>'
            '<li><a href="/gg/a3.html">关于开展安全检查的通知</a><span>2024/03/03</span></li>'
            '</ul></div><div class="fy">共5条 第1页/共2页 <a href="list2.html">下一页</a> '
            '<a href="list2.html">尾页</a></div>',
        ),
        "gg/list2.html": _page(
            "通知公告",
            '<div class="list"><ul>'
            '<li><a href="/gg/a4.html">关于节假日值班的通知</a><em>2024.02.04</em></li>'
            '<li><a href="/gg/a3.html">关于开展安全检查的通知</a><span>2024/03/03</span></li>'
            '<li><a href="/gg/a5.html">关于年度考核的通知</a><span>2024-01-05</span></li>'
            '</ul></div><div class="fy">共5条 <a href="list1.html">上一页</a> 下一页</div>',
        ),
        "jd/index.html": _page(
            "政策解读",
            '<table class="tb"><tr><th>标题</th><th>日期</th></tr>'
            '<tr><td><a href="/jd/1.html">图解：县政府工作报告</a></td><td>2024-03-10</td></tr>'
            '<tr><td><a href="/jd/2.html">一图读懂乡村振兴规划</a></td><td>2023-12-01</td></tr>'
            "</table>",
        ),
        "secret/index.html": _page(
            "内部资料", "<ul><li><a href='/secret/1.html'>内部</a> 2024-01-01</li></ul>"
        ),
    }
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def _setup(tmp_path: Path, url: str) -> tuple[str, int]:
    db_url = default_db_url(tmp_path / "store.sqlite")
    with session_factory(db_url).begin() as s:
        run = Run(label="generic")
        s.add(run)
        s.flush()
        site = s.scalars(select(Site).where(Site.url == url)).first() or Site(url=url, name="县")
        s.add(site)
        s.flush()
        s.add(Crawl(run_id=run.id, site_id=site.id))
        return db_url, run.id


def test_generic_gbk_portal(tmp_path: Path, static_server, crawl_in_subprocess) -> None:
    _build(tmp_path / "site")
    with static_server(tmp_path / "site") as srv:
        db_url, run_id = _setup(tmp_path, srv.url + "/index.html")
        crawl_in_subprocess(db_url, run_id)
    base = srv.url
    with session_factory(db_url)() as s:
        crawl = s.scalars(select(Crawl).where(Crawl.run_id == run_id)).one()
        assert (crawl.status, crawl.cms, crawl.stop_reason) == ("done", "generic", "finished")
        cols = {c.name: c for c in s.scalars(select(Column).where(Column.crawl_id == crawl.id))}
        assert set(cols) == {"通知公告", "政策解读", "内部资料"}
        gg = cols["通知公告"]
        items = {
            i.title: (i.url, i.published) for i in s.scalars(select(Item).where(Item.column_id == gg.id))
        }
        assert items == {
            "关于春季防火的通知": (base + "/gg/a1.html", dt.date(2024, 5, 1)),
            "关于防汛工作的通知": (base + "/gg/a2.html", dt.date(2024, 4, 2)),
            "关于开展安全检查的通知": (base + "/gg/a3.html", dt.date(2024, 3, 3)),
            "关于节假日值班的通知": (base + "/gg/a4.html", dt.date(2024, 2, 4)),
            "关于年度考核的通知": (base + "/gg/a5.html", dt.date(2024, 1, 5)),
        }
        assert (gg.item_count, gg.declared_count, gg.list_pages, gg.newest_date) == (
            5,
            5,
            2,
            dt.date(2024, 5, 1),
        )
        jd = cols["政策解读"]
        assert jd.item_count == 2 and jd.newest_date == dt.date(2024, 3, 10)
        secret = cols["内部资料"]
        assert secret.status == "restricted" and "robots" in (secret.status_detail or "")
        assert secret.item_count == 0
        assert not s.scalars(select(Page).where(Page.url.like("%/secret/%"), Page.status.is_not(None))).all()


def test_page_limit_stops_the_crawl(tmp_path: Path, static_server, crawl_in_subprocess) -> None:
    _build(tmp_path / "site")
    with static_server(tmp_path / "site") as srv:
        db_url, run_id = _setup(tmp_path, srv.url + "/index.html")
        crawl_in_subprocess(db_url, run_id, limits={"max_pages": 2, "obey_robots": False})
    with session_factory(db_url)() as s:
        crawl = s.scalars(select(Crawl).where(Crawl.run_id == run_id)).one()
        assert crawl.status == "done" and crawl.stop_reason == "page limit"
        assert crawl.pages == 2
        statuses = sorted(c.status for c in s.scalars(select(Column).where(Column.crawl_id == crawl.id)))
        assert statuses.count("not_fetched") == 2

"""Crawled names never become file paths: an article whose attachment names and URLs try path
traversal, NUL and RTL tricks leaves only the store and its id-named WARC file on disk, and the
names are kept as data."""

from __future__ import annotations

import re

from catalogue import LIMITS, _page, list_html
from dyn_server import html, text_pdf
from fault_audit import guarded_crawl
from hostile_server import HostileServer, send

NAMES = ["../../../../tmp/xxgk-evil.pdf", "报告\x00.pdf", "年度\u202egpj.pdf", "a/../../b;rm -rf ~.pdf"]
ON_DISK = re.compile(r"^(?:store\.sqlite(?:-wal|-shm|-journal)?|connects\.log|warc/run-\d+/site-\d+\.warc\.gz)$")


def test_attachment_names_stay_data(tmp_path) -> None:
    from sqlalchemy import select
    from storekit import add_run_with_sites

    from xxgk.store import Crawl, Item, default_db_url, session_factory

    links = "".join(f"<p><a href='/files/{n}/doc.pdf'>{name}</a></p>" for n, name in enumerate(NAMES))
    pdf = text_pdf("hostile names")
    routes = {
        "/index.html": _page(html("<div class='sidebar'><ul><li><a href='/c/list.html'>通知公告</a></li></ul></div>",
                                  "示例镇政府信息公开")),
        "/c/list.html": _page(list_html("通知公告", 1, "/c/")),
        "/c/a0.html": _page(html(f"<div class='article'><h1>通知公告第0号工作文件</h1><p>2026-03-10</p>"
                                 f"<div class='content'><p>{'正文内容' * 20}</p>{links}</div></div>", "通知")),
    }
    routes.update({f"/files/{n}/doc.pdf": (lambda h, m, q: send(h, 200, pdf, {"Content-Type": "application/pdf"}))
                   for n in range(len(NAMES))})
    with HostileServer(routes) as srv:
        db_url = default_db_url(tmp_path / "store.sqlite")
        with session_factory(db_url).begin() as s:
            run_id = add_run_with_sites(s, {"镇": srv.url + "/index.html"})
        guarded_crawl(db_url, run_id, {**LIMITS, "fetch_articles": True}, tmp_path / "connects.log")
        fetched = {p for p in srv.hits if p.startswith("/files/")}
    on_disk = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    assert all(ON_DISK.match(p) for p in on_disk), on_disk
    assert not list(tmp_path.parent.glob("xxgk-evil*"))
    assert len(fetched) == len(NAMES)  # the attachments were really read
    with session_factory(db_url)() as s:
        crawl = s.scalars(select(Crawl).where(Crawl.run_id == run_id)).one()
        atts = [a for item in s.scalars(select(Item).where(Item.crawl_id == crawl.id)) for a in item.attachments]
    assert len(atts) == len(NAMES)
    assert {a["name"] for a in atts} == {n.replace("\x00", "") for n in NAMES}  # kept as data (NUL dropped)

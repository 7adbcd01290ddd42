"""End to end on hand-written government portals (127.0.0.1): the Hanweb adapter with dataproxy
paging and repeated boundary records, the gkmlpt JSON adapter, articles (metadata block incl.
commented-out fields, article dates, full titles), attachments (PDF/DOCX/XLSX text, a scanned
PDF), image-only articles, exact broken/empty link counts with HEAD-then-GET, 403 / IP-range /
login-redirect sections stored as restricted, WARC evidence and site facts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from dyn_server import DynServer
from gov_fixtures import GK_ARTICLES, HANWEB_ITEMS, ext_routes, gkmlpt_routes, hanweb_routes
from sqlalchemy import select
from storekit import add_run_with_sites
from warcio.archiveiterator import ArchiveIterator

from xxgk.store import (
    Column,
    Crawl,
    Document,
    Item,
    Link,
    Page,
    default_db_url,
    session_factory,
)


def _setup(tmp_path: Path, urls: dict[str, str]) -> tuple[str, int]:
    db_url = default_db_url(tmp_path / "store.sqlite")
    with session_factory(db_url).begin() as s:
        return db_url, add_run_with_sites(s, urls, label="gov")


def test_hanweb_and_gkmlpt_portals(tmp_path: Path, crawl_in_subprocess) -> None:
    with DynServer(ext_routes()) as ext:
        with DynServer(hanweb_routes(ext.url)) as hw, DynServer(gkmlpt_routes()) as gk:
            db_url, run_id = _setup(tmp_path, {"hanweb": hw.url + "/index.html", "gkmlpt": gk.url + "/index.html"})
            crawl_in_subprocess(db_url, run_id, limits={"browser": False})
            proxy_hits = [p for m, p in hw.hits if "dataproxy" in p]
    base = hw.url
    with session_factory(db_url)() as s:
        crawls = {c.site.name: c for c in s.scalars(select(Crawl).where(Crawl.run_id == run_id))}
        c = crawls["hanweb"]
        assert (c.status, c.cms, c.stop_reason) == ("done", "hanweb", "finished")
        assert c.portal_url == base + "/col/col1/index.html"
        # facts: entry, newest date on the home page, search, robots
        assert c.facts["entry"] == {"url": base + "/col/col1/index.html", "text": "政府信息公开", "hidden": False,
                                    "place": "header", "depth": 1}
        assert c.facts["home_newest_date"] == "2024-05-01"
        assert c.facts["search"]["found"] is True and c.facts["search"]["form_url"] == base + "/jrobot/search.do"
        assert c.facts["robots_ignored"] is False
        cols = {col.name: col for col in s.scalars(select(Column).where(Column.crawl_id == c.id))}
        assert set(cols) == {"通知公告", "内部资料", "内部通知", "办公系统", "人才招聘"}
        # Hanweb list: 4 embedded records + dataproxy groups (boundary record repeated) → 7 items, no duplicates
        tz = cols["通知公告"]
        items = {i.url: i for i in s.scalars(select(Item).where(Item.column_id == tz.id))}
        assert len(items) == 7 and tz.item_count == 7 and tz.declared_count == 7 and tz.list_pages == 4
        assert len(proxy_hits) == 1  # records 5–7 in one group request, read directly (no browser)
        by_title = {i.title: i for i in items.values()}
        assert set(by_title) == {t for t, _, _ in HANWEB_ITEMS}  # full titles from @title
        i1 = by_title[HANWEB_ITEMS[0][0]]
        assert i1.published == dt.date(2024, 5, 1) and i1.article_date is None
        assert i1.meta["索引号"] == "113304000/2024-00001" and i1.meta["文号"] == "柘政办〔2024〕1号"
        assert i1.meta["成文日期"] == "2024年01月01日"  # commented out in the page source
        assert i1.unit == "柘水县人民政府办公室" and i1.body_chars and not i1.image_only
        atts = {a["type"]: a for a in i1.attachments}
        assert set(atts) == {"pdf", "docx", "xlsx"} and all(a["text_chars"] > 0 for a in atts.values())
        docs = {d.url.rsplit("/", 1)[-1]: d for d in s.scalars(select(Document).where(Document.crawl_id == c.id))}
        assert "Notice attachment text 2024" in docs["a1.pdf"].text
        assert "检查表" in docs["a1.docx"].text and "城关镇\t12" in docs["a1.xlsx"].text
        assert docs["a1.pdf"].role == "attachment" and docs["a1.pdf"].item_id == i1.id and docs["a1.pdf"].body is None
        report = docs["report.pdf"]
        assert report.role == "annual_report" and report.body and report.body.startswith(b"%PDF")
        assert by_title[HANWEB_ITEMS[1][0]].image_only  # body only images
        scanned = by_title[HANWEB_ITEMS[2][0]]
        assert scanned.image_only and scanned.attachments[0]["scanned"] is True
        assert by_title[HANWEB_ITEMS[5][0]].article_date == dt.date(2023, 11, 28)  # differs from the list date
        assert by_title[HANWEB_ITEMS[5][0]].published == dt.date(2023, 12, 1)
        # access limits: restricted, never missing
        for name, why in (("内部资料", "HTTP 403"), ("内部通知", "IP地址范围未授权"), ("办公系统", "login")):
            assert cols[name].status == "restricted" and why in (cols[name].status_detail or ""), name
        assert cols["人才招聘"].offsite and cols["人才招聘"].status == "not_fetched"
        restricted_pages = s.scalars(select(Page).where(Page.crawl_id == c.id, Page.restricted.is_not(None))).all()
        assert len(restricted_pages) == 3
        # link health: exact counts
        links = s.scalars(select(Link).where(Link.crawl_id == c.id)).all()
        broken = sorted((x.to_url.replace(base, "").replace(ext.url, "EXT"), x.status) for x in links if x.kind == "broken")
        assert broken == [("/old/missing.html", 404), ("EXT/gone/", 404)]
        empty = [x for x in links if x.kind == "empty"]
        assert len(empty) == 3  # '#', 'javascript:void(0)' on the home page, '#' on article 4
        get_only = [x for x in links if x.to_url == ext.url + "/get-only"][0]
        assert get_only.kind == "ok" and get_only.status == 200 and get_only.offsite  # HEAD 405 → GET 200
        assert {x.kind for x in links if x.to_url.endswith("/col/col3/index.html")} == {"restricted"}
        # evidence: a WARC file whose record ids are the pages' evidence refs
        pages = s.scalars(select(Page).where(Page.crawl_id == c.id, Page.status == 200)).all()
        with open(c.warc_path, "rb") as fh:
            ids = {r.rec_headers.get_header("WARC-Record-ID") for r in ArchiveIterator(fh)}
        assert pages and all(p.evidence_ref in ids and p.sha256 and p.depth is not None for p in pages)
        assert {p.depth for p in pages if p.kind == "portal"} == {1}

        g = crawls["gkmlpt"]
        assert (g.status, g.cms) == ("done", "gkmlpt")
        gcols = {col.path: col for col in s.scalars(select(Column).where(Column.crawl_id == g.id))}
        assert set(gcols) == {"通知公告", "规划计划", "规划计划/年度计划"}
        assert gcols["规划计划"].kind == "group" and gcols["规划计划"].url == gk.url + "/gkmlpt/index#11"
        got = {(i.title, i.published) for i in s.scalars(select(Item).where(Item.column_id == gcols["通知公告"].id))}
        want = {(t, dt.datetime.fromtimestamp(ts, dt.timezone(dt.timedelta(hours=8))).date())
                for t, _, ts in GK_ARTICLES["10"]}
        assert got == want and gcols["通知公告"].list_pages == 2 and gcols["通知公告"].declared_count == 3
        plan = s.scalars(select(Item).where(Item.column_id == gcols["规划计划/年度计划"].id)).one()
        assert plan.meta["索引号"] == "007/2024-201" and plan.unit == "白石县政府办"

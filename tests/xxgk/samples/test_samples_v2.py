"""Sample world v2: government portals, new CMS families, dynamic endpoints, encodings, link health,
restrictions, attachments, the hostile portal, fix_defects, server delay and failures."""

from __future__ import annotations

import datetime as dt
import http.client
import io
import json
import re
import time
from collections import Counter
from pathlib import Path
from urllib.parse import quote, urljoin, urlsplit

import pytest
from parsel import Selector

from xxgk.samples import generate_world
from xxgk.samples.generate import render_portal
from xxgk.samples.server import SampleServer
from xxgk.samples.world import build_portal

KW = {"seed": 2024, "n_universities": 1, "n_governments": 6, "include_hostile": True, "include_down": True}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("v2world")
    generate_world(out, **KW)
    return out


@pytest.fixture(scope="module")
def server(world: Path):
    with SampleServer(world) as srv:
        yield srv


def _m(world: Path, slug: str) -> dict:
    return json.loads((world / slug / "manifest.json").read_text(encoding="utf-8"))


def _govs(world: Path) -> list[dict]:
    data = json.loads((world / "world.json").read_text(encoding="utf-8"))
    return [_m(world, p["slug"]) for p in data["portals"] if p["kind"] == "government"]


class Client:
    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)

    def get(self, path: str, method: str = "GET", body: str | None = None) -> tuple[int, dict[str, str], bytes]:
        headers = {"Content-Type": "application/x-www-form-urlencoded"} if body else {}
        self.conn.request(method, path, body=body, headers=headers)
        resp = self.conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()


def _client(server: SampleServer, slug: str) -> Client:
    return Client(server.urls[slug])


def _text(world: Path, slug: str, path: str, encoding: str = "utf-8") -> str:
    file = world / slug / path.lstrip("/")
    return file.read_bytes().decode(encoding)


def _biggest(m: dict) -> dict:
    cols = [c for c in m["columns"] if c["kind"] == "list" and not c["offsite"] and not c["restricted"]]
    return max(cols, key=lambda c: c["item_count"])


# ---- world shape, determinism ---------------------------------------------------------------------------

def test_world_lists_governments_and_families(world: Path) -> None:
    data = json.loads((world / "world.json").read_text(encoding="utf-8"))
    kinds = Counter(p["kind"] for p in data["portals"])
    assert kinds == {"university": 2, "government": 7}
    govs = _govs(world)
    assert {m["cms"] for m in govs} == {"hanweb", "empire", "trs-dyn", "gkmlpt", "generic"}
    for m in govs:
        assert {v["status"] for v in m["checklist"].values()} == {"not_applicable"} and len(m["checklist"]) == 50
        names = {c["name"] for c in m["columns"]}
        assert {"政府信息公开指南", "政府信息公开制度", "法定主动公开内容", "政府信息公开年报"} <= names
    assert [m["slug"] for m in govs if m["down"]] == ["g07"]


def test_generation_is_deterministic_with_dynamic_answers(world: Path, server: SampleServer, tmp_path: Path) -> None:
    generate_world(tmp_path, **KW)
    files = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(world).as_posix() for p in world.rglob("*") if p.is_file())
    assert all((tmp_path / f).read_bytes() == (world / f).read_bytes() for f in files)
    with SampleServer(tmp_path) as other:
        for slug in ("g01", "g03", "g04", "g06"):
            col = _biggest(_m(world, slug))
            paths = col["page_urls"] + [c for c in [col.get("family", {}).get("api")] if c]
            for path in paths:
                path = path.replace("{page}", "2")
                a, b = _client(server, slug).get(path), _client(other, slug).get(path)
                assert a[0] == b[0] == 200 and a[2] == b[2], path


# ---- families ------------------------------------------------------------------------------------------

def test_hanweb_datastore_and_dataproxy_groups(world: Path, server: SampleServer) -> None:
    for slug, repeat in (("g01", False), ("g06", True)):
        m = _m(world, slug)
        col = _biggest(m)
        fam = col["family"]
        assert fam["repeat_boundary"] is repeat and fam["group_pages"] == 3
        assert re.fullmatch(r"/col/col\d+/index\.html", col["url"])
        html = _text(world, slug, col["url"])
        assert '<script type="text/xml"><datastore>' in html and "/module/web/jpage/dataproxy.jsp" in html
        assert f"var totalRecord = {col['item_count']};" in html
        for key in ("col:", "webid:", "path:", "columnid:", "unitid:", "webname:", "permissiontype:"):
            assert key in html
        first = re.findall(r"href='([^']+)'", html.split("<recordset>")[1].split("</recordset>")[0])
        assert len(first) == fam["first_group_records"] == min(3 * fam["perpage"], col["item_count"])
        assert len(col["page_urls"]) >= 2 and col["pages"] == -(-col["item_count"] // fam["perpage"])
        client = _client(server, slug)
        urls, raw = list(first), 0
        for page_url in col["page_urls"][1:]:
            status, headers, body = client.get(page_url)
            xml = body.decode("utf-8")
            assert status == 200 and "xml" in headers["content-type"]
            assert f"<totalrecord>{col['item_count']}</totalrecord>" in xml
            assert f"<totalpage>{col['pages']}</totalpage>" in xml
            got = re.findall(r"href='([^']+)'", xml)
            raw += len(got)
            if repeat:
                assert got[0] == urls[-1]  # the boundary record repeats
            urls += [u for u in got if u not in urls]
        assert urls == [i["url"] for i in col["items"]]
        assert raw == col["item_count"] - len(first) + (len(col["page_urls"]) - 1 if repeat else 0)
        # the same request as a POST form
        path, _, query = col["page_urls"][1].partition("?")
        assert client.get(path, "POST", query)[2] == client.get(col["page_urls"][1])[2]
        art = _text(world, slug, col["items"][0]["url"])
        assert re.search(r"/art/\d{4}/\d{1,2}/\d{1,2}/art_\d+_\d+\.html$", col["items"][0]["url"])
        assert 'id="zoom"' in art and col["items"][0]["title"] in art


def test_empire_static_pager_and_sidebar(world: Path) -> None:
    m = _m(world, "g02")
    col = _biggest(m)
    html = _text(world, "g02", col["url"], "gbk")
    assert f'<a title="Total record">&nbsp;<b>{col["item_count"]}</b>' in html
    assert col["page_urls"][1].endswith("/index_2.html") and col["page_urls"][-1].endswith(f"index_{col['pages']}.html")
    assert 'class="a2"href=' in html and 'class="li1"><a class="a1">' in html and "setLeftChnlTitle" in html
    urls = []
    for page_url in col["page_urls"]:
        sel = Selector(text=_text(world, "g02", page_url, "gbk"))
        urls += [urljoin(page_url, h) for h in sel.css("div.news_list li > a::attr(href)").getall()]
        assert sel.css("div.news_list li > span.time")
    assert urls == [i["url"] for i in col["items"]]
    last = _text(world, "g02", col["page_urls"][-1], "gbk")
    assert "下一页" not in last and "尾页" not in last
    art = Selector(text=_text(world, "g02", col["items"][0]["url"], "gbk"))
    assert art.css("h1.content_title::text").get() == col["items"][0]["title"]
    assert "/e/public/ViewClick/" in art.get() and art.css("div.content_attr span.time b::text").get()


def test_gkmlpt_api_totals(world: Path, server: SampleServer) -> None:
    m = _m(world, "g04")
    index = _text(world, "g04", "/gkmlpt/index")
    sid = re.search(r"SID: '(\d+)'", index).group(1)
    assert "window._CONFIG" in index
    client = _client(server, "g04")
    for col in [c for c in m["columns"] if c["kind"] == "list" and not c["offsite"] and not c["restricted"]][:6]:
        assert col["url"].startswith("/gkmlpt/index#")
        got = []
        for page_url in col["page_urls"]:
            assert f"sid={sid}" in page_url and page_url.startswith("/gkmlpt/api/all/")
            status, headers, body = client.get(page_url)
            data = json.loads(body)
            assert status == 200 and data["total"] == col["item_count"]
            got += data["articles"]
        assert [a["url"] for a in got] == [i["url"] for i in col["items"]]
        cst = dt.timezone(dt.timedelta(hours=8))
        assert [dt.datetime.fromtimestamp(a["created_at"], cst).date().isoformat() for a in got] == \
            [i["date"] for i in col["items"]]
        assert all(re.fullmatch(r"/gkmlpt/content/\d+/\d+/post_\d+\.html", a["url"]) for a in got)
    assert client.get("/gkmlpt/api/all/1?page=1&sid=1")[0] == 404


def test_trs_dynamic_first_page_static_rest_from_api(world: Path, server: SampleServer) -> None:
    m = _m(world, "g03")
    client = _client(server, "g03")
    cols = [c for c in m["columns"] if c["kind"] == "list" and not c["restricted"] and c["item_count"]]
    assert any(c["needs_browser"] for c in cols) and any(not c["needs_browser"] for c in cols)
    for col in cols:
        assert col["needs_browser"] == (col["item_count"] > 10)
        html = _text(world, "g03", col["url"], "gb18030")
        assert "list2.trsapi" in html and 'quickMode:"动静结合"' in html
        static = Selector(text=html).css("ul#list li a::attr(href)").getall()
        assert [urljoin(col["url"], h) for h in static] == [i["url"] for i in col["items"][:10]]
        if col["needs_browser"]:
            api = col["family"]["api"]
            got = []
            for page in range(1, col["pages"] + 1):
                data = json.loads(client.get(api.replace("{page}", str(page)))[2])
                assert data["total"] == col["item_count"]
                got += [r["url"] for r in data["list"]]
            assert got == [i["url"] for i in col["items"]]
            assert col["page_urls"][1] == col["url"] + "?page=2"


def test_generic_template_has_no_known_fingerprint(world: Path) -> None:
    m = _m(world, "g05")
    col = _biggest(m)
    html = _text(world, "g05", col["url"], "gbk")
    for fp in ("datastore", "Total record", "gkmlpt", "pb_sys_common", "wp_paging", "createPageHTML", "TRS_Editor",
               "_showDynClickBatch", "/e/public/"):
        assert fp not in html
    assert f"共{col['item_count']}条" in html and "下一页" in html and "尾页" in html
    urls = []
    for page_url in col["page_urls"]:
        sel = Selector(text=_text(world, "g05", page_url, "gbk"))
        urls += [urljoin(page_url, h) for h in sel.css("div.listbox p a::attr(href)").getall()]
    assert urls == [i["url"] for i in col["items"]]


# ---- encodings -------------------------------------------------------------------------------------------

def test_encodings_round_trip(world: Path, server: SampleServer) -> None:
    expect = {"g02": ("gbk", True), "g03": ("gb18030", True), "g05": ("gbk", False), "g01": ("utf-8", True)}
    for slug, (encoding, declared) in expect.items():
        m = _m(world, slug)
        assert (m["encoding"], m["charset_declared"]) == (encoding, declared)
        col = _biggest(m)
        status, headers, body = _client(server, slug).get(col["page_urls"][0])
        if encoding != "utf-8":
            with pytest.raises(UnicodeDecodeError):
                body.decode("utf-8")
        text = body.decode(encoding)
        assert col["name"] in text
        if declared:
            assert headers["content-type"] == f"text/html; charset={encoding}" and f"charset={encoding}" in text
        else:
            assert headers["content-type"] == "text/html" and "charset" not in text.split("</head>")[0]


# ---- links, restrictions, robots, search, off-site -----------------------------------------------------

def _pages(world: Path, m: dict) -> dict[str, str]:
    root = world / m["slug"]
    out = {}
    for f in root.rglob("*"):
        path = "/" + f.relative_to(root).as_posix()
        if f.is_file() and not path.startswith("/.xxgk/") and (f.suffix in (".htm", ".html") or "gkmlpt/" in path
                                                               and not f.suffix):
            out[path] = f.read_bytes().decode(m["encoding"])
    return out


@pytest.mark.parametrize("slug", ["g01", "g03", "g04", "g05"])
def test_link_counts_equal_manifest(world: Path, server: SampleServer, slug: str) -> None:
    m = _m(world, slug)
    status_of = {}
    client = _client(server, slug)
    broken, empty = set(), 0
    for path, text in _pages(world, m).items():
        if path in m["status_overrides"]:
            continue
        text = re.sub(r"<script\b.*?</script>", "", text, flags=re.S)
        for a in Selector(text=text).css("a[href]"):
            href = a.attrib["href"].strip()
            if href in ("", "#") or href.lower().startswith("javascript:"):
                empty += 1
                continue
            target = urljoin(path, href)
            if target not in status_of:
                if target.startswith("http://ext-jy"):
                    real = urlsplit(server.resolve(target))
                    status_of[target] = Client(f"http://{real.netloc}/").get(real.path, "HEAD")[0]
                else:
                    status_of[target] = client.get(target, "HEAD")[0]
            if status_of[target] >= 400 and status_of[target] not in (401, 403):
                broken.add((path, target))
    assert len(broken) == len(m["links"]["broken"]) == m["inspection"]["broken_links"]
    assert broken == {(b["from"], b["to"]) for b in m["links"]["broken"]}
    assert empty == len(m["links"]["empty"]) == m["inspection"]["empty_links"]


def test_restricted_sections(world: Path, server: SampleServer) -> None:
    reasons = set()
    for m in _govs(world):
        if m["down"]:
            continue
        client = _client(server, m["slug"])
        for r in m["restricted"]:
            reasons.add(r["reason"])
            status, headers, body = client.get(r["url"])
            text = body.decode(m["encoding"])
            if r["reason"] in ("http_401", "http_403"):
                assert status == int(r["reason"][-3:])
            elif r["reason"] == "login_redirect":
                assert status == 302 and headers["location"].startswith("/login.html")
                assert client.get(headers["location"])[0] == 200
            else:
                assert status == 200 and ("IP地址范围未授权" in text or "访问受限" in text)
            col = next(c for c in m["columns"] if c["url"] == r["url"])
            assert col["restricted"] == r["reason"] and col["item_count"] == 0
    assert reasons == {"http_401", "http_403", "login_redirect", "ip_range", "access_limited"}


def test_robots_search_and_offsite(world: Path, server: SampleServer) -> None:
    m = _m(world, "g02")
    robots = _client(server, "g02").get("/robots.txt")[2].decode()
    assert [line.split(": ")[1] for line in robots.splitlines() if line.startswith("Disallow")] == m["robots_disallow"]
    assert any(c["robots_disallowed"] for c in m["columns"])
    present = set()
    for m in _govs(world):
        if m["down"]:
            continue
        home = _text(world, m["slug"], m["home"], m["encoding"])
        present.add(m["search"]["present"])
        assert ("<form" in home) == m["search"]["present"]
        if not m["search"]["present"]:
            continue
        title = _biggest(m)["items"][3]["title"]
        url = m["search"]["query_url_template"].replace("{q}", quote(title.encode(m["encoding"])))
        status, _, body = _client(server, m["slug"]).get(url)
        assert status == 200 and title in body.decode(m["encoding"])
    assert present == {True, False}
    for m in (_m(world, "g02"), _m(world, "g05")):
        live = [c for c in m["columns"] if c["offsite"] and not c["offsite_dead"]]
        dead = [c for c in m["columns"] if c["offsite_dead"]]
        assert live and dead
        for col in live:
            real = urlsplit(server.resolve(col["url"]))
            assert Client(f"http://{real.netloc}/").get(real.path)[0] == 200
            assert all(i["url"].startswith("http://ext-jy.xxgk.invalid/") for i in col["items"])
        assert any(b["to"] == dead[0]["url"] and b["status"] == 404 for b in m["links"]["broken"])


def test_hidden_tabs_and_js_menus(world: Path) -> None:
    m = _m(world, "g03")
    hidden = [c for c in m["columns"] if c["hidden"]]
    assert hidden
    platform = _text(world, "g03", m["portal"], "gb18030")
    hidden_blocks = re.findall(r'<ul class="sx-c1-list list1" style="display: none;">(.*?)</ul>', platform)
    assert len(hidden_blocks) == len(hidden) and all(block.count("<li>") for block in hidden_blocks)
    sidebar = _text(world, "g03", m["columns"][0]["url"], "gb18030").split('<div class="left">')[1].split("</div>")[0]
    assert all(c["name"] not in sidebar for c in hidden)
    m = _m(world, "g02")
    js = [c for c in m["columns"] if c["js_menu"]]
    assert js
    page = _text(world, "g02", m["columns"][1]["url"], "gbk")
    outside = re.sub(r"<script\b.*?</script>", "", page, flags=re.S)
    for c in js:
        assert c["url"] in page and c["url"].rsplit("/", 2)[-2] not in outside


# ---- articles ------------------------------------------------------------------------------------------

def test_items_truncated_dates_attachments_image_only(world: Path, server: SampleServer) -> None:
    import pdfplumber
    from docx import Document
    from openpyxl import load_workbook

    seen = Counter()
    for m in _govs(world):
        if m["down"]:
            continue
        for col in m["columns"]:
            for item in col.get("items", []):
                if item["truncated"]:
                    seen["truncated"] += 1
                if "article_date" in item:
                    seen["date_diff"] += 1
                    assert item["list_date"] == item["date"] != item["article_date"]
                if item["image_only"]:
                    seen["image_only"] += 1
                    html = _text(world, m["slug"], item["url"], m["encoding"])
                    assert "<img" in html
                for att in item["attachments"]:
                    data = (world / m["slug"] / att["url"].lstrip("/")).read_bytes()
                    seen[att["type"] + ("-scanned" if att["scanned"] else "")] += 1
                    if att["type"] == "pdf":
                        text = pdfplumber.open(io.BytesIO(data)).pages[0].extract_text() or ""
                        assert (att["text_sample"] in text.replace("\n", "")) if not att["scanned"] else not text.strip()
                    elif att["type"] == "docx":
                        assert Document(io.BytesIO(data)).paragraphs[0].text == att["text_sample"]
                    else:
                        assert load_workbook(io.BytesIO(data)).active["A1"].value == att["text_sample"]
    assert {"truncated", "date_diff", "image_only", "pdf", "docx", "xlsx", "pdf-scanned"} <= set(seen)


def test_truncated_titles_keep_full_title(world: Path) -> None:
    m = _m(world, "g01")
    col = next(c for c in m["columns"] if any(i["truncated"] for i in c.get("items", [])))
    item = next(i for i in col["items"] if i["truncated"])
    html = _text(world, "g01", col["url"])
    assert f"title='{item['full_title']}'" in html and item["full_title"][:22] + "..." in html


# ---- inspection facts, units ---------------------------------------------------------------------------

def test_inspection_facts_match_columns(world: Path) -> None:
    sides = Counter()
    for m in _govs(world):
        as_of = dt.date.fromisoformat(m["as_of"])
        cols = [c for c in m["columns"] if c["kind"] == "list" and not c["offsite"] and not c["restricted"]]

        def stale(c: dict, days: int, as_of: dt.date = as_of) -> bool:
            return c["newest"] is None or (as_of - dt.date.fromisoformat(c["newest"])).days > days

        ins = m["inspection"]
        assert ins["dynamic_columns_stale"] == sum(c["column_type"] in ("动态", "要闻") and stale(c, 14) for c in cols)
        assert ins["notice_policy_stale"] == sum(c["column_type"] in ("通知公告", "政策文件") and c["first_level"]
                                                 and stale(c, 183) for c in cols)
        assert ins["long_unupdated"] == sum(c["should_update"] and c["item_count"] > 0 and stale(c, 365) for c in cols)
        assert ins["blank_columns"] == sum(c["item_count"] == 0 for c in cols)
        if m["home_newest"]:
            assert ins["home_updated_within_14d"] == ((as_of - dt.date.fromisoformat(m["home_newest"])).days <= 14)
        sides["stale5"] += ins["dynamic_notice_stale_total"] >= 5
        sides["blank5"] += ins["blank_columns"] >= 5
        sides["long10"] += ins["long_unupdated"] >= 10
        sides["home_stale"] += not ins["home_updated_within_14d"]
        sides["no_interaction"] += not ins["has_interaction"]
        sides["clean"] += not ins["veto"]
    assert all(0 < v < 7 for v in sides.values()), sides


def test_units_publish_monthly_with_blank_months(world: Path) -> None:
    gaps = consecutive = 0
    for m in _govs(world):
        assert m["unit_quota"] == 2
        for unit in m["units"]:
            col = next(c for c in m["columns"] if c["url"] == unit["column_url"])
            assert len(unit["monthly"]) == 12 and col["unit"] == unit["name"]
            assert sum(unit["monthly"].values()) == sum(i["date"][:7] in unit["monthly"] for i in col["items"])
            zeros = [v == 0 for v in unit["monthly"].values()]
            gaps += any(zeros)
            consecutive += any(a and b for a, b in zip(zeros, zeros[1:], strict=False))
    assert gaps and consecutive


# ---- server: delay, failures, down -----------------------------------------------------------------------

def test_failing_articles_down_portal_and_delay(world: Path, server: SampleServer) -> None:
    m = _m(world, "g06")
    failing = [i for c in m["columns"] for i in c.get("items", []) if i["status"] == 500]
    assert len(failing) == 3
    assert all(_client(server, "g06").get(i["url"])[0] == 500 for i in failing)
    with pytest.raises(ConnectionRefusedError):
        _client(server, "g07").get("/")
    assert _m(world, "g07")["down"] is True
    with SampleServer(world, delay=0.05) as slow:
        client = _client(slow, "g01")
        start = time.perf_counter()
        for _ in range(3):
            assert client.get("/index.html")[0] == 200
        assert time.perf_counter() - start >= 0.15


# ---- hostile portal, fix_defects ---------------------------------------------------------------------------

def test_hostile_portal_strings_in_truth_escaped_in_pages(world: Path) -> None:
    m = _m(world, "h01")
    names = [c["name"] for c in m["columns"]]
    titles = [i["title"] for c in m["columns"] for i in c["items"]]
    blob = "\n".join(names + titles)
    for needle in ("<script>alert(1)</script>", "\"双引号\" '单引号'", "&amp;lt;", "\u202e", "\u200b", "=HYPERLINK("):
        assert needle in blob, needle
    assert max(len(t) for t in titles) >= 2000
    assert any(e["href"].startswith("javascript:") for e in m["links"]["empty"])
    for f in (world / "h01").rglob("*.htm"):
        assert "<script>alert(1)" not in f.read_text(encoding="utf-8")


def test_fix_defects_changes_only_the_fixed_items(tmp_path: Path) -> None:
    portal = build_portal(3, 2024, "poor")
    items = sorted(portal.defects)[:3]
    before = render_portal(build_portal(3, 2024, "poor"))
    after = render_portal(build_portal(3, 2024, "poor", fix=items))
    mb, ma = json.loads(before["/manifest.json"]), json.loads(after["/manifest.json"])
    for key in mb["checklist"]:
        if int(key) in items:
            assert ma["checklist"][key]["status"] == "pass" and ma["checklist"][key]["defect"] is None
        else:
            assert ma["checklist"][key] == mb["checklist"][key]
    old = {c["url"]: c for c in mb["columns"]}
    for col in ma["columns"]:
        if not set(map(int, col["checklist"])) & set(items) and col["url"] in old:
            assert col["items"] == old[col["url"]]["items"]
    # through generate_world: other portals are byte-identical
    generate_world(tmp_path / "a", seed=2024, n_universities=2, n_governments=0)
    generate_world(tmp_path / "b", seed=2024, n_universities=2, n_governments=0, fix_defects={"u02": ["1", "2"]})
    a = {p.relative_to(tmp_path / "a"): p.read_bytes() for p in (tmp_path / "a" / "u01").rglob("*") if p.is_file()}
    b = {p.relative_to(tmp_path / "b"): p.read_bytes() for p in (tmp_path / "b" / "u01").rglob("*") if p.is_file()}
    assert a == b

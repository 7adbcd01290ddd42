"""The sample world: determinism, manifest consistency, CMS markup and internal links."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from parsel import Selector

from xxgk.samples import generate_world
from xxgk.samples.generate import render_portal
from xxgk.samples.world import build_portal

ENTRY_TEXTS = {"信息公开", "信息公开网", "信息公开专栏"}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("world")
    generate_world(out, seed=2024, n_universities=12, n_governments=0)
    return out


def _manifests(world: Path) -> list[dict]:
    data = json.loads((world / "world.json").read_text(encoding="utf-8"))
    return [json.loads((world / p["manifest"]).read_text(encoding="utf-8")) for p in data["portals"]]


def _file(root: Path, url: str) -> Path:
    path = urlsplit(url).path
    if path.endswith("/"):
        for name in ("index.htm", "index.html", "main.htm"):
            if (root / path.lstrip("/") / name).exists():
                return root / path.lstrip("/") / name
    return root / path.lstrip("/")


def _page(root: Path, url: str) -> Selector:
    return Selector(text=_file(root, url).read_text(encoding="utf-8"))


def _tree(tmp: Path) -> dict[str, bytes]:
    return {p.relative_to(tmp).as_posix(): p.read_bytes() for p in sorted(tmp.rglob("*")) if p.is_file()}


def test_same_seed_gives_byte_identical_files(tmp_path: Path) -> None:
    generate_world(tmp_path / "a", seed=99, n_universities=4, n_governments=0)
    generate_world(tmp_path / "b", seed=99, n_universities=4, n_governments=0)
    a, b = _tree(tmp_path / "a"), _tree(tmp_path / "b")
    assert a.keys() == b.keys()
    assert all(a[k] == b[k] for k in a)
    generate_world(tmp_path / "c", seed=100, n_universities=4, n_governments=0)
    assert _tree(tmp_path / "c") != a


def test_world_has_three_families_and_spread(world: Path) -> None:
    data = json.loads((world / "world.json").read_text(encoding="utf-8"))
    assert data["as_of"] == "2026-11-01" and data["seed"] == 2024
    assert len(data["portals"]) >= 12
    assert {p["cms"] for p in data["portals"]} == {"vsb", "webplus", "trs"}
    assert len({p["template"] for p in data["portals"]}) == 6
    passes = [sum(v["status"] == "pass" for v in m["checklist"].values()) for m in _manifests(world)]
    assert max(passes) >= 48 and min(passes) <= 38  # rankings spread out


def test_manifest_checklist_is_consistent(world: Path) -> None:
    for m in _manifests(world):
        assert set(m["checklist"]) == {str(i) for i in range(1, 51)}
        by_url = {c["url"]: c for c in m["columns"] if c["url"]}
        defects = set()
        for key, entry in m["checklist"].items():
            cols = [by_url[u] for u in entry["columns"]]
            assert all(key in c["checklist"] for c in cols)
            filled = [c for c in cols if c["item_count"] > 0 or c["kind"] == "content"]
            if not cols:
                assert (entry["status"], entry["defect"]) == ("fail", "missing")
            elif not filled:
                assert (entry["status"], entry["defect"]) == ("fail", "blank")
                assert all(c["item_count"] == 0 for c in cols)
            else:
                assert entry["status"] == "pass" and entry["published"]
                assert entry["defect"] in (None, "stale")
                if entry["defect"] == "stale":
                    assert entry["newest"] < "2024-11-01"
            defects.add(entry["defect"])
        # every tree column with a checklist key is accounted for by that key
        for col in m["columns"]:
            for key in col["checklist"]:
                assert col["url"] in m["checklist"][key]["columns"]


def test_manifest_columns_and_items_exist(world: Path) -> None:
    for m in _manifests(world):
        root = world / m["slug"]
        assert _file(root, m["home"]).exists() and _file(root, m["portal"]).exists()
        kinds = {c["kind"] for c in m["columns"]}
        assert kinds == {"list", "content", "group"}
        assert [c["name"] for c in m["columns"] if c["kind"] == "group"][0] == "基本信息"
        for col in m["columns"] + m["other_columns"]:
            if col["kind"] == "group":
                assert col["parent"] is None and col["children"]
                continue
            assert _file(root, col["url"]).exists(), col["url"]
            if col["kind"] == "list":
                assert col["declared_total"] == col["item_count"] == len(col["items"])
                assert col["pages"] == max(1, -(-col["item_count"] // col["page_size"]))
                assert len(col["page_urls"]) == col["pages"]
                dates = [i["date"] for i in col["items"]]
                assert dates == sorted(dates, reverse=True)
                assert col["newest"] == (dates[0] if dates else None)
                assert all(d <= m["as_of"] for d in dates)
            for item in col["items"]:
                assert _file(root, item["url"]).exists(), item["url"]


def _items_on_pages(root: Path, col: dict, row_xpath: str) -> list[str]:
    urls = []
    for page_url in col["page_urls"]:
        sel = _page(root, page_url)
        urls += [urljoin(page_url, h) for h in sel.css(row_xpath).getall()]
    return urls


def _pick(m: dict, min_pages: int = 2) -> dict:
    return next(c for c in m["columns"] if c["kind"] == "list" and c["pages"] >= min_pages)


def test_vsb_markup(world: Path) -> None:
    for m in (m for m in _manifests(world) if m["cms"] == "vsb"):
        root = world / m["slug"]
        col = _pick(m)
        entry = col["url"]
        stem = entry[: -len(".htm")]
        total = col["pages"]
        assert col["page_urls"][1] == f"{stem}/{total - 1}.htm" and col["page_urls"][-1] == f"{stem}/1.htm"
        first = _page(root, entry)
        html = _file(root, entry).read_text(encoding="utf-8")
        assert "<!--Announced by Visual SiteBuilder 9-->" in html
        assert "/system/resource/js/dynclicks.js" in html and "_showDynClickBatch(" in html
        assert first.css("div.pb_sys_common span.p_t::text").get() == f"共{col['item_count']}条"
        assert first.css("span.p_first_d.p_fun_d") and first.css("span.p_prev_d") and first.css("span.p_no_d")
        assert len(first.css("li[id^=line_u5_]")) == col["page_size"]
        last = _page(root, col["page_urls"][-1])
        assert last.css("span.p_next_d") and last.css("span.p_last_d")
        assert last.css("span.p_t::text").getall()[-1] == f"{total}/{total}"
        got = _items_on_pages(root, col, "li[id^=line_u5_] a::attr(href)")
        assert got == [i["url"] for i in col["items"]]
        if m["template"] == "vsb-b":
            assert first.css("li[id^=line_u5_] a.title.tt1::attr(title)").get() == col["items"][0]["title"]
        else:
            assert first.css("li[id^=line_u5_] > a > h4") and first.css("li[id^=line_u5_] p.date")
        art = _page(root, col["items"][0]["url"])
        assert art.css('meta[name="ArticleTitle"]::attr(content)').get() == col["items"][0]["title"]
        assert art.css('meta[name="PubDate"]::attr(content)').get().startswith(col["items"][0]["date"])
        assert art.css("#vsb_content .v_news_content p")
        assert re.fullmatch(r"/info/\d+/\d+\.htm", col["items"][0]["url"])


def test_webplus_markup(world: Path) -> None:
    for m in (m for m in _manifests(world) if m["cms"] == "webplus"):
        root = world / m["slug"]
        col = _pick(m)
        assert col["url"].endswith("/list.htm") and col["page_urls"][1].endswith("/list2.htm")
        html = _file(root, col["url"]).read_text(encoding="utf-8")
        assert "/_css/_system/system.css" in html
        first = _page(root, col["url"])
        assert first.css("em.all_count::text").get() == str(col["item_count"])
        assert first.css("em.per_count::text").get() == str(col["page_size"])
        assert first.css("em.all_pages::text").get() == str(col["pages"])
        assert first.css("em.curr_page::text").get() == "1"
        assert first.css("a.next::attr(href)").get() == col["page_urls"][1]
        assert first.css("a.last::attr(href)").get() == col["page_urls"][-1]
        last = _page(root, col["page_urls"][-1])
        assert last.css("a.next::attr(href)").get() == "javascript:void(0);"
        rows = first.css("[id^=wp_news_w] ul.news_list li.news")
        assert len(rows) == col["page_size"]
        assert rows[0].css("span.news_title a::attr(title)").get() == col["items"][0]["title"]
        assert rows[0].css("span.news_meta::text").get() == col["items"][0]["date"]
        got = _items_on_pages(root, col, "ul.news_list li.news span.news_title a::attr(href)")
        assert got == [i["url"] for i in col["items"]]
        assert re.fullmatch(r"/[0-9a-f]+/[0-9a-f]+/c\d+a\d+/page\.htm", col["items"][0]["url"])
        art = _page(root, col["items"][0]["url"])
        assert art.css("h1.arti_title::text").get() == col["items"][0]["title"]
        assert art.css("p.arti_metas span.arti_update::text").get() == f"发布时间：{col['items'][0]['date']}"
        assert art.css(".wp_articlecontent p")


def test_trs_markup(world: Path) -> None:
    for m in (m for m in _manifests(world) if m["cms"] == "trs"):
        root = world / m["slug"]
        col = _pick(m)
        base = col["url"] if col["url"].endswith("/") else col["url"][: -len("index.html")]
        assert col["page_urls"][1:] == [f"{base}index_{k}.html" for k in range(1, col["pages"])]
        html = _file(root, col["url"]).read_text(encoding="utf-8")
        count = re.search(r"createPageHTML\s*\(\s*(\d+)", html) or re.search(r"var countPage\s*=\s*(\d+)", html)
        assert count and int(count.group(1)) == col["pages"]
        after = html.split("</script>")[-1]
        assert f'<a href="index_{col["pages"] - 1}.html" target="_self">尾页</a>' in after
        got = _items_on_pages(root, col, "table.gl_list td a::attr(href), ul.sx-c1-list li a::attr(href)")
        assert got == [i["url"] for i in col["items"]]
        assert re.search(r"/\d{6}/t\d{8}_\d+\.html$", col["items"][0]["url"])
        art_html = _file(root, col["items"][0]["url"]).read_text(encoding="utf-8")
        art = Selector(text=art_html)
        assert art.css('meta[name="ArticleTitle"]::attr(content)').get() == col["items"][0]["title"]
        assert art.css('meta[name="ColumnName"]::attr(content)').get() == col["name"]
        assert art.css("div.TRS_Editor p") and "<p><strong>索引号</strong>：" in art_html


def test_home_links_to_portal(world: Path) -> None:
    places = set()
    for m in _manifests(world):
        root = world / m["slug"]
        home = _page(root, m["home"])
        links = [(a.css("::text").get(), urljoin("/index.htm", a.attrib.get("href", ""))) for a in home.css("a")]
        entry = [(t, u) for t, u in links if t in ENTRY_TEXTS]
        assert entry and entry[0][1] == m["portal"]
        places.add(m["entry"]["place"])
        portal = _page(root, m["portal"])
        names_on_portal = set(portal.css("a::text").getall())
        for col in m["columns"]:
            if col["kind"] != "group":
                assert col["name"] in names_on_portal
        for col in m["other_columns"]:
            assert col["url"] not in {c["url"] for c in m["columns"]}
    assert places == {"header", "footer"}


HREF = re.compile(r"""href=["']([^"'#]+)["']""")


@pytest.mark.parametrize("index", [0, 1, 2, 3, 4, 5])
def test_internal_links_resolve(index: int) -> None:
    portal = build_portal(index, 2024, "poor")
    files = render_portal(portal)
    for path, text in files.items():
        if not path.endswith((".htm", ".html")):
            continue
        for href in HREF.findall(text):
            if href.startswith(("javascript:", "http")) or href.endswith((".css", ".js", ".jpg")):
                continue
            target = urlsplit(urljoin(path, href)).path
            ok = target in files or (target.endswith("/") and target + "index.html" in files)
            assert ok, f"{portal.template}: {path} links to missing {href}"


def test_hostile_names_are_escaped() -> None:
    portal = build_portal(0, 2024, "good")
    portal.name = '<script>alert("x")</script>&大学'
    portal.categories[0].children[0].name = "<b>栏目</b>"
    for cms, template in (("vsb", "vsb-a"), ("webplus", "webplus-b"), ("trs", "trs-b")):
        portal.cms, portal.template = cms, template
        portal.cache.clear()
        files = render_portal(portal)
        for path, text in files.items():
            if path.endswith(".json"):
                continue
            assert "<script>alert" not in text and "<b>栏目" not in text, path


def test_blank_columns_render_chrome_and_landing_pages_vary(world: Path) -> None:
    landing = set()
    blanks = 0
    for m in _manifests(world):
        root = world / m["slug"]
        groups = [c for c in m["columns"] if c["kind"] == "group"]
        landing.add(all(g["url"] for g in groups))
        for g in groups:
            if g["url"]:
                page = _page(root, g["url"])
                assert set(g["children"]) <= {f"{g['name']}/{t}" for t in page.css("a::text").getall()}
        for col in m["columns"]:
            if col["defect"] == "blank":
                blanks += 1
                html = _file(root, col["url"]).read_text(encoding="utf-8")
                assert col["item_count"] == 0 and "学风建设信息" in html  # full tree, no items
                assert not re.search(r"/info/\d+/\d+\.htm|c\d+a\d+/page\.htm|/t\d{8}_\d+\.html", html)
    assert landing == {True, False} and blanks > 0

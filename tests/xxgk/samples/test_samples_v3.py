"""Sample world v3: layout variants, the dev / held-out split and the two portals made from real markup."""

from __future__ import annotations

import json
import re
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from xxgk.samples.server import SampleServer
from xxgk.samples.v3 import generate_set, recipes
from xxgk.samples.v3.layout import uncovered
from xxgk.samples.v3.sets import HELDOUT_DISTANCE


@pytest.fixture(scope="module")
def worlds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return {name: generate_set(tmp_path_factory.mktemp(name), name).parent for name in ("dev", "heldout")}


def _manifests(root: Path) -> dict[str, dict[str, Any]]:
    world = json.loads((root / "world.json").read_text(encoding="utf-8"))
    return {p["slug"]: json.loads((root / p["manifest"]).read_text(encoding="utf-8")) for p in world["portals"]}


def _page(root: Path, slug: str, url: str) -> str:
    path = root / slug / url.lstrip("/")
    if url.endswith("/"):
        path = next(path / n for n in ("index.html", "index.htm", "main.htm") if (path / n).exists())
    return path.read_text(encoding="utf-8")


def test_generation_is_deterministic(worlds: dict[str, Path], tmp_path: Path) -> None:
    again = generate_set(tmp_path / "again", "heldout").parent
    for f in sorted(worlds["heldout"].rglob("*")):
        if f.is_file():
            assert (again / f.relative_to(worlds["heldout"])).read_bytes() == f.read_bytes(), f


def test_portal_names_are_unique_within_a_set(worlds: dict[str, Path]) -> None:
    for root in worlds.values():
        names = [p["name"] for p in json.loads((root / "world.json").read_text(encoding="utf-8"))["portals"]]
        assert len(set(names)) == len(names), names


def test_heldout_layouts_are_not_copies_of_dev_layouts() -> None:
    dev, held = recipes("dev"), recipes("heldout")
    assert {r.slug for r in dev}.isdisjoint({r.slug for r in held})
    for h in held:
        assert min(h.layout.distance(d.layout) for d in dev) >= HELDOUT_DISTANCE, h.slug
    assert all(a.layout.distance(b.layout) >= 3 for i, a in enumerate(held) for b in held[i + 1:])
    assert {r.seed for r in dev}.isdisjoint({r.seed for r in held})


def test_dev_set_shows_every_structural_choice() -> None:
    """Developers see every value of every choice in dev; held-out only recombines them differently."""
    assert not uncovered([r.layout for r in recipes("dev")])


def test_variants_cover_the_structural_choices() -> None:
    layouts = [r.layout for r in recipes("dev") + recipes("heldout")]
    assert len({x.nav for x in layouts}) >= 5
    assert {x.lists for x in layouts} == {"ul", "table", "div"}
    assert {"plain", "odd", "misspelt"} <= {x.naming for x in layouts}
    assert {True, False} == {x.banner for x in layouts} == {x.crumbs for x in layouts} == {x.folders for x in layouts}
    assert any(not x.nav_children for x in layouts)
    assert {"relative", "absolute"} <= {x.links for x in layouts}
    families = {(r.kind, r.family) for r in recipes("heldout")}
    assert {f for k, f in families if k == "university"} == {"vsb", "webplus", "trs"}
    assert any(k == "government" for k, _ in families)


def test_every_manifest_url_is_served_and_absolute_links_point_home(worlds: dict[str, Path]) -> None:
    for root in worlds.values():
        with SampleServer(root) as server:
            for slug, m in _manifests(root).items():
                base = server.urls[slug].rstrip("/")
                urls = [m["home"], m["portal"]]
                for c in m["columns"]:
                    urls += c["page_urls"] + [i["url"] for i in c["items"][:3]]
                for url in urls:
                    with urllib.request.urlopen(base + url, timeout=10) as resp:
                        body = resp.read()
                    assert resp.status == 200, (slug, url)
                    assert b"self.xxgk.invalid" not in body, (slug, url)
                assert not m["links"]["broken"], slug


def test_jlau_like_vsb_portal(worlds: dict[str, Path]) -> None:
    root = worlds["dev"]
    m = _manifests(root)["v01"]
    assert m["cms"] == "vsb" and 280 <= sum(c["item_count"] for c in m["columns"]) <= 330
    groups = [c for c in m["columns"] if c["kind"] == "group"]
    assert len(groups) == 10
    assert all(re.fullmatch(r"/xxgklm1/[a-z0-9]+\.htm", g["url"]) for g in groups)
    leaves = [c for c in m["columns"] if c["parent"]]
    assert all(re.fullmatch(r"/xxgklm1/[a-z0-9]+/[a-z0-9]+\.htm", c["url"]) for c in leaves)
    assert all(re.fullmatch(r"/info/\d+/\d+\.htm", i["url"]) for c in leaves for i in c["items"])
    home = _page(root, "v01", m["portal"])
    side, pane = home.split('<div class="main-content">', 1)
    for g in groups:  # the left 公开目录 lists the 10 categories, not their sub-columns
        assert g["url"].lstrip("/") in side
    assert not any(c["url"].lstrip("/") in side for c in leaves)
    assert all(c["url"].lstrip("/") in pane for c in leaves)  # the full two-level tree is in the content pane
    for g in groups:  # each category page lists its sub-columns in the content pane only
        page = _page(root, "v01", g["url"])
        side, pane = page.split('<div class="main-content">', 1)
        kids = [c for c in leaves if c["parent"] == g["name"]]
        assert kids and all(c["url"].rsplit("/", 1)[1] in pane and c["url"].rsplit("/", 1)[1] not in side
                            for c in kids)
    truth = {k: v["status"] for k, v in m["checklist"].items()}
    assert sum(s == "pass" for s in truth.values()) >= 45


def test_trs_county_portal(worlds: dict[str, Path]) -> None:
    root = worlds["dev"]
    m = _manifests(root)["v02"]
    assert m["cms"] == "trs" and m["kind"] == "government"
    home = _page(root, "v02", m["home"])
    menu = re.search(r'<table id="([^"]+)"[^>]*>(.*?)</table>', home, re.S)
    assert menu and menu.group(1) not in ("menu", "nav", "topmenu")  # a misspelt id
    channels = {c["channel"]: c for c in m["columns"] if c["channel"]}
    assert set(channels) == {"service", "interaction"}
    assert all(c["url"] in menu.group(2) or c["url"].lstrip("/") in menu.group(2) for c in channels.values())
    assert m["inspection"]["has_service"] and m["inspection"]["has_interaction"] and not m["inspection"]["veto"]
    catalogue = next(c for c in m["columns"] if c["name"] == "信息公开目录")
    kids = [c for c in m["columns"] if c["parent"] == "信息公开目录"]
    assert len(kids) == 6
    landing = _page(root, "v02", catalogue["url"])
    side, pane = landing.split('<div class="main-content">', 1)
    assert all(c["url"].split("/")[-2] in pane and c["url"].split("/")[-2] not in side for c in kids)
    assert [c["url"] for c in kids if not c["items"]] == m["v3"]["blank_columns"] == m["inspection"]["blank_column_urls"]
    assert m["inspection"]["long_unupdated"] == 1 and m["v3"]["stale_columns"]
    # the template banner shares the body's class and comes first; the body is the second TRS_Editor
    article = _page(root, "v02", kids[0]["items"][0]["url"])
    blocks = re.findall(r'<div class="TRS_Editor">(.*?)</div></div>', article, re.S)
    assert len(blocks) == 2 and "banner" in blocks[0] and "条例" in blocks[1]


def test_no_product_module_imports_the_samples() -> None:
    repo = Path(__file__).resolve().parents[3]
    for folder in ("crawler", "scoring", "reports"):
        for f in (repo / folder).rglob("*.py"):
            assert "xxgk.samples" not in f.read_text(encoding="utf-8"), f
    for f in (repo / "xxgk" / "samples" / "v3").rglob("*.py"):  # truth is never the scorer's own logic
        assert not re.search(r"^\s*(from|import)\s+scoring\b", f.read_text(encoding="utf-8"), re.M), f


STRIP = re.compile(r"<script\b.*?</script>|<!--.*?-->", re.S | re.I)
HREF = re.compile(r'<a\b[^>]*?\bhref="([^"]*)"', re.I)


def _links(root: Path, slug: str, url: str) -> set[str]:
    """Site paths the page at ``url`` links to by static hrefs (scripts and comments skipped)."""
    from xxgk.samples.linkscan import _join

    out = set()
    for h in HREF.findall(STRIP.sub("", _page(root, slug, url))):
        h = h.replace("&amp;", "&").replace("http://self.xxgk.invalid", "")
        if h and not h.startswith(("javascript:", "#", "http", "mailto:")):
            out.add(_join(url.rsplit("/", 1)[0] + "/", h).split("#")[0])
    return out


def _reachable(root: Path, slug: str, start: str) -> set[str]:
    seen, todo = {start}, [start]
    while todo:
        url = todo.pop()
        try:
            targets = _links(root, slug, url)
        except (FileNotFoundError, StopIteration, UnicodeDecodeError):
            continue
        todo += sorted(targets - seen)
        seen |= targets
    return seen


def test_every_column_and_item_is_reachable_from_the_home_page(worlds: dict[str, Path]) -> None:
    for root in worlds.values():
        for slug, m in _manifests(root).items():
            seen = _reachable(root, slug, m["home"])
            want = {u for c in m["columns"] for u in c["page_urls"] + [i["url"] for i in c["items"]]}
            assert want <= seen, (slug, sorted(want - seen)[:5])


def test_nav_without_children_leaves_sub_columns_to_landing_pages(worlds: dict[str, Path]) -> None:
    checked = 0
    for r in recipes("dev") + recipes("heldout"):
        if r.layout.nav_children:
            continue
        root = worlds["dev" if r.slug.startswith("v") else "heldout"]
        m = _manifests(root)[r.slug]
        leaves = {c["url"] for c in m["columns"] if c["parent"]}
        some_leaf = next(c for c in m["columns"] if c["parent"] and c["items"])
        others = leaves - {some_leaf["url"]}  # a column page links itself (crumbs, pager), the nav no other
        assert not others & _links(root, r.slug, some_leaf["page_urls"][0]), r.slug
        for g in (c for c in m["columns"] if c["kind"] == "group"):
            kids = {c["url"] for c in m["columns"] if c["parent"] == g["name"]}
            assert kids <= _links(root, r.slug, g["url"]), (r.slug, g["name"])
        checked += 1
    assert checked >= 3


def test_banner_shares_the_body_class_and_comes_first(worlds: dict[str, Path]) -> None:
    body_class = {"vsb": "v_news_content", "webplus": "wp_articlecontent", "trs": "TRS_Editor",
                  "generic": "article-con"}
    for r in recipes("dev") + recipes("heldout"):
        root = worlds["dev" if r.slug.startswith("v") else "heldout"]
        m = _manifests(root)[r.slug]
        col = next(c for c in m["columns"] if c["items"] and not c["channel"])
        page = _page(root, r.slug, col["items"][0]["url"])
        blocks = re.findall(rf'<div class="{body_class[r.family]}">(.*?)</div>', page, re.S)
        assert len(blocks) == (2 if r.layout.banner else 1), r.slug
        assert ("banner_xxgk" in blocks[0]) == r.layout.banner, r.slug

"""A page read while the portal page's output is still being handed on sees the portal's whole column
tree: where a column sits never depends on which page happened to be read first."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse, Request

from crawler.spiders.portal import PortalSpider
from crawler.spiders.settled import settled
from xxgk.samples import generate_world

BASE = "http://127.0.0.1:8000"


@pytest.fixture(scope="module")
def trs_portal(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The TRS university of the resume test's world: every column page repeats the whole tree in a
    table sidebar, the portal page's nav lists the same tree."""
    world = tmp_path_factory.mktemp("settled") / "world"
    generate_world(world, seed=2024, n_universities=3, n_governments=0)
    site = next(d for d in sorted(world.iterdir()) if (d / "manifest.json").exists()
                and json.loads((d / "manifest.json").read_text(encoding="utf-8"))["cms"] == "trs")
    return site


def _response(site: Path, path: str, **meta: object) -> HtmlResponse:
    body = (site / path.lstrip("/")).read_bytes()
    req = Request(BASE + path, meta=dict(meta))
    return HtmlResponse(BASE + path, body=body, encoding="utf-8", request=req)


def test_a_column_page_read_between_the_portals_outputs_sees_its_whole_tree(trs_portal: Path) -> None:
    manifest = json.loads((trs_portal / "manifest.json").read_text(encoding="utf-8"))
    top = [c for c in manifest["columns"] if c["parent"] is None and c["url"]]
    nested = next(c for c in manifest["columns"] if c["parent"] is not None and c["url"])  # its sidebar: the tree
    spider = PortalSpider(crawl_id=1, site_id=1, start_url=BASE + "/", limits={})
    portal = iter(spider.parse_portal(_response(trs_portal, manifest["portal"])))
    next(portal)  # Scrapy takes one output, then may run another response's callback
    assert all(BASE + c["url"] in spider.url_key for c in top), "the portal's nav was registered half-way"
    key = spider.url_key[BASE + nested["url"]]
    list(spider.parse_column(_response(trs_portal, nested["url"], column=key, first=True, depth=2)))
    list(portal)
    paths = {rec.url: rec.path for rec in spider.columns.values() if rec.url}
    wrong = {c["url"]: paths.get(BASE + c["url"]) for c in top if paths.get(BASE + c["url"]) != c["path"]}
    assert not wrong, wrong


def test_settled_runs_the_whole_callback_before_returning() -> None:
    seen: list[int] = []

    def callback() -> object:
        for i in range(3):
            seen.append(i)
            yield i

    out = settled(callback)()
    assert seen == [0, 1, 2] and out == [0, 1, 2]

"""The ranking of a large run is paginated and grouped: no page holds more than the page size, every
site is on exactly one page of the ranking and one of its group, and the index lists every group."""

from __future__ import annotations

import re
from collections import Counter

import lxml.html
import pytest
from sqlalchemy import update

from bench.synthetic import make_store
from reports.formats import html as html_format
from reports.pagination import NO_GROUP, page_file, paginate
from reports.render import render_report
from xxgk.store import Site, session_factory, session_scope

N_SITES, PAGE = 230, 50
GROUPS = ("广东省", "江苏省", "四川省")


def _group_of(i: int) -> str | None:
    """Site i's group: most in 广东省 (so it needs two pages), some ungrouped."""
    return None if i % 10 == 9 else "广东省" if i % 2 == 0 else GROUPS[1 + i % 3 // 2]


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    root = tmp_path_factory.mktemp("big")
    store = make_store(f"sqlite:///{root / 's.sqlite'}", n_sites=N_SITES, n_runs=1, n_sections=2, per_section=3,
                       hostile=False, veto=False, volume=False)
    with session_scope(session_factory(store.db_url)) as s:
        for i, sid in enumerate(store.site_ids):
            s.execute(update(Site).where(Site.id == sid).values(group=_group_of(i)))
    groups = {sid: (_group_of(i) or NO_GROUP) for i, sid in enumerate(store.site_ids)}
    out = root / "out"
    mp = pytest.MonkeyPatch()
    mp.setattr(html_format, "PAGE_SIZE", PAGE)
    try:
        with session_scope(session_factory(store.db_url)) as s:
            render_report(s, store.runs[-1], None, out, formats="html,csv")
    finally:
        mp.undo()
    return store, out, groups


def _ranked(path) -> list[tuple[int, int]]:
    """(rank, site id) of each row of the page's ranking table."""
    doc = lxml.html.parse(str(path)).getroot()
    rows = []
    for tr in doc.xpath('//table[@id="ranking"]/tbody/tr'):
        href = tr.xpath('.//td[@class="site"]/a/@href')[0]
        rows.append((int(tr.xpath("./td[1]")[0].text_content()), int(re.search(r"site-(\d+)\.html", href)[1])))
    return rows


def _pager_links(path) -> list[str]:
    doc = lxml.html.parse(str(path)).getroot()
    return doc.xpath('(//p[contains(@class, "pager")])[1]/a/@href')


def test_ranking_pages_hold_every_site_once_in_rank_order(big):
    store, out, _groups = big
    pages = [out / page_file("index", n) for n in range(1, 6)]  # 230 sites / 50 = 5 pages
    assert not (out / page_file("index", 6)).exists()
    assert _pager_links(pages[0]) == [page_file("index", n) for n in range(2, 6)]
    rows = [_ranked(p) for p in pages]
    assert [len(r) for r in rows] == [50, 50, 50, 50, 30]
    flat = [r for page in rows for r in page]
    assert sorted(sid for _rank, sid in flat) == sorted(store.site_ids)
    ranks = [rank for rank, _sid in flat]
    assert ranks == sorted(ranks) and ranks[0] == 1
    # a later page links back to page 1 and to the others, and names its position
    assert _pager_links(pages[2]) == [page_file("index", n) for n in (1, 2, 4, 5)]
    assert "第 101–150 名，共 230 个网站" in pages[2].read_text(encoding="utf-8")


def test_index_lists_every_group_with_its_totals_and_group_pages_hold_its_sites(big):
    store, out, groups = big
    doc = lxml.html.parse(str(out / "index.html")).getroot()
    listed = {}
    for tr in doc.xpath('//table[@id="groups"]/tbody/tr'):
        cells = tr.xpath("./td")
        listed[cells[0].text_content()] = (cells[0].xpath("./a/@href")[0], int(cells[1].text_content()))
    expected = Counter(groups.values())
    assert {name: n for name, (_href, n) in listed.items()} == dict(expected)
    assert list(listed)[-1] == NO_GROUP
    all_ranks = dict((sid, rank) for p in out.glob("*.html") if p.name.startswith(("index", "ranking"))
                     for rank, sid in _ranked(p))
    for name, (href, n) in listed.items():
        stem = href.removesuffix(".html")
        pagers = paginate(list(range(n)), stem, PAGE)
        members = []
        for pager in pagers:
            rows = _ranked(out / pager.file)
            assert len(rows) <= PAGE
            members += rows
        assert not (out / page_file(stem, len(pagers) + 1)).exists()
        assert sorted(sid for _r, sid in members) == sorted(s for s, g in groups.items() if g == name)
        assert all(all_ranks[sid] == rank for rank, sid in members), "group pages show the run's ranks"
    assert expected["广东省"] > PAGE and len(paginate(list(range(expected["广东省"])), "g", PAGE)) == 3


def test_a_small_run_keeps_one_ranking_table(tmp_path):
    store = make_store(f"sqlite:///{tmp_path / 's.sqlite'}", n_sites=6, n_runs=1)
    with session_scope(session_factory(store.db_url)) as s:
        render_report(s, store.runs[-1], None, tmp_path / "out", formats="html,csv")
    index = tmp_path / "out" / "index.html"
    assert len(_ranked(index)) == 6
    assert not list((tmp_path / "out").glob("ranking-page-*.html")) and not list((tmp_path / "out").glob("group-*"))
    assert 'id="groups"' not in index.read_text(encoding="utf-8")

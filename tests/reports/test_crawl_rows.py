"""columns.csv and items.csv streamed in chunks are byte for byte the CSVs of one whole frame."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from reports.crawl_rows import COLUMN_COLUMNS, ITEM_COLUMNS, CrawlRows, write_chunks
from xxgk.store import Column, Crawl, Item, Run, Site, session_factory


def _store(tmp_path: Path):
    s = session_factory(f"sqlite:///{tmp_path / 'c.db'}")()
    run, other = Run(), Run()
    s.add_all([run, other])
    s.flush()
    crawl_site = {}
    for k in range(3):
        site = Site(url=f"http://c{k}.test/", name=f"=站{k}", key=f"c{k}")
        s.add(site)
        s.flush()
        crawl = Crawl(run_id=run.id, site_id=site.id, status="done")
        s.add(crawl)
        s.flush()
        crawl_site[crawl.id] = site.id
        group = Column(crawl_id=crawl.id, name="基本信息", path="基本信息", url=None, kind="group")
        s.add(group)
        s.flush()
        for j in range(4):
            # declared_count is null only in the last site's columns: earlier chunks hold no null
            col = Column(crawl_id=crawl.id, parent_id=group.id, name=f"栏目{j}", path="" if j == 3 else f"基本信息/栏目{j}",
                         url=f"http://c{k}.test/{j}/", item_count=j, declared_count=None if k == 2 else j,
                         has_content=j == 1)
            s.add(col)
            s.flush()
            for i in range(j):
                s.add(Item(column_id=col.id, crawl_id=crawl.id, title=f"信息{i}", url=f"http://c{k}.test/{j}/{i}",
                           published=dt.date(2026, 1, 1 + i) if i else None))
    stray = Crawl(run_id=other.id, site_id=1, status="done")  # another run's rows stay out
    s.add(stray)
    s.flush()
    s.add(Column(crawl_id=stray.id, name="别的", path="别的", url="http://x.test/"))
    s.flush()
    names = {sid: f"=站{sid - 1}" for sid in crawl_site.values()}
    return s, CrawlRows(s, run.id, crawl_site, names, {sid: f"http://c{sid - 1}.test/" for sid in names})


def test_chunks_write_the_whole_frames_csv(tmp_path: Path):
    session, rows = _store(tmp_path)
    whole = write_chunks(rows.column_chunks(rows=10**6), COLUMN_COLUMNS, tmp_path / "whole.csv")
    parts = write_chunks(rows.column_chunks(rows=4), COLUMN_COLUMNS, tmp_path / "parts.csv")
    assert parts.read_bytes() == whole.read_bytes()
    assert parts.read_bytes().startswith("\ufeff".encode())
    table = list(csv.DictReader(parts.open(encoding="utf-8-sig")))
    assert len(table) == 3 * 5
    assert [r["declared_count"] for r in table[:5]] == ["", "0.0", "1.0", "2.0", "3.0"]  # floats, as one frame
    assert table[1]["site_name"] == "'=站0"  # formula-neutralised
    assert [r["empty"] for r in table[:5]] == ["False", "True", "False", "False", "False"]
    whole_items = write_chunks(rows.item_chunks(rows=10**6), ITEM_COLUMNS, tmp_path / "wi.csv")
    part_items = write_chunks(rows.item_chunks(rows=2), ITEM_COLUMNS, tmp_path / "pi.csv")
    assert part_items.read_bytes() == whole_items.read_bytes()
    items = list(csv.DictReader(part_items.open(encoding="utf-8-sig")))
    assert len(items) == 3 * (0 + 1 + 2 + 3)
    assert {r["column_path"] for r in items} == {"基本信息/栏目1", "基本信息/栏目2", "栏目3"}  # empty path: the name
    counts = rows.counts()
    assert {sid: (c.columns, c.blank, c.items) for sid, c in counts.items()} == {
        sid: (5, 1, 6) for sid in counts} and len(counts) == 3
    session.close()


def test_an_empty_run_writes_the_header_only(tmp_path: Path):
    s = session_factory(f"sqlite:///{tmp_path / 'e.db'}")()
    run = Run()
    s.add(run)
    s.flush()
    out = write_chunks(CrawlRows(s, run.id, {}, {}, {}).item_chunks(), ITEM_COLUMNS, tmp_path / "i.csv",
                       {"title": "标题"})
    assert out.read_text(encoding="utf-8-sig").splitlines() == [",".join(
        "标题" if n == "title" else n for n in ITEM_COLUMNS)]
    s.close()

"""Crawl the whole sample world v2 (universities + government portals, GBK, Hanweb, 帝国, TRS
动静结合, gkmlpt, an unknown template, restricted sections, off-site columns) and compare with every
`manifest.json` (`world_check.compare_world`).

About a minute on 2 cores; it is the crawler's ground-truth test, so it always runs.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from world_check import compare_world, register_world_run

from xxgk.store import Crawl, default_db_url, session_factory

samples = pytest.importorskip("xxgk.samples")
server = pytest.importorskip("xxgk.samples.server")



def test_sample_world_v2_matches_manifests(tmp_path: Path, crawl_in_subprocess) -> None:
    world_dir = Path(samples.generate_world(tmp_path / "world", seed=2024, n_universities=6)).parent
    db_url = default_db_url(tmp_path / "store.sqlite")
    factory = session_factory(db_url)
    with server.SampleServer(world_dir) as srv:
        urls = dict(srv.urls)
        run_id = register_world_run(db_url, world_dir, urls, "samples v2")
        crawl_in_subprocess(db_url, run_id, timeout=900)
        ext = dict(srv.external_urls)
    with factory() as s:
        assert s.scalars(select(Crawl).where(Crawl.run_id == run_id)).all()
        problems = compare_world(s, run_id, world_dir, urls, ext)
    assert not problems, "\n".join(problems[:40])

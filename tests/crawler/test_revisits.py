"""A re-audit of an unchanged world keeps each body once: revisit records, page rows that point at the body."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from sqlalchemy import select
from storekit import add_run_with_sites
from warcio.archiveiterator import ArchiveIterator

from crawler.evidence import Payload, WarcLog
from xxgk.samples import generate_world
from xxgk.samples.server import SampleServer
from xxgk.store import Crawl, Page, default_db_url, session_factory

LIMITS = {"max_pages": 120, "max_articles": 40, "max_link_checks": 20, "max_offsite_checks": 0, "browser": False,
          "workers": 1, "log_level": "ERROR"}


def _records(path: Path) -> dict[str, tuple[str, bytes]]:
    """WARC-Record-ID → (record type, body) of one WARC file."""
    out = {}
    with path.open("rb") as fh:
        for rec in ArchiveIterator(fh):
            out[rec.rec_headers.get_header("WARC-Record-ID")] = (rec.rec_type, rec.content_stream().read())
    return out


def test_warclog_writes_a_revisit_for_a_body_it_already_keeps(tmp_path: Path) -> None:
    first = WarcLog(tmp_path / "a.warc.gz")
    ref = first.write("http://x.test/", 200, [("Content-Type", "text/html")], b"<html>same</html>")
    first.close()
    again = WarcLog(tmp_path / "b.warc.gz")
    digest = hashlib.sha256(b"<html>same</html>").hexdigest()
    again.prior = {digest: Payload(str(first.path), ref, "http://x.test/", "2026-12-01T00:00:00Z")}
    rid = again.write("http://x.test/", 200, [("Content-Type", "text/html")], b"<html>same</html>")
    assert again.last_payload is not None and again.last_payload.record_id == ref
    new = again.write("http://x.test/new", 200, [], b"<html>new</html>")
    assert again.last_payload is None
    dup = again.write("http://x.test/copy", 200, [], b"<html>new</html>")  # same body, same crawl
    assert again.last_payload is not None and again.last_payload.record_id == new
    again.close()
    records = _records(again.path)
    assert records[rid][0] == "revisit" and records[rid][1] == b""
    assert records[new] == ("response", b"<html>new</html>")
    assert records[dup][0] == "revisit"
    assert _records(first.path)[ref] == ("response", b"<html>same</html>")


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("world")
    generate_world(root, seed=2024, n_universities=2, n_governments=1)
    return root


def _warc_bytes(tmp_path: Path, run_id: int) -> int:
    return sum(p.stat().st_size for p in (tmp_path / "warc" / f"run-{run_id}").glob("*.warc.gz"))


def test_a_reaudit_of_an_unchanged_world_writes_revisits(world: Path, tmp_path: Path, crawl_in_subprocess) -> None:
    db = default_db_url(tmp_path / "store.sqlite")
    factory = session_factory(db)
    with SampleServer(world) as server:
        urls = dict(server.urls)
        with factory.begin() as s:
            first = add_run_with_sites(s, urls, label="first")
        crawl_in_subprocess(db, first, LIMITS)
        with factory.begin() as s:
            second = add_run_with_sites(s, urls, label="second")
        crawl_in_subprocess(db, second, LIMITS)
    first_warc, second_warc = _warc_bytes(tmp_path, first), _warc_bytes(tmp_path, second)
    assert first_warc > 0
    # the evidence of the unchanged re-audit is its revisit records (~0.5 KB each); the store's own rows
    # (pages, columns, items, links) are still written again per run, see docs/benchmarks.md
    assert second_warc <= first_warc / 3, (first_warc, second_warc)
    with factory() as s:
        kept = set(s.scalars(select(Page.sha256).join(Crawl).where(Crawl.run_id == first,
                                                                  Page.evidence_ref.is_not(None))))
        again = s.execute(
            select(Page.url, Page.sha256, Page.payload_warc, Page.payload_ref).join(Crawl)
            .where(Crawl.run_id == second, Page.sha256.is_not(None), Page.evidence_ref.is_not(None))
        ).all()
        # the crawls stop at a page limit, so their page sets can differ a little; every body the first
        # one kept is a revisit in the second
        assert len([r for r in again if r.sha256 in kept]) >= 0.8 * len(again)
        empty = hashlib.sha256(b"").hexdigest()  # an empty body is never worth a revisit
        assert all(r.payload_ref for r in again if r.sha256 in kept and r.sha256 != empty)
        revisited = [r for r in again if r.payload_ref]
        first_paths = {c.warc_path for c in s.scalars(select(Crawl).where(Crawl.run_id == first))}
    # a revisited page names the first run's record (or, for a body two URLs share, this run's own),
    # and that record holds the very body
    assert sum(1 for r in revisited if r.payload_warc in first_paths) >= 0.8 * len(revisited)
    by_file: dict[str, dict[str, tuple[str, bytes]]] = {}
    for _url, sha, warc, ref in revisited[:200]:
        records = by_file.setdefault(warc, _records(Path(warc)))
        kind, body = records[ref]
        assert kind == "response" and hashlib.sha256(body).hexdigest() == sha


def test_prior_payloads_follow_a_revisit_to_the_body_and_skip_lost_files(tmp_path: Path) -> None:
    from crawler.revisits import prior_payloads
    from xxgk.store import CRAWL_DONE

    db = default_db_url(tmp_path / "store.sqlite")
    factory = session_factory(db)
    original = tmp_path / "run-1.warc.gz"
    original.write_bytes(b"x")
    with factory.begin() as s:
        runs = [add_run_with_sites(s, {"site": "http://127.0.0.1:9/"}) for _ in range(3)]
        crawls = {c.run_id: c for c in s.scalars(select(Crawl))}
        for run_id, path in zip(runs, (original, tmp_path / "run-2.warc.gz", None), strict=True):
            crawls[run_id].status = CRAWL_DONE
            crawls[run_id].warc_path = str(path) if path else None
        s.add(Page(crawl_id=crawls[runs[0]].id, url="http://127.0.0.1:9/", sha256="a" * 64, evidence_ref="<r1>"))
        s.add(Page(crawl_id=crawls[runs[0]].id, url="http://127.0.0.1:9/b", sha256="b" * 64, evidence_ref="<r2>"))
        # run 2 revisited the home page; its own file is gone
        s.add(Page(crawl_id=crawls[runs[1]].id, url="http://127.0.0.1:9/", sha256="a" * 64, evidence_ref="<v1>",
                   payload_warc=str(original), payload_ref="<r1>"))
        s.add(Page(crawl_id=crawls[runs[1]].id, url="http://127.0.0.1:9/c", sha256="c" * 64, evidence_ref="<r3>"))
        site_id = crawls[runs[0]].site_id
    # the third run learns from the latest finished crawl with a WARC file: run 2
    prior = prior_payloads(db, site_id, runs[2])
    assert set(prior) == {"a" * 64}  # run 2's own body is in a file that no longer exists
    assert prior["a" * 64].record_id == "<r1>" and prior["a" * 64].warc == str(original)
    assert prior_payloads(db, site_id, runs[1])["b" * 64].record_id == "<r2>"  # run 2 learns from run 1

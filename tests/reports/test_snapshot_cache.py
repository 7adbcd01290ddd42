"""Archived evidence pages are sanitised once: cached beside the WARC, linked into every report."""

from __future__ import annotations

import pandas as pd
import pytest

import reports.snapshots as snapshots
from bench.synthetic import make_store
from reports.render import render_report
from reports.snapshots import CACHE_DIR, build_evidence
from xxgk.store import session_factory, session_scope


def _render(store, out):
    with session_scope(session_factory(store.db_url)) as s:
        render_report(s, store.runs[-1], None, out, formats="html,csv")


@pytest.fixture()
def evidence_store(tmp_path):
    store = make_store(f"sqlite:///{tmp_path / 's.sqlite'}", n_sites=3, n_runs=1, evidence_dir=tmp_path / "ev")
    return store, tmp_path


def test_a_second_render_reads_no_warc_and_writes_the_same_snapshot(evidence_store, monkeypatch):
    store, root = evidence_store
    _render(store, root / "first")
    first = sorted((root / "first" / "snapshots").glob("*.html"))
    assert first and list((root / "ev").rglob(f"{CACHE_DIR}/*/*.html"))
    assert "<script" not in first[0].read_text(encoding="utf-8")

    def no_warc(*_a, **_k):
        raise AssertionError("the WARC was read again")

    monkeypatch.setattr(snapshots, "read_records", no_warc)
    monkeypatch.setattr(snapshots, "snapshot_page", no_warc)
    _render(store, root / "second")
    second = sorted((root / "second" / "snapshots").glob("*.html"))
    assert [p.name for p in second] == [p.name for p in first]
    assert [p.read_bytes() for p in second] == [p.read_bytes() for p in first]
    site = (root / "second" / "sites" / f"site-{store.hostile_site}.html").read_text(encoding="utf-8")
    assert f'href="../snapshots/{second[0].name}"' in site


def test_a_new_sanitiser_version_remakes_the_snapshot(evidence_store, monkeypatch):
    store, root = evidence_store
    _render(store, root / "first")
    calls = []
    real = snapshots.snapshot_page
    monkeypatch.setattr(snapshots, "SNAPSHOT_VERSION", "test-next")
    monkeypatch.setattr(snapshots, "snapshot_page", lambda *a: calls.append(a) or real(*a))
    _render(store, root / "second")
    assert len(calls) == 1


def test_a_page_cited_by_many_rows_is_sanitised_once(evidence_store, monkeypatch, tmp_path):
    store, root = evidence_store
    _render(store, root / "first")
    pages = pd.DataFrame([{"site_id": 1, "url": "http://a/x", "status": 200, "fetched_at": None, "sha256": "0" * 64,
                           "content_type": "text/html", "evidence_ref": ref, "screenshot": None, "warc_path": warc}
                          for ref, warc in _record(store)])
    many = pd.concat([pages.assign(site_id=k, url=f"http://a/{k}") for k in range(50)], ignore_index=True)
    many["warc_path"] = str(tmp_path / "w" / "copy.warc.gz")  # not cached there yet
    (tmp_path / "w").mkdir()
    (tmp_path / "w" / "copy.warc.gz").write_bytes(open(pages.warc_path[0], "rb").read())
    calls = []
    real = snapshots.snapshot_page
    monkeypatch.setattr(snapshots, "snapshot_page", lambda *a: calls.append(a) or real(*a))
    out = build_evidence(many, tmp_path / "out")
    assert len(calls) == 1
    assert len({v["snapshot"] for v in out.values()}) == 1 and len(out) == 50
    assert len(list((tmp_path / "out" / "snapshots").glob("*.html"))) == 1


def _record(store):
    from sqlalchemy import select

    from xxgk.store import Crawl, Page

    with session_scope(session_factory(store.db_url)) as s:
        return s.execute(select(Page.evidence_ref, Crawl.warc_path).join(Crawl, Page.crawl_id == Crawl.id)
                         .where(Page.evidence_ref.is_not(None)).limit(1)).all()


def _warc_with(path, records):
    """A WARC file of (url, content type, body) responses; returns their record ids."""
    from io import BytesIO

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    ids = []
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for url, ctype, body in records:
            rec = writer.create_warc_record(url, "response", payload=BytesIO(body), http_headers=StatusAndHeaders(
                "200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1"))
            writer.write_record(rec)
            ids.append(rec.rec_headers.get_header("WARC-Record-ID"))
    return ids


def test_an_archived_document_is_the_served_file_under_a_safe_name(tmp_path):
    """A PDF is placed as its own bytes (not decoded as text into a page), named from its URL made safe,
    with the suffix of its content type: a hostile URL cannot pick the folder or make it an HTML file."""
    pdf = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    urls = ["http://a/files/2023%E5%B9%B4%E6%8A%A5.pdf",  # 2023年报.pdf
            "http://a/files/..%2F..%2Fevil%E2%80%AE%0Almth.html",  # ../../evil<RLO>\nlmth.html, served as a PDF
            "http://a/page.htm"]
    warc = tmp_path / "w" / "site.warc.gz"
    warc.parent.mkdir()
    refs = _warc_with(warc, [(urls[0], "application/pdf", pdf), (urls[1], "application/pdf; qs=1", pdf),
                             (urls[2], "text/html", b"<p>x</p><script>alert(1)</script>")])
    ctypes = ["application/pdf", "application/pdf; qs=1", "text/html"]
    pages = pd.DataFrame([{"site_id": 1, "url": u, "status": 200, "fetched_at": None, "sha256": "0" * 64,
                           "content_type": c, "evidence_ref": r, "screenshot": None, "warc_path": str(warc)}
                          for u, c, r in zip(urls, ctypes, refs, strict=True)])
    out = tmp_path / "out"
    got = build_evidence(pages, out)
    first, hostile, page = (got[(1, u)]["snapshot"] for u in urls)
    assert first.startswith("attachments/") and first.endswith("-2023年报.pdf")
    assert hostile.startswith("attachments/") and hostile.endswith(".pdf") and hostile.count("/") == 1
    assert "\u202e" not in hostile and "\n" not in hostile and ".." not in hostile
    assert (out / first).read_bytes() == pdf and (out / hostile).read_bytes() == pdf
    assert page.startswith("snapshots/") and "<script" not in (out / page).read_text(encoding="utf-8")
    assert sorted(p.name for p in (out / "attachments").iterdir()) == sorted([first[12:], hostile[12:]])
    again = build_evidence(pages, tmp_path / "again")  # from the cache beside the WARC, the same bytes
    assert (tmp_path / "again" / first).read_bytes() == pdf and again[(1, urls[0])] == got[(1, urls[0])]

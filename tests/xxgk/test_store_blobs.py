"""Document bodies are stored once per content: written if absent, read back as before, dropped with
the last document that names them, and moved out of `documents.body` by migration 0009."""

import hashlib

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, func, inspect, select, text

from tests.storekit import new_crawl
from xxgk.history import prune_runs
from xxgk.store import Blob, Crawl, Document, delete_crawl_contents, make_engine, session_factory
from xxgk.store.blobs import document_row, document_rows
from xxgk.store.migrate import alembic_config, current_revision
from xxgk.store.session import session_scope

PDF = b"%PDF-1.4\x00\xff report"
DOCX = b"PK\x03\x04 docx bytes"


def _crawl(s, site_url: str = "http://a.test/") -> int:
    return new_crawl(s, site_url).id


def _docs(s, crawl_id: int, bodies: dict[str, bytes | None]) -> None:
    for url, body in bodies.items():
        s.add(Document(**document_row(s, {"crawl_id": crawl_id, "url": url, "doc_type": "pdf", "body": body})))
    s.flush()


def _blobs(s) -> dict[str, bytes]:
    return {b.sha256: b.data for b in s.scalars(select(Blob))}


@pytest.fixture()
def factory(store_url):
    return session_factory(store_url)


def test_same_bytes_are_stored_once_and_read_back_per_document(factory):
    with session_scope(factory) as s:
        first, again = _crawl(s), _crawl(s)
        _docs(s, first, {"http://a.test/r.pdf": PDF, "http://a.test/n.html": None})
        _docs(s, again, {"http://a.test/r.pdf": PDF, "http://a.test/copy.pdf": PDF, "http://a.test/x.docx": DOCX})
    with session_scope(factory) as s:
        assert _blobs(s) == {hashlib.sha256(PDF).hexdigest(): PDF, hashlib.sha256(DOCX).hexdigest(): DOCX}
        bodies = {(d.crawl_id, d.url): d.body for d in s.scalars(select(Document))}
        assert bodies == {(first, "http://a.test/r.pdf"): PDF, (first, "http://a.test/n.html"): None,
                          (again, "http://a.test/r.pdf"): PDF, (again, "http://a.test/copy.pdf"): PDF,
                          (again, "http://a.test/x.docx"): DOCX}


def test_one_batch_with_repeated_bytes_writes_one_blob(factory):
    with session_scope(factory) as s:
        crawl = _crawl(s)
        rows = document_rows(s, [{"crawl_id": crawl, "url": f"http://a.test/{i}.pdf", "doc_type": "pdf", "body": PDF}
                                 for i in range(3)])
        assert {r["body_sha256"] for r in rows} == {hashlib.sha256(PDF).hexdigest()} and "body" not in rows[0]
        s.add_all(Document(**r) for r in rows)
    with session_scope(factory) as s:
        assert s.scalar(select(func.count()).select_from(Blob)) == 1
        assert s.scalar(select(func.count(Document.id))) == 3


def test_a_document_body_cannot_be_set_directly():
    with pytest.raises(TypeError, match="document_row"):
        Document(url="http://a.test/r.pdf", doc_type="pdf", body=PDF)


def test_pruning_a_run_drops_its_own_blobs_and_keeps_shared_ones(factory):
    with session_scope(factory) as s:
        old, new = _crawl(s), _crawl(s)
        _docs(s, old, {"http://a.test/r.pdf": PDF, "http://a.test/old.docx": DOCX})
        _docs(s, new, {"http://a.test/r.pdf": PDF})
    with session_scope(factory) as s:
        old_run = s.get(Crawl, old).run_id
        assert prune_runs(s, keep=1).deleted == [old_run]
    with session_scope(factory) as s:
        assert _blobs(s) == {hashlib.sha256(PDF).hexdigest(): PDF}
        assert [d.body for d in s.scalars(select(Document))] == [PDF]
    with session_scope(factory) as s:
        delete_crawl_contents(s, [new])
    with session_scope(factory) as s:
        assert _blobs(s) == {}


def test_a_resumed_crawl_rebuilding_its_documents_drops_their_blobs(tmp_path):
    """The local pipeline's resume clears the crawl's documents; blobs only they named go with them."""
    from crawler.pipelines import StorePipeline

    factory = session_factory(f"sqlite:///{tmp_path / 'r.sqlite'}")
    with session_scope(factory) as s:
        crawl, other = _crawl(s), _crawl(s)
        _docs(s, crawl, {"http://a.test/r.pdf": PDF, "http://a.test/x.docx": DOCX})
        _docs(s, other, {"http://a.test/r.pdf": PDF})
    with session_scope(factory) as s:
        StorePipeline._clear_derived(s, crawl)
    with session_scope(factory) as s:
        assert _blobs(s) == {hashlib.sha256(PDF).hexdigest(): PDF}


def _old_store(url: str) -> None:
    """A store at revision 0008 (bodies in `documents.body`), with two documents sharing their bytes."""
    command.upgrade(alembic_config(url=url), "0008")
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO runs (id, started_at, mode, status, config) "
                          "VALUES (1, '2026-01-01', 'ranking', 'done', '{}')"))
        conn.execute(text("INSERT INTO sites (id, url, name, tags) VALUES (1, 'http://a.test/', 'a', '[]')"))
        conn.execute(text("INSERT INTO crawls (id, run_id, site_id, status, pages, browser_pages, facts) "
                          "VALUES (1, 1, 1, 'done', 0, 0, '{}')"))
        for i, body in enumerate([PDF, PDF, DOCX, None], 1):
            conn.execute(text("INSERT INTO documents (id, crawl_id, url, doc_type, tables, body) "
                              "VALUES (:i, 1, :u, 'pdf', '[]', :b)"), {"i": i, "u": f"http://a.test/{i}", "b": body})
    engine.dispose()


def test_migration_moves_existing_bodies_into_blobs(store_url):
    _old_store(store_url)
    engine = make_engine(store_url)  # upgrades to the newest revision
    assert current_revision(engine) == ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert "body" not in {c["name"] for c in inspect(engine).get_columns("documents")}
    with session_factory(store_url)() as s:
        assert {d.id: d.body for d in s.scalars(select(Document))} == {1: PDF, 2: PDF, 3: DOCX, 4: None}
        assert _blobs(s) == {hashlib.sha256(PDF).hexdigest(): PDF, hashlib.sha256(DOCX).hexdigest(): DOCX}


def test_migration_downgrade_puts_the_bodies_back(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    _old_store(url)
    make_engine(url).dispose()
    command.downgrade(alembic_config(url=url), "0008")
    engine = create_engine(url)
    with engine.connect() as conn:
        assert dict(conn.execute(text("SELECT id, body FROM documents ORDER BY id")).all()) == \
            {1: PDF, 2: PDF, 3: DOCX, 4: None}
        assert "blobs" not in inspect(conn).get_table_names()

"""WARC evidence files: one gzip member per record, read back by warcio and by the crawl's own replay.

`WarcLog` compresses records itself (ISA-L at a low level, one write per record) instead of through
warcio's gzip wrapper; the file must stay a valid record-at-a-time gzip WARC whatever the level.
"""

from __future__ import annotations

import gzip
import hashlib
import zlib
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from crawler.evidence import GzipMembers, WarcLog

HEADERS = [("Content-Type", "text/html; charset=gbk"), ("Set-Cookie", "a=1"), ("Set-Cookie", "b=2")]
BODIES = {
    "http://x.test/": "<html><body>政府信息公开</body></html>".encode("gbk"),
    "http://x.test/list_2.html": ("<li>通知公告</li>" * 2000).encode("utf-8"),
    "http://x.test/empty": b"",
    "http://x.test/a.pdf": bytes(range(256)) * 300,
}


def _write(path: Path) -> dict[str, str]:
    warc = WarcLog(path)
    ids = {}
    for url, body in BODIES.items():
        ids[url] = warc.write(url, 200, HEADERS, body, sha256=hashlib.sha256(body).hexdigest())
    warc.close()
    return ids


def _members(data: bytes) -> list[bytes]:
    """The decompressed gzip members of a file, in order."""
    out = []
    while data:
        d = zlib.decompressobj(zlib.MAX_WBITS + 16)
        out.append(d.decompress(data))
        assert d.eof
        data = d.unused_data
    return out


def test_records_read_back_with_their_bodies_headers_and_digests(tmp_path: Path) -> None:
    path = tmp_path / "site.warc.gz"
    ids = _write(path)
    seen = {}
    with path.open("rb") as fh:
        for rec in ArchiveIterator(fh, check_digests="raise"):
            url = rec.rec_headers.get_header("WARC-Target-URI")
            body = rec.content_stream().read()
            assert rec.rec_headers.get_header("WARC-Record-ID") == ids[url]
            assert [v for k, v in rec.http_headers.headers if k == "Set-Cookie"] == ["a=1", "b=2"]
            assert rec.rec_headers.get_header("WARC-Payload-Digest") == "sha256:" + hashlib.sha256(body).hexdigest()
            assert rec.digest_checker.passed is True  # block and payload digests verified (else: raised)
            seen[url] = body
    assert seen == BODIES


def test_each_record_is_its_own_gzip_member(tmp_path: Path) -> None:
    path = tmp_path / "site.warc.gz"
    _write(path)
    members = _members(path.read_bytes())
    assert len(members) == len(BODIES)
    assert all(m.startswith(b"WARC/1.0\r\n") and m.endswith(b"\r\n\r\n") for m in members)
    assert gzip.decompress(path.read_bytes()) == b"".join(members)  # plain gzip readers agree


def test_replay_index_and_a_torn_tail(tmp_path: Path) -> None:
    path = tmp_path / "site.warc.gz"
    _write(path)
    whole = path.stat().st_size
    with path.open("ab") as fh:  # a kill in the middle of the next record
        fh.write(gzip.compress(b"WARC/1.0\r\nWARC-Type: response\r\n" + b"x" * 5000)[:900])
    again = WarcLog(path)
    assert again.load_index() == len(BODIES)
    assert path.stat().st_size == whole
    rec = again.read("http://x.test/list_2.html")
    assert rec is not None and rec.body == BODIES["http://x.test/list_2.html"] and rec.status == 200


def test_gzip_members_at_any_level_read_back_the_same(tmp_path: Path) -> None:
    data = "第一条\r\n".encode() * 500
    for level in (0, 1, 3):
        path = tmp_path / f"l{level}.gz"
        with path.open("wb") as fh:
            out = GzipMembers(fh, level=level)
            out.write(data[:100])
            out.write(data[100:])
            out.flush()
            out.write(b"second")
            out.flush()
        assert _members(path.read_bytes()) == [data, b"second"]


def test_an_open_warc_between_records_holds_no_compressor(tmp_path: Path) -> None:
    """Every site in flight keeps its WARC open between records; a deflate state each (~350 KB with
    isal, which allocates through Python's allocator and so is traced here) made 100 sites hold 35 MB."""
    import tracemalloc

    logs = [WarcLog(tmp_path / f"site-{i}.warc.gz") for i in range(40)]
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for i, warc in enumerate(logs):
            warc.write(f"http://x.test/{i}.html", 200, [("Content-Type", "text/html")], b"<p>x</p>" * 200)
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
        for warc in logs:
            warc.close()
    assert held < 40 * 40_000, f"{held / 40:.0f} B held per open WARC"
    for i in (0, 39):
        again = WarcLog(tmp_path / f"site-{i}.warc.gz")
        assert again.load_index() == 1 and again.read(f"http://x.test/{i}.html").body == b"<p>x</p>" * 200

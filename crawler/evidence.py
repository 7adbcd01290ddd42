"""Evidence: one WARC file per site and run (warcio); screenshots are `crawler.screenshots`.

`WarcLog` appends `response` records (gzip per record, flushed at once so a killed crawl keeps
what it fetched) and indexes an existing file so a resumed crawl can replay it. A file cut
short by a kill is truncated back to its last complete record.

Each record is one gzip member at level `GZIP_LEVEL`, made by ISA-L (`isal`, zlib-compatible
output, zlib itself when it is not installed) and written at once: warcio's own gzip wrapper runs
zlib at level 9 and writes every piece of a record separately. For crawled pages of a few KB,
zlib's set-up per member dominates (~0.1 ms a record at any level); ISA-L's level 1 takes ~0.02 ms
and its file is ~6 % larger than zlib's level 9.

A body already kept (by the site's previous crawl, or earlier in this one: `WarcLog.prior`, keyed by
its sha256) is written as a `revisit` record (WARC 1.0 identical-payload-digest profile: headers, no
body) that refers to the record holding it, so a re-audit of an unchanged site stores each body once.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

log = logging.getLogger(__name__)

try:
    from isal.isal_zlib import compressobj
except ImportError:  # pragma: no cover - isal has wheels for the usual platforms
    from zlib import compressobj

GZIP_LEVEL = 1  # level of each record's gzip member (any level reads back the same)
GZIP_WBITS = zlib.MAX_WBITS + 16  # a gzip header and trailer, not a bare zlib stream


class GzipMembers:
    """A write-only stream that makes each flushed stretch one gzip member and writes it at once.

    warcio's `WARCWriter` (with its own gzip off) writes a record's pieces and then calls `flush()`
    once, so every record becomes exactly one member, as the WARC spec's record-at-a-time gzip
    asks and `ArchiveIterator` reads (offsets of records are offsets of members).

    The compressor exists only while a record is written: a deflate state is about 350 KB, and every
    site in flight keeps its WARC file open between records (100 sites held 35 MB of idle ones).
    """

    def __init__(self, fh: io.BufferedWriter, level: int = GZIP_LEVEL) -> None:
        self.fh = fh
        self.level = level
        self._parts: list[bytes] = []
        self._zip: Any = None

    def _member(self) -> Any:
        """The compressor of the member being written, made by its first write (or by an empty flush)."""
        if self._zip is None:
            self._zip = compressobj(self.level, zlib.DEFLATED, GZIP_WBITS)
        return self._zip

    def write(self, data: bytes) -> int:
        self._parts.append(self._member().compress(data))
        return len(data)

    def flush(self) -> None:
        """End the member, write it and push it to the OS (a killed crawl keeps it)."""
        self._parts.append(self._member().flush())
        self.fh.write(b"".join(self._parts))
        self.fh.flush()
        self._parts = []
        self._zip = None


@dataclass(frozen=True)
class Payload:
    """Where a body is kept: the WARC file and `response` record, and that record's URI and date."""

    warc: str
    record_id: str
    uri: str
    date: str


@dataclass
class Replayed:
    """A response read back from a WARC file."""

    url: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    record_id: str
    render: str


def warc_path_for(store_dir: Path, run_id: int, site_id: int) -> Path:
    """`<store dir>/warc/run-<id>/site-<id>.warc.gz`."""
    return Path(store_dir) / "warc" / f"run-{run_id}" / f"site-{site_id}.warc.gz"


class WarcLog:
    """Append-only WARC file of one crawl, with an index of the responses already in it."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.index: dict[str, int] = {}
        self.prior: dict[str, Payload] = {}  # sha256 → where that body is already kept
        self.last_payload: Payload | None = None  # set by write() when it wrote a revisit record
        self.revisits = 0
        self._fh: io.BufferedWriter | None = None
        self._writer: WARCWriter | None = None  # writes plain records into `GzipMembers`

    def load_index(self) -> int:
        """Index the existing file (url → offset of its last response); drop a torn tail."""
        if not self.path.exists():
            return 0
        good = 0
        try:
            with self.path.open("rb") as fh:
                it = ArchiveIterator(fh)
                for rec in it:
                    if rec.rec_type == "response":
                        url = rec.rec_headers.get_header("WARC-Target-URI")
                        off = it.get_record_offset()
                        rec.content_stream().read()
                        self.index[url] = off
                    else:
                        rec.content_stream().read()
                    good = it.get_record_offset() + it.get_record_length()
        except Exception as exc:  # torn last record after a kill
            log.info("WARC %s: truncating after a broken record (%s)", self.path, exc)
        size = self.path.stat().st_size
        if good < size:
            with self.path.open("r+b") as fh:
                fh.truncate(good)
            self.index = {u: o for u, o in self.index.items() if o < good}
        return len(self.index)

    def read(self, url: str) -> Replayed | None:
        """The response stored for `url`, or None."""
        off = self.index.get(url)
        if off is None:
            return None
        with self.path.open("rb") as fh:
            fh.seek(off)
            for rec in ArchiveIterator(fh):
                http = rec.http_headers
                body = rec.content_stream().read()
                return Replayed(
                    url=url,
                    status=int(http.get_statuscode()) if http else 200,
                    headers=list(http.headers) if http else [],
                    body=body,
                    record_id=rec.rec_headers.get_header("WARC-Record-ID"),
                    render=rec.rec_headers.get_header("WARC-X-Render") or "http",
                )
        return None

    def write(
        self,
        url: str,
        status: int,
        headers: list[tuple[str, str]],
        body: bytes,
        *,
        render: str = "http",
        reason: str = "",
        sha256: str | None = None,
    ) -> str:
        """Append one response record; returns its WARC-Record-ID. `sha256` is the body's hex
        digest when the caller has it (it becomes the record's payload digest)."""
        if self._writer is None:
            self._fh = open(self.path, "ab")  # noqa: SIM115 - kept open for the crawl
            self._writer = WARCWriter(GzipMembers(self._fh), gzip=False)
        http = StatusAndHeaders(f"{status} {reason or 'OK'}", headers, protocol="HTTP/1.1")
        digest = sha256 or hashlib.sha256(body).hexdigest()
        kept = self.prior.get(digest) if body else None
        if kept is not None:  # warcio adds the payload digest and the refers-to URI and date
            rec = self._writer.create_revisit_record(
                url, "sha256:" + digest, kept.uri, kept.date, http_headers=http,
                warc_headers_dict={"WARC-X-Render": render, "WARC-Refers-To": kept.record_id})
        else:
            extra = {"WARC-X-Render": render, "WARC-Payload-Digest": "sha256:" + digest}
            # the payload length lets warcio keep our digest and skip copying the body to a temp file
            rec = self._writer.create_warc_record(
                url, "response", payload=io.BytesIO(body), length=len(body), http_headers=http,
                warc_headers_dict=extra,
            )
        self._writer.write_record(rec)  # ends with a flush: the record is in the file
        record_id = rec.rec_headers.get_header("WARC-Record-ID")
        self.last_payload = kept
        if kept is not None:
            self.revisits += 1
        else:
            self.index[url] = -1  # written in this session; replay only reads older records
            if body:
                self.prior[digest] = Payload(str(self.path), record_id, url, rec.rec_headers.get_header("WARC-Date"))
        return record_id

    def close(self) -> None:
        if self._fh is not None:
            self._fh.flush()
            os.fsync(self._fh.fileno())
            self._fh.close()
            self._fh = None
            self._writer = None


__all__ = ["Payload", "Replayed", "WarcLog", "warc_path_for"]

"""A run's findings read from the store a batch of sites at a time, as the frames the formats render.

At national size the findings with their details are most of a report's memory (~0.5 MB a site held
whole). The site pages and findings.csv read them one batch of sites at a time, in (site, finding id)
order, so what is held is bounded by the batch; formats that need every finding at once (xlsx, json,
the bulletin, the evaluation report) still read the whole frame (`RunData.findings`).
A forked process (the site-page workers) opens its own read-only connection to the store, since no
connection may cross a fork; an in-memory or uncommitted store is read whole before forking instead.
"""

from __future__ import annotations

import json
import os
from bisect import bisect_left
from collections.abc import Iterator
from typing import Any

import pandas as pd
from sqlalchemy import Text, select, type_coerce
from sqlalchemy.orm import Session

from reports.finding_parts import CsvParts
from xxgk.store import Finding
from xxgk.store.session import read_only_engine, shared_url

FINDING_COLUMNS = [
    "run_id", "rubric_id", "site_id", "site_name", "site_url", "section_id", "section_name", "item_id",
    "item_name", "check_kind", "status", "credit", "points", "max_points", "message", "reason",
    "matched", "evidence_urls", "absence",
]
RAW = ["run_id", "rubric_id", "site_id", "section_id", "section_name", "item_id", "item_name", "check_kind",
       "status", "credit", "points", "max_points", "message", "reason", "evidence", "matched", "details"]
BATCH_SITES = 100  # sites whose findings are held at once


def _matched_text(matched: list) -> str:
    parts = []
    for m in matched or []:
        label = m.get("path") or m.get("name") or ""
        how = m.get("how") or ""
        score = m.get("score")
        parts.append(f"{label} [{how}{'' if score is None else f' {score:g}'}]")
    return "; ".join(parts)


def _absence_text(details: dict | None) -> str:
    """The evidence of absence of a fail finding (scoring/absence.py), one line; empty for the others."""
    absence = (details or {}).get("absence") if isinstance(details, dict) else None
    return str(absence.get("text") or "") if isinstance(absence, dict) else ""


FRAME_COLUMNS = [*FINDING_COLUMNS, "evidence_list", "matched_list", "details"]


def _finding_tuples(rows: list, names: dict, urls: dict) -> list[tuple]:
    """Raw finding rows (RAW order, JSON decoded) as FRAME_COLUMNS tuples (a frame is built from them
    column-wise: from dicts, pandas inspects every row's keys)."""
    out = []
    for (run_id, rubric_id, site_id, section_id, section_name, item_id, item_name, check_kind, status, credit,
         points, max_points, message, reason, evidence, matched, details) in rows:
        evidence, matched, details = evidence or [], matched or [], details or {}
        out.append((run_id, rubric_id, site_id, names.get(site_id, ""), urls.get(site_id, ""), section_id,
                    section_name, item_id, item_name, check_kind, status, credit, points, max_points, message,
                    reason or "", _matched_text(matched), " ".join(e.get("url", "") for e in evidence),
                    _absence_text(details), evidence, matched, details))
    return out


def finding_records(rows: list, names: dict, urls: dict) -> list[dict]:
    """Raw finding rows (RAW order, JSON decoded) as records keyed by FRAME_COLUMNS."""
    return [dict(zip(FRAME_COLUMNS, t, strict=True)) for t in _finding_tuples(rows, names, urls)]


def shape(rows: list, names: dict, urls: dict) -> pd.DataFrame:
    """Raw finding rows (RAW order, JSON decoded) as the findings frame (FRAME_COLUMNS)."""
    return pd.DataFrame.from_records(_finding_tuples(rows, names, urls), columns=FRAME_COLUMNS)


_JSON = ("evidence", "matched", "details")


def _json_columns(dialect: str) -> list:
    """The RAW columns to select. SQLite's JSON text is read as text and decoded here in one `json.loads`
    per cell, which is several times cheaper than the ORM type's per-row processing; other drivers
    (psycopg) hand JSON over decoded already."""
    cols = [getattr(Finding, n) for n in RAW]
    if dialect == "sqlite":
        cols = [type_coerce(c, Text) if n in _JSON else c for n, c in zip(RAW, cols, strict=True)]
    return cols


def _decode(rows: list, dialect: str) -> list:
    if dialect != "sqlite":
        return rows
    loads = json.loads
    return [(*r[:14], loads(r[14]) if r[14] else None, loads(r[15]) if r[15] else None,
             loads(r[16]) if r[16] else None) for r in rows]


def _uncommitted_sqlite_writes(session: Session) -> bool:
    """Whether this session holds SQLite writes another connection cannot see yet."""
    conn = session.connection()
    if conn.dialect.name != "sqlite":
        return False
    return bool(getattr(conn.connection.dbapi_connection, "in_transaction", False))


class FindingReader:
    """One run × rubric's findings, read whole or a batch of sites at a time."""

    def __init__(self, session: Session, run_id: int, rubric_id: str | None, names: dict, urls: dict) -> None:
        self.session, self.run_id, self.rubric_id, self.names, self.urls = session, run_id, rubric_id, names, urls
        self._pid = os.getpid()
        self._url = shared_url(session)
        self._dialect = session.get_bind().dialect.name
        self._engine: Any = None
        self._site_ids: list[int] | None = None
        self._held: tuple[int, dict[int, list[dict]]] | None = None  # (batch number, site id → records)
        self._whole: dict[int, list[dict]] | None = None  # every site's records, when read before a fork
        self.csv_parts: CsvParts | None = None  # set: each batch read for the pages also writes its findings.csv rows

    def _where(self) -> tuple:
        return (Finding.run_id == self.run_id, Finding.rubric_id == self.rubric_id)

    def rows(self, stmt: Any) -> list:
        """Run a select on the session's connection, or in a forked process on its own read-only one."""
        if os.getpid() == self._pid:
            return self.session.connection().execute(stmt).all()
        if self._engine is None:
            assert self._url is not None, "an in-memory store's findings are read before forking"
            self._engine = read_only_engine(self._url)
        with self._engine.connect() as conn:
            return conn.execute(stmt).all()

    def _raw(self, site_ids: list[int] | None, *where: Any) -> list:
        """The findings' RAW rows, JSON decoded, in (site, finding id) order: the run's, or those of `site_ids`.

        For a batch of sites the filter is `run_id + 0`: no index on it, so the store looks the batch's sites up by
        the site index instead of scanning every finding of the run once per batch (which made a report quadratic
        in its sites)."""
        run = Finding.run_id if site_ids is None else Finding.run_id + 0
        sites = () if site_ids is None else (Finding.site_id.in_(site_ids),)
        stmt = select(*_json_columns(self._dialect)).where(run == self.run_id, Finding.rubric_id == self.rubric_id,
                                                           *where, *sites)
        return _decode(self.rows(stmt.order_by(Finding.site_id, Finding.id)), self._dialect)

    def _select(self, site_ids: list[int] | None) -> pd.DataFrame:
        return shape(self._raw(site_ids), self.names, self.urls)

    def frame(self) -> pd.DataFrame:
        """Every finding of the run, one frame."""
        return self._select(None)

    def site_ids(self) -> list[int]:
        """The sites that have findings, in order."""
        if self._site_ids is None:
            self._site_ids = [int(s) for s in self.session.connection().execute(
                select(Finding.site_id).where(*self._where()).distinct().order_by(Finding.site_id)).scalars()]
        return self._site_ids

    def with_check_kind(self, kind: str) -> pd.DataFrame:
        """The findings whose check kind contains `kind` (e.g. one check of a combined kind), in order."""
        return shape(self._raw(None, Finding.check_kind.contains(kind, autoescape=True)), self.names, self.urls)

    def evidence_urls(self) -> set[str]:
        """Every URL the findings cite as evidence, streamed (only the evidence column is read)."""
        wanted: set[str] = set()
        column = type_coerce(Finding.evidence, Text) if self._dialect == "sqlite" else Finding.evidence
        stmt = select(column).where(*self._where()).execution_options(yield_per=20_000)
        for (ev,) in self.session.connection().execute(stmt):
            if isinstance(ev, str):
                ev = json.loads(ev)
            wanted.update(e.get("url") for e in ev or [] if isinstance(e, dict) and e.get("url"))
        return wanted

    def batches(self, size: int = BATCH_SITES) -> Iterator[pd.DataFrame]:
        """The findings a batch of `size` sites at a time, in (site, finding id) order."""
        ids = self.site_ids()
        for start in range(0, len(ids), size):
            yield self._select(ids[start:start + size])

    def reads_in_fork(self) -> bool:
        """Whether a forked process can read the store on its own connection (a file or server store, committed)."""
        return self._url is not None and not _uncommitted_sqlite_writes(self.session)

    def prepare_fork(self) -> None:
        """Before forking readers: read every site's findings here when a forked process could not."""
        self.site_ids()
        if not self.reads_in_fork():
            self._whole = _by_site(finding_records(self._raw(None), self.names, self.urls))

    def batch_count(self) -> int:
        """How many batches of `BATCH_SITES` sites `for_site` reads the findings in."""
        return -(-len(self.site_ids()) // BATCH_SITES)

    def batch(self, number: int) -> pd.DataFrame:
        """The findings of batch `number` (of `BATCH_SITES` sites) as one frame."""
        return self._select(self._batch_ids(number))

    def _batch_ids(self, number: int) -> list[int]:
        return self.site_ids()[number * BATCH_SITES:(number + 1) * BATCH_SITES]

    def start_csv_parts(self) -> CsvParts:
        """From now on, each batch `for_site` reads also writes its findings.csv rows (reports.finding_parts)."""
        self.close_csv_parts()
        self.csv_parts = CsvParts(FINDING_COLUMNS)
        return self.csv_parts

    def close_csv_parts(self) -> None:
        if self.csv_parts is not None:
            self.csv_parts.close()
            self.csv_parts = None

    def for_site(self, site_id: int) -> list[dict]:
        """One site's findings as records, from the batch of sites holding it (read when first asked)."""
        if self._whole is not None:
            return self._whole.get(site_id, [])
        at = _position(self.site_ids(), site_id)
        if at is None:
            return []
        number = at // BATCH_SITES
        if self._held is None or self._held[0] != number:
            self._held = None  # let the previous batch go before reading the next
            rows = _finding_tuples(self._raw(self._batch_ids(number)), self.names, self.urls)
            if self.csv_parts is not None:
                self.csv_parts.write(number, pd.DataFrame.from_records(rows, columns=FRAME_COLUMNS))
            self._held = (number, _by_site([dict(zip(FRAME_COLUMNS, t, strict=True)) for t in rows]))
        return self._held[1].get(site_id, [])


def _by_site(records: list[dict]) -> dict[int, list[dict]]:
    out: dict[int, list[dict]] = {}
    for f in records:
        out.setdefault(int(f["site_id"]), []).append(f)
    return out


def _position(ids: list[int], site_id: int) -> int | None:
    at = bisect_left(ids, site_id)
    return at if at < len(ids) and ids[at] == site_id else None

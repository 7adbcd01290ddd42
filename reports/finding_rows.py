"""A run's findings read from the store a batch of sites at a time, as the frames the formats render.

At national size the findings with their details are most of a report's memory (~0.5 MB a site held
whole). The site pages and findings.csv read them one batch of sites at a time, in (site, finding id)
order, so what is held is bounded by the batch; formats that need every finding at once (xlsx, json,
the bulletin, the evaluation report) still read the whole frame (`RunData.findings`).
A forked process (the site-page workers) opens its own read-only connection to the store, since no
connection may cross a fork; an in-memory or uncommitted store is read whole before forking instead.
"""

from __future__ import annotations

import os
from bisect import bisect_left
from collections.abc import Iterator
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from xxgk.store import Finding
from xxgk.store.session import read_only_engine, shared_url

FINDING_COLUMNS = [
    "run_id", "rubric_id", "site_id", "site_name", "site_url", "section_id", "section_name", "item_id",
    "item_name", "check_kind", "status", "credit", "points", "max_points", "message", "reason",
    "matched", "evidence_urls", "absence",
]
RAW = ["run_id", "rubric_id", "site_id", "section_id", "section_name", "item_id", "item_name", "check_kind",
       "status", "credit", "points", "max_points", "message", "reason", "evidence", "matched", "details"]
BATCH_SITES = 200  # sites whose findings are held at once


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


def shape(rows: list, names: dict, urls: dict) -> pd.DataFrame:
    """Raw finding rows (RAW order) as the findings frame: FINDING_COLUMNS plus the decoded lists."""
    findings = pd.DataFrame.from_records(rows, columns=RAW) if rows else pd.DataFrame(columns=RAW)
    findings["site_name"] = [names.get(v, "") for v in findings.site_id]
    findings["site_url"] = [urls.get(v, "") for v in findings.site_id]
    findings["reason"] = [r or "" for r in findings.reason]
    findings["evidence_list"] = [e or [] for e in findings.evidence]
    findings["matched_list"] = [m or [] for m in findings.matched]
    findings["details"] = [d or {} for d in findings.details]
    findings["matched"] = [_matched_text(m) for m in findings.matched_list]
    findings["evidence_urls"] = [" ".join(e.get("url", "") for e in ev) for ev in findings.evidence_list]
    findings["absence"] = [_absence_text(d) for d in findings.details]
    return findings[[*FINDING_COLUMNS, "evidence_list", "matched_list", "details"]]


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
        self._engine: Any = None
        self._site_ids: list[int] | None = None
        self._held: tuple[int, dict[int, list[dict]]] | None = None  # (batch number, site id → records)
        self._whole: dict[int, list[dict]] | None = None  # every site's records, when read before a fork

    def _where(self) -> tuple:
        return (Finding.run_id == self.run_id, Finding.rubric_id == self.rubric_id)

    def _rows(self, stmt: Any) -> list:
        """Run a select on the session's connection, or in a forked process on its own read-only one."""
        if os.getpid() == self._pid:
            return self.session.connection().execute(stmt).all()
        if self._engine is None:
            assert self._url is not None, "an in-memory store's findings are read before forking"
            self._engine = read_only_engine(self._url)
        with self._engine.connect() as conn:
            return conn.execute(stmt).all()

    def _select(self, site_ids: list[int] | None) -> pd.DataFrame:
        stmt = select(*(getattr(Finding, n) for n in RAW)).where(*self._where())
        if site_ids is not None:
            stmt = stmt.where(Finding.site_id.in_(site_ids))
        return shape(self._rows(stmt.order_by(Finding.site_id, Finding.id)), self.names, self.urls)

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
        stmt = (select(*(getattr(Finding, n) for n in RAW)).where(*self._where())
                .where(Finding.check_kind.contains(kind, autoescape=True)).order_by(Finding.site_id, Finding.id))
        return shape(self._rows(stmt), self.names, self.urls)

    def evidence_urls(self) -> set[str]:
        """Every URL the findings cite as evidence, streamed (only the evidence column is read)."""
        wanted: set[str] = set()
        stmt = select(Finding.evidence).where(*self._where()).execution_options(yield_per=20_000)
        for (ev,) in self.session.connection().execute(stmt):
            wanted.update(e.get("url") for e in ev or [] if isinstance(e, dict) and e.get("url"))
        return wanted

    def batches(self, size: int = BATCH_SITES) -> Iterator[pd.DataFrame]:
        """The findings a batch of `size` sites at a time, in (site, finding id) order."""
        ids = self.site_ids()
        for start in range(0, len(ids), size):
            yield self._select(ids[start:start + size])

    def prepare_fork(self) -> None:
        """Before forking readers: read every site's findings here when a forked process could not."""
        self.site_ids()
        if self._url is None or _uncommitted_sqlite_writes(self.session):
            self._whole = _by_site(self.frame())

    def for_site(self, site_id: int) -> list[dict]:
        """One site's findings as records, from the batch of sites holding it (read when first asked)."""
        if self._whole is not None:
            return self._whole.get(site_id, [])
        ids = self.site_ids()
        at = _position(ids, site_id)
        if at is None:
            return []
        number = at // BATCH_SITES
        if self._held is None or self._held[0] != number:
            self._held = None  # let the previous batch go before reading the next
            batch = ids[number * BATCH_SITES:(number + 1) * BATCH_SITES]
            self._held = (number, _by_site(self._select(batch)))
        return self._held[1].get(site_id, [])


def _by_site(frame: pd.DataFrame) -> dict[int, list[dict]]:
    out: dict[int, list[dict]] = {}
    for f in frame.to_dict("records"):
        out.setdefault(int(f["site_id"]), []).append(f)
    return out


def _position(ids: list[int], site_id: int) -> int | None:
    at = bisect_left(ids, site_id)
    return at if at < len(ids) and ids[at] == site_id else None

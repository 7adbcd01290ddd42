"""`xxgk runs export`: a run as a dated snapshot folder, the way GSA Site Scanning publishes dated CSVs.

The folder (`<out>/<rubric>-run<N>-<as-of date>/`) holds the whole report (HTML, every CSV, XLSX, JSON)
and `snapshot.json`: which run, rubric and audit date it is, and the sha256 of every file, so a
published snapshot can be checked later. Nothing is re-crawled or re-scored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

from scoring.context import audit_date
from xxgk.errors import UserError
from xxgk.pipeline import report
from xxgk.store import Run, session_factory, session_scope

SNAPSHOT_FORMATS = "html,csv,xlsx,json"


def export_run(db_url: str, run_id: int, out: Path, rubric_id: str | None = None) -> Path:
    """Write the run's snapshot folder under `out`; returns the folder."""
    with session_scope(session_factory(db_url)) as session:
        run = session.get(Run, run_id)
        if run is None:
            raise UserError(f"no run {run_id} in the store", field="RUN")
        rubric_id = rubric_id or run.rubric_id
        if not rubric_id:
            raise UserError(f"run {run_id} names no rubric; pass --rubric", field="--rubric")
        as_of = audit_date(run)
        meta = {"run": run.id, "rubric": rubric_id, "as_of": as_of.isoformat(), "status": run.status,
                "mode": run.mode, "started_at": run.started_at.isoformat(timespec="seconds"),
                "rubric_sha256": run.rubric_hash}
    folder = out / f"{_safe(rubric_id)}-run{run_id}-{as_of.isoformat()}"
    if folder.exists() and any(folder.iterdir()):
        raise UserError(f"{folder} exists and is not empty (a snapshot is never overwritten)", field="--out")
    report(db_url, run_id, rubric_id, folder, formats=SNAPSHOT_FORMATS)
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    meta |= {"exported_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
             "files": {str(p.relative_to(folder)): _sha256(p) for p in files}}
    (folder / "snapshot.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
    return folder


def _safe(name: str) -> str:
    """A rubric id or file name as one safe path part."""
    stem = Path(name).stem
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in stem) or "rubric"


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()

"""The pass mark, method and sections a run was scored with, read from the store (`RubricSnapshot`).

A report must show the values its scores were computed with. When the rubric file on disk no longer
matches the stored fingerprint, the stored values still rule and the report says the file changed.
Runs scored before snapshots were stored fall back to the file (or the defaults) with a note.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from scoring.rubric import find_rubric, load_rubric, rubric_hash
from scoring.snapshot import content_hash, rubric_snapshot
from xxgk.store import RubricSnapshot, Run

DEFAULT_PASS_MARK = 60.0
DEFAULT_METHOD = "weighted"
STORED, FILE, DEFAULT = "store", "file", "default"


@dataclass(frozen=True)
class Note:
    """A warning about the report's data: one English line for the log, one Chinese line for the pages."""

    log: str
    page: str


@dataclass
class ScoredRubric:
    """What reports use of the rubric, and where it came from (`source`: store, file or default)."""

    rubric_id: str
    pass_mark: float = DEFAULT_PASS_MARK
    method: str = DEFAULT_METHOD
    sections: list[dict[str, Any]] = field(default_factory=list)
    title: str | None = None
    source: str = DEFAULT
    notes: list[Note] = field(default_factory=list)  # shown on the pages and logged
    document: str | None = None  # the source document the rubric implements, e.g. 《…》（教办函〔2014〕23号）
    fingerprint: str | None = None  # sha256 of the parsed rubric as scored
    kind: str | None = None  # checklist | inspection | annual_report | monthly_volume (scoring/vocabulary.py)
    vocabulary: dict[str, str] = field(default_factory=dict)  # the rubric's own status words


def _disk_rubric(rubric_id: str) -> tuple[Any, Path] | None:
    """The bundled rubric file of that id, parsed; None when it is not found or does not load."""
    try:
        path = find_rubric(rubric_id)
        return load_rubric(path), Path(path)
    except Exception:  # not bundled (scored from a path) or no longer valid: nothing to compare with
        return None


def scored_rubric(session: Session, run: Run, rubric_id: str | None) -> ScoredRubric:
    """The run's stored rubric values for `rubric_id`, with a note when the file on disk differs."""
    if not rubric_id:
        return _defaults(run, "", [Note(f"run {run.id} names no rubric; pass mark {_mark(run):g} assumed",
                                        f"运行 #{run.id} 未记录评分细则；按默认及格线 {_mark(run):g} 分显示。")])
    row = session.scalar(select(RubricSnapshot).where(RubricSnapshot.run_id == run.id,
                                                      RubricSnapshot.rubric_id == rubric_id))
    disk = _disk_rubric(rubric_id)
    if row is not None:
        out = ScoredRubric(rubric_id, float(row.pass_mark), row.method, list(row.snapshot.get("sections") or []),
                           row.snapshot.get("title"), STORED, document=row.snapshot.get("source"),
                           fingerprint=row.content_sha256, kind=row.snapshot.get("kind"),
                           vocabulary=dict(row.snapshot.get("vocabulary") or {}))
        if out.document is None and disk is not None:  # scored before the document was stored
            out.document = str(disk[0].source)
        if disk is not None:
            rubric, path = disk
            if content_hash(rubric) != row.content_sha256:
                out.notes.append(Note(
                    f"rubric {rubric_id} ({path}) has changed since run {run.id} was scored; this report uses the "
                    f"values stored at scoring (pass mark {out.pass_mark:g}, method {out.method}); "
                    f"re-score with `xxgk score {run.id} --rubric {rubric_id}` to apply the file",
                    f"评分细则 {rubric_id} 的文件在运行 #{run.id} 评分后已被修改；本报告按评分时保存的规则显示"
                    f"（及格线 {out.pass_mark:g} 分，计分方法 {out.method}）。如需按新文件评分，请重新评分。"))
        return out
    if disk is None:
        return _defaults(run, rubric_id, [Note(
            f"run {run.id} has no stored rubric values and rubric {rubric_id} was not found; "
            f"pass mark {_mark(run):g} and method {DEFAULT_METHOD} assumed",
            f"运行 #{run.id} 评分时未保存评分细则，也找不到细则 {rubric_id}；按默认及格线 {_mark(run):g} 分显示。")])
    rubric, path = disk
    changed = run.rubric_id == rubric_id and bool(run.rubric_hash) and rubric_hash(path) != run.rubric_hash
    note = Note(f"run {run.id} was scored before xxgk stored the rubric with the scores; pass mark and method are "
                f"read from {path}" + (", which has changed since the run was made" if changed else ""),
                f"运行 #{run.id} 评分时未保存评分细则；及格线与计分方法读自当前文件 {path.name}"
                + ("，该文件在运行后已被修改" if changed else "") + "。")
    return ScoredRubric(rubric_id, float(rubric.pass_mark), str(rubric.method), rubric_snapshot(rubric)["sections"],
                        rubric.title, FILE, [note], document=str(rubric.source), fingerprint=content_hash(rubric),
                        kind=rubric.rubric_kind, vocabulary=dict(rubric.vocabulary))


def _mark(run: Run) -> float:
    mark = (run.config or {}).get("pass_mark")
    return float(mark) if isinstance(mark, int | float) else DEFAULT_PASS_MARK


def _defaults(run: Run, rubric_id: str, notes: list[Note]) -> ScoredRubric:
    return ScoredRubric(rubric_id, _mark(run), DEFAULT_METHOD, source=DEFAULT, notes=notes)

"""Render a stored run into the chosen output formats. Re-runnable from the store alone.

The ranked report always has html and csv (columns.csv, items.csv, findings.csv, scores.csv beside
the HTML); xlsx and json by default; pdf and bulletin on request (the bulletin also whenever the run
has monthly-volume findings). Formats come from the registry (`reports.formats`). The baseline for
the change columns is `compare` or, by default, the previous comparable run.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from reports import crawl_csv
from reports import formats as registry
from reports.context import Report, build_report
from reports.formats import csv as csv_format
from xxgk.store import Run

log = logging.getLogger(__name__)


@dataclass
class Rendered:
    """What a render wrote: the ranking page, the baseline run its changes are measured against, the files."""

    index: Path  # index.html (written when html is among the formats)
    baseline_run: int | None
    rubric_id: str
    files: list[Path] = field(default_factory=list)


def render_run(session: Session, run_id: int, rubric_id: str | None, out_dir: Path | str, *,
               compare: int | None = None, formats: str | Iterable[str] | None = None,
               bulletin: bool | None = None) -> Path:
    """Write the ranked report of one run (see `render_report`); return the ranking page path."""
    return render_report(session, run_id, rubric_id, out_dir, compare=compare, formats=formats,
                         bulletin=bulletin).index


def render_report(session: Session, run_id: int, rubric_id: str | None, out_dir: Path | str, *,
                  compare: int | None = None, formats: str | Iterable[str] | None = None,
                  bulletin: bool | None = None, assertions: dict[str, Any] | None = None,
                  lang: str = "en", bulletin_sender: Any = None) -> Rendered:
    """Render one run's ranked report into `formats` and say which baseline run was used.

    `bulletin`: True always writes the monthly 通报, False never, None when the run has monthly-volume findings.
    `assertions`: an assertion file's verdict on the run (its JSON summary), shown on the pages.
    `bulletin_sender`: the 通报's sender, number, date and deadline (`reports.bulletin.sender.sender_options`).
    """
    chosen = registry.report_formats(formats)
    registry.check_lang(lang)
    pending = None
    if "csv" in chosen and session.get(Run, run_id) is not None:  # the crawl CSVs, beside the rest (large runs)
        pending = crawl_csv.start(session, run_id, Path(out_dir), csv_format.ZH_HEADERS if lang == "zh" else None)
    try:
        report = build_report(session, run_id, rubric_id, compare=compare, assertions=assertions)
        report.lang = lang
        report.bulletin_sender = bulletin_sender
        report.crawl_csv = pending
        if bulletin is None:
            bulletin = "bulletin" in chosen or bool(report.bulletins)
        wanted = (set(chosen) | {"bulletin"}) if bulletin else (set(chosen) - {"bulletin"})
        return write_report(report, out_dir, [n for n in registry.names() if n in wanted])
    finally:
        if pending is not None:
            pending.cancel()  # a no-op once the CSV format has waited for it


def render_formats(session: Session, run_id: int, rubric_id: str | None, out_dir: Path | str,
                   names: Iterable[str], *, verdicts: list[dict[str, Any]] | None = None) -> Rendered:
    """Write exactly the named formats of one run (e.g. verify-fixes' verification table)."""
    return write_report(build_report(session, run_id, rubric_id, verdicts=verdicts), out_dir, names)


def write_report(report: Report, out_dir: Path | str, names: Iterable[str]) -> Rendered:
    """Write each named format through the registry, in registry order; log the report's warnings."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    report.formats = registry.select(list(names), command=None)
    for note in report.notes:
        log.warning("%s", note.log)
    files: list[Path] = []
    try:
        for name in report.formats:
            files += registry.get(name).write(report, out)
    finally:
        report.data.finding_reader.close_csv_parts()  # rows the html format wrote for a CSV format that failed
    return Rendered(index=out / "index.html", baseline_run=report.baseline, rubric_id=report.data.rubric_id,
                    files=files)

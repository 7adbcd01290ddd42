"""The 通报 options of `xxgk report`: who issues it, its number, date and 整改 deadline; the demo's 通报.

`--bulletin-sender FILE` names a small YAML file (fields in `reports.bulletin.sender`); the single
options override its values. Giving any of them writes the 通报. They are checked before any work,
so a bad file or date is one line naming the file and line or the option.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

import typer

from xxgk.errors import UserError

SenderFileOption = Annotated[Path | None, typer.Option(
    "--bulletin-sender", help="YAML file of the 通报's sender (发文机关), addressee, number (文号), date and "
                              "整改 deadline; implies --bulletin.")]
IssuerOption = Annotated[str | None, typer.Option(
    "--bulletin-issuer", help="发文机关 of the 通报 (overrides the sender file); implies --bulletin.")]
NumberOption = Annotated[str | None, typer.Option(
    "--bulletin-number", help="发文字号 of the 通报, e.g. 某政办通〔2026〕12号; implies --bulletin.")]
DateOption = Annotated[str | None, typer.Option(
    "--bulletin-date", help="成文日期 YYYY-MM-DD (default: today); implies --bulletin.")]
DeadlineOption = Annotated[str | None, typer.Option(
    "--bulletin-deadline", help="整改 deadline YYYY-MM-DD (default: 30 days after the date); implies --bulletin.")]


def _day(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise UserError(f"expected a date YYYY-MM-DD, got {value!r}", field=option) from None


def bulletin_sender(file: Path | None, issuer: str | None, number: str | None, date: str | None,
                    deadline: str | None) -> Any:
    """The checked sender values (`SenderFile`), or None when no 通报 option was given."""
    if file is None and issuer is None and number is None and date is None and deadline is None:
        return None
    from reports.bulletin.sender import sender_options

    return sender_options(file, sender=issuer, number=number, date=_day(date, "--bulletin-date"),
                          deadline=_day(deadline, "--bulletin-deadline"))


def issue_bulletin(db_url: str, run_id: int, rubric_id: str | None, out_dir: Path, sender: Any = None) -> list[Path]:
    """Write the 通报 of a stored run into `out_dir` (PDF too when Chromium is installed); the files written."""
    from reports.context import build_report
    from reports.formats.bulletin import write_bulletin
    from xxgk.chromium import chromium_path
    from xxgk.store import session_factory, session_scope

    with session_scope(session_factory(db_url)) as session:
        report = build_report(session, run_id, rubric_id)
        report.bulletin_sender = sender
        return write_bulletin(report, Path(out_dir), pdf=chromium_path() is not None)

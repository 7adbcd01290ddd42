"""The output formats registry: format name → `Format` (name, description, files, command).

Each format is the module of this package named after it, with a `write(report, out_dir)`; adding a
format is that module plus one entry in `REGISTRY`. The registry order is the writing order (pdf prints
the pages html wrote). `select` turns a `--formats` value into names, refusing an unknown one with one
line that lists the known ones; `report_formats` is that choice for the ranked report. Nothing here
loads a writer (`reports.formats.base`), so the checks are cheap before a crawl.
"""

from __future__ import annotations

from collections.abc import Iterable

from reports.formats.base import EVALUATE, LANGS, REPORT, VERIFY_FIXES, Format, check_lang
from reports.pagination import FILES as PAGINATED_FILES
from xxgk.errors import UserError

REGISTRY: dict[str, Format] = {f.name: f for f in (
    Format("html", "ranking page and one page per site, with archived evidence",
           ("index.html", *PAGINATED_FILES, "sites/site-N.html", "snapshots/", "screenshots/")),
    Format("csv", "findings, scores (with rank), columns and items as CSV tables",
           ("columns.csv", "items.csv", "findings.csv", "scores.csv")),
    Format("xlsx", "workbook: the ranking, one sheet per rubric section, and every finding",
           ("report.xlsx",)),
    Format("json", "one JSON document: run, rubric as scored, ranking, scores, findings", ("report.json",)),
    Format("bulletin", "the 通报 in 公文 layout, as HTML and Word (and PDF with pdf)",
           ("bulletin.html", "bulletin.docx")),  # bulletin.pdf with pdf
    Format("pdf", "the ranking and site pages printed by Debian Chromium (needs html)",
           ("index.pdf", "sites/site-N.pdf")),
    Format("verification", "verify-fixes: 已整改 / 未整改 / 无法核实 per claim, with the date checked",
           ("verification.csv", "verification.html", "verification.xlsx", "verification.docx"), command=VERIFY_FIXES),
    Format("evaluation", "xxgk evaluate: rubrics combined into one ranking, part scores side by side",
           ("evaluation.html", "evaluation.csv", "evaluation.json"), command=EVALUATE),
)}
ALWAYS = ("html", "csv")  # the ranked report always has its pages and the CSVs beside them
DEFAULT_FORMATS = ("html", "csv", "xlsx", "json")

__all__ = ["ALWAYS", "DEFAULT_FORMATS", "EVALUATE", "LANGS", "REGISTRY", "REPORT", "VERIFY_FIXES", "Format",
           "check_lang", "get", "names", "report_formats", "select"]


def names(command: str | None = None) -> list[str]:
    """Registered format names (those `command` offers, when given), in registry order."""
    return [n for n, f in REGISTRY.items() if command is None or f.command == command]


def get(name: str) -> Format:
    """The registered format of that name (KeyError when unknown: `select` validates user input)."""
    return REGISTRY[name]


def select(spec: str | Iterable[str] | None, *, command: str | None = REPORT, always: Iterable[str] = (),
           default: Iterable[str] = ()) -> tuple[str, ...]:
    """Format names from "html,csv,xlsx" or a list, plus `always`; `default` when `spec` is None.

    A name that is not registered for `command` (None: for any command) is a `UserError` naming the known ones.
    """
    if spec is None:
        wanted = list(default)
    else:
        wanted = [s.strip().lower() for s in (spec.split(",") if isinstance(spec, str) else spec) if s.strip()]
    known = names(command)
    unknown = [n for n in wanted if n not in known]
    if unknown:
        other = [n for n in unknown if n in REGISTRY]
        hint = "; ".join(f"{n} is written by `xxgk {REGISTRY[n].command}`" for n in other)
        raise UserError(f"unknown report format {', '.join(unknown)} (known: {', '.join(known)})"
                        + (f"; {hint}" if hint else ""), field="--formats")
    chosen = set(wanted) | set(always)
    return tuple(n for n in known if n in chosen)


def report_formats(spec: str | Iterable[str] | None) -> tuple[str, ...]:
    """The ranked report's formats, from "html,csv,xlsx" or a list; html and csv are always included."""
    return select(spec, command=REPORT, always=ALWAYS, default=DEFAULT_FORMATS)

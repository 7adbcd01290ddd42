"""The jinja2 environment of every HTML output: autoescape on, safe links, number filters."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pandas as pd
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from reports.cells import without_controls
from scoring.absence import MATCH_WORDS, match_words  # noqa: F401  (one wording, shared with scoring's evidence)

# The checklist's words, for outputs that have no rubric at hand; pages get their rubric kind's words
# (`RunData.vocab`, scoring/vocabulary.py) through `Report.page_globals`, which overrides this global.
STATUS_LABELS = {
    "pass": "公开", "partial": "部分公开", "fail": "未公开", "not_checked": "未能检查",
    "needs_review": "待人工复核", "not_applicable": "不适用",
}


# An http(s) URL whose host part is plain printable ASCII without brackets: urlsplit would read its scheme as
# http(s) and cannot fail on it, so it is linked without being split (the common case, ~100 links a site page).
# Anything else (other schemes, controls, IPv6 brackets, non-ASCII hosts) goes through urlsplit.
_PLAIN_WEB_URL = re.compile(r"[hH][tT][tT][pP][sS]?://[!-\"$-.0->@-Z\\^-~]*(?=[/?#]|\Z)")


def safe_link(url: object, text: object | None = None) -> Markup:
    """A link only for http(s) URLs; anything else (javascript:, data:, …) is shown as plain text."""
    if not isinstance(url, str) or not url:
        return escape(text or "")
    label = escape(text if text is not None else url)
    target = url.strip()
    if not _PLAIN_WEB_URL.match(target):
        try:
            scheme = urlsplit(target).scheme.lower()
        except ValueError:
            return label
        if scheme not in ("http", "https"):
            return label
    return Markup(f'<a href="{escape(target)}" rel="noopener noreferrer nofollow">{label}</a>')




def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value))


def fmt(value: object, digits: int = 1) -> str:
    """A number as the `fmt` filter shows it (`digits` decimals for floats; — when missing)."""
    if _missing(value):
        return "—"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def _signed(value: object, digits: int = 2) -> str:
    if _missing(value):
        return "—"
    v = float(value)  # type: ignore[arg-type]
    return f"+{v:.{digits}f}" if v > 0 else f"{v:.{digits}f}" if v < 0 else "0"


def _rank_move(value: object) -> str:
    if _missing(value):
        return "—"
    v = int(value)  # type: ignore[call-overload]
    return f"▲{v}" if v > 0 else f"▼{-v}" if v < 0 else "–"


def _short(value: object, limit: int = 60) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= limit else text[:limit] + "…"


def _printable(value: object) -> object:
    """Every `{{ }}` output without control characters (HTML forbids them; crawled text carries them)."""
    if isinstance(value, Markup):
        return Markup(without_controls(str(value)))
    if isinstance(value, str):
        return without_controls(value)
    return value


def page_text(value: object) -> str:
    """A value as a `{{ value }}` of the report templates prints it: without controls, then HTML-escaped
    (for HTML built in Python, reports.site_rows)."""
    return str(escape(_printable(value)))


def environment() -> Environment:
    """The environment of the report templates (reports/templates)."""
    env = Environment(loader=PackageLoader("reports", "templates"), finalize=_printable,
                      autoescape=select_autoescape(["html", "j2"]), trim_blocks=True, lstrip_blocks=True)
    env.filters["link"] = safe_link
    env.filters["fmt"] = fmt
    env.filters["signed"] = _signed
    env.filters["rank_move"] = _rank_move
    env.filters["short"] = _short
    env.filters["match_words"] = match_words
    env.globals["STATUS_LABELS"] = STATUS_LABELS
    return env

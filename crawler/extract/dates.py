"""Date parsing for list items: the many ways Chinese portals print a publication date.

Lists show dates as 2024-05-01, 2024/05/01, 2024.05.01, 2024年5月1日, [2024-05-01],
or as 05-01 with the year implied by the page; all become `datetime.date`.
"""

from __future__ import annotations

import datetime as dt
import re

_FULL = re.compile(
    r"(?<!\d)((?:19|20)\d{2})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})(?:\s*日)?(?!\d)"
)
_COMPACT = re.compile(r"(?<!\d)((?:19|20)\d{2})(\d{2})(\d{2})(?!\d)")
_SHORT = re.compile(r"(?<![\d\-/.])(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})(?:\s*日)?(?![\d\-/.])")


def _make(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def parse_date(text: str | None, *, year: int | None = None, compact: bool = False) -> dt.date | None:
    """The first date in `text`, or None.

    `year` lets a month-day date ("05-01") be completed from the page's context;
    `compact` also accepts 20240501 (off by default: long numbers are often ids).
    """
    if not text:
        return None
    m = _FULL.search(text)
    if m:
        return _make(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if compact:
        m = _COMPACT.search(text)
        if m:
            return _make(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if year is not None:
        m = _SHORT.search(text.strip())
        if m:
            return _make(year, int(m.group(1)), int(m.group(2)))
    return None


def looks_like_date(text: str | None) -> bool:
    """True when `text` is essentially just a date (a list's date cell, not a title)."""
    if not text:
        return False
    t = text.strip().strip("[]()（）【】").strip()
    if not t or len(t) > 24:
        return False
    return bool(_FULL.fullmatch(t) or re.fullmatch(_FULL.pattern + r"\s+\d{1,2}:\d{2}(:\d{2})?", t))


def date_from_url(url: str) -> dt.date | None:
    """A date encoded in an article URL: TRS `t20200805_1.html`, 帝国 `/2018-07-11/`, `/2021/0705/`."""
    m = re.search(r"/t((?:19|20)\d{6})_\d+", url)
    if m:
        return parse_date(m.group(1), compact=True)
    m = re.search(r"/((?:19|20)\d{2}-\d{2}-\d{2})/", url)
    if m:
        return parse_date(m.group(1))
    return None

"""Crawled names made fit for an official document: plain text, no invisible characters, dates in Chinese.

A 通报 is printed and re-typed; a hidden bidi override (U+202E) or an isolate mark (U+2068/U+2069)
in a unit name reorders or pollutes what the reader sees and what Word's search finds. Every
string that reaches the bulletin goes through `plain`.
"""

from __future__ import annotations

import datetime as dt
import re

# zero-width and joiner characters, bidi marks, embeddings, overrides and isolates, word joiner and
# invisible operators, BOM / zero-width no-break space, soft hyphen, plus the controls XML cannot hold
INVISIBLE = re.compile("[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb"
                       "\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_SPACE = re.compile(r"\s+")
NAME_LIMIT = 60


def plain(text: object) -> str:
    """The visible text: invisible and control characters removed, runs of whitespace made one space."""
    if text is None:
        return ""
    return _SPACE.sub(" ", INVISIBLE.sub("", str(text))).strip()


def short(text: object, limit: int = NAME_LIMIT) -> str:
    """`plain` text cut to `limit` characters with an ellipsis (a name padded to hundreds of characters)."""
    s = plain(text)
    return s if len(s) <= limit else s[:limit] + "…"


def chinese_date(day: dt.date) -> str:
    """A 成文日期 as GB/T 9704-2012 writes it: Arabic numerals, no leading zeros (2026年1月5日)."""
    return f"{day.year}年{day.month}月{day.day}日"


CHINESE_NUMERALS = "一二三四五六七八九十"


def ordinal(n: int) -> str:
    """一, 二, … 十九 for section and item numbers (1-based; beyond 99 Arabic)."""
    if n <= 10:
        return CHINESE_NUMERALS[n - 1]
    if n < 20:
        return "十" + CHINESE_NUMERALS[n - 11]
    if n < 100:
        tens, ones = divmod(n, 10)
        return CHINESE_NUMERALS[tens - 1] + "十" + (CHINESE_NUMERALS[ones - 1] if ones else "")
    return str(n)

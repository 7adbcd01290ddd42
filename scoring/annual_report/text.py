"""Text normalisation for report labels and numbers; dates are read by `xxgk.pagemeta.parse_date`."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from xxgk.pagemeta import parse_date

_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": '"', "’": '"', "'": '"', "＂": '"', "「": '"', "」": '"',
                         "『": '"', "』": '"'})
_SPACE = re.compile(r"[\s\u3000\xa0]+")


def norm_label(text: str | None) -> str:
    """A label for comparison: NFKC, quote variants unified, all whitespace removed."""
    if not text:
        return ""
    t = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    return _SPACE.sub("", t)


def clean(text: str | None) -> str:
    """Visible text with runs of whitespace collapsed to one space."""
    if not text:
        return ""
    return _SPACE.sub(" ", text.replace("\xa0", " ")).strip()


_NUM = re.compile(r"^([+-]?\d[\d,，]*(?:\.\d+)?)\s*([^\d\s]{0,6})$")
BLANK_MARKS = {"", "-", "—", "／", "/", "无", "空"}


def parse_number(raw: str | None) -> tuple[float | int | None, str | None]:
    """(value, unit) of a cell; (None, None) for a blank cell. Raises ValueError for non-numbers."""
    t = unicodedata.normalize("NFKC", raw or "").replace("\xa0", " ").strip()
    t = _SPACE.sub("", t)
    if t in BLANK_MARKS:
        return None, None
    m = _NUM.match(t)
    if not m:
        raise ValueError(t)
    num = m.group(1).replace(",", "").replace("，", "")
    value: float | int = float(num) if "." in num else int(num)
    return value, (m.group(2) or None)


def is_numberish(raw: str | None) -> bool:
    """True for a blank or numeric cell."""
    try:
        parse_number(raw)
    except ValueError:
        return False
    return True


_PUB = re.compile(r"(?:发布日期|发布时间|公开日期|成文日期|发文日期|日期)\s*[:：]\s*(\S[^\n]{0,30})")


def published_in_text(text: str) -> dt.date | None:
    """The publication date a page states (发布日期：…)."""
    for m in _PUB.finditer(text):
        d = parse_date(m.group(1))
        if d:
            return d
    return None

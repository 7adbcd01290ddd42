"""Find the numbered section headings of a report anywhere in its text.

Text copies and CMS bodies often run a heading on after the previous paragraph
(`…取得显著成效。二、主动公开政府信息情况 …`) instead of starting a line, number it with half- or
full-width digits (`2.`, `２．`) or leave out the 、. A heading is a section number (一 … 十, or a digit
1–9 not part of a longer number) followed, within a few characters, by the section's keywords;
sections are looked for in order, each after the previous one, so a table of contents or a sentence
naming every section does not count for the headings themselves.
"""

from __future__ import annotations

import re
import unicodedata

_CN = "一二三四五六七八九十"
_SEP = r"[\s、.．,，:：]*"
# How far after its number a heading's keywords may stand (五、政府信息公开工作存在的主要问题及改进情况).
_WINDOW = 28


def _number_pattern(n: int) -> str:
    cn = _CN[n - 1] if n <= 10 else None
    digit = str(n)
    alts = [f"(?<![{_CN}〇零第（(])" + cn] if cn else []
    alts.append(rf"(?<![\d.．第（(]){digit}(?![\d.．]\d)")
    return "(?:" + "|".join(alts) + ")"


def _normalise(text: str) -> str:
    """NFKC (full-width digits and punctuation to half-width), whitespace runs to one space."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text or ""))


def find_sections(text: str, spec: list[tuple[str, str, list[list[str]]]]) -> dict[str, str]:
    """Section key → the heading text found (number, keywords and what stands between), in spec order.

    `spec`: (key, official heading, keyword groups) as in `formats.GOV_SECTIONS`; the section number is
    its position in the spec (1-based). A section's heading must come after the previous one found.
    """
    t = _normalise(text)
    found: dict[str, str] = {}
    pos = 0
    for n, (key, _name, groups) in enumerate(spec, start=1):
        num = re.compile(_number_pattern(n) + _SEP)
        for m in num.finditer(t, pos):
            window = t[m.end(): m.end() + _WINDOW]
            ends = [_first(window, g) for g in groups]
            if all(e is not None for e in ends):
                stop = m.end() + max(e for e in ends if e is not None)
                found[key] = t[m.start(): stop].strip()
                pos = stop
                break
    return found


def _first(window: str, words: list[str]) -> int | None:
    """End offset of the earliest of `words` in `window`, or None."""
    hits = [(i, i + len(w)) for w in words if (i := window.find(w)) >= 0]
    return min(hits)[1] if hits else None

"""One canonical form of a column or item name, for comparing names: the crawler's discovery and
the rubric matcher must agree on when two names are the same."""

from __future__ import annotations

import re
import unicodedata

_LEADING_NUM = re.compile(
    r"^\s*(?:"
    r"[(\[]\s*(?:\d{1,3}|[一二三四五六七八九十]{1,3})\s*[)\]]"  # (3) （三） [3]
    r"|(?:\d{1,3}|[一二三四五六七八九十]{1,3})\s*[、.:)](?!\d)"  # 1、 一、 3. 2)
    r"|\d{1,2}(?:\.\d{1,2})+(?=\D)"  # 1.2 / 3.1.4
    r"|[\u2460-\u2473\u2776-\u277f]"  # ① … ⑳ ❶ …
    r"|第[一二三四五六七八九十\d]{1,3}[项条类]"  # 第三项
    r")\s*"
)
# 五年规划 periods: "十三五" / "十四五" / "十五五" are one concept for matching (学校"十三五"规划 is item 5
# whatever the period); the period itself is a freshness question, not a naming one.
_PLAN_PERIOD = re.compile(r"十[一二三四五六七八九]五")
_CIRCLED = re.compile(r"^[\u2460-\u2473\u2776-\u277f\u2780-\u2793]\s*")
_TRAILING_COUNT = re.compile(r"\s*[(\[]\s*(?:共\s*)?\d+\s*(?:条|篇|项)?\s*[)\]]\s*$")
_STRIP_CHARS = re.compile(
    r"[\s《》〈〉<>“”‘’\"'「」『』【】\[\]()（）{}、，,。.；;：:！!？?·・•\-—–_~～/\\|…*#＋+]+"
)


def normalize(text: str) -> str:
    """Canonical form for comparing names: half-width, no numbering, counts, quotes or punctuation."""
    s = _CIRCLED.sub("", (text or "").strip(), count=1)
    s = unicodedata.normalize("NFKC", s).strip()
    for _ in range(2):  # "1、（一）" style double numbering
        s2 = _LEADING_NUM.sub("", s, count=1)
        if s2 == s:
            break
        s = s2
    s = _TRAILING_COUNT.sub("", s)
    s = _STRIP_CHARS.sub("", s)
    s = _PLAN_PERIOD.sub("十n五", s)
    return s.lower()

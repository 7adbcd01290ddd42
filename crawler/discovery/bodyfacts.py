"""Document facts that only the body text carries: the 文号 in the document head and the 成文日期
signed at its end (many county sites print no metadata block at all).
"""

from __future__ import annotations

import re

from crawler.extract.dates import parse_date

# 柘政办〔2018〕42号, 豫政〔2015〕68号, 国办发[2019]1号 (spaces between the parts tolerated)
DOC_NO = re.compile(r"([\u4e00-\u9fa5]{1,12}\s*[〔\[【（(]\s*(?:19|20)\d{2}\s*[〕\]】）)]\s*第?\s*\d{1,5}\s*号)")
CN_DATE = re.compile(r"((?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)")
HEAD_CHARS = 120  # the 文号 stands in the document head, before the title
TAIL_CHARS = 160  # the 成文日期 is signed at the end


def doc_number(body: str) -> str | None:
    """The document's own 文号: one in the head of the body (a 文号 cited later is another document's)."""
    m = DOC_NO.search(body[:HEAD_CHARS])
    return re.sub(r"\s+", "", m.group(1)) if m else None


def written_date(body: str) -> str | None:
    """The 成文日期 signed at the end of the body (the last Chinese date there), as printed."""
    found = CN_DATE.findall(body[-TAIL_CHARS:])
    if not found:
        return None
    text = re.sub(r"\s+", "", found[-1])
    return text if parse_date(text) else None


def body_meta(body: str) -> dict[str, str]:
    """文号 / 成文日期 read from the body text, for the fields the metadata block lacks."""
    out: dict[str, str] = {}
    no = doc_number(body)
    if no:
        out["文号"] = no
    when = written_date(body)
    if when:
        out["成文日期"] = when
    return out


__all__ = ["body_meta", "doc_number", "written_date"]

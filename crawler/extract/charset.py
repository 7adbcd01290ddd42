"""The text of a page whose declared charset may be wrong (GBK pages labelled UTF-8 and the reverse).

A declared charset is trusted only after checking: a body that is valid UTF-8 and holds multi-byte
sequences is UTF-8 whatever its label says (GBK text is practically never valid UTF-8), and a body
that decodes to many replacement characters under its label is tried as GB18030 (a superset of GBK
and GB2312) and UTF-8.
"""

from __future__ import annotations

from scrapy.http import TextResponse

GB_FAMILY = ("gbk", "gb2312", "gb18030", "gb_2312", "cp936", "hz")


def page_text(response: TextResponse) -> str:
    """The page decoded by its label, corrected when the label is evidently wrong."""
    text = response.text
    encoding = (response.encoding or "").lower().replace("-", "")
    body = response.body
    if encoding.startswith(GB_FAMILY) and not body.isascii():
        try:
            return body.decode("utf-8")
        except UnicodeDecodeError:
            pass
    bad = text.count("\ufffd")
    if bad > 3:
        for enc in ("gb18030", "utf-8"):
            try:
                alt = body.decode(enc)
            except UnicodeDecodeError:
                continue
            if alt.count("\ufffd") < bad:
                return alt
    return text

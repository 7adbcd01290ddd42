"""Find annual reports among a crawl's items: title recognition, year, unit, own report vs others'."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from scoring.annual_report.text import norm_label

Year = int | tuple[int, int]

_CN_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")
_CN_YEAR = re.compile(r"[二〇零一三四五六七八九]{4}(?=年|学年)")
_RANGE = re.compile(r"(20\d\d|19\d\d)\s*(?:年)?\s*[—–－\-~～至到]+\s*(20\d\d|19\d\d)\s*(?:年)?\s*(?:学年|年度)?")
_YEAR = re.compile(r"(?<!\d)(20\d\d|19\d\d)(?!\d)")

# Look-alikes: summaries of report work, meetings, notices, plans, press on 政务公开.
_REJECT = re.compile(r"编制|总结|会议|培训|座谈|部署|通知|方案|要点|解读|督查|检查|报送|考核|征求|启动|意见|评估")
_ACCEPT = [
    re.compile(r"(?:信息公开|政府信息|政务信息|校务公开|信息公开工作).*报告"),
    re.compile(r"公开.*年度报告"),
]


def _canon(title: str) -> str:
    t = norm_label(title)
    return _CN_YEAR.sub(lambda m: m.group(0).translate(_CN_DIGITS), t)


def report_year(title: str) -> Year | None:
    """The report's year: an int, or (start, end) for a university 学年 (2023—2024学年 → (2023, 2024))."""
    t = _canon(title)
    m = _RANGE.search(t)
    if m and int(m.group(2)) == int(m.group(1)) + 1:
        return int(m.group(1)), int(m.group(2))
    m = _YEAR.search(t)
    return int(m.group(1)) if m else None


def is_annual_report_title(title: str) -> bool:
    """True for a 信息公开 annual report title (…工作年度报告 / 年度报告 / 工作报告 / 政务信息公开报告)."""
    t = _canon(title)
    if not t or report_year(t) is None or _REJECT.search(t):
        return False
    if "政务公开工作报告" in t and "年度" not in t:
        return False
    return any(p.search(t) for p in _ACCEPT)


_UNIT_AFTER_YEAR = re.compile(
    r"^(?:19|20)\d\d(?:年度|年)(.{2,30}?(?:省|市|县|区|州|旗|盟|乡|镇|街道|办事处|人民政府|局|委员会|委|办公室|办|厅|署|中心))"
    r"(?:政府信息公开|政务信息公开|信息公开|政务公开)")


def report_unit(title: str) -> str:
    """The body named before the year ("柘城县财政局2017年…" → 柘城县财政局); "" when none."""
    t = _canon(title).strip("《》<>")
    m = _RANGE.search(t) or _YEAR.search(t)
    unit = t[: m.start()] if m else ""
    return unit.strip("《》<>\"：:—-")


def issuing_body(title: str) -> str:
    """The body a title names, before the year or right after it ("2022年上海市政府信息公开…" → 上海市).

    For telling what kind of body issued a report; ownership (`is_own_report`) keeps to `report_unit`, so
    a title that names no body before its year still counts as the site's own.
    """
    unit = report_unit(title)
    if unit:
        return unit
    after = _UNIT_AFTER_YEAR.match(_canon(title).strip("《》<>"))
    return after.group(1) if after and after.group(1) not in ("本级政府", "政府") else ""


_GENERIC_SUFFIX = ("人民政府", "政府")


def unit_key(name: str) -> str:
    """A unit name for comparison: no spaces or quotes, no 人民政府 suffix."""
    k = norm_label(name).replace('"', "")
    for s in _GENERIC_SUFFIX:
        if k.endswith(s) and len(k) > len(s):
            return k[: -len(s)]
    return k


def same_unit(a: str, b: str) -> bool:
    """Two names for one body: equal, or one is the other with a place prefix (河南省…)."""
    ka, kb = unit_key(a), unit_key(b)
    if not ka or not kb:
        return False
    if ka == kb:
        return True
    short, long_ = sorted((ka, kb), key=len)
    return long_.endswith(short) and bool(re.search(r"[省市县区州旗盟]$", long_[: -len(short)]))


def is_own_report(title: str, unit_names: Iterable[str]) -> bool:
    """The report belongs to one of `unit_names` (a title with no unit counts as the site's own)."""
    unit = report_unit(title)
    names = [n for n in unit_names if n]
    if not unit or not names:
        return True
    return any(same_unit(unit, n) for n in names)


@dataclass
class FoundReport:
    """An annual report found in a crawl."""

    year: Year
    title: str
    url: str
    unit: str
    own: bool
    item_id: int | None = None
    column: str | None = None  # path of the column that lists it
    in_report_column: bool = False  # listed in a 年报 column
    published_list: dt.date | None = None  # date shown in the list
    published_page: dt.date | None = None  # date shown on the article page

    @property
    def published(self) -> dt.date | None:
        """The earliest stated publication date (list or page)."""
        dates = [d for d in (self.published_list, self.published_page) if d]
        return min(dates) if dates else None

    def as_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["year"] = list(self.year) if isinstance(self.year, tuple) else self.year
        for k in ("published_list", "published_page"):
            d[k] = d[k].isoformat() if d[k] else None
        return d


REPORT_COLUMN = re.compile(r"年报|年度报告|工作报告|公开报告")


def find_reports(items: Iterable[Any], unit_names: Iterable[str], column_paths: dict[int, str] | None = None
                 ) -> list[FoundReport]:
    """Every annual report among items (objects with title, url, published, article_date, column_id, id)."""
    names = list(unit_names)
    paths = column_paths or {}
    out: list[FoundReport] = []
    seen: set[str] = set()
    for it in items:
        title = getattr(it, "title", "") or ""
        if not is_annual_report_title(title):
            continue
        year = report_year(title)
        assert year is not None
        path = paths.get(getattr(it, "column_id", None) or -1)
        key = f"{it.url}|{year}"
        if key in seen:
            continue
        seen.add(key)
        out.append(FoundReport(
            year=year, title=title, url=it.url, unit=report_unit(title), own=is_own_report(title, names),
            item_id=getattr(it, "id", None), column=path,
            in_report_column=bool(path and REPORT_COLUMN.search(path.split("/")[-1])),
            published_list=getattr(it, "published", None), published_page=getattr(it, "article_date", None)))
    return out


def _year_key(y: Year) -> int:
    return y[1] if isinstance(y, tuple) else y


def best_by_year(found: Iterable[FoundReport]) -> dict[int, FoundReport]:
    """The unit's own report per year (keyed by the year, or the end year of a 学年); 年报 column first."""
    out: dict[int, FoundReport] = {}
    for f in found:
        if not f.own:
            continue
        k = _year_key(f.year)
        cur = out.get(k)
        rank = (f.in_report_column, f.published is not None)
        if cur is None or rank > (cur.in_report_column, cur.published is not None):
            out[k] = f
    return out

"""Which kind of body issued a report, from the body it names (title or unit) and the site it is on.

The deadline depends on it (条例第四十九条): a 县级以上人民政府部门 publishes by 1月31日, the 本级政府
report (a 县/区/市人民政府, or a title naming just the place: 柘城县2017年…) by 3月31日. The statute sets
no date for 乡镇人民政府 and 街道办事处, and provinces differ: those, and bodies the name does not
reveal, are `sure=False`, and the deadline check then penalises nothing it cannot be sure of.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from scoring.annual_report.text import norm_label

GOVERNMENT, DEPARTMENT, TOWNSHIP, UNIVERSITY = "government", "department", "township", "university"

_PLACE = r"(?:省|自治区|市|自治州|州|盟|地区|县|自治县|区|旗|自治旗|特区|林区)"
_GOV = re.compile(_PLACE + r"(?:人民政府|政府)$")
_BARE_PLACE = re.compile(r"^[\u4e00-\u9fff]{1,12}?" + _PLACE + "$")
_TOWNSHIP = re.compile(r"(?:乡|镇|民族乡|苏木|街道|街道办事处|办事处|街道办)(?:人民政府|政府)?$")
_DEPARTMENT = re.compile(
    r"(?:局|委|委员会|办|办公室|厅|署|中心|院|所|站|队|公司|集团|馆|会|部|处|科|社|园区|集聚区|管委会|管理委员会"
    r"|分局|支队|大队|银行|法院|检察院)$")
_ZONE = re.compile(r"(?:集聚区|开发区|园区|示范区|高新区|工业区|保税区|试验区|合作区)(?:管委会|管理委员会)?$")
_UNIVERSITY = re.compile(r"(?:大学|学院|学校|高等专科学校|职业技术学院)$")


@dataclass(frozen=True)
class KindGuess:
    """A report's kind, whether the evidence is clear, and what it was read from."""

    kind: str
    sure: bool
    why: str


def kind_of_unit(unit: str) -> KindGuess | None:
    """The kind a body's name reveals, or None when the name says nothing (empty, unknown ending)."""
    u = norm_label(unit).strip("《》\"")
    if not u:
        return None
    if _UNIVERSITY.search(u):
        return KindGuess(UNIVERSITY, True, f"「{u}」为高校")
    if _TOWNSHIP.search(u) and not _GOV.search(u):
        return KindGuess(TOWNSHIP, False, f"「{u}」为乡镇或街道")
    if _ZONE.search(u):
        return KindGuess(DEPARTMENT, False, f"「{u}」为开发区或园区，时限各地规定不一")
    if _GOV.search(u) or _BARE_PLACE.match(u):
        return KindGuess(GOVERNMENT, True, f"「{u}」为县级以上人民政府")
    if _DEPARTMENT.search(u):
        return KindGuess(DEPARTMENT, True, f"「{u}」为政府部门或其他单位")
    return None


def infer_kind(unit: str = "", *, site_kind: str | None = None, site_name: str = "",
               other_units: tuple[str, ...] = ()) -> KindGuess:
    """The report's kind: from the unit it names first, then other names it gives (发布机构, 来源), then the
    site (a university site, or a site named …人民政府 for a report that names no body)."""
    for name in (unit, *other_units):
        guess = kind_of_unit(name)
        if guess is not None:
            return guess
    if site_kind == UNIVERSITY:
        return KindGuess(UNIVERSITY, True, "高校网站")
    site = kind_of_unit(site_name) if site_name else None
    if site is not None:
        return KindGuess(site.kind, site.sure, f"报告未写明发布主体，按网站：{site.why}")
    return KindGuess(DEPARTMENT, False, "报告未写明发布主体，无法判断其为政府还是部门")

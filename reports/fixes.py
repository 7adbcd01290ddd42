"""A "how to fix" line per check kind and status: what an agency's staff should do next.

Every check kind the scoring engine registers has a line for its failing statuses; unknown kinds fall
back to a line per status. Combined findings ("presence+blank_column") use the first kind that has one.
"""

from __future__ import annotations

from scoring.annual_report.checks import DEFAULT_DEADLINES
from scoring.annual_report.kind import DEPARTMENT, GOVERNMENT, UNIVERSITY, infer_kind

_FAIL = ("fail", "partial")

_KIND_HINTS: dict[str, str] = {
    "presence": "在信息公开专栏设立“{item}”栏目（或在对应栏目发布该事项），并从专栏导航可达。",
    "blank_column": "“{item}”栏目为空白栏目：发布相应信息，或合并、撤销该栏目。",
    "freshness": "“{item}”栏目长期未更新：按时限（即时公开、20个工作日内）发布最新信息，并注明发布日期。",
    "link_health": "修复或删除失效链接、空链接（打不开或指向空白页的链接），并定期巡检全站链接。",
    "access": "取消对公开信息的登录、IP 地址范围等访问限制，确保公众无需身份验证即可浏览。",
    "search": "在信息公开专栏提供站内搜索，并确保检索结果可返回已公开的信息。",
    "entry": "在网站首页显著位置设置“信息公开”入口，一次点击可达专栏，不要隐藏在二级页面或图片中。",
    "monthly_volume": "按月度发布量要求持续发布信息：消除空白月，发布量不低于定额，落实到每个发布单位。",
    "machine_readable": "以网页文本发布“{item}”的内容，不要只提供图片、扫描件或需下载的附件。",
    "home_updated": "保持首页信息更新：首页动态、要闻类栏目至少每两周更新，并注明发布时间。",
    "site_reachable": "保证网站稳定可访问（响应时间不超过 15 秒），排查服务器、域名解析和网络故障。",
    "annual_report": "按时（{deadline}）在专栏发布上一{period}信息公开工作年度报告，以网页文本或可复制文字的文件"
                     "发布，章节与统计表完整、数字勾稽一致。",
    "blank_columns": "清理空白栏目：在空白栏目中发布相应信息，或合并、撤销无内容的栏目（空白栏目达 5 个即单项否决）。",
    "manual": "本项需人工核查：按评估细则准备相应材料（如留言答复记录、办事指南要素），供检查人员确认。",
    "applies_to": "",
}
# The registered names of the scoring engine's check kinds → the hint of the same check.
_ALIASES = {"access_restriction": "access", "column_freshness": "freshness", "entry_point": "entry",
            "search_function": "search", "site_unreachable": "site_reachable"}
_NEEDS_REVIEW = "自动检查无法确定“{item}”是否满足要求：请人工确认。"
# why a check of that kind is unsure, so the reviewer knows what to look at
_REVIEW_KINDS = {
    "presence": "自动检查无法确定“{item}”是否满足要求（名称不一致或链接指向站外）：请人工确认后规范栏目。",
    "annual_report": "年度报告需人工核对（扫描件、无法读取的表格或无法确定发布主体）：请确认后以可复制文字发布。",
    "manual": "本项需人工核查：按评估细则准备相应材料，供检查人员确认。",
}
_NOT_CHECKED = "检查未能完成（站点或栏目无法访问）：请确认网站对外开放后复查。"
_DEFAULT = {
    "fail": "按评估细则要求落实“{item}”。",  # no kind's own verb (公开 is the checklist's)
    "partial": "补齐“{item}”缺少的部分。",
}


def _deadline_text(md: str) -> str:
    month, day = (int(x) for x in md.split("-"))
    return f"{month}月{day}日前"


def annual_report_deadline(site_kind: str | None, site_name: str = "") -> tuple[str, str]:
    """(deadline, period) for the site's own kind: a university's 学年 report by 10月31日, a 本级政府's by
    3月31日, a department's by 1月31日; a site whose kind its name does not settle gets both dates."""
    guess = infer_kind(site_kind=site_kind, site_name=site_name)
    if guess.kind == UNIVERSITY:
        return _deadline_text(DEFAULT_DEADLINES[UNIVERSITY]), "学年"
    if guess.sure:
        return _deadline_text(DEFAULT_DEADLINES[guess.kind]), "年度"
    return (f"政府部门{_deadline_text(DEFAULT_DEADLINES[DEPARTMENT])}、本级人民政府"
            f"{_deadline_text(DEFAULT_DEADLINES[GOVERNMENT])}，以当地规定为准"), "年度"


def known_kinds() -> list[str]:
    """Check kinds with their own fix line."""
    return sorted([k for k, v in _KIND_HINTS.items() if v] + list(_ALIASES))


def _kinds(check_kind: str) -> list[str]:
    out = []
    for kind in (check_kind or "").split("+"):
        kind = kind.strip().split("#", 1)[0]
        out.append(_ALIASES.get(kind, kind))
    return out


def fix_hint(check_kind: str, status: str, item_name: str, *, site_kind: str | None = None,
             site_name: str = "") -> str:
    """One line telling how to recover the points of a finding; empty for passing and not-applicable ones.

    Deadlines are the site's own (`site_kind`, `site_name`: see `annual_report_deadline`)."""
    short = item_name if len(item_name) <= 40 else item_name[:40] + "…"
    if status == "needs_review":
        hint = next((_REVIEW_KINDS[k] for k in _kinds(check_kind) if k in _REVIEW_KINDS), _NEEDS_REVIEW)
        return hint.format(item=short)
    if status == "not_checked":
        return _NOT_CHECKED
    if status not in _FAIL:
        return ""
    deadline, period = annual_report_deadline(site_kind, site_name)
    for kind in _kinds(check_kind):
        hint = _KIND_HINTS.get(kind)
        if hint:
            return hint.format(item=short, deadline=deadline, period=period)
    return _DEFAULT[status].format(item=short)

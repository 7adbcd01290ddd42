"""A "how to fix" line per check kind and status: what an agency's staff should do next."""

from __future__ import annotations

_HINTS: dict[tuple[str, str], str] = {
    ("presence", "fail"): "在信息公开专栏设立“{item}”栏目（或在对应栏目发布该事项），并从专栏导航可达。",
    ("presence", "needs_review"): "栏目名称与清单事项不完全一致或链接指向站外：请人工确认后规范栏目名称。",
    ("presence", "not_checked"): "检查未能完成（站点或栏目无法访问）：请确认网站对外开放后复查。",
    ("blank_column", "fail"): "“{item}”栏目为空白栏目：发布相应信息，或合并、撤销该栏目。",
}
_DEFAULT = {
    "fail": "按清单要求公开“{item}”。",
    "partial": "补齐“{item}”缺少的部分。",
    "needs_review": "请人工复核“{item}”。",
    "not_checked": "检查未能完成：请确认网站可访问后复查。",
}


def fix_hint(check_kind: str, status: str, item_name: str) -> str:
    """One line telling how to recover the points of a finding; empty for passing ones."""
    template = _HINTS.get((check_kind, status)) or _DEFAULT.get(status, "")
    short = item_name if len(item_name) <= 40 else item_name[:40] + "…"
    return template.format(item=short)

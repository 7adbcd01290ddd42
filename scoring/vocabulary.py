"""The words a report uses for a verdict, per rubric kind.

A university checklist asks whether an item is 公开; a website inspection asks whether an indicator
passes (a site that loads is not "公开"); an annual-report rubric asks whether the report 符合 the
rules; a monthly-volume rubric whether the volume 达标. Each rubric names its `kind` (or it is
inferred, see `infer_kind`) and may override single words with `vocabulary:`; every renderer takes
its status words and column headings from `vocabulary_for`, never from one default.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

CHECKLIST, INSPECTION, ANNUAL_REPORT, MONTHLY_VOLUME = "checklist", "inspection", "annual_report", "monthly_volume"
KINDS = (CHECKLIST, INSPECTION, ANNUAL_REPORT, MONTHLY_VOLUME)
VERDICTS = ("pass", "partial", "fail")

# Words every kind shares: no verdict was reached, so no kind-specific word applies.
COMMON = {"not_checked": "未能检查", "needs_review": "待人工复核", "not_applicable": "不适用"}

KIND_WORDS: dict[str, dict[str, str]] = {
    CHECKLIST: {"pass": "公开", "partial": "部分公开", "fail": "未公开"},
    INSPECTION: {"pass": "通过", "partial": "部分扣分", "fail": "不通过"},
    ANNUAL_REPORT: {"pass": "符合", "partial": "部分符合", "fail": "不符合"},
    MONTHLY_VOLUME: {"pass": "达标", "partial": "部分达标", "fail": "未达标"},
}
KIND_NAMES = {CHECKLIST: "公开事项清单", INSPECTION: "网站检查", ANNUAL_REPORT: "年度报告", MONTHLY_VOLUME: "月度发布量"}


@dataclass(frozen=True)
class Vocabulary:
    """Status words of one rubric kind, and the headings built from its fail word."""

    kind: str
    statuses: dict[str, str]

    @property
    def fail_items(self) -> str:
        """Heading of the per-site count of failed items, e.g. 未公开项 / 不通过项."""
        return f"{self.statuses['fail']}项"

    @property
    def fail_sites(self) -> str:
        """Heading of the per-item count of sites that failed it, e.g. 未公开网站数."""
        return f"{self.statuses['fail']}网站数"

    def word(self, status: object) -> str:
        """The word of a status (the status itself when unknown)."""
        return self.statuses.get(str(status), str(status))

    def own_words(self) -> set[str]:
        """The kind's verdict words (pass, partial, fail), without the shared ones."""
        return {self.statuses[v] for v in VERDICTS}


def vocabulary_for(kind: str | None, overrides: Mapping[str, str] | None = None) -> Vocabulary:
    """The vocabulary of a rubric kind (checklist when unknown), with the rubric's own overrides."""
    kind = kind if kind in KIND_WORDS else CHECKLIST
    return Vocabulary(kind, {**KIND_WORDS[kind], **COMMON, **dict(overrides or {})})


def infer_kind(method: str, check_kinds: Iterable[str]) -> str:
    """A rubric's kind when its file names none: deduction methods inspect; a rubric whose checks are
    all annual-report (or monthly-volume) checks is of that kind; anything else is a checklist."""
    kinds = {k for k in check_kinds if k not in ("manual", "scoring", "university")}
    if method in ("deduction", "veto+deduction"):
        return INSPECTION
    if kinds and kinds <= {"annual_report"}:
        return ANNUAL_REPORT
    if kinds and kinds <= {"monthly_volume"}:
        return MONTHLY_VOLUME
    return CHECKLIST

"""Assertions: rules a (scheduled) audit must meet, judged on the stored scores and findings.

Like Lighthouse CI's assertions, a rule failing makes the audit exit 1 and is reported one line
each, so a schedule can alert instead of only reporting. The file (YAML, errors as file:line: field):

    rules:
      - qualified: true            # every site 合格 (at or above the rubric's pass mark, no veto)
      - min_score: 60              # total percent (or `section: <id>` for one section)
      - max_drop: 5                # points of total percent lost since the baseline run
      - no_veto: true              # no single-veto item fires
      - require_pass: ["1", "7"]   # these rubric items must pass
        sites: ["甲大学", "河南"]    # optional: site names, groups or tags (default: every site)
        level: warn                # warn: reported, but the exit status stays 0
    notify:                        # optional; see xxgk/notify.py
      on: violation                # violation (default) | always
      webhook: http://127.0.0.1:8080/hook
      email: {to: [office@example.org], smtp: "127.0.0.1:25"}

Items that could not be judged (not_checked, needs_review) never count as a violation of
`require_pass`; they are listed as `unjudged` in the summary, because a rule must not turn an
unknown into a failure.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from xxgk import yamlfile
from xxgk.errors import UserError
from xxgk.notify import NotifyConfig, notify
from xxgk.store import NEEDS_REVIEW, NOT_CHECKED, PASS, Crawl, Finding, Run, Score, Site

RULE_KINDS = ("qualified", "min_score", "max_drop", "no_veto", "require_pass")
UNJUDGED = (NOT_CHECKED, NEEDS_REVIEW)


class Rule(BaseModel):
    """One rule; exactly one of the rule kinds is set."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str | None = None
    sites: list[str] = Field(default_factory=list)
    section: str | None = None
    level: Literal["error", "warn"] = "error"
    qualified: bool | None = None
    min_score: float | None = Field(default=None, ge=0, le=100)
    max_drop: float | None = Field(default=None, ge=0)
    no_veto: bool | None = None
    require_pass: list[str] | None = None
    _line: int = PrivateAttr(default=0)  # where the rule is in its file (set by the loader)

    @property
    def line(self) -> int:
        return self._line

    @model_validator(mode="after")
    def _one_kind(self) -> Rule:
        kinds = [k for k in RULE_KINDS if getattr(self, k) not in (None, False, [])]
        if len(kinds) != 1:
            raise ValueError(f"a rule needs exactly one of {', '.join(RULE_KINDS)} (got {', '.join(kinds) or 'none'})")
        if self.section and kinds[0] not in ("min_score", "max_drop"):
            raise ValueError("section only goes with min_score or max_drop")
        return self

    @property
    def kind(self) -> str:
        return next(k for k in RULE_KINDS if getattr(self, k) not in (None, False, []))

    def label(self) -> str:
        if self.name:
            return self.name
        value = getattr(self, self.kind)
        shown = "、".join(value) if isinstance(value, list) else ("" if value is True else f"{value:g}")
        where = f" [{self.section}]" if self.section else ""
        return f"{self.kind}{' ' + shown if shown else ''}{where}"


class Assertions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    rules: list[Rule] = Field(min_length=1)
    notify: NotifyConfig | None = None
    source: str = ""


def load_assertions(path: Path | str) -> Assertions:
    """Read and validate an assertion file; errors name the file, line and field."""
    data, lines, source = yamlfile.read_mapping(path, "assertion file", "a mapping with a 'rules' list")
    if "source" in data:
        raise UserError("unknown field", source=source, line=lines.get(("source",)), field="source")
    loaded = yamlfile.validate(Assertions, {**data, "source": source}, lines, source)
    for i, rule in enumerate(loaded.rules):
        rule._line = lines.get(("rules", i), 0)
    return loaded


@dataclass
class Violation:
    rule: str
    level: str
    site: str
    message: str
    source: str
    line: int

    def line_text(self) -> str:
        where = f"{self.source}:{self.line}: " if self.source else ""
        return f"{where}{self.site}: {self.message} ({self.rule})"


@dataclass
class Judgement:
    """The outcome of every rule on one run, and the JSON summary sent to notifications."""

    run_id: int
    rubric_id: str
    baseline_run_id: int | None
    sites: int
    violations: list[Violation] = field(default_factory=list)
    unjudged: list[dict[str, str]] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return any(v.level == "error" for v in self.violations)

    def summary(self) -> dict[str, Any]:
        return {"run": self.run_id, "rubric": self.rubric_id, "baseline_run": self.baseline_run_id,
                "sites": self.sites, "status": "fail" if self.failed else "pass",
                "errors": sum(v.level == "error" for v in self.violations),
                "warnings": sum(v.level == "warn" for v in self.violations),
                "violations": [asdict(v) | {"text": v.line_text()} for v in self.violations],
                "unjudged": self.unjudged, "judged_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}


def judge(session: Session, run_id: int, rubric_id: str, assertions: Assertions, *, pass_mark: float,
          baseline_run_id: int | None = None) -> Judgement:
    """Every rule against the run's stored scores and findings for the rubric."""
    if session.get(Run, run_id) is None:
        raise UserError(f"no run {run_id} in the store", field="RUN")
    sites = {s.id: s for s in session.scalars(
        select(Site).join(Crawl, Crawl.site_id == Site.id).where(Crawl.run_id == run_id))}
    scores = _scores(session, run_id, rubric_id)
    before = _scores(session, baseline_run_id, rubric_id) if baseline_run_id else {}
    findings: dict[int, dict[str, Finding]] = {}
    for f in session.scalars(select(Finding).where(Finding.run_id == run_id, Finding.rubric_id == rubric_id)):
        findings.setdefault(f.site_id, {})[f.item_id] = f
    out = Judgement(run_id, rubric_id, baseline_run_id, len(sites))
    for rule in assertions.rules:
        for site in sorted(sites.values(), key=lambda s: s.name):
            if rule.sites and not _selected(site, rule.sites):
                continue
            for message in _check(rule, site, scores.get(site.id, {}), before.get(site.id, {}),
                                  findings.get(site.id, {}), pass_mark, baseline_run_id, out):
                out.violations.append(Violation(rule.label(), rule.level, site.name, message,
                                                assertions.source, rule.line))
    return out


def _scores(session: Session, run_id: int | None, rubric_id: str) -> dict[int, dict[str, Score]]:
    out: dict[int, dict[str, Score]] = {}
    for s in session.scalars(select(Score).where(Score.run_id == run_id, Score.rubric_id == rubric_id)):
        out.setdefault(s.site_id, {})[s.section_id] = s
    return out


def _selected(site: Site, names: list[str]) -> bool:
    tags = set(site.tags or [])
    return any(n in (site.name, site.group, site.url) or n in tags for n in names)


def _check(rule: Rule, site: Site, scores: dict[str, Score], before: dict[str, Score],
           findings: dict[str, Finding], pass_mark: float, baseline: int | None, out: Judgement) -> list[str]:
    """The violation messages of one rule on one site (empty: the site meets it)."""
    section = rule.section or "total"
    row = scores.get(section)
    if rule.kind in ("qualified", "min_score", "max_drop") and (row is None or row.percent is None):
        if row is not None and row.veto and rule.kind != "max_drop":  # vetoed: no percent, and below any mark
            return [f"{'不合格: ' if rule.kind == 'qualified' else ''}单项否决 ({row.veto})"]
        out.unjudged.append({"site": site.name, "rule": rule.label(), "reason": "no score to judge"})
        return []
    if rule.kind == "qualified":
        if row.veto:
            return [f"不合格: 单项否决 ({row.veto})"]
        return [f"不合格: total {row.percent:.2f} below the pass mark {pass_mark:g}"] if row.percent < pass_mark else []
    if rule.kind == "min_score":
        if row.percent < rule.min_score:
            return [f"{'total' if section == 'total' else 'section ' + section} {row.percent:.2f} "
                    f"below {rule.min_score:g}"]
        return []
    if rule.kind == "max_drop":
        old = before.get(section)
        if baseline is None or old is None or old.percent is None:
            out.unjudged.append({"site": site.name, "rule": rule.label(), "reason": "no baseline score"})
            return []
        drop = old.percent - row.percent
        return ([f"dropped {drop:.2f} points ({old.percent:.2f} → {row.percent:.2f}, run {baseline} → {out.run_id})"]
                if drop > rule.max_drop else [])
    if rule.kind == "no_veto":
        total = scores.get("total")
        return [f"单项否决: {total.veto}"] if total is not None and total.veto else []
    messages = []
    for item in rule.require_pass or []:
        f = findings.get(item)
        if f is None:
            messages.append(f"item {item} was not scored (not in the rubric?)")
        elif f.status in UNJUDGED:
            out.unjudged.append({"site": site.name, "rule": rule.label(), "reason": f"item {item}: {f.status}"})
        elif f.status != PASS:
            messages.append(f"item {item} {f.item_name}: {f.status}")
    return messages


def judge_with_baseline(session: Session, run_id: int, rubric_id: str, assertions: Assertions, *,
                        pass_mark: float, baseline_run_id: int | None = None) -> Judgement:
    """`judge` against the given baseline, else the previous finished run of the same rubric and sites
    (the report's own default), which `max_drop` measures from."""
    from reports.compare import previous_run

    if baseline_run_id is None:
        baseline_run_id = previous_run(session, run_id, rubric_id)
    return judge(session, run_id, rubric_id, assertions, pass_mark=pass_mark, baseline_run_id=baseline_run_id)


def publish(judgement: Judgement, assertions: Assertions, out_dir: Path) -> list[str]:
    """Write `assertions.json` beside the report and send the notifications; returns delivery problems."""
    summary = judgement.summary() | {"assertions": assertions.source}
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "assertions.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
    return notify(assertions.notify, summary) if assertions.notify else []

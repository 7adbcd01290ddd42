"""Assertion files: validated with file:line errors, judged on stored scores, delivered by webhook and SMTP."""

from __future__ import annotations

import email
import email.policy
import json
import re
from pathlib import Path

import pytest

from xxgk.assertions import judge, judge_with_baseline, load_assertions, publish
from xxgk.errors import UserError
from xxgk.store import Crawl, Finding, Run, Score, Site, session_factory, session_scope


def write(tmp: Path, text: str) -> Path:
    path = tmp / "assert.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("text", "expected"), [
    ("rules:\n  - min_score: 60\n    max_drop: 5\n",
     r"assert.yaml:2: rules\[0\]: Value error, a rule needs exactly one of .* \(got min_score, max_drop\)"),
    ("rules:\n  - min_score: 60\n  - min_scor: 50\n", r"assert.yaml:3: rules\[1\].min_scor: unknown field"),
    ("rules:\n  - min_score: 160\n", r"assert.yaml:2: rules\[0\].min_score: Input should be less than or equal to 100"),
    ("rules:\n  - no_veto: true\n    section: '一'\n",
     r"assert.yaml:2: rules\[0\]: Value error, section only goes with min_score or max_drop"),
    ("rules: []\n", r"assert.yaml:1: rules: List should have at least 1 item"),
    ("rules:\n  - qualified: true\nnotify:\n  webhook: ftp://x\n",
     r"assert.yaml:4: notify.webhook: Value error, webhook must be an http\(s\) URL"),
    ("rules:\n  - qualified: true\nrules:\n  - no_veto: true\n", r"assert.yaml:3: rules: duplicate key 'rules'"),
    ("- min_score: 60\n", r"assert.yaml:1: expected a mapping with a 'rules' list"),
])
def test_bad_assertion_file_names_line_and_field(tmp_path: Path, text: str, expected: str) -> None:
    with pytest.raises(UserError) as err:
        load_assertions(write(tmp_path, text))
    assert re.search(expected, str(err.value)), str(err.value)


def _store(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Two runs of one rubric over three sites, with totals, a section and item findings."""
    factory = session_factory(f"sqlite:///{tmp_path / 'db.sqlite'}")
    with session_scope(factory) as s:
        sites = [Site(url=f"http://127.0.0.1:9/{n}/", name=n, group=g, tags=t)
                 for n, g, t in (("甲大学", "河南", ["985"]), ("乙大学", "河南", []), ("丙大学", "河北", []))]
        s.add_all(sites)
        s.flush()
        ids = {}
        for label, totals in (("before", (90.0, 70.0, 80.0)), ("after", (82.0, 55.0, None))):
            run = Run(label=label, status="done", rubric_id="r")
            s.add(run)
            s.flush()
            ids[label] = run.id
            for site, total in zip(sites, totals, strict=True):
                s.add(Crawl(run_id=run.id, site_id=site.id, status="done"))
                veto = "D1 站点无法访问" if total is None else None
                s.add(Score(run_id=run.id, site_id=site.id, rubric_id="r", section_id="total", section_name="总分",
                            points=total or 0, max_points=100, eligible_points=100, percent=total, veto=veto))
                s.add(Score(run_id=run.id, site_id=site.id, rubric_id="r", section_id="一", section_name="一",
                            points=10, max_points=20, eligible_points=20, percent=50.0))
                for item, status in (("1", "pass"), ("7", "fail" if site.name == "乙大学" else "pass"),
                                     ("9", "not_checked")):
                    s.add(Finding(run_id=run.id, site_id=site.id, rubric_id="r", section_id="一", section_name="一",
                                  item_id=item, item_name=f"事项{item}", check_kind="presence", status=status))
    return factory, ids


RULES = """\
rules:
  - qualified: true
  - min_score: 60
    section: 一
  - max_drop: 5
  - no_veto: true
  - require_pass: ["1", "7", "9"]
    sites: [河南]
    level: warn
"""


def test_judge_gives_one_line_per_violation(tmp_path: Path) -> None:
    factory, ids = _store(tmp_path)
    rules = load_assertions(write(tmp_path, RULES))
    with session_scope(factory) as s:
        j = judge(s, ids["after"], "r", rules, pass_mark=60, baseline_run_id=ids["before"])
    src = str(tmp_path / "assert.yaml")
    assert [v.line_text() for v in j.violations] == [
        f"{src}:2: 丙大学: 不合格: 单项否决 (D1 站点无法访问) (qualified)",
        f"{src}:2: 乙大学: 不合格: total 55.00 below the pass mark 60 (qualified)",
        f"{src}:3: 丙大学: section 一 50.00 below 60 (min_score 60 [一])",
        f"{src}:3: 乙大学: section 一 50.00 below 60 (min_score 60 [一])",
        f"{src}:3: 甲大学: section 一 50.00 below 60 (min_score 60 [一])",
        f"{src}:5: 乙大学: dropped 15.00 points (70.00 → 55.00, run {ids['before']} → {ids['after']}) (max_drop 5)",
        f"{src}:5: 甲大学: dropped 8.00 points (90.00 → 82.00, run {ids['before']} → {ids['after']}) (max_drop 5)",
        f"{src}:6: 丙大学: 单项否决: D1 站点无法访问 (no_veto)",
        f"{src}:7: 乙大学: item 7 事项7: fail (require_pass 1、7、9)",
    ]
    assert [v.level for v in j.violations][-1] == "warn" and j.failed
    # a vetoed site has no total to compare, and not_checked items are never violations: both listed
    assert {(u["site"], u["reason"]) for u in j.unjudged} == {
        ("丙大学", "no score to judge"), ("甲大学", "item 9: not_checked"), ("乙大学", "item 9: not_checked")}


def test_a_run_that_meets_its_rules_passes(tmp_path: Path) -> None:
    factory, ids = _store(tmp_path)
    rules = load_assertions(write(tmp_path, "rules:\n  - min_score: 80\n    sites: ['985']\n"))
    with session_scope(factory) as s:
        j = judge(s, ids["after"], "r", rules, pass_mark=60)
    assert j.violations == [] and not j.failed and j.summary()["status"] == "pass"


def test_violations_reach_the_webhook_and_the_mailbox(tmp_path: Path, receivers) -> None:  # type: ignore[no-untyped-def]
    hook, inbox = receivers
    factory, ids = _store(tmp_path)
    rules = load_assertions(write(tmp_path, RULES + f"notify:\n  webhook: {hook.url}\n  email:\n    to: [office@example.org]\n"
                                                    f"    smtp: '{inbox.address}'\n"))
    with session_scope(factory) as s:
        j = judge_with_baseline(s, ids["after"], "r", rules, pass_mark=60)
        problems = publish(j, rules, tmp_path / "out")
    assert problems == []
    saved = json.loads((tmp_path / "out" / "assertions.json").read_text(encoding="utf-8"))
    assert saved["status"] == "fail" and saved["errors"] == 8 and saved["warnings"] == 1
    assert saved["baseline_run"] == ids["before"]  # the previous run of the same rubric and sites
    assert hook.received == [saved | {"judged_at": hook.received[0]["judged_at"]}]
    assert len(inbox.messages) == 1
    assert inbox.messages[0].rcpt_tos == ["office@example.org"]
    mail = email.message_from_bytes(inbox.messages[0].content, policy=email.policy.default)
    assert mail["Subject"] == f"xxgk 评估结果：fail（run {ids['after']}）"
    body = mail.get_body(("plain",)).get_content()
    assert body.splitlines()[0] == f"run {ids['after']} · rubric r · 3 sites · fail: 8 errors, 1 warnings"
    assert [v["text"] for v in saved["violations"]] == body.splitlines()[1:10]
    attached = next(mail.iter_attachments())
    assert json.loads(attached.get_content()) == saved | {"judged_at": json.loads(attached.get_content())["judged_at"]}


def test_undeliverable_notification_is_reported_not_raised(tmp_path: Path) -> None:
    factory, ids = _store(tmp_path)
    rules = load_assertions(write(tmp_path, RULES + "notify:\n  webhook: http://127.0.0.1:9/hook\n"))
    with session_scope(factory) as s:
        j = judge_with_baseline(s, ids["after"], "r", rules, pass_mark=60)
        problems = publish(j, rules, tmp_path / "out")
    assert j.failed and len(problems) == 1 and problems[0].startswith("webhook http://127.0.0.1:9/hook: ")
    assert (tmp_path / "out" / "assertions.json").exists()  # the verdict is kept whatever the delivery

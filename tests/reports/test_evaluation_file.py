"""Evaluation files: the bundled sample loads; every mistake is one line naming file, line and field."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from reports.evaluation_file import load_evaluation
from scoring.rubric import rubrics_dir
from xxgk.errors import UserError

SAMPLE = rubrics_dir() / "evaluations" / "university-21c.yaml"

GOOD = """id: e1
title: 评估
parts:
  - id: a
    name: 清单
    rubric: moe-university-checklist-2014
  - id: b
    name: 年报发布
    rubric: moe-university-annual-report
    section: publish
    weight: 2
"""


def test_the_bundled_university_evaluation_names_the_three_21c_parts():
    evaluation, rubrics = load_evaluation(SAMPLE)
    assert [p.name for p in evaluation.parts] == ["清单完成", "年报内容完备性", "年报发布规范性"]
    assert [(p.rubric, p.section) for p in evaluation.parts] == [
        ("moe-university-checklist-2014", None), ("moe-university-annual-report", "content"),
        ("moe-university-annual-report", "publish")]
    assert set(rubrics) == {"moe-university-checklist-2014", "moe-university-annual-report"}
    assert evaluation.pass_mark == 60


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "eval.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("text", "line", "field", "words"), [
    (GOOD.replace("moe-university-checklist-2014", "no-such-rubric"), 6, "parts[0].rubric", "no rubric named"),
    (GOOD.replace("section: publish", "section: nope"), 10, "parts[1].section", "has no section 'nope'"),
    (GOOD.replace("  - id: b", "  - id: a"), 7, "parts[1].id", "duplicate part id"),
    (GOOD.replace("weight: 2", "weight: 0"), 11, "parts[1].weight", "greater than 0"),
    (GOOD.replace("title: 评估", "title: 评估\nwieght: 1"), 3, "wieght", "unknown field"),
    (GOOD.replace("title: 评估\n", ""), 1, "title", "field required"),
    (GOOD + "pass_mark: 120\n", 12, "pass_mark", "less than or equal to 100"),
    ("id: [x\n", 2, None, "YAML syntax error"),
    ("- a\n", 1, None, "expected a mapping"),
])
def test_bad_files_are_one_line_with_file_line_and_field(tmp_path, text, line, field, words):
    path = _write(tmp_path, text)
    with pytest.raises(UserError) as err:
        load_evaluation(path)
    assert err.value.source == str(path) and err.value.line == line
    assert err.value.field == field and words in err.value.bare_message, str(err.value)


def test_a_rubric_path_is_read_beside_the_evaluation_file(tmp_path):
    (tmp_path / "mine.yaml").write_bytes((rubrics_dir() / "moe-university-annual-report.yaml").read_bytes())
    evaluation, rubrics = load_evaluation(_write(tmp_path, GOOD.replace("rubric: moe-university-annual-report",
                                                                        "rubric: mine.yaml")))
    assert evaluation.parts[1].rubric == "moe-university-annual-report" and set(rubrics) == {
        "moe-university-checklist-2014", "moe-university-annual-report"}


def test_the_cli_prints_one_error_line(tmp_path):
    path = _write(tmp_path, GOOD.replace("section: publish", "section: nope"))
    res = subprocess.run([sys.executable, "-m", "xxgk", "evaluate", "1", "--file", str(path), "--db",
                          str(tmp_path / "x.sqlite"), "--out", str(tmp_path / "out")],
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 2
    assert res.stderr.strip().splitlines() == [
        f"error: {path}:10: parts[1].section: rubric moe-university-annual-report has no section 'nope' "
        "(known: publish, content)"]
    assert not (tmp_path / "out").exists()

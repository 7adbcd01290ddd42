"""A rubric's kind (and its word overrides) is validated, stored with the scores, and inferred when absent."""

from __future__ import annotations

from pathlib import Path

import pytest

from scoring.rubric import find_rubric, load_rubric
from scoring.snapshot import rubric_snapshot
from scoring.vocabulary import vocabulary_for
from xxgk.errors import UserError

BUNDLED = {"moe-university-checklist-2014": "checklist", "gov-website-inspection-2019": "inspection",
           "gov-disclosure-annual-report": "annual_report", "moe-university-annual-report": "annual_report",
           "gov-monthly-publication": "monthly_volume"}


@pytest.mark.parametrize(("rid", "kind"), BUNDLED.items())
def test_bundled_rubrics_name_their_kind_and_inference_agrees(rid: str, kind: str) -> None:
    rubric = load_rubric(find_rubric(rid))
    assert rubric.kind == kind and rubric.model_copy(update={"kind": None}).rubric_kind == kind
    assert rubric_snapshot(rubric)["kind"] == kind


def _text(rid: str) -> str:
    return Path(find_rubric(rid)).read_text(encoding="utf-8")


def test_unknown_kind_and_blank_word_name_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(_text("moe-university-checklist-2014").replace("kind: checklist", "kind: checklst"), encoding="utf-8")
    with pytest.raises(UserError, match=r"bad\.yaml:\d+: kind: Input should be 'checklist'"):
        load_rubric(bad)
    bad.write_text(_text("moe-university-checklist-2014").replace("kind: checklist", "vocabulary: {pass: ''}"),
                   encoding="utf-8")
    with pytest.raises(UserError, match=r"bad\.yaml:\d+: vocabulary: .*empty word for pass"):
        load_rubric(bad)


def test_a_rubric_overrides_single_words(tmp_path: Path) -> None:
    own = tmp_path / "own.yaml"
    own.write_text(_text("moe-university-checklist-2014").replace("kind: checklist",
                                                                  "kind: checklist\nvocabulary: {pass: 已公开}"),
                   encoding="utf-8")
    rubric = load_rubric(own)
    words = vocabulary_for(rubric.rubric_kind, rubric.vocabulary)
    assert (words.word("pass"), words.word("fail"), words.fail_items) == ("已公开", "未公开", "未公开项")

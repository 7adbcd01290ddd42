"""`xxgk rubrics list/show/validate` and `xxgk score RUN --rubric ID` for every bundled rubric (subprocess)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sitekit import AS_OF, Kit
from sqlalchemy import select

from scoring.rubric import list_rubrics
from xxgk.store import Finding, Score, session_factory

RUBRICS = [ref.id for ref in list_rubrics()]


def _xxgk(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "xxgk", *args], capture_output=True, text=True, timeout=120,
                          env={"COLUMNS": "250", "PATH": "/usr/bin:/bin", "PYTHONIOENCODING": "utf-8"})


def test_core_rubrics_are_bundled() -> None:
    assert {"moe-university-checklist-2014", "gov-website-inspection-2019", "gov-monthly-publication"} <= set(RUBRICS)


def test_list_names_every_rubric() -> None:
    res = _xxgk("rubrics", "list")
    assert res.returncode == 0, res.stderr
    for rid in RUBRICS:
        assert rid in res.stdout


@pytest.mark.parametrize("rid", RUBRICS)
def test_show_and_validate(rid: str) -> None:
    ref = next(r for r in list_rubrics() if r.id == rid)
    show = _xxgk("rubrics", "show", rid)
    assert show.returncode == 0, show.stderr
    assert rid in show.stdout
    val = _xxgk("rubrics", "validate", str(ref.path))
    assert val.returncode == 0, val.stderr
    assert ": ok (" in val.stdout


def test_validate_broken_file_gives_file_line(tmp_path: Path) -> None:
    src = next(r for r in list_rubrics() if r.id == "gov-website-inspection-2019").path.read_text(encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(src.replace("kind: home_updated", "kind: home_update"), encoding="utf-8")
    res = _xxgk("rubrics", "validate", str(bad))
    assert res.returncode != 0
    line = next(n for n, t in enumerate(src.splitlines(), 1) if "kind: home_updated" in t)
    assert f"{bad}:{line}: sections[0].items[2].checks[0].kind: unknown check kind 'home_update'" in res.stderr
    assert "Traceback" not in res.stderr


@pytest.mark.parametrize("rid", RUBRICS)
def test_score_stored_run(tmp_path: Path, rid: str) -> None:
    k = Kit(tmp_path, facts={"home_newest_date": AS_OF.isoformat()})
    c = k.col("部门动态", items=1, unit="某区发改局")
    k.item(c, "动态", AS_OF)
    k.session.commit()
    db = str(tmp_path / "k.db")
    for _ in range(2):
        res = _xxgk("score", str(k.run.id), "--rubric", rid, "--db", db)
        assert res.returncode == 0, res.stderr
        assert f"scored with {rid}" in res.stdout
    session = session_factory(f"sqlite:///{db}")()
    findings = session.scalars(select(Finding).where(Finding.rubric_id == rid)).all()
    from scoring.rubric import find_rubric, load_rubric

    rubric = load_rubric(find_rubric(rid))
    assert len(findings) == len(rubric.items())  # replaced, not appended
    assert session.scalar(select(Score).where(Score.rubric_id == rid, Score.section_id == "total")) is not None

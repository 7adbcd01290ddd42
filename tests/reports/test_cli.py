"""`xxgk report RUN --compare RUN2 --formats ... --bulletin` re-renders a stored run."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from bench.synthetic import make_store
from xxgk.cli import app


def test_report_command_options(tmp_path):
    db = tmp_path / "s.sqlite"
    store = make_store(f"sqlite:///{db}", n_sites=3, n_runs=3, hostile=False, veto=False, volume=False)
    out = tmp_path / "out"
    runner = CliRunner()
    res = runner.invoke(app, ["report", str(store.runs[-1]), "--db", str(db), "--out", str(out),
                              "--compare", str(store.runs[0]), "--formats", "json", "--bulletin"])
    assert res.exit_code == 0, res.output
    assert "report written to" in res.output
    doc = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert doc["baseline_run"] == store.runs[0]  # --compare overrides the previous run
    assert (out / "findings.csv").exists() and not (out / "report.xlsx").exists()  # html+csv always, xlsx not asked
    # --bulletin writes the 通报 for any rubric, not only for monthly-volume runs
    assert (out / "bulletin.docx").exists() and "四、整改要求" in (out / "bulletin.html").read_text("utf-8")
    res = runner.invoke(app, ["report", str(store.runs[-1]), "--db", str(db), "--out", str(tmp_path / "o2")])
    assert res.exit_code == 0 and json.loads((tmp_path / "o2" / "report.json").read_text("utf-8"))["baseline_run"] \
        == store.runs[1]  # default: the previous finished run of the same rubric and site list
    assert not (tmp_path / "o2" / "bulletin.html").exists()  # no monthly-volume findings, not forced
    res = runner.invoke(app, ["report", str(store.runs[-1]), "--db", str(db), "--formats", "html,doc"])
    assert res.exit_code != 0

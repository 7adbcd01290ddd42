"""`xxgk runs export`: a dated snapshot folder with the whole report and the sha256 of every file."""

from __future__ import annotations

import csv
import hashlib
import json
import sys
from pathlib import Path

import pytest

ROOT = str(Path(__file__).resolve().parents[2])
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from bench.synthetic import make_store  # noqa: E402
from xxgk.cli import main  # noqa: E402
from xxgk.errors import UserError  # noqa: E402
from xxgk.snapshot import export_run  # noqa: E402
from xxgk.store import Run, session_factory, session_scope  # noqa: E402


def test_export_writes_a_dated_verifiable_snapshot(tmp_path):
    store = make_store(f"sqlite:///{tmp_path / 's.sqlite'}", n_sites=3, hostile=False, volume=False)
    run_id = store.runs[-1]
    with session_scope(session_factory(store.db_url)) as s:
        run = s.get(Run, run_id)
        run.config = {**(run.config or {}), "as_of": "2026-11-01"}
        rubric = run.rubric_id
    folder = export_run(store.db_url, run_id, tmp_path / "snap")
    assert folder.name == f"{rubric}-run{run_id}-2026-11-01"
    meta = json.loads((folder / "snapshot.json").read_text(encoding="utf-8"))
    assert (meta["run"], meta["rubric"], meta["as_of"]) == (run_id, rubric, "2026-11-01")
    for name in ("index.html", "findings.csv", "scores.csv", "columns.csv", "items.csv", "report.xlsx", "report.json"):
        assert name in meta["files"], name
    for name, digest in meta["files"].items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest
    with open(folder / "scores.csv", encoding="utf-8-sig") as fh:
        assert {int(r["run_id"]) for r in csv.DictReader(fh)} == {run_id}
    with pytest.raises(UserError, match="exists and is not empty"):
        export_run(store.db_url, run_id, tmp_path / "snap")  # a published snapshot is never overwritten


def test_export_cli_unknown_run_is_one_line(tmp_path, capsys):
    sys.argv = ["xxgk", "runs", "export", "5", "--db", str(tmp_path / "e.sqlite"), "--out", str(tmp_path / "o")]
    with pytest.raises(SystemExit) as exit_:
        main()
    assert exit_.value.code == 2
    assert capsys.readouterr().err.strip() == "error: RUN: no run 5 in the store"

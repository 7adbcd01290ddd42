"""A synthetic store (two finished runs, hostile site, veto, monthly volume, WARC evidence) rendered once."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# bench/synthetic.py builds the store; it is test-only code, so it lives beside the benchmarks, not in reports/
ROOT = str(Path(__file__).resolve().parents[2])
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from bench.synthetic import make_store  # noqa: E402
from reports.render import render_report  # noqa: E402
from xxgk.store import session_factory, session_scope  # noqa: E402


@pytest.fixture(scope="session")
def synth(tmp_path_factory):
    root = tmp_path_factory.mktemp("synth")
    store = make_store(f"sqlite:///{root / 's.sqlite'}", evidence_dir=root / "evidence")
    return store, root


@pytest.fixture(scope="session")
def rendered(synth):
    """The latest run rendered to html, csv, xlsx and json (baseline chosen automatically)."""
    store, root = synth
    out = root / "out"
    with session_scope(session_factory(store.db_url)) as s:
        result = render_report(s, store.runs[-1], None, out, formats="html,csv,xlsx,json")
    return store, out, result

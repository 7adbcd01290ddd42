"""The formats registry: every registered format renders a small run and writes what it declares."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys

import pytest

import reports.formats as formats_pkg
from bench.synthetic import make_store
from reports.browser import chromium_path
from reports.formats import REGISTRY, names, report_formats, select
from reports.pagination import FILES as PAGINATED_FILES
from reports.render import render_formats
from xxgk.errors import UserError
from xxgk.store import session_factory, session_scope


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    root = tmp_path_factory.mktemp("small")
    return make_store(f"sqlite:///{root / 's.sqlite'}", n_sites=3, n_runs=1, n_sections=2, per_section=2,
                      evidence_dir=root / "evidence"), root


def test_every_format_module_is_registered_with_its_writer():
    modules = {m.name for m in pkgutil.iter_modules(formats_pkg.__path__)} - {"base"}
    assert set(REGISTRY) == modules == {"html", "csv", "xlsx", "json", "pdf", "bulletin", "verification", "evaluation"}
    for name, fmt in REGISTRY.items():
        assert fmt.name == name and fmt.description and fmt.files
        assert callable(importlib.import_module(f"reports.formats.{name}").write)
    assert names("report").index("html") < names("report").index("pdf")  # pdf prints what html wrote
    assert names("verify-fixes") == ["verification"]
    assert names("evaluate") == ["evaluation"]


@pytest.mark.parametrize("name", list(REGISTRY))
def test_each_format_renders_a_small_run(small, tmp_path, name):
    if name == "pdf" and chromium_path() is None:
        pytest.skip("Debian chromium is not installed")
    store, _root = small
    fmt = REGISTRY[name]
    wanted = ["html", name] if name == "pdf" else [name]  # pdf prints the html pages
    rows = [{"line": 2, "site": "http://127.0.0.1:9100/", "site_name": "样例大学001", "item_id": "1",
             "item_name": "事项1", "claimed": "pass", "claim_url": "", "verdict": "confirmed", "before": "fail",
             "after": "pass", "message": "=复查确认", "evidence_urls": ""}]
    with session_scope(session_factory(store.db_url)) as s:
        if name == "evaluation":  # its input is an evaluation of the run (reports/evaluation_render.py)
            done = _evaluation(s, store.runs[-1], tmp_path)
        else:
            done = render_formats(s, store.runs[-1], None, tmp_path, wanted, verdicts=rows)
    written = {p.relative_to(tmp_path).as_posix() for p in done.files}
    for declared in fmt.files:
        if declared.endswith("/") or declared in PAGINATED_FILES:  # written only with such evidence / a large run
            continue
        pattern = declared.replace("site-N", f"site-{store.site_ids[0]}")
        assert pattern in written, (name, pattern, sorted(written))
        assert (tmp_path / pattern).stat().st_size > 0
    if name == "verification":
        text = (tmp_path / "verification.csv").read_text(encoding="utf-8-sig")
        # the first twelve columns are the public contract; later ones are only ever added after them
        assert text.splitlines()[0] == ("line,site,site_name,item_id,item_name,claimed,claim_url,verdict,before,"
                                        "after,message,evidence_urls,checked_at")
        assert ",'=复查确认," in text  # formula-neutralised like every table


def _evaluation(session, run_id, out):
    from bench.synthetic import RUBRIC_ID
    from reports.evaluation_file import Evaluation, Part
    from reports.evaluation_render import build_evaluation_report
    from reports.render import write_report

    evaluation = Evaluation(id="e", title="评估", parts=[Part(id="a", name="甲", rubric=RUBRIC_ID, section="1"),
                                                        Part(id="b", name="乙", rubric=RUBRIC_ID, section="2")])
    return write_report(build_evaluation_report(session, run_id, evaluation), out, ["evaluation"])


def test_csv_columns_are_kept(small, tmp_path):
    store, _root = small
    with session_scope(session_factory(store.db_url)) as s:
        render_formats(s, store.runs[-1], None, tmp_path, ["csv"])
    heads = {n: (tmp_path / n).read_text(encoding="utf-8-sig").splitlines()[0] for n in
             ("columns.csv", "items.csv", "findings.csv", "scores.csv")}
    assert heads["findings.csv"].startswith("run_id,rubric_id,site_id,site_name,site_url,section_id,section_name,"
                                            "item_id,item_name,check_kind,status,credit,points,max_points,message,"
                                            "reason,matched,evidence_urls")
    assert heads["scores.csv"] == ("run_id,rubric_id,site_id,site_name,section_id,section_name,points,max_points,"
                                   "eligible_points,percent,veto,rank")
    assert heads["items.csv"] == "run_id,site_id,site_name,column_id,column_path,title,url,published"
    assert heads["columns.csv"].startswith("run_id,site_id,site_name,site_url,column_id,parent_id,path,name,url,"
                                           "depth,offsite,status,item_count,declared_count,list_pages,newest_date,"
                                           "has_content")


def test_unknown_format_is_one_line_naming_the_known_ones():
    with pytest.raises(UserError) as err:
        report_formats("html,doc")
    message = str(err.value)
    assert "\n" not in message and "doc" in message
    assert "known: html, csv, xlsx, json, bulletin, pdf" in message
    with pytest.raises(UserError, match="verification is written by `xxgk verify-fixes`"):
        report_formats("verification")
    assert select("verification", command="verify-fixes") == ("verification",)
    assert report_formats("pdf,bulletin") == ("html", "csv", "bulletin", "pdf")


@pytest.mark.parametrize("command", ["report", "audit"])
def test_cli_refuses_an_unknown_format_before_any_work(tmp_path, command):
    args = ["report", "1"] if command == "report" else ["audit", str(tmp_path / "never-read.csv")]
    if command == "report":
        make_store(f"sqlite:///{tmp_path / 's.sqlite'}", n_sites=2, n_runs=1, hostile=False, veto=False,
                   volume=False)
    res = subprocess.run([sys.executable, "-m", "xxgk", *args, "--db", str(tmp_path / "s.sqlite"),
                          "--out", str(tmp_path / "out"), "--formats", "html,docx"],
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 2, res.stderr
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and "unknown report format docx (known: html, csv, xlsx, json, bulletin, pdf)" in lines[0]
    assert not (tmp_path / "out").exists()

"""Bad input to the commands that work on a store holding runs: claims files, assertion files, store
URLs, output folders, run ids and annual-report files. Each gives exit code 2, one line naming the file
(and line) or the option, no traceback, and the store keeps everything it held.

The store is the synthetic one of the report tests (two finished runs), copied for each case; the CLI
runs in this process (`test_bad_input.run_cli`).
"""

from __future__ import annotations

import random
import re
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_bad_input import run_cli, write  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
RUBRIC = REPO / "rubrics" / "moe-university-checklist-2014.yaml"
TABLES = ("runs", "sites", "crawls", "findings", "scores")
NOISE = random.Random(18).randbytes(3000)  # seeded: the same "random" file on every run


@pytest.fixture(scope="module")
def store_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from bench.synthetic import make_store

    path = tmp_path_factory.mktemp("store") / "db.sqlite"
    make_store(f"sqlite:///{path}", n_sites=2, n_runs=2, hostile=False, veto=False, volume=False)
    with sqlite3.connect(path) as conn:  # run 1 names a rubric file, so claims resolve against real items
        conn.execute("update runs set rubric_id = ? where id = 1", (str(RUBRIC),))
    return path


def counts(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        return {t: conn.execute(f"select count(*) from {t}").fetchone()[0] for t in TABLES}  # noqa: S608


def _xlsx(path: Path, rows: list[list[str]]) -> Path:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    wb.save(path)
    return path


def verify(t: Path, claims: Path, run: str = "1") -> list[str]:
    return ["verify-fixes", run, "--claims", str(claims), "--db", str(t / "db.sqlite"), "--out", str(t / "out"),
            "--quiet"]


def report(t: Path, *extra: str, run: str = "1", out: str | None = None) -> list[str]:
    return ["report", run, "--db", str(t / "db.sqlite"), "--out", out or str(t / "out"), *extra]


def annual(t: Path, name: str, data: bytes | str) -> list[str]:
    return ["annual-report", str(write(t / name, data))]


# (id, build(tmp) -> CLI args, expected stderr line as a regex with {tmp})
CASES: list[tuple[str, Callable[[Path], list[str]], str]] = [
    # claims files of `xxgk verify-fixes`
    ("claims-missing-item-header", lambda t: verify(t, write(t / "c.csv", "网站\n样例大学001\n")),
     r"error: {tmp}/c.csv:1: header row has no item column \(found: 网站\)"),
    ("claims-only-unknown-columns", lambda t: verify(t, write(t / "c.csv", "foo,bar\n1,2\n")),
     r"error: {tmp}/c.csv:1: header row has no site or item column \(found: foo, bar\)"),
    ("claims-bad-url", lambda t: verify(t, write(t / "c.csv", "site,item,url\n样例大学001,1,ftp://x/\n")),
     r"error: {tmp}/c.csv:2: url: not an http\(s\) URL: 'ftp://x/'"),
    ("claims-javascript-url-xlsx",
     lambda t: verify(t, _xlsx(t / "c.xlsx", [["网站", "事项", "整改链接"], ["样例大学001", "1", "javascript:alert(1)"]])),
     r"error: {tmp}/c.xlsx:2: url: not an http\(s\) URL: 'javascript:alert\(1\)'"),
    ("claims-empty", lambda t: verify(t, write(t / "c.csv", b"")),
     r"error: {tmp}/c.csv: the file is empty \(expected a header row with site and item\)"),
    ("claims-header-only", lambda t: verify(t, write(t / "c.csv", "site,item\n")),
     r"error: {tmp}/c.csv: no claims in the file"),
    ("claims-binary-csv", lambda t: verify(t, write(t / "c.csv", NOISE)),
     r"error: {tmp}/c.csv: not a text file \(cannot decode it as UTF-8 or GB18030\)"),
    ("claims-binary-xlsx", lambda t: verify(t, write(t / "c.xlsx", NOISE)),
     r"error: {tmp}/c.xlsx: cannot read the workbook: .+"),
    ("claims-unknown-status", lambda t: verify(t, write(t / "c.csv", "site,item,claimed\n样例大学001,1,maybe\n")),
     r"error: {tmp}/c.csv:2: claimed: unknown claimed status 'maybe' .+"),
    ("claims-site-not-in-run", lambda t: verify(t, write(t / "c.csv", "site,item\n某某大学,1\n")),
     r"error: {tmp}/c.csv:2: site: site '某某大学' is not in the baseline run.*"),
    ("claims-unknown-item", lambda t: verify(t, write(t / "c.csv", "site,item\n样例大学001,不存在的事项\n")),
     r"error: {tmp}/c.csv:2: item: rubric \S+ has no item '不存在的事项'.*"),
    ("claims-missing-file", lambda t: verify(t, t / "nope.csv"), r"error: {tmp}/nope.csv: claims file not found"),
    # assertion files (`--assert`)
    ("assert-bad-yaml", lambda t: report(t, "--assert", str(write(t / "a.yaml", "rules:\n  - min_score: [60\n"))),
     r"error: {tmp}/a.yaml:3: YAML syntax error: .+"),
    ("assert-unknown-metric", lambda t: report(t, "--assert", str(write(t / "a.yaml", "rules:\n  - max_score: 60\n"))),
     r"error: {tmp}/a.yaml:2: rules\[0\].max_score: unknown field"),
    ("assert-bad-operator",
     lambda t: report(t, "--assert", str(write(t / "a.yaml", "rules:\n  - min_score: '>= 60'\n"))),
     r"error: {tmp}/a.yaml:2: rules\[0\].min_score: Input should be a valid number.*"),
    ("assert-wrong-type", lambda t: report(t, "--assert", str(write(t / "a.yaml", "rules:\n  - no_veto: [1, 2]\n"))),
     r"error: {tmp}/a.yaml:2: rules\[0\].no_veto: Input should be a valid boolean"),
    ("assert-binary", lambda t: report(t, "--assert", str(write(t / "a.yaml", NOISE))),
     r"error: {tmp}/a.yaml: cannot read the assertion file: .+"),
    ("assert-missing", lambda t: report(t, "--assert", str(t / "nope.yaml")),
     r"error: {tmp}/nope.yaml: cannot read the assertion file: No such file or directory"),
    # store URLs
    ("store-corrupt-sqlite",
     lambda t: ["runs", "list", "--db", str(write(t / "bad.sqlite", b"SQLite format 3\x00" + NOISE))],
     r"error: --db: {tmp}/bad.sqlite: damaged SQLite database \(.+\)"),
    ("store-unwritable-path", lambda t: ["runs", "list", "--db", "/proc/xxgk-store/db.sqlite"],
     r"error: --db: cannot create the store folder /proc/xxgk-store: .+"),
    # output folders nobody can write
    ("out-pseudo-fs-new", lambda t: report(t, out="/proc/xxgk-out"),
     r"error: --out: /proc/xxgk-out: cannot write in /proc: .+"),
    ("out-pseudo-fs-existing", lambda t: report(t, out="/proc/self"),
     r"error: --out: /proc/self: cannot write in /proc/self: .+"),
    ("out-permission-denied", lambda t: report(t, out="/sys/xxgk-out"),
     r"error: --out: /sys/xxgk-out: cannot write in /sys: .+"),
    # unknown run ids, for every command that takes one
    ("run-report", lambda t: report(t, run="99"), r"error: RUN: no run 99 in the store \(sqlite:///{tmp}/db.sqlite\)"),
    ("run-score", lambda t: ["score", "99", "--db", str(t / "db.sqlite")],
     r"error: RUN: no run 99 in the store \(sqlite:///{tmp}/db.sqlite\)"),
    ("run-diff", lambda t: ["runs", "diff", "1", "99", "--db", str(t / "db.sqlite")],
     r"error: RUN: no run 99 in the store"),
    ("run-export", lambda t: ["runs", "export", "99", "--db", str(t / "db.sqlite"), "--out", str(t / "out")],
     r"error: RUN: no run 99 in the store"),
    ("run-verify-fixes", lambda t: verify(t, write(t / "c.csv", "site,item\n样例大学001,1\n"), run="99"),
     r"error: RUN: no run 99 in the store"),
    ("run-resume", lambda t: ["audit", "--resume", "99", "--db", str(t / "db.sqlite"), "--out", str(t / "out"),
                              "--quiet"],
     r"error: --resume: no run 99 in the store \(sqlite:///{tmp}/db.sqlite\)"),
    # files given to `xxgk annual-report`
    ("annual-corrupt-pdf", lambda t: annual(t, "r.pdf", b"%PDF-1.7\n" + NOISE),
     r"error: {tmp}/r.pdf: unreadable report: cannot read pdf: .+"),
    ("annual-corrupt-docx", lambda t: annual(t, "r.docx", b"PK\x03\x04" + NOISE),
     r"error: {tmp}/r.docx: unreadable report: cannot read docx: .+"),
    ("annual-random-bytes", lambda t: annual(t, "r.bin", NOISE),
     r"error: {tmp}/r.bin: unreadable report: binary data: not a PDF, Word, HTML or text file"),
    ("annual-random-bytes-named-pdf", lambda t: annual(t, "r.pdf", NOISE),
     r"error: {tmp}/r.pdf: unreadable report: binary data: not a PDF, Word, HTML or text file"),
    ("annual-zero-byte-pdf", lambda t: annual(t, "r.pdf", b""), r"error: {tmp}/r.pdf: unreadable report: empty file"),
    ("annual-zero-byte-docx", lambda t: annual(t, "r.docx", b""), r"error: {tmp}/r.docx: unreadable report: empty file"),
    ("annual-missing-file", lambda t: ["annual-report", str(t / "nope.pdf")],
     r"error: {tmp}/nope.pdf: file not found"),
]


@pytest.mark.parametrize(("build", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_is_one_line_and_loses_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                 store_template: Path, build, expected) -> None:
    db = tmp_path / "db.sqlite"
    with sqlite3.connect(store_template) as src, sqlite3.connect(db) as dst:
        src.backup(dst)  # a consistent copy, whatever is still in the template's WAL
    before = counts(db)
    args = build(tmp_path)
    code, _ = run_cli(*args)
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert code == 2, err
    assert "Traceback" not in err and len(lines) == 1, err
    assert re.fullmatch(expected.format(tmp=re.escape(str(tmp_path))), lines[0]), lines[0]
    assert counts(db) == before  # nothing already stored is lost
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_html_named_pdf_is_read_as_what_it_is(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An HTML page saved as .pdf is read by its bytes (HTML), never called an unreadable PDF."""
    page = "<html><body><h1>某县人民政府2025年政府信息公开工作年度报告</h1><p>一、总体情况</p></body></html>"
    code, _ = run_cli("annual-report", str(write(tmp_path / "r.pdf", page)), "--json")
    out = capsys.readouterr().out
    assert code in (0, 1) and '"doc_type": "html"' in out and '"title": "某县人民政府2025年政府信息公开工作年度报告"' in out


def test_random_bytes_are_never_readable_text() -> None:
    from scoring.annual_report import UnreadableReport, parse_report

    for seed in range(20):
        data = random.Random(seed).randbytes(2000)
        if data[:4] in (b"%PDF", b"PK\x03\x04", b"\xd0\xcf\x11\xe0"):
            continue
        with pytest.raises(UnreadableReport):
            parse_report(data, "x.bin")
    rep = parse_report("某县人民政府2025年政府信息公开工作年度报告\n一、总体情况\n".encode("gb18030"), "r.txt")
    assert rep.doc_type == "text" and rep.title.startswith("某县人民政府")  # real GB18030 text still reads

"""Bad input of every kind ends in one line naming the file, line or field, exit code 2, no traceback.

Each case builds its input in a temporary folder and runs the CLI's entry point in this process
(the subprocess path is covered by test_cli_errors.py); `{tmp}` in the expected line is that folder.
"""

from __future__ import annotations

import os
import re
import sqlite3
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook

from xxgk.cli import main
from xxgk.errors import UserError
from xxgk.sites import load_sites

BOMB = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
sites: [*h]
"""


def run_cli(*args: str) -> tuple[int, str]:
    """Run `xxgk ARGS` in-process; returns (exit code, stderr)."""
    old_argv = sys.argv
    sys.argv = ["xxgk", *args]
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    finally:
        sys.argv = old_argv
    return code, ""


def write(path: Path, data: str | bytes, encoding: str = "utf-8") -> Path:
    path.write_bytes(data if isinstance(data, bytes) else data.encode(encoding))
    return path


def audit_args(tmp: Path, sites: Path, *extra: str) -> list[str]:
    return ["audit", str(sites), "--db", str(tmp / "db.sqlite"), "--out", str(tmp / "out"), "--quiet", *extra]


# Each case: (id, build(tmp) -> CLI args, expected stderr line as a regex with {tmp}).
CASES: list[tuple[str, Callable[[Path], list[str]], str]] = [
    ("site-list-is-a-folder",
     lambda t: audit_args(t, (t / "lists").mkdir() or t / "lists"),
     r"error: {tmp}/lists: is a folder, not a site list file"),
    ("site-list-binary-csv",
     lambda t: audit_args(t, write(t / "s.csv", b"\x00\x01\x02\xff\xfe" * 50)),
     r"error: {tmp}/s.csv: not a text file \(cannot decode it as UTF-8 or GB18030\)"),
    ("site-list-binary-xlsx",
     lambda t: audit_args(t, write(t / "s.xlsx", os.urandom(300))),
     r"error: {tmp}/s.xlsx: cannot read the workbook: .+"),
    ("site-list-empty-file",
     lambda t: audit_args(t, write(t / "s.csv", b"")),
     r"error: {tmp}/s.csv: the file is empty \(expected a header row with name and url\)"),
    ("site-list-no-url-header",
     lambda t: audit_args(t, write(t / "s.csv", "名称,备注\n甲,乙\n")),
     r"error: {tmp}/s.csv:1: header row has no url column \(found: 名称, 备注\)"),
    ("site-list-duplicate-url",
     lambda t: audit_args(t, write(t / "s.csv", "name,url\n甲,http://127.0.0.1:9/\n乙,http://127.0.0.1:9/\n")),
     r"error: {tmp}/s.csv:3: url: duplicate url \(already on line 2\)"),
    ("site-list-number-as-url",
     lambda t: audit_args(t, write(t / "s.csv", "name,url\n甲,3.14\n")),
     r"error: {tmp}/s.csv:2: url: not an http\(s\) URL: '3.14'"),
    ("site-list-broken-ipv6-url",
     lambda t: audit_args(t, write(t / "s.csv", "name,url\n甲,http://[::1/x\n")),
     r"error: {tmp}/s.csv:2: url: not an http\(s\) URL: 'http://\[::1/x'"),
    ("site-list-huge-name-cell",
     lambda t: audit_args(t, write(t / "s.csv", "name,url\n" + "甲" * 200_000 + ",http://127.0.0.1:9/\n")),
     r"error: {tmp}/s.csv:2: name: longer than 200 characters \(200000\)"),
    ("site-list-huge-url-cell",
     lambda t: audit_args(t, write(t / "s.csv", "name,url\n甲,http://127.0.0.1:9/" + "a" * 200_000 + "\n")),
     r"error: {tmp}/s.csv:2: url: longer than 2048 characters \(200019\)"),
    ("site-list-yaml-alias-bomb",
     lambda t: audit_args(t, write(t / "s.yaml", BOMB)),
     r"error: {tmp}/s.yaml:2: YAML aliases \(\*a\) are not allowed"),
    ("site-list-yaml-not-a-list",
     lambda t: audit_args(t, write(t / "s.yaml", "name: 甲\n")),
     r"error: {tmp}/s.yaml: expected a list of sites \(or a mapping with a 'sites' list\)"),
    ("rubric-alias-bomb",
     lambda t: ["rubrics", "validate", str(write(t / "r.yaml", BOMB))],
     r"error: {tmp}/r.yaml:2: YAML aliases \(\*a\) are not allowed"),
    ("rubric-is-a-folder",
     lambda t: ["rubrics", "validate", str((t / "r").mkdir() or t / "r")],
     r"error: {tmp}/r: cannot read rubric: Is a directory"),
    ("rubric-binary",
     lambda t: ["rubrics", "validate", str(write(t / "r.yaml", b"\x00\xff\xfe\x00" * 40))],
     r"error: {tmp}/r.yaml: rubric is not UTF-8 text"),
    ("store-unreachable-postgresql",
     lambda t: ["runs", "list", "--db", "postgresql+psycopg://auditor:secret@127.0.0.1:9/xxgk"],
     r"error: --db: cannot connect to the store postgresql\+psycopg://auditor:\*\*\*@127.0.0.1:9/xxgk: .+"),
    ("store-not-a-database",
     lambda t: ["runs", "list", "--db", str(write(t / "db.sqlite", "name,url\n" * 400))],
     r"error: --db: {tmp}/db.sqlite: not a SQLite database .+"),
    ("store-folder-missing-parent-is-a-file",
     lambda t: ["runs", "list", "--db", str(write(t / "afile", "x") / "db.sqlite")],
     r"error: --db: cannot create the store folder {tmp}/afile: .+"),
    ("store-is-a-folder",
     lambda t: ["runs", "list", "--db", str((t / "dbdir").mkdir() or t / "dbdir")],
     r"error: --db: {tmp}/dbdir: is a folder, not a SQLite file"),
    ("out-is-a-file",
     lambda t: ["audit", str(write(t / "s.csv", "name,url\n甲,http://127.0.0.1:9/\n")), "--db",
                str(t / "db.sqlite"), "--out", str(write(t / "out", "x")), "--quiet"],
     r"error: --out: {tmp}/out: not a folder"),
    ("unknown-run",
     lambda t: ["report", "7", "--db", str(t / "db.sqlite"), "--out", str(t / "out")],
     r"error: RUN: no run 7 in the store \(sqlite:///{tmp}/db.sqlite\)"),
]


@pytest.mark.parametrize(("build", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str], build, expected) -> None:
    args = build(tmp_path)
    started = time.monotonic()
    code, _ = run_cli(*args)
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert code == 2, err
    assert "Traceback" not in err
    assert len(lines) == 1, err
    assert re.fullmatch(expected.format(tmp=re.escape(str(tmp_path))), lines[0]), lines[0]
    assert time.monotonic() - started < 60  # a bound that catches a hang, not a speed target


def test_no_crawl_and_no_output_on_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A bad site list stops the audit before any request: no run is stored, no report folder made."""
    sites = write(tmp_path / "s.csv", "name,url\n甲,http://127.0.0.1:9/\n乙,3.14\n")
    code, _ = run_cli(*audit_args(tmp_path, sites))
    assert code == 2
    assert not (tmp_path / "out").exists()
    if (tmp_path / "db.sqlite").exists():
        with sqlite3.connect(tmp_path / "db.sqlite") as conn:
            assert conn.execute("select count(*) from runs").fetchone() == (0,)


def test_gbk_yaml_site_list_loads(tmp_path: Path) -> None:
    path = write(tmp_path / "s.yaml", "- name: 甲大学\n  url: http://127.0.0.1:9/\n  group: 河南\n", encoding="gbk")
    rows = load_sites(path)
    assert [(r.name, r.group) for r in rows] == [("甲大学", "河南")]


def test_ipv6_url_is_accepted(tmp_path: Path) -> None:
    rows = load_sites(write(tmp_path / "s.csv", "name,url\n甲,http://[::1]:8080/xxgk/\n"))
    assert rows[0].url == "http://[::1]:8080/xxgk/"


def test_bare_host_still_gets_a_scheme(tmp_path: Path) -> None:
    rows = load_sites(write(tmp_path / "s.csv", "name,url\n甲,xxgk.example.edu.cn\n乙,10.2.3.4:8080/gk\n"))
    assert [r.url for r in rows] == ["http://xxgk.example.edu.cn/", "http://10.2.3.4:8080/gk"]


def test_xlsx_merged_group_cells_fill_every_row(tmp_path: Path) -> None:
    """Offices merge the 分组 cell over a province's rows; every row of the range gets the group."""
    wb = Workbook()
    ws = wb.active
    ws.append(["名称", "网址", "分组"])
    ws.append(["甲大学", "http://127.0.0.1:9/a/", "河南"])
    ws.append(["乙大学", "http://127.0.0.1:9/b/", None])
    ws.append(["丙大学", "http://127.0.0.1:9/c/", None])
    ws.append(["丁大学", "http://127.0.0.1:9/d/", "河北"])
    ws.merge_cells("C2:C4")
    wb.save(tmp_path / "s.xlsx")
    rows = load_sites(tmp_path / "s.xlsx")
    assert [(r.name, r.group) for r in rows] == [("甲大学", "河南"), ("乙大学", "河南"), ("丙大学", "河南"),
                                                 ("丁大学", "河北")]


def test_huge_value_is_not_echoed_in_full(tmp_path: Path) -> None:
    with pytest.raises(UserError) as err:
        load_sites(write(tmp_path / "s.csv", "name,url\n甲,notaurl" + "x" * 5000 + "\n"))
    assert len(str(err.value)) < 400

"""The CLI turns bad input into one line naming the file and line, with a non-zero exit code."""

import subprocess
import sys


def xxgk(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "xxgk", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=120)


def test_bad_site_list_is_one_line_with_file_and_line(tmp_path):
    sites = tmp_path / "sites.csv"
    sites.write_text("name,url\n甲大学,http://127.0.0.1:9/\n乙大学,not a url\n", encoding="utf-8")
    res = xxgk("audit", str(sites), "--out", str(tmp_path / "out"), "--db", str(tmp_path / "db.sqlite"))
    assert res.returncode == 2
    lines = res.stderr.strip().splitlines()
    assert lines == [f"error: {sites}:3: url: not an http(s) URL: 'not a url'"]
    assert "Traceback" not in res.stderr
    assert not (tmp_path / "out").exists()  # nothing crawled or written on bad input


def test_bad_rubric_file_is_one_line_with_file_and_line(tmp_path):
    rubric = tmp_path / "bad.yaml"
    rubric.write_text("id: x\ntitle: t\nsections: [\n", encoding="utf-8")
    res = xxgk("rubrics", "validate", str(rubric))
    assert res.returncode == 2
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {rubric}:") and "Traceback" not in res.stderr
    sites = tmp_path / "sites.csv"
    sites.write_text("name,url\n甲大学,http://127.0.0.1:9/\n", encoding="utf-8")
    res = xxgk("audit", str(sites), "--rubric", str(rubric), "--db", str(tmp_path / "db.sqlite"))
    assert res.returncode == 2 and res.stderr.strip().startswith(f"error: {rubric}:")


def test_unknown_run_and_missing_site_list(tmp_path):
    res = xxgk("report", "42", "--db", str(tmp_path / "db.sqlite"))
    assert res.returncode == 2 and res.stderr.strip().splitlines() == [
        f"error: RUN: no run 42 in the store (sqlite:///{tmp_path / 'db.sqlite'})"]
    res = xxgk("audit", str(tmp_path / "nope.csv"), "--db", str(tmp_path / "db.sqlite"))
    assert res.returncode == 2 and res.stderr.strip() == f"error: {tmp_path / 'nope.csv'}: site list not found"

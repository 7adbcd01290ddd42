"""`python -m xxgk annual-report …` via subprocess: tables, --json, exit codes 0 / 1 / 2."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest


def xxgk(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "xxgk", "annual-report", *args], capture_output=True, text=True,
                          timeout=120)


def test_correct_report_prints_tables_and_exits_0(samples: tuple[Path, dict[str, Any]]) -> None:
    out, _ = samples
    res = xxgk(str(out / "dept-2023-ok.pdf"))
    assert res.returncode == 0, res.stderr
    for text in ("表二 主动公开政府信息情况", "表三", "表四", "检查结果", "R1", "自然人", "示例市财政局"):
        assert text in res.stdout


def test_json_and_exit_1_on_errors(samples: tuple[Path, dict[str, Any]]) -> None:
    out, reports = samples
    res = xxgk(str(out / "dept-2023-wrong-total.pdf"), "--json")
    assert res.returncode == 1
    data = json.loads(res.stdout)
    assert data["status"] == "fail" and data["report"]["year"] == 2023
    rows = data["report"]["tables"]["t3"]["rows"]
    truth = reports["dept-2023-wrong-total.pdf"]["tables"]["t3"]["rows"]
    assert {k: r["values"] for k, r in rows.items()} == truth
    fails = {(r["rule"], r.get("row"), r.get("column")) for r in data["results"] if r["status"] == "fail"}
    assert ("R2", "（七）总计", "总计") in fails


def test_previous_published_and_kind_options(samples: tuple[Path, dict[str, Any]]) -> None:
    out, _ = samples
    res = xxgk(str(out / "pair-2024-r5.pdf"), "--previous", str(out / "pair-2023.html"), "--json")
    assert res.returncode == 1
    assert {r["column"] for r in json.loads(res.stdout)["results"] if r["rule"] == "R5"} == {"自然人", "总计"}


def test_university_links_with_known_urls(samples: tuple[Path, dict[str, Any]], tmp_path: Path) -> None:
    out, reports = samples
    known = tmp_path / "urls.txt"
    known.write_text("\n".join(reports["univ-2023-ok.html"]["site_urls"]), encoding="utf-8")
    res = xxgk(str(out / "univ-2023-ok.html"), "--known-urls", str(known), "--json")
    assert res.returncode == 0, res.stdout
    got = {r["rule"]: r["status"] for r in json.loads(res.stdout)["results"]}
    assert got["links"] == "pass" and got["item_table"] == "pass" and got["sections"] == "pass"


def test_unreadable_input_is_one_line_exit_2(tmp_path: Path) -> None:
    src = str(tmp_path / "missing.pdf")
    res = xxgk(src)
    assert res.returncode == 2
    lines = res.stderr.strip().splitlines()
    assert lines == [f"error: {src}: file not found"] and "Traceback" not in res.stderr


def test_in_process_errors_and_deadlines_by_kind(samples: tuple[Path, dict[str, Any]],
                                                         tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from xxgk.cli import app
    from xxgk.errors import UserError

    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.4 not really a pdf")
    res = CliRunner().invoke(app, ["annual-report", str(bad)])
    assert isinstance(res.exception, UserError) and str(bad) in str(res.exception)
    out, _ = samples
    args = ["annual-report", str(out / "dept-2023-ok.html"), "--published", "2024-03-15", "--json"]
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 1 and '"deadline"' in res.output  # a department's deadline is 1月31日
    res = CliRunner().invoke(app, [*args, "--kind", "government"])
    assert res.exit_code == 0  # the 本级政府 summary's is 3月31日
    res = CliRunner().invoke(app, ["annual-report", "ftp://x/y.pdf"])
    assert isinstance(res.exception, UserError) and "only http and https" in str(res.exception)
    res = CliRunner().invoke(app, ["annual-report", str(bad), "--kind", "county"])
    assert isinstance(res.exception, UserError) and "--kind" in str(res.exception)


def test_url_fetched_with_size_cap(samples: tuple[Path, dict[str, Any]]) -> None:
    out, _ = samples
    body = (out / "dept-2023-ok.html").read_bytes()

    class H(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            self.send_response(200 if self.path == "/r.html" else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body if self.path == "/r.html" else b"")

        def log_message(self, *a: object) -> None:
            pass

    srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{srv.server_port}"
        assert xxgk(f"{base}/r.html", "--json").returncode == 0
        from xxgk.commands.annual_report import fetch
        from xxgk.errors import UserError

        with pytest.raises(UserError, match="limit"):
            fetch(f"{base}/r.html", max_bytes=100)
        with pytest.raises(UserError, match="HTTP 404"):
            fetch(f"{base}/gone.html")
    finally:
        srv.shutdown()


@pytest.mark.parametrize(("title", "published", "status", "deadline"), [
    ("柘城县2020年政府信息公开工作年度报告", "2021-02-22", "pass", "2021-03-31"),  # a county: 本级政府 deadline
    ("柘城县2017年政府信息公开工作年度报告", "2018-02-22", "pass", "2018-03-31"),  # as listed on 柘城's portal
    ("柘城县财政局2020年政府信息公开工作年度报告", "2021-02-22", "fail", "2021-01-31"),  # a department
    ("柘城县城关镇2020政府信息公开工作年度报告", "2021-02-22", "needs_review", "2021-01-31"),  # a township: unsure
])
def test_deadline_kind_from_the_report_without_kind_option(tmp_path: Path, title: str, published: str,
                                                           status: str, deadline: str) -> None:
    src = tmp_path / "report.txt"
    sections = "一、总体情况 二、主动公开政府信息情况 三、收到和处理政府信息公开申请情况 四、政府信息公开行政复议、行政诉讼情况 " \
               "五、存在的主要问题及改进情况 六、其他需要报告的事项"
    src.write_text(f"标题: {title}\n发布日期：{published}\n{sections}\n", encoding="utf-8")
    res = xxgk(str(src), "--json")
    assert res.returncode == (1 if status == "fail" else 0), res.stdout[-2000:]
    dl = next(r for r in json.loads(res.stdout)["results"] if r["rule"] == "deadline")
    assert dl["status"] == status and dl["extra"]["deadline"] == deadline, dl
    if status == "fail":
        assert "逾期 22 天" in dl["message"]

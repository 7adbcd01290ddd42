"""An audit's crawl runs in the `xxgk audit` process itself, so whatever that process imported before the
crawl stays resident beside every site in flight. Checking `--formats` used to load every report writer
(pandas, openpyxl, python-docx, jinja2) and mounting `xxgk samples` loaded pypinyin's tables: about
120 MB of a 230 MB process before its first request. These tests run the real command up to the crawl.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

# Libraries only scoring and the report use, and the sample-world generator's; none may be loaded when the
# crawl starts (scoring's own matcher, rapidfuzz, is light and loads with the rubric).
REPORT_ONLY = ("pandas", "numpy", "openpyxl", "docx", "PIL", "jinja2", "jieba", "pypinyin", "pdfplumber")

UP_TO_THE_CRAWL = r"""
import json, os, sys
import crawler.runner

PROBE = sys.argv[1]

def record(*args, **kwargs):
    status = dict(line.split(":", 1) for line in open("/proc/self/status") if ":" in line)
    with open(PROBE, "w", encoding="utf-8") as fh:
        json.dump({"modules": sorted({m.split(".")[0] for m in sys.modules}),
                   "rss_kb": int(status["VmRSS"].split()[0])}, fh)
    os._exit(0)

crawler.runner.run_crawl = record
from xxgk.cli import main
sys.argv = ["xxgk", *sys.argv[2:]]
main()
"""


def _at_crawl_start(tmp_path: Path, *options: str) -> dict:
    sites = tmp_path / "sites.csv"
    sites.write_text("name,url,kind\n样例大学,http://127.0.0.1:9/,university\n", encoding="utf-8")
    probe = tmp_path / "probe.json"
    res = subprocess.run([sys.executable, "-c", UP_TO_THE_CRAWL, str(probe), "audit", str(sites),
                          "--db", str(tmp_path / "s.sqlite"), "--out", str(tmp_path / "out"), "--quiet", *options],
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 0 and probe.exists(), res.stderr[-2000:]
    return json.loads(probe.read_text(encoding="utf-8"))


def test_the_audit_process_starts_its_crawl_without_report_or_sample_libraries(tmp_path):
    seen = _at_crawl_start(tmp_path, "--formats", "html,csv,xlsx,json,bulletin", "--lang", "zh")
    loaded = [m for m in REPORT_ONLY if m in seen["modules"]]
    assert loaded == [], f"loaded before the crawl: {loaded}"
    assert "scoring" in seen["modules"]  # the rubric was read and checked before the crawl, as it must be


def test_a_bad_format_or_language_is_still_refused_before_the_crawl(tmp_path):
    sites = tmp_path / "sites.csv"
    sites.write_text("name,url,kind\n样例大学,http://127.0.0.1:9/,university\n", encoding="utf-8")
    for option, value, words in (("--formats", "html,docx", "unknown report format docx"),
                                 ("--lang", "fr", "unknown language 'fr'")):
        res = subprocess.run([sys.executable, "-m", "xxgk", "audit", str(sites), "--db", str(tmp_path / "s.sqlite"),
                              "--out", str(tmp_path / "out"), "--quiet", option, value],
                             capture_output=True, text=True, timeout=120)
        assert res.returncode != 0 and words in res.stderr and "Traceback" not in res.stderr, res.stderr
        assert not (tmp_path / "s.sqlite").exists()  # refused before any run was created

"""Report benchmark: score and render a real audit store copied up to national size.

The sample world's university portals are audited once (crawl, WARC evidence; cached under
`.xxgk/bench-report/`), then the run's audit rows — sites, crawls, columns, items, pages, links,
documents — are copied up to N sites (`bench.synthetic.replicate_run`: distinct names and keys, a
province and a level each). For each N, scoring and the report (html and csv, the formats every
report writes; xlsx and json in a separate row) run each in its own process, timed apart, with the
process's peak RSS. The ranking page of the largest N is opened in headless Chromium.

Target: score + report of 17,500 sites ≤ 60 s on this 2-core machine.
Prints a table and writes it to the "Reports" section of docs/benchmarks.md (other sections are kept).

    .venv/bin/python bench/report.py [--sites 1000,5000,17500]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

START, END = "<!-- report-bench:start -->", "<!-- report-bench:end -->"
RUBRIC = "moe-university-checklist-2014"
SOURCE = ROOT / ".xxgk" / "bench-report"
UNIVERSITIES = 4


def audit_source(folder: Path) -> Path:
    """Audit the sample world's first university portals once; later calls reuse the stored audit."""
    db = folder / "source.sqlite"
    if db.exists():
        return db
    from xxgk.samples import generate_world
    from xxgk.samples.server import SampleServer

    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    world = folder / "world"
    generate_world(world, seed=2024, n_universities=UNIVERSITIES, n_governments=0)
    with SampleServer(world) as server:
        server.write_sites_csv(folder / "sites.csv")
        res = subprocess.run([sys.executable, "-m", "xxgk", "audit", str(folder / "sites.csv"), "--rubric", RUBRIC,
                              "--out", str(folder / "out"), "--db", str(db), "--formats", "html,csv", "--quiet"],
                             capture_output=True, text=True)
    if res.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        raise SystemExit(f"error: auditing the sample world failed: {res.stderr.strip().splitlines()[-1:]}")
    return db


def timed_stage(args: list[str]) -> tuple[float, float, dict]:
    """Run one stage in a fresh process: (wall seconds, its peak RSS MB as it measured it, what it printed)."""
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, __file__, *args], stdout=subprocess.PIPE, text=True)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"error: stage {args[:2]} failed with exit code {proc.returncode}")
    printed = json.loads(proc.stdout.strip().splitlines()[-1])
    return wall, printed["peak_mb"], printed


def stage_main(argv: list[str]) -> None:
    """One timed stage in this process (`--stage score|report`), its own figures printed as JSON."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--stage", choices=["score", "report"])
    ap.add_argument("--db")
    ap.add_argument("--run", type=int)
    ap.add_argument("--out")
    ap.add_argument("--formats", default="html,csv")
    a = ap.parse_args(argv)
    from xxgk import pipeline

    t0 = time.perf_counter()
    if a.stage == "score":
        rubric, _path = pipeline.load_rubric_ref(RUBRIC)
        pipeline.score(a.db, a.run, rubric)
    else:
        pipeline.report(a.db, a.run, RUBRIC, Path(a.out), formats=a.formats)
    print(json.dumps({"seconds": round(time.perf_counter() - t0, 3), "peak_mb": own_peak_mb()}))


def own_peak_mb() -> float:
    """Peak RSS of this process and of the largest of its finished children, in MB.

    Not `wait4`'s figure for this process: Linux keeps a forked child's high-water mark from the parent's
    memory at the fork, so a stage started by a bench holding a big copied store showed the bench's RSS."""
    import resource

    with open("/proc/self/status", encoding="ascii") as status:
        hwm = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    return max(hwm, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024


def measure(source: Path, n_sites: int, work: Path, extra_formats: bool) -> dict:
    """Copy the source store up to `n_sites`, then score, re-score and report it."""
    from bench.synthetic import replicate_run

    db_path = work / f"n{n_sites}.sqlite"
    shutil.copyfile(source, db_path)
    db = f"sqlite:///{db_path}"
    t0 = time.perf_counter()
    sites = replicate_run(db, 1, n_sites)
    copy_s = time.perf_counter() - t0
    score_s, score_mb, _ = timed_stage(["--stage", "score", "--db", db, "--run", "1"])
    rescore_s, rescore_mb, _ = timed_stage(["--stage", "score", "--db", db, "--run", "1"])
    out = work / f"out{n_sites}"
    report_s, report_mb, _ = timed_stage(["--stage", "report", "--db", db, "--run", "1", "--out", str(out)])
    row = {"sites": sites, "copy_s": copy_s, "db_mb": db_path.stat().st_size / 2**20, "score_s": score_s,
           "score_mb": score_mb, "rescore_s": rescore_s, "rescore_mb": rescore_mb, "report_s": report_s,
           "report_mb": report_mb, "index_kb": (out / "index.html").stat().st_size / 1024,
           "out_mb": sum(p.stat().st_size for p in out.rglob("*") if p.is_file()) / 2**20, "out": out}
    if extra_formats:
        row["xlsx_json_s"], row["xlsx_json_mb"], _ = timed_stage(
            ["--stage", "report", "--db", db, "--run", "1", "--out", str(work / f"x{n_sites}"),
             "--formats", "html,csv,xlsx,json"])
        shutil.rmtree(work / f"x{n_sites}", ignore_errors=True)
    for path in work.glob(f"n{n_sites}.sqlite*"):  # 17,500 sites is ~12 GB of store: free the disk as we go
        path.unlink()
    return row


def open_ranking(index: Path) -> float | None:
    """Best-of-3 ms from navigation to the load event of the ranking page in headless Chromium."""
    from reports.browser import chromium, chromium_path

    if not chromium_path():
        return None
    with chromium() as browser:
        page = browser.new_page()
        best = float("inf")
        for _ in range(3):
            page.goto(index.as_uri(), wait_until="load")
            best = min(best, page.evaluate("() => { const n = performance.getEntriesByType('navigation')[0];"
                                           " return n.loadEventEnd - n.startTime; }"))
    return best


def main() -> None:
    if "--stage" in sys.argv:
        stage_main(sys.argv[1:])
        return
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sites", default="1000,5000,17500", help="Comma-separated site counts.")
    ap.add_argument("--no-doc", action="store_true", help="Do not update docs/benchmarks.md.")
    ap.add_argument("--no-extra", action="store_true", help="Skip the xlsx and json row (slow; for quick rounds).")
    args = ap.parse_args()
    counts = [int(x) for x in args.sites.split(",") if x.strip()]
    t0 = time.perf_counter()
    source = audit_source(SOURCE)
    audit_s = time.perf_counter() - t0
    results = []
    with tempfile.TemporaryDirectory(dir=SOURCE) as tmp:
        work = Path(tmp)
        for i, n in enumerate(counts):
            if results:
                shutil.rmtree(results[-1]["out"], ignore_errors=True)  # only the largest N's report is kept
            results.append(measure(source, n, work, extra_formats=i == 0 and not args.no_extra))
            print(f"{n} sites: {format_row(results[-1])}", flush=True)
        open_ms = open_ranking(results[-1]["out"] / "index.html") if results else None
        largest = results[-1] if results else None
        group_pages = len(list(largest["out"].glob("group-*.html"))) if largest else 0
    load = os.getloadavg()[0]
    table = render_table(results, audit_s, open_ms, group_pages, load)
    print(table)
    if not args.no_doc:
        write_doc(table)


def format_row(r: dict) -> str:
    return (f"copy {r['copy_s']:.0f} s, score {r['score_s']:.1f} s ({r['score_mb']:.0f} MB), "
            f"re-score {r['rescore_s']:.1f} s, report {r['report_s']:.1f} s ({r['report_mb']:.0f} MB)")


def render_table(results: list[dict], audit_s: float, open_ms: float | None, group_pages: int,
                 load: float) -> str:
    """The markdown table of the figures, one row per N."""
    head = ("| sites | store | score | re-score | report (html, csv) | score + report | peak RSS score / report "
            "| ranking page | report folder |\n|---|---|---|---|---|---|---|---|---|")
    lines = [head]
    for r in results:
        lines.append(f"| {r['sites']:,} | {r['db_mb']:,.0f} MB | {r['score_s']:.1f} s | {r['rescore_s']:.1f} s "
                     f"| {r['report_s']:.1f} s | **{r['score_s'] + r['report_s']:.1f} s** "
                     f"| {r['score_mb']:.0f} / {r['report_mb']:.0f} MB | {r['index_kb']:.0f} KB "
                     f"| {r['out_mb']:,.0f} MB |")
    notes = [f"Source audit: {UNIVERSITIES} sample university portals (cached; {audit_s:.0f} s this run)."]
    target = 17_500
    if len(results) >= 2 and max(r["sites"] for r in results) < target:
        a, b = results[0], results[-1]
        per = {k: (b[k] - a[k]) / (b["sites"] - a["sites"]) for k in ("score_s", "report_s")}
        est = {k: b[k] + per[k] * (target - b["sites"]) for k in per}
        notes.append(f"Not measured at {target:,} sites; linear from {a['sites']:,} → {b['sites']:,}: "
                     f"{per['score_s'] * 1000:.0f} ms score + {per['report_s'] * 1000:.0f} ms report per site, "
                     f"so {target:,} sites ≈ {est['score_s']:.0f} s + {est['report_s']:.0f} s = "
                     f"{est['score_s'] + est['report_s']:.0f} s (target ≤ 60 s).")
    if results and "xlsx_json_s" in results[0]:
        r = results[0]
        notes.append(f"With xlsx and json too ({r['sites']:,} sites): report {r['xlsx_json_s']:.1f} s, "
                     f"peak RSS {r['xlsx_json_mb']:.0f} MB.")
    if open_ms is not None:
        notes.append(f"Ranking page of {results[-1]['sites']:,} sites opened in headless Chromium: "
                     f"{open_ms:.0f} ms navigation → load (best of 3); {group_pages} group pages (group-K*.html) beside it.")
    notes.append(f"Machine: {os.cpu_count()} cores, 1-min load average {load:.1f} at the end.")
    return "\n".join(lines) + "\n\n" + "\n".join(f"- {n}" for n in notes)


def write_doc(table: str) -> None:
    """Replace (or append) the Reports section of docs/benchmarks.md, keeping every other section."""
    doc = ROOT / "docs" / "benchmarks.md"
    section = (f"{START}\n## Reports: scoring and rendering a real store at national size, "
               f"{dt.date.today().isoformat()}\n\n"
               "Written by `bench/report.py`: a real audit of sample portals, its rows copied up to N sites "
               "(`bench/synthetic.py` `replicate_run`), each stage timed in its own process.\n\n"
               f"{table}\n{END}")
    text = doc.read_text(encoding="utf-8") if doc.exists() else "# Benchmarks\n"
    if START in text and END in text:
        text = re.sub(re.escape(START) + r".*?" + re.escape(END), lambda _m: section, text, flags=re.S)
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    doc.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()

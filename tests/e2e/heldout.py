"""Measure a whole audit of a v3 sample set against its ground truth (column / item extraction, verdicts).

`measure(set_name, work)` generates the set, serves it, audits the universities with the 2014 checklist
and the governments with the 2019 inspection rubric (`xxgk audit` in subprocesses, audit date = the world's
`as_of`), and compares each portal's stored crawl and findings with its `manifest.json`:

- columns: precision / recall / F1 of the column URLs (group headers without a link by path);
- items: precision / recall / F1 of (URL, title, date) over the portal;
- verdicts: checklist items (universities) or single-veto items (governments) equal to the truth;
- false "missing": a rubric item the truth says is present (not fail) but the audit says fail;
- emptiness judged: found list / content columns whose "no item and no body" agrees with the truth;
- pages fetched / holding: the crawl's pages against the truth's pages that hold a column or an item
  (the cost of discovery: 1.0 wastes nothing; the target is ≤ 1.2 per site).

By hand: `python -m tests.e2e.heldout --set heldout` prints the per-portal table.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from sqlalchemy import func, select

from xxgk.samples.server import SampleServer
from xxgk.samples.v3 import SETS, generate_set
from xxgk.store import Column, Crawl, Item, Page, Site, session_factory

CHECKLIST = "moe-university-checklist-2014"
INSPECTION = "gov-website-inspection-2019"
VETO_ITEMS = {"V2": "站点无法访问", "V3": "首页不更新", "V4": "栏目不更新", "V5": "互动回应差", "V6": "服务不实用"}
RUBRICS = {"university": CHECKLIST, "government": INSPECTION}
_INDEX = re.compile(r"/(?:index|default|main)\.s?html?$", re.I)


@dataclass
class PortalFigures:
    """What one portal's audit got right, against its manifest."""

    slug: str
    kind: str
    cms: str
    nav: str
    crawl_status: str
    columns_truth: int
    columns_found: int
    columns_hit: int
    items_truth: int
    items_found: int
    items_hit: int
    verdicts: int
    verdicts_equal: int
    false_missing: int
    wrong: list[str]
    empty_judged: int = 0  # found list/content columns whose emptiness (no item, no body) matches the truth
    empty_total: int = 0
    pages_fetched: int = 0  # pages the crawl fetched (store rows, errors included)
    pages_useful: int = 0  # pages of the truth that hold a column or an item (home, portal, lists, articles)

    @property
    def fetch_ratio(self) -> float:
        """Pages fetched per page that holds columns or items (the discovery's cost; 1.0 = nothing wasted)."""
        return self.pages_fetched / self.pages_useful if self.pages_useful else 0.0

    @staticmethod
    def _prf(hit: int, found: int, truth: int) -> tuple[float, float, float]:
        p = hit / found if found else (1.0 if not truth else 0.0)
        r = hit / truth if truth else 1.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    @property
    def columns_prf(self) -> tuple[float, float, float]:
        return self._prf(self.columns_hit, self.columns_found, self.columns_truth)

    @property
    def items_prf(self) -> tuple[float, float, float]:
        return self._prf(self.items_hit, self.items_found, self.items_truth)


def _key(url: str) -> str:
    return _INDEX.sub("/", url)


def _column_keys(cols: list[tuple[str | None, str]], base: str) -> set[str]:
    return {_key(urljoin(base, url)) if url else f"group:{path}" for url, path in cols}


def _run_audit(sites: Path, rubric: str, work: Path, as_of: str) -> Path:
    """One `xxgk audit` in a subprocess (Scrapy's reactor runs once per process); returns its store."""
    db = work / f"{rubric}.sqlite"
    res = subprocess.run([sys.executable, "-m", "xxgk", "audit", str(sites), "--rubric", rubric, "--out",
                          str(work / rubric), "--db", str(db), "--quiet", "--as-of", as_of, "--formats", "csv"],
                         capture_output=True, text=True, timeout=1800)
    if res.returncode != 0:
        raise RuntimeError(f"xxgk audit {sites.name} failed ({res.returncode}):\n{res.stderr[-3000:]}")
    return db


def _findings(out: Path) -> dict[str, dict[str, str]]:
    got: dict[str, dict[str, str]] = {}
    with open(out / "findings.csv", encoding="utf-8-sig") as fh:
        for row in csv.DictReader(fh):
            got.setdefault(row["site_url"], {})[row["item_id"]] = row["status"]
    return got


def expected_veto_statuses(man: dict[str, Any]) -> dict[str, str]:
    """The single-veto verdicts a correct audit gives, from the manifest's inspection facts.

    A veto the facts trigger fails; otherwise V2-V4 pass, and V5/V6 (a channel exists) are needs_review,
    because whether messages are answered and 办事指南 are complete needs a human.
    """
    veto = {v.split("：")[0] for v in man["inspection"]["veto"]}
    review = {"V5", "V6"}
    return {item: "fail" if name in veto else "needs_review" if item in review else "pass"
            for item, name in VETO_ITEMS.items()}


def _verdicts(man: dict[str, Any], got: dict[str, str]) -> tuple[int, int, int, list[str]]:
    """(compared, equal, false missing, messages) for one portal's findings."""
    wrong: list[str] = []
    if man["kind"] == "government":
        truth = expected_veto_statuses(man)
        status = {item: got.get(item, "absent") for item in truth}
    else:
        truth = {k: v["status"] for k, v in man["checklist"].items()}
        status = {k: got.get(k, "absent") for k in truth}
    equal = false_missing = 0
    for item, want in truth.items():
        if status[item] == want:
            equal += 1
            continue
        if want != "fail" and status[item] == "fail":
            false_missing += 1
        wrong.append(f"{item}: truth {want}, audit {status[item]}")
    return len(truth), equal, false_missing, wrong


def _portal(session: Any, man: dict[str, Any], base: str, findings: dict[str, str]) -> PortalFigures:
    crawl = session.scalars(select(Crawl).join(Site).where(Site.url == base)).one()
    got_cols = session.execute(select(Column.url, Column.path, Column.item_count, Column.has_content)
                               .where(Column.crawl_id == crawl.id)).all()
    found_cols = _column_keys([(u, p) for u, p, _, _ in got_cols], base)
    empty_got = {_key(urljoin(base, u)): not n and not content for u, _, n, content in got_cols if u}
    empty_truth = {_key(urljoin(base, c["url"])): not c["items"] and not c.get("body_chars")
                   for c in man["columns"] if c["url"] and c["kind"] in ("list", "content")}
    judged = [empty_got[k] == want for k, want in empty_truth.items() if k in empty_got]
    truth_cols = _column_keys([(c["url"], c["path"]) for c in man["columns"]], base)
    got_items = {(_key(urljoin(base, u)), t, d.isoformat() if d else None) for u, t, d in session.execute(
        select(Item.url, Item.title, Item.published).where(Item.crawl_id == crawl.id))}
    truth_items = {(_key(urljoin(base, i["url"])), i["title"], i["date"]) for c in man["columns"] for i in c["items"]}
    fetched = session.scalar(select(func.count(Page.id)).where(Page.crawl_id == crawl.id)) or 0
    n, equal, false_missing, wrong = _verdicts(man, findings)
    missing = sorted(truth_cols - found_cols)
    if missing:
        wrong.append(f"{len(missing)} columns not found, e.g. {missing[:3]}")
    return PortalFigures(man["slug"], man["kind"], man["cms"], man["v3"]["layout"]["nav"], crawl.status,
                         len(truth_cols), len(found_cols), len(truth_cols & found_cols),
                         len(truth_items), len(got_items), len(truth_items & got_items), n, equal, false_missing,
                         wrong, sum(judged), len(judged), fetched, len(_useful_pages(man, base)))


def _useful_pages(man: dict[str, Any], base: str) -> set[str]:
    """The truth's pages that hold columns or items: home, portal, every list page, every item page."""
    urls = {man.get("home"), man.get("portal")}
    for c in man["columns"]:
        urls.update(c.get("page_urls") or ([c["url"]] if c.get("url") else []))
        urls.update(i["url"] for i in c["items"])
    return {_key(urljoin(base, u)) for u in urls if u}


def audit(set_name: str, work: Path) -> None:
    """Generate, serve and audit v3 set ``set_name`` under ``work`` (world, site lists, stores, reports).

    The served base URL of each portal is kept in ``work/urls.json`` so :func:`compare` can run later.
    """
    root = generate_set(work / "world", set_name).parent
    world = json.loads((root / "world.json").read_text(encoding="utf-8"))
    with SampleServer(root) as server:
        (work / "urls.json").write_text(json.dumps(server.urls), encoding="utf-8")
        for kind, rubric in RUBRICS.items():
            portals = [p for p in world["portals"] if p["kind"] == kind]
            if not portals:
                continue
            sites = work / f"{kind}.csv"
            with open(sites, "w", encoding="utf-8", newline="") as fh:
                writer = csv.writer(fh)
                writer.writerow(["name", "url", "kind"])
                writer.writerows([p["name"], server.urls[p["slug"]], kind] for p in portals)
            _run_audit(sites, rubric, work, world["as_of"])


def compare(work: Path) -> list[PortalFigures]:
    """Figures per portal (in world order) from an audited ``work`` folder."""
    root = work / "world"
    world = json.loads((root / "world.json").read_text(encoding="utf-8"))
    urls = json.loads((work / "urls.json").read_text(encoding="utf-8"))
    out: list[PortalFigures] = []
    for kind, rubric in RUBRICS.items():
        portals = [p for p in world["portals"] if p["kind"] == kind]
        if not portals:
            continue
        findings = _findings(work / rubric)
        session = session_factory(f"sqlite:///{work / f'{rubric}.sqlite'}")()
        try:
            for p in portals:
                man = json.loads((root / p["manifest"]).read_text(encoding="utf-8"))
                out.append(_portal(session, man, urls[p["slug"]], findings.get(urls[p["slug"]], {})))
        finally:
            session.close()
    order = [p["slug"] for p in world["portals"]]
    return sorted(out, key=lambda f: order.index(f.slug))


def measure(set_name: str, work: Path) -> list[PortalFigures]:
    """Audit v3 set ``set_name`` under ``work`` and compare it with the truth."""
    audit(set_name, work)
    return compare(work)


def table(figures: list[PortalFigures]) -> str:
    """The per-portal figures as a Markdown table, with a micro-averaged total row."""
    head = ("| portal | kind | cms | nav | crawl | columns P / R / F1 | items P / R / F1 | verdicts equal "
            "| false missing | emptiness judged | pages fetched / holding |\n|---|---|---|---|---|---|---|---|---|---|---|")
    rows = [head]

    def fmt(prf: tuple[float, float, float]) -> str:
        return " / ".join(f"{x:.2f}" for x in prf)

    for f in figures:
        rows.append(f"| {f.slug} | {f.kind} | {f.cms} | {f.nav} | {f.crawl_status} | {fmt(f.columns_prf)} "
                    f"({f.columns_hit}/{f.columns_truth}) | {fmt(f.items_prf)} ({f.items_hit}/{f.items_truth}) "
                    f"| {f.verdicts_equal}/{f.verdicts} | {f.false_missing} | {f.empty_judged}/{f.empty_total} "
                    f"| {f.pages_fetched}/{f.pages_useful} = {f.fetch_ratio:.2f} |")
    total = PortalFigures("all", "", "", "", "", *(sum(getattr(f, k) for f in figures) for k in (
        "columns_truth", "columns_found", "columns_hit", "items_truth", "items_found", "items_hit", "verdicts",
        "verdicts_equal", "false_missing")), [], sum(f.empty_judged for f in figures),
        sum(f.empty_total for f in figures), sum(f.pages_fetched for f in figures),
        sum(f.pages_useful for f in figures))
    worst = max((f.fetch_ratio for f in figures), default=0.0)
    rows.append(f"| **all** | | | | | {fmt(total.columns_prf)} | {fmt(total.items_prf)} "
                f"| {total.verdicts_equal}/{total.verdicts} | {total.false_missing} "
                f"| {total.empty_judged}/{total.empty_total} "
                f"| {total.pages_fetched}/{total.pages_useful} = {total.fetch_ratio:.2f} (worst {worst:.2f}) |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Audit a v3 sample set and print extraction and verdict figures.")
    parser.add_argument("--set", dest="set_name", choices=SETS, default="heldout")
    parser.add_argument("--work", type=Path, help="Folder for the world, stores and reports (default: a temp dir).")
    parser.add_argument("--json", action="store_true", help="Print the figures as JSON instead of a table.")
    parser.add_argument("--details", action="store_true", help="Also list every wrong verdict per portal.")
    parser.add_argument("--compare-only", action="store_true",
                        help="Do not crawl: compare the audit already in --work with the truth.")
    args = parser.parse_args(argv)
    if args.compare_only and args.work is None:
        parser.error("--compare-only needs --work (a folder audited before)")
    with tempfile.TemporaryDirectory(prefix=f"xxgk-{args.set_name}-") as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        figures = compare(work) if args.compare_only else measure(args.set_name, work)
    if args.json:
        print(json.dumps([asdict(f) for f in figures], ensure_ascii=False, indent=1))
        return 0
    print(f"v3 set {args.set_name}\n\n{table(figures)}")
    if args.details:
        for f in figures:
            for line in f.wrong:
                print(f"{f.slug}: {line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

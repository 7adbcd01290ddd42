"""Verify an agency's claimed fixes (整改) on the live site against a baseline run.

Units report rectifications that were never made (通报: "虚报整改结果"). Each claim names a site and
a rubric item; the claimed sites are crawled again, scored with the baseline's rubric, and every
claim comes out confirmed, not fixed (with evidence) or could not check (with the reason).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from xxgk import tablefile
from xxgk.config import AuditConfig
from xxgk.errors import UserError
from xxgk.store import (
    NOT_CHECKED,
    PARTIAL,
    PASS,
    Crawl,
    Finding,
    Page,
    Run,
    Site,
    session_factory,
    session_scope,
)
from xxgk.store.lifecycle import add_pending_crawl

CONFIRMED = "confirmed"
NOT_FIXED = "not_fixed"
COULD_NOT_CHECK = "could_not_check"
# Documented headers (README, `xxgk verify-fixes --help`): site (name or home URL), item, claimed status,
# URL of the page that shows the fix. Any other header is named to the user, never silently dropped.
_HEADERS = {
    "site": ("site", "网站", "单位", "站点", "name", "名称", "网址", "site url", "site_url", "网站名称"),
    "item": ("item", "rubric item", "事项", "指标", "item_id", "序号"),
    "claimed": ("claimed", "claimed status", "claimed_status", "整改状态", "状态", "声称状态"),
    "url": ("url", "evidence url", "evidence_url", "整改链接", "链接", "证明链接", "claim_url", "整改网址"),
}
_CLAIMED_WORDS = {"pass": PASS, "fixed": PASS, "已整改": PASS, "已公开": PASS, "公开": PASS, "完成": PASS,
                  "已完成": PASS, "partial": PARTIAL, "部分整改": PARTIAL, "部分公开": PARTIAL}


@dataclass
class Claim:
    line: int
    site: str
    item: str
    claimed: str
    url: str | None = None


@dataclass
class Verdict:
    claim: Claim
    site_id: int | None
    site_name: str
    item_id: str
    item_name: str
    verdict: str
    before: str | None
    after: str | None
    message: str
    evidence: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class ClaimsFile:
    claims: list[Claim]
    unknown_headers: list[str]  # header cells that are none of the documented ones: shown to the user


def read_claims(path: Path) -> ClaimsFile:
    """Claims from CSV or XLSX: site, rubric item, claimed status, optional URL (errors name file:line)."""
    path = Path(path)
    if not path.exists():
        raise UserError("claims file not found", source=str(path))
    if path.is_dir():
        raise UserError("is a folder, not a claims file", source=str(path))
    if path.suffix.lower() not in tablefile.CSV_SUFFIXES + tablefile.XLSX_SUFFIXES:
        raise UserError("claims must be a .csv or .xlsx file", source=str(path))
    table = tablefile.read_table(path, _HEADERS, ("site", "item"))
    claims: list[Claim] = []
    for lineno, rec in table.records:
        def cell(name: str, rec: dict[str, str] = rec) -> str:
            return (rec.get(name) or "").strip()

        site, item = cell("site"), cell("item")
        if not site:
            raise UserError("site is empty", source=str(path), line=lineno, field="site")
        if not item:
            raise UserError("rubric item is empty", source=str(path), line=lineno, field="item")
        raw_claim = cell("claimed") or "pass"
        claimed = _CLAIMED_WORDS.get(raw_claim.lower(), None)
        if claimed is None:
            raise UserError(f"unknown claimed status {tablefile.short(raw_claim)!r} (use pass/已整改 or "
                            "partial/部分整改)", source=str(path), line=lineno, field="claimed")
        url = cell("url") or None
        if url and not re.match(r"https?://", url):
            raise UserError(f"not an http(s) URL: {tablefile.short(url)!r}", source=str(path), line=lineno,
                            field="url")
        claims.append(Claim(lineno, site, item, claimed, url))
    if not claims:
        raise UserError("no claims in the file", source=str(path))
    return ClaimsFile(claims, table.unknown_headers)


def load_claims(path: Path) -> list[Claim]:
    """The claims of a file (see `read_claims`)."""
    return read_claims(path).claims


def _resolve(claims: list[Claim], sites: list[Site], rubric: Any, source: str) -> list[tuple[Claim, Site, Any]]:
    """Each claim's site (by URL or name) and rubric item (by id, official name or alias)."""
    items = [it for sec in rubric.sections for it in sec.items]
    out = []
    for c in claims:
        key = c.site.rstrip("/")
        site = next((s for s in sites if s.url.rstrip("/") == key or s.name == c.site), None)
        if site is None:
            raise UserError(f"site {c.site!r} is not in the baseline run", source=source, line=c.line,
                            field="site")
        item = next((it for it in items if str(it.id) == c.item), None) or next(
            (it for it in items if c.item == it.name or c.item in getattr(it, "aliases", [])), None)
        if item is None:
            raise UserError(f"rubric {rubric.id} has no item {c.item!r}", source=source, line=c.line, field="item")
        out.append((c, site, item))
    return out


@dataclass
class VerifyPlan:
    """Everything checked before the re-crawl: the baseline, its rubric and each claim resolved."""

    baseline_run_id: int
    rubric: Any
    claims_path: Path
    resolved: list[tuple[Claim, Site, Any]]
    unknown_headers: list[str]

    @property
    def site_ids(self) -> list[int]:
        return list(dict.fromkeys(s.id for _c, s, _i in self.resolved))


def plan_verification(db_url: str, baseline_run_id: int, claims_path: Path) -> VerifyPlan:
    """Read the claims and match them to the baseline run's sites and rubric items (one-line errors)."""
    from xxgk.pipeline import load_rubric_ref

    factory = session_factory(db_url)
    with session_scope(factory) as session:
        base = session.get(Run, baseline_run_id)
        if base is None:
            raise UserError(f"no run {baseline_run_id} in the store", field="RUN")
        if not base.rubric_id:
            raise UserError(f"run {baseline_run_id} names no rubric", field="RUN")
        base_sites = list(session.scalars(select(Site).join(Crawl, Crawl.site_id == Site.id)
                                          .where(Crawl.run_id == base.id)))
        rubric_ref = base.rubric_id
    claims = read_claims(claims_path)
    rubric, _path = load_rubric_ref(rubric_ref)
    resolved = _resolve(claims.claims, base_sites, rubric, str(claims_path))
    return VerifyPlan(baseline_run_id, rubric, Path(claims_path), resolved, claims.unknown_headers)


def run_verification(db_url: str, plan: VerifyPlan, *, config: AuditConfig | None = None,
                     progress: Any = None) -> tuple[int, list[Verdict]]:
    """Crawl the claimed sites again, score them, judge every claim; the verify run ends finished
    (or interrupted, if the crawl is stopped), never left running. Returns (new run id, verdicts)."""
    from xxgk.pipeline import crawl, finish_run, score

    config = config or AuditConfig()
    factory = session_factory(db_url)
    with session_scope(factory) as session:
        run = Run(mode="verify", rubric_id=plan.rubric.id, label=f"verify fixes of run {plan.baseline_run_id}",
                  sites_source=str(plan.claims_path),
                  config={**config.as_dict(), "baseline_run": plan.baseline_run_id, "claims": str(plan.claims_path)})
        session.add(run)
        session.flush()
        for site_id in plan.site_ids:
            add_pending_crawl(session, run.id, site_id)
        new_run = run.id
    try:
        crawl(db_url, new_run, config, progress)
    except BaseException:
        finish_run(db_url, new_run, "interrupted")
        raise
    score(db_url, new_run, plan.rubric)
    with session_scope(factory) as session:
        verdicts = [_judge(session, plan.baseline_run_id, new_run, plan.rubric.id, c, s, it)
                    for c, s, it in plan.resolved]
    finish_run(db_url, new_run)
    return new_run, verdicts


def _judge(session: Any, base_run: int, new_run: int, rubric_id: str, claim: Claim, site: Site, item: Any) -> Verdict:
    def finding(run_id: int) -> Finding | None:
        return session.scalar(select(Finding).where(Finding.run_id == run_id, Finding.rubric_id == rubric_id,
                                                    Finding.site_id == site.id, Finding.item_id == str(item.id)))

    before, after = finding(base_run), finding(new_run)
    v = Verdict(claim, site.id, site.name, str(item.id), item.name, COULD_NOT_CHECK,
                before.status if before else None, after.status if after else None, "",
                list(after.evidence) if after else [])
    if after is None or after.status == NOT_CHECKED:
        v.message = f"未能检查：{after.reason if after else '无检查结果'}"
        return v
    accepted = (PASS,) if claim.claimed == PASS else (PASS, PARTIAL)
    if after.status not in accepted:
        v.verdict, v.message = NOT_FIXED, f"声称已整改，但复查结果为{after.status}：{after.message}"
        return v
    if claim.url:
        page = session.scalar(select(Page).join(Crawl, Crawl.id == Page.crawl_id).where(
            Crawl.run_id == new_run, Crawl.site_id == site.id, Page.url == claim.url))
        cited = any(e.get("url") == claim.url for e in after.evidence or [])
        if page is not None and (page.status is None or page.status >= 400):
            v.verdict, v.message = NOT_FIXED, f"整改链接无法访问（{page.status or page.error}）：{claim.url}"
            return v
        if page is None and not cited:
            v.message = f"复查通过，但未在抓取中访问到所附整改链接 {claim.url}，需人工确认"
            v.verdict = COULD_NOT_CHECK
            return v
    v.verdict, v.message = CONFIRMED, f"复查确认：{after.message}"
    return v


def verdict_rows(verdicts: list[Verdict]) -> list[dict[str, Any]]:
    """The verdicts as rows of the verification format's table (`VERIFICATION_COLUMNS`), one per claim."""
    return [{"line": v.claim.line, "site": v.claim.site, "site_name": v.site_name, "item_id": v.item_id,
             "item_name": v.item_name, "claimed": v.claim.claimed, "claim_url": v.claim.url or "",
             "verdict": v.verdict, "before": v.before or "", "after": v.after or "", "message": v.message,
             "evidence_urls": " ".join(e.get("url", "") for e in v.evidence)} for v in verdicts]


def write_verification(db_url: str, run_id: int, verdicts: list[Verdict], out_dir: Path) -> Path:
    """Write verification.csv for the verify run through the formats registry; return its path."""
    # reports (pandas, openpyxl) is loaded only when a table is written, so the CLI starts quickly
    from reports.render import render_formats

    with session_scope(session_factory(db_url)) as session:
        done = render_formats(session, run_id, None, out_dir, ["verification"], verdicts=verdict_rows(verdicts))
    return done.files[0]

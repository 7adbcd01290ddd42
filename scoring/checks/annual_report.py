"""`annual_report`: find the unit's annual report for a year and check it (deadline, sections, sums …).

Reads the crawl's items (titles in the 年报 column and elsewhere) and the `Document(role="annual_report")`
rows the crawler stored (raw `body`, re-parsed here). `aspects` picks which checks decide the verdict,
so a rubric can weigh 发布时间, 内容完备 and 表格勾稽 as separate items. Verdict: fail if any chosen
check fails, needs_review if any needs a human, else pass (`partial_credit`: credit = share passed);
not_checked when an item judges only R5 and last year's report (or its table 三) is not there to compare.
Evidence: the report's page and file, or the 年报 columns searched when no report was found.
`details`: year, kind, the report found, other bodies' reports, the parsed tables and every rule result.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urldefrag, urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import select

from scoring.annual_report.checks import ASPECTS, check_deadline, check_report, deadline_for, overall
from scoring.annual_report.find import REPORT_COLUMN, FoundReport, best_by_year, find_reports, issuing_body
from scoring.annual_report.kind import KindGuess, infer_kind, kind_of_unit
from scoring.annual_report.parse import ParsedReport, UnreadableReport, parse_report
from scoring.annual_report.rules import FAIL, NEEDS_REVIEW, NOT_APPLICABLE, PASS, RuleResult
from scoring.checks.common import READABLE, crawl_not_checked, unsure_columns
from scoring.checks.registry import register
from scoring.outcome import CheckOutcome
from xxgk.store import NOT_CHECKED, PARTIAL, Document

if TYPE_CHECKING:
    from scoring.context import SiteContext
    from scoring.schema import RubricItem

KIND = "annual_report"
ALL_ASPECTS = ("presence", "channel", *ASPECTS)


class AnnualReportParams(BaseModel):
    """Parameters of `annual_report`."""

    model_config = ConfigDict(extra="forbid")
    report_kind: Literal["auto", "department", "government", "university"] = "auto"
    year: int | None = None  # report year (a 学年's end year); None: the latest year already due
    aspects: list[str] = Field(default_factory=lambda: list(ALL_ASPECTS))
    deadline: str | None = Field(default=None, pattern=r"^\d\d-\d\d$")  # MM-DD; default by kind
    legacy_deadline: str | None = Field(default="03-31", pattern=r"^\d\d-\d\d$")  # reports before 2019
    unit_names: list[str] = Field(default_factory=list)  # other names of the unit (site name always used)
    report_columns: list[str] = Field(default_factory=lambda: ["年报", "年度报告", "信息公开"])  # channel
    use_previous_year: bool = True  # R5 against the previous year's report when found
    partial_credit: bool = False
    rules: list[Literal["R1", "R2", "R3", "R4", "R5"]] = Field(
        default_factory=lambda: ["R1", "R2", "R3", "R4", "R5"])  # sum rules judged by aspect `sums`

    @field_validator("aspects")
    @classmethod
    def _known(cls, v: list[str]) -> list[str]:
        bad = [a for a in v if a not in ALL_ASPECTS]
        if bad:
            raise ValueError(f"unknown aspect(s) {bad}; known: {', '.join(ALL_ASPECTS)}")
        return v


def report_kind(ctx: SiteContext, params: AnnualReportParams) -> str:
    """department | government | township | university for the site, from its kind and the body its
    name reveals (a 县/区/市人民政府, a 局/委/办, a 乡/镇/街道); department when the name says nothing."""
    if params.report_kind != "auto":
        return params.report_kind
    if ctx.site.kind == "university":
        return "university"
    guess = kind_of_unit(ctx.site.name or "")
    return guess.kind if guess is not None and guess.kind != "university" else "department"


def report_guess(ctx: SiteContext, params: AnnualReportParams, found: FoundReport, site_kind: str) -> KindGuess | None:
    """The found report's own kind (the body its title names, else the site), when the rubric leaves it to auto."""
    if params.report_kind != "auto" or site_kind == "university":
        return None
    return infer_kind(issuing_body(found.title) or found.unit, site_kind=ctx.site.kind, site_name=ctx.site.name or "")


def expected_year(kind: str, as_of: dt.date, params: AnnualReportParams) -> int | None:
    """The newest report year whose deadline has passed on the audit date (None when unknown)."""
    if params.year is not None:
        return params.year
    if as_of.year < 2000:
        return None
    for end in range(as_of.year, as_of.year - 3, -1):
        year: Any = (end - 1, end) if kind == "university" else end
        # a kind whose deadline is unsure is due only once the latest possible deadline has passed
        due = deadline_for("government" if kind == "township" else kind, year, params.deadline,
                           params.legacy_deadline)
        if due is not None and due < as_of:
            return end
    return None


def _norm_url(u: str) -> str:
    return urldefrag(u)[0].rstrip("/")


def site_resolver(ctx: SiteContext) -> Any:
    """URL → True when the crawl saw it (page, column or item on the site), False when it is on the site
    but broken or unknown to the crawl, None when off-site (cannot tell)."""
    ok = {_norm_url(c.url) for c in ctx.columns if c.url and c.status in READABLE}
    ok |= {_norm_url(i.url) for i in ctx.items}
    ok |= {_norm_url(p.url) for p in ctx.pages if p.status is not None and p.status < 400}
    hosts = {urlsplit(ctx.site.url).hostname} | {urlsplit(u).hostname for u in (ctx.crawl.portal_url,) if u}

    def resolve(url: str) -> bool | None:
        if urlsplit(url).hostname not in hosts:
            return None
        return _norm_url(url) in ok

    return resolve


def _cached(ctx: SiteContext, key: str, make: Any) -> Any:
    """Per-site cache (the rubric's items share one parse of each report)."""
    key = f"annual_report:{key}"
    if key not in ctx._cache:
        ctx._cache[key] = make()
    return ctx._cache[key]


def _documents(ctx: SiteContext) -> list[Document]:
    if ctx.session is None:
        return []
    q = select(Document).where(Document.crawl_id == ctx.crawl.id, Document.role == "annual_report")
    return _cached(ctx, "docs", lambda: list(ctx.session.scalars(q.order_by(Document.id))))


def _parse_cached(ctx: SiteContext, doc: Document) -> ParsedReport | UnreadableReport:
    def make() -> ParsedReport | UnreadableReport:
        try:
            return parse_document(doc)
        except UnreadableReport as exc:
            return exc

    return _cached(ctx, f"parsed:{doc.id}", make)


def _doc_for(found: FoundReport, docs: list[Document], ctx: SiteContext) -> Document | None:
    urls = {_norm_url(found.url)}
    item = next((i for i in ctx.items if i.id == found.item_id), None)
    if item is not None:
        urls |= {_norm_url(a.get("url", "")) for a in (item.attachments or []) if isinstance(a, dict)}
    for d in docs:
        if (found.item_id is not None and d.item_id == found.item_id) or _norm_url(d.url) in urls:
            return d
    return None


def parse_document(doc: Document) -> ParsedReport:
    """Re-parse a stored report from its raw body (or its text when no body was kept)."""
    data = doc.body or (doc.text or "").encode("utf-8")
    rep = parse_report(data, doc.url, doc.content_type)
    if not rep.title and doc.title:
        from scoring.annual_report.find import issuing_body, report_year

        rep.title, rep.year, rep.unit = doc.title, report_year(doc.title), issuing_body(doc.title)
    return rep


def _candidates(ctx: SiteContext, names: list[str]) -> list[FoundReport]:
    paths = {c.id: (c.path or c.name) for c in ctx.columns}
    found = find_reports(ctx.items, names, paths)
    seen = {f.url for f in found}
    for d in _documents(ctx):  # documents the crawler stored without a listed item
        if d.item_id is None and d.url not in seen and d.title:
            found += find_reports([_DocItem(d)], names, paths)
    return found


class _DocItem:
    def __init__(self, d: Document) -> None:
        self.id, self.title, self.url, self.column_id = None, d.title or "", d.url, None
        self.published = self.article_date = None


@register(KIND, params=AnnualReportParams)
def check(ctx: SiteContext, item: RubricItem, params: AnnualReportParams) -> CheckOutcome:
    """Find and check the site's annual report (see module doc)."""
    stop = crawl_not_checked(ctx, KIND)
    if stop is not None:
        return stop
    kind = report_kind(ctx, params)
    names = [ctx.site.name, *params.unit_names]
    found = _cached(ctx, "found:" + "|".join(names), lambda: _candidates(ctx, names))
    own = best_by_year(found)
    others = [f.as_json() for f in found if not f.own]
    year = expected_year(kind, ctx.as_of, params) or (max(own) if own else None)
    details: dict[str, Any] = {"kind": kind, "year": year, "years_found": sorted(own),
                               "other_units": others[:20], "results": []}
    label = f"{year - 1}—{year}学年" if (kind == "university" and year) else f"{year}年度"
    rep_found = own.get(year) if year is not None else None
    if rep_found is None:
        unsure = _unsure_report_columns(ctx)
        if unsure:
            why = "；".join(dict.fromkeys(f"{c.path or c.name}：{c.status_detail or c.status}" for c in unsure[:3]))
            return CheckOutcome(KIND, NOT_CHECKED, 0.0,
                                message=f"未找到本单位{label}年度报告，但年报所在栏目未能完整读取，未能确认",
                                reason=f"栏目未完整读取：{why}",
                                evidence=[{"url": c.url, "label": f"未完整读取：{c.path or c.name}"}
                                          for c in unsure[:5] if c.url], details=details)
        extra = f"（栏目中另有其他单位的年报 {len(others)} 篇）" if others else ""
        return CheckOutcome(KIND, FAIL, 0.0, message=f"未找到本单位{label}信息公开工作年度报告{extra}",
                            evidence=_searched(ctx), details=details)
    details["report"] = rep_found.as_json()
    guess = report_guess(ctx, params, rep_found, kind)
    if guess is not None:
        kind = guess.kind
        details["report_kind"] = {"kind": guess.kind, "sure": guess.sure, "why": guess.why}
    evidence = [{"url": rep_found.url, "label": f"年报：{rep_found.title}"}]
    results: list[RuleResult] = []
    if "presence" in params.aspects:
        results.append(RuleResult("presence", PASS, f"已发布：{rep_found.title}"))
    if "channel" in params.aspects:
        col = rep_found.column or ""
        ok = any(w in col for w in params.report_columns)
        results.append(RuleResult("channel", PASS if ok else FAIL,
                                  f"发布于栏目「{col}」" if ok else f"年报未发布在年报/信息公开专栏（见于「{col or '未知栏目'}」）"))
    content = [a for a in params.aspects if a not in ("presence", "channel")]
    doc = _doc_for(rep_found, _documents(ctx), ctx) if content else None
    rep: ParsedReport | None = None
    if doc is not None:
        if _norm_url(doc.url) != _norm_url(rep_found.url):
            evidence.append({"url": doc.url, "label": f"年报文件：{doc.title or rep_found.title}"})
        parsed = _parse_cached(ctx, doc)
        if isinstance(parsed, UnreadableReport):
            results.append(RuleResult("readable", NEEDS_REVIEW, f"年报文件无法读取：{parsed}"))
        else:
            rep = parsed
    if content and rep is None:
        if "deadline" in content:
            results.append(check_deadline(kind, rep_found.year, rep_found.published, params.deadline,
                                          params.legacy_deadline, guess))
        rest = [a for a in content if a != "deadline"]
        if rest and doc is None:
            return _verdict(results, details, evidence, params,
                            not_checked="年报正文未抓取，未能核对内容（" + "、".join(rest) + "）")
    elif rep is not None:
        prev, prev_missing = None, None
        if "sums" in content and "R5" in params.rules and isinstance(year, int):
            prev, prev_missing = _previous(ctx, own, year, params)
        published = rep_found.published or rep.published
        results += check_report(rep, kind=kind, published=published, previous=prev, deadline=params.deadline,
                                legacy_deadline=params.legacy_deadline, resolver=site_resolver(ctx),
                                aspects=tuple(content), guess=guess)
        results = [r for r in results if not (r.rule.startswith("R") and r.rule not in params.rules)]
        details["parsed"] = rep.summary()
        details["document"] = {"url": doc.url if doc else None, "doc_type": rep.doc_type}
        if prev_missing and not rep.needs_review and not rep.free_text and not any(r.rule == "R5" for r in results):
            results.append(RuleResult("R5", NOT_APPLICABLE, f"R5 未核对：{prev_missing}"))
            judged = [r for r in results if r.rule not in ("presence", "channel") and r.status != NOT_APPLICABLE]
            if not judged:  # R5 was all this item asked about: could not check, never a silent pass
                return _verdict(results, details, evidence, params, not_checked=f"R5 无法核对：{prev_missing}")
    return _verdict(results, details, evidence, params)


def _previous(ctx: SiteContext, own: dict[int, FoundReport], year: int, params: AnnualReportParams
              ) -> tuple[ParsedReport | None, str | None]:
    """Last year's parsed report for R5, or None and why it cannot be used."""
    if not params.use_previous_year:
        return None, "未启用与上一年度报告的比对"
    prev_found = own.get(year - 1)
    if prev_found is None:
        return None, f"未找到本单位{year - 1}年度报告（R5 需与其「结转下年度继续办理」比对）"
    prev_doc = _doc_for(prev_found, _documents(ctx), ctx)
    if prev_doc is None:
        return None, f"{year - 1}年度报告正文未抓取"
    parsed = _parse_cached(ctx, prev_doc)
    if not isinstance(parsed, ParsedReport) or "t3" not in parsed.tables:
        return None, f"{year - 1}年度报告的统计表三无法读取"
    return parsed, None


def _unsure_report_columns(ctx: SiteContext) -> list[Any]:
    """Columns that could hold the missing report but were not read in full: the 年报 columns among
    them when the site has a readable one, else any unread column (the report may be anywhere)."""
    def named(c: Any) -> bool:
        return bool(c.name and REPORT_COLUMN.search(c.name))

    if any(named(c) for c in ctx.columns if c.status in READABLE):
        return [c for c in unsure_columns(ctx) if named(c)]
    return unsure_columns(ctx, unread_only=True)


def _searched(ctx: SiteContext) -> list[dict[str, str]]:
    """Evidence for a report not found: the site's 年报 columns (or the portal) that were searched."""
    cols = [c for c in ctx.columns if c.url and c.name and REPORT_COLUMN.search(c.name)]
    if cols:
        return [{"url": c.url, "label": f"年报栏目：{c.path or c.name}"} for c in cols[:5]]
    url = ctx.crawl.portal_url or ctx.site.url
    return [{"url": url, "label": "信息公开平台（未见年报栏目）"}] if url else []


def _verdict(results: list[RuleResult], details: dict[str, Any], evidence: list[dict[str, str]],
             params: AnnualReportParams, not_checked: str | None = None) -> CheckOutcome:
    details["results"] = [r.as_json() for r in results]
    status = overall(results)
    bad = [r.message for r in results if r.status in (FAIL, NEEDS_REVIEW)]
    if not_checked and status in (PASS, NOT_APPLICABLE):
        return CheckOutcome(KIND, NOT_CHECKED, 0.0, message=not_checked, reason=not_checked, evidence=evidence,
                            details=details)
    judged = [r for r in results if r.status in (PASS, FAIL)]
    if status == PASS or status == NOT_APPLICABLE:
        return CheckOutcome(KIND, PASS, 1.0, message="；".join(r.message for r in results[:3]),
                            evidence=evidence, details=details)
    msg = "；".join(bad[:4]) + (f"（另有 {len(bad) - 4} 项）" if len(bad) > 4 else "")
    if status == FAIL and params.partial_credit and judged:
        share = sum(r.status == PASS for r in judged) / len(judged)
        if share > 0:
            return CheckOutcome(KIND, PARTIAL, round(share, 4), message=msg, evidence=evidence, details=details)
    return CheckOutcome(KIND, status, 0.0, message=msg, evidence=evidence, details=details)

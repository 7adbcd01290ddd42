"""Every fault of the catalogue, crawled as one column of a hostile portal beside all the others:
the audit records the column's status and reason, the page's status, a `not_checked` blank-column
finding whenever the page could not be read (never a false fail), a bounded number of requests,
and the rest of the portal is still audited."""

from __future__ import annotations

import pytest
from catalogue import ANY, FAULTS, LIMITS, PRIVATE_LINKS, Fault
from fault_audit import CRAWL_BOUND, Audit


def _param(f: Fault) -> object:
    return pytest.param(f, id=f.id, marks=[pytest.mark.faults_full] if f.full else [])


@pytest.fixture
def audit(request: pytest.FixtureRequest) -> Audit:
    fault: Fault = request.node.callspec.params["fault"]
    return request.getfixturevalue("full_audit" if fault.full else "fast_audit")


@pytest.mark.parametrize("fault", [_param(f) for f in FAULTS])
def test_fault_is_recorded(fault: Fault, audit: Audit) -> None:
    col = audit.columns[fault.column]
    assert col["status"] == fault.column_status, col
    if fault.reason:
        assert fault.reason in col["detail"], col
    assert "robots" not in col["detail"] or fault.id == "robots_disallow", col
    assert col["items"] >= fault.items, col
    if fault.items == 0:
        assert col["items"] == 0, col
    page = audit.pages.get(f"/f/{fault.id}/list.html")
    if fault.page_status is not ANY:
        assert page is not None and page["status"] == fault.page_status, page
    if fault.page_error:
        assert fault.page_error in page["error"] + page["restricted"], page
    finding = audit.findings[fault.id]
    assert finding["status"] == fault.finding, finding
    if finding["status"] == "not_checked":
        assert finding["reason"], finding
    if fault.max_hits is not None:
        assert len(audit.hits.get(f"/f/{fault.id}/list.html", [])) <= fault.max_hits


@pytest.mark.parametrize("tier", [pytest.param("fast_audit", id="fast"),
                                  pytest.param("full_audit", id="full", marks=pytest.mark.faults_full)])
def test_the_rest_of_the_portal_is_audited(tier: str, request: pytest.FixtureRequest) -> None:
    audit: Audit = request.getfixturevalue(tier)
    assert audit.crawl["status"] == "done" and audit.crawl["error"] is None
    assert audit.seconds < CRAWL_BOUND and LIMITS["max_seconds"] < CRAWL_BOUND
    assert set(audit.columns) == {f.column for f in audit.faults}  # every fault's column is recorded
    assert set(audit.findings) == {f.id for f in audit.faults}
    healthy = audit.columns["重点工作"]
    assert (healthy["status"], healthy["items"]) == ("ok", 3)
    assert not [f for f in audit.findings.values() if f["status"] == "fail"]  # no fault is a false fail
    assert audit.blocked_connects == []  # nothing tried to leave the machine


def test_retry_after_was_waited_for(fast_audit: Audit) -> None:
    first, second = fast_audit.hits["/f/retry_after/list.html"]
    assert second - first >= 1.0  # the server said `Retry-After: 1`
    assert len(fast_audit.hits["/f/retry_after_long/list.html"]) == 1  # 3600 s is over the cap: not waited


def test_offsite_redirect_is_not_followed_or_credited(fast_audit: Audit) -> None:
    assert fast_audit.other_hits == 0  # not even its robots.txt
    titles = [t for c in fast_audit.columns.values() for t in c["titles"]]
    assert not [t for t in titles if "外站内容" in t]
    kinds = {(r["to"].rstrip("/").rsplit("/", 1)[-1], r["kind"]) for r in fast_audit.crawl["facts"]["redirects"]}
    assert {("stolen.html", "off-site"), ("passwd", "refused"), ("meta-data", "refused"),
            ("admin", "refused")} <= kinds


def test_private_links_are_refused_not_checked(fast_audit: Audit) -> None:
    for url, why in PRIVATE_LINKS.items():
        link = fast_audit.links[url]
        assert link["kind"] == "unchecked" and why in link["error"], link
    assert fast_audit.blocked_connects == []


def test_mislabelled_encodings_decode_exactly(fast_audit: Audit) -> None:
    for f in FAULTS:
        if "exact_titles" in f.extra:
            assert sorted(fast_audit.columns[f.column]["titles"]) == [f"{f.column}第{i}号工作文件" for i in range(3)]


def test_traps_end_at_the_crawl_limits(fast_audit: Audit) -> None:
    assert fast_audit.crawl["stop_reason"] == "list page limit"
    pager = [p for p in fast_audit.pages if p.startswith("/f/infinite_pager/")]
    assert len(pager) == LIMITS["max_list_pages"]
    calendar = [p for p in fast_audit.pages if p.startswith("/f/calendar/")]
    assert calendar == ["/f/calendar/list.html"]

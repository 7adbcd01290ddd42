"""`link_health` groups bad links by root cause: one target URL, however many pages show it."""

from __future__ import annotations

from sitekit import Kit


def test_link_health_groups_a_shared_template_link_into_one_finding(kit: Kit) -> None:
    for n in range(30):  # one broken link in the page template, on 30 pages
        kit.link("http://s.test/old-logo.htm", "broken", from_url=f"http://s.test/p{n}.htm")
    kit.link("http://s.test/gone.htm", "broken", from_url="http://s.test/p1.htm")
    out = kit.check("link_health", {"count_by": "link"})
    assert out.status == "fail" and out.details["counts"]["broken"] == 31  # the rubric's count is kept
    assert len(out.evidence) == 2  # but the evidence names each root cause once
    top = out.details["targets"][0]
    assert top["url"] == "http://s.test/old-logo.htm" and top["page_count"] == 30 and len(top["pages"]) == 5
    assert "出现在 30 个页面" in out.evidence[0]["label"] and "公共模板" in out.evidence[0]["label"]
    assert "涉及 2 个不同的链接地址" in out.message and "出现在 30 个页面" in out.message

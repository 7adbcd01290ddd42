"""Recompute every rate and count a rendered report shows from its findings.csv, and compare.

The rule, restated here independently of `scoring.rates`: only pass / partial / fail findings enter a
denominator or a count of judged sites; needs_review, not_checked and not_applicable never do.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from pathlib import Path

from lxml import html as lhtml

COUNTED = {"pass", "partial", "fail"}


def _read(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def _pct(points: float, eligible: float) -> float | None:
    return round(points / eligible * 100, 2) if eligible > 0 else None


class Expected:
    """The figures findings.csv implies under the rule."""

    def __init__(self, rows: list[dict[str, str]]) -> None:
        self.site = defaultdict(lambda: [0.0, 0.0])
        self.site_section = defaultdict(lambda: [0.0, 0.0])
        self.section = defaultdict(lambda: [0.0, 0.0])
        self.item = defaultdict(lambda: [0.0, 0.0])
        self.item_counts = defaultdict(lambda: {"fail": 0, "judged": 0, "left_out": 0})
        self.site_counts = defaultdict(lambda: defaultdict(int))
        for r in rows:
            st, p, m = r["status"], float(r["points"]), float(r["max_points"])
            self.site_counts[r["site_id"]][st] += 1
            c = self.item_counts[r["item_id"]]
            c["fail"] += st == "fail"
            c["judged" if st in COUNTED else "left_out"] += 1
            if st not in COUNTED:
                continue
            for acc in (self.site[r["site_id"]], self.site_section[(r["site_id"], r["section_name"])],
                        self.section[r["section_name"]], self.item[r["item_id"]]):
                acc[0] += p
                acc[1] += m

    @staticmethod
    def rate(acc: list[float]) -> float | None:
        return _pct(acc[0], acc[1])


def _num(text: str | None) -> float | None:
    text = (text or "").strip().rstrip("%")
    return None if text in ("", "—") else float(text)


# Rates are shown to two decimals; a half-way value (83.335) may round either way in two float sums
TOL = 0.0101


def _close(shown: float | None, want: float | None, what: str, tol: float = TOL) -> None:
    assert (shown is None) == (want is None), f"{what}: shown {shown}, recomputed {want}"
    if want is not None:
        assert abs(shown - want) <= tol, f"{what}: shown {shown}, recomputed {want}"


def check_rates(out: Path) -> int:
    """Assert the ranking page and every site page agree with findings.csv; return the figures compared."""
    exp = Expected(_read(out / "findings.csv"))
    n = 0
    doc = lhtml.fromstring((out / "index.html").read_text(encoding="utf-8"))
    assert doc.get_element_by_id("rate-rule").text_content().strip()
    table = doc.get_element_by_id("ranking")
    heads = [th.text_content().strip() for th in table.xpath("./thead/tr/th")]
    sec_names = [th.get("title") for th in table.xpath("./thead/tr/th") if th.get("title")
                 and th.get("title") not in ("与对比基准相比的名次变化", "最近各次评估的总分", "与对比基准相比")]
    first_sec = heads.index("结果") + 1
    sites_seen = []
    for tr in table.xpath("./tbody/tr"):
        tds = tr.xpath("./td")
        href = tds[2].xpath(".//a/@href")[0]
        sid = re.search(r"site-(\d+)\.html", href).group(1)
        sites_seen.append((sid, href))
        _close(_num(tds[3].get("data-v")), exp.rate(exp.site[sid]) if sid in exp.site else None, f"site {sid} total")
        for k, name in enumerate(sec_names):
            want = exp.rate(exp.site_section[(sid, name)]) if (sid, name) in exp.site_section else None
            _close(_num(tds[first_sec + k].get("data-v")), want, f"site {sid} {name}")
        counts = exp.site_counts[sid]
        fails, review, unchecked = (int(td.text_content()) for td in tds[first_sec + len(sec_names):][:3])
        assert (fails, review, unchecked) == (counts["fail"], counts["needs_review"], counts["not_checked"]), sid
        n += 3 + len(sec_names)
    for tr in doc.get_element_by_id("categories").xpath("./tbody/tr"):
        tds = tr.xpath("./td")
        name = tds[0].text_content().strip()
        _close(_num(tds[2].get("data-v")), exp.rate(exp.section[name]) if name in exp.section else None,
               f"category {name}")
        n += 1
    weakest = doc.xpath('//table[@id="weakest"]/tbody/tr')
    for tr in weakest:
        tds = tr.xpath("./td")
        iid = tds[0].text_content().strip()
        _close(_num(tds[3].get("data-v")), exp.rate(exp.item[iid]), f"item {iid}")
        c = exp.item_counts[iid]
        shown = tuple(int(td.text_content()) for td in tds[4:7])
        assert shown == (c["fail"], c["judged"], c["left_out"]), f"item {iid} counts {shown} != {c}"
        n += 4
    for sid, href in sites_seen:
        n += _check_site(out / href, sid, exp)
    return n


def _check_site(page: Path, sid: str, exp: Expected) -> int:
    doc = lhtml.fromstring(page.read_text(encoding="utf-8"))
    assert doc.get_element_by_id("rate-rule").text_content().strip()
    n = 0
    card = next(c for c in doc.xpath('//div[@class="card"]') if c.text_content().startswith("总分"))
    _close(_num(card.xpath("./b")[0].text_content()), exp.rate(exp.site[sid]) if sid in exp.site else None,
           f"site page {sid} total")
    for h2 in doc.xpath("//h2[span]"):
        name = (h2.text or "").strip()
        m = re.match(r"\s*([\d.]+) / ([\d.]+) 分", h2.xpath("./span")[0].text_content())
        if not m or not name:
            continue
        acc = exp.site_section.get((sid, name), [0.0, 0.0])
        _close(float(m.group(1)), round(acc[0], 2), f"site page {sid} {name} points")
        _close(float(m.group(2)), round(acc[1], 2), f"site page {sid} {name} eligible")
        n += 2
    return n + 1

"""Portal specs of the v3 worlds: universities reuse the v1 builder, governments a county-level builder.

Pure data (no HTML): the specs carry the tree, items, dates and defects; the layout and skin that render
them are chosen by :mod:`xxgk.samples.v3.sets`.
"""

from __future__ import annotations

import datetime as dt
import random

from .. import gov_names as gn
from ..gov_world import UNIT_QUOTA, _GovBuilder, _pattern_fill
from ..world import CONTENT, GROUP, Column, Portal, build_portal, initials

QUALITIES = ("excellent", "good", "fair", "poor")


EXTRA_TOP = {  # top-level pages of a 信息公开网 that serve no checklist item (目录, 申请)
    "信息公开目录": ["本目录按《高等学校信息公开事项清单》编排，共十大类五十项。", "各类信息的公开形式、时限和责任部门见各栏目。"],
    "信息公开申请": ["公民、法人或者其他组织可以向学校申请获取相关信息。", "申请应当采用书面形式，写明申请人姓名和联系方式。"],
}


def university(seed: int, index: int, slug: str, family: str, quality: str, landing: bool,
               items: tuple[int, int] | None = None, school_home: bool = True, extra_top: bool = False,
               avoid: frozenset[str] = frozenset()) -> Portal:
    """A university spec from the v1 builder, re-labelled for v3 (``items``: wanted range of the item total).

    With ``items`` the builder index is stepped until the total falls in range, deterministically;
    ``extra_top`` adds the 目录 and 申请 content pages at the top level; names in ``avoid`` are not taken.
    """
    for step in range(200):
        p = build_portal(index + step * 37, seed, quality)
        total = sum(len(c.articles) for c in p.tree())
        if (items is None or items[0] <= total <= items[1]) and p.name not in avoid:
            break
    p.slug, p.cms = slug, family
    for group in p.categories:
        group.has_landing = landing
    p.landing_pages = landing
    if not school_home:  # the 信息公开网 is its own site: no school home, no school news, no entry link
        p.news = []
        p.entry_place = "self"
        p.features["entry_depth"] = 0
    if extra_top:
        for k, (name, body) in enumerate(EXTRA_TOP.items()):
            p.top.append(Column(name=name, kind=CONTENT, slug=initials(name), col_id=900 + k, body=list(body)))
    return p


def _channel(b: _GovBuilder, name: str, kind: str, ctype: str) -> Column:
    col = b.col(name)
    col.extra["channel"] = kind
    _pattern_fill(b, col, ctype, False)
    return col


def county(seed: int, index: int, slug: str, family: str, *, catalogue: str = "信息公开目录",
           channels: tuple[str, ...] = ("service", "interaction"), stale: int = 1, blank: int = 1,
           extra_children: int = 0, avoid: frozenset[str] = frozenset()) -> Portal:
    """A county-level 政府信息公开 portal: 指南/制度/年报, a catalogue landing page with its sub-columns
    (``stale`` of them long unupdated, ``blank`` of them empty), 工作动态, and the site channels
    政务服务 / 政民互动 linked from the site's top menu (``channels`` says which exist). Names in ``avoid``
    are not taken.
    """
    rng = random.Random(seed * 4421 + index * 7177 + 3)
    start = index * 7 + seed
    place = next(x for k in range(len(gn.PLACES)) if f"{(x := gn.PLACES[(start + k) % len(gn.PLACES)])}人民政府" not in avoid)
    name = f"{place}人民政府"
    p = Portal(index=300 + index, slug=slug, name=name, cms=family, template=f"{family}-v3", quality="n/a",
               seed=seed, kind="government")
    p.entry_text, p.entry_place = rng.choice(["政府信息公开", "信息公开"]), "header"
    b = _GovBuilder(p, rng)

    guide = b.col("政府信息公开指南", CONTENT, first_level=True)
    guide.body = [t.format(G=name) for t in gn.GUIDE_BODY]
    rules = b.col("政府信息公开制度", first_level=True)
    b.fill(rules, b.dates(rng.randint(3, 5), rng.randint(100, 500), (60, 300)), "制度")
    report = b.col("政府信息公开年报", first_level=True)
    b.fill(report, [dt.date(y, 1, rng.randint(15, 30)) for y in range(p.as_of.year, p.as_of.year - 6, -1)], "年报")

    cat = b.col(catalogue, GROUP, has_landing=True, first_level=True)
    policy = b.col("政策文件", parent=cat.name, ctype="政策文件", first_level=True)
    notice = b.col("通知公告", parent=cat.name, ctype="通知公告", first_level=True)
    personnel = b.col("人事信息", parent=cat.name, ctype="人事", should_update=True)
    finance = b.col("财政信息", parent=cat.name, should_update=True)
    plans = b.col("规划计划", parent=cat.name, ctype="规划计划", should_update=True)
    stats = b.col("统计信息", parent=cat.name)
    more = [b.col(n, parent=cat.name) for n in ("政策解读", "应急管理", "审计信息", "价格收费")[:extra_children]]
    cat.children = [policy, notice, personnel, finance, plans, stats, *more]
    _pattern_fill(b, policy, "政策文件", False)
    _pattern_fill(b, notice, "通知公告", False)
    # stale: long-unupdated should-update columns; blank: columns with no item at all
    stale_cols = [plans, finance, personnel][:stale]
    for col, ctype in ((personnel, "人事"), (finance, "财政"), (plans, "规划计划")):
        _pattern_fill(b, col, ctype, col in stale_cols)
    blank_cols = [stats, *more][:blank]
    for col in [stats, *more]:
        if col not in blank_cols:
            _pattern_fill(b, col, "other", False)

    news = b.col("工作动态", GROUP, has_landing=True, first_level=True)
    headline = b.col("政务要闻", parent=news.name, ctype="要闻", first_level=True)
    dept = b.col("部门动态", parent=news.name, ctype="动态")
    news.children = [headline, dept]
    _pattern_fill(b, headline, "要闻", False)
    _pattern_fill(b, dept, "动态", False)

    p.top = [guide, rules, report]
    if "service" in channels:
        p.top.append(_channel(b, "政务服务", "service", "办事"))
    if "interaction" in channels:
        p.top.append(_channel(b, "政民互动", "interaction", "咨询"))
    p.categories = [cat, news]
    p.features = {"search": False, "interaction": "interaction" in channels, "service": "service" in channels,
                  "entry_depth": 1, "entry_hidden": False, "empty": 0, "unit_quota": UNIT_QUOTA,
                  "headline": headline, "notice": notice}
    return p

"""Seeded specs of the government sample portals (政务 site + 政府信息公开 platform). Pure data, no HTML.

Each portal follows one row of ``GOV_SPECS``: its CMS family, encoding and the features and defects it
carries. Columns reuse :class:`xxgk.samples.world.Column` with the v2 fields (``ctype``, ``unit`` …).
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from . import gov_names as gn
from .gov_reports import fill_reports
from .world import CONTENT, GROUP, LIST, Article, Column, Portal, _Slugger

EXT_HOST = "http://ext-jy.xxgk.invalid"  # placeholder of the external 人才网 host; the server substitutes it
UNIT_QUOTA = 2  # items per unit per month expected by the monthly publication check

_BASE: dict[str, Any] = {
    "stale_dyn": 0, "blank": 0, "home_stale": False, "long_stale": 0, "search": False, "interaction": True,
    "service": True, "encoding": "utf-8", "declared": True, "entry_depth": 1, "entry_hidden": False,
    "restricted": [], "truncate": False, "date_diff": False, "attachments": False, "scanned": False,
    "image_only": False, "broken": (0, 0), "empty": 0, "failing": 0, "repeat_boundary": False,
    "hidden_tabs": False, "js_menu": False, "offsite": False, "robots": False,
}
GOV_SPECS: list[dict[str, Any]] = [
    {"cms": "hanweb", "template": "hanweb-a", "search": True, "restricted": ["ip_range"], "truncate": True,
     "attachments": True, "broken": (2, 1), "empty": 2},
    {"cms": "empire", "template": "empire", "stale_dyn": 5, "blank": 1, "search": True, "encoding": "gbk",
     "restricted": ["http_403"], "date_diff": True, "attachments": True, "broken": (1, 0), "empty": 3,
     "js_menu": True, "offsite": True, "robots": True},
    {"cms": "trs-dyn", "template": "trs-dyn", "blank": 5, "encoding": "gb18030", "service": False,
     "entry_depth": 2, "restricted": ["login_redirect"], "truncate": True, "scanned": True, "image_only": True,
     "hidden_tabs": True, "broken": (1, 0)},
    {"cms": "gkmlpt", "template": "gkmlpt", "stale_dyn": 2, "home_stale": True, "restricted": ["access_limited"],
     "broken": (0, 2), "empty": 1},
    {"cms": "generic", "template": "generic", "long_stale": 11, "search": True, "encoding": "gbk",
     "declared": False, "restricted": ["http_401"], "date_diff": True, "broken": (3, 0), "empty": 4,
     "offsite": True},
    {"cms": "hanweb", "template": "hanweb-b", "stale_dyn": 1, "interaction": False, "service": False,
     "entry_hidden": True, "repeat_boundary": True, "failing": 3, "truncate": True, "attachments": True},
]
DOWN_SPEC: dict[str, Any] = {"cms": "generic", "template": "generic", "down": True}

RESTRICTED_NAMES = {"ip_range": "内部事务公开", "http_403": "内部资料", "login_redirect": "机关内部通知",
                    "access_limited": "涉密事项目录", "http_401": "内部办公信息"}


def spec_for(index: int, down: bool = False) -> dict[str, Any]:
    """The feature row of government portal ``index`` (cycled when more portals are asked for)."""
    row = DOWN_SPEC if down else GOV_SPECS[index % len(GOV_SPECS)]
    return {**_BASE, **row}


class _GovBuilder:
    def __init__(self, p: Portal, rng: random.Random) -> None:
        self.p, self.rng = p, rng
        self.slug = _Slugger()
        self.next_col = 3000 + rng.randint(10, 900)
        self.next_art = 10_000 + rng.randint(100, 9000)
        self.code = f"0{rng.randint(10**8, 10**9 - 1)}"

    def col(self, name: str, kind: str = LIST, parent: str | None = None, **kw: Any) -> Column:
        self.next_col += self.rng.randint(1, 5)
        c = Column(name=name, kind=kind, slug=self.slug(name), col_id=self.next_col, parent=parent,
                   page_size=self.rng.choice((15, 20)), **kw)
        return c

    def title(self, ctype: str, date: dt.date, unit: str | None) -> str:
        tpl = self.rng.choice(gn.TITLES[ctype])
        return tpl.format(G=self.p.name, U=unit or self.p.name, T=self.rng.choice(gn.TOPICS), y=date.year,
                          p=date.year - 1, m=date.month, n=self.rng.randint(2, 9))

    def fill(self, col: Column, dates: list[dt.date], ctype: str | None = None) -> None:
        seen: set[str] = set()
        for date in sorted(dates, reverse=True):
            title = self.title(ctype or col.ctype, date, col.unit)
            base, k = title, 1
            while title in seen:
                k += 1
                title = f"{base}（{k}）"
            seen.add(title)
            self.next_art += self.rng.randint(1, 9)
            index_no = f"{self.code}/{date.year}-{self.next_art % 100000:05d}"
            col.articles.append(Article(self.next_art, title, date, col.unit or self.p.name + "办公室", index_no))

    def dates(self, count: int, newest: int, gap: tuple[int, int]) -> list[dt.date]:
        out, back = [], newest
        for _ in range(count):
            out.append(self.p.as_of - dt.timedelta(days=back))
            back += self.rng.randint(*gap)
        return out


# (ctype, fresh newest days, stale newest days, gap, count)
_PATTERNS: dict[str, tuple[tuple[int, int], tuple[int, int], tuple[int, int], tuple[int, int]]] = {
    "要闻": ((1, 4), (40, 120), (1, 4), (30, 60)),
    "动态": ((1, 9), (25, 200), (2, 8), (18, 40)),
    "通知公告": ((3, 60), (200, 420), (5, 25), (12, 30)),
    "政策文件": ((5, 90), (200, 480), (7, 40), (10, 26)),
    "人事": ((5, 200), (400, 800), (20, 90), (5, 12)),
    "规划计划": ((10, 250), (400, 900), (30, 120), (4, 9)),
    "财政": ((30, 200), (400, 800), (60, 180), (3, 8)),
    "other": ((10, 300), (400, 700), (20, 120), (3, 10)),
    "咨询": ((2, 30), (120, 300), (3, 15), (8, 20)),
    "办事": ((20, 200), (400, 600), (10, 60), (5, 10)),
}


def _pattern_fill(b: _GovBuilder, col: Column, ctype: str, stale: bool, count: int | None = None) -> None:
    fresh, old, gap, counts = _PATTERNS[ctype]
    newest = b.rng.randint(*(old if stale else fresh))
    b.fill(col, b.dates(count or b.rng.randint(*counts), newest, gap), ctype)


def _months(as_of: dt.date) -> list[tuple[int, int]]:
    """The 12 (year, month) pairs before ``as_of``'s month, oldest first."""
    y, m, out = as_of.year, as_of.month, []
    for _ in range(12):
        m -= 1
        if m == 0:
            y, m = y - 1, 12
        out.append((y, m))
    return out[::-1]


def _unit_fill(b: _GovBuilder, col: Column, profile: str) -> None:
    """Monthly items of a unit column: ``regular``, ``gaps`` (空白月, some consecutive), ``low`` or ``dead``."""
    months = _months(b.p.as_of)
    counts = [b.rng.randint(2, 3) for _ in months]
    if profile == "gaps":
        start = b.rng.randint(1, 7)
        for k in (start, start + 1, start + 4):  # two consecutive blank months and one more
            counts[k] = 0
    elif profile == "low":
        counts = [b.rng.randint(0, 1) if k % 3 else 1 for k in range(12)]
    elif profile == "dead":
        counts = [0] * 12
    dates: list[dt.date] = []
    for (y, m), n in zip(months, counts, strict=True):
        days = sorted(b.rng.sample(range(1, 29), n))
        dates += [dt.date(y, m, d) for d in days]
    if profile == "dead":  # published long ago, nothing in the last year
        dates = b.dates(b.rng.randint(3, 6), b.rng.randint(400, 700), (20, 60))
    b.fill(col, dates, "unit")
    col.extra["monthly"] = {f"{y}-{m:02d}": sum(1 for a in col.articles if (a.date.year, a.date.month) == (y, m))
                            for y, m in months}


def build_gov_portal(index: int, seed: int, down: bool = False) -> Portal:
    """One government portal spec from the world seed and its index among the government portals."""
    spec = spec_for(index, down)
    rng = random.Random(seed * 6151 + index * 92821 + 17)
    place = gn.PLACES[(index + seed) % len(gn.PLACES)]
    name = f"{place}人民政府"
    p = Portal(index=100 + index, slug=f"g{index + 1:02d}", name=name, cms=spec["cms"], template=spec["template"],
               quality="n/a", seed=seed, kind="government", encoding=spec["encoding"], declared=spec["declared"])
    p.entry_text = rng.choice(["政府信息公开", "信息公开"])
    p.entry_place = "header"
    p.features = {"spec": spec, "down": bool(spec.get("down"))}
    b = _GovBuilder(p, rng)

    guide = b.col("政府信息公开指南", CONTENT, first_level=True)
    guide.body = [t.format(G=name) for t in gn.GUIDE_BODY]
    rules = b.col("政府信息公开制度", first_level=True)
    b.fill(rules, b.dates(rng.randint(3, 5), rng.randint(100, 500), (60, 300)), "制度")
    report = b.col("政府信息公开年报", first_level=True)
    b.fill(report, [dt.date(y, 1, rng.randint(15, 30)) for y in range(p.as_of.year, p.as_of.year - 6, -1)], "年报")
    fill_reports(p, report, index)  # real reports and publication dates, from their own random stream
    p.top = [guide, rules, report]

    fixed = b.col("法定主动公开内容", GROUP, has_landing=True, first_level=True)
    duties = b.col("机构职能", CONTENT, parent=fixed.name)
    duties.body = [t.format(G=name, n=rng.randint(2, 99)) for t in gn.DUTIES_BODY]
    policy = b.col("政策文件", parent=fixed.name, ctype="政策文件", first_level=True)
    notice = b.col("通知公告", parent=fixed.name, ctype="通知公告", first_level=True)
    personnel = b.col("人事信息", parent=fixed.name, ctype="人事", should_update=True)
    plans = b.col("规划计划", parent=fixed.name, ctype="规划计划", should_update=True)
    finance = b.col("财政信息", parent=fixed.name, should_update=True)
    extras = [b.col(n, parent=fixed.name) for n in ("政策解读", "建议提案办理", "统计信息", "应急管理", "审计信息",
                                                     "价格收费")]
    fixed.children = [duties, policy, notice, personnel, plans, finance, *extras]

    news = b.col("工作动态", GROUP, has_landing=True, first_level=True)
    headline = b.col("政务要闻", parent=news.name, ctype="要闻", first_level=True)
    dyn = [b.col(n, parent=news.name, ctype="动态") for n in ("部门动态", "乡镇动态", "图片新闻")]
    news.children = [headline, *dyn]

    depts = b.col("部门信息公开", GROUP, has_landing=True)
    towns = b.col("乡镇信息公开", GROUP, has_landing=True)
    n_dept, n_town = (6, 4) if spec["long_stale"] else (rng.randint(4, 6), rng.randint(3, 4))
    for group, units, count in ((depts, gn.DEPARTMENTS, n_dept), (towns, gn.TOWNSHIPS, n_town)):
        for unit in rng.sample(units, count):
            full = f"{place}{unit}" if group is depts else f"{place}{unit}"
            c = b.col(unit, parent=group.name, unit=full, should_update=True)
            group.children.append(c)
    p.categories = [fixed, news, depts, towns]
    if spec["interaction"]:
        hd = b.col("互动交流", GROUP, has_landing=True)
        hd.children = [b.col("政务咨询", parent=hd.name, ctype="other")]
        p.categories.append(hd)
    if spec["service"]:
        fw = b.col("办事服务", GROUP, has_landing=True)
        fw.children = [b.col("办事指南", parent=fw.name)]
        p.categories.append(fw)

    # ---- fill with items: who is stale, who is blank -----------------------------------------
    dyn_like = [c for c in (dyn[0], dyn[1], dyn[2], notice, policy)]
    stale = set()
    if spec["home_stale"]:
        stale |= {id(headline), id(notice)}
    stale |= {id(c) for c in dyn_like[: max(0, spec["stale_dyn"] - len(stale))]}
    for c in (headline, *dyn, notice, policy):
        _pattern_fill(b, c, c.ctype, id(c) in stale, count=rng.randint(60, 75) if c is headline else None)
    long_cols = [personnel, plans, finance] + depts.children + towns.children
    long_stale = {id(c) for c in long_cols[: spec["long_stale"]]}
    _pattern_fill(b, personnel, "人事", id(personnel) in long_stale)
    _pattern_fill(b, plans, "规划计划", id(plans) in long_stale)
    _pattern_fill(b, finance, "财政", id(finance) in long_stale)
    profiles = ["regular", "gaps", "low", "regular", "gaps", "regular", "low", "regular", "regular", "regular"]
    for k, c in enumerate(depts.children + towns.children):
        _unit_fill(b, c, "dead" if id(c) in long_stale else profiles[(k + index) % len(profiles)])
    blank = {id(c) for c in extras[: spec["blank"]]}
    for c in extras:
        if id(c) not in blank:
            _pattern_fill(b, c, "other", False)
    for g in p.categories[4:]:
        for c in g.children:
            _pattern_fill(b, c, "咨询" if g.name == "互动交流" else "办事", False)

    # ---- v2 features ---------------------------------------------------------------------------
    other = b.col("其他信息", GROUP, has_landing=True)
    for reason in spec["restricted"]:
        other.children.append(b.col(RESTRICTED_NAMES[reason], parent=other.name, restricted=reason))
    if spec["robots"]:
        archive = b.col("历史档案", parent=other.name, robots=True)
        _pattern_fill(b, archive, "other", False)
        other.children.append(archive)
    if spec["offsite"]:
        jobs = b.col("人才招聘", parent=other.name, ctype="人事", should_update=True, offsite=f"{EXT_HOST}/{p.slug}/zpxx/index.html")
        _pattern_fill(b, jobs, "人事", False, count=rng.randint(6, 12))
        dead = b.col("上级政府文件", parent=other.name, offsite=f"{EXT_HOST}/gone/{p.slug}/sjwj/", offsite_dead=True)
        other.children += [jobs, dead]
    if other.children:
        p.categories.append(other)
    if spec["hidden_tabs"]:
        for c in dyn[:2]:
            c.hidden = True
    if spec["js_menu"]:
        for c in towns.children:
            c.js_menu = True
    _article_features(p, b, spec, policy, notice, dyn[2], headline)
    p.features.update({
        "search": spec["search"], "interaction": spec["interaction"], "service": spec["service"],
        "entry_depth": spec["entry_depth"], "entry_hidden": spec["entry_hidden"], "empty": spec["empty"],
        "broken": spec["broken"], "repeat_boundary": spec["repeat_boundary"], "hidden_tabs": spec["hidden_tabs"],
        "unit_quota": UNIT_QUOTA, "headline": headline, "notice": notice,
    })
    return p


def _article_features(p: Portal, b: _GovBuilder, spec: dict[str, Any], policy: Column, notice: Column,
                      photos: Column, headline: Column) -> None:
    rng = b.rng
    for col in p.list_columns():
        for art in col.articles:
            if spec["truncate"] and len(art.title) > 22:
                art.truncated = True
            if spec["date_diff"] and col.ctype in ("政策文件", "通知公告") and rng.random() < 0.3:
                art.article_date = art.date - dt.timedelta(days=rng.randint(2, 15))
    if spec["attachments"]:
        for art, kind in zip(policy.articles, ("pdf", "docx", "xlsx", "pdf"), strict=False):
            art.attachments.append({"type": kind, "scanned": False})
    if spec["scanned"]:
        policy.articles[0].attachments.append({"type": "pdf", "scanned": True})
        policy.articles[1].attachments.append({"type": "pdf", "scanned": False})
    if spec["image_only"]:
        for art in photos.articles[:4]:
            art.image_only = True
    n404, n500 = spec["broken"]
    arts = notice.articles[:3] + headline.articles[5:8]
    for k in range(n404):
        arts[k % len(arts)].links.append((f"相关链接{k + 1}", f"/old/html/{2016 + k}/{1000 + k}.html"))
    for k in range(n500):
        arts[(k + 3) % len(arts)].links.append((f"在线办事入口{k + 1}", f"/servlet/svc{k + 1}.do"))
    for art in headline.articles[10:10 + spec["failing"]]:
        art.status = 500


def build_gov_world(seed: int, n_governments: int, include_down: bool = False) -> list[Portal]:
    """Government portal specs (``include_down`` adds one listed portal that is not served)."""
    portals = [build_gov_portal(i, seed) for i in range(n_governments)]
    if include_down:
        portals.append(build_gov_portal(n_governments, seed, down=True))
    return portals


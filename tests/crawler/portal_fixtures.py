"""Hand-written miniature portals (VSB, WebPlus, TRS) for the crawler integration test.

Each builder writes a web root and returns the ground truth: every column with its
items. These are our own fixtures, written from the markup facts in cms-markup.md.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path


def _write(root: Path, rel: str, html: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")


def _page(title: str, body: str, charset: str = "utf-8") -> str:
    return (
        f'<!DOCTYPE html><html><head><meta charset="{charset}"><title>{title}</title></head>'
        f"<body>{body}</body></html>"
    )


# ---------------------------------------------------------------- VSB (博达) university
VSB_NAV = """
<div class="header"><a href="/index.html">学校首页</a></div>
<div class="left-nav"><ul>
 <li><span>基本信息</span><ul>
   <li><a href="/xxgk/jbxx/xxjj.htm">学校简介</a></li>
   <li><a href="/xxgk/jbxx/xxzc.htm">学校章程</a></li></ul></li>
 <li><span>招生考试信息</span><ul>
   <li><a href="/xxgk/zsks/zszc.htm">招生章程</a></li>
   <li><a href="/xxgk/zsks/jdh.htm">教职工代表大会</a></li></ul></li>
 <li><a href="/xxgk/ndbg.htm">年度报告</a></li>
 <li><a href="http://www.moe.gov.cn/jyb_xxgk/">教育部信息公开</a></li>
</ul></div>
"""


def _vsb_rows(items: list[tuple[str, str, str]], with_title: bool = True) -> str:
    rows = []
    for n, (title, href, date) in enumerate(items):
        short = title if len(title) <= 12 else title[:12] + "..."
        attr = f' title="{title}"' if with_title else ""
        rows.append(
            f'<li id="line_u5_{n}"><a href="{href}"{attr}><h4>{short}</h4>'
            f'<p class="date"><i class="fa fa-calendar"></i>{date}</p></a></li>'
        )
    return '<ul class="list">' + "".join(rows) + "</ul>"


def _vsb_pager(total: int, cur: int, pages: int, links: dict[str, str | None]) -> str:
    def ctl(cls: str, label: str, href: str | None) -> str:
        if href is None:
            return f'<span class="p_{cls}_d p_fun_d">{label}</span>'
        return f'<span class="p_{cls} p_fun"><a href="{href}">{label}</a></span>'

    nums = "".join(
        f'<span class="p_no_d">{n}</span>' if n == cur else f'<span class="p_no"><a href="{h}">{n}</a></span>'
        for n, h in links.get("nums", {}).items()  # type: ignore[union-attr]
    )
    return (
        f'<div class="pb_sys_common pb_sys_normal pb_sys_style1"><span class="p_t">共{total}条</span>'
        f'<span class="p_pages">{ctl("first", "首页", links.get("first"))}{ctl("prev", "上页", links.get("prev"))}'
        f"{nums}{ctl('next', '下页', links.get('next'))}{ctl('last', '尾页', links.get('last'))}</span>"
        f'<span class="p_t">{cur}/{pages}</span></div>'
    )


VSB_TAIL = (
    '<script>_showDynClickBatch(["dynclicks_u5_1"],[3193],"wbnews", 1239041818)</script>'
    "<!--Announced by Visual SiteBuilder 9-->"
)


def build_vsb(root: Path) -> dict:
    """A university home page with a 信息公开 link, and a VSB portal under /xxgk/."""
    _write(
        root,
        "index.html",
        _page(
            "示例大学",
            '<div class="top"><a href="/index.html">首页</a>'
            '<a href="/xxgk/index.htm">信息公开</a><a href="/xxgk2.htm">学校概况</a></div>',
        ),
    )
    _write(
        root,
        "xxgk/index.htm",
        _page(
            "示例大学信息公开网",
            VSB_NAV
            + '<div class="main">'
            + _vsb_rows([("最新通知", "/info/1001/11.htm", "2024-05-01")])
            + "</div>"
            + VSB_TAIL,
        ),
    )
    # 学校简介: a content column
    _write(
        root,
        "xxgk/jbxx/xxjj.htm",
        _page(
            "学校简介",
            VSB_NAV + '<div id="vsb_content"><div class="v_news_content">'
            "<p>示例大学创建于1902年，是一所以工为主、理工结合、多学科协调发展的全国重点大学。学校现有两个校区。</p>"
            "</div></div>" + VSB_TAIL,
        ),
    )
    truth: dict = {"columns": {}}
    zc = [
        ("示例大学章程（2022年修订）全文发布", "/info/1002/21.htm", "2022-06-30"),
        ("示例大学章程修订说明", "/info/1002/20.htm", "2021-12-01"),
    ]
    _write(
        root,
        "xxgk/jbxx/xxzc.htm",
        _page(
            "学校章程",
            VSB_NAV
            + _vsb_rows([(t, "../.." + h, d) for t, h, d in zc])
            + _vsb_pager(2, 1, 1, {"nums": {1: None}})
            + VSB_TAIL,
        ),
    )
    # 招生章程: 25 items over 3 pages, reverse-numbered, a pinned item repeated on every page
    items = [
        (f"示例大学2024年招生章程第{i}号补充说明", f"/info/1003/{100 + i}.htm", f"2024-03-{i:02d}")
        for i in range(25, 0, -1)
    ]
    pinned = ("【置顶】示例大学本科招生章程汇总", "/info/1003/999.htm", "2024-04-01")
    pages = [items[0:10], items[10:20], items[20:25]]
    _write(
        root,
        "xxgk/zsks/zszc.htm",
        _page(
            "招生章程",
            VSB_NAV
            + _vsb_rows([pinned, *pages[0]])
            + _vsb_pager(
                25,
                1,
                3,
                {
                    "nums": {1: None, 2: "zszc/2.htm", 3: "zszc/1.htm"},
                    "next": "zszc/2.htm",
                    "last": "zszc/1.htm",
                },
            )
            + VSB_TAIL,
        ),
    )
    _write(
        root,
        "xxgk/zsks/zszc/2.htm",
        _page(
            "招生章程",
            VSB_NAV
            + _vsb_rows([pinned, *pages[1]])
            + _vsb_pager(
                25,
                2,
                3,
                {
                    "nums": {1: "../zszc.htm", 2: None, 3: "1.htm"},
                    "first": "../zszc.htm",
                    "prev": "../zszc.htm",
                    "next": "1.htm",
                    "last": "1.htm",
                },
            )
            + VSB_TAIL,
        ),
    )
    _write(
        root,
        "xxgk/zsks/zszc/1.htm",
        _page(
            "招生章程",
            VSB_NAV
            + _vsb_rows([pinned, *pages[2]])
            + _vsb_pager(
                25,
                3,
                3,
                {"nums": {1: "../zszc.htm", 2: "2.htm", 3: None}, "first": "../zszc.htm", "prev": "2.htm"},
            )
            + VSB_TAIL,
        ),
    )
    # 教职工代表大会: blank list
    _write(
        root,
        "xxgk/zsks/jdh.htm",
        _page(
            "教职工代表大会",
            VSB_NAV + '<ul class="list"></ul>' + _vsb_pager(0, 1, 1, {"nums": {1: None}}) + VSB_TAIL,
        ),
    )
    nb = [
        ("示例大学2023-2024学年信息公开工作年度报告", "/info/1004/31.htm", "2024-10-28"),
        ("示例大学2022-2023学年信息公开工作年度报告", "/info/1004/30.htm", "2023-10-30"),
    ]
    # 年度报告: titles cut off with "..." and no @title → completed from the article's ArticleTitle
    _write(root, "xxgk/ndbg.htm", _page("年度报告", VSB_NAV + _vsb_rows(nb, with_title=False) + VSB_TAIL))
    for t, h, _ in nb:
        _write(
            root,
            h.lstrip("/"),
            f'<html><head><meta charset="utf-8"><meta name="ArticleTitle" content="{t}">'
            f"<title>{t}-示例大学</title></head><body><h1>{t}</h1></body></html>",
        )
    truth["columns"] = {
        "基本信息": dict(url=None, items=[]),
        "基本信息/学校简介": dict(url="/xxgk/jbxx/xxjj.htm", items=[], has_content=True, list_pages=0),
        "基本信息/学校章程": dict(url="/xxgk/jbxx/xxzc.htm", items=zc, declared=2, list_pages=1),
        "招生考试信息": dict(url=None, items=[]),
        "招生考试信息/招生章程": dict(
            url="/xxgk/zsks/zszc.htm", items=[pinned, *items], declared=25, list_pages=3
        ),
        "招生考试信息/教职工代表大会": dict(url="/xxgk/zsks/jdh.htm", items=[], declared=0, list_pages=1),
        "年度报告": dict(url="/xxgk/ndbg.htm", items=nb, list_pages=1),
        "教育部信息公开": dict(url="http://www.moe.gov.cn/jyb_xxgk/", items=[], offsite=True),
    }
    truth["portal"] = "/xxgk/index.htm"
    truth["cms"] = "vsb"
    return truth


# ---------------------------------------------------------------- Sudy WebPlus
WP_NAV = """
<div class="wp-menu-box"><ul class="wp-menu">
<li class="menu-item"><a href="/main.htm">首页</a></li>
<li class="menu-item"><a href="/xxgkzn/list.htm">信息公开指南</a></li>
<li class="menu-item"><a href="/gzzd/list.htm">规章制度</a>
  <ul class="sub-menu"><li><a href="/xsgl/list.htm">学生管理</a></li><li><a href="/cwgl/list.htm">财务管理</a></li></ul></li>
<li class="menu-item"><a href="/xxgk/xxgk.htm">学校概况</a></li>
</ul></div>
<link rel="stylesheet" href="/_css/_system/system.css">
"""


def _wp_list(items: list[tuple[str, str, str]], n: int = 6) -> str:
    rows = "".join(
        f"<li class=\"news n{i} clearfix\"><span class=\"news_title\"><a href='{h}' target='_blank' title='{t}'>"
        f'{t[:10]}</a></span> <span class="news_meta">{d}</span></li>'
        for i, (t, h, d) in enumerate(items)
    )
    return f'<div id="wp_news_w{n}"><ul class="news_list list2">{rows}</ul></div>'


def _wp_pager(per: int, total: int, cur: int, pages: int, nxt: str | None, last: str | None) -> str:
    return (
        '<div id="wp_paging_w6"><ul class="wp_paging clearfix"><li class="pages_count">'
        f'<span class="per_page">每页&nbsp;<em class="per_count">{per}</em>&nbsp;记录&nbsp;</span>'
        f'<span class="all_count">总共&nbsp;<em class="all_count">{total}</em>&nbsp;记录&nbsp;</span></li>'
        '<li class="page_nav"><a class="first" href="javascript:void(0);">第一页</a>'
        f'<a class="next" href="{nxt or "javascript:void(0);"}"><span>下一页&gt;&gt;</span></a>'
        f'<a class="last" href="{last or "javascript:void(0);"}"><span>尾页</span></a></li>'
        f'<li class="page_jump"><span class="pages">页码&nbsp;<em class="curr_page">{cur}</em>/'
        f'<em class="all_pages">{pages}</em></span></li></ul></div>'
    )


def build_webplus(root: Path) -> dict:
    """A WebPlus portal entered directly (the start URL is the 信息公开 portal)."""
    hot = _wp_list([("热点：校园网升级通知", "/1a/2b/c9a1/page.htm", "2024-05-02")], n=91)
    _write(root, "main.htm", _page("示例学院信息公开", WP_NAV + "<p>欢迎访问</p>"))
    zn = [("示例学院信息公开指南（2024年修订）", "/2024/0301/c12a501/page.htm", "2024-03-01")]
    _write(
        root,
        "xxgkzn/list.htm",
        _page("信息公开指南", WP_NAV + _wp_list(zn) + _wp_pager(15, 1, 1, 1, None, None)),
    )
    gz = [
        ("示例学院规章制度汇编", "/2023/0901/c13a601/page.htm", "2023-09-01"),
        ("示例学院内部控制制度", "/2023/0801/c13a600/page.htm", "2023-08-01"),
    ]
    _write(root, "gzzd/list.htm", _page("规章制度", WP_NAV + _wp_list(gz)))
    xs = [
        (f"学生管理规定第{i}号", f"/2024/01{i:02d}/c14a70{i}/page.htm", f"2024-01-{i:02d}")
        for i in (5, 4, 3, 2, 1)
    ]
    _write(
        root,
        "xsgl/list.htm",
        _page(
            "学生管理",
            WP_NAV + hot + _wp_list(xs[:3]) + _wp_pager(3, 5, 1, 2, "/xsgl/list2.htm", "/xsgl/list2.htm"),
        ),
    )
    _write(
        root,
        "xsgl/list2.htm",
        _page("学生管理", WP_NAV + hot + _wp_list(xs[3:]) + _wp_pager(3, 5, 2, 2, None, None)),
    )
    _write(
        root, "cwgl/list.htm", _page("财务管理", WP_NAV + _wp_list([]) + _wp_pager(15, 0, 1, 1, None, None))
    )
    _write(
        root,
        "xxgk/xxgk.htm",
        _page(
            "学校概况",
            WP_NAV + '<div class="wp_articlecontent"><p>示例学院是一所'
            "省属公办本科院校，前身为1958年创办的示例师范专科学校，现有全日制在校生一万余人。</p></div>",
        ),
    )
    return {
        "portal": "/main.htm",
        "cms": "webplus",
        "columns": {
            "信息公开指南": dict(url="/xxgkzn/list.htm", items=zn, declared=1, list_pages=1),
            "规章制度": dict(url="/gzzd/list.htm", items=gz, list_pages=1),
            "规章制度/学生管理": dict(url="/xsgl/list.htm", items=xs, declared=5, list_pages=2),
            "规章制度/财务管理": dict(url="/cwgl/list.htm", items=[], declared=0, list_pages=1),
            "学校概况": dict(url="/xxgk/xxgk.htm", items=[], has_content=True, list_pages=0),
        },
    }


# ---------------------------------------------------------------- TRS government
TRS_NAV = """
<table width="180" class="gl_left">
<tr><td width="19"><img src="/images/gl_ico.jpg"></td><td><a href="/zwgk/xxgkzn/" target="_self">信息公开指南</a></td></tr>
<tr><td><img src="/images/gl_ico.jpg"></td><td><a href="/zwgk/zfwj/" target="_self">政府文件</a></td></tr>
<tr><td><img src="/images/gl_ico.jpg"></td><td><a href="/zwgk/ndbg/" target="_self">信息公开年报</a></td></tr>
<tr><td><img src="/images/gl_ico.jpg"></td><td><a href="http://www.gov.cn/zhengce/xxgkzl.htm">国务院文件</a></td></tr>
</table>
"""


def _trs_table(items: list[tuple[str, str, str]]) -> str:
    rows = "".join(
        f'<tr><td><img src="/images/dot.gif"></td><td><a href="{h}" target="_blank">{t}</a></td><td> {d} </td></tr>'
        for t, h, d in items
    )
    return f'<table class="gl_list" width="100%">{rows}</table>'


def _create_page(count: int, cur: int, total: int) -> str:
    return (
        f'<script language="javascript">var countnum= {total}; var currentPage={cur}; var countPage={count};'
        f' createPageHTML({count}, {cur}, "index", "html");</script>'
    )


def build_trs(root: Path) -> dict:
    """A city home page with a 政府信息公开 link, and a TRS portal under /zwgk/ (0-based pages)."""
    _write(
        root,
        "index.html",
        _page(
            "示例市人民政府",
            '<div class="nav"><a href="/index.html">首页</a>'
            '<a href="/zwdt/">政务动态</a><a href="/zwgk/index.html">政府信息公开</a></div>',
        ),
    )
    _write(root, "zwgk/index.html", _page("示例市政府信息公开", TRS_NAV + '<div class="TRS_Editor"></div>'))
    zn = [("示例市人民政府信息公开指南", "./202401/t20240102_1001.html", "2024-01-02")]
    _write(
        root,
        "zwgk/xxgkzn/index.html",
        _page("信息公开指南", TRS_NAV + _trs_table(zn) + _create_page(1, 0, 1)),
    )
    wj = [
        (
            f"示例市人民政府关于第{i}项工作的通知",
            f"./2024{i:02d}/t2024{i:02d}10_20{i:02d}.html",
            f"2024-{i:02d}-10",
        )
        for i in (7, 6, 5, 4, 3, 2, 1)
    ]
    for p, chunk in enumerate([wj[0:3], wj[3:6], wj[6:7]]):
        name = "index.html" if p == 0 else f"index_{p}.html"
        _write(
            root, f"zwgk/zfwj/{name}", _page("政府文件", TRS_NAV + _trs_table(chunk) + _create_page(3, p, 7))
        )
    nb_raw = [
        ("示例市2023年政府信息公开工作年度报告", "./202401/t20240131_3001.html", "2024年1月31日"),
        ("示例市2022年政府信息公开工作年度报告", "./202301/t20230130_3000.html", "[2023-01-30]"),
        ("示例市2021年政府信息公开工作年度报告", "./202201/t20220128_2999.html", "2022/01/28"),
    ]

    def ul(items: list[tuple[str, str, str]]) -> str:
        return (
            '<ul class="list">'
            + "".join(f'<li><a href="{h}" target="_blank">{t}</a><span>{d}</span></li>' for t, h, d in items)
            + "</ul>"
        )

    for p, chunk in enumerate([nb_raw[:2], nb_raw[2:]]):
        name = "index.html" if p == 0 else f"index_{p}.html"
        script = (
            f"<script>var currentPage = {p};//所在页从0开始\n var countPage = 2//共多少页\n</script>共计 2 页"
        )
        _write(root, f"zwgk/ndbg/{name}", _page("信息公开年报", TRS_NAV + ul(chunk) + script))
    iso = {"2024年1月31日": "2024-01-31", "[2023-01-30]": "2023-01-30", "2022/01/28": "2022-01-28"}

    def absol(col: str, items: list[tuple[str, str, str]], fix: dict | None = None) -> list:
        return [(t, f"/zwgk/{col}/" + h[2:], (fix or {}).get(d, d)) for t, h, d in items]

    return {
        "portal": "/zwgk/index.html",
        "cms": "trs",
        "columns": {
            "信息公开指南": dict(url="/zwgk/xxgkzn/", items=absol("xxgkzn", zn), declared=1, list_pages=1),
            "政府文件": dict(url="/zwgk/zfwj/", items=absol("zfwj", wj), declared=7, list_pages=3),
            "信息公开年报": dict(url="/zwgk/ndbg/", items=absol("ndbg", nb_raw, iso), list_pages=2),
            "国务院文件": dict(url="http://www.gov.cn/zhengce/xxgkzl.htm", items=[], offsite=True),
        },
    }


def as_date(s: str) -> dt.date:
    return dt.date.fromisoformat(s)

"""CMS adapters against real saved pages in ../shared/realworld (read in place, never copied).

Expectations come from what each page shows: item counts, first/last titles and dates,
declared totals, page counts and next/last links.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from parsel import Selector

from crawler.cms import detect
from crawler.cms.trs import trs_pager
from crawler.extract.html import Scope
from crawler.extract.items import dated_items

ZC = "http://www.zhecheng.gov.cn/xxgk/"


def _load(realworld: Path, rel: str) -> tuple[str, Selector]:
    html = (realworld / rel).read_text(encoding="utf-8")
    return html, Selector(text=html)


@pytest.mark.parametrize(
    ("rel", "cms"),
    [
        ("nju-2021/univ-cms-list-wp_paging-nju-itsc.html", "webplus"),
        ("nju-2021/univ-cms-article-arti_metas-nju-itsc.html", "webplus"),
        ("handan-2020/gov-list-jinqixxgk-handan-2020.html", "trs"),
        ("handan-2020/gov-xxgk-home-handan-2020.html", "trs"),
        ("handan-2020/gov-article-meta-handan-2020.html", "trs"),
        ("zhecheng-2018/gov-xxgk-home-zhecheng-2018.html", "empire"),
        ("zhecheng-2018/gov-list-zfwj-p1-zhecheng-2018.html", "empire"),
        ("zhecheng-2018/gov-list-gsgg-p23-last-zhecheng-2018.html", "empire"),
        ("zhecheng-2018/gov-annual-report-list-p1-zhecheng-2018.html", "empire"),
        ("zhecheng-2018/gov-xxgkml-catalog-zhecheng-2018.html", "empire"),
        ("zhecheng-2018/gov-zdly-key-areas-zhecheng-2018.html", "empire"),
    ],
)
def test_fingerprint_picks_adapter(realworld: Path, rel: str, cms: str) -> None:
    html, _ = _load(realworld, rel)
    assert detect(html).name == cms


def test_webplus_nju_list(realworld: Path) -> None:
    html, sel = _load(realworld, "nju-2021/univ-cms-list-wp_paging-nju-itsc.html")
    url = "https://itsc.nju.edu.cn/wlyxqk/list.htm"
    page = detect(html).list_page(sel, url)
    assert len(page.items) == 14  # the paged block only, not the sidebar's wp_news_w91
    assert (page.items[0].title, page.items[0].date) == ("人事系统：博士后新进 上线", dt.date(2021, 7, 5))
    assert page.items[0].url == "https://itsc.nju.edu.cn/28/e4/c21558a534756/page.htm"
    assert (page.items[-1].title, page.items[-1].date) == (
        "科研管理系统：经费开借票 上线",
        dt.date(2021, 4, 15),
    )
    p = page.pager
    assert (p.per_page, p.declared_count, p.total_pages, p.current_page) == (14, 126, 9, 1)
    assert p.next_url == "https://itsc.nju.edu.cn/wlyxqk/list2.htm"
    assert p.last_url == "https://itsc.nju.edu.cn/wlyxqk/list9.htm"
    assert {f"https://itsc.nju.edu.cn/wlyxqk/list{n}.htm" for n in range(2, 10)} <= set(p.page_urls)


ZC_LISTS = [
    # file, column URL, items on page, first (title, date), last (title, date), total, pages, current, next
    (
        "gov-list-zfwj-p1-zhecheng-2018.html",
        "xxgkml/zfwj/index.html",
        25,
        (
            "柘城县人民政府办公室关于印发柘城县打击恶意逃废银行债务优化金融生态环境集中行动实施方案的通知",
            "2018-07-06",
        ),
        ("柘城县人民政府办公室关于进一步加强“地沟油”专项治理工作的实施意见", "2018-05-03"),
        322,
        13,
        1,
        "index_2.html",
    ),
    (
        "gov-list-zfwj-p2-zhecheng-2018.html",
        "xxgkml/zfwj/index_2.html",
        25,
        ("柘城县人民政府办公室关于转发河南省政务信息资源共享管理暂行办法的通知", "2018-05-03"),
        ("柘城县人民政府关于印发柘城县2018年度统筹整合财政涉农资金脱贫攻坚实施方案的通知", "2018-02-27"),
        322,
        13,
        2,
        "index_3.html",
    ),
    (
        "gov-list-zfwj-p13-last-zhecheng-2018.html",
        "xxgkml/zfwj/index_13.html",
        22,
        ("柘城县人民政府办公室关于印发2014年度柘城县碧水工程工作计划的通知", "2014-10-30"),
        ("柘城县人民政府办公室关于印发柘城县县城绿线管理办法的通知", "2010-08-19"),
        322,
        13,
        13,
        None,
    ),
    (
        "gov-list-gsgg-p1-zhecheng-2018.html",
        "xxgkml/gsgg/index.html",
        15,
        ("县政府网站后台操作流程（附下载）", "2018-06-12"),
        ("2018年第二批扶贫到户小额贷款贴息资金及名单的公示", "2018-06-11"),
        333,
        23,
        1,
        "index_2.html",
    ),
    (
        "gov-list-gsgg-p23-last-zhecheng-2018.html",
        "xxgkml/gsgg/index_23.html",
        3,
        ("2014年柘城县慈圣镇贫困户名单公告", "2014-07-18"),
        ("柘城县城市绿线管理办法", "2010-08-19"),
        333,
        23,
        23,
        None,
    ),
    (
        "gov-list-zcjd-p1-zhecheng-2018.html",
        "xxgkml/zcjd/index.html",
        15,
        ("河南省出台方案回应养老“三盼” 一碗汤的距离 家门口的养老", "2018-07-26"),
        ("河南省印发实施湖长制工作方案 今年所有湖泊有湖长", "2018-07-16"),
        555,
        37,
        1,
        "index_2.html",
    ),
    (
        "gov-annual-report-list-p1-zhecheng-2018.html",
        "xxgknb/index.html",
        15,
        ("柘城县工商质监局 2017年信息公开年度报告", "2018-04-02"),
        ("柘城县招商服务中心2017年政府信息公开工作年度报告", "2018-03-16"),
        99,
        7,
        1,
        "index_2.html",
    ),
    (
        "gov-annual-report-list-p7-last-zhecheng-2018.html",
        "xxgknb/index_7.html",
        9,
        ("柘城县胡襄镇2016年政府信息公开工作年度报告", "2017-03-08"),
        ("柘城县2013年政府信息公开工作年度报告", "2014-02-27"),
        99,
        7,
        7,
        None,
    ),
]


@pytest.mark.parametrize(("rel", "col", "n", "first", "last", "total", "pages", "cur", "nxt"), ZC_LISTS)
def test_empire_zhecheng_lists(realworld: Path, rel, col, n, first, last, total, pages, cur, nxt) -> None:
    html, sel = _load(realworld, f"zhecheng-2018/{rel}")
    url = ZC + col
    page = detect(html, url).list_page(sel, url)
    assert len(page.items) == n
    assert (page.items[0].title, page.items[0].date) == (first[0], dt.date.fromisoformat(first[1]))
    assert (page.items[-1].title, page.items[-1].date) == (last[0], dt.date.fromisoformat(last[1]))
    p = page.pager
    assert (p.declared_count, p.total_pages, p.current_page) == (total, pages, cur)
    if nxt is None:
        assert p.next_url is None and p.last_url is None  # the last page has no 下一页/尾页
    else:
        base = url.rsplit("/", 1)[0]
        assert p.next_url == f"{base}/{nxt}"
        assert p.last_url == f"{base}/index_{pages}.html"
        if cur == 1:  # the first page names every other page, 1-based
            assert {f"{base}/index_{k}.html" for k in range(2, pages + 1)} <= set(p.page_urls)


def test_empire_mixed_relative_and_absolute_hrefs(realworld: Path) -> None:
    html, sel = _load(realworld, "zhecheng-2018/gov-list-ldjh-zhecheng-2018.html")
    url = ZC + "xxgkml/ldjh/index.html"
    page = detect(html, url).list_page(sel, url)
    assert len(page.items) == 15 and page.pager.declared_count == 40
    assert all(i.url.startswith("http://www.zhecheng.gov.cn/xxgk/") for i in page.items)
    assert page.pager.next_url == ZC + "xxgkml/ldjh/index_2.html"


def test_empire_zhecheng_sidebar_tree(realworld: Path) -> None:
    html, sel = _load(realworld, "zhecheng-2018/gov-xxgk-home-zhecheng-2018.html")
    url = ZC + "index.html"
    tree = detect(html, url).nav_tree(sel, url)
    groups = {n.name: n for n in tree if n.url is None}
    assert list(groups) == ["政府信息公开目录", "重点领域信息公开", "信息公开年报", "招商引资"]
    assert [c.name for c in groups["政府信息公开目录"].children] == [
        "政府领导",
        "政策解读",
        "政府文件",
        "领导讲话",
        "重要会议",
        "统计数据",
        "发展规划",
        "应急管理",
        "工作机构",
        "公示公告",
    ]
    assert len(groups["重点领域信息公开"].children) == 19  # despite the <DIV> inside the <ul>
    assert [c.name for c in groups["信息公开年报"].children] == ["政府年报", "乡镇年报", "部门年报"]
    assert [c.name for c in groups["招商引资"].children] == ["招商动态", "招商环境", "招商项目", "企业展播"]
    # class="a2"href= (no space) still yields the href
    zfwj = groups["政府信息公开目录"].children[2]
    assert zfwj.url == ZC + "xxgkml/zfwj/index.html"
    gzjg = groups["政府信息公开目录"].children[8]
    assert gzjg.url == "http://www.zhecheng.gov.cn/gzjg/index.html"
    assert [n.name for n in tree if n.url] == ["信息公开制度", "信息公开指南", "依申请公开", "政府工作年报"]
    scope = Scope(url)
    assert all(n.url in scope for n in tree for n in n.walk() if n.url)


def test_empire_sub_columns_flag_offsite(realworld: Path) -> None:
    html, sel = _load(realworld, "zhecheng-2018/gov-list-zfwj-p1-zhecheng-2018.html")
    url = ZC + "xxgkml/zfwj/index.html"
    subs = detect(html, url).sub_columns(sel, url)
    scope = Scope(ZC + "index.html")
    assert [(n.name, n.url in scope) for n in subs] == [
        ("县政府文件", True),
        ("市政府文件", False),
        ("省政府文件", False),
        ("国务院文件", False),
    ]
    assert subs[3].url == "http://www.gov.cn/zhengce/xxgkzl.htm"


def test_trs_handan_pager(realworld: Path) -> None:
    html, sel = _load(realworld, "handan-2020/gov-list-jinqixxgk-handan-2020.html")
    url = "http://hdzfxxgk.hd.gov.cn/zfwj/jinqixxgk/index.html"
    page = detect(html, url).list_page(sel, url)
    p = page.pager
    assert (p.declared_count, p.total_pages, p.current_page) == (6348, 56, 1)
    base = "http://hdzfxxgk.hd.gov.cn/zfwj/jinqixxgk/"
    assert p.next_url == base + "index_1.html"  # 0-based: page 2 is index_1.html
    assert p.last_url == base + "index_55.html"
    assert p.page_urls == [f"{base}index_{k}.html" for k in range(1, 56)]
    # the table 名称/索引号/发布机构/发布日期 (trimmed to one row by the saver)
    assert len(page.items) == 1
    assert page.items[0].title == "邯郸市教育局关于印发《邯郸市学校安全工作目标管理考核办法》的通知"
    assert page.items[0].date == dt.date(2020, 8, 5)
    assert page.items[0].url == "http://hdzfxxgk.hd.gov.cn/gszbm/auto23716/202008/t20200805_1353179.html"


def test_trs_handan_home_dated_list(realworld: Path) -> None:
    _, sel = _load(realworld, "handan-2020/gov-xxgk-home-handan-2020.html")
    items = dated_items(sel, "http://hdzfxxgk.hd.gov.cn/")
    assert len(items) == 13  # 近期信息公开: ul.sx-c1-list > li > a > p + span
    assert items[0].title == "邯郸市教育局关于印发《全市教育系统安全专项整治三年行动实施方案》的通知"
    assert items[0].date == dt.date(2020, 8, 2)
    assert items[0].url.endswith("/202008/t20200802_1352104.html")
    assert items[-1].date == dt.date(2020, 7, 15)


def test_trs_pager_script_variants() -> None:
    script = "var currentPage = 0;//所在页从0开始\n var countPage = 2//共多少页\n"
    p = trs_pager(script, "http://x.gov.cn/col/index.html")
    assert p is not None and (p.total_pages, p.current_page, p.declared_count) == (2, 1, None)
    assert p.page_urls == ["http://x.gov.cn/col/index_1.html"] and p.next_url == p.page_urls[0]
    p = trs_pager('createPageHTML(3, 2, "index", "shtml");', "http://x.gov.cn/col/index_2.shtml")
    assert p is not None and p.next_url is None and p.current_page == 3
    assert p.page_urls == ["http://x.gov.cn/col/index_1.shtml", "http://x.gov.cn/col/index_2.shtml"]
    assert trs_pager("var x = 1;", "http://x.gov.cn/") is None


def test_generic_nav_handan_home_keeps_portal_columns(realworld: Path) -> None:
    """The portal's own blocks are columns; the parent site's menu (links mostly to hd.gov.cn) is not."""
    html, sel = _load(realworld, "handan-2020/gov-xxgk-home-handan-2020.html")
    url = "http://hdzfxxgk.hd.gov.cn/"
    tree = detect(html, url).nav_tree(sel, url)
    names = [n.name for n in tree]
    assert names[:4] == ["政府信息公开指南", "政府信息公开制度文件", "法定主动公开内容", "政府信息公开年报"]
    assert "依申请公开" in names and "政府文件" in names
    assert "走进邯郸" not in names and "邯郸新闻" not in names
    assert len(names) == 26
    scope = Scope(url)
    offsite = [n.name for n in tree if n.url not in scope]
    assert offsite == ["权责清单", "政府采购"]  # an IP address and ccgp-hebei.gov.cn


def test_empire_catalogue_landing_pages(realworld: Path) -> None:
    """目录 / 重点领域 landing pages: one h3 group of li.li2 > a.a2 column links."""
    for rel, group, n, first in [
        (
            "gov-xxgkml-catalog-zhecheng-2018.html",
            "政府信息公开目录",
            29,
            ("政府领导", "xxgkml/zfld2/index.html"),
        ),
        ("gov-zdly-key-areas-zhecheng-2018.html", "重点领域信息公开", 19, None),
    ]:
        html, sel = _load(realworld, f"zhecheng-2018/{rel}")
        url = ZC + ("xxgkml/index.html" if "catalog" in rel else "zdly/index.html")
        tree = detect(html, url).nav_tree(sel, url)
        assert [g.name for g in tree] == [group]
        assert tree[0].url is None and len(tree[0].children) == n
        if first:
            assert (tree[0].children[0].name, tree[0].children[0].url) == (first[0], ZC + first[1])

"""Discovery by evidence on real saved pages (../shared/realworld, read in place): candidate column
links, page classification, the main content block and body-only document facts."""

from __future__ import annotations

from pathlib import Path

from parsel import Selector

from crawler.cms import detect
from crawler.discovery.bodyfacts import body_meta
from crawler.discovery.candidates import candidate_links
from crawler.discovery.classify import ARTICLE, LANDING, LIST, classify, looks_like_article
from crawler.discovery.content import main_text
from crawler.extract.article import read_article
from crawler.extract.columns import flatten
from crawler.extract.html import Scope

HD = "http://hdzfxxgk.hd.gov.cn/"
ZC = "http://www.zhecheng.gov.cn/xxgk/"


def _sel(realworld: Path, rel: str) -> Selector:
    return Selector(text=(realworld / rel).read_text(encoding="utf-8"))


def test_handan_block_title_link_is_a_candidate_column(realworld: Path) -> None:
    """近期信息公开 is only a block title over a dated list (no nav container names it)."""
    sel = _sel(realworld, "handan-2020/gov-xxgk-home-handan-2020.html")
    scope = Scope(HD)
    nodes = {n.url: n.name for n in flatten(candidate_links(sel, HD, scope.__contains__))}
    assert nodes.get(HD + "zfwj/jinqixxgk/") == "近期信息公开"
    # its dated rows are items, not candidates; the parent site's menu is off-scope
    assert HD + "gszbm/auto23716/202008/t20200802_1352104.html" not in nodes
    assert all(u in scope for u in nodes)


def test_handan_block_title_target_is_a_list(realworld: Path) -> None:
    sel = _sel(realworld, "handan-2020/gov-list-jinqixxgk-handan-2020.html")
    url = HD + "zfwj/jinqixxgk/"
    page = detect(sel.get(), url).list_page(sel, url)
    assert classify(page, sub_links=0, content_chars=0) == LIST


def test_zhecheng_catalogue_is_a_landing_page(realworld: Path) -> None:
    """The 目录 page lists 29 column links and no dated rows: a landing page, whatever its markup."""
    sel = _sel(realworld, "zhecheng-2018/gov-xxgkml-catalog-zhecheng-2018.html")
    url = ZC + "xxgkml/index.html"
    adapter = detect(sel.get(), url)
    page = adapter.list_page(sel, url)
    scope = Scope(url)
    links = flatten(candidate_links(sel, url, scope.__contains__, is_article=adapter.is_article))
    urls = {n.url for n in links}
    assert ZC + "xxgkml/zfld2/index.html" in urls
    assert not page.items
    assert classify(page, sub_links=len(links), content_chars=len(main_text(sel))) == LANDING


def test_zhecheng_article_is_an_article(realworld: Path) -> None:
    sel = _sel(realworld, "zhecheng-2018/gov-article-zfwj-6357-zhecheng-2018.html")
    url = ZC + "xxgkml/zfwj/6357.html"
    page = detect(sel.get(), url).list_page(sel, url)
    chars = len(main_text(sel).replace(" ", ""))
    assert looks_like_article(sel, chars)
    assert classify(page, sub_links=0, content_chars=chars, article_like=True) == ARTICLE


def test_zhecheng_6357_body_is_the_main_block_with_doc_number_and_written_date(realworld: Path) -> None:
    """文号 and 成文日期 appear only in the body text of this article."""
    rel = "zhecheng-2018/gov-article-zfwj-6357-zhecheng-2018.html"
    html = (realworld / rel).read_text(encoding="utf-8")
    sel = Selector(text=html)
    body = main_text(sel)
    assert body.startswith("柘政办〔 2018 〕 42 号") and "责任编辑" in body[-20:]
    assert "版权所有" not in body
    assert body_meta(body) == {"文号": "柘政办〔2018〕42号", "成文日期": "2018年6月12日"}
    info = read_article(sel, ZC + "xxgkml/zfwj/6357.html", html)
    assert info.meta["文号"] == "柘政办〔2018〕42号"  # a 文号 cited later (豫政〔2015〕68号) is another document's
    assert info.meta["成文日期"] == "2018年6月12日"
    assert info.meta["发布日期"].startswith("2018-06-26")  # the block's own fields are kept


def test_main_block_skips_a_banner_sharing_the_body_class() -> None:
    """A template banner with the body's class comes first; the density choice reads the body."""
    body = "本栏目公开本机关的机构职能、内设机构、领导分工和联系方式等信息，" * 4
    sel = Selector(text=f"""<html><body>
      <div class="TRS_Editor"><a href="/">欢迎访问</a> 示范区</div>
      <div class="nav"><a href="/a">栏目一</a><a href="/b">栏目二</a><a href="/c">栏目三</a></div>
      <div class="main"><div class="TRS_Editor"><p>{body}</p></div></div>
      <div class="foot">版权所有：示范区管委会 ICP备12345号 地址：示范区某路1号 电话：0000-0000000</div>
    </body></html>""")
    assert main_text(sel) == body.strip()


def test_site_channels_found_by_link_text_in_a_header_table() -> None:
    """A top menu drawn as a table with a misspelt id, and a footer link: found by text, not container."""
    from crawler.discovery.channels import site_channels

    sel = Selector(text="""<html><body>
      <table id="tabel_meun"><tr><td><a href="/">网站首页</a></td><td><a href="/zwfw/">政务服务</a></td>
        <td><a href="/hd/list.htm">互动交流</a></td></tr></table>
      <div class="qq"><a href="/xxgk/">信息公开</a></div>
      <div class="ft"><a href="/x.htm">关于我们</a></div></body></html>""")
    got = {c["channel"]: (c["text"], c["url"]) for c in site_channels(sel, "http://x.gov.cn/")}
    assert got["政务服务"] == ("政务服务", "http://x.gov.cn/zwfw/")
    assert got["政民互动"] == ("互动交流", "http://x.gov.cn/hd/list.htm")
    assert got["信息公开"] == ("信息公开", "http://x.gov.cn/xxgk/")

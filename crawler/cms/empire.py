"""帝国CMS-like county sites (柘城): `li > a + span.time`, `<a title="Total record">`, `index_N.html` (1-based).

The 信息公开 home has a sidebar of groups `li.li1 > a.a1` (no href) with children
`li.li2 > a.a2`; column pages list their own sub-columns in `ul.sideMenu li.level_1 > a`.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

from parsel import Selector

from crawler.cms.fingerprint import Fingerprint
from crawler.extract.columns import column_name, generic_tree, tree_from
from crawler.extract.dates import parse_date
from crawler.extract.html import absolute, clean, node_text
from crawler.extract.items import link_title
from crawler.extract.pager import generic_pager
from crawler.extract.types import ListItem, ListPage, NavNode, Pager

from .generic import GenericAdapter, _year_hint

_FP = (
    (r"title=[\"']Total record", 4),
    (r"/e/public/ViewClick", 3),
    (r"/e/search/", 2),
    (r"/d/file/", 1),
    (r"ldzc_sidemenu", 2),
    (r"class=[\"']time[\"']", 1),
    (r"/index_\d+\.html", 1),
    (r"id=[\"']menuId_\d+", 2),  # the CMS's menu ids on sidebar / catalogue links
    (r"class=[\"']a2[\"']\s*href=", 1),
)
_SCORE = Fingerprint(_FP)


class EmpireAdapter(GenericAdapter):
    name = "empire"

    def fingerprint(self, html: str, url: str) -> int:
        return _SCORE(html)

    def nav_tree(self, sel: Selector, url: str) -> list[NavNode]:
        menu = sel.css("ul.ldzc_sidemenu")
        if menu:
            return tree_from(menu[0], url)
        groups = sel.xpath("//li[contains(concat(' ',normalize-space(@class),' '),' li1 ')]")
        if groups:
            return _sidebar(sel, groups, url)
        # catalogue landing pages: <div><h3>group</h3><ul><li.li2><a.a2>…</ul></div>
        groups = []
        for block in sel.xpath("//div[h3 and .//li[contains(@class,'li2')]/a[@href]]"):
            group = NavNode(name=column_name(node_text(block.xpath("./h3")[0])), url=None)
            for a in block.xpath(".//li[contains(@class,'li2')]/a[@href]"):
                link, name = absolute(url, a.attrib.get("href")), column_name(node_text(a))
                if link and name:
                    group.children.append(NavNode(name=name, url=link))
            groups.append(group)
        return groups or generic_tree(sel, url)

    def sub_columns(self, sel: Selector, url: str) -> list[NavNode]:
        out = []
        for a in sel.css("ul.sideMenu li.level_1 > a[href], ul.sideMenu li.level_1 a[href]"):
            link = absolute(url, a.attrib.get("href"))
            name = node_text(a)
            if link and name and all(n.url != link for n in out):
                out.append(NavNode(name=name, url=link))
        return out

    def list_items(self, sel: Selector, url: str) -> list:
        rows = sel.xpath("//li[a[@href] and span[contains(concat(' ',@class,' '),' time ')]]")
        if not rows:
            return super().list_items(sel, url)
        year = _year_hint(sel)
        items = []
        for row in rows:
            a = row.xpath("./a[@href]")[0]
            href = absolute(url, a.attrib.get("href"))
            date = parse_date(
                clean(row.xpath("./span[contains(@class,'time')]").xpath("string()").get()), year=year
            )
            if href:
                items.append(ListItem(title=link_title(a), url=href, date=date))
        return items

    def list_page(self, sel: Selector, url: str) -> ListPage:
        items = self.list_items(sel, url)
        total = sel.xpath("//a[@title='Total record']")
        if not total:
            page = super().list_page(sel, url)
            # an empty list block (`div.news_list > ul` with no rows) is still a list: a blank column
            empty_list = bool(sel.xpath("//*[contains(@class,'news_list') or contains(@class,'list')]/ul[not(li)]"))
            return ListPage(found=bool(items) or page.found or empty_list, items=items or page.items,
                            pager=page.pager)
        return ListPage(found=True, items=items, pager=empire_pager(total[0].xpath(".."), url))


def _sidebar(sel: Selector, groups: list[Selector], url: str) -> list[NavNode]:
    """`li.li1 > a.a1` groups with `li.li2 > a.a2` children. A script-filled `ul.sideMenu` (seen
    only after rendering) belongs to the one group whose own sub-menu is empty."""
    tree: list[NavNode] = []
    empty: list[NavNode] = []
    for g in groups:
        a = g.xpath(".//a[contains(@class,'a1')]") or g.xpath(".//a")
        name = column_name(node_text(a[0])) if a else column_name(node_text(g))
        node = NavNode(name=name, url=absolute(url, a[0].attrib.get("href")) if a else None)
        for child in g.xpath(".//li[contains(@class,'li2')]/a[@href]"):
            link, cname = absolute(url, child.attrib.get("href")), column_name(node_text(child))
            if link and cname:
                node.children.append(NavNode(name=cname, url=link))
        if not node.children and node.url is None:
            empty.append(node)
        tree.append(node)
    side = [
        NavNode(name=column_name(node_text(a)), url=absolute(url, a.attrib.get("href")))
        for a in sel.xpath("//ul[contains(@class,'sideMenu')]//a[@href]")
    ]
    side = [n for n in side if n.url and n.name]
    if side:
        if len(empty) == 1:
            empty[0].children.extend(side)
        else:
            tree.extend(side)
    return tree


def empire_pager(box: Selector, url: str) -> Pager:
    """Total record, current `<b>`, 下一页/尾页 links; pages index_2.html … index_N.html."""
    pager = generic_pager(box, url)
    count = box.xpath(".//a[@title='Total record']//b/text()").get()
    pager.declared_count = int(clean(count)) if count and clean(count).isdigit() else None
    current = [clean(t) for t in box.xpath("./b/text()").getall() if clean(t).isdigit()]
    pager.current_page = int(current[0]) if current else None
    numbers = [
        int(m.group(1))
        for u in [*pager.page_urls, pager.last_url or ""]
        if (m := re.search(r"index_(\d+)\.html$", u))
    ]
    last = max([*numbers, pager.current_page or 1])
    pager.total_pages = last
    if pager.current_page == 1 and last > 1:
        pager.page_urls += [urljoin(url, f"index_{n}.html") for n in range(2, last + 1)]
    pager.page_urls = [u for u in pager.page_urls if u != url]
    return pager


__all__ = ["EmpireAdapter", "Pager", "ListPage", "empire_pager", "link_title"]

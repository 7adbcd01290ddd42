"""Column (栏目) trees from nav blocks: nested ul/li menus, dropdowns, group headers without links.

The tree follows `li` nesting (not element nesting), so invalid markup such as a `<DIV>`
between `<ul>` and `<li>` (柘城) does not break it.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from parsel import Selector

from .dates import parse_date
from .html import absolute, clean, node_text, page_key
from .types import NavNode

NAV_HINT = re.compile(r"nav|menu|side|left|lm|column|catalog|tree|gkml|xxgkml|sub", re.I)
BAD_HINT = re.compile(r"footer|foot|copyright|banner|friend|bottom|crumb|position|location|curmb|pag", re.I)
STOP_NAMES = {
    "首页",
    "网站首页",
    "返回首页",
    "更多",
    "more",
    ">>",
    "更多>>",
    "当前位置",
    "主页",
    "学校主页",
    "学校首页",
    "返回主页",
    "信息公开首页",
    "信息公开网首页",
    "登录",
    "English",
}


def _hints(el: Selector) -> str:
    return " ".join([el.attrib.get("class", ""), el.attrib.get("id", "")])


_NUMBERING = re.compile(
    r"^\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*[、.．]\s*|^\s*[（(]\s*\d{1,2}\s*[)）]\s*"
)


def column_name(text: str) -> str:
    """A nav label as a column name: whitespace collapsed, catalogue numbering ("1、", "（3）") dropped."""
    name = clean(text)
    stripped = _NUMBERING.sub("", name)
    return stripped or name


# A li's own text and element children: comments and processing instructions are neither (templates
# often mark their menus with <!-- 一级栏目 -->, and an XPath asked of a comment raises).
OWN_NODES = "./node()[not(self::comment() or self::processing-instruction())]"


def _label(li: Selector, level: int) -> tuple[str, str | None]:
    """(name, href) of a li's own label: its first link at this li level, else its own text."""
    a = li.xpath(f".//a[count(ancestor::li)={level}]")
    if a:
        first = a[0]
        return node_text(first), first.attrib.get("href")
    parts = []
    for child in li.xpath(OWN_NODES):
        if isinstance(child.root, str):
            parts.append(child.root)
        elif child.root.tag in ("ul", "ol") or child.xpath(".//li"):
            continue
        else:
            parts.append(node_text(child))
    return clean(" ".join(parts)), None


def _dropdown(li: Selector, level: int, base: str) -> NavNode | None:
    """A li drawn as a dropdown: a label (plain text or one link) then a block of bare links without li
    rows (`<li><span>基本信息</span><div><a>学校章程</a><a>…</a></div></li>`). The label is the group
    (a header without a link when it is plain text) and the block's links are its columns. None when the
    li is not shaped so; its sub-columns in nested li rows are left to the li tree."""
    label: tuple[str, str | None] | None = None
    children: list[NavNode] = []
    for child in li.xpath(OWN_NODES):
        root = child.root
        if isinstance(root, str):
            if label is None and clean(root):
                label = (clean(root), None)
            continue
        if root.tag in ("script", "style") or child.xpath(".//li"):
            continue
        links = child.xpath("descendant-or-self::a[@href]")
        text = node_text(child)
        if label is None:
            if not text:
                continue
            if len(links) > 1:
                return None  # links before any label: a row of sibling links, not a dropdown
            label = (text, links[0].attrib.get("href")) if links else (text, None)
            continue
        if root.tag == "a" and label[1] is not None:
            return None  # <li><a>A</a><a>B</a></li>: two sibling links, not a group and its columns
        for a in links:
            url, name = absolute(base, a.attrib.get("href")), column_name(node_text(a))
            if url and name and name not in STOP_NAMES:
                children.append(NavNode(name=name, url=url))
    if label is None or not children:
        return None
    name = column_name(label[0])
    if not name or name in STOP_NAMES:
        return None
    href = label[1]
    return NavNode(name=name, url=absolute(base, href) if href is not None else None, children=children)


def tree_from(container: Selector, base: str) -> list[NavNode]:
    """The column tree inside one nav container (a ul/li menu, or a table with header rows)."""
    if not container.xpath(".//li") and container.xpath(".//tr"):
        return _table_tree(container, base)
    if not container.xpath(".//li") and container.xpath(".//dl[dt or dd]"):
        return _dl_tree(container, base)
    roots: list[NavNode] = []
    by_li: dict[object, NavNode] = {}
    base_level = len(container.xpath("ancestor-or-self::li"))
    for li in container.xpath(".//li"):
        level = len(li.xpath("ancestor-or-self::li"))
        node = _dropdown(li, level, base)
        if node is None:
            name, href = _label(li, level)
            name = column_name(name)
            if not name or name in STOP_NAMES:
                continue
            url = absolute(base, href) if href is not None else None  # javascript:/'#' → a group header
            node = NavNode(name=name, url=url)
        by_li[li.root] = node
        parent_li = li.root.getparent()
        while parent_li is not None and parent_li.tag != "li":
            parent_li = parent_li.getparent()
        if level > base_level + 1 and parent_li in by_li:
            by_li[parent_li].children.append(node)
        else:
            roots.append(node)
    for a in container.xpath(".//a[@href][not(ancestor::li)]"):
        url = absolute(base, a.attrib.get("href"))
        name = column_name(node_text(a))
        if url and name and name not in STOP_NAMES:
            roots.append(NavNode(name=name, url=url))
    return roots


_HEADER_CELL = re.compile(r"lm1|lm_1|title|tit\b|head|group|level_?1|first", re.I)


def _is_header_row(tr: Selector) -> bool:
    """A group row: no link, or a single spanning / header-classed cell (TRS `td.gl_lm1 colspan=2`)."""
    cells = tr.xpath("./td | ./th")
    if not tr.xpath(".//a[@href]"):
        return True
    if len(cells) != 1:
        return False
    cls = " ".join(cells[0].xpath("./@class | .//a/@class").getall())
    return int(cells[0].attrib.get("colspan", "1") or 1) > 1 or bool(_HEADER_CELL.search(cls))


def _table_tree(container: Selector, base: str) -> list[NavNode]:
    """Table nav (TRS `table.gl_left`): a header row starts a group (linked or not), link rows below are its children."""
    roots: list[NavNode] = []
    group: NavNode | None = None
    for tr in container.xpath(".//tr[not(.//tr)]"):
        links = tr.xpath(".//a[@href]")
        if _is_header_row(tr):
            name = column_name(node_text(tr))
            href = links[0].attrib.get("href") if links else None
            if name and len(name) <= 30 and name not in STOP_NAMES:
                group = NavNode(name=name, url=absolute(base, href) if href else None)
                roots.append(group)
            continue
        for a in links:
            url, name = absolute(base, a.attrib.get("href")), column_name(node_text(a))
            if url and name and name not in STOP_NAMES:
                (group.children if group else roots).append(NavNode(name=name, url=url))
    return roots


def _dl_tree(container: Selector, base: str) -> list[NavNode]:
    """Definition-list nav: a `dt` starts a group (linked or not), the `dd`s after it are its children."""
    roots: list[NavNode] = []
    group: NavNode | None = None
    for el in container.xpath(".//dl/*[self::dt or self::dd]"):
        a = el.xpath(".//a[@href]")
        name = column_name(node_text(a[0]) if a else node_text(el))
        url = absolute(base, a[0].attrib.get("href")) if a else None
        if not name or name in STOP_NAMES:
            continue
        node = NavNode(name=name, url=url)
        if el.root.tag == "dt":
            group = node
            roots.append(node)
        else:
            (group.children if group else roots).append(node)
    return roots


def _is_dated_list(container: Selector) -> bool:
    rows = container.xpath(".//li | .//tr")
    if not rows:
        return False
    dated = sum(1 for r in rows if parse_date(node_text(r)))
    return dated * 2 >= len(rows)


def nav_containers(sel: Selector) -> list[Selector]:
    """Outermost elements whose class/id marks them as nav/menu/sidebar, outside header/footer."""
    out: list[Selector] = []
    seen: list[object] = []
    for el in sel.xpath("//body//*[@class or @id]"):
        if el.root.tag in ("a", "script", "style", "span", "img", "input", "form"):
            continue
        if not NAV_HINT.search(_hints(el)) or BAD_HINT.search(_hints(el)):
            continue
        if any(BAD_HINT.search(_hints(anc)) for anc in el.xpath("ancestor::*[@class or @id]")):
            continue
        if any(anc in seen for anc in el.root.iterancestors()):
            continue
        if not el.xpath(".//a[@href]") or _is_dated_list(el):
            continue
        seen.append(el.root)
        out.append(el)
    for menu in _grouped_menus(sel):
        if not any(anc in seen for anc in menu.root.iterancestors()):
            seen.append(menu.root)
            out.append(menu)
    return out


def _grouped_menus(sel: Selector) -> list[Selector]:
    """Menus recognised by their shape whatever they are called: an outermost ul/ol of at least three
    linked rows, one of which is a group — a label without a link over its own links (a dropdown, or
    a nested list). Only such a menu can name link-less group headers, so its class is not needed."""
    out: list[Selector] = []
    for ul in sel.xpath("//body//ul[not(ancestor::ul or ancestor::ol)] | //body//ol[not(ancestor::ul or ancestor::ol)]"):
        rows = ul.xpath("./li[.//a[@href]]")
        if len(rows) < 3 or _is_dated_list(ul):
            continue
        if any(BAD_HINT.search(_hints(anc)) for anc in ul.xpath("ancestor-or-self::*[@class or @id]")):
            continue
        if any(_is_group_row(li) for li in rows):
            out.append(ul)
    return out


def _plain_link_row(li: Selector) -> bool:
    """A row labelled by its leading link: `<li><a href=…>…</a></li>`, maybe with nested lists after the
    link (`<li><a href=…>…</a><ul><li>…</li></ul></li>`), no text before it. Such a row is never a group
    (the dropdown reading skips blocks holding rows, so it finds no links, and the link labels the row),
    so `_is_group_row` can answer it without its XPath walks; menus are mostly made of these rows."""
    el = li.root
    if not len(el) or el[0].tag != "a" or el[0].get("href") is None or clean(el.text):
        return False
    return all(isinstance(c.tag, str) and (c.tag in ("script", "style") or next(c.iterdescendants("li"), None)
                                           is not None) for c in el[1:])


def _is_group_row(li: Selector) -> bool:
    if _plain_link_row(li):
        return False
    level = len(li.xpath("ancestor-or-self::li"))
    node = _dropdown(li, level, "http://x.invalid/")
    if node is not None:
        return node.url is None
    name, href = _label(li, level)
    return href is None and bool(column_name(name)) and bool(li.xpath(".//li//a[@href]"))


HEAD_HINT = re.compile(r"header|head\b|top", re.I)


def generic_tree(sel: Selector, base: str, *, skip_urls: set[str] | None = None) -> list[NavNode]:
    """Column tree from every nav block of a page, document order, URLs de-duplicated.

    A header/top bar often mixes the portal's own columns (指南, 制度, 年报) with the parent
    site's channels, so from those blocks only links on the page's own host are kept.
    """
    skip = set(skip_urls or ())
    host = urlsplit(base).netloc.lower()
    trees: list[tuple[list[NavNode], float]] = []
    for container in nav_containers(sel):
        tree = tree_from(container, base)
        hints = " ".join(_hints(a) for a in container.xpath("ancestor-or-self::*[@class or @id]"))
        if HEAD_HINT.search(hints):
            tree = [n for n in tree if n.url is None or urlsplit(n.url).netloc.lower() == host]
        links = [n.url for n in flatten(tree) if n.url]
        share = sum(urlsplit(u).netloc.lower() == host for u in links) / len(links) if links else 0.0
        trees.append((tree, share))
    # A block whose links mostly leave this host is the parent site's menu, not this portal's
    # columns — unless every block is like that (a portal spread over several hosts).
    keep_all = all(share < 0.5 for _, share in trees)
    roots = [n for tree, share in trees if keep_all or share >= 0.5 for n in tree]
    return prune(roots, skip)


_HIDDEN = re.compile(r"display\s*:\s*none", re.I)
_MORE = re.compile(r"^(更多|more)|>>|》》|\+$", re.I)


def tab_columns(sel: Selector, base: str) -> list[NavNode]:
    """Columns named by tab headers over tab panes, where the inactive panes are `display:none`.

    信息公开 homes (邯郸-style TRS) put columns such as 部门动态 only in a tab strip: the header links
    are visible, their panes hidden until clicked. A block counts as a tab strip only when it sits
    beside as many dated-list panes as it has links and at least one pane is hidden, so ordinary
    link rows are never taken for columns.
    """
    out: list[NavNode] = []
    for parent in sel.xpath("//body//*[*[@style]]"):
        children = parent.xpath("./*")
        panes = [c for c in children if _is_dated_list(c)]
        if len(panes) < 2 or not any(_HIDDEN.search(p.attrib.get("style", "")) for p in panes):
            continue
        for strip in children:
            if strip in panes or strip.root.tag in ("script", "style"):
                continue
            links = [a for a in strip.xpath(".//a[@href]")
                     if clean(node_text(a)) and not _MORE.search(clean(node_text(a)))]
            if len(links) != len(panes):
                continue
            for a in links:
                url = absolute(base, a.attrib.get("href", ""))
                if url:
                    out.append(NavNode(name=column_name(node_text(a)), url=url))
            break
    return out


def prune(roots: list[NavNode], skip: set[str]) -> list[NavNode]:
    """Drop repeated URLs and `skip` URLs, and header nodes left with no children."""
    seen = {page_key(u) for u in skip}

    def keep(node: NavNode) -> NavNode | None:
        if node.url is not None:
            if page_key(node.url) in seen:
                return None
            seen.add(page_key(node.url))
        node.children = [c for c in (keep(ch) for ch in node.children) if c is not None]
        if node.url is None and not node.children:
            return None
        return node

    return [n for n in (keep(r) for r in roots) if n is not None]


def flatten(roots: list[NavNode]) -> list[NavNode]:
    out: list[NavNode] = []
    for r in roots:
        out.extend(r.walk())
    return out


def content_text(sel: Selector) -> str:
    """Body text of a single-page column: the main content block chosen by text density (template
    blocks that share the body's class, menus and footers never decide)."""
    from crawler.discovery.content import main_text

    return main_text(sel)


__all__ = ["content_text", "flatten", "generic_tree", "nav_containers", "prune", "tree_from", "clean"]

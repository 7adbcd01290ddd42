"""The main content block of a page, chosen by text density among every candidate block.

Template chrome (a banner, a menu, a footer) may carry the same class as the article body and come
first in the page; the body is the block with the most text that is not link text, relative to its
markup, so the first selector match never decides.
"""

from __future__ import annotations

import re

from lxml import etree
from parsel import Selector

from xxgk.pagemeta import element_text

BLOCKS = ("div", "td", "article", "section", "main", "dd", "li")
# Words of a page's footer / masthead: a block holding them is template chrome, never the content.
CHROME = re.compile(r"版权所有|Copyright|ICP备|ICP证|公网安备|技术支持|网站标识码|主办单位|承办单位|建议使用|分辨率", re.I)
_WS = re.compile(r"\s+")


def _len(text: str | None) -> int:
    return len(_WS.sub("", text)) if text else 0


def _measure(root: etree._Element) -> tuple[dict[etree._Element, tuple[int, int, int]], set[etree._Element]]:
    """(characters, link characters, tags) of every element, and the elements holding chrome words,
    in one bottom-up pass."""
    out: dict[etree._Element, tuple[int, int, int]] = {}
    chrome: set[etree._Element] = set()
    for el in reversed(list(root.iter())):
        if not isinstance(el.tag, str) or el.tag in ("script", "style", "noscript", "select", "option", "textarea"):
            out[el] = (0, 0, 1)  # a comment's or script's tail is still text of its parent
            continue
        chars, links, tags = _len(el.text), 0, 1
        marked = bool(el.text and CHROME.search(el.text))
        for kid in el:
            c, lk, t = out.get(kid, (0, 0, 1))
            chars += c + _len(kid.tail)
            links += lk
            tags += t
            marked = marked or kid in chrome or bool(kid.tail and CHROME.search(kid.tail))
        if el.tag == "a":
            links = chars
        out[el] = (chars, links, tags)
        if marked:
            chrome.add(el)
    return out, chrome


def _score(m: tuple[int, int, int]) -> float:
    """Non-link characters, discounted by link density and by the tags it takes to hold them."""
    total, links, tags = m
    plain = total - links
    if total == 0 or plain <= 0:
        return 0.0
    density = plain / tags
    return plain * (1.0 - links / total) * min(1.0, density / 10.0 + 0.3)


def main_block(sel: Selector) -> Selector | None:
    """The block holding the page's main text: highest score; a child that holds nearly all of its
    parent's text wins over the parent (so the body, not its wrapper, is chosen)."""
    root = sel.root
    if not isinstance(getattr(root, "tag", None), str):
        return None
    sizes, chrome = _measure(root)
    best, best_score = None, 0.0
    for el in root.iter(*BLOCKS):
        if el in chrome:
            continue
        s = _score(sizes[el])
        if s > best_score:
            best, best_score = el, s
    if best is None:
        return None
    while True:
        kids = [k for k in best.iter(*BLOCKS) if k is not best and k not in chrome]
        top = max(kids, key=lambda k: _score(sizes[k]), default=None)
        if top is not None and _score(sizes[top]) >= 0.8 * best_score:
            best, best_score = top, _score(sizes[top])
        else:
            break
    return Selector(root=best, type="html")


def densest(sel: Selector, elements: list[etree._Element]) -> etree._Element | None:
    """The element among `elements` with the best text-density score, template chrome last."""
    if not elements:
        return None
    # an element's measure depends on its own subtree only: measuring the outermost of `elements`
    # gives every one of them the figures a whole-page pass would, without walking the rest
    sizes: dict[etree._Element, tuple[int, int, int]] = {}
    chrome: set[etree._Element] = set()
    given = set(elements)
    for el in elements:
        if el not in sizes and not any(up in given for up in el.iterancestors()):
            part, marked = _measure(el)
            sizes.update(part)
            chrome |= marked
    return max(elements, key=lambda el: (el not in chrome, _score(sizes.get(el, (0, 0, 1)))))


def main_text(sel: Selector) -> str:
    """The main block's visible text ('' when the page has none)."""
    block = main_block(sel)
    if block is None:
        return ""
    return element_text(block.root)


__all__ = ["densest", "main_block", "main_text"]

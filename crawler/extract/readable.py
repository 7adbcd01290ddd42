"""Whether a 200 page could be read at all, before anything in it is called blank.

An empty body, or markup nested deeper than the HTML parser follows (libxml2 stops at about 2,048
levels and drops the rest), says nothing about the column's content; calling such a column blank
(空白栏目) would be a false fail. These pages are recorded as unreadable instead.
"""

from __future__ import annotations

from collections import deque

from parsel import Selector

TOO_DEEP = 1000  # parsed depth beyond which the parser has most likely cut the page
EMPTY = "empty response body"
NESTING = "markup nested too deep to parse"


def unreadable_reason(body: bytes, sel: Selector | None) -> str | None:
    """Why a page that answered cannot be read (empty body, cut-off parse), or None."""
    if not body.strip():
        return f"{EMPTY} ({len(body)} bytes)"
    if sel is None or isinstance(sel.root, str):
        return None
    depth = parsed_depth(sel)
    if depth >= TOO_DEEP:
        return f"{NESTING} (over {depth} levels)"
    return None


def parsed_depth(sel: Selector) -> int:
    """Depth of the last element in document order: where a cut-off parse stopped, the deepest one."""
    last = deque(sel.root.iter(), maxlen=1)
    if not last:
        return 0
    depth, node = 0, last[0]
    while node is not None:
        depth += 1
        node = node.getparent()
    return depth

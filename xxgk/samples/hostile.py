"""The hostile university portal: names and titles full of markup, quotes, entities, ``javascript:``
hrefs, 2,000+ character strings, RTL override and zero-width characters and a spreadsheet formula.

Every string is stored as-is in the ground truth; renderers escape it, so the pages stay well-formed.
"""

from __future__ import annotations

from .world import Portal, build_portal

RLO, ZWSP = "\u202e", "\u200b"
NASTY = [
    "<script>alert(1)</script>",
    "\"双引号\" '单引号'",
    "&amp;lt;实体&amp;gt;",
    f"反向{RLO}txt.exe",
    f"零{ZWSP}宽{ZWSP}字符",
    '=HYPERLINK("http://evil.example/","点我")',
]
JS_HREF = "javascript:alert(document.cookie)"


def build_hostile(seed: int, index: int) -> Portal:
    """A VSB university portal (slug ``h01``) whose column names and item titles are hostile."""
    p = build_portal(index, seed, "good")
    p.slug, p.cms, p.template = "h01", "vsb", "vsb-b"
    p.name = f"{p.name}<script>alert(1)</script>"
    p.features = {"hostile": True, "js_hrefs": 1}
    k = 0
    for group in p.categories:
        for col in group.children:
            col.name = f"{col.name}{NASTY[k % len(NASTY)]}"
            for art in col.articles[:2]:
                art.title = f"{NASTY[(k + 1) % len(NASTY)]}{art.title}"
            k += 1
    first = next(c for g in p.categories for c in g.children if c.articles)
    first.articles[0].title = "超长标题" + "很长的标题文字" * 300
    first.articles[-1].title = '=HYPERLINK("http://evil.example/","点我")'
    first.articles[0].links.append(("点击查看", JS_HREF))
    return p

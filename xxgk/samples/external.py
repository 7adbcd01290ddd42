"""The external host (a 人才网 on its own port): off-site columns of government portals live here.

Pages link with the placeholder ``EXT_HOST``; the sample server replaces it with the host's real URL.
Paths under ``/gone/`` do not exist (the dead off-site links).
"""

from __future__ import annotations

from .htmlkit import esc
from .world import Portal

SLUG = "x-jy"


def render_external(portals: list[Portal], host: str) -> dict[str, str]:
    """Files of the external host for every off-site (non-dead) column of ``portals``; assigns item URLs."""
    files: dict[str, str] = {}
    for p in portals:
        for col in p.list_columns():
            if not col.offsite or col.offsite_dead:
                continue
            base = col.offsite[len(host):].rsplit("/", 1)[0]
            col.page_urls = [col.offsite]
            for art in col.articles:
                art.url = f"{host}{base}/{art.id}.html"
                files[f"{base}/{art.id}.html"] = (
                    f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{esc(art.title)}</title></head><body>'
                    f'<h1>{esc(art.title)}</h1><p>发布时间：{art.date.isoformat()}</p><div class="content"><p>'
                    f"{esc(art.publisher)}发布的招聘信息。</p></div></body></html>\n")
            rows = "".join(f'<li><a href="{art.id}.html">{esc(art.title)}</a><span>{art.date.isoformat()}</span></li>'
                           for art in col.articles)
            files[f"{base}/index.html"] = (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{esc(col.name)}'
                                           f'</title></head><body><h2>{esc(p.name)}{esc(col.name)}</h2><ul class="list">'
                                           f"{rows}</ul></body></html>\n")
    files["/index.html"] = '<!DOCTYPE html><html><head><meta charset="utf-8"><title>人才网</title></head><body>人才网</body></html>\n'
    return files

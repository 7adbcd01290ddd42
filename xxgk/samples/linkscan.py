"""Ground truth of link health: every ``<a href>`` on every served page, classified broken or empty.

Scripts, comments and CDATA are skipped (links only JS writes are not links of the page). A link is
*empty* when its href is blank, ``#`` or ``javascript:…``; *broken* when its target answers 4xx/5xx
(missing file, a 500 route, a dead off-site path). Each (page, target) pair is counted once.
"""

from __future__ import annotations

import html
import posixpath
import re
from functools import lru_cache
from typing import Any
from urllib.parse import urljoin, urlsplit

_STRIP = re.compile(r"<script\b.*?</script>|<!--.*?-->", re.S | re.I)
_A = re.compile(r"<a\b([^>]*)>(.*?)</a>", re.S | re.I)
_HREF = re.compile(r"""\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+))""", re.I)
_TAGS = re.compile(r"<[^>]+>")
INDEX = ("index.htm", "index.html", "main.htm")


def _page(path: str) -> bool:
    return path.endswith((".htm", ".html")) or (path.startswith("/gkmlpt/") and "." not in path.rsplit("/", 1)[-1])


def scan(files: dict[str, Any], status: dict[str, list[Any]], dynamic: list[str], ext_files: set[str],
         ext_host: str) -> dict[str, list[dict[str, Any]]]:
    """``{"broken": [{from, to, status}], "empty": [{from, text, href}]}`` over the portal's pages."""
    broken: list[dict[str, Any]] = []
    empty: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for path in sorted(files):
        text = files[path]
        if not isinstance(text, str) or not _page(path) or path.startswith("/.xxgk/"):
            continue
        for attrs, inner in _A.findall(_STRIP.sub("", text)):
            m = _HREF.search(attrs)
            if not m:
                continue
            href = html.unescape(next(g for g in m.groups() if g is not None)).strip()
            label = html.unescape(_TAGS.sub("", inner)).strip()
            if href in ("", "#") or href.lower().startswith("javascript:"):
                empty.append({"from": path, "text": label, "href": href})
                continue
            if href.startswith("mailto:"):
                continue
            target = _join(path if href[0] in "?#" else path.rsplit("/", 1)[0] + "/", href)
            code = _status(target, files, status, dynamic, ext_files, ext_host)
            if code >= 400 and code not in (401, 403) and (path, target) not in seen:
                seen.add((path, target))
                broken.append({"from": path, "to": target, "status": code})
    return {"broken": broken, "empty": empty}


@lru_cache(maxsize=200_000)
def _join(base: str, href: str) -> str:
    """``urljoin`` for site paths, fast (the scan resolves hundreds of thousands of hrefs)."""
    if "://" in href or href.startswith("/") or href[0] in "?#":
        return urljoin(base, href)
    path, tail = href, ""
    for sep in "?#":
        if sep in path:
            path, _, rest = path.partition(sep)
            tail = sep + rest
            break
    joined = posixpath.normpath(base + path)
    if path.endswith(("/", "/.", "/..")) or path in (".", ".."):
        joined = joined.rstrip("/") + "/"
    return joined + tail


def _status(target: str, files: dict[str, Any], status: dict[str, list[Any]], dynamic: list[str],
            ext_files: set[str], ext_host: str) -> int:
    if target.startswith(ext_host):
        return 200 if urlsplit(target).path in ext_files else 404
    if target.startswith("http"):
        return 200
    path = urlsplit(target).path
    if path in status:
        return int(status[path][0])
    if path in files or path in dynamic:
        return 200
    folder = path if path.endswith("/") else path + "/"
    return 200 if any(folder + n in files for n in INDEX) else 404

"""A site's stable identity across runs: the id its site list gives, else its name within its
registrable domain.

A portal that moves from http to https, changes its port or its entry path keeps its history: the
URL is what a run crawled (`Crawl.start_url`), the key is who the site is. `zzu.edu.cn|郑州大学`
stays the same for `http://xxgk.zzu.edu.cn/` and `https://www.zzu.edu.cn:8443/xxgk/`. An IP address
stands for itself, without the port, so the loopback sample portals keep theirs across runs.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from urllib.parse import urlsplit

import tldextract

# the Public Suffix List bundled with tldextract: never fetched
_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


@lru_cache(maxsize=4096)
def registrable_domain(host: str) -> str:
    """`xxgk.zzu.edu.cn` → `zzu.edu.cn`; an IP address or a bare name is returned as it is."""
    host = host.lower().rstrip(".")
    return _EXTRACT(host).top_domain_under_public_suffix or host


def site_key(name: str, url: str, given_id: str | None = None) -> str:
    """The key a site is known by in the store."""
    if given_id and given_id.strip():
        return "id:" + given_id.strip()
    host = urlsplit(url).hostname or ""
    clean = " ".join(unicodedata.normalize("NFKC", name).split())
    return f"{registrable_domain(host)}|{clean}"

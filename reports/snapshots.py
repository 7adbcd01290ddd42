"""Archived copies for evidence: WARC records extracted to safe snapshot pages, screenshots copied.

A snapshot is the archived response rendered as a static page under `snapshots/` with a banner
(URL, time, sha256, WARC record id). Active content is removed: every <script>, frame, object, form
action, event-handler attribute and non-http(s) link; a Content-Security-Policy forbids scripts and
any network load, so an archived page can neither run code nor call its site from the report.

An archived document (PDF, Word, Excel, OFD, zip) is placed as the very bytes the site served, under
`attachments/`, so the evaluator opens the file the finding read. Its name is the URL's file name made
safe (`xxgk.filenames.safe_filename`: no folder, control or bidi character) with a record-hash prefix,
and its suffix comes from the content type, never from the site: a "PDF" named `x.html` stays a `.pdf`.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import lxml.html
import pandas as pd
from lxml import etree
from markupsafe import escape

from reports.cells import without_controls
from xxgk.filenames import safe_filename

log = logging.getLogger(__name__)

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:"
_DROP = ("script", "noscript", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "link",
         "meta", "template", "portal", "svg")
_CHARSET = re.compile(r"charset=[\"']?([A-Za-z0-9_-]+)", re.I)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*>")
_URL_ATTRS = ("href", "src", "action", "formaction", "poster", "background", "srcset", "xlink:href", "data")


def _name(ref: str) -> str:
    return hashlib.sha256(ref.encode()).hexdigest()[:20]


# archived documents kept as files, by content type; anything else (HTML, XML, SVG, text) is a snapshot page
DOCUMENT_SUFFIXES = {
    "application/pdf": ".pdf", "application/msword": ".doc", "application/vnd.ms-excel": ".xls",
    "application/vnd.ms-powerpoint": ".ppt", "application/ofd": ".ofd", "application/zip": ".zip",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": ".pptx",
    "application/wps-office.wps": ".wps", "application/vnd.ms-works": ".wps",
}


def document_suffix(content_type: str | None) -> str | None:
    """The file suffix an archived document is kept under, or None: the response becomes a snapshot page."""
    return DOCUMENT_SUFFIXES.get((content_type or "").split(";", 1)[0].strip().lower())


def document_name(ref: str, url: str, suffix: str) -> str:
    """`<record hash>-<URL file name, made safe><suffix>`: one file in `attachments/`, never a path."""
    raw = unquote(urlsplit(url).path.rsplit("/", 1)[-1])
    stem = safe_filename(raw, fallback="document")
    stem = stem.rpartition(".")[0] or stem  # the site's own suffix is dropped: the content type decides
    return safe_filename(f"{_name(ref)[:12]}-{stem}{suffix}")


def read_records(warc: Path, ids: set[str]) -> dict[str, tuple[bytes, str]]:
    """The payload and content type of the WARC records with the given WARC-Record-IDs."""
    from warcio.archiveiterator import ArchiveIterator

    found: dict[str, tuple[bytes, str]] = {}
    with open(warc, "rb") as fh:
        for record in ArchiveIterator(fh):
            rid = record.rec_headers.get_header("WARC-Record-ID")
            if rid not in ids:
                continue
            ctype = ""
            if record.http_headers is not None:
                ctype = record.http_headers.get_header("Content-Type") or ""
            found[rid] = (record.content_stream().read(), ctype)
            if len(found) == len(ids):
                break
    return found


# C0 controls but tab, newline and carriage return, and DEL: nothing a page shows, and lxml refuses them
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _safe_url(value: str, base: str) -> str | None:
    if _CONTROL.search(value):  # a link with control characters is no working link; lxml also refuses it
        return None
    try:
        absolute = urljoin(base, value.strip())
        return absolute if urlsplit(absolute).scheme.lower() in ("http", "https") else None
    except ValueError:
        return None


def decode(body: bytes, content_type: str = "") -> str:
    """Text of an archived response: the declared charset (header or meta) if it decodes, else UTF-8, else GB18030."""
    m = _CHARSET.search(content_type or "") or _CHARSET.search(body[:2048].decode("ascii", "ignore"))
    tried = [m.group(1).lower()] if m else []
    for enc in [*tried, "utf-8", "gb18030"]:
        enc = "gb18030" if enc in ("gbk", "gb2312", "x-gbk") else enc
        try:
            return body.decode(enc)
        except (LookupError, UnicodeDecodeError):
            continue
    return body.decode("utf-8", errors="replace")


def sanitize_html(text: str, url: str) -> str:
    """The body of an archived page with everything active stripped; links made absolute http(s) or dropped."""
    text = without_controls(_XML_DECL.sub("", text, count=1))  # also C1 controls and bidi overrides
    try:
        doc = lxml.html.document_fromstring(text or "<p></p>")
    except (etree.ParserError, ValueError):
        return f"<pre>{escape(text)}</pre>"
    doomed = []
    for el in doc.iter():
        if not isinstance(el.tag, str) or el.tag.lower() in _DROP:  # comments, PIs, active elements
            doomed.append(el)
            continue
        for attr in list(el.attrib):
            low = attr.lower()
            if low.startswith("on") or low in _URL_ATTRS and low != "href":
                del el.attrib[attr]
            elif low == "href":
                safe = _safe_url(el.attrib[attr], url)
                if safe is None:
                    del el.attrib[attr]
                else:
                    el.attrib[attr] = safe
                    el.attrib["rel"] = "noopener noreferrer nofollow"
            elif low == "style" and ("expression" in el.attrib[attr].lower() or "url(" in el.attrib[attr].lower()):
                del el.attrib[attr]
    for el in doomed:
        if el.getparent() is not None:
            el.drop_tree()
    body = doc.find("body")
    root = body if body is not None else doc
    return str(escape(root.text or "")) + "".join(lxml.html.tostring(c, encoding="unicode") for c in root)


def snapshot_page(body: bytes, content_type: str, page: dict) -> str:
    """A self-contained, script-free HTML page showing an archived response with a banner."""
    banner = (f'<div style="all:initial;display:block;font:14px sans-serif;background:#fff3cd;color:#222;'
              f'border-bottom:2px solid #c99a00;padding:8px 12px">存档副本（xxgk 证据）· 原网址 {escape(page["url"])} · '
              f'抓取时间 {escape(str(page.get("fetched_at") or ""))} · sha256 {escape(page.get("sha256") or "")} · '
              f'WARC 记录 {escape(page.get("evidence_ref") or "")} · 脚本与外部资源已移除</div>')
    head = (f'<meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="{CSP}">'
            f'<meta name="robots" content="noindex"><title>存档副本 · {escape(page["url"])}</title>')
    text = decode(body, content_type)
    if "html" in content_type.lower() or text.lstrip()[:1] == "<":
        return f"<!DOCTYPE html><html><head>{head}</head><body>{banner}{sanitize_html(text, page['url'])}</body></html>"
    return (f"<!DOCTYPE html><html><head>{head}</head><body>{banner}"
            f"<p>内容类型 {escape(content_type)}，按文本显示：</p><pre>{escape(text[:200_000])}</pre></body></html>")


# Bump when sanitising or the banner changes: cached snapshots made by an older version are then remade.
SNAPSHOT_VERSION = "1"
CACHE_DIR = "snapshot-cache"  # beside each WARC file: sanitised pages, made once, linked into every report


def cache_key(row: dict) -> str:
    """A snapshot's identity: its WARC file and record, what the banner shows, the sanitiser's version."""
    parts = [SNAPSHOT_VERSION, str(row.get("warc_path") or ""), str(row.get("evidence_ref") or ""), str(row["url"]),
             str(row.get("fetched_at") or ""), str(row.get("sha256") or ""), str(row.get("content_type") or "")]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def place(src: Path, dest: Path) -> None:
    """Put `src` at `dest`: a hard link when the file system allows (no bytes copied), else a copy.

    Made under a name of this process and renamed over `dest`: site-page workers may place the same
    record at once, and a copy must never write through a link into the cached file."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(f".{dest.name}.{os.getpid()}")
    partial.unlink(missing_ok=True)
    try:
        os.link(src, partial)
    except OSError:
        shutil.copyfile(src, partial)
    os.replace(partial, dest)
    partial.unlink(missing_ok=True)  # left when `dest` already was a link to `src` (rename then does nothing)


def _cached(row: dict) -> Path:
    key = cache_key(row)
    suffix = document_suffix(row.get("content_type")) or ".html"
    return Path(row["warc_path"]).parent / CACHE_DIR / key[:2] / f"{key}{suffix}"


def _store_cache(path: Path, content: str | bytes) -> bool:
    """Write a sanitised snapshot (or a document's bytes) to the cache, atomically; False when the folder
    is not writable."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        os.replace(tmp, path)
        return True
    except OSError as exc:
        log.warning("cannot cache snapshot %s: %s", path, exc)
        return False


def build_evidence(pages: pd.DataFrame | None, out_dir: Path) -> dict[tuple[int, str], dict]:
    """Write snapshots/ and screenshots/ for the evidence pages; (site_id, url) → relative paths.

    An archived page is sanitised once: the snapshot is cached beside its WARC file (`snapshot-cache/`,
    keyed by record and sanitiser version) and linked into each report, so re-rendering a run, or
    rendering it again next week, reads no WARC and parses no HTML for pages already seen. Each
    snapshot and screenshot is placed once per report however many findings cite it.
    """
    if pages is None or pages.empty:
        return {}
    return place_evidence(pages.astype(object).where(pages.notna(), None).to_dict("records"), out_dir)


def place_evidence(rows: list[dict], out_dir: Path) -> dict[tuple[int, str], dict]:
    """`build_evidence` of page rows as dicts (None for a missing value), in (site, page id) order."""
    out: dict[tuple[int, str], dict] = {}
    placed: dict[str, str | None] = {}  # destination → relative path, or None when it cannot be made
    to_read: dict[str, list[tuple[dict, Path, Path]]] = {}  # WARC → (row, cache path, destination)
    cited: list[tuple[tuple[int, str], str]] = []  # (site_id, url) → destination, for the fill-in pass
    destinations: dict[tuple, Path] = {}  # copied sites cite the same records: one path per record
    for row in rows:
        entry = out.setdefault((row["site_id"], row["url"]), {"snapshot": None, "screenshot": None})
        shot = row.get("screenshot")
        if shot:
            dest = out_dir / "screenshots" / f"{_name(shot)}{Path(shot).suffix.lower() or '.png'}"
            if dest.as_posix() not in placed:
                placed[dest.as_posix()] = None
                if Path(shot).is_file():
                    place(Path(shot), dest)
                    placed[dest.as_posix()] = dest.relative_to(out_dir).as_posix()
            entry["screenshot"] = placed[dest.as_posix()]
        if not (row.get("evidence_ref") and row.get("warc_path")):
            continue
        ident = (row["evidence_ref"], row.get("content_type"), row["url"])
        dest = destinations.get(ident) or destinations.setdefault(ident, _destination(row, out_dir))
        key = dest.as_posix()
        cited.append(((row["site_id"], row["url"]), key))
        if key in placed:
            entry["snapshot"] = placed[key]
            continue
        placed[key] = None
        cache = _cached(row)
        if cache.is_file():
            place(cache, dest)
            placed[key] = entry["snapshot"] = dest.relative_to(out_dir).as_posix()
        else:
            to_read.setdefault(row["warc_path"], []).append((row, cache, dest))
    for warc, wanted in to_read.items():
        _snapshot_from_warc(Path(warc), wanted, out_dir, placed)
    for entry_key, key in cited:  # fill in the snapshots made from WARC files for every row that cites them
        out[entry_key]["snapshot"] = placed.get(key)
    return out


def _destination(row: dict, out_dir: Path) -> Path:
    """Where a row's archived copy goes in the report: a snapshot page, or the document itself."""
    suffix = document_suffix(row.get("content_type"))
    if suffix is None:
        return out_dir / "snapshots" / f"{_name(row['evidence_ref'])}.html"
    return out_dir / "attachments" / document_name(row["evidence_ref"], str(row["url"]), suffix)


def _snapshot_from_warc(path: Path, wanted: list[tuple[dict, Path, Path]], out_dir: Path,
                        placed: dict[str, str | None]) -> None:
    """Read the wanted records of one WARC file, sanitise each once, cache it and place it in the report."""
    if not path.is_file():
        log.warning("WARC file %s not found; archived copies skipped", path)
        return
    try:
        records = read_records(path, {r["evidence_ref"] for r, _c, _d in wanted})
    except Exception as exc:  # a damaged WARC must not stop the report
        log.warning("cannot read WARC %s: %s", path, exc)
        return
    for row, cache, dest in wanted:
        rec = records.get(row["evidence_ref"])
        if rec is None:
            continue
        content: str | bytes = rec[0] if dest.suffix != ".html" else snapshot_page(
            rec[0], rec[1] or row.get("content_type") or "", row)
        if _store_cache(cache, content):
            place(cache, dest)
        else:
            dest.parent.mkdir(parents=True, exist_ok=True)
            partial = dest.with_name(f".{dest.name}.{os.getpid()}")
            partial.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
            os.replace(partial, dest)
        placed[dest.as_posix()] = dest.relative_to(out_dir).as_posix()

"""A crawled name (an attachment's link text or URL file name) as one safe file name.

Nothing may write a crawled name to disk as it is: `../../etc/cron.d/x`, `/abs/path`, `C:\\x`, NUL, control
and bidi characters (`年度\u202egpj.exe` reads "年度exe.jpg"), Windows device names (`CON`, `nul.txt`) and
names past the file system's 255 bytes all break out of the folder or fail. `safe_filename` keeps the
last path part, drops or replaces what is unsafe and cuts the stem so the result fits, keeping the suffix.
Run files are named by ids and hashes; a report's archived documents (`reports/snapshots.py`) are named
from their URL through this, as any code that saves a crawled file must be.
"""

from __future__ import annotations

import re

_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200b-\u200f\ufeff]")  # controls, bidi, zero-width
_RESERVED_CHARS = re.compile(r'[<>:"|?*]')  # not allowed in Windows names (a share may be mounted)
_DEVICES = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}
MAX_BYTES = 200  # below the usual 255-byte limit, leaving room for a prefix or a numbered copy


def safe_filename(name: object, fallback: str = "file", max_bytes: int = MAX_BYTES) -> str:
    """One file name, never a path: safe on Linux, macOS and Windows, at most `max_bytes` in UTF-8."""
    text = _UNSAFE.sub("", "" if name is None else str(name))
    text = re.split(r"[/\\]", text)[-1]  # the last part only: no folders, no ../, no absolute path
    text = _RESERVED_CHARS.sub("_", text).strip(" .")
    if not text:
        return fallback
    stem, dot, suffix = text.rpartition(".")
    if not dot or not stem or len(suffix.encode()) > 16:
        stem, suffix = text, ""
    if stem.split(".")[0].lower() in _DEVICES:
        stem = "_" + stem
    tail = f".{suffix}" if suffix else ""
    room = max_bytes - len(tail.encode())
    cut = stem.encode()[:room].decode("utf-8", errors="ignore").rstrip(" .")
    return (cut + tail) if cut else fallback

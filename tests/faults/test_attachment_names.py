"""Crawled attachment names become safe file names before they touch disk (`xxgk.filenames`)."""

from __future__ import annotations

import pytest
from payloads import PAYLOADS

from xxgk.filenames import MAX_BYTES, safe_filename

CASES = [
    ("../../../../tmp/xxgk-evil.pdf", "xxgk-evil.pdf"),
    ("/etc/cron.d/evil", "evil"),
    ("C:\\Windows\\System32\\evil.dll", "evil.dll"),
    ("..\\..\\evil.doc", "evil.doc"),
    ("报告\x00.pdf", "报告.pdf"),
    ("年度\u202egpj.exe", "年度gpj.exe"),
    ("a/../../b;rm -rf ~.pdf", "b;rm -rf ~.pdf"),
    ("CON", "_CON"),
    ("nul.txt", "_nul.txt"),
    ("com1.tar.gz", "_com1.tar.gz"),
    ('报告<1>:"2"|?*.pdf', "报告_1___2____.pdf"),
    ("..", "file"),
    ("", "file"),
    ("   ...   ", "file"),
    (".bashrc", "bashrc"),
    ("文件.\u200b", "文件"),
    (None, "file"),
]


@pytest.mark.parametrize(("name", "expected"), CASES, ids=[repr(c[0])[:30] for c in CASES])
def test_safe_filename(name, expected) -> None:
    assert safe_filename(name) == expected


def test_long_name_keeps_its_suffix_within_the_byte_limit() -> None:
    name = safe_filename("长" * 100_000 + ".pdf")
    assert name.endswith(".pdf") and len(name.encode()) <= MAX_BYTES and name.startswith("长长")
    assert len(safe_filename("x" * 500 + ".reallylongsuffixthatisnotone").encode()) <= MAX_BYTES


@pytest.mark.parametrize("payload", PAYLOADS, ids=[p.id for p in PAYLOADS])
def test_every_payload_is_one_harmless_name(tmp_path, payload) -> None:
    """Written in a folder, each payload-named attachment lands in that folder, as one file, and reads back."""
    name = safe_filename(f"{payload.text}附件.pdf")
    assert "/" not in name and "\\" not in name and "\x00" not in name and name not in (".", "..")
    path = tmp_path / name
    path.write_bytes(b"%PDF-1.4")
    assert [p.name for p in tmp_path.iterdir()] == [name] and path.read_bytes() == b"%PDF-1.4"

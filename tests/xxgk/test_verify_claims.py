"""Claimed-fix files: formats, status words and one-line errors naming file, line and field."""

import pytest

from xxgk.errors import UserError
from xxgk.verify import load_claims


def test_csv_claims_with_chinese_headers(tmp_path):
    path = tmp_path / "claims.csv"
    path.write_text("网站,事项,整改状态,整改链接\nhttp://127.0.0.1:9/,12,已整改,http://127.0.0.1:9/a.htm\n"
                    "甲大学,学术规范制度,部分整改,\n", encoding="utf-8")
    claims = load_claims(path)
    assert [(c.line, c.site, c.item, c.claimed, c.url) for c in claims] == [
        (2, "http://127.0.0.1:9/", "12", "pass", "http://127.0.0.1:9/a.htm"),
        (3, "甲大学", "学术规范制度", "partial", None)]


@pytest.mark.parametrize("text, message", [
    ("site,item\n,3\n", "claims.csv:2: site: site is empty"),
    ("site,item,claimed\n甲,3,maybe\n", "claims.csv:2: claimed: unknown claimed status 'maybe'"),
    ("site,item,evidence url\n甲,3,javascript:alert(1)\n", "claims.csv:2: url: not an http(s) URL"),
    ("site,status\n甲,pass\n", "claims.csv:1: header row has no item column"),
    ("site,item\n", "claims.csv: no claims in the file"),
])
def test_bad_claims(tmp_path, text, message):
    path = tmp_path / "claims.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UserError) as err:
        load_claims(path)
    assert str(err.value).startswith(str(tmp_path / message.split(":")[0]) + message[len(message.split(":")[0]):])

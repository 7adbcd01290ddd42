"""Site list loading: formats, header aliases, and one-line errors naming file, line and field."""

from pathlib import Path

import pytest
from openpyxl import Workbook

from xxgk.errors import UserError
from xxgk.sites import load_sites


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_with_optional_columns_and_comments(tmp_path):
    path = write(tmp_path, "s.csv", "name,url,kind,group\n# a comment\n甲大学,http://127.0.0.1:8001/,university,A\n"
                 "乙大学,www.example.edu.cn,,\n")
    rows = load_sites(path)
    assert [(r.name, r.url, r.kind, r.group, r.line) for r in rows] == [
        ("甲大学", "http://127.0.0.1:8001/", "university", "A", 3),
        ("乙大学", "http://www.example.edu.cn/", None, None, 4),
    ]


def test_chinese_headers_and_gbk(tmp_path):
    path = tmp_path / "s.csv"
    path.write_bytes("名称,网址\n丙学院,https://xxgk.c.edu.cn/\n".encode("gbk"))
    assert [(r.name, r.url) for r in load_sites(path)] == [("丙学院", "https://xxgk.c.edu.cn/")]


@pytest.mark.parametrize("text, expected", [
    ("name,url\n甲,http://a/\n,http://b/\n", "s.csv:3: name: name is empty"),
    ("name,url\n甲,ftp://a/\n", "s.csv:2: url: not an http(s) URL"),
    ("name,url\n甲,http://a/\n乙,http://a/\n", "s.csv:3: url: duplicate url (already on line 2)"),
    ("name,link2\n甲,http://a/\n", "s.csv:1: header row has no url column"),
    ("name,url,kind\n甲,http://a/,school\n", "s.csv:2: kind: unknown kind 'school'"),
    ("", "s.csv: the file is empty"),
])
def test_bad_csv_names_file_line_and_field(tmp_path, text, expected):
    path = write(tmp_path, "s.csv", text)
    with pytest.raises(UserError) as err:
        load_sites(path)
    assert str(err.value).startswith(str(tmp_path / expected.split(":")[0]) + expected[len(expected.split(":")[0]):])


def test_xlsx_reports_sheet_and_row(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "名单"
    ws.append(["学校", "网址"])
    ws.append(["甲大学", "http://127.0.0.1:9/"])
    ws.append(["乙大学", None])
    path = tmp_path / "s.xlsx"
    wb.save(path)
    with pytest.raises(UserError, match=r"s\.xlsx:3: url: url is empty"):
        load_sites(path)


def test_yaml_list_with_line_numbers(tmp_path):
    path = write(tmp_path, "s.yaml", "sites:\n  - name: 甲大学\n    url: http://a/\n  - name: 乙大学\n    url: mailto:x\n")
    with pytest.raises(UserError, match=r"s\.yaml:4: url: not an http\(s\) URL"):
        load_sites(path)


def test_missing_and_unknown_format(tmp_path):
    with pytest.raises(UserError, match="site list not found"):
        load_sites(tmp_path / "nope.csv")
    with pytest.raises(UserError, match="unsupported site list format .json"):
        load_sites(write(tmp_path, "s.json", "[]"))

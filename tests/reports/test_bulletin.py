"""The 通报 of a run: GB/T 9704 layout read back with python-docx, words per rubric kind, hostile
names as plain text, no invisible characters, and the sender file's values and errors."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
import zipfile
from pathlib import Path

import docx
import pytest
from docx.shared import Mm

from bench.synthetic import HOSTILE_SHORT, make_store
from reports.bulletin import kinds
from reports.bulletin.document import build
from reports.bulletin.kinds import WORDS, bulletin_kind
from reports.bulletin.sender import SenderFile, load_sender, sender_options
from reports.bulletin.text import chinese_date, plain
from reports.context import build_report
from reports.formats.bulletin import write_bulletin
from xxgk.errors import UserError
from xxgk.store import session_factory, session_scope

# zero-width, bidi marks/embeddings/overrides/isolates, word joiner … invisible operators, BOM
INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
SECTIONS = ("一、总体情况", "二、", "三、存在的主要问题", "四、整改要求")
UNIVERSITY_WORDS = ("高校", "高等学校", "学校", "学年", "10月31日", "事项清单", "教育部")
GOVERNMENT_WORDS = ("政府网站", "人民政府", "政府信息公开条例", "1月31日", "3月31日", "政务", "政府信息")
DAY = dt.date(2026, 12, 7)
INSPECTION, CHECKLIST, MONTHLY = kinds.INSPECTION, kinds.CHECKLIST, kinds.MONTHLY
ANNUAL_GOV, ANNUAL_UNIVERSITY = kinds.ANNUAL_GOV, kinds.ANNUAL_UNIVERSITY


@pytest.fixture(scope="module")
def base_store(tmp_path_factory):
    root = tmp_path_factory.mktemp("bulletin")
    return make_store(f"sqlite:///{root / 'base.sqlite'}", n_sites=4, n_runs=1, n_sections=2, per_section=3), root


def variant(base_store, kind: str) -> tuple[str, int]:
    """A copy of the synthetic store reshaped into one rubric kind (site kind, names and check kinds)."""
    store, root = base_store
    path = root / f"{kind}.sqlite"
    if not path.exists():
        with sqlite3.connect(root / "base.sqlite") as src, sqlite3.connect(path) as dst:
            src.backup(dst)  # the store may be in WAL mode: copying the file alone can miss its tables
        government = kind in (INSPECTION, ANNUAL_GOV, MONTHLY)
        with sqlite3.connect(path) as db:
            db.execute("UPDATE sites SET kind = ?", ("government" if government else "university",))
            if government:  # the synthetic sites are 样例大学NNN: a government world names no 大学
                db.execute("UPDATE sites SET name = replace(name, '样例大学', '样例区县')")
            check = {ANNUAL_GOV: "annual_report", ANNUAL_UNIVERSITY: "annual_report",
                     MONTHLY: "monthly_volume"}.get(kind)
            if check:
                db.execute("UPDATE findings SET check_kind = ?", (check,))
    return f"sqlite:///{path}", store.runs[-1]


def issue(db_url: str, run_id: int, out: Path, sender: SenderFile | None = None, pdf: bool = False):
    with session_scope(session_factory(db_url)) as s:
        report = build_report(s, run_id, None)
        report.bulletin_sender = sender
        bulletin = build(report, sender, today=DAY)
        files = write_bulletin(report, out, pdf=pdf, today=DAY)  # the files carry the same date
        issue.summary = report.ranking.summary  # the ranking's figures, which the 通报 must repeat
    return bulletin, files


def docx_text(path: Path) -> str:
    d = docx.Document(str(path))
    cells = [c.text for t in d.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in d.paragraphs] + cells)


def all_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith((".xml", ".rels")))


def test_docx_is_a4_gongwen_with_the_four_sections_and_units(base_store, tmp_path):
    db_url, run_id = variant(base_store, INSPECTION)
    bulletin, files = issue(db_url, run_id, tmp_path)
    d = docx.Document(str(tmp_path / "bulletin.docx"))
    for section in d.sections:
        assert abs(section.page_width - Mm(210)) < Mm(0.5) and abs(section.page_height - Mm(297)) < Mm(0.5)
        assert [round(m.mm) for m in (section.top_margin, section.bottom_margin, section.left_margin,
                                      section.right_margin)] == [37, 35, 28, 26]
    paras = [p.text for p in d.paragraphs]
    positions = [next(i for i, t in enumerate(paras) if t.startswith(h)) for h in SECTIONS]
    assert positions == sorted(positions)  # in order, each present
    assert paras[positions[2] + 1].startswith("（一）")  # problems grouped by indicator
    text = docx_text(tmp_path / "bulletin.docx")
    assert "政府网站检查工作组" in text and f"〔2026〕{run_id}号" in text  # default 发文机关 and 发文字号
    assert "关于2026年政府网站检查情况的通报" in text
    assert "各有关单位：" in text and chinese_date(DAY) in text
    assert "请于2027年1月6日前完成整改" in text  # default deadline: 30 days after the date
    # every site that failed an item is named in 三、 and in the 附件 problem list
    failing = {f.site_name for f in _findings(db_url, run_id) if f.status in ("fail", "partial")}
    problems = "\n".join(paras[positions[2]:positions[3]])
    for name in failing:
        assert plain(name)[:20] in problems and plain(name)[:20] in text
    assert "附件1" in text and "附件2" in text and "评估时点" in text
    overview = paras[positions[0] + 2]  # the figures are the ranking's, not recomputed
    summary = issue.summary
    assert summary["vetoed"] and f"其中{summary['vetoed']}个触发单项否决" in overview
    assert f"计分的{summary['scored']}个网站平均得分{summary['average']:.2f}分" in overview
    assert f"最低{summary['min']:.2f}分，{summary['passed']}个达到60分{summary['pass_word']}线" in overview
    # headings are plain paragraphs in 黑体 (no Word heading style: it is blue), body in 仿宋_GB2312 三号
    assert not any(p.style.name.startswith("Heading") for p in d.paragraphs)
    heading = d.paragraphs[positions[0]].runs[0]
    assert heading.font.name == "黑体" and heading.font.size.pt == 16
    title = next(p for p in d.paragraphs if p.text == bulletin.title).runs[0]
    assert title.font.name == "方正小标宋简体" and title.font.size.pt == 22  # 小标宋 二号
    body = d.paragraphs[positions[0] + 1].runs[0]
    assert body.font.name == "仿宋_GB2312" and body.font.size.pt == 16
    with zipfile.ZipFile(tmp_path / "bulletin.docx") as z:
        shown = "".join(z.read(n).decode("utf-8") for n in z.namelist() if re.match(r"word/(document|footer)", n))
    colors = set(re.findall(r'w:color w:val="([0-9A-Fa-f]{6})"', shown))
    assert colors <= {"000000", "E60012"}, colors  # black text, the red 标志 and line; no theme blue
    assert "w:themeColor" not in shown and "PAGE" in shown  # page numbers are a PAGE field
    assert [p.name for p in files] == ["bulletin.html", "bulletin.docx"]


def _findings(db_url: str, run_id: int):
    from xxgk.store import Finding, Site

    with session_scope(session_factory(db_url)) as s:
        names = {site.id: site.name for site in s.query(Site)}
        rows = s.query(Finding).filter(Finding.run_id == run_id).all()
        return [type("F", (), {"site_name": names[f.site_id], "status": f.status})() for f in rows]


def test_hostile_names_are_plain_text_and_no_invisible_characters(base_store, tmp_path):
    db_url, run_id = variant(base_store, CHECKLIST)
    bulletin, _files = issue(db_url, run_id, tmp_path)
    xml = all_xml(tmp_path / "bulletin.docx")
    html = (tmp_path / "bulletin.html").read_text(encoding="utf-8")
    for text, where in ((xml, "docx"), (html, "html"), ("\n".join(bulletin.all_text()), "model")):
        assert not INVISIBLE.search(text), (where, INVISIBLE.findall(text)[:5])
    assert "<script>" not in xml and "&lt;script&gt;alert" in xml  # text, escaped by the XML writer
    assert HOSTILE_SHORT in docx_text(tmp_path / "bulletin.docx")  # and read back as the same plain text
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html
    assert html.count("<script") == 0  # the 通报 page has no script at all
    assert "倒序" in docx_text(tmp_path / "bulletin.docx")  # the override character went, the name stayed


@pytest.mark.parametrize("kind", [INSPECTION, CHECKLIST, ANNUAL_GOV, ANNUAL_UNIVERSITY, MONTHLY])
def test_every_rubric_kind_gets_a_bulletin_in_its_own_words(base_store, tmp_path, kind):
    db_url, run_id = variant(base_store, kind)
    with session_scope(session_factory(db_url)) as s:
        assert bulletin_kind(build_report(s, run_id, None).data) == kind
    bulletin, _files = issue(db_url, run_id, tmp_path)
    text = docx_text(tmp_path / "bulletin.docx")
    words = WORDS[kind]
    assert words.title in bulletin.title and bulletin.title in text
    for heading in SECTIONS:
        assert heading in text, (kind, heading)
    foreign = UNIVERSITY_WORDS if words.audience == "government" else GOVERNMENT_WORDS
    html = (tmp_path / "bulletin.html").read_text(encoding="utf-8")
    for word in foreign:
        assert word not in text and word not in html, (kind, word)
    assert "本次评估没有月度发布量数据" not in text
    if kind == MONTHLY:
        assert "连续空白月" in text and "市财政局" in text and "2026年3月" in bulletin.title


def test_sender_file_values_reach_the_document(base_store, tmp_path):
    db_url, run_id = variant(base_store, INSPECTION)
    path = tmp_path / "sender.yaml"
    path.write_text("sender: 某市人民政府办公室\naddressee: 各区县人民政府，市政府各部门\nnumber: 某政办通〔2026〕12号\n"
                    "date: 2026-12-01\ndeadline: 2027-01-15\ncontact: 政务公开科，0000-12345678\n", encoding="utf-8")
    given = sender_options(path, number="某政办通〔2026〕13号")  # an option wins over the file
    _bulletin, _files = issue(db_url, run_id, tmp_path / "out", given)
    text = docx_text(tmp_path / "out" / "bulletin.docx")
    assert "某市人民政府办公室" in text and "各区县人民政府，市政府各部门：" in text
    assert "某政办通〔2026〕13号" in text and "12号" not in text
    assert "2026年12月1日" in text and "请于2027年1月15日前完成整改，并将整改情况书面报送某市人民政府办公室" in text
    assert "联系人及电话：政务公开科，0000-12345678" in text
    d = docx.Document(str(tmp_path / "out" / "bulletin.docx"))
    assert d.core_properties.author == "某市人民政府办公室"  # not python-docx


@pytest.mark.parametrize(("body", "where"), [
    ("sender: 某办\ndate: 2026-13-01\n", ":2: date: "),
    ("sender: 某办\ncolour: red\n", ":2: colour: unknown field"),
    ("date: 2026-12-01\ndeadline: 2026-11-01\n", ":2: deadline: deadline 2026-11-01 is before"),
    ("sender: [a, b]\n", ":1: sender: "),
    ("- just a list\n", ":1: expected a mapping"),
])
def test_sender_file_errors_name_file_line_and_field(tmp_path, body, where):
    path = tmp_path / "sender.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(UserError) as err:
        load_sender(path)
    assert str(err.value).startswith(str(path)) and where in str(err.value), str(err.value)
    assert "\n" not in str(err.value)


def test_report_command_takes_the_bulletin_options(base_store, tmp_path):
    from typer.testing import CliRunner

    from xxgk.cli import app

    db_url, run_id = variant(base_store, INSPECTION)
    db = db_url.removeprefix("sqlite:///")
    runner = CliRunner()
    res = runner.invoke(app, ["report", str(run_id), "--db", db, "--out", str(tmp_path / "o"), "--formats", "html",
                              "--bulletin-issuer", "某县人民政府办公室", "--bulletin-date", "2026-12-02"])
    assert res.exit_code == 0, res.output
    text = docx_text(tmp_path / "o" / "bulletin.docx")  # any bulletin option writes the 通报
    assert "某县人民政府办公室" in text and "2026年12月2日" in text and "2027年1月1日前" in text
    bad = tmp_path / "bad.yaml"
    bad.write_text("sender: 某办\nnumber:\n  - x\n", encoding="utf-8")
    res = runner.invoke(app, ["report", str(run_id), "--db", db, "--out", str(tmp_path / "o2"),
                              "--bulletin-sender", str(bad)])
    assert isinstance(res.exception, UserError)  # main() prints it as one line, exit 2
    assert str(res.exception) == f"{bad}:2: number: expected text"
    assert not (tmp_path / "o2").exists()  # refused before any work
    res = runner.invoke(app, ["report", str(run_id), "--db", db, "--out", str(tmp_path / "o3"),
                              "--bulletin-deadline", "2026-02-30"])
    assert isinstance(res.exception, UserError) and str(res.exception).startswith("--bulletin-deadline: ")


def test_plain_removes_invisible_and_control_characters():
    assert plain("\u2068市\u200b财政局\u2069\u202e\x07 \n 科") == "市财政局 科"
    assert plain(None) == "" and plain(12) == "12"


def test_pdf_fonts_prefer_the_installed_gongwen_font_and_fall_back():
    from reports.bulletin.fonts import chosen, css_stack

    assert chosen("body", frozenset({"仿宋", "WenQuanYi Micro Hei"})) == "仿宋"
    assert chosen("body", frozenset({"WenQuanYi Micro Hei"})) == "WenQuanYi Micro Hei"  # the fallback
    assert chosen("heading", frozenset()) == "WenQuanYi Zen Hei"  # nothing known installed: still a CJK name
    stack = css_stack("body", frozenset({"WenQuanYi Micro Hei"}))
    assert stack.startswith('"WenQuanYi Micro Hei", "仿宋_GB2312"') and stack.endswith("serif")


def test_audit_command_takes_the_bulletin_options(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    import xxgk.cli as cli

    sites = tmp_path / "sites.csv"
    sites.write_text("name,url\n某县人民政府,http://127.0.0.1:9/\n", encoding="utf-8")
    seen = {}

    def fake_audit(sites_arg, rubric, out, db, config, **kw):  # stands in for the crawl, score and report
        seen["config"] = config
        raise UserError("stopped after the options", field="test")

    monkeypatch.setattr(cli, "run_audit", fake_audit)
    runner = CliRunner()
    res = runner.invoke(cli.app, ["audit", str(sites), "--db", str(tmp_path / "s.sqlite"), "--out", str(tmp_path / "o"),
                                  "--bulletin-issuer", "某县人民政府办公室", "--bulletin-date", "2026-12-02"])
    config = seen["config"]
    assert "bulletin" in config.formats.split(",")  # a sender given means the 通报 is written
    assert config.bulletin_sender is not None and "某县人民政府办公室" in repr(config.bulletin_sender)
    seen.clear()
    res = runner.invoke(cli.app, ["audit", str(sites), "--db", str(tmp_path / "s2.sqlite"), "--out",
                                  str(tmp_path / "o2"), "--bulletin-deadline", "2026-02-30"])
    assert isinstance(res.exception, UserError) and str(res.exception).startswith("--bulletin-deadline: ")
    assert not seen and not (tmp_path / "s2.sqlite").exists()  # refused before any work

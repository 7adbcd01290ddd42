"""Read grids as the official tables 二, 三, 四 and the university 清单事项公开情况表.

Values keep blanks distinct from zeros: a blank cell is `None`, its raw text is kept alongside.
"""

from __future__ import annotations

import re
from typing import Any

from scoring.annual_report import formats as F
from scoring.annual_report.grid import Grid
from scoring.annual_report.text import is_numberish, norm_label, parse_number

_ENUM = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|\d+[.．、])")
_PUNCT = re.compile(r"[\"“”‘’'，,。、：:；;（）()\s]")


def core(label: str) -> str:
    """A label without its enumerator and punctuation (for loose matching)."""
    t = norm_label(label)
    t = _ENUM.sub("", t)
    return _PUNCT.sub("", t)


def _label_match(cell: str, canon: str) -> bool:
    a, b = core(cell), core(canon)
    if not a or not b:
        return False
    if a == b:
        return True
    n = min(len(a), len(b))
    return n >= 4 and (a.startswith(b[:max(4, n)]) or b.startswith(a[:max(4, n)]))


def _value(raw: str) -> tuple[Any, str | None, bool]:
    """(value, unit, ok): blank → None; non-numeric → (None, None, False)."""
    try:
        v, unit = parse_number(raw)
    except ValueError:
        return None, None, False
    return v, unit, True


# ---------------------------------------------------------------- table 三

def is_t3(grid: Grid) -> bool:
    """Table 三 (收到和处理政府信息公开申请情况)?"""
    t = norm_label(grid.text())
    return "本年新收" in t and "结转" in t


def read_t3(grid: Grid) -> dict[str, Any]:
    """Table 三: {version, columns, columns_verified, rows: {key: {label, values, raw}}, problems}."""
    text = norm_label(grid.text())
    version = F.V2021 if ("逾期不补正" in text or "逾期未按收费通知" in text) else F.V2019
    canon = F.T3_ROWS[version]
    ncol = len(F.T3_COLUMNS)
    width = grid.width
    first_val = width - ncol
    problems: list[str] = []
    # header labels per numeric column
    header_txt = ["" for _ in range(ncol)]
    rows: dict[str, dict[str, Any]] = {}
    ptr = 0
    for r in range(len(grid.rows)):
        cells = grid.rows[r]
        vals = cells[first_val:]
        labels = [t for _o, t in grid.distinct(r, 0, first_val) if t]
        if not all(is_numberish(v) for v in vals) or not labels:
            for i, v in enumerate(vals):
                header_txt[i] += norm_label(v)
            continue
        key = None
        for lab in reversed(labels):
            for j in range(ptr, len(canon)):
                if _label_match(lab, canon[j][1]):
                    key, ptr = canon[j][0], j + 1
                    break
            if key:
                break
        if key is None:
            problems.append(f"未识别的行：{'／'.join(labels)}")
            continue
        values, raw = [], []
        for v in vals:
            val, _unit, _ok = _value(v)
            values.append(val)
            raw.append(v)
        rows[key] = {"label": F.t3_label(key, version), "found_label": labels[-1], "values": values, "raw": raw}
    verified = all(norm_label(name) in header_txt[i] for i, name in enumerate(F.T3_COLUMNS))
    missing = [lab for key, lab in canon if key not in rows]
    if missing:
        problems.append("缺少行：" + "、".join(missing))
    return {"id": "三", "name": "收到和处理政府信息公开申请情况", "version": version,
            "columns": list(F.T3_COLUMNS), "columns_verified": verified, "rows": rows, "problems": problems}


# ---------------------------------------------------------------- table 二

def is_t2(grid: Grid) -> bool:
    """Table 二 (主动公开政府信息情况)?"""
    t = norm_label(grid.text())
    return "第二十条" in t and ("规章" in t or "行政许可" in t)


def read_t2(grid: Grid) -> dict[str, Any]:
    """Table 二: {version, rows: [{caption, label, values: {column: value}, raw, units}], problems}."""
    text = norm_label(grid.text())
    version = F.V2019 if ("本年新制作数量" in text or "政府集中采购" in text) else F.V2021
    canon = F.T2_2019 if version == F.V2019 else F.T2_2021
    caption, header, problems, rows = "", [], [], []
    for r in range(len(grid.rows)):
        cells = [t for _o, t in grid.distinct(r)]
        nonblank = [c for c in cells if c]
        if len(nonblank) == 1 and "第二十条" in norm_label(nonblank[0]):
            caption = nonblank[0]
            continue
        if nonblank and "信息内容" in norm_label(nonblank[0]):
            header = cells[1:]
            continue
        if not cells or not cells[0] or not all(is_numberish(c) for c in cells[1:]) or len(cells) < 2:
            continue
        match = next((c for c in canon if core(c[1]) == core(cells[0])), None)
        if match is None:
            problems.append(f"未识别的行：{cells[0]}")
            continue
        cols = match[2]
        vals, raws, units = {}, {}, {}
        for i, col in enumerate(cols):
            raw = cells[1 + i] if 1 + i < len(cells) else ""
            val, unit, _ok = _value(raw)
            vals[col], raws[col] = val, raw
            if unit:
                units[col] = unit
        found_cols = header[: len(cols)]
        if found_cols and any(core(a) != core(b) for a, b in zip(found_cols, cols, strict=False)):
            problems.append(f"{match[1]}：列名与统一格式不同（{'、'.join(found_cols)}）")
        rows.append({"caption": match[0], "found_caption": caption, "label": match[1], "values": vals,
                     "raw": raws, "units": units})
    got = {r["label"] for r in rows}
    missing = [c[1] for c in canon if c[1] not in got]
    if missing:
        problems.append("缺少行：" + "、".join(missing))
    return {"id": "二", "name": "主动公开政府信息情况", "version": version, "rows": rows, "problems": problems}


# ---------------------------------------------------------------- table 四

def is_t4(grid: Grid) -> bool:
    """Table 四 (行政复议、行政诉讼)?"""
    t = norm_label(grid.text())
    return "行政复议" in t and "行政诉讼" in t and "维持" in t


def read_t4(grid: Grid) -> dict[str, Any]:
    """Table 四: {columns (复议.结果维持 …), values, raw, problems} from its one data row."""
    problems: list[str] = []
    for r in range(len(grid.rows) - 1, -1, -1):
        cells = [t for _o, t in grid.distinct(r)]
        if len(cells) >= 15 and all(is_numberish(c) for c in cells[-15:]):
            raw = cells[-15:]
            return {"id": "四", "name": "政府信息公开行政复议、行政诉讼情况", "columns": list(F.T4_COLUMNS),
                    "values": [_value(c)[0] for c in raw], "raw": raw, "problems": problems}
    return {"id": "四", "name": "政府信息公开行政复议、行政诉讼情况", "columns": list(F.T4_COLUMNS),
            "values": None, "raw": None, "problems": ["未找到15个数值的数据行"]}


# ---------------------------------------------------------------- 清单事项公开情况表

_URL = re.compile(r"https?://[^\s<>\"'，。；]+")


def is_item_table(grid: Grid) -> bool:
    """A 清单事项公开情况表?"""
    head = norm_label(" ".join(grid.rows[0])) if grid.rows else ""
    return "事项" in head and ("链接" in head or "网址" in head or "栏目" in head)


def read_item_table(grid: Grid) -> dict[str, Any]:
    """Rows {no, item, published (True/False/None), links} of a 清单事项公开情况表."""
    head = [norm_label(c) for c in grid.rows[0]]

    def col(*words: str) -> int | None:
        return next((i for i, h in enumerate(head) if any(w in h for w in words)), None)

    c_item, c_pub, c_link = col("事项"), col("是否公开", "公开情况", "是否"), col("链接", "网址", "栏目")
    c_no = col("序号")
    rows = []
    for r in range(1, len(grid.rows)):
        cells = grid.rows[r]
        item = cells[c_item] if c_item is not None else ""
        if not item:
            continue
        links: list[str] = []
        if c_link is not None:
            links = list(grid.links.get(grid.origin[r][c_link], [])) or _URL.findall(cells[c_link])
        pub_raw = cells[c_pub] if c_pub is not None else ""
        pub = True if re.search(r"是|已公开|√", pub_raw) else False if re.search(r"否|未公开|×", pub_raw) else None
        rows.append({"no": cells[c_no] if c_no is not None else str(r), "item": item, "published": pub,
                     "links": links})
    return {"id": "清单", "name": "清单事项公开情况表", "rows": rows}


def read_grids(grids: list[Grid]) -> dict[str, Any]:
    """The official tables found among the grids: keys t2, t3, t4, items (absent when not found)."""
    out: dict[str, Any] = {}
    for g in grids:
        if not g.rows:
            continue
        if "t3" not in out and is_t3(g):
            out["t3"] = read_t3(g)
        elif "t2" not in out and is_t2(g):
            out["t2"] = read_t2(g)
        elif "t4" not in out and is_t4(g):
            out["t4"] = read_t4(g)
        elif "items" not in out and is_item_table(g):
            out["items"] = read_item_table(g)
    return out

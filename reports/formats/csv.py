"""CSV exports beside the HTML report: columns.csv, items.csv, findings.csv and scores.csv.

Their column names are a public contract (people script against them): add, never rename. The lists
are `reports.model.*_COLUMNS`; a new column is one name there plus its value in `load_run`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from reports.cells import write_csv, write_csv_batches
from reports.context import Report
from reports.crawl_csv import write_crawl_csvs
from reports.finding_rows import FindingReader
from reports.model import FINDING_COLUMNS, SCORE_COLUMNS

# `--lang zh`: the same columns in the same order under Chinese heads, for readers rather than scripts
ZH_HEADERS = {
    "run_id": "运行", "rubric_id": "评估指标", "site_id": "网站编号", "site_name": "网站", "site_url": "网址",
    "section_id": "类别编号", "section_name": "类别", "item_id": "序号", "item_name": "事项", "check_kind": "检查方式",
    "status": "结论", "credit": "得分比例", "points": "得分", "max_points": "满分", "message": "说明",
    "reason": "原因", "matched": "匹配栏目", "evidence_urls": "证据链接", "column_id": "栏目编号",
    "parent_id": "上级栏目编号", "path": "栏目路径", "name": "栏目名称", "url": "链接", "depth": "层级",
    "offsite": "站外", "item_count": "信息条数", "declared_count": "栏目标称条数", "list_pages": "列表页数",
    "newest_date": "最新发布日期", "has_content": "有正文", "column_path": "所在栏目", "title": "标题",
    "published": "发布日期", "eligible_points": "参评分值", "percent": "得分率", "veto": "单项否决",
    "rank": "排名", "kind": "栏目类型", "page_kind": "页面类型", "empty": "无条目无内容", "absence": "查找范围",
}


def write(report: Report, out_dir: Path) -> list[Path]:
    """The four CSVs (UTF-8 with BOM for Excel); scores.csv also has each site's rank.

    columns.csv and items.csv are streamed from the store chunk by chunk (see reports.crawl_rows), by the
    process `render_report` started for them when the run is large (reports.crawl_csv), else here.
    """
    data = report.data
    headers = ZH_HEADERS if report.lang == "zh" else None
    scores = _scores_with_rank(data.scores[SCORE_COLUMNS], report.ranking.table)
    if headers:
        scores = scores.rename(columns=headers)
    header = [headers.get(c, c) for c in FINDING_COLUMNS] if headers else FINDING_COLUMNS
    tables = [_write_findings(data.finding_reader, header, out_dir / "findings.csv"),
              write_csv(scores, out_dir / "scores.csv")]
    pending, report.crawl_csv = report.crawl_csv, None
    crawl = None
    if pending is not None:
        crawl = pending.wait() if pending.out_dir == out_dir else pending.cancel()
    if crawl is None:
        crawl = write_crawl_csvs(data.crawl_rows, out_dir, headers)
    return [*crawl, *tables]


def _write_findings(reader: FindingReader, header: list[str], path: Path) -> Path:
    """findings.csv: joined from the rows the site pages wrote while reading the findings, when the html
    format asked for them (reports.finding_parts), else read here a batch of sites at a time."""
    parts, reader.csv_parts = reader.csv_parts, None
    if parts is None:
        batches = (frame[FINDING_COLUMNS].set_axis(header, axis=1) for frame in reader.batches())
        return write_csv_batches(batches, header, path)
    try:
        return parts.join(reader.batch_count(), header, reader.batch, path)
    finally:
        parts.close()


def _scores_with_rank(scores: pd.DataFrame, ranking_table: pd.DataFrame | None) -> pd.DataFrame:
    if ranking_table is None or ranking_table.empty or "rank" not in ranking_table:
        return scores.assign(rank=pd.NA)
    ranks = dict(zip(ranking_table.site_id, ranking_table["rank"], strict=True))
    return scores.assign(rank=scores.site_id.map(ranks))

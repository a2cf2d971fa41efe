"""CSV of every list the archive shows (hits, an issue list, departments, a department's items,
the import record), shared by the web's .csv twins and the CLI's --csv.

Every table goes through `table_csv`, so every export is written the same way:
a UTF-8 BOM (so that Excel reads the Chinese), one header row in Chinese, links
made absolute by the caller's `link` (on the configured base URL), and no cell
a spreadsheet would run as a formula, whatever a document says (`cell`).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Sequence

from archive.model import department_url, issue_url, shown_name
from archive.records import DepartmentCount, Imports, IssueSummary, ItemRecord
from indexer.search import Hit

EXPORT_LIMIT = 5000  # hits in an export: every hit of any real search, bounded
HEADER = ["条目", "链接", "期号", "栏目", "序号", "起始日期", "结束日期", "部门", "内容"]
KINDS = {"weekly": "周报", "monthly": "月报"}
# What makes Excel, LibreOffice Calc or WPS read a cell as a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")

Link = Callable[[str], str]  # a path of the app -> its absolute URL


def cell(value: object) -> object:
    """A cell as a spreadsheet will show it, never run it: text opening like a formula gets a
    leading ' (OWASP's advice; the spreadsheet shows the text and hides the quote). A number
    (-0.5, or 3 written as a number) is no formula and stays one; None is an empty cell."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        if not _PLAIN_NUMBER.fullmatch(value):
            return "'" + value
    return value


def table_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """Rows as CSV text with a UTF-8 BOM, every cell neutralised (`cell`)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([cell(v) for v in header])
    writer.writerows([cell(v) for v in row] for row in rows)
    return out.getvalue()


def items_csv(items: Iterable[Hit | ItemRecord], link: Link) -> str:
    """Items (search hits, or a department's items and tables), one row each."""
    return table_csv(
        HEADER,
        (
            [
                i.item_id,
                link(i.url),
                i.issue_title,
                i.section_title,
                i.label,
                i.date_from,
                i.date_to,
                "、".join(i.departments),
                i.text,
            ]
            for i in items
        ),
    )


def issues_csv(summaries: list[IssueSummary], link: Link) -> str:
    return table_csv(
        ["编号", "链接", "期号", "类型", "期", "总期", "期间起", "期间止", "印发日期", "条目数"],
        (
            [
                s.issue_id,
                link(issue_url(s.issue_id)),
                s.title,
                KINDS.get(s.kind, s.kind),
                s.number,
                s.total_number,
                s.period_start,
                s.period_end,
                s.published,
                s.items,
            ]
            for s in summaries
        ),
    )


def departments_csv(listing: list[DepartmentCount], link: Link) -> str:
    return table_csv(
        ["简称", "全称", "类别", "条目数", "链接"],
        (
            [
                e.department.short_name,
                e.department.full_name,
                e.department.kind,
                e.items,
                link(department_url(e.department.short_name)),
            ]
            for e in listing
        ),
    )


def imports_csv(record: Imports, link: Link) -> str:
    """The import record: files not stored (with the reason), then the files stored; each file
    as shown (below the folder ingested), never where the server keeps it."""
    header = ["状态", "文件", "路径", "对应一期", "链接", "大小（字节）", "时间", "原因", "代码"]
    problems = (
        ["未能导入", shown_name(p.shown), p.shown, "", "", p.size, p.seen_at]
        + [p.problem.chinese, p.problem.code]
        for p in record.problems
    )
    sources = (
        ["已导入", shown_name(s.shown), s.shown, s.issue_id]
        + [link(issue_url(s.issue_id)) if s.issue_id else "", s.size, s.ingested_at, "", ""]
        for s in record.sources
    )
    return table_csv(header, [*problems, *sources])

"""CSV export of search hits, shared by the web page and the CLI."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

from indexer.search import Hit

EXPORT_LIMIT = 5000  # hits in an export: every hit of any real search, bounded
HEADER = ["条目", "链接", "期号", "栏目", "序号", "起始日期", "结束日期", "部门", "内容"]


def hits_csv(hits: list[Hit], link: Callable[[Hit], str]) -> str:
    """The hits as CSV text with a UTF-8 BOM (so that Excel reads the Chinese correctly)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for hit in hits:
        writer.writerow(
            [
                hit.item_id,
                link(hit),
                hit.issue_title,
                hit.section_title,
                hit.label,
                hit.date_from or "",
                hit.date_to or "",
                "、".join(hit.departments),
                hit.text,
            ]
        )
    return out.getvalue()

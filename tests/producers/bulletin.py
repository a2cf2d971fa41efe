"""What a bulletin prints, block by block: the input every producer lays out.

Built from the corpus text through `archive.parse` (whose reading of the corpus the
golden fixtures check), so that a PDF carries every character of the bulletin, each
in the kind of block the page shows it in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from archive.model import Attachment, Issue

ISSUER = "四川省政府政务服务和公共资源交易服务中心"
_ISSUER_DATE = re.compile(rf"^(?P<issuer>{ISSUER})\s*(?P<date>\d{{4}}年\d{{1,2}}月\d{{1,2}}日)$")
TITLES = ("窗口工作周报", "政务窗口月报")


@dataclass
class Table:
    columns: list[str]  # header cells; "基础分 分值" wraps into two lines
    rows: list[list[str]]  # cells as printed; a tie's 序号 cell is merged (see spans)
    spans: list[int]  # per row: how many rows its 序号 cell spans (0: covered by one above)


@dataclass
class Block:
    kind: str  # "title", "masthead", "issuer_date", "heading", "paragraph", "attachment", "footer"
    text: str = ""
    table: Table | None = None


@dataclass
class Bulletin:
    name: str
    masthead: list[Block] = field(default_factory=list)
    body: list[Block] = field(default_factory=list)
    attachments: list[tuple[list[Block], Table | None]] = field(default_factory=list)
    footer: list[Block] = field(default_factory=list)


def number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def table(attachment: Attachment) -> Table | None:
    if not attachment.rows:
        return None
    columns = [_header_cell(c) for c in attachment.columns]
    rows, spans = [], []
    for index, row in enumerate(attachment.rows):
        tied = index > 0 and row.seq is not None and row.seq == attachment.rows[index - 1].seq
        seq = "" if tied else str(row.seq or "")
        scores = (row.base, row.deduction, row.bonus, row.score)
        rows.append([seq, row.name, *map(number, scores)])
        if tied:
            spans.append(0)
            owner = max(i for i, s in enumerate(spans) if s)
            spans[owner] += 1
        else:
            spans.append(1)
    return Table(columns, rows, spans)


def _header_cell(column: str) -> str:
    """The corpus's "基础分 分值" (a header cell wrapped in two) as a cell's two lines."""
    return re.sub(r"^(基础分|减分)(分值)$", r"\1\n\2", column)


def bulletin(name: str, issue: Issue) -> Bulletin:
    out = Bulletin(name)
    for line in issue.header:
        found = _ISSUER_DATE.match(line)
        if found:
            out.masthead.append(Block("issuer_date", f"{found['issuer']}\t{found['date']}"))
        elif line in TITLES:
            out.masthead.append(Block("title", line))
        else:
            out.masthead.append(Block("masthead", line))
    for section in issue.sections:
        out.body.append(Block("heading", f"{section.numeral}、{section.title}"))
        for item in section.items:
            for node in item.walk():
                first, *more = node.text.split("\n")
                out.body.append(Block("paragraph", node.label + first))
                out.body.extend(Block("paragraph", paragraph) for paragraph in more)
    for attachment in issue.attachments:
        blocks = [Block("attachment", f"附件：{attachment.title}")]
        blocks.extend(Block("attachment", line) for line in attachment.lines)
        out.attachments.append((blocks, table(attachment)))
    if issue.footer:
        if issue.footer.report_to:
            out.footer.append(Block("footer", f"报：{issue.footer.report_to}"))
        if issue.footer.send_to:
            out.footer.append(Block("footer", f"发：{issue.footer.send_to}"))
        if issue.footer.copies is not None:
            out.footer.append(Block("footer", f"（共印{issue.footer.copies}份）"))
    return out


def running_head(issue: Issue) -> str:
    """What a running head repeats: the bulletin's name and its issue (or its week)."""
    line = next((b for b in issue.header if "期" in b), "")
    if not line and issue.period_start and issue.period_end:
        line = next((b for b in issue.header if b.startswith("（") and b.endswith("）")), "")
    return f"{issue.name}  {line}".strip()

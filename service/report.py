"""The report staff write from the bulletins: the chosen items, their citations and links, grouped.

A `Report` (title, the filters used, the chosen items with their citations and
absolute links) is what the web's report page, its JSON, the Word download and
`bulletins report` share; `groups` orders the items under their issue or
department, for the document and the printable page alike. The Word document
itself is `service.word`'s (python-docx is imported only by what writes one).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from archive.model import item_id

GROUPINGS = ("issue", "department")
NO_DEPARTMENT = "未涉及具体部门"


@dataclass(frozen=True)
class ReportItem:
    """One chosen item, with all a reader of the printed report needs to find it again."""

    text: str  # paragraphs separated by "\n"
    citation: str  # 《窗口工作周报》2024年第37期（总第508期，2024年9月23日印发）二、政务工作动态 第（三）项
    link: str  # the absolute permalink
    issue_id: str
    issue_title: str  # 《窗口工作周报》2024年第37期（总第508期）: the heading of its issue's group
    departments: tuple[str, ...] = ()
    dates: str = ""  # the span the item reports, as shown: "2024年9月11日"
    anchor: str = ""  # its place in the issue ("s2-3"), when it came from the archive
    version: int = 1  # the version of its issue it was read from (a corrected issue's are 2, 3 …)
    where: str = ""  # the citation's place part (Citation.place): "二、政务工作动态 第（三）项"

    def to_json(self) -> dict:
        return {
            "item_id": item_id(self.issue_id, self.anchor, self.version) if self.anchor else None,
            "issue_id": self.issue_id,
            "issue_title": self.issue_title,
            "citation": self.citation,
            "url": self.link,
            "dates": self.dates,
            "departments": list(self.departments),
            "text": self.text,
        }

    @property
    def place(self) -> str:
        """Where in its issue: the citation without its issue ("二、政务工作动态 第（三）项")."""
        if self.where:
            return self.where
        if self.citation.startswith(self.issue_title):
            return self.citation[len(self.issue_title) :] or self.citation
        return self.citation


@dataclass(frozen=True)
class Report:
    title: str
    filters: tuple[tuple[str, str], ...]  # (what, value) as shown: ("部门", "住建厅")
    items: tuple[ReportItem, ...]
    group_by: str = "issue"
    generated: datetime | None = None  # shown as given (the server's local time)
    prefer: tuple[str, ...] = field(default=())  # departments an item is grouped under first

    def __post_init__(self) -> None:
        if self.group_by not in GROUPINGS:
            raise ValueError(f"group_by must be one of {GROUPINGS}, not {self.group_by!r}")

    def to_json(self) -> dict:
        return {
            "title": self.title,
            "filters": [[what, value] for what, value in self.filters],
            "group_by": self.group_by,
            "generated": self.generated.isoformat(timespec="seconds") if self.generated else None,
            "total": len(self.items),
            "groups": [
                {"name": name, "items": [i.to_json() for i in items]}
                for name, items in groups(self)
            ],
        }


def groups(report: Report) -> list[tuple[str, list[ReportItem]]]:
    """The items under their issue (or department), groups in order of their first item.

    Each item appears once: under the first of its departments the report
    prefers (the department searched for), else its first department.
    """
    grouped: dict[str, list[ReportItem]] = {}
    for item in report.items:
        if report.group_by == "issue":
            key = item.issue_title
        else:
            preferred = [d for d in report.prefer if d in item.departments]
            key = (preferred or list(item.departments) or [NO_DEPARTMENT])[0]
        grouped.setdefault(key, []).append(item)
    return list(grouped.items())

"""What the store gives back besides whole issues: records of files, lists and reports.

Each is a dataclass whose `to_json` is the one builder of its JSON shape: the
API returns it and the CLI prints it, so the two cannot drift. URLs come from
`model`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .departments import Department
from .figure_store import FigurePoint
from .model import (
    AttachmentRow,
    Source,
    attachment_anchor,
    department_url,
    issue_url,
    item_id,
    item_url,
)
from .problems import Problem


@dataclass
class SourceRecord:
    """A file that was ingested, and the issue it gave."""

    path: str
    sha256: str
    size: int
    ingested_at: str
    issue_id: str | None

    def to_json(self) -> dict:
        return {
            "path": self.path,
            "file": Path(self.path).name,
            "sha256": self.sha256,
            "size": self.size,
            "ingested_at": self.ingested_at,
            "issue_id": self.issue_id,
        }


@dataclass
class ProblemRecord:
    """A file whose last ingest did not store it, and why (kept until the file ingests cleanly)."""

    path: str
    sha256: str | None
    size: int | None
    seen_at: str
    problem: Problem

    def to_json(self) -> dict:
        return {
            "path": self.path,
            "file": Path(self.path).name,
            "sha256": self.sha256,
            "size": self.size,
            "seen_at": self.seen_at,
            "code": self.problem.code,
            "message": self.problem.english,
            "message_zh": self.problem.chinese,
        }


@dataclass
class Imports:
    """The import record: files not stored (most recent first) and files stored (newest first)."""

    problems: list[ProblemRecord]
    sources: list[SourceRecord]

    def to_json(self) -> dict:
        return {
            "problems": [p.to_json() for p in self.problems],
            "sources": [s.to_json() for s in self.sources],
        }


@dataclass
class IssueSummary:
    """One line of the issue list: enough to show and link it without loading it."""

    issue_id: str
    kind: str
    number: int | None
    total_number: int | None
    period_start: str | None
    period_end: str | None
    published: str | None
    title: str
    items: int
    source: Source

    def to_json(self) -> dict:
        return {
            "issue_id": self.issue_id,
            "kind": self.kind,
            "number": self.number,
            "total_number": self.total_number,
            "period_start": self.period_start,
            "period_end": self.period_end,
            "published": self.published,
            "title": self.title,
            "url": issue_url(self.issue_id),
            "items": self.items,
            "source": self.source.to_json(),
        }


@dataclass
class DepartmentCount:
    """A department and how many items mention it: one entry of the department list."""

    department: Department
    items: int

    def to_json(self) -> dict:
        return {
            **self.department.to_json(),
            "url": department_url(self.department.short_name),
            "items": self.items,
        }


@dataclass
class ItemRecord:
    """An item as listed on a department page: enough to show and link it."""

    issue_id: str
    anchor: str
    issue_title: str
    section: str  # the facet name, as in search hits
    section_title: str  # as printed, with its numeral
    label: str
    text: str
    date_from: str | None
    date_to: str | None
    departments: list[str]

    def to_json(self) -> dict:
        return {
            "item_id": item_id(self.issue_id, self.anchor),
            "issue_id": self.issue_id,
            "url": item_url(self.issue_id, self.anchor),
            "issue_title": self.issue_title,
            "section": self.section,
            "section_title": self.section_title,
            "label": self.label,
            "date_from": self.date_from,
            "date_to": self.date_to,
            "departments": self.departments,
            "text": self.text,
        }


@dataclass
class AssessmentRow:
    """A department's row in one issue's 窗口考核结果 table."""

    issue_id: str
    issue_title: str
    attachment: int
    title: str
    row: AttachmentRow

    @property
    def anchor(self) -> str:
        return attachment_anchor(self.attachment)

    def to_json(self) -> dict:
        return {
            "issue_id": self.issue_id,
            "issue_title": self.issue_title,
            "url": item_url(self.issue_id, self.anchor),
            "title": self.title,
            **self.row.to_json(),
        }


@dataclass
class DepartmentReport:
    """Everything the archive holds about one department: its items (a page), months, assessments."""

    department: Department
    total: int  # items that mention it and tables that list it
    tables: int  # of which tables (窗口考核结果)
    page: int
    pages: int
    months: list[tuple[str, int]]
    items: list[ItemRecord]
    assessments: list[AssessmentRow]
    scores: list[FigurePoint] = field(default_factory=list)  # its 考核 score per assessed month
    ranks: list[FigurePoint] = field(default_factory=list)  # and its rank (tied rows share one)

    def to_json(self) -> dict:
        return {
            **self.department.to_json(),
            "url": department_url(self.department.short_name),
            "total": self.total,
            "tables": self.tables,
            "page": self.page,
            "pages": self.pages,
            "months": [[month, n] for month, n in self.months],
            "items": [i.to_json() for i in self.items],
            "assessments": [a.to_json() for a in self.assessments],
            "scores": [p.to_json() for p in self.scores],
            "ranks": [p.to_json() for p in self.ranks],
        }

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
    Issue,
    Source,
    attachment_anchor,
    department_url,
    issue_url,
    item_id,
    item_url,
    shown_name,
)
from .problems import Problem

STATUSES = ("added", "updated", "unchanged", "duplicate", "failed")  # of an Outcome


@dataclass
class Outcome:
    """What an ingest did with one file (`ingest.ingest_files` gives one a file)."""

    path: str
    status: str  # one of STATUSES
    issue_id: str | None = None
    problem: Problem | None = None
    version: int | None = None  # the version of the issue the file gave (or is)
    supersedes: str | None = None  # for a correction: the file of the version it replaced
    name: str = ""  # what the file is shown as (see `ingest.find`)

    @property
    def message(self) -> str:
        """The problem in English, naming the file: "scan.pdf: the PDF has no text layer…"."""
        return f"{Path(self.path).name}: {self.problem.english}" if self.problem else ""

    @property
    def message_zh(self) -> str:
        return f"{Path(self.path).name}：{self.problem.chinese}" if self.problem else ""

    def to_json(self) -> dict:
        return {
            "path": self.path,
            "file": self.name or Path(self.path).name,
            "status": self.status,
            "issue_id": self.issue_id,
            "version": self.version,
            "supersedes": self.supersedes,
            "code": self.problem.code if self.problem else None,
            "message": self.message,
            "message_zh": self.message_zh,
        }


@dataclass
class SourceRecord:
    """A file that was ingested, and the issue it gave."""

    path: str  # where the server read it: the key, never shown
    sha256: str
    size: int
    ingested_at: str
    issue_id: str | None
    name: str | None = None  # below the folder it was ingested from (see model.Source)

    @property
    def shown(self) -> str:
        return self.name or shown_name(self.path)

    def to_json(self) -> dict:
        return {
            "path": self.shown,
            "file": shown_name(self.shown),
            "sha256": self.sha256,
            "size": self.size,
            "ingested_at": self.ingested_at,
            "issue_id": self.issue_id,
        }


@dataclass
class ProblemRecord:
    """A file whose last ingest did not store it, and why (kept until the file ingests cleanly)."""

    path: str  # where the server read it: the key, never shown
    sha256: str | None
    size: int | None
    seen_at: str
    problem: Problem
    name: str | None = None

    @property
    def shown(self) -> str:
        return self.name or shown_name(self.path)

    def to_json(self) -> dict:
        return {
            "path": self.shown,
            "file": shown_name(self.shown),
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
    version: int = 1  # its current version: more than 1 once corrected

    def to_json(self) -> dict:
        return {
            "issue_id": self.issue_id,
            "version": self.version,
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
    version: int = 1  # of its issue: the current one

    @property
    def item_id(self) -> str:
        return item_id(self.issue_id, self.anchor, self.version)

    @property
    def url(self) -> str:
        return item_url(self.issue_id, self.anchor, self.version)

    def to_json(self) -> dict:
        return {
            "item_id": self.item_id,
            "issue_id": self.issue_id,
            "url": self.url,
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
    version: int = 1  # of its issue: the current one

    @property
    def anchor(self) -> str:
        return attachment_anchor(self.attachment)

    @property
    def url(self) -> str:
        return item_url(self.issue_id, self.anchor, self.version)

    def to_json(self) -> dict:
        return {
            "issue_id": self.issue_id,
            "issue_title": self.issue_title,
            "url": self.url,
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


@dataclass
class VersionRecord:
    """One version of an issue: when the archive received it, from which file."""

    issue_id: str
    version: int  # 1 as first published, then each correction
    received_at: str | None  # when it was ingested (UTC); None for an issue stored before
    source: Source
    published: str | None  # its 印发 date as printed
    title: str
    current: bool
    original_kept: bool = False  # is a copy of its file in the archive (Originals), to download

    @property
    def url(self) -> str:
        """The page of this version: the issue's own page for the current one."""
        return issue_url(self.issue_id, None if self.current else self.version)

    @property
    def original_url(self) -> str | None:
        """The file this version was read from, as received (None without a copy)."""
        return f"{self.url}/original" if self.original_kept else None

    def to_json(self) -> dict:
        return {
            "version": self.version,
            "current": self.current,
            "url": self.url,
            "original_url": self.original_url,
            "received_at": self.received_at,
            "published": self.published,
            "title": self.title,
            "source": self.source.to_json(),
        }


@dataclass
class VersionedIssue:
    """An issue in one of its versions, with every version it has had: what its page shows."""

    issue: Issue
    versions: list[VersionRecord]  # first to current

    @property
    def current(self) -> VersionRecord:
        return self.versions[-1]

    @property
    def version(self) -> VersionRecord:
        """The record of the version shown."""
        return next(v for v in self.versions if v.version == self.issue.version)

    @property
    def is_current(self) -> bool:
        return self.issue.version == self.current.version

    @property
    def corrected_at(self) -> str | None:
        """When the correction now current came (None for an issue never corrected)."""
        return self.current.received_at if len(self.versions) > 1 else None

    def to_json(self) -> dict:
        return {
            **self.issue.to_json(),
            "url": self.version.url,
            "current_version": self.current.version,
            "corrected_at": self.corrected_at,
            "versions": [v.to_json() for v in self.versions],
        }


@dataclass
class ItemLink:
    """Where a link to an item leads: the version and anchor it names, what became of that
    item in the current version, and the item to show for it.

    `fate` is None when the link names the current version; else `versions.FATES`:
    `same` and `moved` show the current item (the page redirects to its link),
    `changed` the current item with a link to its text as published, `removed`
    the item as it was, in the version the link names.
    """

    version: int  # the version the link names (1 for a link without a version)
    anchor: str  # the anchor it names
    fate: str | None
    shown: VersionedIssue  # the current version, or the version named if its item is gone
    shown_anchor: str

    @property
    def issue(self) -> Issue:
        return self.shown.issue

    @property
    def url(self) -> str:
        """The link as it was followed (with its version, if it named one but the first)."""
        return item_url(self.issue.issue_id, self.anchor, self.version)

    @property
    def current_url(self) -> str | None:
        """The item's link in the current version; None when the correction removed it."""
        if self.fate == "removed":
            return None
        return item_url(self.issue.issue_id, self.shown_anchor, self.shown.current.version)

    @property
    def as_published(self) -> str:
        """The item in the version the link names, on that version's page."""
        return f"{issue_url(self.issue.issue_id, self.version)}#{self.anchor}"

    def to_json(self) -> dict:
        """The item shown (`Issue.item_to_json`) and, for a link to an earlier version, what
        became of the item it names."""
        return {
            **self.issue.item_to_json(self.shown_anchor),
            "correction": None
            if self.fate is None
            else {
                "status": self.fate,
                "link": {"version": self.version, "anchor": self.anchor, "url": self.url},
                "current_url": self.current_url,
                "as_published": self.as_published,
                "corrected_at": self.shown.corrected_at,
            },
        }

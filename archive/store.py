"""The archive store: SQLite through sqlite-utils, the system of record.

Everything else (the search index, the web pages) is derived from it. An
issue is written or replaced in one transaction, so a failed or interrupted
ingest never leaves half an issue, and readers (WAL mode) keep reading while
a write is under way.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields, replace
from datetime import UTC, date, datetime
from pathlib import Path

from sqlite_utils import Database

from .departments import Department
from .model import Attachment, AttachmentRow, Footer, Issue, Item, Section, Source, chinese_numeral
from .problems import Problem

SCHEMA_VERSION = 2  # 2: the problems table


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
            "url": f"/issues/{self.issue_id}",
            "items": self.items,
            "source": self.source.to_json(),
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
            "item_id": f"{self.issue_id}/{self.anchor}",
            "issue_id": self.issue_id,
            "url": f"/items/{self.issue_id}/{self.anchor}",
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

    def to_json(self) -> dict:
        return {
            "issue_id": self.issue_id,
            "issue_title": self.issue_title,
            "url": f"/items/{self.issue_id}/a{self.attachment}",
            "title": self.title,
            **self.row.to_json(),
        }


@dataclass
class DepartmentReport:
    """Everything the archive holds about one department: its items (a page), months, assessments."""

    department: Department
    total: int
    page: int
    pages: int
    months: list[tuple[str, int]]
    items: list[ItemRecord]
    assessments: list[AssessmentRow]

    def to_json(self) -> dict:
        return {
            **self.department.to_json(),
            "url": f"/departments/{self.department.short_name}",
            "total": self.total,
            "page": self.page,
            "pages": self.pages,
            "months": [[month, n] for month, n in self.months],
            "items": [i.to_json() for i in self.items],
            "assessments": [a.to_json() for a in self.assessments],
        }


class Store:
    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.db = Database(path)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA busy_timeout=10000")
        # WAL with synchronous=NORMAL: a commit survives a crash of the program; only a power
        # cut can lose the last commits, never corrupt the file. Spares an fsync per issue.
        self.db.execute("PRAGMA synchronous=NORMAL")
        self._create()

    def close(self) -> None:
        self.db.close()

    def _create(self) -> None:
        db = self.db
        if "sources" in db.table_names():
            self._upgrade()
            return
        with self._transaction():
            db["sources"].create(
                {"path": str, "sha256": str, "size": int, "ingested_at": str, "issue_id": str},
                pk="path",
            )
            db["issues"].create(
                {
                    "issue_id": str,
                    "kind": str,
                    "number": int,
                    "total_number": int,
                    "year": int,
                    "period_start": str,
                    "period_end": str,
                    "published": str,
                    "title": str,
                    "header": str,
                    "report_to": str,
                    "send_to": str,
                    "copies": int,
                    "source_path": str,
                    "source_sha256": str,
                },
                pk="issue_id",
            )
            db["sections"].create(
                {"issue_id": str, "number": int, "title": str, "name": str},
                pk=("issue_id", "number"),
            )
            db["items"].create(
                {
                    "item_id": str,
                    "issue_id": str,
                    "section_number": int,
                    "anchor": str,
                    "parent_anchor": str,
                    "position": int,
                    "depth": int,
                    "label": str,
                    "text": str,
                    "date_from": str,
                    "date_to": str,
                },
                pk="item_id",
            )
            db["item_departments"].create(
                {"item_id": str, "department": str, "mentions": int, "ord": int},
                pk=("item_id", "department"),
            )
            db["attachments"].create(
                {"issue_id": str, "number": int, "title": str, "columns": str, "lines": str},
                pk=("issue_id", "number"),
            )
            db["attachment_rows"].create(
                {
                    "issue_id": str,
                    "attachment_number": int,
                    "position": int,
                    "seq": int,
                    "name": str,
                    "department": str,
                    "base": float,
                    "deduction": float,
                    "bonus": float,
                    "score": float,
                },
                pk=("issue_id", "attachment_number", "position"),
            )
            db["items"].create_index(["issue_id"])
            db["item_departments"].create_index(["department"])
            db["attachment_rows"].create_index(["department"])
            db["sources"].create_index(["sha256"])
            db["meta"].create({"key": str, "value": str}, pk="key")
            self._set_schema_version()
            self._create_problems()

    def _create_problems(self) -> None:
        self.db["problems"].create(
            {"path": str, "sha256": str, "size": int, "seen_at": str, "code": str, "detail": str},
            pk="path",
            if_not_exists=True,
        )

    def _upgrade(self) -> None:
        """Bring an archive made by an older version up to this schema, keeping its data."""
        if "problems" in self.db.table_names():
            return
        with self._transaction():
            self._create_problems()
            self._set_schema_version()

    def _set_schema_version(self) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)",
            [str(SCHEMA_VERSION)],
        )

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """One write transaction, begun explicitly and holding the write lock from the start.

        Why not `with conn:`: sqlite-utils commits each statement it runs outside
        an open transaction, and Python opens none before the first INSERT, so a
        DELETE would be committed before the INSERT that replaces it and a kill in
        between would leave half an issue.
        """
        conn = self.db.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    # -- sources ----------------------------------------------------------

    def source(self, path: str) -> SourceRecord | None:
        rows = list(self.db.query("SELECT * FROM sources WHERE path = ?", [path]))
        return SourceRecord(**rows[0]) if rows else None

    def source_of_issue(self, issue_id: str) -> SourceRecord | None:
        rows = list(
            self.db.query(
                "SELECT * FROM sources WHERE issue_id = ? ORDER BY path LIMIT 1", [issue_id]
            )
        )
        return SourceRecord(**rows[0]) if rows else None

    def _put_source(self, source: SourceRecord) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO sources (path, sha256, size, ingested_at, issue_id) VALUES (?, ?, ?, ?, ?)",
            [source.path, source.sha256, source.size, source.ingested_at or now(), source.issue_id],
        )

    def problems(self) -> list[ProblemRecord]:
        """Files whose last ingest failed or was a duplicate, most recent first."""
        rows = self.db.query("SELECT * FROM problems ORDER BY seen_at DESC, path")
        return [
            ProblemRecord(
                path=r["path"],
                sha256=r["sha256"],
                size=r["size"],
                seen_at=r["seen_at"],
                problem=Problem(r["code"], r["detail"] or ""),
            )
            for r in rows
        ]

    def problem_paths(self) -> set[str]:
        return {r["path"] for r in self.db.query("SELECT path FROM problems")}

    def sources(self) -> list[SourceRecord]:
        """Every file that gave an issue, newest ingest first."""
        rows = self.db.query(
            "SELECT * FROM sources WHERE issue_id IS NOT NULL ORDER BY ingested_at DESC, path"
        )
        return [SourceRecord(**r) for r in rows]

    # -- writing ----------------------------------------------------------

    def record_problem(self, record: ProblemRecord) -> None:
        """Remember why a file was not stored; what it (or another file) gave before is kept."""
        with self._transaction():
            self.db.execute(
                """INSERT OR REPLACE INTO problems (path, sha256, size, seen_at, code, detail)
                   VALUES (?, ?, ?, ?, ?, ?)""",
                [
                    record.path,
                    record.sha256,
                    record.size,
                    record.seen_at,
                    record.problem.code,
                    record.problem.detail,
                ],
            )

    def clear_problem(self, path: str) -> None:
        with self._transaction():
            self.db.execute("DELETE FROM problems WHERE path = ?", [path])

    def save(self, issue: Issue, source: SourceRecord) -> None:
        """Store an issue read from `source`, replacing whatever that file or that identity gave before."""
        issue_id = issue.issue_id
        previous = self.source(source.path)
        with self._transaction():
            if previous and previous.issue_id and previous.issue_id != issue_id:
                self._delete_issue(previous.issue_id)
            self._delete_issue(issue_id)
            self._put_source(replace(source, issue_id=issue_id))
            self._insert_issue(issue, source)
            self.db.execute("DELETE FROM problems WHERE path = ?", [source.path])

    def record_source(self, source: SourceRecord) -> None:
        """Remember a file (e.g. a duplicate) without storing an issue for it."""
        with self._transaction():
            self._put_source(source)

    def delete_issue(self, issue_id: str) -> None:
        with self._transaction():
            self._delete_issue(issue_id)

    def _delete_issue(self, issue_id: str) -> None:
        db = self.db
        db.execute(
            "DELETE FROM item_departments WHERE item_id IN (SELECT item_id FROM items WHERE issue_id = ?)",
            [issue_id],
        )
        for table in ("items", "sections", "attachments", "attachment_rows", "issues"):
            db.execute(f"DELETE FROM [{table}] WHERE issue_id = ?", [issue_id])
        db.execute("UPDATE sources SET issue_id = NULL WHERE issue_id = ?", [issue_id])

    def _insert_issue(self, issue: Issue, source: SourceRecord) -> None:
        issue_id = issue.issue_id
        footer = issue.footer or Footer()
        self._insert(
            "issues",
            [
                {
                    "issue_id": issue_id,
                    "kind": issue.kind,
                    "number": issue.number,
                    "total_number": issue.total_number,
                    "year": issue.year,
                    "period_start": _iso(issue.period_start),
                    "period_end": _iso(issue.period_end),
                    "published": _iso(issue.published),
                    "title": issue.title,
                    "header": json.dumps(issue.header, ensure_ascii=False),
                    "report_to": footer.report_to,
                    "send_to": footer.send_to,
                    "copies": footer.copies,
                    "source_path": source.path,
                    "source_sha256": source.sha256,
                }
            ],
        )
        sections, items, departments = [], [], []
        position = 0
        for section in issue.sections:
            sections.append(
                {
                    "issue_id": issue_id,
                    "number": section.number,
                    "title": section.title,
                    "name": section.name,
                }
            )
            for top in section.items:
                for item, parent, depth in _walk(top, None, 0):
                    position += 1
                    item_id = f"{issue_id}/{item.anchor}"
                    items.append(
                        {
                            "item_id": item_id,
                            "issue_id": issue_id,
                            "section_number": section.number,
                            "anchor": item.anchor,
                            "parent_anchor": parent.anchor if parent else None,
                            "position": position,
                            "depth": depth,
                            "label": item.label,
                            "text": item.text,
                            "date_from": _iso(item.date_from),
                            "date_to": _iso(item.date_to),
                        }
                    )
                    departments.extend(
                        {"item_id": item_id, "department": name, "mentions": count, "ord": ord_}
                        for ord_, (name, count) in enumerate(item.mentions.items())
                    )
        self._insert("sections", sections)
        self._insert("items", items)
        self._insert("item_departments", departments)
        for attachment in issue.attachments:
            self._insert(
                "attachments",
                [
                    {
                        "issue_id": issue_id,
                        "number": attachment.number,
                        "title": attachment.title,
                        "columns": json.dumps(attachment.columns, ensure_ascii=False),
                        "lines": json.dumps(attachment.lines, ensure_ascii=False),
                    }
                ],
            )
            self._insert(
                "attachment_rows",
                [
                    {
                        "issue_id": issue_id,
                        "attachment_number": attachment.number,
                        "position": i,
                        **row.__dict__,
                    }
                    for i, row in enumerate(attachment.rows, 1)
                ],
            )

    def _insert(self, table: str, rows: list[dict]) -> None:
        """Insert rows into a table created above: one prepared statement, no per-row introspection.

        (sqlite-utils' insert_all checks the table for every call; an ingest of
        many issues spends most of its store time there.)
        """
        if not rows:
            return
        columns = list(rows[0])
        names = ", ".join(f"[{c}]" for c in columns)
        marks = ", ".join("?" for _ in columns)
        self.db.conn.executemany(
            f"INSERT INTO [{table}] ({names}) VALUES ({marks})",
            [tuple(r[c] for c in columns) for r in rows],
        )

    # -- reading ----------------------------------------------------------

    def issue_signatures(self) -> dict[str, str]:
        """issue_id -> what its stored content came from (file hash and ingest time).

        A derived copy (the search index) compares these to know what to redo.
        """
        rows = self.db.query(
            """SELECT i.issue_id, coalesce(s.sha256, i.source_sha256) || ':' || coalesce(s.ingested_at, '') AS sig
               FROM issues i LEFT JOIN sources s ON s.path = i.source_path"""
        )
        return {r["issue_id"]: r["sig"] for r in rows}

    def document_versions(self) -> dict[str, tuple[str, set[str]]]:
        """issue_id -> (signature, ids of its items and attachments): what the index should hold."""
        signatures = self.issue_signatures()
        docs: dict[str, set[str]] = {issue_id: set() for issue_id in signatures}
        for r in self.db.query("SELECT issue_id, item_id FROM items"):
            docs.setdefault(r["issue_id"], set()).add(r["item_id"])
        for r in self.db.query("SELECT issue_id, number FROM attachments"):
            docs.setdefault(r["issue_id"], set()).add(f"{r['issue_id']}/a{r['number']}")
        return {i: (signatures.get(i, ""), ids) for i, ids in docs.items()}

    def integrity(self) -> str:
        """SQLite's quick_check, plus rows whose issue is gone: "ok" or what is wrong."""
        problems = [r[0] for r in self.db.execute("PRAGMA quick_check").fetchall()]
        if problems != ["ok"]:
            return "; ".join(problems[:5])
        orphans = self.db.execute(
            "SELECT count(*) FROM items WHERE issue_id NOT IN (SELECT issue_id FROM issues)"
        ).fetchone()[0]
        lost = self.db.execute(
            """SELECT count(*) FROM sources
               WHERE issue_id IS NOT NULL AND issue_id NOT IN (SELECT issue_id FROM issues)"""
        ).fetchone()[0]
        wrong = [f"{orphans} items belong to no issue"] if orphans else []
        wrong += [f"{lost} files are recorded as stored but their issue is missing"] if lost else []
        return "; ".join(wrong) or "ok"

    def issue_ids(self) -> list[str]:
        return [
            r["issue_id"] for r in self.db.query("SELECT issue_id FROM issues ORDER BY issue_id")
        ]

    def summaries(self) -> list[IssueSummary]:
        """Every issue, newest period first."""
        return self._summaries("1", [])

    def _summaries(
        self, where: str, params: list, order: str = "DESC", limit: int = -1
    ) -> list[IssueSummary]:
        rows = self.db.query(
            f"""SELECT i.*, (SELECT count(*) FROM items WHERE items.issue_id = i.issue_id) AS n
                FROM issues i WHERE {where}
                ORDER BY coalesce(period_start, published) {order}, issue_id {order} LIMIT ?""",
            [*params, limit],
        )
        return [
            IssueSummary(
                issue_id=r["issue_id"],
                kind=r["kind"],
                number=r["number"],
                total_number=r["total_number"],
                period_start=r["period_start"],
                period_end=r["period_end"],
                published=r["published"],
                title=r["title"],
                items=r["n"],
                source=Source(r["source_path"], r["source_sha256"]),
            )
            for r in rows
        ]

    def neighbours(self, issue_id: str) -> tuple[IssueSummary | None, IssueSummary | None]:
        """The previous and next issue of the same kind, by period (two indexed lookups, not a scan)."""
        rows = list(
            self.db.query(
                "SELECT kind, coalesce(period_start, published) AS day FROM issues WHERE issue_id = ?",
                [issue_id],
            )
        )
        if not rows:
            return None, None
        kind, day = rows[0]["kind"], rows[0]["day"]
        key = "(coalesce(period_start, published) {} ? OR (coalesce(period_start, published) = ? AND issue_id {} ?))"
        older = self._summaries(
            f"kind = ? AND {key.format('<', '<')}", [kind, day, day, issue_id], "DESC", 1
        )
        newer = self._summaries(
            f"kind = ? AND {key.format('>', '>')}", [kind, day, day, issue_id], "ASC", 1
        )
        return (older[0] if older else None), (newer[0] if newer else None)

    def department_counts(self) -> dict[str, int]:
        """Department short name -> number of items that mention it."""
        rows = self.db.query(
            "SELECT department, count(*) AS n FROM item_departments GROUP BY department"
        )
        return {r["department"]: r["n"] for r in rows}

    def department_report(
        self, department: Department, page: int = 1, page_size: int = 50
    ) -> DepartmentReport:
        name = department.short_name
        total = self.db.execute(
            "SELECT count(*) FROM item_departments WHERE department = ?", [name]
        ).fetchone()[0]
        return DepartmentReport(
            department=department,
            total=total,
            page=page,
            pages=max(1, -(-total // page_size)),
            months=self.department_months(name),
            items=self.department_items(name, limit=page_size, offset=(page - 1) * page_size),
            assessments=self.department_assessments(name),
        )

    def department_items(
        self, department: str, limit: int = 50, offset: int = 0
    ) -> list[ItemRecord]:
        """Items that mention a department, newest event first."""
        rows = self.db.query(
            """SELECT i.issue_id, i.anchor, i.label, i.text, i.date_from, i.date_to, i.item_id,
                      (SELECT group_concat(department, ',') FROM
                          (SELECT department FROM item_departments x WHERE x.item_id = i.item_id ORDER BY ord)
                      ) AS departments,
                      s.number AS section_number, s.title AS section_title, s.name AS section_name,
                      iss.title AS issue_title
               FROM item_departments d
               JOIN items i ON i.item_id = d.item_id
               JOIN issues iss ON iss.issue_id = i.issue_id
               JOIN sections s ON s.issue_id = i.issue_id AND s.number = i.section_number
               WHERE d.department = ?
               ORDER BY i.date_from DESC, coalesce(iss.period_start, iss.published) DESC, i.position
               LIMIT ? OFFSET ?""",
            [department, limit, offset],
        )
        records = []
        for r in rows:
            numeral = chinese_numeral(r["section_number"])
            records.append(
                ItemRecord(
                    issue_id=r["issue_id"],
                    anchor=r["anchor"],
                    issue_title=r["issue_title"],
                    section=r["section_name"],
                    section_title=f"{numeral}、{r['section_title']}",
                    label=r["label"],
                    text=r["text"],
                    date_from=r["date_from"],
                    date_to=r["date_to"],
                    departments=r["departments"].split(",") if r["departments"] else [],
                )
            )
        return records

    def department_months(self, department: str) -> list[tuple[str, int]]:
        """(YYYY-MM, items) for each month with an item mentioning the department, oldest first."""
        rows = self.db.query(
            """SELECT substr(i.date_from, 1, 7) AS month, count(*) AS n
               FROM item_departments d JOIN items i ON i.item_id = d.item_id
               WHERE d.department = ? AND i.date_from IS NOT NULL
               GROUP BY month ORDER BY month""",
            [department],
        )
        return [(r["month"], r["n"]) for r in rows]

    def department_assessments(self, department: str) -> list[AssessmentRow]:
        """The department's rows in the 窗口考核结果 tables, newest issue first."""
        rows = self.db.query(
            """SELECT r.*, a.title AS attachment_title, iss.title AS issue_title
               FROM attachment_rows r
               JOIN attachments a ON a.issue_id = r.issue_id AND a.number = r.attachment_number
               JOIN issues iss ON iss.issue_id = r.issue_id
               WHERE r.department = ?
               ORDER BY coalesce(iss.period_start, iss.published) DESC""",
            [department],
        )
        return [
            AssessmentRow(
                issue_id=r["issue_id"],
                issue_title=r["issue_title"],
                attachment=r["attachment_number"],
                title=r["attachment_title"],
                row=_attachment_row(r),
            )
            for r in rows
        ]

    def load(self, issue_id: str) -> Issue | None:
        """The issue as it was parsed, rebuilt from its rows."""
        rows = list(self.db["issues"].rows_where("issue_id = ?", [issue_id]))
        if not rows:
            return None
        return self._build(rows[0])

    def iter_issues(self) -> Iterator[Issue]:
        for row in self.db.query("SELECT * FROM issues ORDER BY issue_id"):
            yield self._build(row)

    def _build(self, row: dict) -> Issue:
        issue_id = row["issue_id"]
        issue = Issue(
            kind=row["kind"],
            number=row["number"],
            total_number=row["total_number"],
            year=row["year"],
            period_start=_date(row["period_start"]),
            period_end=_date(row["period_end"]),
            published=_date(row["published"]),
            header=json.loads(row["header"] or "[]"),
            footer=Footer(row["report_to"] or "", row["send_to"] or "", row["copies"])
            if (row["report_to"] or row["send_to"] or row["copies"] is not None)
            else None,
            source=Source(row["source_path"], row["source_sha256"]),
        )
        mentions: dict[str, dict[str, int]] = {}
        for r in self.db.query(
            """SELECT d.item_id, d.department, d.mentions FROM item_departments d
               JOIN items i ON i.item_id = d.item_id WHERE i.issue_id = ? ORDER BY d.item_id, d.ord""",
            [issue_id],
        ):
            mentions.setdefault(r["item_id"], {})[r["department"]] = r["mentions"]
        sections = {
            r["number"]: Section(number=r["number"], title=r["title"], name=r["name"])
            for r in self.db.query(
                "SELECT * FROM sections WHERE issue_id = ? ORDER BY number", [issue_id]
            )
        }
        by_anchor: dict[str, Item] = {}
        for r in self.db.query(
            "SELECT * FROM items WHERE issue_id = ? ORDER BY position", [issue_id]
        ):
            item = Item(
                anchor=r["anchor"],
                label=r["label"],
                text=r["text"],
                date_from=_date(r["date_from"]),
                date_to=_date(r["date_to"]),
                mentions=mentions.get(r["item_id"], {}),
            )
            by_anchor[item.anchor] = item
            if r["parent_anchor"]:
                by_anchor[r["parent_anchor"]].children.append(item)
            else:
                sections[r["section_number"]].items.append(item)
        issue.sections = list(sections.values())
        for a in self.db.query(
            "SELECT * FROM attachments WHERE issue_id = ? ORDER BY number", [issue_id]
        ):
            attachment = Attachment(
                number=a["number"],
                title=a["title"],
                columns=json.loads(a["columns"] or "[]"),
                lines=json.loads(a["lines"] or "[]"),
            )
            for r in self.db.query(
                "SELECT * FROM attachment_rows WHERE issue_id = ? AND attachment_number = ? ORDER BY position",
                [issue_id, a["number"]],
            ):
                attachment.rows.append(_attachment_row(r))
            issue.attachments.append(attachment)
        return issue


def _attachment_row(r: dict) -> AttachmentRow:
    return AttachmentRow(**{f.name: r[f.name] for f in fields(AttachmentRow)})


def _walk(item: Item, parent: Item | None, depth: int):
    yield item, parent, depth
    for child in item.children:
        yield from _walk(child, item, depth + 1)


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")

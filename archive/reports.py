"""The read models: lists and reports the pages and commands show, each one query or a few.

Reading only: everything here is a SELECT over the store's tables, turned
into the records of `records`. Whole issues are the store's (`Store.load`).
"""

from __future__ import annotations

from collections import Counter

from sqlite_utils import Database

from .departments import Department, gazetteer
from .figure_store import FigureReports
from .lookup import IssueRef
from .model import ATTACHMENT_SECTION, Source, iso, section_heading
from .problems import Problem
from .records import (
    AssessmentRow,
    DepartmentCount,
    DepartmentReport,
    Imports,
    IssueSummary,
    ItemRecord,
    ProblemRecord,
    SourceRecord,
)
from .rows import IssueRows, attachment_row, from_rows

DEPARTMENT_PAGE = 50  # items on a page of a department


class Reports:
    """Queries over one store's connection (see `Store.reports`)."""

    def __init__(self, db: Database):
        self.db = db

    # -- files ------------------------------------------------------------

    def imports(self) -> Imports:
        return Imports(self.problems(), self.sources())

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
                name=r["name"],
            )
            for r in rows
        ]

    def sources(self) -> list[SourceRecord]:
        """Every file that gave an issue, newest ingest first."""
        rows = self.db.query(
            "SELECT * FROM sources WHERE issue_id IS NOT NULL ORDER BY ingested_at DESC, path"
        )
        return [SourceRecord(**r) for r in rows]

    def totals(self) -> tuple[int, int]:
        """(issues, items) the archive holds: what a first run says it took in."""
        issues = self.db.execute("SELECT count(*) FROM issues").fetchone()[0]
        items = self.db.execute("SELECT count(*) FROM items").fetchone()[0]
        return issues, items

    def problem_count(self) -> int:
        return self.db.execute("SELECT count(*) FROM problems").fetchone()[0]

    # -- issues -----------------------------------------------------------

    def summaries(self, limit: int = -1, ref: IssueRef | None = None) -> list[IssueSummary]:
        """Issues, newest period first (all of them, or the first `limit`), or those `ref` names."""
        where, params = _where(ref) if ref else ("1", [])
        return self._summaries(where, params, limit=limit)

    def find_issues(self, ref: IssueRef) -> list[IssueSummary]:
        """The issues a reference names (2024年第37期, 第508期, 2025年6月月报), newest first."""
        return self.summaries(ref=ref)

    def issue_years(self) -> list[tuple[int, int]]:
        """(year as the issues print it, issues) for each year, newest first: the list's filter."""
        rows = self.db.query(
            f"SELECT {_YEAR} AS y, count(*) AS n FROM issues i GROUP BY y ORDER BY y DESC"
        )
        return [(r["y"], r["n"]) for r in rows if r["y"]]

    def _summaries(
        self, where: str, params: list, order: str = "DESC", limit: int = -1
    ) -> list[IssueSummary]:
        rows = self.db.query(
            f"""SELECT i.*, (SELECT count(*) FROM items WHERE items.issue_id = i.issue_id) AS n,
                       (SELECT name FROM sources WHERE sources.path = i.source_path) AS source_name
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
                source=Source(r["source_path"], r["source_sha256"], r["source_name"]),
                version=r["version"],
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

    def item_months(self) -> list[tuple[str, int]]:
        """(YYYY-MM, items) for each month an item's event starts in, newest first."""
        rows = self.db.query(
            """SELECT substr(date_from, 1, 7) AS month, count(*) AS n FROM items
               WHERE date_from IS NOT NULL GROUP BY month ORDER BY month DESC"""
        )
        return [(r["month"], r["n"]) for r in rows]

    # -- departments ------------------------------------------------------

    def department_counts(self) -> dict[str, int]:
        """Department short name -> number of items that mention it and tables that list it.

        A 窗口考核结果 table counts once for each department it lists, as the search
        counts it: the department list, its page, the home page and the search facet
        give one number.
        """
        counts: Counter[str] = Counter()
        for query in (_ITEM_COUNTS, _TABLE_COUNTS):
            counts.update({r["department"]: r["n"] for r in self.db.query(query)})
        return dict(counts)

    def departments(self) -> list[DepartmentCount]:
        """Every department of the gazetteer, in its order, with its item count (0 if none)."""
        counts = self.department_counts()
        return [DepartmentCount(d, counts.get(d.short_name, 0)) for d in gazetteer().departments]

    def department_report(
        self, department: Department, page: int = 1, page_size: int = DEPARTMENT_PAGE
    ) -> DepartmentReport:
        name = department.short_name
        tables = self._department_tables(name)
        items = self.db.execute(
            "SELECT count(*) FROM item_departments WHERE department = ?", [name]
        ).fetchone()[0]
        total = items + len(tables)
        offset = (page - 1) * page_size
        # The page of items and tables together: the items up to the page's end, and every
        # table (a department is in one table an issue at most), in one order.
        listed = sorted(
            [*self._department_items(name, limit=offset + page_size), *tables],
            key=_newest_first,
            reverse=True,
        )
        return DepartmentReport(
            department=department,
            total=total,
            tables=len(tables),
            page=page,
            pages=max(1, -(-total // page_size)),
            months=self.department_months(name, tables),
            items=[record for record, _ in listed[offset : offset + page_size]],
            assessments=self.department_assessments(name),
            scores=FigureReports(self.db).points("assessment-score", name),
            ranks=FigureReports(self.db).points("assessment-rank", name),
        )

    def _department_items(self, department: str, limit: int) -> list[tuple[ItemRecord, tuple]]:
        """Items that mention a department, newest event first, each with its place in that order."""
        rows = self.db.query(
            """SELECT i.issue_id, i.anchor, i.label, i.text, i.date_from, i.date_to, i.item_id,
                      i.position,
                      (SELECT group_concat(department, ',') FROM
                          (SELECT department FROM item_departments x WHERE x.item_id = i.item_id ORDER BY ord)
                      ) AS departments,
                      s.number AS section_number, s.title AS section_title, s.name AS section_name,
                      iss.title AS issue_title, iss.version,
                      coalesce(iss.period_start, iss.published) AS issued
               FROM item_departments d
               JOIN items i ON i.item_id = d.item_id
               JOIN issues iss ON iss.issue_id = i.issue_id
               JOIN sections s ON s.issue_id = i.issue_id AND s.number = i.section_number
               WHERE d.department = ?
               ORDER BY i.date_from DESC, coalesce(iss.period_start, iss.published) DESC, i.position
               LIMIT ?""",
            [department, limit],
        )
        return [
            (
                ItemRecord(
                    issue_id=r["issue_id"],
                    anchor=r["anchor"],
                    issue_title=r["issue_title"],
                    section=r["section_name"],
                    section_title=section_heading(r["section_number"], r["section_title"]),
                    label=r["label"],
                    text=r["text"],
                    date_from=r["date_from"],
                    date_to=r["date_to"],
                    departments=r["departments"].split(",") if r["departments"] else [],
                    version=r["version"],
                ),
                (r["date_from"] or "", r["issued"] or "", -r["position"]),
            )
            for r in rows
        ]

    def _department_tables(self, department: str) -> list[tuple[ItemRecord, tuple]]:
        """The attachments whose table lists a department, as the units search finds (each with
        its place in the order of `_department_items`: after the items of its issue).

        Three queries, whatever the number of tables: a department is in one table a month.
        """
        listing = """(issue_id, {number}) IN (SELECT DISTINCT issue_id, attachment_number
                      FROM attachment_rows WHERE department = ?)"""
        per_issue: dict[str, IssueRows] = {}
        for table, number in (
            ("attachments", "number"),
            ("attachment_rows", "attachment_number"),
            ("issues", None),
        ):
            where = (
                listing.format(number=number)
                if number
                else "issue_id IN (SELECT issue_id FROM attachment_rows WHERE department = ?)"
            )
            for row in self.db.query(f"SELECT * FROM [{table}] WHERE {where}", [department]):
                getattr(per_issue.setdefault(row["issue_id"], IssueRows()), table).append(row)
        found = []
        for rows in per_issue.values():
            issue = from_rows(rows)
            issued = issue.period_start or issue.published
            for attachment in issue.attachments:
                start, end = attachment.month or (issued, issue.period_end or issued)
                record = ItemRecord(
                    issue_id=issue.issue_id,
                    anchor=attachment.anchor,
                    issue_title=issue.title,
                    section=ATTACHMENT_SECTION,
                    section_title=f"附件{attachment.number}：{attachment.title}",
                    label="",
                    text=attachment.text,
                    date_from=iso(start),
                    date_to=iso(end),
                    departments=attachment.departments,
                    version=issue.version,
                )
                place = -(_AFTER_THE_ITEMS + attachment.number)
                found.append((record, (record.date_from or "", iso(issued) or "", place)))
        return found

    def department_months(
        self, department: str, tables: list[tuple[ItemRecord, tuple]] | None = None
    ) -> list[tuple[str, int]]:
        """(YYYY-MM, items and tables) for each month with one about the department, oldest first."""
        rows = self.db.query(
            """SELECT substr(i.date_from, 1, 7) AS month, count(*) AS n
               FROM item_departments d JOIN items i ON i.item_id = d.item_id
               WHERE d.department = ? AND i.date_from IS NOT NULL
               GROUP BY month""",
            [department],
        )
        months = Counter({r["month"]: r["n"] for r in rows})
        if tables is None:
            tables = self._department_tables(department)
        months.update(record.date_from[:7] for record, _ in tables if record.date_from)
        return sorted(months.items())

    def department_assessments(self, department: str) -> list[AssessmentRow]:
        """The department's rows in the 窗口考核结果 tables, newest issue first."""
        rows = self.db.query(
            """SELECT r.*, a.title AS attachment_title, iss.title AS issue_title, iss.version
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
                row=attachment_row(r),
                version=r["version"],
            )
            for r in rows
        ]


_ITEM_COUNTS = "SELECT department, count(*) AS n FROM item_departments GROUP BY department"
_TABLE_COUNTS = """SELECT department, count(DISTINCT issue_id || '/' || attachment_number) AS n
                   FROM attachment_rows WHERE department IS NOT NULL GROUP BY department"""


_AFTER_THE_ITEMS = 10**6  # an attachment's place in reading order: after every item of its issue


def _newest_first(entry: tuple[ItemRecord, tuple]) -> tuple:
    """The key of a listed item or table (sorted in reverse): event start, issue date, reading order."""
    return entry[1]


# The year an issue is numbered in, as its title prints it (2025年第1期 may cover 2024-12-30).
_YEAR = "coalesce(i.year, CAST(substr(coalesce(i.period_start, i.published), 1, 4) AS INTEGER))"


def _where(ref: IssueRef) -> tuple[str, list]:
    """The SQL condition on `issues i` for a reference, and its parameters."""
    clauses: list[str] = []
    params: list = []
    if ref.issue_id:
        clauses.append("i.issue_id = ?")
        params.append(ref.issue_id)
    if ref.kind:
        clauses.append("i.kind = ?")
        params.append(ref.kind)
    if ref.year is not None and ref.month is not None:
        first = f"{ref.year:04d}-{ref.month:02d}-01"
        last = f"{ref.year:04d}-{ref.month:02d}-31"
        day = "coalesce(i.period_start, i.published)"
        clauses.append(f"{day} <= ? AND coalesce(i.period_end, {day}) >= ?")
        params += [last, first]
    elif ref.year is not None:
        clauses.append(f"{_YEAR} = ?")
        params.append(ref.year)
    if ref.number is not None:
        clauses.append("i.number = ?")
        params.append(ref.number)
    if ref.total_number is not None:
        clauses.append("i.total_number = ?")
        params.append(ref.total_number)
    if ref.number_or_total is not None:
        clauses.append("(i.number = ? OR i.total_number = ?)")
        params += [ref.number_or_total, ref.number_or_total]
    return " AND ".join(clauses) or "1", params

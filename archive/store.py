"""The archive store: SQLite through sqlite-utils, the system of record.

Everything else (the search index, the web pages) is derived from it. An
issue is written or replaced in one transaction, so a failed or interrupted
ingest never leaves half an issue, and readers (WAL mode) keep reading while
a write is under way. The tables are `schema`'s, an issue's rows `rows`', the
lists and reports `reports`'; this module moves rows in and out.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path

from sqlite_utils import Database

from .figure_store import FigureReports, figure_rows
from .model import Issue, Source, attachment_anchor, item_id
from .records import ProblemRecord, SourceRecord
from .reports import Reports
from .rows import TABLES, IssueRows, from_rows, to_rows
from .schema import FIGURES_STEP, SCHEMA_VERSION, SchemaError, is_current, migrate, schema_version


class Store:
    """One connection to the archive file.

    Used by one thread at a time (the web app gives each thread its own); it
    may be closed from another thread, hence `check_same_thread=False`.
    """

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.db = Database(sqlite3.connect(path, check_same_thread=False))
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA busy_timeout=10000")
        # WAL with synchronous=NORMAL: a commit survives a crash of the program; only a power
        # cut can lose the last commits, never corrupt the file. Spares an fsync per issue.
        self.db.execute("PRAGMA synchronous=NORMAL")
        self._migrate()

    def close(self) -> None:
        self.db.close()

    @cached_property
    def reports(self) -> Reports:
        """The lists and reports over this connection."""
        return Reports(self.db)

    @cached_property
    def figures(self) -> FigureReports:
        """The series of figures and their points, over this connection."""
        return FigureReports(self.db)

    def _migrate(self) -> None:
        if is_current(self.db):
            return
        version = schema_version(self.db)
        if version is not None and version > SCHEMA_VERSION:
            raise SchemaError(
                f"{self.path}: the archive was written by a newer version of bulletins "
                f"(schema {version}; this one knows up to {SCHEMA_VERSION}): upgrade bulletins"
            )
        with self._transaction():
            if FIGURES_STEP in migrate(self.db):
                self.db.execute("DELETE FROM figures")  # read anew, whatever was there
                for issue in self.iter_issues():
                    self._insert("figures", figure_rows(issue))

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

    # -- files ------------------------------------------------------------

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

    def problem_paths(self) -> set[str]:
        return {r["path"] for r in self.db.query("SELECT path FROM problems")}

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

    def record_source(self, source: SourceRecord) -> None:
        """Remember a file (e.g. a duplicate) without storing an issue for it."""
        with self._transaction():
            self._put_source(source)

    def _put_source(self, source: SourceRecord) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO sources (path, sha256, size, ingested_at, issue_id) VALUES (?, ?, ?, ?, ?)",
            [source.path, source.sha256, source.size, source.ingested_at or now(), source.issue_id],
        )

    # -- issues -----------------------------------------------------------

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

    def delete_issue(self, issue_id: str) -> None:
        with self._transaction():
            self._delete_issue(issue_id)

    def _delete_issue(self, issue_id: str) -> None:
        db = self.db
        db.execute(
            "DELETE FROM item_departments WHERE item_id IN (SELECT item_id FROM items WHERE issue_id = ?)",
            [issue_id],
        )
        for table in ("items", "sections", "attachments", "attachment_rows", "figures", "issues"):
            db.execute(f"DELETE FROM [{table}] WHERE issue_id = ?", [issue_id])
        db.execute("UPDATE sources SET issue_id = NULL WHERE issue_id = ?", [issue_id])

    def _insert_issue(self, issue: Issue, source: SourceRecord) -> None:
        for table, rows in to_rows(issue, Source(source.path, source.sha256)).tables():
            self._insert(table, rows)
        self._insert("figures", figure_rows(issue))  # derived, but written with the issue

    def _insert(self, table: str, rows: list[dict]) -> None:
        """Insert rows into a table of the schema: one prepared statement, no per-row introspection.

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

    def load(self, issue_id: str) -> Issue | None:
        """The issue as it was parsed, rebuilt from its rows: one query per table."""
        rows = IssueRows()
        for table in TABLES:
            getattr(rows, table).extend(self.db.query(_ROWS_OF_ISSUE[table], [issue_id]))
        return from_rows(rows) if rows.issues else None

    def iter_issues(self) -> Iterator[Issue]:
        for issue_id in self.issue_ids():
            issue = self.load(issue_id)
            if issue is not None:
                yield issue

    def issue_ids(self) -> list[str]:
        return [
            r["issue_id"] for r in self.db.query("SELECT issue_id FROM issues ORDER BY issue_id")
        ]

    # -- what the derived copies compare ------------------------------------

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
            docs.setdefault(r["issue_id"], set()).add(
                item_id(r["issue_id"], attachment_anchor(r["number"]))
            )
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


_ROWS_OF_ISSUE = {table: f"SELECT * FROM [{table}] WHERE issue_id = ?" for table in TABLES} | {
    "item_departments": """SELECT d.* FROM item_departments d JOIN items i ON i.item_id = d.item_id
                           WHERE i.issue_id = ?"""
}


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")

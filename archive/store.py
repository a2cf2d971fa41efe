"""The archive store: SQLite through sqlite-utils, the system of record.

Everything else (the search index, the web pages) is derived from it. An
issue is written or replaced in one transaction, so a failed or interrupted
ingest never leaves half an issue, and readers (WAL mode) keep reading while
a write is under way. The tables are `schema`'s, an issue's rows `rows`', the
lists and reports `reports`'; this module moves rows in and out.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, replace
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path

from sqlite_utils import Database

from . import versions
from .figure_store import FigureReports, figure_rows
from .model import Issue, Source, item_id
from .originals import Originals
from .records import ItemLink, ProblemRecord, SourceRecord, VersionedIssue, VersionRecord
from .reports import Reports
from .rows import TABLES, IssueRows, from_rows, group_rows, to_rows
from .schema import FIGURES_STEP, SCHEMA_VERSION, SchemaError, is_current, migrate, schema_version

# What to do about a store that cannot be read, said wherever it is found.
RESTORE = (
    "restore archive.db from a backup, or move it aside and ingest the bulletin files again "
    "(bulletins ingest FOLDER); the search index is kept meanwhile"
)
RESTORE_ZH = (
    "请从备份恢复 archive.db，或将其移开后重新导入简报文件（bulletins ingest 文件夹）；"
    "检索索引在此期间保留"
)


class StoreError(RuntimeError):
    """The archive file cannot be used as asked: damaged, read-only for a write. The message
    names the file and says what to do, in English (logs, --json) and in Chinese (`chinese`)."""

    def __init__(self, message: str, chinese: str = "") -> None:
        super().__init__(message)
        self.chinese = chinese or message


class Store:
    """One connection to the archive file.

    Used by one thread at a time (the web app gives each thread its own); it
    may be closed from another thread, hence `check_same_thread=False`.

    A new archive is made beside its place and linked in whole, so an
    archive.db of zero bytes is never one this program left: it is a lost or
    truncated store, and refused as damaged (taken for a new archive, it made
    `check --repair` rebuild the index to nothing). A file or folder that
    cannot be written is opened read-only (`readonly`): every read works, a
    write raises StoreError saying so.
    """

    def __init__(self, path: Path):
        self.path = path
        if not path.exists():
            _create(path)
        elif path.stat().st_size == 0:
            raise StoreError(
                f"{path} is empty (0 bytes): the store was lost or truncated: {RESTORE}",
                f"{path} 是空文件（0 字节），档案库丢失或被截断：{RESTORE_ZH}",
            )
        writable = os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)
        # Why the store cannot be written, when it cannot: every read works regardless.
        self.unwritable: StoreError | None = None
        if not writable:
            self.unwritable = StoreError(
                f"{path} is read-only: storing needs write access to it and its folder",
                f"{path} 是只读的：保存需要对它及其所在文件夹有写权限",
            )
        try:
            self.db = Database(self._open())
            self._migrate()
        except sqlite3.DatabaseError as error:
            raise describe(error, path) from error

    @property
    def readonly(self) -> bool:
        return self.unwritable is not None

    def _open(self) -> sqlite3.Connection:
        """Read-write if it can be; read-only when WAL's side files cannot be made (a full disk)."""
        if self.readonly:
            return _connect(self.path, readonly=True)
        try:
            return _connect(self.path, readonly=False)
        except sqlite3.OperationalError as error:
            if "disk" not in str(error):  # "disk I/O error", "database or disk is full"
                raise
            self.unwritable = StoreError(
                f"{self.path} cannot be written ({error}: is the disk full?)",
                f"{self.path} 无法写入（{error}：磁盘是否已满？）",
            )
            return _connect(self.path, readonly=True)

    def close(self) -> None:
        self.db.close()

    @cached_property
    def originals(self) -> Originals:
        """The copies of the files stored, by content, beside the archive file."""
        return Originals(self.path.parent / "originals")

    def refers_to(self, sha256: str) -> bool:
        """Does anything stored come from a file with these bytes (so its copy must stay)? An
        earlier version of a corrected issue too: its file is downloadable from its page."""
        row = self.db.execute(
            """SELECT 1 FROM sources WHERE sha256 = ? AND issue_id IS NOT NULL
               UNION ALL SELECT 1 FROM issues WHERE source_sha256 = ?
               UNION ALL SELECT 1 FROM versions WHERE source_sha256 = ? LIMIT 1""",
            [sha256, sha256, sha256],
        ).fetchone()
        return row is not None

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
                f"(schema {version}; this one knows up to {SCHEMA_VERSION}): upgrade bulletins",
                f"{self.path}：档案由更新版本的 bulletins 写入（结构版本 {version}，本版本最高为 "
                f"{SCHEMA_VERSION}）：请升级 bulletins",
            )
        if self.readonly:
            raise StoreError(
                f"{self.path} was written by an older version of bulletins (schema {version}) "
                "and cannot be written here: run a command that writes (bulletins check "
                "--repair) once with write access to upgrade it",
                f"{self.path} 由较早版本的 bulletins 写入（结构版本 {version}），此处又无法写入："
                "请在有写权限时运行一次写入的命令（bulletins check --repair）以升级",
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
        if self.readonly:
            raise self.unwritable
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
                """INSERT OR REPLACE INTO problems (path, sha256, size, seen_at, code, detail, name)
                   VALUES (?, ?, ?, ?, ?, ?, ?)""",
                [
                    record.path,
                    record.sha256,
                    record.size,
                    record.seen_at,
                    record.problem.code,
                    record.problem.detail,
                    record.name,
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
            """INSERT OR REPLACE INTO sources (path, sha256, size, ingested_at, issue_id, name)
               VALUES (?, ?, ?, ?, ?, ?)""",
            [
                source.path,
                source.sha256,
                source.size,
                source.ingested_at or now(),
                source.issue_id,
                source.name,
            ],
        )

    # -- issues -----------------------------------------------------------

    def save(self, issue: Issue, source: SourceRecord) -> None:
        """Store an issue read from `source` as the current version of its identity, replacing the
        rows that identity had (the same version read again). Any other issue is left alone: a
        file that now holds another bulletin does not take back the one it gave."""
        with self._transaction():
            self._delete_rows(issue.issue_id)
            self._put_source(replace(source, issue_id=issue.issue_id))
            self._insert_issue(issue, source)
            self.db.execute("DELETE FROM problems WHERE path = ?", [source.path])

    def correct(self, issue: Issue, source: SourceRecord) -> int:
        """Store a correction: `issue` (read from `source`) becomes the next version of its
        identity; the current one is kept whole as an earlier version, with where each of its
        items went, and the earlier versions' items are followed on. Returns the new number.

        One transaction: the version read, kept and replaced is the one this writer sees.
        """
        issue_id = issue.issue_id
        with self._transaction():
            rows = self._rows(issue_id)
            current = from_rows(rows)
            number = current.version
            step = versions.match(current, issue)
            self.db.execute(
                """INSERT INTO versions (issue_id, version, received_at, source_path, source_sha256,
                                         published, title, fingerprint, content)
                   SELECT issue_id, version, received_at, source_path, source_sha256, published,
                          title, ?, ? FROM issues WHERE issue_id = ?""",
                [
                    versions.fingerprint(current),
                    json.dumps(asdict(rows), ensure_ascii=False),
                    issue_id,
                ],
            )
            for earlier in range(1, number):
                fates = versions.compose(self._fates(issue_id, earlier), step)
                self.db.execute(
                    "DELETE FROM version_links WHERE issue_id = ? AND version = ?",
                    [issue_id, earlier],
                )
                self._put_fates(issue_id, earlier, fates)
            self._put_fates(issue_id, number, step)
            self._delete_rows(issue_id)
            self._put_source(replace(source, issue_id=issue_id))
            self._insert_issue(replace(issue, version=number + 1), source)
            self.db.execute("DELETE FROM problems WHERE path = ?", [source.path])
        return number + 1

    def repoint(self, issue_id: str, source: SourceRecord, fingerprint: str) -> None:
        """The current version of an issue now comes from this file (the same content, of this
        fingerprint, in other bytes, or its file moved): the record of where it comes from
        follows, nothing else (but a fingerprint an upgraded archive lacked)."""
        with self._transaction():
            self._put_source(replace(source, issue_id=issue_id))
            self.db.execute(
                """UPDATE issues SET source_path = ?, source_sha256 = ?,
                                     fingerprint = coalesce(fingerprint, ?)
                   WHERE issue_id = ?""",
                [source.path, source.sha256, fingerprint, issue_id],
            )
            self.db.execute("DELETE FROM problems WHERE path = ?", [source.path])

    def delete_issue(self, issue_id: str) -> None:
        """Remove an issue, every version of it, and the record that files gave it."""
        with self._transaction():
            self._delete_rows(issue_id)
            for table in ("versions", "version_links"):
                self.db.execute(f"DELETE FROM [{table}] WHERE issue_id = ?", [issue_id])
            self.db.execute("UPDATE sources SET issue_id = NULL WHERE issue_id = ?", [issue_id])

    def _delete_rows(self, issue_id: str) -> None:
        """The current version's rows (its earlier versions are kept apart)."""
        db = self.db
        db.execute(
            "DELETE FROM item_departments WHERE item_id IN (SELECT item_id FROM items WHERE issue_id = ?)",
            [issue_id],
        )
        for table in ("items", "sections", "attachments", "attachment_rows", "figures", "issues"):
            db.execute(f"DELETE FROM [{table}] WHERE issue_id = ?", [issue_id])

    def _put_fates(self, issue_id: str, version: int, fates: dict[str, versions.Fate]) -> None:
        self.db.conn.executemany(
            "INSERT INTO version_links (issue_id, version, anchor, status, now) VALUES (?, ?, ?, ?, ?)",
            [(issue_id, version, a, f.status, f.anchor) for a, f in fates.items()],
        )

    def _fates(self, issue_id: str, version: int) -> dict[str, versions.Fate]:
        rows = self.db.query(
            "SELECT anchor, status, now FROM version_links WHERE issue_id = ? AND version = ?",
            [issue_id, version],
        )
        return {r["anchor"]: versions.Fate(r["status"], r["now"]) for r in rows}

    def _insert_issue(self, issue: Issue, source: SourceRecord) -> None:
        rows = to_rows(issue, Source(source.path, source.sha256))
        rows.issues[0]["received_at"] = source.ingested_at or now()
        rows.issues[0]["read_sha256"] = source.sha256  # kept by a repoint (schema m007)
        rows.issues[0]["fingerprint"] = versions.fingerprint(issue)
        for table, table_rows in rows.tables():
            self._insert(table, table_rows)
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
        """The issue (its current version) as it was parsed, rebuilt from its rows: one query per table."""
        rows = self._rows(issue_id)
        return from_rows(rows) if rows.issues else None

    def _rows(self, issue_id: str) -> IssueRows:
        rows = IssueRows()
        for table in TABLES:
            getattr(rows, table).extend(self.db.query(_ROWS_OF_ISSUE[table], [issue_id]))
        return rows

    # -- versions ---------------------------------------------------------

    def versions(self, issue_id: str) -> list[VersionRecord]:
        """Every version of an issue, first to current; [] when there is no such issue."""
        rows = self.db.query(
            """SELECT v.*, s.name AS source_name FROM (
                   SELECT issue_id, version, received_at, source_path, source_sha256, published,
                          title, 0 AS current FROM versions WHERE issue_id = ?
                   UNION ALL
                   SELECT issue_id, version, received_at, source_path, source_sha256, published,
                          title, 1 AS current FROM issues WHERE issue_id = ?
               ) v LEFT JOIN sources s ON s.path = v.source_path
               ORDER BY v.version""",
            [issue_id, issue_id],
        )
        return [
            VersionRecord(
                issue_id=r["issue_id"],
                version=r["version"],
                received_at=r["received_at"],
                source=Source(r["source_path"], r["source_sha256"], r["source_name"]),
                published=r["published"],
                title=r["title"],
                current=bool(r["current"]),
                original_kept=self._kept(r["source_sha256"]),
            )
            for r in rows
        ]

    def _kept(self, sha256: str | None) -> bool:
        try:
            return bool(sha256) and self.originals.has(sha256)
        except ValueError:  # not a SHA-256: an issue stored by hand, in a test's fixture
            return False

    def load_version(self, issue_id: str, version: int) -> Issue | None:
        """One version of an issue as it was published (the current one, or one kept)."""
        row = self.db.execute(
            "SELECT content FROM versions WHERE issue_id = ? AND version = ?", [issue_id, version]
        ).fetchone()
        if row is not None:
            return from_rows(IssueRows(**json.loads(row[0])))
        current = self.load(issue_id)
        return current if current is not None and current.version == version else None

    def version_with(self, issue_id: str, fingerprint: str) -> VersionRecord | None:
        """The version of an issue whose content has this fingerprint (`versions.fingerprint`)."""
        row = self.db.execute(
            "SELECT version FROM versions WHERE issue_id = ? AND fingerprint = ?",
            [issue_id, fingerprint],
        ).fetchone() or self.db.execute(
            "SELECT version FROM issues WHERE issue_id = ? AND fingerprint = ?",
            [issue_id, fingerprint],
        ).fetchone()
        found = row[0] if row else None
        if found is None and self._fingerprint_unknown(issue_id):  # an upgraded archive's issue
            current = self.load(issue_id)
            if versions.fingerprint(current) == fingerprint:
                found = current.version
        return next((v for v in self.versions(issue_id) if v.version == found), None)

    def _fingerprint_unknown(self, issue_id: str) -> bool:
        row = self.db.execute(
            "SELECT fingerprint IS NULL FROM issues WHERE issue_id = ?", [issue_id]
        ).fetchone()
        return bool(row and row[0])

    def issue_view(self, issue_id: str, version: int | None = None) -> VersionedIssue | None:
        """An issue in one version (None: the current), with the list of its versions."""
        known = self.versions(issue_id)
        if not known:
            return None
        issue = self.load_version(issue_id, known[-1].version if version is None else version)
        return VersionedIssue(issue, known) if issue is not None else None

    def follow(self, issue_id: str, version: int | None, anchor: str) -> ItemLink | None:
        """Where a link to an item leads (`version` None: the bulletin as first published).

        The current version's own anchors are themselves; an earlier version's item is
        shown where the correction put it, or, if the correction removed it, as it was.
        None when the issue, the version or the anchor in it does not exist.
        """
        known = self.versions(issue_id)
        named = version or 1
        if not known or not 1 <= named <= known[-1].version:
            return None
        if named == known[-1].version:
            current = self.load(issue_id)
            if current is None or current.find(anchor) is None:
                return None
            return ItemLink(named, anchor, None, VersionedIssue(current, known), anchor)
        row = self.db.execute(
            "SELECT status, now FROM version_links WHERE issue_id = ? AND version = ? AND anchor = ?",
            [issue_id, named, anchor],
        ).fetchone()
        if row is None:
            return None
        fate = versions.Fate(row[0], row[1])
        if fate.status == versions.REMOVED:
            shown, at = self.load_version(issue_id, named), anchor
        else:
            shown, at = self.load(issue_id), fate.anchor
        return ItemLink(named, anchor, fate.status, VersionedIssue(shown, known), at)

    def iter_issues(self) -> Iterator[Issue]:
        yield from self.load_many(self.issue_ids())

    def load_many(self, issue_ids: Iterable[str]) -> Iterator[Issue]:
        """These issues (their current versions) in the order given, those not stored left out:
        as `load` gives them, but one query per table for each batch of issues.

        Why: a reindex reads every issue; six statements an issue, each through
        sqlite-utils' `query`, cost a tenth more than the rows they read (at 500
        bulletins ~0.2 s in all, most of it SQLite decoding the texts). Each batch
        is read in one read transaction, so an issue written meanwhile comes
        whole, as it was before or after, never its rows of both.
        """
        ids = list(issue_ids)
        for start in range(0, len(ids), LOAD_BATCH):
            batch = ids[start : start + LOAD_BATCH]
            marks = ", ".join("?" * len(batch))
            with self._reading():
                tables = {
                    table: self._dicts(sql.format(marks=marks), batch)
                    for table, sql in _ROWS_OF_ISSUES.items()
                }
            grouped = group_rows(tables)
            for issue_id in batch:
                rows = grouped.get(issue_id)
                if rows is not None:
                    yield from_rows(rows)

    @contextmanager
    def _reading(self) -> Iterator[None]:
        """Reads that see one state of the store (a savepoint: inside a write transaction too)."""
        conn = self.db.conn
        conn.execute("SAVEPOINT reading")
        try:
            yield
        finally:
            conn.execute("RELEASE reading")

    def _dicts(self, sql: str, params: list) -> list[dict]:
        """The rows of a query as dicts of column -> value (sqlite-utils' `query`, without its
        work per call)."""
        cursor = self.db.execute(sql, params)
        keys = [column[0] for column in cursor.description]
        return [dict(zip(keys, row, strict=True)) for row in cursor]

    def issue_ids(self) -> list[str]:
        return [
            r["issue_id"] for r in self.db.query("SELECT issue_id FROM issues ORDER BY issue_id")
        ]

    # -- what the derived copies compare ------------------------------------

    def issue_signatures(self) -> dict[str, str]:
        """issue_id -> what its stored content came from (the hash of the file its rows were read
        from, when it came, its version).

        A derived copy (the search index) compares these to know what to redo: the
        same content come again in other bytes, or its file moved, changes none.
        """
        rows = self.db.query(
            """SELECT i.issue_id, i.read_sha256 || ':'
                      || coalesce(i.received_at, '')
                      || ':v' || i.version AS sig
               FROM issues i"""
        )
        return {r["issue_id"]: r["sig"] for r in rows}

    def document_count(self, issue_ids: list[str]) -> int:
        """How many documents (items and attachments) these issues hold: the texts an index
        segments to take them in."""
        count = 0
        for start in range(0, len(issue_ids), 400):  # within SQLite's limit of parameters
            chunk = issue_ids[start : start + 400]
            marks = ", ".join("?" * len(chunk))
            count += self.db.execute(
                f"""SELECT (SELECT count(*) FROM items WHERE issue_id IN ({marks}))
                         + (SELECT count(*) FROM attachments WHERE issue_id IN ({marks}))""",
                [*chunk, *chunk],
            ).fetchone()[0]
        return count

    def document_versions(self) -> dict[str, tuple[str, set[str]]]:
        """issue_id -> (signature, ids of its items and attachments): what the index should hold
        (the ids of the current version, as its links name them)."""
        signatures = self.issue_signatures()
        docs: dict[str, set[str]] = {issue_id: set() for issue_id in signatures}
        for r in self.db.query(
            """SELECT i.issue_id, i.anchor, iss.version FROM items i
               JOIN issues iss ON iss.issue_id = i.issue_id
               UNION ALL
               SELECT a.issue_id, 'a' || a.number, iss.version FROM attachments a
               JOIN issues iss ON iss.issue_id = a.issue_id"""
        ):
            docs[r["issue_id"]].add(item_id(r["issue_id"], r["anchor"], r["version"]))
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
    "issues": """SELECT i.*, s.name AS source_name FROM issues i
                 LEFT JOIN sources s ON s.path = i.source_path WHERE i.issue_id = ?""",
    "item_departments": """SELECT d.* FROM item_departments d JOIN items i ON i.item_id = d.item_id
                           WHERE i.issue_id = ?""",
}


# Issues read by one query per table (`load_many`); well within SQLite's limit of parameters.
LOAD_BATCH = 200
_ROWS_OF_ISSUES = {
    table: f"SELECT * FROM [{table}] WHERE issue_id IN ({{marks}})" for table in TABLES
} | {
    "issues": """SELECT i.*, s.name AS source_name FROM issues i
                 LEFT JOIN sources s ON s.path = i.source_path WHERE i.issue_id IN ({marks})""",
    "item_departments": """SELECT d.* FROM item_departments d JOIN items i ON i.item_id = d.item_id
                           WHERE i.issue_id IN ({marks})""",
}


def _connect(path: Path, readonly: bool) -> sqlite3.Connection:
    """A connection to an existing archive; read-only ones cannot make WAL's side files, and
    open as immutable when these are not there to read."""
    if not readonly:
        conn = sqlite3.connect(path, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA busy_timeout=10000")
        # WAL with synchronous=NORMAL: a commit survives a crash of the program; only a power
        # cut can lose the last commits, never corrupt the file. Spares an fsync per issue.
        conn.execute("PRAGMA synchronous=NORMAL")
        return conn
    uri = f"{path.resolve().as_uri()}?mode=ro"
    conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.OperationalError:  # no -wal/-shm beside it, and none can be made
        conn.close()
    return sqlite3.connect(f"{uri}&immutable=1", uri=True, check_same_thread=False)


def _create(path: Path) -> None:
    """A new, empty archive at `path`, made beside it and linked in whole (never half made, and
    never over one that another process has just made)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        reason = error.strerror or str(error)
        raise StoreError(
            f"cannot make the archive {path}: {reason}", f"无法建立档案库 {path}：{reason}"
        ) from error
    temporary = path.with_name(f".{path.name}.new-{os.getpid()}")
    temporary.unlink(missing_ok=True)
    try:
        db = Database(sqlite3.connect(temporary))
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("BEGIN IMMEDIATE")
        migrate(db)
        db.execute("COMMIT")
        db.close()
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass  # made meanwhile by another process: theirs is as good
    except (OSError, sqlite3.Error) as error:
        raise StoreError(
            f"cannot make the archive {path}: {error}", f"无法建立档案库 {path}：{error}"
        ) from error
    finally:
        temporary.unlink(missing_ok=True)


def describe(error: sqlite3.Error, path: Path) -> StoreError:
    """What an SQLite error on the archive means for its user, and what to do."""
    text = str(error)
    if "locked" in text or "busy" in text:
        return StoreError(
            f"{path} is busy (another process is writing it): try again in a moment",
            f"{path} 正忙（另一进程正在写入）：请稍后再试",
        )
    if "full" in text:
        return StoreError(
            f"{path}: the disk is full ({text}): free space and run the command again",
            f"{path}：磁盘已满（{text}）：请腾出空间后再运行",
        )
    if "readonly" in text or "read-only" in text:
        return StoreError(
            f"{path} is read-only: storing needs write access to it and its folder",
            f"{path} 是只读的：保存需要对它及其所在文件夹有写权限",
        )
    if "I/O error" in text:
        return StoreError(
            f"{path} could not be read or written ({text}): check the disk, then run the command again",
            f"{path} 无法读写（{text}）：请检查磁盘后再运行",
        )
    return StoreError(
        f"{path} is damaged ({text}): {RESTORE}", f"{path} 已损坏（{text}）：{RESTORE_ZH}"
    )


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")

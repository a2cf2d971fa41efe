"""The store's tables, defined as the migrations that build them (sqlite-utils' `Migrations`).

Why migrations rather than one CREATE per table: archives outlive versions of
this program. Each step below is applied once to every archive, in order, and
recorded in the `_sqlite_migrations` table; a new version adds a step and never
edits an old one. `meta.schema_version` is the number of steps an archive has:
read on every open, it lets an archive that is current skip the migration
machinery, and makes an archive written by a newer version refuse to open
instead of being misread.

Archives made before the steps were recorded (schema 1 and 2) have the tables
but no record: the first two steps create only what is missing, so on those
archives they record what is there and add what is not; until it is recorded,
an archive is not current.
"""

from __future__ import annotations

from sqlite_utils import Database, Migrations

from .figure_store import create_figures

MIGRATIONS = Migrations("bulletins")


class SchemaError(RuntimeError):
    """The archive file cannot be used by this version of the program (said in both languages)."""

    def __init__(self, message: str, chinese: str = "") -> None:
        super().__init__(message)
        self.chinese = chinese or message


@MIGRATIONS(name="m001_issues")
def _issues(db: Database) -> None:
    """Sources, issues and their parts: the tables of the first release."""
    db["sources"].create(
        {"path": str, "sha256": str, "size": int, "ingested_at": str, "issue_id": str},
        pk="path",
        if_not_exists=True,
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
        if_not_exists=True,
    )
    db["sections"].create(
        {"issue_id": str, "number": int, "title": str, "name": str},
        pk=("issue_id", "number"),
        if_not_exists=True,
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
        if_not_exists=True,
    )
    db["item_departments"].create(
        {"item_id": str, "department": str, "mentions": int, "ord": int},
        pk=("item_id", "department"),
        if_not_exists=True,
    )
    db["attachments"].create(
        {"issue_id": str, "number": int, "title": str, "columns": str, "lines": str},
        pk=("issue_id", "number"),
        if_not_exists=True,
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
        if_not_exists=True,
    )
    db["items"].create_index(["issue_id"], if_not_exists=True)
    db["item_departments"].create_index(["department"], if_not_exists=True)
    db["attachment_rows"].create_index(["department"], if_not_exists=True)
    db["sources"].create_index(["sha256"], if_not_exists=True)
    db["meta"].create({"key": str, "value": str}, pk="key", if_not_exists=True)


@MIGRATIONS(name="m002_problems")
def _problems(db: Database) -> None:
    """Files whose last ingest did not store them, with the reason (schema 2)."""
    db["problems"].create(
        {"path": str, "sha256": str, "size": int, "seen_at": str, "code": str, "detail": str},
        pk="path",
        if_not_exists=True,
    )


@MIGRATIONS(name="m003_figures")
def _figures(db: Database) -> None:
    """The figures read out of each issue (schema 3). The store fills it for the issues
    already stored, in the same transaction (their files are unchanged: no ingest would)."""
    create_figures(db)


@MIGRATIONS(name="m004_versions")
def _versions(db: Database) -> None:
    """Corrections (schema 4): an issue's number of versions and when its current one came,
    each earlier version kept whole, and where each of its items went in the current one.

    Issues stored before are their first version, received when their file was ingested.
    """
    db["issues"].add_column("version", int, not_null_default=1)
    db["issues"].add_column("received_at", str)
    db.execute(
        """UPDATE issues SET received_at =
               (SELECT ingested_at FROM sources WHERE sources.path = issues.source_path)"""
    )
    db["versions"].create(
        {
            "issue_id": str,
            "version": int,
            "received_at": str,
            "source_path": str,
            "source_sha256": str,
            "published": str,
            "title": str,
            "fingerprint": str,  # versions.fingerprint: an ingest finds the same content again
            "content": str,  # JSON: the version's rows, table by table (rows.IssueRows)
        },
        pk=("issue_id", "version"),
        if_not_exists=True,
    )
    db["version_links"].create(
        {"issue_id": str, "version": int, "anchor": str, "status": str, "now": str},
        pk=("issue_id", "version", "anchor"),
        if_not_exists=True,
    )


FIGURES_STEP = "m003_figures"


@MIGRATIONS(name="m005_pages")
def _pages(db: Database) -> None:
    """The page of its PDF an item or attachment starts on, for a link to it (schema 5).

    Issues stored before have none (NULL) until their file is ingested again.
    """
    for table in ("items", "attachments"):
        if "page" not in db[table].columns_dict:
            db[table].add_column("page", int)


@MIGRATIONS(name="m006_file_names")
def _file_names(db: Database) -> None:
    """What a file is shown as (schema 6): its path below the folder it was ingested from, or its
    name; the path where the server read it stays the key, and is never shown."""
    for table in ("sources", "problems"):
        if "name" not in db[table].columns_dict:
            db[table].add_column("name", str)


@MIGRATIONS(name="m007_read_sha256")
def _read_sha256(db: Database) -> None:
    """The hash of the file an issue's rows were read from (schema 7). A file that gives the same
    content in other bytes moves `source_sha256` on, not this: the search index knows an issue
    version by it (`Store.issue_signatures`), so content that did not change is not indexed again."""
    if "read_sha256" not in db["issues"].columns_dict:
        db["issues"].add_column("read_sha256", str)
        db.execute("UPDATE issues SET read_sha256 = source_sha256")


@MIGRATIONS(name="m008_fingerprint")
def _fingerprint(db: Database) -> None:
    """The current version's `versions.fingerprint` (schema 8), written with its rows: an ingest
    of a file that changed in its bytes only compares it, instead of rebuilding the stored
    issue to compute it. Empty in an upgraded archive until the issue is written again (the
    store computes it then)."""
    if "fingerprint" not in db["issues"].columns_dict:
        db["issues"].add_column("fingerprint", str)


SCHEMA_VERSION = 8  # the number of steps above


def schema_version(db: Database) -> int | None:
    """The number of steps the archive has had; None for a new, empty file."""
    if not db["meta"].exists():
        return None
    row = db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return int(row[0]) if row else None


def is_current(db: Database) -> bool:
    """Every step of this version applied and recorded: nothing to do on opening."""
    return schema_version(db) == SCHEMA_VERSION and db[MIGRATIONS.migrations_table].exists()


def migrate(db: Database) -> list[str]:
    """Apply the steps this archive lacks, record its version, and name the steps applied.

    The caller holds the write lock: one process migrates, the others wait and
    then find nothing pending.
    """
    pending = [step.name for step in MIGRATIONS.pending(db)]
    MIGRATIONS.apply(db)
    db.execute(
        "INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)",
        [str(SCHEMA_VERSION)],
    )
    return pending

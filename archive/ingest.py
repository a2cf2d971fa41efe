"""Ingest: files in, issues stored; one outcome per file, and a failure never costs what is stored.

A file whose bytes are unchanged is skipped without being read again; a
changed file replaces its issue in one transaction; a second file with the
identity of an issue that another (still present) file gave is reported as a
duplicate and not stored twice.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .extract import ExtractError, document_text
from .parse import ParseError, parse
from .store import SourceRecord, Store, now

SUFFIXES = (".pdf", ".txt")
STATUSES = ("added", "updated", "unchanged", "duplicate", "failed")


@dataclass
class Outcome:
    path: str
    status: str  # one of STATUSES
    issue_id: str | None = None
    message: str = ""

    def to_json(self) -> dict:
        return {
            "path": self.path,
            "status": self.status,
            "issue_id": self.issue_id,
            "message": self.message,
        }


def collect(paths: Iterable[Path]) -> list[Path]:
    """Files to ingest: each file named, and every .pdf/.txt below each folder, sorted."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
            )
        else:
            files.append(path)
    return files


def ingest_file(store: Store, path: Path) -> Outcome:
    """Read, parse and store one file; every error becomes a failed Outcome naming the file."""
    key = str(path.resolve())
    try:
        data = path.read_bytes()
    except OSError as error:
        return Outcome(
            key, "failed", message=f"{path}: cannot read the file ({error.strerror or error})"
        )
    sha = hashlib.sha256(data).hexdigest()
    known = store.source(key)
    if known and known.sha256 == sha and known.issue_id:
        return Outcome(key, "unchanged", known.issue_id)
    try:
        issue = parse(document_text(data, path.name))
    except ExtractError as error:
        return Outcome(key, "failed", message=str(error))
    except ParseError as error:
        return Outcome(key, "failed", message=f"{path.name}: not a bulletin: {error}")
    issue_id = issue.issue_id
    record = SourceRecord(
        path=key, sha256=sha, size=len(data), ingested_at=now(), issue_id=issue_id
    )
    other = store.source_of_issue(issue_id)
    if other and other.path != key and Path(other.path).exists():
        record.issue_id = None
        if known and known.issue_id and known.issue_id != issue_id:
            store.delete_issue(known.issue_id)  # the file no longer holds the bulletin it gave
        store.record_source(record)
        return Outcome(key, "duplicate", issue_id, f"same bulletin as {other.path}; kept once")
    store.save(issue, record)
    return Outcome(key, "updated" if known or other else "added", issue_id)

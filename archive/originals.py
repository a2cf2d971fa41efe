"""The files the archive was built from, kept by content: the original document one click away.

Why a copy, by content: staff move, rename and clean up the corpus folder, and
the bulletin as published is what they want to show or send. Each ingested
file is kept once under its SHA-256 (`originals/ab/abcdef…`, as git keeps
objects), so the same bytes under two names take no more room, a re-ingest
writes nothing, and moving or deleting the corpus loses nothing. A copy is
written to a temporary name and renamed into place, so a crash never leaves
half a file under a final name. What a copy is (PDF or text) is read from its
bytes, as the ingest reads it, not from a name it once had.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def is_pdf(data: bytes) -> bool:
    """A PDF by its signature (a PDF saved as .txt is still one, as the ingest reads it)."""
    return data.lstrip()[:5] == b"%PDF-"


class Originals:
    """The folder of copies (`<data dir>/originals`)."""

    def __init__(self, root: Path):
        self.root = root

    def path(self, sha256: str) -> Path:
        """Where the copy of the file with this hash is (or would be)."""
        if not _SHA256.match(sha256):
            raise ValueError(f"not a SHA-256: {sha256[:80]!r}")
        return self.root / sha256[:2] / sha256

    def has(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def keep(self, data: bytes, sha256: str) -> None:
        """Keep a copy of a file's bytes (whose hash the caller computed); nothing if kept already."""
        target = self.path(sha256)
        if target.is_file():
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def discard(self, sha256: str) -> None:
        """Remove a copy nothing stored refers to (the file failed, or was replaced)."""
        self.path(sha256).unlink(missing_ok=True)

    def read(self, sha256: str) -> bytes | None:
        """The bytes of a kept file, or None without a copy (an archive from before copies)."""
        try:
            return self.path(sha256).read_bytes()
        except (OSError, ValueError):
            return None

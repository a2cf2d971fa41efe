"""Configuration in one place: where the data lives, how the server listens, how many processes work."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DATA_DIR = "bulletins-data"
DATA_ENV = "BULLETINS_DATA"
BASE_URL_ENV = "BULLETINS_BASE_URL"
PROCESSES = max(1, min(4, os.cpu_count() or 1))  # that parse and segment in parallel


@dataclass(frozen=True)
class Config:
    data_dir: Path
    host: str = "127.0.0.1"
    port: int = 8080
    page_size: int = 20
    processes: int = PROCESSES  # of an ingest or a rebuild
    # The address staff reach the archive at (https://bulletins.example.gov.cn): the
    # absolute links of feeds, reports and CSV use it; without it, the host a request came to.
    base_url: str | None = None

    @property
    def db_path(self) -> Path:
        return self.data_dir / "archive.db"

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @classmethod
    def load(cls, data_dir: str | Path | None = None, **overrides) -> Config:
        """From an explicit data dir, else $BULLETINS_DATA, else ./bulletins-data;
        the base URL from `base_url`, else $BULLETINS_BASE_URL."""
        chosen = data_dir or os.environ.get(DATA_ENV) or DEFAULT_DATA_DIR
        base = overrides.pop("base_url", None) or os.environ.get(BASE_URL_ENV) or None
        return cls(data_dir=Path(chosen), base_url=base.rstrip("/") if base else None, **overrides)

    def absolute(self, path: str, request_root: str) -> str:
        """An absolute link to `path`: on the base URL, else on the root the request came to."""
        return (self.base_url or request_root.rstrip("/")) + path

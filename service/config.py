"""Configuration in one place: where the data lives and how the server listens."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DATA_DIR = "bulletins-data"
DATA_ENV = "BULLETINS_DATA"


@dataclass(frozen=True)
class Config:
    data_dir: Path
    host: str = "127.0.0.1"
    port: int = 8080
    page_size: int = 20

    @property
    def db_path(self) -> Path:
        return self.data_dir / "archive.db"

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @classmethod
    def load(cls, data_dir: str | Path | None = None, **overrides) -> Config:
        """From an explicit data dir, else $BULLETINS_DATA, else ./bulletins-data."""
        chosen = data_dir or os.environ.get(DATA_ENV) or DEFAULT_DATA_DIR
        return cls(data_dir=Path(chosen), **overrides)

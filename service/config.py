"""Configuration in one place: where the data lives, how the server listens, how many processes work,
and the address staff reach the archive at."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from indexer.writelock import LOCK_TIMEOUT

DEFAULT_DATA_DIR = "bulletins-data"
DATA_ENV = "BULLETINS_DATA"
BASE_URL_ENV = "BULLETINS_BASE_URL"
LOCK_TIMEOUT_ENV = "BULLETINS_LOCK_TIMEOUT"  # seconds a write waits for another process's
PROCESSES = max(1, min(4, os.cpu_count() or 1))  # that parse and segment in parallel


@dataclass(frozen=True)
class Config:
    data_dir: Path
    host: str = "127.0.0.1"
    port: int = 8080
    page_size: int = 20
    processes: int = PROCESSES  # of an ingest or a rebuild
    # The address staff reach the archive at (https://bulletins.example.gov.cn): every
    # absolute link (copied links and citations, CSV, feeds, the CLI) is on it; without
    # it, the web uses the host a request came to and the CLI where `serve` listens.
    base_url: str | None = None
    lock_timeout: float = LOCK_TIMEOUT

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
        if "lock_timeout" not in overrides and os.environ.get(LOCK_TIMEOUT_ENV):
            overrides["lock_timeout"] = seconds(os.environ[LOCK_TIMEOUT_ENV], LOCK_TIMEOUT_ENV)
        return cls(data_dir=Path(chosen), base_url=checked_base_url(base), **overrides)

    def absolute(self, path: str, request_root: str | None = None) -> str:
        """An absolute link to `path`: on the base URL, else on the root a request came to,
        else (the CLI) where `serve` listens."""
        root = self.base_url or (request_root or f"http://{self.host}:{self.port}").rstrip("/")
        return root + path


class ConfigError(ValueError):
    """A setting that cannot be used; the message says which and why, in Chinese."""


def seconds(value: str, name: str) -> float:
    try:
        parsed = float(value)
    except ValueError:
        parsed = -1.0
    if not 0 <= parsed < 10**6:
        raise ConfigError(f"${name} 应为秒数（0 以上）：{value[:80]}")
    return parsed


def checked_base_url(value: str | None) -> str | None:
    """The base URL without its trailing slash; ConfigError unless it is http(s)://host[/path]."""
    if not value:
        return None
    parts = urlsplit(value.strip())
    try:
        parts.port  # noqa: B018 (raises on a port that is no number)
        usable = parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:
        usable = False
    if not usable or parts.query or parts.fragment:
        raise ConfigError(
            f"基础地址（--base-url / ${BASE_URL_ENV}）应形如 https://bulletins.example.gov.cn："
            f"{value[:80]}"
        )
    return value.strip().rstrip("/")

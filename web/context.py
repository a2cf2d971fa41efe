"""The app's archive, and this request's view of it (Flask's `get_db` pattern, one level up).

One `Archive` per app: its index is shared by the app's threads, its store is
one connection per thread, opened on the thread's first request and kept.
"""

from __future__ import annotations

from flask import Flask, current_app

from archive.reports import Reports
from archive.store import Store
from service.archive import Archive
from service.config import Config

ARCHIVE_KEY = "bulletins.archive"


def config() -> Config:
    return current_app.config["BULLETINS"]


def get_archive() -> Archive:
    return archive_of(current_app)


def get_store() -> Store:
    """The archive store of this request's thread."""
    return get_archive().store


def get_reports() -> Reports:
    return get_archive().reports


def archive_of(app: Flask) -> Archive:
    return app.extensions[ARCHIVE_KEY]


def init_app(app: Flask) -> None:
    app.extensions[ARCHIVE_KEY] = Archive(app.config["BULLETINS"])

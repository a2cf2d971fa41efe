"""Per-request store and per-app search index (Flask's `get_db` pattern)."""

from __future__ import annotations

from flask import Flask, current_app, g

from archive.store import Store
from indexer.index import SearchIndex
from service.config import Config

INDEX_KEY = "bulletins.index"


def config() -> Config:
    return current_app.config["BULLETINS"]


def get_store() -> Store:
    """The archive store for this request (SQLite connections stay in their thread)."""
    if "store" not in g:
        g.store = Store(config().db_path)
    return g.store


def get_index() -> SearchIndex:
    """The app's search index: one searcher, refreshed after each commit."""
    return index_of(current_app)


def index_of(app: Flask) -> SearchIndex:
    return app.extensions[INDEX_KEY]


def close_store(_error: BaseException | None = None) -> None:
    store = g.pop("store", None)
    if store is not None:
        store.close()


def init_app(app: Flask) -> None:
    app.extensions[INDEX_KEY] = SearchIndex(app.config["BULLETINS"].index_dir)
    app.teardown_appcontext(close_store)

"""The import record: which files the archive was built from, and which it could not store and why.

The reasons are shown in Chinese (the CLI gives them in English): staff who
put a bulletin in the corpus folder see here whether it arrived.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template

from .context import get_store

bp = Blueprint("imports", __name__)


@bp.get("/imports")
def page():
    store = get_store()
    return render_template(
        "imports.html", problems=store.reports.problems(), sources=store.reports.sources()
    )


@bp.get("/api/imports")
def api():
    store = get_store()
    return jsonify(
        {
            "problems": [p.to_json() for p in store.reports.problems()],
            "sources": [s.to_json() for s in store.reports.sources()],
        }
    )

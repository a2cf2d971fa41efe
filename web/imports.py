"""The import record: which files the archive was built from, and which it could not store and why.

The reasons are shown in Chinese (the CLI gives them in English): staff who
put a bulletin in the corpus folder see here whether it arrived.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template

from .context import get_reports

bp = Blueprint("imports", __name__)


@bp.get("/imports")
def page():
    record = get_reports().imports()
    return render_template("imports.html", problems=record.problems, sources=record.sources)


@bp.get("/api/imports")
def api():
    return jsonify(get_reports().imports().to_json())

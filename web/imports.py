"""The import record: which files the archive was built from, and which it could not store and why.

The reasons are shown in Chinese (the CLI gives them in English): staff who
put a bulletin in the corpus folder see here whether it arrived.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, url_for

from service.export import imports_csv

from .context import absolute, get_reports
from .search import csv_response
from .twins import offer

bp = Blueprint("imports", __name__)


@bp.get("/imports")
def page():
    record = get_reports().imports()
    offer(json=url_for("imports.api"), csv=url_for("imports.export"))
    return render_template("imports.html", problems=record.problems, sources=record.sources)


@bp.get("/imports.csv")
def export():
    return csv_response(imports_csv(get_reports().imports(), absolute), "bulletins-imports.csv")


@bp.get("/api/imports")
def api():
    return jsonify(get_reports().imports().to_json())

"""Departments: every department with its items, one department's page, and their JSON twins."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, abort, jsonify, redirect, render_template, request, url_for

from archive.departments import Department, gazetteer
from archive.reports import DEPARTMENT_PAGE
from indexer.search import MAX_PAGE
from service.export import EXPORT_LIMIT, departments_csv, items_csv

from .charts import month_range, monthly_bars
from .context import absolute, department_counts, get_reports
from .errors import NoSuchDepartment
from .figures import chart_points
from .search import csv_response
from .series_chart import timeline
from .twins import offer

bp = Blueprint("departments", __name__)

PAGE_SIZE = DEPARTMENT_PAGE


def resolve(name: str) -> Department:
    department = gazetteer().resolve(name)
    if department is None:
        raise NoSuchDepartment(name)
    return department


def page_number() -> int:
    raw = request.args.get("page", "1")
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= MAX_PAGE:
        abort(400, f"参数 page 必须是 1 到 {MAX_PAGE} 之间的整数：{raw}")
    return int(raw)


@bp.get("/departments/")
def index():
    if "name" in request.args:  # the find form: off to the department's page (or a 404 that helps)
        return redirect(url_for("departments.show", name=resolve(request.args["name"]).short_name))
    groups: dict[str, list[tuple[Department, int]]] = {}
    for entry in department_counts():
        groups.setdefault(entry.department.kind or "其他", []).append(
            (entry.department, entry.items)
        )
    offer(json=url_for("departments.api_index"), csv=url_for("departments.export_index"))
    return render_template("departments.html", groups=groups)


@bp.get("/departments.csv")
def export_index():
    return csv_response(departments_csv(department_counts(), absolute), "bulletins-departments.csv")


@bp.get("/api/departments")
def api_index():
    return jsonify([entry.to_json() for entry in department_counts()])


@bp.get("/departments/<name>")
def show(name: str):
    department = resolve(name)
    if name != department.short_name:
        # The query string is carried over as it is, never as url_for keywords
        # (?name=… or ?_scheme=… would break or rewrite the redirect).
        target = url_for("departments.show", name=department.short_name)
        if request.args:
            target += "?" + urlencode(list(request.args.items(multi=True)))
        return redirect(target, 301)
    report = get_reports().department_report(department, page_number(), PAGE_SIZE)
    chart = monthly_bars(report.months, f"{department.short_name}每月被提及的条目数")
    name = department.short_name
    score_chart = timeline(chart_points(report.scores, {}), f"{name}窗口考核实得分", "分")
    rank_chart = timeline(chart_points(report.ranks, {}), f"{name}窗口考核名次", "名", reverse=True)
    ranks = {(p.figure.issue_id, p.figure.anchor): p.figure.value for p in report.ranks}
    offer(
        json=url_for("departments.api_show", name=name, **page_param(report.page)),
        csv=url_for("departments.export", name=name),
    )
    counts = dict(report.months)
    months = month_range(report.months[0][0], report.months[-1][0]) if report.months else []
    table = [(month, counts.get(month, 0)) for month in reversed(months)]
    # A tie shares its 序号, printed once: a rank read from a row that printed none.
    tied = {(p.figure.issue_id, p.figure.anchor) for p in report.ranks if not p.figure.printed}
    return render_template(
        "department.html",
        r=report,
        department=department,
        chart=chart,
        months=table,
        score_chart=score_chart,
        rank_chart=rank_chart,
        ranks=ranks,
        tied=tied,
    )


def page_param(page: int) -> dict[str, int]:
    return {"page": page} if page > 1 else {}


@bp.get("/departments/<name>.csv")
def export(name: str):
    """Every item that mentions the department (not one page), as the search export gives hits."""
    department = resolve(name)
    items = get_reports().department_report(department, 1, EXPORT_LIMIT).items
    return csv_response(items_csv(items, absolute), "bulletins-department.csv")


@bp.get("/api/departments/<name>")
def api_show(name: str):
    return jsonify(
        get_reports().department_report(resolve(name), page_number(), PAGE_SIZE).to_json()
    )

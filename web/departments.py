"""Departments: every department with its items, one department's page, and their JSON twins."""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, redirect, render_template, request, url_for

from archive.departments import Department, gazetteer

from .charts import monthly_bars
from .context import get_store

bp = Blueprint("departments", __name__)

PAGE_SIZE = 50


def resolve(name: str) -> Department:
    department = gazetteer().resolve(name)
    if department is None:
        abort(404, f"没有名为「{name}」的部门。")
    return department


def page_number() -> int:
    raw = request.args.get("page", "1")
    if not raw.isdigit() or int(raw) < 1:
        abort(400, f"参数 page 必须是正整数：{raw}")
    return int(raw)


@bp.get("/departments/")
def index():
    counts = get_store().department_counts()
    groups: dict[str, list[tuple[Department, int]]] = {}
    for department in gazetteer().departments:
        groups.setdefault(department.kind or "其他", []).append(
            (department, counts.get(department.short_name, 0))
        )
    return render_template("departments.html", groups=groups)


@bp.get("/api/departments")
def api_index():
    counts = get_store().department_counts()
    return jsonify(
        [
            {
                **d.to_json(),
                "url": url_for("departments.show", name=d.short_name),
                "items": counts.get(d.short_name, 0),
            }
            for d in gazetteer().departments
        ]
    )


@bp.get("/departments/<name>")
def show(name: str):
    department = resolve(name)
    if name != department.short_name:
        return redirect(
            url_for("departments.show", name=department.short_name, **request.args), 301
        )
    report = get_store().department_report(department, page_number(), PAGE_SIZE)
    chart = monthly_bars(report.months, f"{department.short_name}每月被提及的条目数")
    return render_template("department.html", r=report, department=department, chart=chart)


@bp.get("/api/departments/<name>")
def api_show(name: str):
    return jsonify(get_store().department_report(resolve(name), page_number(), PAGE_SIZE).to_json())

"""The 数据 pages: the figures the bulletins report, each series over time, with JSON and CSV twins.

Every value links to the item it was read from; a value that contradicts its
neighbours is marked (archive.figures.flag_outliers), never left out.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, Response, abort, jsonify, render_template, request, url_for

from archive.departments import gazetteer
from archive.figure_store import FigurePoint, SeriesSummary
from archive.figures import SERIES_BY_KEY, TOPICS, Series, flag_outliers
from archive.store import Store
from indexer.search import UnknownDepartment
from service.export import table_csv

from .context import FIGURE_SERIES_KEY, absolute, get_store, per_generation
from .filters import cn_date, cn_span
from .series_chart import ChartPoint, format_number, timeline, years
from .twins import offer

bp = Blueprint("figures", __name__)

CSV_HEADER = [
    "系列",
    "名称",
    "部门",
    "数值",
    "单位",
    "原文",
    "起始日期",
    "截止日期",
    "期号",
    "条目",
    "链接",
    "提示",
]


def period_text(point: FigurePoint) -> str:
    """The span a value counts, as the bulletins print spans: 2024年9月9日—9月14日, 截至2024年1月5日."""
    figure = point.figure
    if figure.period_start is None:
        return f"截至{cn_date(figure.period_end)}"
    return cn_span(figure.period_start, figure.period_end)


def chart_points(points: list[FigurePoint], flags: dict) -> list[ChartPoint]:
    return [
        ChartPoint(
            day=p.figure.period_end,
            value=p.figure.value,
            href=request.script_root + p.figure.url,  # url_for per point costs more than the page
            label=f"{period_text(p)}：{p.figure.printed or format_number(p.figure.value)}"
            f"（{p.issue_title}）",
            flagged=p.figure.key in flags,
        )
        for p in points
    ]


def series_or_404(key: str) -> Series:
    series = SERIES_BY_KEY.get(key)
    if series is None:
        abort(404, f"没有名为 {key} 的数据系列。")
    return series


def department_param() -> str | None:
    name = (request.args.get("dept") or "").strip()
    if not name:
        return None
    if len(name) > 100:
        abort(400, "参数 dept 过长：最多 100 个字符")
    found = gazetteer().resolve(name)
    if found is None:  # as the search's dept= does: a 400 with the departments it may mean
        raise UnknownDepartment(name)
    return found.short_name


@bp.get("/figures/")
def index():
    summaries = figure_series()
    topics: dict[str, list] = {}
    for summary in summaries:
        topics.setdefault(TOPICS[summary.series.topic].name, []).append(summary)
    offer(json=url_for("figures.api_index"), csv=url_for("figures.csv_all"))
    return render_template("figures.html", topics=topics, period_text=period_text)


@bp.get("/api/figures")
def api_index():
    return jsonify({"series": [s.to_json() for s in figure_series()]})


def figure_series() -> list[SeriesSummary]:
    """Every series with its counts, read once per index generation (a pass over every
    figure: 0.2 s at 5,000 bulletins)."""
    return per_generation(FIGURE_SERIES_KEY, (), lambda: get_store().figures.series())


def series_data(store: Store, key: str, department: str | None) -> dict:
    """One series' page, built once for the page, its JSON and its CSV (and the CLI)."""
    series = SERIES_BY_KEY[key]
    if series.column is not None and department is None:
        latest = store.figures.latest(key)
        return {"series": series, "department": None, "points": [], "flags": {}, "latest": latest}
    points = store.figures.points(key, department)
    flags = flag_outliers(p.figure for p in points)
    return {
        "series": series,
        "department": department,
        "points": points,
        "flags": flags,
        "latest": [],
    }


def series_json(data: dict) -> dict:
    series = data["series"]
    return {
        "series": series.key,
        "name": series.name,
        "topic": TOPICS[series.topic].name,
        "unit": series.unit,
        "department": data["department"],
        "points": [
            {**p.to_json(), "flag": data["flags"].get(p.figure.key)} for p in data["points"]
        ],
        "latest": [p.to_json() for p in data["latest"]],
    }


def _request_data(key: str) -> dict:
    series_or_404(key)
    return series_data(get_store(), key, department_param())


@bp.get("/figures/<key>")
def show(key: str):
    data = _request_data(key)
    series, points, flags = data["series"], data["points"], data["flags"]
    offer(
        json=url_for("figures.api_show", key=key, dept=data["department"]),
        csv=url_for("figures.csv_show", key=key, dept=data["department"]),
    )
    label = series.name + (f"（{data['department']}）" if data["department"] else "")
    dots = chart_points(points, flags)
    chart = timeline(dots, label, series.unit, reverse=series.column == "rank")
    several_years = len({p.figure.period_end.year for p in points}) > 1
    by_year = (
        years(dots, f"{label}逐年对比", series.unit)
        if series.kinds == ("weekly",) and several_years
        else ""
    )
    return render_template(
        "figure.html",
        **data,
        topic=TOPICS[series.topic].name,
        chart=chart,
        by_year=by_year,
        period_text=period_text,
        format_number=format_number,
    )


@bp.get("/api/figures/<key>")
def api_show(key: str):
    return jsonify(series_json(_request_data(key)))


@bp.get("/figures/<key>.csv")
def csv_show(key: str):
    data = _request_data(key)
    return _csv_response(
        figures_csv(data["points"] or data["latest"], data["flags"], _links()), key
    )


@bp.get("/figures.csv")
def csv_all():
    return _csv_response(all_figures_csv(get_store(), _links()), "figures")


def _links() -> Callable[[str], str]:
    """Absolute permalinks (of paths) for this request (the root worked out once: a CSV has thousands)."""
    root = absolute("")
    return lambda path: root + path


def _csv_response(text: str, name: str) -> Response:
    return Response(
        text,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="bulletins-{name}.csv"'},
    )


def all_figures_csv(store: Store, link: Callable[[str], str]) -> str:
    """Every point of every series, as one CSV."""
    points: list[FigurePoint] = []
    flags: dict = {}
    for summary in store.figures.series():
        series_points = store.figures.points(summary.series.key)
        flags.update(flag_outliers(p.figure for p in series_points))
        points.extend(series_points)
    return figures_csv(points, flags, link)


def figures_csv(points: list[FigurePoint], flags: dict, link: Callable[[str], str]) -> str:
    """Points as CSV text (service.export.table_csv: a BOM, no cell a spreadsheet would run)."""
    return table_csv(CSV_HEADER, (_csv_row(p, flags, link) for p in points))


def _csv_row(p: FigurePoint, flags: dict, link: Callable[[str], str]) -> list[str]:
    f = p.figure
    return [
        f.series,
        SERIES_BY_KEY[f.series].name if f.series in SERIES_BY_KEY else f.series,
        f.department or "",
        format_number(f.value).replace(",", ""),
        f.unit,
        f.printed,
        f.period_start.isoformat() if f.period_start else "",
        f.period_end.isoformat(),
        p.issue_title,
        f.item_id,
        link(f.url),
        flags.get(f.key, ""),
    ]

"""Report export: chosen items, or a whole search, as a Word document, a printable page and JSON.

The items are named in the URL (`item=weekly-2024-09-09/s2-1`, repeated, in
the order chosen), so a report is a link like any other; without `item`, the
search parameters (q, dept, section, kind, from, to, sort) take every hit of
that search, up to MAX_ITEMS. `group=issue|department` and `title` shape it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from urllib.parse import quote

from flask import Blueprint, Response, abort, jsonify, render_template, request, url_for

from archive.model import Attachment, Issue, parse_ref
from archive.store import Store
from indexer.index import SearchIndex
from indexer.search import SearchRequest, search
from service.report import GROUPINGS, Report, ReportItem, groups

from .context import absolute, config, get_index, get_store
from .filters import KIND_LABELS, cn_date, cn_span
from .twins import offer

bp = Blueprint("reports", __name__)

MAX_ITEMS = 500
MAX_TITLE = 100
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class ItemNotFound(LookupError):
    """An item id that names no item of the archive (its issue, or that place in it, is gone)."""


def report_from_request() -> Report:
    """The report the URL asks for: its items, grouping and title (400/404 with the reason in Chinese)."""
    group = request.args.get("group", "issue")
    if group not in GROUPINGS:
        abort(400, "参数 group 只能是 issue（按期次）或 department（按部门）")
    title = " ".join((request.args.get("title") or "").split())
    if len(title) > MAX_TITLE:
        abort(400, f"参数 title 过长：最多 {MAX_TITLE} 个字符")
    ids = request.args.getlist("item")
    search_request = None
    if not ids:
        search_request = SearchRequest.from_params(request.args, default_limit=config().page_size)
        if not search_request.has_criteria:
            abort(400, "请选择条目（参数 item），或给出检索条件（q、dept、from、to 等）")
    try:
        return build_report(get_store(), get_index(), ids, search_request, group, title, _link)
    except ValueError as error:
        abort(400, str(error))
    except ItemNotFound as error:
        abort(404, f"没有编号为 {error} 的条目。")


def _link(path: str) -> str:
    return absolute(path)


def build_report(
    store: Store,
    index: SearchIndex,
    ids: list[str],
    search_request: SearchRequest | None,
    group: str,
    title: str,
    link: Callable[[str], str],
) -> Report:
    """The report of chosen items (`ids`, in order) or of every hit of a search (for the web and the CLI)."""
    if ids:
        items, filters, prefer = load_items(store, ids, link), (), ()
        title = title or "所选条目摘编"
    else:
        result = search(
            index, replace(search_request, page=1, limit=MAX_ITEMS), facets=False, snippets=False
        )
        items = load_items(store, [hit.item_id for hit in result.hits], link)
        filters = search_filters(search_request)
        name = search_request.department_name
        prefer = (name,) if name else ()
        title = title or "检索结果摘编"
    return Report(
        title=title,
        filters=filters,
        items=tuple(items),
        group_by=group,
        generated=datetime.now().astimezone(),
        prefer=prefer,
    )


def load_items(store: Store, ids: list[str], link: Callable[[str], str]) -> list[ReportItem]:
    """The items of these ids, in this order (each once), read from the archive.

    An id names an item in one version, as a link does (weekly-2024-09-09/s2-1 as first
    published, …/v2/s2-1 in the second): an item since corrected is reported as it is
    now, one since removed as it was. ValueError (in Chinese) for too many or a malformed
    id; ItemNotFound for an id of no item.
    """
    ids = list(dict.fromkeys(ids))
    if len(ids) > MAX_ITEMS:
        raise ValueError(f"一次最多导出 {MAX_ITEMS} 条，所选为 {len(ids)} 条")
    items = []
    for item_id in ids:
        ref = parse_ref(item_id) if len(item_id) <= 60 else None
        if ref is None or ref[2] is None:
            raise ValueError(f"条目编号格式有误：{item_id[:60]}（应如 weekly-2024-09-09/s2-1）")
        issue_id, version, anchor = ref
        followed = store.follow(issue_id, version, anchor)
        if followed is None:
            raise ItemNotFound(item_id)
        path = followed.current_url or followed.url
        items.append(report_item(followed.issue, followed.shown_anchor, link(path)))
    return items


def report_item(issue: Issue, anchor: str, link: str) -> ReportItem:
    """One item (or attachment) of an issue as a report gives it."""
    _, node = issue.find(anchor)
    if isinstance(node, Attachment):  # a table: its title and one line per row, as search reads it
        text = node.text
        return ReportItem(
            text,
            issue.citation(anchor),
            link,
            issue.issue_id,
            issue.title,
            anchor=anchor,
            version=issue.version,
            where=issue.cite(anchor).place,
        )
    return ReportItem(
        text=node.text,
        citation=issue.citation(anchor),
        where=issue.cite(anchor).place,
        link=link,
        issue_id=issue.issue_id,
        issue_title=issue.title,
        departments=tuple(node.departments),
        dates=cn_span(node.date_from, node.date_to),
        anchor=anchor,
        version=issue.version,
    )


def search_filters(search_request: SearchRequest) -> tuple[tuple[str, str], ...]:
    """The search's criteria as a reader of the report should see them."""
    shown = (
        ("检索词", search_request.query),
        ("部门", search_request.department_name or ""),
        ("栏目", search_request.section or ""),
        ("类型", KIND_LABELS.get(search_request.kind or "", "")),
        *(
            (f.label, f"{cn_date(start) if start else '不限'} 至 {cn_date(end) if end else '不限'}")
            for f, start, end in search_request.date_filters
        ),
    )
    return tuple((what, value) for what, value in shown if value)


@bp.get("/report.docx")
def docx():
    from service.word import report_docx  # python-docx only when a .docx is asked for

    report = report_from_request()
    day = f"{report.generated:%Y%m%d}"
    name = f"{report.title}-{day}.docx"
    return Response(
        report_docx(report),
        mimetype=DOCX,
        headers={
            "Content-Disposition": f'attachment; filename="bulletins-report-{day}.docx"; '
            f"filename*=UTF-8''{quote(name)}"
        },
    )


@bp.get("/report")
def page():
    report = report_from_request()
    offer(json=url_for("reports.api", **request.args.to_dict(flat=False)))
    return render_template("report.html", report=report, groups=groups(report))


@bp.get("/api/report")
def api():
    return jsonify(report_from_request().to_json())

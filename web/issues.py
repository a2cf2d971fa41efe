"""Issues: the list (by year, kind or number), one issue in its structure (in any of its
versions), an item's permalink, the file it was read from, and their JSON and CSV twins.

Links name an item in one version: `/items/<id>/<anchor>` as first published,
`/items/<id>/v2/<anchor>` in the second version. A link to an earlier version
is followed to what the correction made of its item (`Store.follow`): the same
item, perhaps moved, is redirected to its link in the current version (telling
the reader it moved); an item changed is shown as it is now, with a notice and
a link to the text as first published; an item removed is shown as it was, in
its version, with a notice. `/issues/<id>` is the current version,
`/issues/<id>/v1` the first as it was published.
"""

from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, Response, abort, jsonify, redirect, render_template, request, url_for

from archive.departments import gazetteer
from archive.lookup import IssueRef, parse_reference
from archive.model import KINDS, Attachment, Issue, item_url, parse_ref
from archive.originals import is_pdf
from archive.records import ItemLink, VersionedIssue
from archive.textfile import ExtractError, decode_text
from indexer.query import QueryError, highlight_terms, parse_query
from indexer.search import YEARS, SearchRequest
from service.export import issues_csv

from .context import (
    absolute,
    config,
    get_frequencies,
    get_index,
    get_reports,
    get_store,
    link_note,
)
from .links import search_href
from .related import Related, item_with_related, related_items
from .search import csv_response
from .twins import offer

bp = Blueprint("issues", __name__)


def load_issue(issue_id: str, version: int | None = None) -> VersionedIssue:
    found = get_store().issue_view(issue_id, version)
    if found is None:
        if version and get_store().versions(issue_id):
            abort(404, f"{issue_id} 没有第{version}版。")
        abort(404, f"没有编号为 {issue_id} 的一期。")
    return found


def follow(issue_id: str, version: int | None, anchor: str) -> ItemLink:
    followed = get_store().follow(issue_id, version, anchor)
    if followed is None:
        view = load_issue(issue_id, version)
        shown = f"第{version}版" if version else ""
        abort(404, f"{view.issue.title}{shown}中没有编号为 {anchor} 的条目。")
    return followed


# --- the list -----------------------------------------------------------------------


def list_filter() -> tuple[IssueRef | None, str]:
    """The issues the URL narrows the list to: ?q=第37期, ?year=2024, ?kind=weekly (any together)."""
    query = request.args.get("q", "").strip()
    ref = parse_reference(query) if query else IssueRef()
    if ref is None:
        abort(400, f"「{query[:40]}」不是期号：可写 2024年第37期、第508期 或 2025年6月月报。")
    kind = request.args.get("kind") or None
    if kind is not None and kind not in KINDS:
        abort(400, f"参数 kind 只能是 weekly（周报）或 monthly（月报），而不是 {kind[:40]!r}")
    year_text = request.args.get("year") or None
    first, last = YEARS
    if year_text is not None and not (
        year_text.isascii()
        and year_text.isdigit()
        and len(year_text) == 4
        and first <= int(year_text) <= last
    ):
        abort(400, f"参数 year 应是 {first} 到 {last} 之间的年份：{year_text[:40]}")
    year = int(year_text) if year_text else None
    if kind and ref.kind and kind != ref.kind:
        return IssueRef(issue_id="-"), query  # nothing is both
    ref = IssueRef(
        kind=kind or ref.kind,
        year=year if year is not None else ref.year,
        number=ref.number,
        total_number=ref.total_number,
        number_or_total=ref.number_or_total,
        month=ref.month,
        issue_id=ref.issue_id,
    )
    return (ref if ref != IssueRef() else None), query


@bp.get("/issues/")
def index():
    ref, query = list_filter()
    reports = get_reports()
    params = {k: v for k, v in request.args.items() if k in ("q", "year", "kind") and v}
    offer(json=url_for("issues.api_index", **params), csv=url_for("issues.export", **params))
    return render_template(
        "issues.html",
        issues=reports.summaries(ref=ref),
        problems=reports.problem_count(),
        years=reports.issue_years(),
        query=query,
        year=request.args.get("year", ""),
        kind=request.args.get("kind", ""),
        params=params,
    )


@bp.get("/api/issues")
def api_index():
    ref, _ = list_filter()
    return jsonify([s.to_json() for s in get_reports().summaries(ref=ref)])


@bp.get("/issues.csv")
def export():
    ref, _ = list_filter()
    return csv_response(issues_csv(get_reports().summaries(ref=ref), absolute), "bulletins-issues.csv")


# --- one issue ----------------------------------------------------------------------


@bp.get("/issues/<issue_id>/v<int(min=1):version>")
@bp.get("/issues/<issue_id>")
def show(issue_id: str, version: int | None = None):
    view = load_issue(issue_id, version)
    offer(json=url_for("issues.api_show", issue_id=issue_id, version=version))
    if version is not None and view.is_current:
        return redirect(absolute_path(view.version.url), 302)  # the current version's own page
    return render_issue(view, target=None)


@bp.get("/api/issues/<issue_id>/v<int(min=1):version>")
@bp.get("/api/issues/<issue_id>")
def api_show(issue_id: str, version: int | None = None):
    return jsonify(load_issue(issue_id, version).to_json())


@bp.get("/items/<issue_id>/v<int(min=1):version>/<anchor>")
@bp.get("/items/<issue_id>/<anchor>")
def item(issue_id: str, anchor: str, version: int | None = None):
    """The permalink of one item: its issue, scrolled to it and highlighted."""
    followed = follow(issue_id, version, anchor)
    if followed.fate in ("same", "moved"):  # the same text: its link in the current version
        target = absolute_path(followed.current_url)
        if followed.fate == "moved":
            target += f"?moved={followed.url.removeprefix('/items/')}"  # not a search's `from`
        return redirect(target, 302)  # not 301: a later correction may move it again
    moved = moved_here(followed)
    offer(json=url_for("issues.api_item", issue_id=issue_id, anchor=anchor, version=version))
    return render_issue(
        followed.shown,
        target=followed.shown_anchor,
        related=related_to(followed.issue, followed.shown_anchor),
        followed=followed if followed.fate else moved,
    )


def moved_here(followed: ItemLink) -> ItemLink | None:
    """The earlier link that was redirected here (`?moved=`), if the store says its item moved
    here; anything else in the parameter is ignored."""
    ref = parse_ref(request.args.get("moved", "")[:80])
    if ref is None or ref[2] is None or ref[0] != followed.issue.issue_id:
        return None
    earlier = get_store().follow(*ref)
    if earlier is None or earlier.fate != "moved" or earlier.current_url != followed.url:
        return None
    return earlier


def related_to(issue: Issue, anchor: str) -> list[Related]:
    """Up to five items of other issues related to this one (none for an attachment)."""
    _, node = issue.find(anchor)
    if isinstance(node, Attachment):
        return []
    return related_items(
        get_index(), issue.issue_id, node.text, node.departments, get_frequencies()
    )


@bp.get("/api/items/<issue_id>/v<int(min=1):version>/<anchor>")
@bp.get("/api/items/<issue_id>/<anchor>")
def api_item(issue_id: str, anchor: str, version: int | None = None):
    followed = follow(issue_id, version, anchor)
    return jsonify(item_with_related(get_index(), followed, get_frequencies()))


def absolute_path(path: str) -> str:
    return request.script_root + path


def render_issue(
    view: VersionedIssue,
    target: str | None,
    related: list[Related] | None = None,
    followed: ItemLink | None = None,
):
    issue = view.issue
    older, newer = get_reports().neighbours(issue.issue_id)
    anchors = [node.anchor for _, node in issue.walk_items()] + [
        a.anchor for a in issue.attachments
    ]
    citations = {anchor: issue.citation(anchor) for anchor in anchors}
    links = {anchor: absolute(issue.item_url(anchor)) for anchor in anchors}
    terms, back = arrival()
    original = original_of(view)
    return render_template(
        "issue.html",
        issue=issue,
        view=view,
        target=target,
        citations=citations,
        links=links,
        older=older,
        newer=newer,
        related=related or [],
        followed=followed,
        item_url=item_url,
        terms=terms,
        back=back,
        original=original,
        link_note=link_note(),
    )


def arrival() -> tuple[list[str], str | None]:
    """Arriving from a search (its parameters in the URL): the words to mark on the page, and
    the link back to the results. Parameters that are no valid search are ignored."""
    if not request.args:
        return [], None
    try:
        search_request = SearchRequest.from_params(request.args, default_limit=config().page_size)
        tree = parse_query(search_request.query)
    except QueryError:
        return [], None
    if not search_request.has_criteria:
        return [], None
    terms = highlight_terms(tree) if tree is not None else []
    if search_request.department_name:
        terms += gazetteer().resolve(search_request.department_name).forms
    return terms, search_href(search_request.params())


# --- the file it was read from --------------------------------------------------------


def original_of(view: VersionedIssue) -> dict | None:
    """What the issue page offers of the file its version was read from (None without a copy)."""
    issue = view.issue
    source = issue.source
    if source is None or not get_store().originals.has(source.sha256):
        return None
    with get_store().originals.path(source.sha256).open("rb") as file:
        pdf = is_pdf(file.read(1024))
    version = None if view.is_current else issue.version
    return {
        "name": source.name,  # to save it as
        "shown": source.shown,  # below the folder it was ingested from
        "pdf": pdf,
        "view": url_for("issues.original", issue_id=issue.issue_id, version=version),
        "download": url_for(
            "issues.original", issue_id=issue.issue_id, version=version, download=1
        ),
    }


@bp.get("/issues/<issue_id>/v<int(min=1):version>/original")
@bp.get("/issues/<issue_id>/original")
def original(issue_id: str, version: int | None = None):
    """The file the issue (or one version of it) was read from, as kept: a PDF for the
    browser's own viewer (…#page=N opens the page an item starts on), a text file as UTF-8
    text; ?download=1 saves it as it was."""
    issue = load_issue(issue_id, version).issue
    data = get_store().originals.read(issue.source.sha256) if issue.source else None
    if data is None:
        abort(404, f"{issue.title}的原文件没有保存在档案中：重新导入该文件即可。")
    name = issue.source.name
    pdf = is_pdf(data)
    if request.args.get("download"):
        mimetype = "application/pdf" if pdf else "application/octet-stream"
        return _file(data, mimetype, name, "attachment")
    if pdf:
        return _file(data, "application/pdf", name, "inline")
    try:
        text = decode_text(data, name)
    except ExtractError:
        return _file(data, "application/octet-stream", name, "attachment")
    return _file(text.encode("utf-8"), "text/plain", name, "inline")


def _file(data: bytes, mimetype: str, name: str, disposition: str) -> Response:
    response = Response(data, mimetype=mimetype)
    if mimetype == "text/plain":
        response.charset = "utf-8"
    ascii_name = name.encode("ascii", "replace").decode().replace('"', "_") or "bulletin"
    response.headers["Content-Disposition"] = (
        f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
    )
    response.headers["Content-Security-Policy"] = FILE_CSP
    return response


# A stored file runs nothing and loads nothing; the browser's PDF viewer still shows a PDF.
FILE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox"

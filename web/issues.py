"""Issues: the list, one issue in its structure (in any of its versions), an item's permalink,
and their JSON twins.

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

from flask import Blueprint, abort, jsonify, redirect, render_template, request

from archive.model import Attachment, Issue, item_url, parse_ref
from archive.records import ItemLink, VersionedIssue

from .context import absolute, get_frequencies, get_index, get_reports, get_store
from .related import Related, item_with_related, related_items

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


@bp.get("/issues/")
def index():
    reports = get_reports()
    return render_template(
        "issues.html", issues=reports.summaries(), problems=reports.problem_count()
    )


@bp.get("/api/issues")
def api_index():
    return jsonify([s.to_json() for s in get_reports().summaries()])


@bp.get("/issues/<issue_id>/v<int(min=1):version>")
@bp.get("/issues/<issue_id>")
def show(issue_id: str, version: int | None = None):
    view = load_issue(issue_id, version)
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
            target += f"?from={followed.url.removeprefix('/items/')}"
        return redirect(target, 302)  # not 301: a later correction may move it again
    moved = moved_here(followed)
    return render_issue(
        followed.shown,
        target=followed.shown_anchor,
        related=related_to(followed.issue, followed.shown_anchor),
        followed=followed if followed.fate else moved,
    )


def moved_here(followed: ItemLink) -> ItemLink | None:
    """The earlier link that was redirected here (`?from=`), if the store says its item moved
    here; anything else in the parameter is ignored."""
    ref = parse_ref(request.args.get("from", "")[:80])
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
    links = {anchor: absolute(request.script_root + issue.item_url(anchor)) for anchor in anchors}
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
    )

"""Issues: the list, one issue in its structure, an item's permalink, and their JSON twins."""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, render_template

from archive.model import Attachment, Issue

from .context import get_frequencies, get_index, get_reports, get_store
from .related import Related, item_with_related, related_items

bp = Blueprint("issues", __name__)


def load_issue(issue_id: str) -> Issue:
    issue = get_store().load(issue_id)
    if issue is None:
        abort(404, f"没有编号为 {issue_id} 的一期。")
    return issue


@bp.get("/issues/")
def index():
    reports = get_reports()
    return render_template(
        "issues.html", issues=reports.summaries(), problems=reports.problem_count()
    )


@bp.get("/api/issues")
def api_index():
    return jsonify([s.to_json() for s in get_reports().summaries()])


@bp.get("/issues/<issue_id>")
def show(issue_id: str):
    return render_issue(load_issue(issue_id), target=None)


@bp.get("/api/issues/<issue_id>")
def api_show(issue_id: str):
    return jsonify(load_issue(issue_id).to_json())


@bp.get("/items/<issue_id>/<anchor>")
def item(issue_id: str, anchor: str):
    """The permalink of one item: its issue, scrolled to it and highlighted."""
    issue = load_issue(issue_id)
    if issue.find(anchor) is None:
        abort(404, f"{issue.title}中没有编号为 {anchor} 的条目。")
    return render_issue(issue, target=anchor, related=related_to(issue, anchor))


def related_to(issue: Issue, anchor: str) -> list[Related]:
    """Up to five items of other issues related to this one (none for an attachment)."""
    _, node = issue.find(anchor)
    if isinstance(node, Attachment):
        return []
    return related_items(
        get_index(), issue.issue_id, node.text, node.departments, get_frequencies()
    )


@bp.get("/api/items/<issue_id>/<anchor>")
def api_item(issue_id: str, anchor: str):
    issue = load_issue(issue_id)
    data = item_with_related(get_index(), issue, anchor, get_frequencies())
    if data is None:
        abort(404, f"{issue.title}中没有编号为 {anchor} 的条目。")
    return jsonify(data)


def render_issue(issue: Issue, target: str | None, related: list[Related] | None = None):
    older, newer = get_reports().neighbours(issue.issue_id)
    citations = {node.anchor: issue.citation(node.anchor) for _, node in issue.walk_items()}
    citations.update({a.anchor: issue.citation(a.anchor) for a in issue.attachments})
    return render_template(
        "issue.html",
        issue=issue,
        target=target,
        citations=citations,
        older=older,
        newer=newer,
        related=related or [],
    )

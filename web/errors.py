"""Errors in Chinese: a page for people, JSON for /api; user input never gives a 500."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from urllib.parse import urlencode

from flask import Flask, current_app, jsonify, render_template, request, url_for
from werkzeug.exceptions import HTTPException, NotFound

from archive.departments import Department, did_you_mean, gazetteer
from archive.store import StoreError
from indexer.index import IndexMissing
from indexer.query import QueryError
from indexer.search import UnknownDepartment

TITLES = {
    400: "请求有误",
    404: "没有找到",
    405: "不支持的请求方式",
    500: "服务器出错",
    503: "检索暂不可用",
}
STORE_UNREADABLE = (
    "档案库文件（archive.db）已损坏或无法读取：请管理员从备份恢复，或将其移开后重新导入简报文件"
    "（bulletins ingest）。检索仍可使用。"
)
DEFAULT_REASONS = {
    404: "您要找的页面不存在：期号或条目编号可能有误。",
    405: "该地址不支持这种请求方式。",
    500: "服务器处理时出错，请稍后再试。",
}


class NoSuchDepartment(NotFound):
    """A department URL that names no department: a 404 with the departments it may mean."""

    def __init__(self, name: str) -> None:
        shown = name if len(name) <= 40 else name[:40] + "…"  # a message is not an echo chamber
        self.reason = f"没有名为「{shown}」的部门。"
        self.suggestions = gazetteer().suggest(name)
        super().__init__(self.reason + did_you_mean(self.suggestions))


def error_response(
    status: int,
    reason: str,
    *,
    suggestions: list[Department] | None = None,
    brief: str | None = None,
    retry: Callable[[Department], str] | None = None,
):
    """The error as JSON under /api (and for CSV), else as a page.

    A name that is no department comes with `suggestions`: in JSON as a list
    (each with its department page), on the page as links (`retry` gives each
    one's URL) after `brief`, the reason without the question the links ask.
    """
    if request.path.startswith("/api/") or request.path.endswith(".csv"):
        body = {"status": status, "title": TITLES.get(status, "错误"), "reason": reason}
        if suggestions is not None:
            body["suggestions"] = [
                {"name": d.short_name, "full_name": d.full_name, "url": _department_path(d)}
                for d in suggestions
            ]
        response = jsonify({"error": body})
        response.status_code = status
        return response
    links = [(d.short_name, (retry or department_url)(d)) for d in suggestions or ()]
    page = render_template(
        "error.html",
        status=status,
        title=TITLES.get(status, "错误"),
        reason=brief if links and brief else reason,
        suggestions=links,
    )
    return page, status


def department_url(department: Department) -> str:
    return url_for("departments.show", name=department.short_name)


def _department_path(department: Department) -> str:
    """As the JSON of the department list gives it: the name as it is, not percent-encoded."""
    return f"/departments/{department.short_name}"


def _same_request_with(department: Department) -> str:
    """This page's URL with `dept` set to the department (and back to its first page)."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k not in ("dept", "page")]
    query = urlencode([*args, ("dept", department.short_name)])
    return f"{request.script_root}{request.path}?{query}"


def init_app(app: Flask) -> None:
    @app.errorhandler(QueryError)
    def bad_query(error: QueryError):
        if isinstance(error, UnknownDepartment):
            return error_response(
                400,
                str(error),
                suggestions=error.suggestions,
                brief=error.reason,
                retry=_same_request_with,
            )
        return error_response(400, str(error))

    @app.errorhandler(NoSuchDepartment)
    def no_such_department(error: NoSuchDepartment):
        return error_response(
            404, error.description, suggestions=error.suggestions, brief=error.reason
        )

    @app.errorhandler(IndexMissing)
    def no_index(error: IndexMissing):
        return error_response(503, "检索索引尚未建立，请运行 bulletins reindex。")

    @app.errorhandler(StoreError)
    @app.errorhandler(sqlite3.DatabaseError)
    def no_store(error: Exception):
        current_app.logger.error("the store cannot be read: %s", error)
        return error_response(503, STORE_UNREADABLE)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        status = error.code or 500
        reason = (
            error.description
            if status == 400 and error.description
            else DEFAULT_REASONS.get(status, "")
        )
        if (
            status == 404
            and getattr(error, "description", "")
            and not error.description.startswith("The requested URL")
        ):
            reason = error.description
        return error_response(status, reason)

"""Errors in Chinese: a page for people, JSON for /api; user input never gives a 500."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from indexer.index import IndexMissing
from indexer.query import QueryError

TITLES = {
    400: "请求有误",
    404: "没有找到",
    405: "不支持的请求方式",
    500: "服务器出错",
    503: "检索暂不可用",
}
DEFAULT_REASONS = {
    404: "您要找的页面不存在：期号或条目编号可能有误。",
    405: "该地址不支持这种请求方式。",
    500: "服务器处理时出错，请稍后再试。",
}


def error_response(status: int, reason: str):
    if request.path.startswith("/api/") or request.path.endswith(".csv"):
        response = jsonify(
            {"error": {"status": status, "title": TITLES.get(status, "错误"), "reason": reason}}
        )
        response.status_code = status
        return response
    page = render_template(
        "error.html", status=status, title=TITLES.get(status, "错误"), reason=reason
    )
    return page, status


def init_app(app: Flask) -> None:
    @app.errorhandler(QueryError)
    def bad_query(error: QueryError):
        return error_response(400, str(error))

    @app.errorhandler(IndexMissing)
    def no_index(error: IndexMissing):
        return error_response(503, "检索索引尚未建立，请运行 bulletins reindex。")

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

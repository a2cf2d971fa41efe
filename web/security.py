"""Security headers on every response (no inline scripts, no sniffing, no referrer leaks), and no
redirect that sends a browser to whatever host a request's Host header named."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from flask import Flask, Response, request

from .context import config

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def add_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    return response


def own_location(response: Response) -> Response:
    """A redirect to this app on the configured base URL, else as a path, never on the request's Host.

    Why: werkzeug's own redirects (a missing trailing slash, a doubled slash merged)
    build an absolute Location from the Host header, so a forged Host sent a
    browser (or poisoned a cache) to another site.
    """
    location = response.headers.get("Location")
    if not location:
        return response
    parts = urlsplit(location)
    if parts.netloc and parts.netloc == request.host:
        relative = urlunsplit(("", "", parts.path, parts.query, parts.fragment))
        base = config().base_url
        response.headers["Location"] = (
            base + relative.removeprefix(request.script_root) if base else relative
        )
    return response


def init_app(app: Flask) -> None:
    app.after_request(add_headers)
    app.after_request(own_location)

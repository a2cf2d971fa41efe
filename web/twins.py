"""Every page's machine-readable twins, the way Datasette offers them: JSON, and CSV for a list.

A view names its twins (`offer`); the page links them (in <head> and at its
foot) and the response carries them in a `Link: <…>; rel="alternate"` header,
so a script that has the address of any page finds its data without scraping.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, Response, g

TYPES = {"json": "application/json", "csv": "text/csv"}


@dataclass(frozen=True)
class Twin:
    format: str  # "json" or "csv"
    url: str

    @property
    def type(self) -> str:
        return TYPES[self.format]

    @property
    def label(self) -> str:
        return self.format.upper()


def offer(json: str | None = None, csv: str | None = None) -> None:
    """Name this request's twins (URLs as url_for gives them)."""
    g.twins = [Twin(f, url) for f, url in (("json", json), ("csv", csv)) if url]


def twins() -> list[Twin]:
    return g.get("twins", [])


def link_header(found: list[Twin]) -> str:
    """RFC 8288: `<url>; rel="alternate"; type="…"`, comma-separated."""
    return ", ".join(f'<{t.url}>; rel="alternate"; type="{t.type}"' for t in found)


def add_link_header(response: Response) -> Response:
    found = twins()
    if found and response.mimetype == "text/html" and response.status_code == 200:
        response.headers["Link"] = link_header(found)
    return response


def init_app(app: Flask) -> None:
    app.after_request(add_link_header)
    app.jinja_env.globals["twins"] = twins

"""Template filters: Chinese dates and date spans, file names, sizes and times."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask
from markupsafe import Markup, escape

from archive import model
from indexer.highlight import match_spans, snippet

KIND_LABELS = {"weekly": "周报", "monthly": "月报"}


def as_date(value) -> date | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def cn_date(value) -> str:
    """2024-09-09 -> 2024年9月9日."""
    day = as_date(value)
    return model.cn_date(day) if day else ""


def cn_span(start, end) -> str:
    """A date span as the bulletins print it (the model's, for values from JSON or templates)."""
    first = as_date(start)
    return model.cn_span(first, as_date(end)) if first else ""


def marked(text: str, terms: list[str]) -> Markup:
    """The whole text, escaped, each match of the terms in <mark> (the words of the search
    that led to the page)."""
    out, cursor = [], 0
    for start, end in match_spans(text, terms) if terms else []:
        out += [escape(text[cursor:start]), Markup("<mark>"), escape(text[start:end])]
        out.append(Markup("</mark>"))
        cursor = end
    out.append(escape(text[cursor:]))
    return Markup("").join(out)


def filesize(size: int | None) -> str:
    """1536 -> "1.5 KB"; sizes of bulletins, so KB and MB are enough."""
    if size is None:
        return ""
    if size < 1024:
        return f"{size} B"
    if size < 2**20:
        return f"{size / 1024:.1f} KB"
    return f"{size / 2**20:.1f} MB"


def local_time(stamp: str | None) -> str:
    """An ISO time stamp (stored in UTC) in the server's time zone, to the minute."""
    if not stamp:
        return ""
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def local_day(stamp: str | None) -> str:
    """An ISO time stamp (stored in UTC) as the day it was in the server's time zone: 2024年9月25日."""
    if not stamp:
        return ""
    try:
        return cn_date(datetime.fromisoformat(stamp).astimezone().date())
    except ValueError:
        return stamp


def register_filters(app: Flask) -> None:
    app.jinja_env.filters["filesize"] = filesize
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.filters["local_day"] = local_day
    app.jinja_env.filters["cn_date"] = cn_date
    app.jinja_env.filters["kind_label"] = lambda kind: KIND_LABELS.get(kind, kind)
    app.jinja_env.globals["cn_span"] = cn_span
    app.jinja_env.globals["snippet"] = snippet
    app.jinja_env.filters["marked"] = marked

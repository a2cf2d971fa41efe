"""The figures in the store: their table, an issue's figure rows, and the read models of the 数据 pages.

Apart from store.py because the figures are derived from an issue (archive.figures)
rather than parts of it: the store writes `figure_rows(issue)` in the issue's own
transaction and deletes them with it; `FigureReports` answers the pages' questions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlite_utils import Database

from .figures import SERIES, TOPICS, Figure, Series, extract_figures
from .model import Issue


def create_figures(db: Database) -> None:
    """The figures table: one row per figure, keyed by its issue and its place in it."""
    db["figures"].create(
        {
            "issue_id": str,
            "position": int,
            "series": str,
            "department": str,
            "value": float,
            "unit": str,
            "printed": str,
            "period_start": str,
            "period_end": str,
            "anchor": str,
        },
        pk=("issue_id", "position"),
        if_not_exists=True,
    )
    db["figures"].create_index(["series", "department", "period_end"], if_not_exists=True)


def figure_rows(issue: Issue) -> list[dict]:
    """The issue's figures as rows of the figures table (written with the issue, in its transaction)."""
    return [
        {
            "issue_id": f.issue_id,
            "position": position,
            "series": f.series,
            "department": f.department,
            "value": f.value,
            "unit": f.unit,
            "printed": f.printed,
            "period_start": _iso(f.period_start),
            "period_end": _iso(f.period_end),
            "anchor": f.anchor,
        }
        for position, f in enumerate(extract_figures(issue), 1)
    ]


@dataclass
class FigurePoint:
    """A figure as the 数据 pages list it: with the title of the issue it came from."""

    figure: Figure
    issue_title: str

    def to_json(self) -> dict:
        return {**self.figure.to_json(), "issue_title": self.issue_title}


@dataclass
class SeriesSummary:
    """What the archive holds of one series: how many points, over which span, the latest."""

    series: Series
    points: int
    issues: int
    departments: int
    first: str
    last: str
    latest: FigurePoint | None  # None for the assessment series (one value per department)

    def to_json(self) -> dict:
        s = self.series
        return {
            "series": s.key,
            "name": s.name,
            "topic": TOPICS[s.topic].name,
            "unit": s.unit,
            "scope": s.scope,
            "kinds": list(s.kinds),
            "url": f"/figures/{s.key}",
            "points": self.points,
            "issues": self.issues,
            "departments": self.departments,
            "first": self.first,
            "last": self.last,
            "latest": self.latest.to_json() if self.latest else None,
        }


class FigureReports:
    """Questions about the stored figures, over one connection."""

    def __init__(self, db: Database):
        self.db = db

    def series(self) -> list[SeriesSummary]:
        """Every series the archive has points of, in the order of the series table."""
        stats = {
            r["series"]: r
            for r in self.db.query(
                """SELECT series, count(*) AS points, count(DISTINCT issue_id) AS issues,
                          count(DISTINCT department) AS departments,
                          min(period_end) AS first, max(period_end) AS last
                   FROM figures GROUP BY series"""
            )
        }
        summaries = []
        for series in SERIES:
            row = stats.get(series.key)
            if row is None:
                continue
            latest = None
            if series.column is None:
                latest = self._points(
                    "f.series = ? ORDER BY f.period_end DESC, f.issue_id DESC LIMIT 1", [series.key]
                )[0]
            summaries.append(
                SeriesSummary(
                    series=series,
                    points=row["points"],
                    issues=row["issues"],
                    departments=row["departments"],
                    first=row["first"],
                    last=row["last"],
                    latest=latest,
                )
            )
        return summaries

    def points(self, series: str, department: str | None = None) -> list[FigurePoint]:
        """The points of one series (of one department, for the assessments), oldest first."""
        if department is None:
            return self._points("f.series = ? ORDER BY f.period_end, f.issue_id", [series])
        return self._points(
            "f.series = ? AND f.department = ? ORDER BY f.period_end, f.issue_id",
            [series, department],
        )

    def latest(self, series: str) -> list[FigurePoint]:
        """Each department's last point of an assessment series, best first."""
        return self._points(
            """f.series = ? AND f.period_end = (SELECT max(period_end) FROM figures g
                   WHERE g.series = f.series AND g.department = f.department)
               ORDER BY f.period_end DESC, f.value DESC, f.department""",
            [series],
        )

    def _points(self, where: str, params: list) -> list[FigurePoint]:
        rows = self.db.query(
            f"""SELECT f.*, i.title AS issue_title, i.version FROM figures f
                JOIN issues i ON i.issue_id = f.issue_id WHERE {where}""",
            params,
        )
        return [
            FigurePoint(
                figure=Figure(
                    series=r["series"],
                    value=r["value"],
                    unit=r["unit"],
                    printed=r["printed"],
                    period_start=_date(r["period_start"]),
                    period_end=_date(r["period_end"]),
                    issue_id=r["issue_id"],
                    anchor=r["anchor"],
                    department=r["department"],
                    version=r["version"],
                ),
                issue_title=r["issue_title"],
            )
            for r in rows
        ]


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None

"""A series of figures over time as server-rendered SVG: no script, no outside library.

Two pictures of one series: the values along time (`timeline`), and, for a
weekly series, each year's values over the weeks of the year laid on one
another (`years`), which is how staff compare 综窗 this year with last. Every
point is a link to the item its value was read from; a value flagged as
contradicting its neighbours is drawn apart, never left out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from markupsafe import Markup, escape

WIDTH, HEIGHT = 720, 230
LEFT, RIGHT, TOP, BOTTOM = 56, 12, 26, 30
YEARS_SHOWN = 5  # the newest years, each drawn in its class y0 (newest) .. y4 of style.css


@dataclass(frozen=True)
class ChartPoint:
    day: date  # where the value stands on the time axis (the last day it counts)
    value: float
    href: str  # the item the value was read from
    label: str  # what hovering shows: "2024年9月9日—9月14日：1493人次"
    flagged: bool = False


def nice_ceiling(value: float) -> float:
    """The axis top: the value rounded up to a round step times a power of ten (nothing: 1)."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if value <= step * power * (1 + 1e-9):
            return step * power
    return 10 * power


def format_number(value: float) -> str:
    """27000 -> "27,000"; 66.62 -> "66.62": as a table of figures prints them."""
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def timeline(points: list[ChartPoint], label: str, unit: str, reverse: bool = False) -> Markup:
    """The values along time, oldest left, joined by a line, one linked dot each.

    `reverse` puts small values on top (a rank: 1 is the best place).
    """
    if not points:
        return Markup("")
    points = sorted(points, key=lambda p: p.day)
    first, last = points[0].day.toordinal(), points[-1].day.toordinal()
    span = max(1, last - first)

    def x(day: date) -> float:
        if first == last:
            return LEFT + (WIDTH - LEFT - RIGHT) / 2
        return LEFT + (WIDTH - LEFT - RIGHT) * (day.toordinal() - first) / span

    top = nice_ceiling(max(p.value for p in points))
    parts = _frame(label, unit, top, reverse)
    for year in range(points[0].day.year + 1, points[-1].day.year + 1):
        tick = x(date(year, 1, 1))
        parts.append(_x_tick(tick, f"{year}年"))
    if points[0].day.month != 1 or len({p.day.year for p in points}) == 1:
        parts.append(_x_tick(x(points[0].day), f"{points[0].day.year}年{points[0].day.month}月"))
    coords = [(x(p.day), _y(p.value, top, reverse)) for p in points]
    if len(points) > 1:
        line = " ".join(f"{cx:.1f},{cy:.1f}" for cx, cy in coords)
        parts.append(f'<polyline class="series-line" points="{line}" fill="none"/>')
    for point, (cx, cy) in zip(points, coords, strict=True):
        parts.append(_dot(point, cx, cy))
    parts.append("</svg>")
    return Markup("".join(parts))


def years(points: list[ChartPoint], label: str, unit: str) -> Markup:
    """Each year's values over the weeks of the year, the newest years on one another."""
    by_year: dict[int, list[ChartPoint]] = {}
    for point in sorted(points, key=lambda p: p.day):
        by_year.setdefault(point.day.year, []).append(point)
    shown = sorted(by_year, reverse=True)[:YEARS_SHOWN]
    if not shown:
        return Markup("")

    def x(day: date) -> float:
        return LEFT + (WIDTH - LEFT - RIGHT) * (day.timetuple().tm_yday - 1) / 365

    top = nice_ceiling(max(p.value for y in shown for p in by_year[y]))
    parts = _frame(label, unit, top)
    for month in (1, 4, 7, 10):
        parts.append(_x_tick(x(date(2001, month, 1)), f"{month}月"))
    for order, year in enumerate(shown):
        coords = [(x(p.day), _y(p.value, top)) for p in by_year[year]]
        if len(coords) > 1:
            line = " ".join(f"{cx:.1f},{cy:.1f}" for cx, cy in coords)
            parts.append(f'<polyline class="series-line y{order}" points="{line}" fill="none"/>')
        for point, (cx, cy) in zip(by_year[year], coords, strict=True):
            parts.append(_dot(point, cx, cy, f"y{order}"))
        legend_x = WIDTH - RIGHT - (len(shown) - order) * 64
        parts.append(
            f'<rect x="{legend_x}" y="4" width="10" height="10" class="legend y{order}"/>'
            f'<text x="{legend_x + 14}" y="13" class="tick">{year}年</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def _y(value: float, top: float, reverse: bool = False) -> float:
    share = (HEIGHT - BOTTOM - TOP) * value / top
    return TOP + share if reverse else HEIGHT - BOTTOM - share


def _frame(label: str, unit: str, top: float, reverse: bool = False) -> list[str]:
    base = HEIGHT - BOTTOM
    parts = [
        f'<svg class="chart series-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(label)}</title>",
        f'<line x1="{LEFT}" y1="{base}" x2="{WIDTH - RIGHT}" y2="{base}" class="axis"/>',
    ]
    for fraction in (0, 0.5, 1):
        y = _y(top * fraction, top, reverse)
        if fraction:
            parts.append(
                f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" class="grid"/>'
            )
        parts.append(
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" class="tick" text-anchor="end">'
            f"{escape(format_number(top * fraction))}</text>"
        )
    parts.append(
        f'<text x="{LEFT - 6}" y="12" class="tick unit" text-anchor="end">{escape(unit)}</text>'
    )
    return parts


def _x_tick(x: float, text: str) -> str:
    return (
        f'<line x1="{x:.1f}" y1="{HEIGHT - BOTTOM}" x2="{x:.1f}" y2="{HEIGHT - BOTTOM + 4}" class="axis"/>'
        f'<text x="{x:.1f}" y="{HEIGHT - 10}" class="tick" text-anchor="middle">{escape(text)}</text>'
    )


def _dot(point: ChartPoint, cx: float, cy: float, year: str = "") -> str:
    mark = " ".join(c for c in ("dot", year, "flagged" if point.flagged else "") if c)
    note = "（与相邻各期明显不符，请核对原文）" if point.flagged else ""
    return (
        f'<a href="{escape(point.href)}"><circle class="{mark}" cx="{cx:.1f}" cy="{cy:.1f}" r="3.5">'
        f"<title>{escape(point.label)}{note}</title></circle></a>"
    )

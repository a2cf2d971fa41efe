"""A per-month bar chart as server-rendered SVG: no script, no external library.

Every month from the first to the last has its place, so a month without
mentions is a visible gap (a dot on the axis); every bar is labelled with its
count above it and its month below (the year under each January and under the
first month). The chart is drawn at a size that keeps the labels readable
(a column per month) and scrolls sideways in its box when the screen is narrower.
"""

from __future__ import annotations

from markupsafe import Markup, escape

COLUMN = 34  # px per month: room for "12月" under a bar and a count above it
MIN_WIDTH, HEIGHT = 720, 200
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 32, 8, 18, 40


def month_range(first: str, last: str) -> list[str]:
    """Every YYYY-MM from first to last, inclusive."""
    year, month = map(int, first.split("-"))
    end = tuple(map(int, last.split("-")))
    months = []
    while (year, month) <= end:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def monthly_bars(counts: list[tuple[str, int]], label: str) -> Markup:
    """Bars of mentions per month, months without any shown as gaps, each bar labelled."""
    if not counts:
        return Markup("")
    values = dict(counts)
    months = month_range(counts[0][0], counts[-1][0])
    peak = max(values.values())
    width = max(MIN_WIDTH, PAD_LEFT + PAD_RIGHT + COLUMN * len(months))
    plot_w, plot_h = width - PAD_LEFT - PAD_RIGHT, HEIGHT - PAD_BOTTOM - PAD_TOP
    step = plot_w / len(months)
    bar = min(COLUMN * 0.7, step * 0.7)
    base = HEIGHT - PAD_BOTTOM
    parts = [
        f'<svg class="chart" width="{width}" height="{HEIGHT}" viewBox="0 0 {width} {HEIGHT}" '
        f'role="img" aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(label)}</title>",
        f'<line x1="{PAD_LEFT}" y1="{base}" x2="{width - PAD_RIGHT}" y2="{base}" class="axis"/>',
        f'<text x="{PAD_LEFT - 6}" y="{PAD_TOP + 4}" class="tick" text-anchor="end">{peak}</text>',
        f'<text x="{PAD_LEFT - 6}" y="{base}" class="tick" text-anchor="end">0</text>',
    ]
    for i, month in enumerate(months):
        n = values.get(month, 0)
        year, number = month[:4], int(month[5:])
        middle = PAD_LEFT + i * step + step / 2
        name = f"{year}年{number}月：{n} 条"
        if n:
            h = plot_h * n / peak
            parts.append(
                f'<rect x="{middle - bar / 2:.1f}" y="{base - h:.1f}" width="{bar:.1f}" '
                f'height="{h:.1f}" class="bar" data-month="{month}" data-count="{n}">'
                f"<title>{name}</title></rect>"
                f'<text x="{middle:.1f}" y="{base - h - 4:.1f}" class="value" '
                f'text-anchor="middle">{n}</text>'
            )
        else:
            parts.append(
                f'<circle cx="{middle:.1f}" cy="{base:.1f}" r="2" class="gap" data-month="{month}">'
                f"<title>{name}</title></circle>"
            )
        parts.append(
            f'<text x="{middle:.1f}" y="{base + 14}" class="tick month" text-anchor="middle">'
            f"{number}月</text>"
        )
        if number == 1 or i == 0:
            parts.append(
                f'<text x="{middle:.1f}" y="{base + 30}" class="tick year" text-anchor="middle">'
                f"{year}年</text>"
            )
    parts.append("</svg>")
    return Markup("".join(parts))

"""A per-month bar chart as server-rendered SVG: no script, no external library."""

from __future__ import annotations

from markupsafe import Markup, escape

WIDTH, HEIGHT, PAD_LEFT, PAD_BOTTOM, PAD_TOP = 720, 180, 32, 28, 12


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
    """Bars of mentions per month (months without any shown as gaps), with year ticks."""
    if not counts:
        return Markup("")
    values = dict(counts)
    months = month_range(counts[0][0], counts[-1][0])
    peak = max(values.values())
    plot_w, plot_h = WIDTH - PAD_LEFT - 8, HEIGHT - PAD_BOTTOM - PAD_TOP
    step = plot_w / len(months)
    bar = max(1.0, step * 0.7)
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(label)}" '
        'xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(label)}</title>",
        f'<line x1="{PAD_LEFT}" y1="{HEIGHT - PAD_BOTTOM}" x2="{WIDTH - 8}" y2="{HEIGHT - PAD_BOTTOM}" class="axis"/>',
        f'<text x="{PAD_LEFT - 6}" y="{PAD_TOP + 4}" class="tick" text-anchor="end">{peak}</text>',
        f'<text x="{PAD_LEFT - 6}" y="{HEIGHT - PAD_BOTTOM}" class="tick" text-anchor="end">0</text>',
    ]
    for i, month in enumerate(months):
        n = values.get(month, 0)
        x = PAD_LEFT + i * step + (step - bar) / 2
        if n:
            h = plot_h * n / peak
            y = HEIGHT - PAD_BOTTOM - h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" class="bar">'
                f"<title>{month[:4]}年{int(month[5:])}月：{n} 条</title></rect>"
            )
        if month.endswith("-01") or i == 0:
            parts.append(
                f'<text x="{PAD_LEFT + i * step:.1f}" y="{HEIGHT - 8}" class="tick">{month[:4]}年{int(month[5:])}月</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))

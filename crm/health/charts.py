"""Small SVG charts drawn on the server, so pages and PDFs show the same picture.

Only SVG attributes (no style attributes or scripts), so they pass a strict
Content-Security-Policy and print as they are.
"""
from datetime import date

from dateutil.relativedelta import relativedelta
from flask_babel import format_date, gettext
from markupsafe import Markup, escape


def quarters(as_of: date, count: int = 12) -> list[date]:
    """The first day of each of the last `count` quarters, oldest first."""
    start = date(as_of.year, 3 * ((as_of.month - 1) // 3) + 1, 1)
    return [start - relativedelta(months=3 * back) for back in range(count - 1, -1, -1)]


def by_quarter(monthly: dict[tuple[int, int], tuple[int, int]], as_of: date, count: int = 12):
    """[(quarter start, substantive, protocol)] from monthly counts."""
    rows = []
    for first in quarters(as_of, count):
        months = [(first + relativedelta(months=k)) for k in range(3)]
        substantive = sum(monthly.get((m.year, m.month), (0, 0))[0] for m in months)
        protocol = sum(monthly.get((m.year, m.month), (0, 0))[1] for m in months)
        rows.append((first, substantive, protocol))
    return rows


def quarterly_chart(rows, *, title: str, width: int = 640, height: int = 180) -> Markup:
    """Stacked bars per quarter: substantive (green) under protocol only (violet)."""
    left, bottom, top = 28, 34, 12
    plot_height = height - bottom - top
    highest = max([s + p for _, s, p in rows] + [2])
    peak = highest + highest % 2  # even, so the middle gridline is a whole number
    step = (width - left) / max(len(rows), 1)
    bar = step * 0.64
    parts = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="chart-title chart-desc" width="100%" preserveAspectRatio="xMidYMid meet">',
        f'<title id="chart-title">{escape(title)}</title>',
    ]
    described = ", ".join(
        gettext("%(quarter)s: %(substantive)d substantive, %(protocol)d protocol only",
                quarter=format_date(first, "QQQ yyyy"), substantive=s, protocol=p) for first, s, p in rows)
    parts.append(f'<desc id="chart-desc">{escape(described)}</desc>')
    for fraction in (0, 0.5, 1):
        y = top + plot_height * (1 - fraction)
        parts.append(f'<line x1="{left}" x2="{width}" y1="{y:.1f}" y2="{y:.1f}" stroke="#d9dee5" stroke-width="1"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="10" text-anchor="end" fill="#5b6878">'
                     f'{int(peak * fraction)}</text>')
    for index, (first, substantive, protocol) in enumerate(rows):
        x = left + index * step + (step - bar) / 2
        s_height = plot_height * substantive / peak
        p_height = plot_height * protocol / peak
        base = top + plot_height
        if substantive:
            parts.append(f'<rect x="{x:.1f}" y="{base - s_height:.1f}" width="{bar:.1f}" height="{s_height:.1f}" '
                         f'fill="#1e7a46"/>')
        if protocol:
            parts.append(f'<rect x="{x:.1f}" y="{base - s_height - p_height:.1f}" width="{bar:.1f}" '
                         f'height="{p_height:.1f}" fill="#8c6cc7"/>')
        if index % 2 == 0 or len(rows) <= 8:
            parts.append(f'<text x="{x + bar / 2:.1f}" y="{height - bottom + 16}" font-size="10" '
                         f'text-anchor="middle" fill="#5b6878">{escape(format_date(first, "QQQ yy"))}</text>')
    legend_y = height - 6
    substantive_label, protocol_label = escape(gettext("Substantive")), escape(gettext("Protocol only"))
    parts.append(f'<rect x="{left}" y="{legend_y - 8}" width="10" height="10" fill="#1e7a46"/>'
                 f'<text x="{left + 14}" y="{legend_y}" font-size="10" fill="#1d2733">'
                 f'{substantive_label}</text>')
    parts.append(f'<rect x="{left + 120}" y="{legend_y - 8}" width="10" height="10" fill="#8c6cc7"/>'
                 f'<text x="{left + 134}" y="{legend_y}" font-size="10" fill="#1d2733">'
                 f'{protocol_label}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))

"""Substantive engagements per pillar — the five kinds of connection a healthy partnership spreads
across — counted in one aggregate query and drawn as a horizontal bar chart.

The chart puts the last three years and, inside each bar, the last 12 months side by side, with a
"not set" row for engagements nobody gave a pillar. Like the quarterly chart it is plain SVG with
presentation attributes only; in right-to-left pages it is drawn mirrored (labels on the right, bars
growing leftwards) so it reads in the page's direction.
"""
import unicodedata
from datetime import date

from dateutil.relativedelta import relativedelta
from flask_babel import format_decimal, gettext
from markupsafe import Markup, escape
from sqlalchemy import Select, case, func, literal, select

from crm.engagements.models import Engagement, Pillar
from crm.extensions import db
from crm.health.rules import window_start
from crm.i18n import text_direction
from crm.process_cache import ProcessCache

LONG_MONTHS = 36
_cache = ProcessCache(size=4)


def pillar_counts(as_of: date, *, partnership_id: int | None = None,
                  partnership_ids: Select | None = None) -> dict[Pillar | None, tuple[int, int]]:
    """Pillar (None: not set) → (substantive engagements in the last 12 months, in the last 3 years).

    Deleted engagements are left out by the ORM criteria of crm.trash.filters; planned ones
    (after as_of) are not counted."""
    e = Engagement
    recent = func.count(case((e.occurred_on > window_start(as_of), literal(1))))
    query = (
        select(e.pillar, recent, func.count())
        .where(e.substantive.is_(True), e.occurred_on > as_of - relativedelta(months=LONG_MONTHS),
               e.occurred_on <= as_of)
        .group_by(e.pillar)
    )
    if partnership_id is not None:
        query = query.where(e.partnership_id == partnership_id)
    elif partnership_ids is not None:
        query = query.where(e.partnership_id.in_(partnership_ids))
    return {pillar: (int(last_year), int(three_years)) for pillar, last_year, three_years in db.session.execute(query)}


def portfolio_pillar_counts(as_of: date, activity_stamp: str) -> dict[Pillar | None, tuple[int, int]]:
    """pillar_counts over every partnership, kept per process until anything changes — keyed, like the
    health snapshot (crm.health.snapshot), by the office's activity stamp (OfficeSettings.activity_stamp),
    which changes in the same transaction as any engagement or partnership (crm.activity)."""
    return _cache.get((as_of, activity_stamp), lambda: pillar_counts(as_of))


def pillar_rows(counts: dict[Pillar | None, tuple[int, int]]) -> list[tuple[str, int, int]]:
    """(translated label, last 12 months, last 3 years) for every pillar, then "not set" when any engagement
    has no pillar."""
    rows = [(str(pillar.label), *counts.get(pillar, (0, 0))) for pillar in Pillar]
    if any(counts.get(None, (0, 0))):
        rows.append((gettext("Pillar not set"), *counts[None]))
    return rows


def pillar_chart(counts: dict[Pillar | None, tuple[int, int]], *, title: str, id_prefix: str = "pillars",
                 width: int = 640) -> Markup:
    rows = pillar_rows(counts)
    rtl = text_direction() == "rtl"
    row_height, top, label_width, number_width = 26, 8, 262, 64
    legend_height = 22
    height = top + row_height * len(rows) + legend_height
    plot = width - label_width - number_width
    peak = max([long for _, _, long in rows] + [1])

    def x(offset: float) -> float:
        """Distance from the start side (left in LTR, right in RTL) to an x coordinate."""
        return width - offset if rtl else offset

    def bar(start: float, length: float, y: float, h: float, colour: str) -> str:
        left = x(start + length) if rtl else x(start)
        return f'<rect x="{left:.1f}" y="{y:.1f}" width="{length:.1f}" height="{h:.1f}" fill="{colour}"/>'

    prefix = escape(id_prefix)
    direction = "rtl" if rtl else "ltr"
    parts = [
        (f'<svg class="chart pillar-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
         f'width="100%" preserveAspectRatio="xMidYMid meet" direction="{direction}" role="img" '
         f'aria-labelledby="{prefix}-title {prefix}-desc">'),
        f'<title id="{prefix}-title">{escape(title)}</title>',
    ]
    described = "; ".join(
        gettext("%(pillar)s: %(recent)s in the last 12 months, %(long)s in the last 3 years",
                pillar=label, recent=format_decimal(recent), long=format_decimal(long))
        for label, recent, long in rows)
    parts.append(f'<desc id="{prefix}-desc">{escape(described)}</desc>')
    for index, (label, recent, long) in enumerate(rows):
        y = top + index * row_height
        middle = y + row_height / 2 + 4
        parts.append(f'<text x="{x(4):.1f}" y="{middle:.1f}" font-size="12" text-anchor="start" '
                     f'fill="#1d2733">{escape(label)}</text>')
        long_length = plot * long / peak
        recent_length = plot * recent / peak
        if long:
            parts.append(bar(label_width, long_length, y + 4, row_height - 8, "#b9d7c5"))
        if recent:
            parts.append(bar(label_width, recent_length, y + 8, row_height - 16, "#1e7a46"))
        numbers = gettext("%(recent)s / %(long)s", recent=format_decimal(recent), long=format_decimal(long))
        parts.append(f'<text x="{x(label_width + long_length + 6):.1f}" y="{middle:.1f}" font-size="11" '
                     f'text-anchor="start" fill="#5b6878">{escape(numbers)}</text>')
    legend_y = height - 7
    recent_label, long_label = gettext("Last 12 months"), gettext("Last 3 years")
    long_start = 18 + _text_width(recent_label, 11) + 20  # the second key after the first one's words, any language
    parts.append(bar(4, 10, legend_y - 9, 10, "#1e7a46"))
    parts.append(f'<text x="{x(18):.1f}" y="{legend_y:.1f}" font-size="11" text-anchor="start" fill="#1d2733">'
                 f'{escape(recent_label)}</text>')
    parts.append(bar(long_start, 10, legend_y - 9, 10, "#b9d7c5"))
    parts.append(f'<text x="{x(long_start + 14):.1f}" y="{legend_y:.1f}" font-size="11" text-anchor="start" '
                 f'fill="#1d2733">{escape(long_label)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _text_width(text: str, font_size: float) -> float:
    """A generous estimate of how wide text is drawn (SVG has no text measuring without a browser): full-width
    (CJK) characters take a whole em, others at most two thirds of one."""
    return sum(font_size if unicodedata.east_asian_width(char) in "WF" else font_size * 0.62 for char in text)

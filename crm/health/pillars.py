"""Substantive engagements per pillar — the five kinds of connection a healthy partnership spreads
across — counted in one aggregate query and drawn as a horizontal bar chart.

The chart puts the last three years and, inside each bar, the last 12 months side by side, with a
"not set" row for engagements nobody gave a pillar. Like the quarterly chart it is plain SVG with
presentation attributes only; in right-to-left pages it is drawn mirrored (labels on the right, bars
growing leftwards) so it reads in the page's direction.
"""
from datetime import date

from dateutil.relativedelta import relativedelta
from flask_babel import format_decimal, gettext
from sqlalchemy import Select, case, func, literal, select

from crm.engagements.models import Engagement, Pillar
from crm.extensions import db
from crm.health.charts import Chart, Label, draw, text_width
from crm.health.rules import window_start
from crm.i18n import text_direction
from crm.languages import format_list

LONG_MONTHS = 36


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


def pillar_rows(counts: dict[Pillar | None, tuple[int, int]]) -> list[tuple[str, int, int]]:
    """(translated label, last 12 months, last 3 years) for every pillar, then "not set" when any engagement
    has no pillar."""
    rows = [(str(pillar.label), *counts.get(pillar, (0, 0))) for pillar in Pillar]
    if any(counts.get(None, (0, 0))):
        rows.append((gettext("Pillar not set"), *counts[None]))
    return rows


def pillar_chart(counts: dict[Pillar | None, tuple[int, int]], *, title: str, id_prefix: str = "pillars",
                 width: int = 640) -> Chart:
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

    shapes, labels = [], []
    for index, (label, recent, long) in enumerate(rows):
        y = top + index * row_height
        middle = y + row_height / 2 + 4
        labels.append(Label(x(4), middle, label, 12))
        long_length = plot * long / peak
        recent_length = plot * recent / peak
        if long:
            shapes.append(bar(label_width, long_length, y + 4, row_height - 8, "#b9d7c5"))
        if recent:
            shapes.append(bar(label_width, recent_length, y + 8, row_height - 16, "#1e7a46"))
        numbers = gettext("%(recent)s / %(long)s", recent=format_decimal(recent), long=format_decimal(long))
        labels.append(Label(x(label_width + long_length + 6), middle, numbers, 11, fill="#5b6878"))
    legend_y = height - 7
    recent_label, long_label = gettext("Last 12 months"), gettext("Last 3 years")
    long_start = 18 + text_width(recent_label, 11) + 20  # the second key after the first one's words, any language
    for start, colour, words in ((4, "#1e7a46", recent_label), (long_start, "#b9d7c5", long_label)):
        shapes.append(bar(start, 10, legend_y - 9, 10, colour))
        labels.append(Label(x(start + 14), legend_y, words, 11))
    described = format_list(
        (gettext("%(pillar)s: %(recent)s in the last 12 months, %(long)s in the last 3 years",
                 pillar=label, recent=format_decimal(recent), long=format_decimal(long)) for label, recent, long in rows),
        style="groups")
    return draw(shapes, labels, width=width, height=height, css_class="chart pillar-chart", title=title,
                description=described, id_prefix=id_prefix, rtl=rtl)

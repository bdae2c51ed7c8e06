"""Small SVG charts drawn on the server, so pages and PDFs show the same picture.

Only SVG attributes (no style attributes or scripts), so they pass a strict
Content-Security-Policy and print as they are. Each chart names the fonts of the
reader's language (Japanese, Simplified or Traditional Chinese forms, Arabic…),
and in right-to-left pages it is drawn mirrored: it starts on the right, its
legend's keys stand right of their words.

A chart's words are kept apart from its shapes (`Label`): a page gets them as SVG
text; a PDF gets the drawing without its words and the words as HTML laid over it
(`Chart.printed`), because WeasyPrint draws SVG text one code point at a time
(Kozea/WeasyPrint#2249): Arabic would print unjoined and backwards, and in a font
the document does not choose.
"""
import unicodedata
from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta
from flask_babel import format_date, gettext
from markupsafe import Markup, escape

from crm.i18n import text_direction
from crm.languages import format_list, svg_font_family

#: how wide a chart is printed: A4's 210 mm less print.css's 18 mm margins leaves 174 mm
PRINT_WIDTH_MM = 170
#: where a line of Noto text sits: its baseline this far below the top of a box of line-height 1
_BASELINE = 0.88


@dataclass(frozen=True)
class Label:
    """Words (or a number) on a chart, at its baseline's anchor point in the chart's units."""
    x: float
    y: float
    text: str
    size: float
    anchor: str = "start"  #: start, middle or end, in the chart's direction
    fill: str = "#1d2733"

    def svg(self) -> str:
        return (f'<text x="{self.x:.1f}" y="{self.y:.1f}" font-size="{self.size:g}" text-anchor="{self.anchor}" '
                f'fill="{self.fill}">{escape(self.text)}</text>')

    def html(self, width: float, scale: float, rtl: bool) -> str:
        """An absolutely placed span (mm) whose text lands where the SVG text would."""
        edge = {"start": "right" if rtl else "left", "end": "left" if rtl else "right"}.get(self.anchor, "middle")
        if edge == "left":
            place = f"left:{self.x * scale:.2f}mm"
        elif edge == "right":
            place = f"right:{(width - self.x) * scale:.2f}mm"
        else:  # centred in a box wide enough for any label
            half = width / 4
            place = f"left:{(self.x - half) * scale:.2f}mm;width:{2 * half * scale:.2f}mm;text-align:center"
        top = (self.y - self.size * _BASELINE) * scale
        return (f'<span style="{place};top:{top:.2f}mm;font-size:{self.size * scale:.2f}mm;color:{self.fill}">'
                f'{escape(self.text)}</span>')


class Chart(Markup):
    """A chart's SVG markup, for a page; `printed` is the same chart for a PDF (see the module's docstring)."""
    printed: Markup


def draw(shapes: list[str], labels: list[Label], *, width: float, height: float, css_class: str, title: str,
         description: str, id_prefix: str, rtl: bool) -> Chart:
    prefix = escape(id_prefix)
    head = (f'<svg class="{escape(css_class)}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:g} {height:g}" '
            f'width="100%" preserveAspectRatio="xMidYMid meet" direction="{"rtl" if rtl else "ltr"}" '
            f'font-family="{escape(svg_font_family())}" role="img" aria-labelledby="{prefix}-title {prefix}-desc">'
            f'<title id="{prefix}-title">{escape(title)}</title><desc id="{prefix}-desc">{escape(description)}</desc>')
    chart = Chart(head + "".join(shapes) + "".join(label.svg() for label in labels) + "</svg>")
    scale = PRINT_WIDTH_MM / width
    size = f"width:{PRINT_WIDTH_MM}mm;height:{height * scale:.2f}mm"
    chart.printed = Markup(
        f'<div class="chart-print" style="{size}">'
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:g} {height:g}" style="{size}" role="img" '
        f'aria-label="{escape(title)}">{"".join(shapes)}</svg>'
        + "".join(label.html(width, scale, rtl) for label in labels) + "</div>")
    return chart


def text_width(text: str, font_size: float) -> float:
    """A generous estimate of how wide text is drawn (SVG has no text measuring without a browser): full-width
    (CJK) characters take a whole em, others at most two thirds of one."""
    return sum(font_size if unicodedata.east_asian_width(char) in "WF" else font_size * 0.62 for char in text)


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


def quarterly_chart(rows, *, title: str, width: int = 640, height: int = 192, id_prefix: str = "chart") -> Chart:
    """Stacked bars per quarter: substantive (green) under protocol only (violet), oldest quarter at the start."""
    rtl = text_direction() == "rtl"
    left, bottom, top = 28, 46, 12  # left: the axis numbers' side, on the right in RTL; bottom: quarters and legend
    plot_height = height - bottom - top
    highest = max([s + p for _, s, p in rows] + [2])
    peak = highest + highest % 2  # even, so the middle gridline is a whole number
    step = (width - left) / max(len(rows), 1)
    bar = step * 0.64

    def x(offset: float) -> float:
        """Distance from the start side (left in LTR, right in RTL) to an x coordinate."""
        return width - offset if rtl else offset

    def rect(start: float, length: float, y: float, h: float, colour: str) -> str:
        return (f'<rect x="{x(start + length) if rtl else x(start):.1f}" y="{y:.1f}" width="{length:.1f}" '
                f'height="{h:.1f}" fill="{colour}"/>')

    shapes, labels = [], []
    for fraction in (0, 0.5, 1):
        y = top + plot_height * (1 - fraction)
        shapes.append(f'<line x1="{x(left):.1f}" x2="{x(width):.1f}" y1="{y:.1f}" y2="{y:.1f}" stroke="#d9dee5" '
                      f'stroke-width="1"/>')
        labels.append(Label(x(left - 6), y + 4, str(int(peak * fraction)), 10, "end", "#5b6878"))
    base = top + plot_height
    for index, (first, substantive, protocol) in enumerate(rows):
        start = left + index * step + (step - bar) / 2
        s_height, p_height = plot_height * substantive / peak, plot_height * protocol / peak
        if substantive:
            shapes.append(rect(start, bar, base - s_height, s_height, "#1e7a46"))
        if protocol:
            shapes.append(rect(start, bar, base - s_height - p_height, p_height, "#8c6cc7"))
        if index % 2 == 0 or len(rows) <= 8:
            labels.append(Label(x(start + bar / 2), base + 15, format_date(first, "QQQ yy"), 10, "middle", "#5b6878"))
    legend_y = height - 6
    substantive_label, protocol_label = gettext("Substantive"), gettext("Protocol only")
    second = left + 14 + text_width(substantive_label, 10) + 16  # the second key after the first one's words
    for start, colour, words in ((left, "#1e7a46", substantive_label), (second, "#8c6cc7", protocol_label)):
        shapes.append(rect(start, 10, legend_y - 8, 10, colour))
        labels.append(Label(x(start + 14), legend_y, words, 10))
    described = format_list(
        (gettext("%(quarter)s: %(substantive)d substantive, %(protocol)d protocol only",
                 quarter=format_date(first, "QQQ yyyy"), substantive=s, protocol=p) for first, s, p in rows),
        style="groups")
    return draw(shapes, labels, width=width, height=height, css_class="chart", title=title, description=described,
                id_prefix=id_prefix, rtl=rtl)

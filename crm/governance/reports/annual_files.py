"""The annual report's two files: the PDF's HTML (cover, contents, the office's figures and charts, a chapter per
partnership, page numbers) and the XLSX workbook (a sheet per kind of record), both in the chosen language."""
import io
from datetime import date

from flask import render_template
from flask_babel import force_locale, gettext, ngettext
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as pgettext  # lazy, under the name extraction knows
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from crm.clock import office_today
from crm.documents.render import page_label
from crm.enums import Pillar
from crm.exports.writers import Column, money, sheet_title, xlsx_cell
from crm.governance.reports.annual import AnnualReport, PartnershipYear, milestones_in
from crm.health.charts import by_quarter, quarterly_chart
from crm.health.pillars import pillar_chart
from crm.health.reasons import reason, state_label
from crm.languages import direction, format_list, html_lang, list_separator, name_lang
from crm.money import format_money


def cost_lines(costs: dict[str, int]) -> list[str]:
    """"€1,200.00", "¥50,000": one per currency, in the reader's locale."""
    return [format_money(minor, currency) for currency, minor in sorted(costs.items())]


def health_line(row: PartnershipYear, as_of) -> str:
    if row.flag is None:
        return ""
    return reason(row.flag, row.partnership.status.label, as_of)


def report_title(report: AnnualReport) -> str:
    if report.home_city is not None:
        return gettext("Sister-city partnerships of %(city)s: annual report %(year)s", city=report.home_city.name,
                       year=report.year)
    return gettext("Sister-city partnerships: annual report %(year)s", year=report.year)


def annual_html(report: AnnualReport, language: str) -> str:
    with force_locale(language):
        as_of = report.as_of
        charts = {
            "quarters": quarterly_chart(by_quarter(report.monthly, as_of, 8),
                                        title=gettext("Engagements per quarter"), id_prefix="annual-quarters"),
            "pillars": pillar_chart(report.pillar_counts, title=gettext("Substantive engagements per pillar"),
                                    id_prefix="annual-pillars"),
        }
        return render_template(
            "documents/reports/annual.html", report=report, title=report_title(report), charts=charts,
            today=office_today(), lang=html_lang(language), dir=direction(language), page_label=page_label(language),
            name_lang=name_lang, format_list=format_list, list_separator=list_separator(language),
            cost_lines=cost_lines, health_line=health_line, milestones_in=milestones_in, state_label=state_label,
            Pillar=Pillar)


# -- XLSX --------------------------------------------------------------------------------------------------

def _partner(row) -> str:
    city = row.partnership.partner_city
    return city.name if not city.native_name else f"{city.name} ({city.native_name})"


def _plan(row: PartnershipYear) -> str:
    if row.plan is None:
        return ""
    return gettext("%(on_track)d on track, %(behind)d behind", on_track=row.plan.on_track, behind=row.plan.behind)


def _summary_columns() -> list[Column]:
    columns = [
        Column(_l("Partner city"), _partner, 28),
        Column(_l("Home city"), lambda r: r.partnership.home_city.name, 20),
        Column(_l("Kind"), lambda r: r.partnership.kind, 18),
        Column(_l("Status"), lambda r: r.partnership.status, 12),
        Column(_l("Established on"), lambda r: r.partnership.established_on, 14),
        Column(pgettext("relationship health", "Health"), lambda r: state_label(r.flag.state) if r.flag else "", 14),
        Column(_l("Engagements"), lambda r: r.engagements, 12),
        Column(_l("Substantive"), lambda r: r.substantive, 12),
        Column(_l("Started by the partner"), lambda r: r.partner_started, 12),
    ]
    columns += [Column(pillar.label, lambda r, p=pillar: r.by_pillar.get(p, 0), 14) for pillar in Pillar]
    columns += [
        Column(_l("Trade missions"), lambda r: len(r.missions), 10),
        Column(_l("Exchanges"), lambda r: len(r.exchanges), 10),
        Column(_l("Participants"), lambda r: r.participants, 10),
        Column(_l("Joint projects"), lambda r: len(r.projects), 10),
        Column(_l("Costs"), lambda r: "; ".join(cost_lines(r.costs)), 24),
        Column(_l("Funded by"), lambda r: "; ".join(r.funders), 24),
        Column(_l("Decisions"), lambda r: "; ".join(str(v.decision.label) for v in r.reviews if v.decision), 20),
        Column(_l("Plan progress"), _plan, 20),
        Column(_l("Anniversaries ahead"), lambda r: "; ".join(
            ngettext("%(num)d year on %(date)s", "%(num)d years on %(date)s", years, date=day.isoformat())
            for years, day in r.anniversaries), 20),
        Column(_l("Narrative"), lambda r: r.narrative.body if r.narrative else "", 60),
    ]
    return columns


def _sheets(report: AnnualReport) -> list[tuple[str, list[Column], list]]:
    rows = report.partnerships
    missions = [(r, m) for r in rows for m in r.missions]
    exchanges = [(r, x) for r in rows for x in r.exchanges]
    projects = [(r, p) for r in rows for p in r.projects]
    costs = [(r, currency, minor) for r in rows for currency, minor in sorted(r.costs.items())]
    reviews = [(r, v) for r in rows for v in r.reviews]
    trip_costs = [(r, *figures) for r in rows if r.trip_costs for figures in r.trip_costs.currency_rows()]
    partner = Column(_l("Partner city"), lambda pair: _partner(pair[0]), 28)
    return [
        (gettext("Partnerships"), _summary_columns(), rows),
        (gettext("Trade missions"), [
            partner, Column(_l("Title"), lambda p: p[1].title, 30), Column(_l("Starts on"), lambda p: p[1].starts_on),
            Column(_l("Ends on"), lambda p: p[1].ends_on), Column(_l("Direction"), lambda p: p[1].direction),
            Column(_l("Outcomes"), lambda p: "; ".join(
                gettext("%(kind)s: %(description)s", kind=o.kind.label, description=o.description)
                for o in p[1].outcomes), 50),
            Column(_l("Cost to our side"), lambda p: money(p[1].cost_minor, p[1].cost_currency)),
        ], missions),
        (gettext("Exchanges"), [
            partner, Column(_l("Title"), lambda p: p[1].title, 30), Column(_l("Kind"), lambda p: p[1].exchange_kind),
            Column(_l("Direction"), lambda p: p[1].direction), Column(_l("Starts on"), lambda p: p[1].starts_on),
            Column(_l("Ends on"), lambda p: p[1].ends_on),
            Column(_l("Participants"), lambda p: p[0].exchange_participants(p[1])),
            Column(_l("Hosting institution"), lambda p: p[1].host_organization.name if p[1].host_organization else ""),
            Column(_l("Cost to our side"), lambda p: money(p[1].cost_minor, p[1].cost_currency)),
        ], exchanges),
        (gettext("Joint projects"), [
            partner, Column(_l("Title"), lambda p: p[1].title, 30), Column(_l("Status"), lambda p: p[1].status),
            Column(_l("Starts on"), lambda p: p[1].starts_on), Column(_l("Ends on"), lambda p: p[1].ends_on),
            Column(_l("Milestones"), lambda p: "; ".join(
                gettext("%(milestone)s (reached on %(date)s)", milestone=m.title, date=m.done_on.isoformat())
                if m.done_on and m.done_on <= report.as_of else m.title
                for m in milestones_in(p[1], date(report.year, 1, 1), report.as_of)), 50),
            Column(_l("Budget"), lambda p: money(p[1].budget_minor, p[1].budget_currency)),
        ], projects),
        (gettext("Costs"), [
            partner, Column(_l("Currency"), lambda c: c[1], 10), Column(_l("Amount"), lambda c: money(c[2], c[1])),
            Column(_l("Funded by"), lambda c: "; ".join(c[0].funders), 40),
        ], costs),
        (gettext("Participants"), [
            Column(_l("Kind"), lambda k: k[0], 24), Column(_l("Named participants"), lambda k: k[1], 18),
        ], list(report.participants_by_kind.items())),
        (gettext("Trip costs"), [  # crm.protocol.costs: the cost lines, per currency
            partner, Column(_l("Currency"), lambda c: c[1], 10), Column(_l("Budget"), lambda c: money(c[2], c[1])),
            Column(_l("Actual"), lambda c: money(c[3], c[1])), Column(_l("Paid by the city"), lambda c: money(c[4], c[1])),
            Column(_l("Paid by others"), lambda c: money(c[5], c[1])),
        ], trip_costs),
        (gettext("Decisions"), [
            partner, Column(_l("Decided on"), lambda v: v[1].decided_on),
            Column(_l("Decision"), lambda v: v[1].decision), Column(_l("Deciding body"), lambda v: v[1].decided_by_body),
            Column(_l("Resolution"), lambda v: v[1].resolution_ref),
        ], reviews),
    ]


def annual_xlsx(report: AnnualReport, language: str) -> bytes:
    with force_locale(language):
        workbook = Workbook(write_only=True)
        bold, memo = Font(bold=True), {}
        for title, columns, rows in _sheets(report):
            sheet = workbook.create_sheet(sheet_title(title))
            sheet.freeze_panes = "A2"
            for index, column in enumerate(columns, 1):
                sheet.column_dimensions[get_column_letter(index)].width = column.width
            header = []
            for column in columns:
                cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", str(column.header)))
                cell.data_type, cell.font = "s", bold
                header.append(cell)
            sheet.append(header)
            for row in rows:
                sheet.append([xlsx_cell(sheet, column.value(row), memo) for column in columns])
        output = io.BytesIO()
        workbook.save(output)
        return output.getvalue()

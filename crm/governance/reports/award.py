"""The award-entry draft: the facts that award applications ask for ("exchanges across many sectors": Sister
Cities International's Annual Awards for Program Excellence, and Japan's and China's national awards) for one
partnership and a period: activity per pillar and per sector, participants, missions and their outcomes,
projects, the share the partner started, and the years of partnership. Five queries."""
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from flask import render_template
from flask_babel import force_locale, gettext, ngettext
from sqlalchemy import and_, case, func, literal, or_, select
from sqlalchemy.orm import selectinload

from crm.clock import office_today
from crm.documents.render import page_label
from crm.engagements.models import Engagement
from crm.enums import EngagementKind, Pillar, Side
from crm.extensions import db
from crm.i18n import country_name
from crm.languages import direction, html_lang, name_lang
from crm.money import format_money
from crm.partnerships.models import Partnership
from crm.programs.exchanges.models import Exchange
from crm.programs.missions.models import TradeMission
from crm.programs.projects.models import JointProject


def whole_years(since: date | None, until: date) -> int | None:
    """Completed years from since to until (a partnership established on 1 May 1990 has 36 years on 1 May 2026)."""
    if since is None or since > until:
        return None
    return until.year - since.year - ((until.month, until.day) < (since.month, since.day))


@dataclass
class AwardFacts:
    partnership: Partnership
    date_from: date
    date_until: date
    engagements: int = 0
    substantive: int = 0
    partner_started: int = 0
    by_pillar: Counter = field(default_factory=Counter)
    by_kind: Counter = field(default_factory=Counter)
    #: sector (a mission's sector, an exchange's kind, a project's theme, in words) → records
    sectors: Counter = field(default_factory=Counter)
    missions: list = field(default_factory=list)
    exchanges: list = field(default_factory=list)
    projects: list = field(default_factory=list)

    @property
    def participants(self) -> int:
        return sum(x.participants or 0 for x in self.exchanges)

    @property
    def outcomes(self) -> list:
        return [o for m in self.missions for o in m.outcomes]

    @property
    def partner_share(self) -> float | None:
        return self.partner_started / self.substantive if self.substantive else None

    @property
    def pillars_reached(self) -> int:
        return sum(1 for pillar in Pillar if self.by_pillar.get(pillar))

    @property
    def pillar_rows(self) -> list[tuple[Pillar, int]]:
        return [(pillar, self.by_pillar.get(pillar, 0)) for pillar in Pillar]

    @property
    def sector_rows(self) -> list[tuple[str, int]]:
        return sorted(self.sectors.items(), key=lambda item: (-item[1], item[0].casefold()))

    @property
    def years(self) -> int | None:
        return whole_years(self.partnership.established_on, self.date_until)


def gather(partnership: Partnership, date_from: date, date_until: date) -> AwardFacts:
    facts = AwardFacts(partnership, date_from, date_until)
    e = Engagement
    in_period = and_(e.partnership_id == partnership.id, e.occurred_on >= date_from, e.occurred_on <= date_until)
    partner_side = or_(e.initiated_by == Side.PARTNER, e.logged_by_side == Side.PARTNER)
    for kind, pillar, total, substantive, partner in db.session.execute(
            select(e.kind, e.pillar, func.count(), func.count(case((e.substantive.is_(True), literal(1)))),
                   func.count(case((and_(e.substantive.is_(True), partner_side), literal(1)))))
            .where(in_period).group_by(e.kind, e.pillar)):
        facts.engagements += total
        facts.substantive += substantive
        facts.partner_started += partner
        facts.by_kind[kind] += total
        if pillar is not None and substantive:
            facts.by_pillar[pillar] += substantive
    overlapping = {
        TradeMission: and_(TradeMission.occurred_on <= date_until, TradeMission.ends_on >= date_from),
        Exchange: and_(Exchange.occurred_on <= date_until, Exchange.ends_on >= date_from),
        JointProject: and_(JointProject.occurred_on <= date_until,
                           or_(JointProject.ends_on.is_(None), JointProject.ends_on >= date_from)),
    }
    facts.missions = list(db.session.scalars(
        select(TradeMission).where(TradeMission.partnership_id == partnership.id, overlapping[TradeMission])
        .order_by(TradeMission.occurred_on).options(selectinload(TradeMission.outcomes))))
    facts.exchanges = list(db.session.scalars(
        select(Exchange).where(Exchange.partnership_id == partnership.id, overlapping[Exchange])
        .order_by(Exchange.occurred_on)))
    facts.projects = list(db.session.scalars(
        select(JointProject).where(JointProject.partnership_id == partnership.id, overlapping[JointProject])
        .order_by(JointProject.occurred_on)))
    for mission in facts.missions:
        for sector in mission.sector_list:
            facts.sectors[sector] += 1
    for exchange in facts.exchanges:
        facts.sectors[str(exchange.exchange_kind.label)] += 1
    for project in facts.projects:
        facts.sectors[str(project.theme.label)] += 1
    return facts


def award_text(facts: AwardFacts) -> str:
    """The facts as plain sentences to paste into an application form, in the reader's language."""
    p = facts.partnership
    lines = [gettext("%(home)s and %(partner)s (%(country)s)", home=p.home_city.name,
                     partner=p.partner_city.name, country=country_name(p.partner_city.country_code))]
    if facts.years is not None:
        lines.append(ngettext("Partners for %(num)d year, since %(date)s.", "Partners for %(num)d years, since %(date)s.",
                              facts.years, date=p.established_on.isoformat()))
    lines.append(gettext("Period: %(start)s to %(end)s.", start=facts.date_from.isoformat(),
                         end=facts.date_until.isoformat()))
    lines.append(ngettext("%(num)d engagement, of which %(substantive)d substantive.",
                          "%(num)d engagements, of which %(substantive)d substantive.", facts.engagements,
                          substantive=facts.substantive))
    lines.append(gettext("Pillars reached: %(count)d of 5.", count=facts.pillars_reached))
    for pillar in Pillar:
        if facts.by_pillar.get(pillar):
            lines.append(gettext("- %(pillar)s: %(count)d", pillar=pillar.label, count=facts.by_pillar[pillar]))
    if facts.sectors:
        lines.append(ngettext("%(num)d sector:", "%(num)d sectors:", len(facts.sectors)))
        lines += [gettext("- %(sector)s: %(count)d", sector=sector, count=count)
                  for sector, count in facts.sector_rows]
    lines.append(ngettext("%(num)d exchange with %(participants)d participants.",
                          "%(num)d exchanges with %(participants)d participants.", len(facts.exchanges),
                          participants=facts.participants))
    lines.append(ngettext("%(num)d trade mission with %(outcomes)d recorded outcomes.",
                          "%(num)d trade missions with %(outcomes)d recorded outcomes.", len(facts.missions),
                          outcomes=len(facts.outcomes)))
    for outcome in facts.outcomes:
        amount = format_money(outcome.amount_minor, outcome.currency)
        lines.append(gettext("- %(kind)s: %(description)s %(amount)s", kind=outcome.kind.label,
                             description=outcome.description, amount=amount).rstrip())
    lines.append(ngettext("%(num)d joint project.", "%(num)d joint projects.", len(facts.projects)))
    if facts.partner_share is not None:
        lines.append(gettext("Started by the partner: %(percent)d%% of substantive engagements.",
                             percent=round(100 * facts.partner_share)))
    return "\n".join(lines)


def kind_rows(facts: AwardFacts) -> list[tuple[EngagementKind, int]]:
    return sorted(facts.by_kind.items(), key=lambda item: (-item[1], str(item[0].label)))


def award_html(facts: AwardFacts, language: str) -> str:
    with force_locale(language):
        return render_template("documents/reports/award.html", facts=facts, partnership=facts.partnership,
                               kinds=kind_rows(facts), text=award_text(facts), today=office_today(),
                               lang=html_lang(language), dir=direction(language), page_label=page_label(language),
                               name_lang=name_lang)

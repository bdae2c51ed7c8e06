"""The roster's counts (issue 22 §2): totals, by side, invited from abroad, by country and, where the office
collects them, by sex and minors. The EU town-twinning grant (CERV) asks for them, and the annual report and the
exports read the same figures, so they are defined here once.

**Invited from abroad**: a participant whose country differs from the host country. The host is the city where the
engagement takes place: the partner city for an outbound trade mission or an outgoing exchange, our home city for
everything else (an inbound visit, an incoming exchange, an event here; an exchange both ways counts from here).
A participant's country is the one on their roster entry, else the one on their person record, else their side's
city's country."""
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import case, func, literal, select

from crm.contacts.models import Contact
from crm.engagements.models import Engagement
from crm.enums import ExchangeDirection, MissionDirection, Sex, Side
from crm.extensions import db
from crm.protocol.models import RosterEntry

SEX_CODES = {member.value for member in Sex}
#: directions in which the event takes place in the partner city
AWAY = (MissionDirection.OUTBOUND.value, ExchangeDirection.OUTGOING.value)


def takes_place_abroad(engagement: Engagement) -> bool:
    """Whether the partner city hosts it (we travel there)."""
    direction = getattr(engagement, "direction", None)
    return getattr(direction, "value", direction) in AWAY


def host_city(engagement: Engagement):
    partnership = engagement.partnership
    return partnership.partner_city if takes_place_abroad(engagement) else partnership.home_city


def host_side(engagement: Engagement) -> Side:
    return Side.PARTNER if takes_place_abroad(engagement) else Side.HOME


def host_country(engagement: Engagement) -> str:
    return host_city(engagement).country_code.upper()


def entry_country(entry: RosterEntry, engagement: Engagement) -> str | None:
    """The participant's country as counted: the entry's, the person's, else their side's city's."""
    partnership = engagement.partnership
    side_city = partnership.home_city if entry.side == Side.HOME else partnership.partner_city
    return (entry.country or entry.contact.country or side_city.country_code or "").upper() or None


@dataclass
class RosterCounts:
    host_country: str
    total: int = 0
    home: int = 0
    partner: int = 0
    from_abroad: int = 0
    #: country code → participants, most first
    by_country: list = field(default_factory=list)
    #: Sex → participants (only where collected); None: not stated
    by_sex: dict = field(default_factory=dict)
    minors: int = 0

    @property
    def by_side(self) -> dict:
        return {Side.HOME: self.home, Side.PARTNER: self.partner}


def counts(engagement: Engagement) -> RosterCounts:
    """The roster's figures, in one query (grouped in SQL by side, country, sex and minor)."""
    partnership = engagement.partnership
    home_country, partner_country = partnership.home_city.country_code, partnership.partner_city.country_code
    country = func.upper(func.coalesce(
        RosterEntry.country, Contact.country,
        case((RosterEntry.side == Side.PARTNER, literal(partner_country)), else_=literal(home_country))))
    rows = db.session.execute(
        select(RosterEntry.side, country, Contact.sex, RosterEntry.minor, func.count())
        .join(Contact, Contact.id == RosterEntry.contact_id)
        .where(RosterEntry.engagement_id == engagement.id)
        .group_by(RosterEntry.side, country, Contact.sex, RosterEntry.minor)).all()
    return tally(rows, host_country(engagement))


def tally(rows, host: str) -> RosterCounts:
    """The figures from (side, country, sex, minor, count) groups."""
    result = RosterCounts(host_country=host)
    countries: Counter = Counter()
    sexes: Counter = Counter()
    for side, country, sex, minor, number in rows:
        result.total += number
        if side == Side.HOME:
            result.home += number
        else:
            result.partner += number
        if country and country != host:
            result.from_abroad += number
        countries[country] += number
        sexes[Sex(sex) if sex in SEX_CODES else None] += number
        if minor:
            result.minors += number
    result.by_country = sorted(countries.items(), key=lambda item: (-item[1], item[0] or ""))
    result.by_sex = {sex: sexes[sex] for sex in (*Sex, None) if sexes[sex]}
    return result


def roster_sizes(engagement_ids) -> dict[int, int]:
    """Engagement id → its number of named participants (only those with any), in one query."""
    return dict(db.session.execute(
        select(RosterEntry.engagement_id, func.count()).where(RosterEntry.engagement_id.in_(engagement_ids))
        .group_by(RosterEntry.engagement_id)).all())

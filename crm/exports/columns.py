"""Which columns each list exports: what the page shows, plus the facts a spreadsheet needs beside it.

Every value comes from relationships the list's query eager-loads, so an
export costs the same few queries at ten rows as at a hundred thousand.
"""
from flask_babel import lazy_gettext as _l

from crm.exports.writers import Column, money
from crm.health.reasons import reason, state_label
from crm.i18n import country_name, language_name


def city_name(city) -> str:
    """"Kyoto (京都市)": the English name and, when it differs, the name in the city's own script."""
    if city is None:
        return ""
    if city.native_name and city.native_name != city.name:
        return f"{city.name} ({city.native_name})"
    return city.name


def _partnership(record) -> str:
    return city_name(record.partnership.partner_city)


def _language(code: str | None) -> str | None:
    try:
        return language_name(code) if code else None
    except ValueError:  # not a code Babel knows: show it as stored
        return code


SUBSTANTIVE, PROTOCOL_ONLY = _l("Substantive"), _l("Protocol only")


def _user(user) -> str | None:
    return user.name if user is not None else None


#: columns several lists share
TITLE = Column(_l("Title"), lambda r: r.title, 40)
PARTNERSHIP = Column(_l("Partnership"), _partnership, 24)
STARTS_ON = Column(_l("Starts on"), lambda r: r.occurred_on, 12)
ENDS_ON = Column(_l("Ends on"), lambda r: r.ends_on, 12)
VISIBLE_TO = Column(_l("Visible to"), lambda r: r.visibility, 20)


PARTNERSHIPS = [  # rows: (partnership, health flag or None)
    Column(_l("Partner city"), lambda r: r[0].partner_city.name, 22),
    Column(_l("Name in its own script"), lambda r: r[0].partner_city.native_name, 18),
    Column(_l("Country"), lambda r: country_name(r[0].partner_city.country_code), 18),
    Column(_l("Home city"), lambda r: r[0].home_city.name, 16),
    Column(_l("Kind"), lambda r: r[0].kind, 18),
    Column(_l("Status"), lambda r: r[0].status, 12),
    Column(_l("Relationship health"), lambda r: state_label(r[1].state) if r[1] else None, 16),
    Column(_l("Reason"), lambda r: reason(r[1], str(r[0].status.label)) if r[1] else None, 60),
    Column(_l("Liaison"), lambda r: _user(r[0].liaison), 18),
    Column(_l("Priorities"), lambda r: list(r[0].priorities), 30),
    Column(_l("Established on"), lambda r: r[0].established_on, 14),
    Column(_l("Inactivity threshold (months)"), lambda r: r[0].threshold_months, 12),
]

ENGAGEMENTS = [
    Column(_l("Date"), lambda e: e.occurred_on, 12),
    TITLE,
    Column(_l("Kind"), lambda e: e.kind, 16),
    PARTNERSHIP,
    Column(_l("Substance"), lambda e: SUBSTANTIVE if e.substantive else PROTOCOL_ONLY, 14),
    Column(_l("Pillar"), lambda e: e.pillar, 24),
    Column(_l("Started by"), lambda e: e.initiated_by, 14),
    VISIBLE_TO,
    Column(_l("Logged by"), lambda e: _user(e.logged_by), 18),
    Column(_l("Notes"), lambda e: e.notes, 60),
]


def _program(noun, *own: Column, after: tuple[Column, ...] = ()) -> list[Column]:
    """A program type's list: its title and partnership, its own columns, its dates, then any after them."""
    return [Column(noun, lambda p: p.title, 40), PARTNERSHIP, *own, STARTS_ON, ENDS_ON, *after]


MISSIONS = _program(
    _l("Mission"),
    Column(_l("Direction"), lambda m: m.direction, 12),
    Column(_l("Destination"), lambda m: city_name(m.destination), 22),
    after=(Column(_l("Mission lead"), lambda m: _user(m.lead), 18), Column(_l("Sectors"), lambda m: m.sectors, 30)),
)
EXCHANGES = _program(
    _l("Exchange"),
    Column(_l("Kind of exchange"), lambda x: x.exchange_kind, 18),
    Column(_l("Direction"), lambda x: x.direction, 12),
    Column(_l("Participants"), lambda x: x.participants, 12),
    Column(_l("Hosting institution"), lambda x: x.host_organization.name if x.host_organization else None, 24),
)
PROJECTS = _program(
    _l("Project"),
    Column(_l("Theme"), lambda p: p.theme, 18),
    Column(_l("Status"), lambda p: p.status, 14),
    Column(_l("Budget"), lambda p: money(p.budget_minor, p.budget_currency), 16),
    Column(_l("Currency"), lambda p: p.budget_currency if p.budget_minor is not None else None, 10),
)

AGREEMENTS = [
    TITLE,
    PARTNERSHIP,
    Column(_l("Kind"), lambda a: a.kind, 22),
    Column(_l("Status"), lambda a: a.status, 16),
    Column(_l("Signed on"), lambda a: a.signed_on, 12),
    Column(_l("Place of signing"), lambda a: a.signed_at, 20),
    Column(_l("Effective from"), lambda a: a.effective_from, 12),
    Column(_l("Expires on"), lambda a: a.expires_on, 12),
]

CONTACTS = [
    Column(_l("Name"), lambda c: c.name, 24),
    Column(_l("Title or role"), lambda c: c.job_title, 24),
    Column(_l("Organization"), lambda c: c.organization.name if c.organization else None, 24),
    PARTNERSHIP,
    Column(_l("Side"), lambda c: c.side, 14),
    Column(_l("E-mail"), lambda c: c.email, 28),
    Column(_l("Phone"), lambda c: c.phone, 16),
    Column(_l("Language"), lambda c: _language(c.language), 14),
    VISIBLE_TO,
]

ORGANIZATIONS = [
    Column(_l("Name"), lambda o: o.name, 32),
    Column(_l("Kind"), lambda o: o.kind, 22),
    PARTNERSHIP,
    Column(_l("Side"), lambda o: o.side, 14),
    Column(_l("Website"), lambda o: o.website, 30),
]

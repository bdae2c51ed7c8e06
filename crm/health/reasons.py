"""Every flag says why, in the reader's language, with dates in the reader's format."""
from datetime import date

from flask_babel import format_date, format_timedelta, gettext, ngettext
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as pgettext  # lazy, under the name extraction knows

from crm.clock import office_today
from crm.health.rules import Flag, HealthState

STATE_LABELS = {
    HealthState.CEREMONIAL: _l("Gone ceremonial"),
    HealthState.AT_RISK: _l("At risk"),
    HealthState.NEW: pgettext("health state", "New"),  # not the "New" of a button that creates a record
    HealthState.HEALTHY: _l("Healthy"),
    HealthState.NOT_EVALUATED: _l("Not evaluated"),
}


def state_label(state: HealthState) -> str:
    return str(STATE_LABELS[state])


def _months(count: int) -> str:
    return ngettext("%(num)d month", "%(num)d months", count)


def reason(flag: Flag, status_label: str = "", as_of: date | None = None) -> str:
    """"No substantive engagement since 3 March 2025 — 20 months; threshold 12 months." and so on."""
    as_of = as_of or office_today()
    since = format_date(flag.since, "long") if flag.since else ""
    threshold = flag.threshold_months
    if flag.state == HealthState.NOT_EVALUATED:
        return gettext("Not evaluated while the partnership is %(status)s.", status=status_label.lower())
    if flag.state == HealthState.NEW:
        text = gettext("New: established on %(date)s, no substantive engagement yet.", date=since)
    elif flag.state == HealthState.HEALTHY:
        return gettext("Last substantive engagement on %(date)s (%(ago)s).", date=since,
                       ago=format_timedelta(flag.since - as_of, add_direction=True))
    elif flag.never_substantive:
        text = gettext("No substantive engagement since it was established on %(date)s — %(elapsed)s; "
                       "threshold %(threshold)s.", date=since, elapsed=_months(flag.months),
                       threshold=_months(threshold))
    elif flag.state == HealthState.CEREMONIAL:
        text = gettext("No substantive engagement since %(date)s — %(elapsed)s; threshold %(threshold)s.",
                       date=since, elapsed=_months(flag.months), threshold=_months(threshold))
    else:
        text = gettext("No substantive engagement since %(date)s — %(elapsed)s; it goes ceremonial after "
                       "%(threshold)s.", date=since, elapsed=_months(flag.months), threshold=_months(threshold))
    if flag.protocol_since:
        text += " " + ngettext(
            "Only protocol activity since then: %(num)d greeting or ceremony, the latest on %(date)s.",
            "Only protocol activity since then: %(num)d greetings or ceremonies, the latest on %(date)s.",
            flag.protocol_since, date=format_date(flag.last_protocol, "long"))
    if flag.revival_planned:
        text += " " + gettext("Revival planned: %(date)s.", date=format_date(flag.revival_planned, "long"))
    return text

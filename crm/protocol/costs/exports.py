"""The columns of the totals' export: a row per year, partnership and currency (never added across currencies)."""
from flask_babel import lazy_gettext as _l

from crm.enums import Payer
from crm.exports.columns import city_name
from crm.exports.writers import Column, money

#: the headers of the actual costs' columns, one per payer
PAID_BY = {
    Payer.CITY: _l("Paid by the city"),
    Payer.TRAVELLER: _l("Paid by travellers"),
    Payer.PARTNER: _l("Paid by the partner city"),
    Payer.GRANT: _l("Paid by grants"),
    Payer.SPONSOR: _l("Paid by sponsors"),
}

TOTAL_COLUMNS = [
    Column(_l("Year"), lambda r: r.year, 8),
    Column(_l("Partner city"), lambda r: city_name(r.partnership.partner_city), 28),
    Column(_l("Home city"), lambda r: city_name(r.partnership.home_city), 20),
    Column(_l("Currency"), lambda r: r.currency, 10),
    Column(_l("Budget"), lambda r: money(r.budget, r.currency), 14),
    Column(_l("Actual"), lambda r: money(r.actual, r.currency), 14),
    *[Column(header, lambda r, p=payer: money(r.paid.get(p, 0), r.currency), 14) for payer, header in PAID_BY.items()],
]

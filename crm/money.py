"""Amounts of money: integer minor units with an ISO 4217 currency code.

Never add amounts of different currencies: totals are kept per currency.
"""
from collections import defaultdict
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache

import pycountry
from babel.numbers import (
    get_currency_name,
    get_currency_precision,
    get_territory_currencies,
    is_currency,
    list_currencies,
)
from flask_babel import format_currency, get_locale

#: codes of ISO 4217's current list that are not money a budget is kept in: precious metals, bond-market
#: units, drawing rights, fund codes, the testing code and "no currency"
NOT_MONEY = frozenset({
    "XAG", "XAU", "XPD", "XPT", "XBA", "XBB", "XBC", "XBD", "XDR", "XSU", "XUA", "XAD", "XTS", "XXX",
    "BOV", "CHE", "CHW", "CLF", "COU", "MXV", "USN", "UYI", "UYW",
})


@cache
def currency_codes() -> list[str]:
    """The currencies in use today (ISO 4217's current list, as pycountry ships it), by code.

    Babel's list has 307 codes, withdrawn ones included (DEM, FRF, ITL…); a code Babel does not know yet
    (no precision, no name) is left out too, since an amount could not be checked or shown in it."""
    known = set(list_currencies())
    return sorted(currency.alpha_3 for currency in pycountry.currencies
                  if currency.alpha_3 in known and currency.alpha_3 not in NOT_MONEY)


def country_currencies(country_code: str | None, on: date) -> list[str]:
    """The legal tender of a country on a day: JP → JPY, DE → EUR."""
    if not country_code:
        return []
    try:
        return list(get_territory_currencies(country_code.upper(), start_date=on))
    except (KeyError, ValueError):
        return []


def currency_choices(first=(), keep: str | None = None) -> list[tuple[str, str]]:
    """(code, "code – name in the reader's language") of every current currency: those in ``first`` (the
    office's and the partner's) at the top, then the rest by code. ``keep``, a code already stored that is
    no longer current, stays choosable so the record can still be saved as it is."""
    codes = currency_codes()
    top = [code for code in dict.fromkeys(first) if code in codes]
    rest = [code for code in codes if code not in top]
    if keep and keep not in codes:
        top.append(keep)
    return [(code, _currency_label(code)) for code in top + rest]


def _currency_label(code: str) -> str:
    try:
        name = get_currency_name(code, locale=get_locale())
    except (ValueError, TypeError, LookupError):
        return code
    return f"{code} – {name}" if name and name != code else code


def is_real_currency(code: str | None) -> bool:
    return bool(code) and len(code) == 3 and is_currency(code)


def to_minor(amount: Decimal | str, currency: str) -> int:
    """12.34 USD → 1234; 1500 JPY → 1500. Refuses more decimals than the currency has."""
    try:
        amount = Decimal(amount)
    except (InvalidOperation, TypeError) as error:
        raise ValueError("not a number") from error
    precision = get_currency_precision(currency)
    scaled = amount.scaleb(precision)
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{currency} has {precision} decimal places")
    return int(scaled.to_integral_value(rounding=ROUND_HALF_UP))


def from_minor(minor: int, currency: str) -> Decimal:
    return Decimal(minor).scaleb(-get_currency_precision(currency))


def format_money(minor: int | None, currency: str | None) -> str:
    """An amount in the reader's locale: "¥1,500", "1.234,00 €"."""
    if minor is None or not currency:
        return ""
    return format_currency(from_minor(minor, currency), currency)


def totals_by_currency(rows) -> dict[str, int]:
    """Sum (minor, currency) pairs per currency."""
    totals: dict[str, int] = defaultdict(int)
    for minor, currency in rows:
        if minor is not None and currency:
            totals[currency] += minor
    return dict(sorted(totals.items()))

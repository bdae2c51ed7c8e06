"""Amounts of money: integer minor units with an ISO 4217 currency code.

Never add amounts of different currencies: totals are kept per currency.
"""
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from babel.numbers import get_currency_precision, is_currency, list_currencies
from flask_babel import format_currency


def currency_codes() -> list[str]:
    return sorted(code for code in list_currencies() if len(code) == 3 and code.isalpha() and code.isupper())


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

from datetime import UTC, date, datetime, time
from decimal import Decimal

import pytest

from crm.localtime import LocalTimeError, in_zone, to_utc, utc_offset_label
from crm.money import format_money, from_minor, is_real_currency, to_minor, totals_by_currency


@pytest.mark.parametrize("amount, currency, minor", [
    ("12.34", "USD", 1234), ("1500", "JPY", 1500), ("1.234", "BHD", 1234), ("0", "EUR", 0), ("10", "EUR", 1000),
])
def test_amounts_are_kept_in_minor_units(amount, currency, minor):
    assert to_minor(amount, currency) == minor
    assert from_minor(minor, currency) == Decimal(amount)


@pytest.mark.parametrize("amount, currency", [("1.5", "JPY"), ("1.234", "USD"), ("abc", "USD")])
def test_too_many_decimals_or_not_a_number_is_refused(amount, currency):
    with pytest.raises(ValueError):
        to_minor(amount, currency)


def test_currency_codes_must_be_real():
    assert is_real_currency("JPY") and is_real_currency("EUR")
    assert not is_real_currency("XXY") and not is_real_currency("") and not is_real_currency(None)


def test_totals_are_kept_per_currency_never_summed_across():
    assert totals_by_currency([(100, "USD"), (250, "JPY"), (50, "USD"), (None, "EUR"), (10, None)]) == {
        "JPY": 250, "USD": 150}


def test_money_is_formatted_in_the_readers_locale(app):
    from flask_babel import force_locale

    with app.test_request_context():
        with force_locale("en"):
            assert format_money(150000, "JPY") == "¥150,000"
            assert format_money(123456, "EUR") == "€1,234.56"
        with force_locale("es"):
            assert format_money(123456, "EUR").replace("\xa0", " ") == "1.234,56 €"


def test_local_time_to_utc_across_a_daylight_saving_change():
    # Berlin springs forward on 2025-03-30 at 02:00 → 03:00.
    assert to_utc(date(2025, 3, 29), time(10, 0), "Europe/Berlin") == datetime(2025, 3, 29, 9, 0, tzinfo=UTC)
    assert to_utc(date(2025, 3, 30), time(10, 0), "Europe/Berlin") == datetime(2025, 3, 30, 8, 0, tzinfo=UTC)
    with pytest.raises(LocalTimeError, match="skipped"):
        to_utc(date(2025, 3, 30), time(2, 30), "Europe/Berlin")
    # Autumn: 02:30 happens twice on 2025-10-26.
    with pytest.raises(LocalTimeError, match="ambiguous"):
        to_utc(date(2025, 10, 26), time(2, 30), "Europe/Berlin")


def test_a_moment_is_shown_in_each_places_local_time():
    moment = to_utc(date(2026, 1, 9), time(9, 0), "Asia/Tokyo")
    assert moment == datetime(2026, 1, 9, 0, 0, tzinfo=UTC)
    portland = in_zone(moment, "America/Los_Angeles")
    assert (portland.date(), portland.hour) == (date(2026, 1, 8), 16)  # the evening before at home
    assert utc_offset_label("Asia/Tokyo") == "UTC+09:00"
    assert utc_offset_label("America/St_Johns", datetime(2026, 1, 1, tzinfo=UTC)) == "UTC−03:30"


def test_unknown_time_zone_is_refused():
    with pytest.raises(LocalTimeError):
        to_utc(date(2025, 1, 1), time(9, 0), "Mars/Olympus_Mons")

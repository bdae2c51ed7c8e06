"""The suite itself must never harm a real database, nor depend on the day it runs."""
from datetime import UTC, date, datetime

import pytest

from tests.conftest import FROZEN_AT, refuse_unless_test_database


@pytest.mark.parametrize("url", ["postgresql+psycopg://postgres@localhost/crm",
                                 "postgresql+psycopg://postgres@db.example.org/crm_production",
                                 "postgresql+psycopg://postgres@localhost/test_crm",
                                 "postgresql+psycopg://postgres@localhost/"])
def test_the_postgresql_lane_refuses_a_database_not_named_for_tests(url):
    with pytest.raises(pytest.UsageError, match="_test"):
        refuse_unless_test_database(url)


def test_a_test_database_is_accepted():
    refuse_unless_test_database("postgresql+psycopg://postgres@localhost/crm_test")


def test_every_test_runs_on_the_stopped_clock(clock):
    assert date.today() == FROZEN_AT.date() and abs((datetime.now(UTC) - FROZEN_AT).total_seconds()) < 60

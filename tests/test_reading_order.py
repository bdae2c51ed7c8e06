"""Ranges of times and dates keep their reading order in right-to-left pages (issue 18, section 6).

In an Arabic paragraph "00:00–01:30" is laid out as "01:30–00:00": digits take the paragraph's direction for
the dash between them. Every time range is isolated left to right (<time dir="ltr">, <bdi dir="ltr">), and every
date range is isolated in a <bdi> of its own, which takes the direction of its words (an Arabic range reads from
the right, its start first). The pages are checked as markup, then laid out by Chromium and measured.
"""
import os
import re
from datetime import date, timedelta

import pytest
from flask_babel import force_locale, format_date

from tests.test_access import build_side
from tests.test_browser import CHROMIUM
from tests.test_missions import itinerary, kyoto, mission  # noqa: F401  (fixtures)


def formatted(app, day: date, form: str, language: str = "ar") -> str:
    with app.test_request_context(), force_locale(language):
        return format_date(day, form)


def isolated_range(start: str, end: str) -> re.Pattern:
    """A range from start to end inside a <bdi> that holds nothing else, whatever words the catalog puts between."""
    return re.compile(rf"<bdi>[^<]*{re.escape(start)}[^<]*{re.escape(end)}[^<]*</bdi>")


@pytest.fixture
def arabic_mission_page(app, client, login, make, mission, session):  # noqa: F811
    login(make.user("coordinator", language="ar"))
    assert client.post(f"/missions/{mission.id}/itinerary", data=itinerary()).status_code == 302
    return client.get(f"/missions/{mission.id}").text


def test_the_mission_page_isolates_its_times_left_to_right(app, arabic_mission_page):
    page = arabic_mission_page
    assert '<html lang="ar" dir="rtl">' in page
    # 09:00 in Kyoto, and the same appointment in Portland's time, the evening before
    assert re.search(r'<time datetime="2026-03-09T09:00:00\+09:00"[^>]* dir="ltr">09:00–10:30</time>', page)
    assert '<bdi dir="ltr">17:00–18:30</bdi>' in page and "<bdi>Portland</bdi>" in page
    start, end = formatted(app, date(2026, 3, 9), "long"), formatted(app, date(2026, 3, 11), "long")
    assert isolated_range(start, end).search(page), "the mission's dates are one isolated range"


def test_program_pages_and_the_calendar_isolate_their_date_ranges(app, client, login, make, session):
    ids, guest = build_side(make, session, "Alpha", "JP")
    from crm.programs.exchanges.models import Exchange
    from crm.programs.missions.models import TradeMission
    from crm.programs.projects.models import JointProject

    exchange, trip = session.get(Exchange, ids["exchange_id"]), session.get(TradeMission, ids["mission_id"])
    project = session.get(JointProject, ids["project_id"])
    project.ends_on = project.occurred_on + timedelta(days=400)
    session.commit()
    login(make.user("viewer", language="ar"))
    for url, record, form in ((f"/exchanges/{exchange.id}", exchange, "long"), ("/exchanges/", exchange, "medium"),
                              (f"/projects/{project.id}", project, "long"), ("/projects/", project, "medium"),
                              (f"/missions/{trip.id}", trip, "long"), ("/missions/", trip, "medium"),
                              ("/calendar/", exchange, "medium")):
        page = client.get(url).text
        start, end = formatted(app, record.occurred_on, form), formatted(app, record.ends_on, form)
        assert isolated_range(start, end).search(page), url
    guest.language = "ar"
    session.commit()
    login(guest)
    page = client.get(f"/portal/missions/{trip.id}").text
    start, end = formatted(app, trip.occurred_on, "long"), formatted(app, trip.ends_on, "long")
    assert isolated_range(start, end).search(page) and '<time datetime="' in page and 'dir="ltr">' in page


#: where, in the laid-out page, the first and the last part of an element's text are (their left edges), and the
#: same for the text of a range before and after its separator
MEASURE = """([selector, separator]) => {
  const element = document.querySelector(selector);
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  const text = walker.nextNode();
  const at = text.data.indexOf(separator);
  const box = (from, to) => { const r = document.createRange(); r.setStart(text, from); r.setEnd(text, to);
                              return r.getBoundingClientRect(); };
  const first = box(0, at), last = box(at + separator.length, text.data.length);
  return {text: text.data, first: [first.left, first.right], last: [last.left, last.right]};
}"""


@pytest.mark.browser
def test_chromium_lays_the_arabic_ranges_out_in_reading_order(app, arabic_mission_page):
    if not os.path.exists(CHROMIUM):
        pytest.skip("Chromium is not installed; run `make system-packages`")
    from playwright.sync_api import sync_playwright

    control = '<p dir="rtl" id="control"><span>17:00–18:30</span> بتوقيت بورتلاند</p>'  # a range not isolated
    html = arabic_mission_page.replace("</main>", control + "</main>")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": 390, "height": 900})
            page.set_content(html, wait_until="domcontentloaded")
            unisolated = page.evaluate(MEASURE, ["#control span", "–"])
            local = page.evaluate(MEASURE, [".itinerary-time time", "–"])
            home = page.evaluate(MEASURE, [".home-time bdi[dir=ltr]", "–"])
            dates = page.evaluate(MEASURE, [".subtitle bdi", " – "])
        finally:
            browser.close()
    # without the isolation the end comes first from the left: "18:30–17:00" (the measure sees what was wrong)
    assert unisolated["last"][0] < unisolated["first"][0], unisolated
    # isolated: "09:00–10:30" and "17:00–18:30" read from the left, start first
    assert local["text"] == "09:00–10:30" and local["first"][0] < local["last"][0], local
    assert home["text"] == "17:00–18:30" and home["first"][0] < home["last"][0], home
    # an Arabic date range reads from the right: its start is the rightmost
    assert dates["first"][1] > dates["last"][1], dates


def test_a_range_is_still_found_in_english(app, client, login, make, mission):  # noqa: F811
    login(make.user("coordinator", language="en"))
    page = client.get(f"/missions/{mission.id}").text
    assert isolated_range("March 9, 2026", "March 11, 2026").search(page)

"""A briefing packet whose times cannot be misread (issue 18, section 2).

Missions cross daylight-saving changes (Rome on 28 March 2027, New York on 14 March, Sydney on 4 April) and
five time zones, and the packets are printed in December, months before: the cover names each zone by its
place and gives its offset for the mission's own dates, naming each change; every itinerary row carries its
place, its zone and the same moment at home. No IANA id and no interface label reaches the cover, health
figures carry their unit, a guest's copy follows the portal's rule, and in Arabic a phone number and a time
range read in their own order. The pictures (cover and itinerary page in Latin, CJK and Arabic) are written
to the test's temporary folder; the README's itinerary picture to SCREENSHOT_DIR when it is set.
"""
import io
import os
import re
import shutil
import subprocess
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from lxml import html as lxml_html
from pypdf import PdfReader

from crm.engagements.models import Visibility
from crm.extensions import db
from crm.localtime import local_midnight, offset_changes, offset_name
from crm.programs.missions.models import Delegate, ItineraryItem, TradeMission

#: the day the packets are printed: months before the missions, in another season
PRINTED = datetime(2026, 12, 10, 12, 0, tzinfo=UTC)
PHONE = "+1 503 555 0112"
UI_LABELS = ("Outbound (we travel)", "Inbound (they visit us)", "Outbound", "Inbound")
IANA = re.compile(r"\b(?:Europe|America|Asia|Australia|Africa|Pacific|Etc)/[A-Za-z_]+")


def pdf_pages(data: bytes) -> list[str]:
    """Each page's text, its lines joined by spaces (a long title may wrap)."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages]


def appointment(day: date, start: str, end: str, zone: str, title: str, **fields) -> ItineraryItem:
    """An appointment at local wall-clock times of a place."""
    tz = ZoneInfo(zone)
    starts = datetime.combine(day, datetime.strptime(start, "%H:%M").time(), tzinfo=tz)
    ends = datetime.combine(day, datetime.strptime(end, "%H:%M").time(), tzinfo=tz)
    return ItineraryItem(starts_at=starts.astimezone(UTC), ends_at=ends.astimezone(UTC), timezone=zone,
                         title=title, **fields)


@pytest.fixture
def printed_in_december(clock):
    clock.move_to(PRINTED)
    return clock


@pytest.fixture
def rome(printed_in_december, make, session):
    """Portland's delegation to Rome, 25 March – 1 April 2027: Italy moves its clocks on 28 March."""
    partnership = make.partnership(partner=make.city("Rome", "Roma", "IT", timezone="Europe/Rome"))
    host = make.contact(partnership, name="Giulia Bianchi", phone=PHONE, email="giulia@comune.roma.example")
    adviser = make.contact(partnership, name="Quiet adviser", visibility=Visibility.STAFF_ONLY,
                           phone="+39 06 0000 0000")
    make.engagement(partnership, title="Port call", occurred_on=date(2026, 11, 23))  # 17 days before printing
    mission = TradeMission(partnership=partnership, title="Design and food mission", direction="outbound",
                           occurred_on=date(2027, 3, 25), ends_on=date(2027, 4, 1),
                           destination=partnership.partner_city, objectives="Meet the design schools")
    mission.itinerary += [
        appointment(date(2027, 3, 26), "09:00", "10:30", "Europe/Rome", "Welcome at the Campidoglio",
                    location="Piazza del Campidoglio", contact=host),
        appointment(date(2027, 3, 29), "09:00", "10:30", "Europe/Rome", "Design school visit"),
        appointment(date(2027, 3, 30), "00:00", "01:30", "Europe/Rome", "Night market walk"),
        appointment(date(2027, 3, 31), "12:00", "13:00", "Europe/Rome", "Private lunch", contact=adviser),
    ]
    mission.delegates += [Delegate(contact=host, role="Host"), Delegate(contact=adviser, role="Adviser")]
    session.add(mission)
    session.commit()
    return mission


@pytest.fixture
def world_tour(printed_in_december, make, session):
    """Five time zones in one itinerary, three of them changing their clocks during it."""
    partnership = make.partnership(partner=make.city("Rome", "Roma", "IT", timezone="Europe/Rome"))
    mayor = make.contact(partnership, name="Giulia Bianchi")
    lead = make.contact(partnership, name="Dana Whitfield", side="home")
    mission = TradeMission(partnership=partnership, title="Around the world", direction="outbound",
                           occurred_on=date(2027, 3, 10), ends_on=date(2027, 4, 6),
                           destination=partnership.partner_city, objectives="Ports, design and software")
    mission.itinerary += [
        appointment(date(2027, 3, 12), "10:00", "11:00", "America/New_York", "Port authority",
                    location="4 World Trade Center"),
        appointment(date(2027, 3, 15), "10:00", "11:00", "America/New_York", "Investors' breakfast"),
        appointment(date(2027, 3, 26), "09:00", "10:00", "Europe/Rome", "City hall", location="Campidoglio",
                    contact=mayor),
        appointment(date(2027, 3, 29), "09:00", "10:00", "Europe/Rome", "Chamber of commerce",
                    location="Via de' Burrò 147"),
        appointment(date(2027, 3, 31), "10:00", "11:00", "Asia/Tokyo", "Trade fair", location="Tokyo Big Sight"),
        appointment(date(2027, 4, 2), "09:00", "10:00", "Australia/Sydney", "Harbour authority",
                    location="Circular Quay"),
        appointment(date(2027, 4, 5), "09:00", "10:00", "Australia/Sydney", "University",
                    location="Camperdown campus"),
        appointment(date(2027, 4, 6), "11:00", "12:00", "Asia/Kolkata", "Software park", location="Salt Lake"),
    ]
    mission.delegates += [Delegate(contact=lead, role="Head of the delegation"),
                          Delegate(contact=mayor, role="Host in Rome")]
    session.add(mission)
    session.commit()
    return mission


@pytest.fixture
def visitors_from_sydney(printed_in_december, make, session):
    """Sydney's delegation visiting Portland in April 2027, when Sydney leaves summer time."""
    partnership = make.partnership(partner=make.city("Sydney", None, "AU", timezone="Australia/Sydney"))
    mission = TradeMission(partnership=partnership, title="Clean water visit", direction="inbound",
                           occurred_on=date(2027, 4, 1), ends_on=date(2027, 4, 7),
                           destination=partnership.home_city)
    mission.itinerary += [appointment(date(2027, 4, 2), "09:00", "10:00", "America/Los_Angeles", "Water bureau")]
    session.add(mission)
    session.commit()
    return mission


def packet(client, mission, language: str) -> bytes:
    response = client.get(f"/missions/{mission.id}/briefing.pdf?lang={language}")
    assert response.status_code == 200, response.status_code
    return response.data


def packet_html(mission_id: int, language: str, for_guest: bool = False) -> str:
    from crm.documents.briefing import briefing_html

    return briefing_html(db.session.get(TradeMission, mission_id), language, for_guest=for_guest)


def itinerary_rows(html: str) -> list:
    return lxml_html.fromstring(html).xpath("//section[@id='itinerary']//tr")


# the offsets themselves


@pytest.mark.parametrize(("zone", "first", "last", "expected"), [
    ("Europe/Rome", date(2027, 3, 25), date(2027, 4, 1), ["UTC+1", "UTC+2"]),
    ("America/New_York", date(2027, 3, 10), date(2027, 3, 20), ["UTC−5", "UTC−4"]),
    ("Australia/Sydney", date(2027, 4, 1), date(2027, 4, 7), ["UTC+11", "UTC+10"]),
    ("Asia/Kolkata", date(2027, 3, 1), date(2027, 4, 30), ["UTC+5:30"]),
    ("Asia/Kathmandu", date(2027, 3, 1), date(2027, 3, 2), ["UTC+5:45"]),
    ("Europe/London", date(2027, 11, 1), date(2027, 11, 8), ["UTC+0"]),
    ("Europe/London", date(2027, 3, 25), date(2027, 4, 2), ["UTC+0", "UTC+1"]),
    ("America/Santiago", date(2027, 9, 1), date(2027, 9, 30), ["UTC−4", "UTC−3"]),  # clocks jump at midnight
])
def test_each_offset_and_each_change_over_a_range_of_days(app_ctx, zone, first, last, expected):
    changes = offset_changes(zone, local_midnight(first, zone), local_midnight(last + timedelta(days=1), zone))
    assert [offset_name(offset) for _moment, offset in changes] == expected


def test_a_change_is_found_to_the_minute_it_happens(app_ctx):
    changes = offset_changes("Europe/Rome", datetime(2027, 3, 25, tzinfo=UTC), datetime(2027, 4, 2, tzinfo=UTC))
    assert changes[1] == (datetime(2027, 3, 28, 1, 0, tzinfo=UTC), timedelta(hours=2))
    # Lord Howe Island moves its clocks by half an hour
    changes = offset_changes("Australia/Lord_Howe", datetime(2027, 4, 1, tzinfo=UTC),
                             datetime(2027, 4, 8, tzinfo=UTC))
    assert [offset_name(offset) for _moment, offset in changes] == ["UTC+11", "UTC+10:30"]


def test_a_mission_ending_in_9999_names_the_changes_of_its_first_year_only(app):
    from crm.documents.briefing_times import offsets_text

    with app.test_request_context():  # (probing 8,000 years day by day would take minutes)
        text = offsets_text("Europe/Rome", date(2027, 3, 25), date(9999, 12, 31))
    assert text == "UTC+1, UTC+2 from March 28, UTC+1 from October 31"


# the cover


def test_the_cover_gives_the_offsets_of_the_missions_dates_not_of_the_day_of_printing(client, login, rome):
    login("coordinator")
    pages = pdf_pages(packet(client, rome, "en"))
    cover = pages[0]
    assert "Briefing for the delegation to Rome" in cover
    assert "From Portland to Rome" in cover
    assert "Local time in Rome: UTC+1, UTC+2 from March 28" in cover
    assert "Home times are given for Portland: UTC−7" in cover  # Portland moved on 14 March, before
    assert "Printed on December 10, 2026" in cover


def test_the_cover_names_every_zone_and_every_change_of_a_five_zone_itinerary(client, login, world_tour):
    login("coordinator")
    cover = pdf_pages(packet(client, world_tour, "en"))[0]
    expected = ["Local time in Rome: UTC+1, UTC+2 from March 28",
                "Local time in New York: UTC−5, UTC−4 from March 14",
                "Local time in Tokyo: UTC+9",
                "Local time in Sydney: UTC+11, UTC+10 from April 4",
                "Local time in Kolkata: UTC+5:30",
                "Home times are given for Portland: UTC−8, UTC−7 from March 14"]
    for line in expected:
        assert line in cover, (line, cover)
    # the destination first, then the others as the itinerary meets them, home last
    assert [cover.index(line) for line in expected] == sorted(cover.index(line) for line in expected)


def test_no_iana_id_and_no_interface_label_on_the_cover(client, login, world_tour, visitors_from_sydney):
    login("coordinator")
    for mission in (world_tour, visitors_from_sydney):
        for language in ("en", "de"):
            pages = pdf_pages(packet(client, mission, language))
            assert not IANA.search(pages[0]), pages[0]
            assert not IANA.search("\n".join(pages))  # nor anywhere else: the profile names the zone too
            for label in UI_LABELS:
                assert label not in pages[0], label


def test_the_title_suits_the_direction(client, login, rome, visitors_from_sydney):
    login("coordinator")
    inbound = pdf_pages(packet(client, visitors_from_sydney, "en"))
    assert "Briefing for the visiting delegation from Sydney" in inbound[0]
    assert "From Sydney to Portland" in inbound[0]
    assert "Local time in Portland: UTC−7" in inbound[0]
    assert "Home times are given" not in inbound[0]  # the visit is at home: its times are home times
    assert "Time zone UTC+11, UTC+10 from April 4" in " ".join(inbound)  # the profile: Sydney's, for the visit
    outbound = pdf_pages(packet(client, rome, "en"))
    assert "Briefing for the delegation to Rome" in outbound[0] and "visiting" not in outbound[0]


# the itinerary


def test_every_itinerary_row_has_its_place_its_zone_and_the_home_time(app, client, login, world_tour):
    login("coordinator")
    with app.test_request_context():
        rows = itinerary_rows(packet_html(world_tour.id, "en"))
    assert len(rows) == 8
    zones, homes = [], []
    for row in rows:
        zones.append(row.xpath("string(.//*[@class='zone'])").strip("\u2068\u2069 "))
        homes.append(row.xpath("string(.//*[@class='home-time'])"))
    assert [re.sub("[\u2066-\u2069]", "", zone) for zone in zones] == [
        "New York, UTC−5", "New York, UTC−4", "Rome, UTC+1", "Rome, UTC+2", "Tokyo, UTC+9", "Sydney, UTC+11",
        "Sydney, UTC+10", "Kolkata, UTC+5:30"]
    homes = [re.sub("[\u2066-\u2069]", "", home) for home in homes]
    assert homes == [
        "07:00–08:00 in Portland",  # New York 10:00 is Portland 07:00 (UTC−5 and UTC−8)
        "07:00–08:00 in Portland",  # both moved on 14 March
        "01:00–02:00 in Portland",  # Rome still at UTC+1, Portland at UTC−7
        "00:00–01:00 in Portland",  # Rome at UTC+2
        "18:00–19:00 in Portland (Mar 30)",  # Tokyo's morning is Portland's evening before
        "15:00–16:00 in Portland (Apr 1)",
        "16:00–17:00 in Portland (Apr 4)",  # Sydney at UTC+10 since 4 April
        "22:30–23:30 in Portland (Apr 5)",
    ]
    text = "\n".join(pdf_pages(packet(client, world_tour, "en")))
    for expected in ("Rome, UTC+2", "Sydney, UTC+10", "Kolkata, UTC+5:30", "18:00–19:00 in Portland (Mar 30)",
                     "Times are local to each place; the time in Portland is shown below each."):
        assert expected in text, expected


def test_a_place_in_the_home_citys_zone_needs_no_second_time(app, login, visitors_from_sydney):
    login("coordinator")
    with app.test_request_context():
        rows = itinerary_rows(packet_html(visitors_from_sydney.id, "en"))
    assert re.sub("[\u2066-\u2069]", "", rows[0].xpath("string(.//*[@class='zone'])")) == "Portland, UTC−7"
    assert not rows[0].xpath(".//*[@class='home-time']")


# health figures and the guest's copy


def test_health_figures_carry_their_unit(client, login, rome):
    login("coordinator")
    text = "\n".join(pdf_pages(packet(client, rome, "en")))
    health = text[text.rindex("Relationship health"):]
    assert "17 days" in health, health


def test_a_guests_copy_follows_the_portals_rule(app, client, login, make, session, rome):
    from crm.guests.models import GuestAccess

    with app.test_request_context():
        staff = packet_html(rome.id, "en")
        guest_html = packet_html(rome.id, "en", for_guest=True)
    assert "Relationship health" in staff and "Private lunch" in staff and "Quiet adviser" in staff
    for hidden in ("Relationship health", "days", "Private lunch", "Quiet adviser", "Adviser", "+39 06"):
        assert hidden not in guest_html, hidden
    assert "Welcome at the Campidoglio" in guest_html and "1 member in the delegation" in guest_html
    # and that copy is the one a guest downloads
    host = rome.delegates[0].contact
    guest = make.user("guest", email="giulia@comune.roma.example", name="Giulia Bianchi", language="en")
    session.add(GuestAccess(user=guest, partnership_id=rome.partnership_id, contact_id=host.id))
    session.commit()
    login(guest)
    text = "\n".join(pdf_pages(packet(client, rome, "en")))
    assert "Welcome at the Campidoglio" in text and "Rome, UTC+1" in text
    for hidden in ("Relationship health", "Private lunch", "Quiet adviser"):
        assert hidden not in text, hidden


# other languages and scripts


def test_the_packet_in_german_japanese_and_arabic(app, client, login, rome):
    login("coordinator")
    #: the offsets, with the language's list separator, and the date of the change in the language
    dates = {"de": ("UTC+1, UTC+2 ", "28. März"), "ja": ("UTC+1、UTC+2 ", "3月28日"), "ar": ("UTC+1، UTC+2 ", "28 مارس")}
    places = {"de": ("Rom, UTC+1", "Rom, UTC+2"), "ja": ("ローマ, UTC+1", "ローマ, UTC+2"), "ar": ("روما",)}
    for language in ("de", "ja", "ar"):
        with app.test_request_context():
            page = lxml_html.fromstring(packet_html(rome.id, language))
        cover = page.xpath("string(//section[@class='cover'])")
        assert page.xpath("//section[@class='cover']//bdi[@class='native']/@lang") == ["it"]  # Roma is Italian
        for words in dates[language]:
            assert words in cover, (language, words, cover)
        pages = pdf_pages(packet(client, rome, language))
        text = "\n".join(pages)
        for words in places[language]:
            assert words in text, (language, words)
        assert "UTC+1" in pages[0] and "UTC+2" in pages[0]
        assert not IANA.search(text) and "Outbound" not in pages[0]


def test_in_arabic_a_phone_number_and_a_time_range_read_in_their_own_order(client, login, rome):
    login("coordinator")
    text = "\n".join(pdf_pages(packet(client, rome, "ar")))
    assert PHONE in text and "0112 555 503 1+" not in text
    assert "giulia@comune.roma.example" in text
    assert "00:00–01:30" in text and "01:30–00:00" not in text  # the night market walk, its start first
    assert "15:00–16:30" in text and "16:30–15:00" not in text  # the same walk in Portland's time


# pictures


def pdf_to_png(pdf: Path, page: int, dpi: int, target: Path) -> Path:
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", "-f", str(page), "-l", str(page), "-singlefile",
                    str(pdf), str(target.with_suffix(""))], check=True, timeout=60)
    return target


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils is not installed")
@pytest.mark.parametrize("language", ["en", "de", "ja", "ar"])
def test_pictures_of_the_cover_and_the_itinerary(client, login, world_tour, tmp_path, language):
    login("coordinator")
    data = packet(client, world_tour, language)
    pdf = tmp_path / f"briefing-{language}.pdf"
    pdf.write_bytes(data)
    pages = pdf_pages(data)
    itinerary = next(n for n, page in enumerate(pages[1:], start=2) if "Harbour authority" in page)
    cover = pdf_to_png(pdf, 1, 60, tmp_path / f"briefing-cover-{language}.png")
    page = pdf_to_png(pdf, itinerary, 60, tmp_path / f"briefing-itinerary-{language}.png")
    assert cover.stat().st_size > 5000 and page.stat().st_size > 5000
    if language == "en":
        target = Path(os.environ.get("SCREENSHOT_DIR") or tmp_path)
        target.mkdir(parents=True, exist_ok=True)
        pdf_to_png(pdf, itinerary, 100, target / "briefing-itinerary.png")

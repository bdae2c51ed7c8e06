"""The gift register (issue 22 §4): the deadline rule, the staff's register and form (with its photo), the
admins' settings, the engagement's section and the dashboard, and the published register (CSV and PDF) that
anyone may download, without private contact details."""
import io
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from crm.attachments.models import Attachment
from crm.enums import EngagementKind, GiftDirection, GiftDisposition
from crm.guests.models import GuestAccess
from crm.protocol.gifts.rules import GiftRule, days_late, days_left, is_covered, is_late, still_to_record
from crm.protocol.models import Gift
from crm.settings.models import OfficeSettings

TODAY = date(2026, 11, 25)  # the frozen clock's day
RECEIVED, GIVEN = GiftDirection.RECEIVED, GiftDirection.GIVEN
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00" + b"\x90wS\xde"
RULE = GiftRule(threshold_minor=10_000, currency="USD", deadline_days=10)


@pytest.fixture(autouse=True)
def storage_dir(app, tmp_path, monkeypatch):
    """Each test stores its photos in its own folder (the app is shared by the session)."""
    monkeypatch.setitem(app.config, "ATTACHMENTS_DIR", str(tmp_path / "attachments"))


def set_rule(session, threshold_minor=10_000, currency="USD", days=10):
    settings = session.get(OfficeSettings, 1) or OfficeSettings(id=1)
    settings.gift_threshold_minor, settings.gift_threshold_currency = threshold_minor, currency
    settings.gift_deadline_days = days
    session.add(settings)
    session.commit()


def record(session, partnership, description, *, direction=RECEIVED, given_on=TODAY - timedelta(days=5),
           recorded_on=None, **fields):
    fields.setdefault("from_name", "Mayor of Kyoto")
    fields.setdefault("to_name", "Our Mayor")
    gift = Gift(partnership_id=partnership.id, direction=direction, given_on=given_on,
                recorded_on=recorded_on or given_on, description=description, **fields)
    session.add(gift)
    session.commit()
    return gift


# --- the rule --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value, currency, rule, covered", [
    (10_000, "USD", RULE, True),  # at the threshold
    (9_999, "USD", RULE, False),
    (50, "JPY", RULE, True),  # another currency: never converted, so it counts
    (None, None, RULE, True),  # not valued: not known to be below
    (1, "USD", GiftRule(0, "USD", 10), True),  # no threshold: every gift
])
def test_a_gift_is_covered_at_or_above_the_threshold_or_in_another_currency(value, currency, rule, covered):
    assert is_covered(value, currency, rule) is covered


@pytest.mark.parametrize("recorded_after, value, currency, late", [
    (10, 20_000, "USD", False),  # on the deadline's last day: in time
    (11, 20_000, "USD", True),
    (30, 5_000, "USD", False),  # under the threshold: no deadline
    (11, 5_000, "EGP", True),
])
def test_a_covered_gift_recorded_after_the_deadline_is_late(recorded_after, value, currency, late):
    given_on = date(2026, 3, 1)
    assert is_late(given_on, given_on + timedelta(days=recorded_after), value, currency, RULE) is late


def test_days_late_and_days_left_with_an_injected_today():
    assert days_late(date(2026, 3, 1), date(2026, 3, 15), RULE) == 4
    assert days_late(date(2026, 3, 1), date(2026, 3, 5), RULE) == 0
    ended = date(2026, 6, 10)
    assert days_left(ended, RULE, date(2026, 6, 12)) == 8
    assert days_left(ended, RULE, date(2026, 6, 20)) == 0 and still_to_record(ended, RULE, date(2026, 6, 20))
    assert not still_to_record(ended, RULE, date(2026, 6, 21))
    assert not still_to_record(ended, RULE, date(2026, 6, 9))  # not ended yet


# --- recording a gift ------------------------------------------------------------------------------------------

def form_data(**overrides):
    data = {"direction": "received", "given_on": (TODAY - timedelta(days=2)).isoformat(), "engagement_id": 0,
            "occasion": "", "from_contact_id": 0, "from_name": "", "to_contact_id": 0, "to_name": "Our Mayor",
            "description": "Kutani porcelain vase", "value": "180000", "currency": "JPY", "disposition": "displayed"}
    data.update(overrides)
    return data


def test_record_a_gift_from_the_engagements_section(client, login, make, session):
    coordinator = login("coordinator")
    partnership = make.partnership(partner=make.city("Kyoto", native_name="京都市"))
    mayor = make.contact(partnership, name="Daisaku Kadokawa", honorific="Mayor", email="mayor@kyoto.example")
    visit = make.engagement(partnership, kind=EngagementKind.VISIT, title="Mayor's visit",
                            occurred_on=TODAY - timedelta(days=2))
    hub = client.get(f"/engagements/{visit.id}/people").text
    new = f"/partnerships/{partnership.id}/gifts/new?engagement_id={visit.id}"
    assert new in hub.replace("&amp;", "&")
    form = client.get(new).text
    assert f'<option selected value="{visit.id}">' in form or f'value="{visit.id}" selected' in form
    response = client.post(f"{new}&next=/engagements/{visit.id}/people",
                           data=form_data(engagement_id=visit.id, from_contact_id=mayor.id))
    assert response.status_code == 302 and response.headers["Location"] == f"/engagements/{visit.id}/people"
    gift = session.scalars(select(Gift)).one()
    assert (gift.engagement_id, gift.recorded_on, gift.recorded_by_id, gift.value_minor, gift.currency,
            gift.from_name, gift.disposition) == (visit.id, TODAY, coordinator.id, 180_000, "JPY",
                                                  "Mayor Daisaku Kadokawa", GiftDisposition.DISPLAYED)
    section = client.get(f"/engagements/{visit.id}/people").text
    assert "Kutani porcelain vase" in section and "Mayor Daisaku Kadokawa" in section


@pytest.mark.parametrize("overrides, message", [
    ({"description": ""}, "This field is required."),
    ({"given_on": (TODAY + timedelta(days=1)).isoformat()}, "the date cannot be ahead"),
    ({"to_name": ""}, "Choose a person or write an office, a city or a name."),
    ({"value": "12.5", "currency": "JPY"}, "JPY does not have that many decimal places."),
    ({"value": "", "currency": "JPY"}, "Enter the amount, or leave the currency empty."),
])
def test_a_wrong_gift_keeps_what_was_typed_and_saves_nothing(client, login, make, session, overrides, message):
    login("coordinator")
    partnership = make.partnership()
    data = form_data(**{"from_name": "Kyoto City", "description": "Silk scarf", **overrides})
    response = client.post(f"/partnerships/{partnership.id}/gifts/new", data=data)
    assert response.status_code == 422 and message in response.text
    assert "Kyoto City" in response.text
    assert session.scalar(select(Gift)) is None


def test_a_photo_is_kept_with_the_gift_and_a_non_image_is_refused(client, login, make, session):
    login("coordinator")
    partnership = make.partnership()
    url = f"/partnerships/{partnership.id}/gifts/new"
    refused = client.post(url, data={**form_data(from_name="Kyoto City"), "photo": (io.BytesIO(b"%PDF-1.4 x"), "a.pdf")},
                          content_type="multipart/form-data")
    assert refused.status_code == 422 and "The photo must be a PNG or JPEG image." in refused.text
    assert session.scalar(select(Gift)) is None
    client.post(url, data={**form_data(from_name="Kyoto City"), "photo": (io.BytesIO(PNG), "vase.png")},
                content_type="multipart/form-data")
    gift = session.scalars(select(Gift)).one()
    photo = session.scalars(select(Attachment).where(Attachment.gift_id == gift.id)).one()
    assert (photo.content_type, photo.partnership_id) == ("image/png", partnership.id)
    page = client.get(f"/gifts/{gift.id}").text
    assert f"/attachments/{photo.id}" in page
    assert client.get(f"/attachments/{photo.id}").data == PNG
    # a new photo replaces it
    client.post(f"/gifts/{gift.id}/edit", data={**form_data(from_name="Kyoto City", version=gift.version),
                                                "photo": (io.BytesIO(PNG), "again.png")},
                content_type="multipart/form-data")
    assert [a.filename for a in session.scalars(select(Attachment).where(Attachment.gift_id == gift.id))] == [
        "again.png"]
    assert photo.id not in {a.id for a in session.scalars(select(Attachment))}


def test_the_partner_documents_leave_out_the_gifts_photo(app, client, login, make, session):
    from crm.attachments.queries import partnership_documents

    login("coordinator")
    partnership = make.partnership()
    client.post(f"/partnerships/{partnership.id}/gifts/new",
                data={**form_data(from_name="Kyoto City"), "photo": (io.BytesIO(PNG), "vase.png")},
                content_type="multipart/form-data")
    assert session.scalar(select(Attachment).where(Attachment.gift_id.is_not(None))) is not None
    with app.app_context():
        assert [a for a in partnership_documents(partnership.id) if a.gift_id] == []


def test_edit_is_versioned_and_delete_asks_first(client, login, make, session):
    login("coordinator")
    gift = record(session, make.partnership(), "Silk scarf", value_minor=3000, currency="USD")
    stale = gift.version
    assert client.post(f"/gifts/{gift.id}/edit", data=form_data(
        from_name="Kyoto City", description="Nishijin silk scarf", version=stale)).status_code == 302
    session.refresh(gift)
    assert gift.description == "Nishijin silk scarf" and gift.recorded_on == TODAY - timedelta(days=5)
    conflict = client.post(f"/gifts/{gift.id}/edit", data=form_data(
        from_name="Kyoto City", description="Someone else's words", version=stale))
    assert conflict.status_code == 409 and "Someone else saved changes" in conflict.text
    assert "Someone else&#39;s words" in conflict.text or "Someone else's words" in conflict.text
    session.refresh(gift)
    assert gift.description == "Nishijin silk scarf"
    assert "Delete the gift" in client.get(f"/gifts/{gift.id}/delete").text
    assert session.get(Gift, gift.id) is not None  # asking deletes nothing
    gift_id = gift.id
    assert client.post(f"/gifts/{gift_id}/delete").status_code == 302
    session.expunge_all()
    assert session.scalar(select(Gift).where(Gift.id == gift_id)) is None


def test_a_viewer_reads_the_register_but_changes_nothing(client, login, make, session):
    login("viewer")
    gift = record(session, make.partnership(), "Silk scarf")
    page = client.get("/gifts/").text
    assert "Silk scarf" in page and f"/gifts/{gift.id}/edit" not in page and "Record a gift" not in page
    assert client.post(f"/gifts/{gift.id}/delete").status_code == 403
    assert client.get("/gifts/settings").status_code == 403


def test_the_register_filters_by_direction_year_partnership_and_words(client, login, make, session):
    login("viewer")
    kyoto, cairo = make.partnership(partner=make.city("Kyoto")), make.partnership(partner=make.city("Cairo"))
    record(session, kyoto, "Porcelain vase")
    record(session, kyoto, "City key", direction=GIVEN)
    record(session, cairo, "Papyrus painting", given_on=date(2025, 4, 1))

    def shown(query=""):
        page = client.get(f"/gifts/{query}").text
        return {name for name in ("Porcelain vase", "City key", "Papyrus painting") if name in page}

    assert shown() == {"Porcelain vase", "City key", "Papyrus painting"}
    assert shown("?direction=given") == {"City key"}
    assert shown("?year=2025") == {"Papyrus painting"}
    assert shown(f"?partnership={kyoto.id}") == {"Porcelain vase", "City key"}
    assert shown("?q=papyrus") == {"Papyrus painting"}
    assert "No gifts match these filters." in client.get("/gifts/?q=nothing-like-it").text


def test_the_register_reads_a_fixed_number_of_queries(client, login, make, session, count_queries):
    login("viewer")

    def queries_for(rows: int) -> int:
        for n in range(rows):
            partnership = make.partnership()
            record(session, partnership, f"Gift {n}", engagement_id=make.engagement(partnership).id,
                   recorded_by_id=make.user("coordinator").id)
        with count_queries() as counter:
            assert client.get("/gifts/").status_code == 200
        return sum(1 for s in counter.statements if not s.lstrip().startswith("SELECT count(*)"))

    assert queries_for(12) == queries_for(24)  # both more than a page (10 in the tests)


def test_record_a_gift_from_the_register_asks_for_the_partnership(client, login, make):
    login("coordinator")
    partnership = make.partnership()
    assert "Choose a partnership" in client.get("/gifts/new?partnership=").text
    response = client.get(f"/gifts/new?partnership={partnership.id}")
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/partnerships/{partnership.id}/gifts/new")


# --- settings --------------------------------------------------------------------------------------------------

def test_an_admin_sets_the_threshold_and_deadline(client, login, session):
    login("admin")
    set_rule(session)
    page = client.get("/gifts/settings")
    assert page.status_code == 200 and "Recording deadline (days)" in page.text
    version = session.get(OfficeSettings, 1).version
    wrong = client.post("/gifts/settings", data={"threshold": "100.555", "gift_threshold_currency": "USD",
                                                 "gift_deadline_days": "10", "version": version})
    assert wrong.status_code == 422 and "USD does not have that many decimal places." in wrong.text
    saved = client.post("/gifts/settings", data={"threshold": "150", "gift_threshold_currency": "EUR",
                                                 "gift_deadline_days": "14", "version": version})
    assert saved.status_code == 302
    settings = session.get(OfficeSettings, 1)
    session.refresh(settings)
    assert (settings.gift_threshold_minor, settings.gift_threshold_currency, settings.gift_deadline_days) == (
        15_000, "EUR", 14)


# --- the engagement's section and the dashboard ----------------------------------------------------------------

def test_the_section_lists_the_gifts_given_to_this_partner_before(client, login, make, session):
    login("viewer")
    partnership, other = make.partnership(), make.partnership()
    visit = make.engagement(partnership, kind=EngagementKind.VISIT, occurred_on=TODAY)
    record(session, partnership, "Framed harbour photograph", direction=GIVEN, given_on=date(2024, 5, 1))
    record(session, partnership, "Engraved crystal bowl", direction=GIVEN, given_on=date(2025, 5, 1))
    record(session, partnership, "A vase they gave us", given_on=date(2025, 6, 1))
    record(session, other, "Another partner's book", direction=GIVEN)
    page = client.get(f"/engagements/{visit.id}/people").text
    before = page[page.index("Gifts given to this partner before"):]
    assert before.index("Engraved crystal bowl") < before.index("Framed harbour photograph")
    assert "A vase they gave us" not in before and "Another partner" not in page


def test_the_dashboard_asks_for_the_gifts_of_visits_that_just_ended_and_lists_late_ones(client, login, make, session):
    login("viewer")
    set_rule(session, days=10)
    partnership = make.partnership(partner=make.city("Kyoto"))
    make.engagement(partnership, kind=EngagementKind.VISIT, title="Youth orchestra visit",
                    occurred_on=TODAY - timedelta(days=3))
    with_gift = make.engagement(partnership, kind=EngagementKind.EVENT, title="Festival with a gift",
                                occurred_on=TODAY - timedelta(days=2))
    make.engagement(partnership, kind=EngagementKind.VISIT, title="Visit long ago", occurred_on=TODAY - timedelta(days=40))
    make.engagement(partnership, kind=EngagementKind.MEETING, title="Working meeting", occurred_on=TODAY - timedelta(days=1))
    record(session, partnership, "Festival scarf", engagement_id=with_gift.id)
    record(session, partnership, "Papyrus painting", value_minor=450_000, currency="EGP",
           given_on=TODAY - timedelta(days=60), recorded_on=TODAY - timedelta(days=30))
    record(session, partnership, "Cheap pins", value_minor=500, currency="USD",
           given_on=TODAY - timedelta(days=60), recorded_on=TODAY - timedelta(days=30))
    page = client.get("/dashboard").text
    part = page[page.index('id="gifts-to-record"'):]
    assert "Youth orchestra visit" in part and "7 days left" in part
    assert "Festival with a gift" not in part and "Visit long ago" not in part and "Working meeting" not in part
    assert "Papyrus painting" in part and "recorded 20 days late" in part and "Cheap pins" not in part


def test_the_sections_read_a_fixed_number_of_queries(app, make, session, count_queries):
    from crm.extensions import db
    from crm.protocol.gifts.section import for_dashboard, for_engagement

    set_rule(session)

    def queries_for(count: int) -> int:
        partnership = make.partnership()
        visit = make.engagement(partnership, kind=EngagementKind.VISIT, occurred_on=TODAY - timedelta(days=1))
        make.engagement(partnership, kind=EngagementKind.EVENT, occurred_on=TODAY - timedelta(days=2))
        for n in range(count):
            record(session, partnership, f"Gift {n}", direction=GIVEN if n % 2 else RECEIVED,
                   engagement_id=visit.id if n < 3 else None, given_on=TODAY - timedelta(days=40), recorded_on=TODAY,
                   recorded_by_id=make.user("coordinator").id)
        with app.test_request_context():
            settings = db.session.get(OfficeSettings, 1)  # a request holds them with the signed-in session
            with count_queries() as counter:
                engagement = for_engagement(visit, TODAY)
                dashboard = for_dashboard([partnership.id], TODAY)
        assert len(engagement["gifts_of_engagement"]) == 3 and dashboard["gifts_late_total"] == count
        assert dashboard["gifts_to_record_total"] == 1 and settings.gift_deadline_days == 10  # the visit has gifts
        return counter.count

    assert queries_for(5) == queries_for(15) == 5


# --- the published register ------------------------------------------------------------------------------------

@pytest.fixture
def published(make, session):
    """Kyoto's gifts of this year: a vase received (from a person with an e-mail address), a key given, pins under
    the threshold; one of last year."""
    set_rule(session, threshold_minor=10_000, currency="USD")
    kyoto = make.partnership(partner=make.city("Kyoto", native_name="京都市"))
    mayor = make.contact(kyoto, name="Daisaku Kadokawa", email="mayor@kyoto.example", phone="+81 75 000 0000",
                         notes="private note")
    record(session, kyoto, "Kutani porcelain vase", from_name="Mayor Daisaku Kadokawa", from_contact_id=mayor.id,
           value_minor=180_000, currency="JPY", disposition=GiftDisposition.DISPLAYED,
           given_on=date(2026, 10, 2), occasion="SECRET occasion")
    record(session, kyoto, "Ceremonial city key", direction=GIVEN, from_name="Our office",
           to_name="Mayor Daisaku Kadokawa", value_minor=25_000, currency="USD", given_on=date(2026, 10, 2))
    record(session, kyoto, "Lapel pins", direction=GIVEN, value_minor=4_000, currency="USD", given_on=date(2026, 10, 2))
    record(session, kyoto, "Silk hanging", given_on=date(2025, 3, 1), value_minor=60_000, currency="JPY")
    return kyoto


def test_anyone_downloads_the_published_register_without_contact_details(client, make, session, published):
    csv = client.get("/gifts/register.csv")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    text = csv.get_data(as_text=True)
    assert "Kutani porcelain vase" in text and "Ceremonial city key" in text and "Mayor Daisaku Kadokawa" in text
    assert "Kyoto (京都市)" in text and "1800" in text and "JPY" in text and "On display" in text
    assert "Lapel pins" not in text and "Silk hanging" not in text  # under the threshold; another year
    for private in ("mayor@kyoto.example", "+81", "private note", "SECRET"):
        assert private not in text
    assert text.index("Kutani") < text.index("Ceremonial")  # received first
    assert "Silk hanging" in client.get("/gifts/register.csv?year=2025").get_data(as_text=True)


def test_a_guest_reads_the_same_published_register_as_anyone(client, login, make, session, published):
    anonymous = client.get("/gifts/register.csv").get_data(as_text=True)
    guest = make.user("guest", email="guest@elsewhere.example")
    session.add(GuestAccess(user=guest, partnership=make.partnership(), contact=make.contact(make.partnership())))
    session.commit()
    login(guest)
    assert client.get("/gifts/register.csv").get_data(as_text=True) == anonymous
    assert client.get("/gifts/").status_code == 404  # the staff's register stays closed to them


@pytest.mark.parametrize("language, expected", [("en", "Gift register 2026"), ("ja", "京都市"), ("ar", "2026")])
def test_the_published_register_prints_in_the_readers_language(client, session, published, language, expected):
    from tests.pdf_inspect import fonts_by_character

    response = client.get(f"/gifts/register.pdf?lang={language}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    fonts = fonts_by_character(response.data)
    text = "".join(fonts)
    for char in expected:
        assert char in text
    if language == "ja":
        assert any("CJK" in family for family in fonts["京"])
    if language == "ar":
        assert any(any("Arabic" in family for family in families) for char, families in fonts.items()
                   if "\u0600" <= char <= "\u06ff")


def test_demo_data_has_gifts_one_recorded_late(app, session):
    from crm.demo.seed import seed_demo
    from crm.extensions import db
    from crm.protocol.gifts.queries import gift_rule

    with app.app_context():
        seed_demo(TODAY)
        db.session.commit()
        rule = gift_rule()
    gifts = session.scalars(select(Gift)).all()
    assert len(gifts) >= 8 and {g.currency for g in gifts} >= {"JPY", "USD", "EGP"}
    assert [g.description for g in gifts if is_late(g.given_on, g.recorded_on, g.value_minor, g.currency, rule)] == [
        "Papyrus painting of the Nile at Giza, signed by the artist"]
    assert any("Kutani" in g.description for g in gifts) and any("key to the city" in g.description for g in gifts)

"""Host families and volunteers (issue 22 §6): the suggestion (a pure function), the registry and its sensitive
vetting result, the placement board (suggest, confirm, move, remove, place by hand, races), the placement letters
and the emergency sheet in Latin, Japanese and Arabic script, the hub's section and the dashboard."""
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from crm.enums import HelperKind, ParticipantRole, Side, Visibility
from crm.protocol.hosting.suggest import Guest, Household, Stay, beds_taken, language_codes, suggest, why_not
from crm.protocol.models import Helper, Placement, RosterEntry
from tests.pdf_inspect import glyphs
from tests.races import second_insert_waits_then_is_refused

TODAY = date(2026, 11, 25)  # the frozen clock's day
ARRIVE, LEAVE = date(2027, 1, 10), date(2027, 1, 15)


def guest(entry_id, **fields) -> Guest:
    fields.setdefault("arrives_on", ARRIVE)
    fields.setdefault("leaves_on", LEAVE)
    return Guest(entry_id=entry_id, contact_id=fields.pop("contact_id", 100 + entry_id), **fields)


def home(helper_id, beds=2, **fields) -> Household:
    fields.setdefault("vetted_on", date(2025, 1, 1))
    fields.setdefault("vetting_expires_on", date(2028, 1, 1))
    return Household(helper_id=helper_id, beds=beds, **fields)


def placed(result) -> dict[int, int]:
    return {s.entry_id: s.helper_id for s in result.placed}


# --- the suggestion --------------------------------------------------------------------------------------------

def test_language_codes_are_base_codes_in_order():
    assert language_codes("ja, EN, zh-Hans, ja") == ("ja", "en", "zh")
    assert language_codes(None) == () and language_codes("") == ()


def test_beds_are_never_overbooked_night_by_night():
    result = suggest([guest(1), guest(2), guest(3)], [home(10, beds=1), home(11, beds=1)])
    assert sorted(placed(result).values()) == [10, 11]
    assert result.unplaced[3].code == "no_bed"
    # a bed taken by another visit's guest on some of the nights is not free
    busy = home(10, beds=1, stays=[Stay(date(2027, 1, 14), date(2027, 1, 20))])
    assert beds_taken(busy, guest(1)) == 1
    assert suggest([guest(1)], [busy]).unplaced[1].code == "no_bed"
    # ...but a bed freed the morning the guest arrives is
    freed = home(10, beds=1, stays=[Stay(date(2027, 1, 5), ARRIVE)])
    assert placed(suggest([guest(1)], [freed])) == {1: 10}


def test_a_shared_language_is_preferred():
    result = suggest([guest(1, languages=("ja", "en"))],
                     [home(10, languages=("es",)), home(11, languages=("en",)), home(12, languages=("ja", "en"))])
    assert placed(result) == {1: 12}
    reasons = {r.code: r for r in result.placed[0].reasons}
    assert reasons["language"].languages == ("ja", "en") and reasons["beds"].count == 1
    assert reasons["beds"].total == 2 and "vetted" in reasons


def test_the_requested_host_comes_first_then_past_pairings():
    result = suggest([guest(1, languages=("ja",), requested_helper_id=11)],
                     [home(10, languages=("ja",)), home(11, languages=("en",))])
    assert placed(result) == {1: 11} and result.placed[0].reasons[0].code == "requested"
    result = suggest([guest(1, languages=("ja",))], [home(10, languages=("ja",)), home(11, languages=("en",))],
                     past_pairs={(101, 11)})
    assert placed(result) == {1: 11} and "past" in {r.code for r in result.placed[0].reasons}
    # the requested host without room: placed elsewhere, and the explanation says so
    result = suggest([guest(1, requested_helper_id=11)], [home(10), home(11, beds=0)])
    assert placed(result) == {1: 10} and result.placed[0].reasons[0].code == "requested_unavailable"


def test_constraints_are_never_broken():
    guests = [guest(1, no_pets=True), guest(2, no_smoking=True), guest(3, step_free=True)]
    households = [home(10, beds=3, pets=True, step_free=True), home(11, beds=3, smoking=True, step_free=True),
                  home(12, beds=3)]
    result = placed(suggest(guests, households))
    assert result == {1: 11, 2: 10, 3: 10} or (result[1] != 10 and result[2] != 11 and result[3] in (10, 11))
    assert suggest([guest(1, no_pets=True)], [home(10, pets=True)]).unplaced[1].code == "constraints"


def test_a_minor_stays_only_where_the_vetting_holds_for_the_whole_stay():
    expired = home(10, vetting_expires_on=date(2027, 1, 12))  # runs out during the stay
    missing = home(11, vetted_on=None, vetting_expires_on=None)
    valid = home(12, beds=1, vetting_expires_on=date(2027, 1, 15))  # the morning they leave: the nights are covered
    result = suggest([guest(1, minor=True), guest(2, minor=True)], [expired, missing, valid])
    assert placed(result) == {1: 12}
    assert result.unplaced[2].code == "no_vetted_host"
    # an adult may stay with them (a vetted household is only preferred)
    adult = suggest([guest(3)], [expired, missing])
    assert len(adult.placed) == 1 and adult.placed[0].reasons[-1].code == "not_vetted"


def test_minors_and_requests_are_placed_before_the_others():
    # one vetted bed: the minor gets it even when listed last
    result = suggest([guest(1), guest(2, minor=True)], [home(10, beds=1), home(11, beds=1, vetted_on=None)])
    assert placed(result) == {2: 10, 1: 11}


def test_the_suggestion_is_pure_and_deterministic():
    households = [home(10, stays=[Stay(ARRIVE, LEAVE)]), home(11)]
    guests = [guest(n, languages=("ja",)) for n in range(1, 5)]
    first = placed(suggest(guests, households))
    assert first == placed(suggest(list(reversed(guests)), list(reversed(households))))
    assert households[0].stays == [Stay(ARRIVE, LEAVE)]  # the caller's data is left as it was
    assert sorted(first.values()).count(10) == 1 and sorted(first.values()).count(11) == 2


def test_why_a_guest_is_not_placed_yet():
    assert why_not(guest(1), [home(10)]).code == "fits"
    assert why_not(guest(1), [home(10, active=False)]).code == "no_bed"


# --- fixtures for the pages ------------------------------------------------------------------------------------

@pytest.fixture
def visit(make, session):
    """Kyoto's visit to Portland: a coordinator-liaison, three guests from Kyoto (a pupil, their teacher, an
    official who asked for the Okada family), a chaperone of ours, three households."""
    liaison = make.user("coordinator", name="Jane Liaison", email="jane@portland.example")
    partnership = make.partnership(partner=make.city("Kyoto", native_name="京都市"), liaison=liaison)
    engagement = make.engagement(partnership, title="Youth delegation", occurred_on=ARRIVE)
    hosts = []
    for name, spoken, beds, pets, expires in (("The Okada family", "ja, en", 2, False, date(2029, 1, 1)),
                                              ("The Miller family", "en", 2, True, date(2029, 1, 1)),
                                              ("The Johnson household", "en", 1, False, date(2026, 1, 1))):
        person = make.contact(partnership, side=Side.HOME, name=name.split()[1] + " host", language="en",
                              visibility=Visibility.STAFF_ONLY)
        helper = Helper(contact_id=person.id, kind=HelperKind.HOUSEHOLD, household_name=name, languages=spoken,
                        beds=beds, rooms=1, pets=pets, address="12 Elm St\nPortland", phone="+1 503 555 0100",
                        vetted_on=date(2024, 1, 1), vetting_expires_on=expires, vetting_result="Clear VETTINGTEXT")
        session.add(helper)
        hosts.append(helper)
    session.flush()
    people = [("山田 花子", "YAMADA Hanako", True, "ja", "Vegetarian DIETTEXT"),
              ("渡辺 直子", "WATANABE Naoko", False, "ja", None),
              ("中村 誠", "NAKAMURA Makoto", False, "ja", None)]
    entries = []
    for native, latin, minor, language, diet in people:
        person = make.contact(partnership, name=latin, name_native=native, name_romanized=latin,
                              family_name_first=True, language=language, languages="ja", dietary_needs=diet)
        entry = RosterEntry(engagement_id=engagement.id, contact_id=person.id, side=Side.PARTNER,
                            role=ParticipantRole.STUDENT if minor else ParticipantRole.CHAPERONE, minor=minor,
                            arrives_on=ARRIVE, leaves_on=LEAVE, no_pets=minor)
        session.add(entry)
        entries.append(entry)
    entries[2].role = ParticipantRole.OFFICIAL
    session.flush()
    entries[2].requested_helper_id = hosts[0].id
    ours = make.contact(partnership, side=Side.HOME, name="Rachel Stone", phone="+1 503 555 0177")
    session.add(RosterEntry(engagement_id=engagement.id, contact_id=ours.id, side=Side.HOME,
                            role=ParticipantRole.CHAPERONE, arrives_on=ARRIVE, leaves_on=LEAVE))
    session.commit()
    return engagement, hosts, entries


def placements(session, engagement):
    return session.scalars(select(Placement).where(Placement.engagement_id == engagement.id)
                           .order_by(Placement.id).execution_options(populate_existing=True)).all()


# --- the registry ----------------------------------------------------------------------------------------------

def test_a_household_is_added_with_a_new_person_and_found_by_its_filters(client, login, make, session, visit):
    engagement = visit[0]
    login("coordinator")
    page = client.get("/hosts/new")
    assert page.status_code == 200 and "Vetting result" not in page.get_data(as_text=True)
    # nothing chosen: the form comes back with what was typed and says what is missing
    response = client.post("/hosts/new", data={"contact_id": "0", "kind": "household", "household_name": "The Park family",
                                                "rooms": "1", "beds": "2", "vetted_on": "2026-01-01",
                                                "vetting_expires_on": "2025-01-01"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "The Park family" in body
    assert "write the new person’s name" in body and "must expire after" in body
    response = client.post("/hosts/new", data={
        "contact_id": "0", "new_name": "Min-jun Park", "new_partnership_id": str(engagement.partnership_id),
        "new_language": "en", "kind": "household", "household_name": "The Park family", "languages": "KO, en",
        "rooms": "1", "beds": "2", "step_free": "y", "vetted_on": "2026-01-01", "vetting_expires_on": "2026-12-20",
        "active": "y"})
    assert response.status_code == 302
    helper = session.scalar(select(Helper).where(Helper.household_name == "The Park family"))
    assert helper.languages == "ko, en" and helper.contact.side == Side.HOME and helper.step_free
    assert helper.contact.partnership_id == engagement.partnership_id
    listed = client.get("/hosts/?language=ko").get_data(as_text=True)
    assert "The Park family" in listed and "The Okada family" not in listed
    assert "The Park family" in client.get("/hosts/?vetting=expiring").get_data(as_text=True)
    expired = client.get("/hosts/?vetting=expired").get_data(as_text=True)
    assert "The Johnson household" in expired and "The Park family" not in expired
    assert "The Park family" in client.get("/hosts/?q=park").get_data(as_text=True)
    assert "No hosts or volunteers match" in client.get("/hosts/?kind=driver").get_data(as_text=True)


def test_the_vetting_result_is_only_for_protocol_access(client, login, make, session, visit):
    helper = visit[1][0]
    login("coordinator")  # no protocol access
    page = client.get(f"/hosts/{helper.id}").get_data(as_text=True)
    assert "VETTINGTEXT" not in page and "Only people with protocol" in page
    form = client.get(f"/hosts/{helper.id}/edit").get_data(as_text=True)
    assert "VETTINGTEXT" not in form and 'name="vetting_result"' not in form
    # a save without it (or with it forged into the request) keeps the stored one
    response = client.post(f"/hosts/{helper.id}/edit", data={
        "version": str(helper.version), "kind": "household", "household_name": "The Okada family", "rooms": "1",
        "beds": "3", "languages": "ja, en", "vetted_on": "2024-01-01", "vetting_expires_on": "2029-01-01",
        "vetting_result": "", "active": "y"})
    assert response.status_code == 302
    session.refresh(helper)
    assert helper.beds == 3 and helper.vetting_result == "Clear VETTINGTEXT"
    login(make.user("coordinator", protocol_access=True))
    assert "VETTINGTEXT" in client.get(f"/hosts/{helper.id}").get_data(as_text=True)
    assert "VETTINGTEXT" in client.get(f"/hosts/{helper.id}/edit").get_data(as_text=True)


def test_a_stale_edit_is_refused_and_shows_the_conflict(client, login, session, visit):
    helper = visit[1][0]
    login("coordinator")
    data = {"version": str(helper.version), "kind": "household", "household_name": "The Okada family",
            "rooms": "1", "beds": "2", "vetted_on": "2024-01-01", "vetting_expires_on": "2029-01-01", "active": "y"}
    assert client.post(f"/hosts/{helper.id}/edit", data={**data, "beds": "4"}).status_code == 302
    response = client.post(f"/hosts/{helper.id}/edit", data={**data, "beds": "1"})
    assert response.status_code == 409
    session.refresh(helper)
    assert helper.beds == 4


def test_deleting_a_host_asks_first_and_takes_its_placements(client, login, session, visit):
    engagement, hosts, entries = visit
    session.add(Placement(engagement_id=engagement.id, roster_entry_id=entries[1].id, helper_id=hosts[2].id))
    session.commit()
    login("coordinator")
    page = client.get(f"/hosts/{hosts[2].id}/delete")
    assert page.status_code == 200 and "longer available instead" in page.get_data(as_text=True)
    assert session.get(Helper, hosts[2].id) is not None
    helper_id = hosts[2].id
    assert client.post(f"/hosts/{helper_id}/delete").status_code == 302
    session.expire_all()
    assert session.scalar(select(Helper).where(Helper.id == helper_id)) is None
    assert placements(session, engagement) == []


def test_a_viewer_reads_but_does_not_change(client, login, visit):
    helper = visit[1][0]
    login("viewer")
    assert client.get("/hosts/").status_code == 200
    page = client.get(f"/hosts/{helper.id}").get_data(as_text=True)
    assert "The Okada family" in page and f"/hosts/{helper.id}/edit" not in page
    assert client.get(f"/hosts/{helper.id}/edit").status_code == 403


# --- the board -------------------------------------------------------------------------------------------------

def test_suggest_confirm_move_and_remove(client, login, session, visit):
    engagement, hosts, entries = visit
    okada, miller, johnson = hosts
    login("coordinator")
    board = client.get(f"/engagements/{engagement.id}/placements").get_data(as_text=True)
    assert "0 of 3 guests have a host" in board and "could take them" in board
    response = client.post(f"/engagements/{engagement.id}/placements/suggest")
    assert response.status_code == 302
    rows = {p.roster_entry_id: p for p in placements(session, engagement)}
    assert len(rows) == 3 and all(p.suggested for p in rows.values())
    assert rows[entries[2].id].helper_id == okada.id  # requested by the partner
    assert rows[entries[0].id].helper_id == okada.id  # the minor: vetted, no pets, speaks Japanese
    assert rows[entries[1].id].helper_id == miller.id  # Okada's two beds are taken; Johnson's vetting expired
    board = client.get(f"/engagements/{engagement.id}/placements").get_data(as_text=True)
    assert "requested by the partner" in board and "speaks Japanese" in board and "2 of 2 beds taken" in board
    assert "Confirm 3 suggestions" in board
    # suggesting again changes nothing: everyone has a host
    client.post(f"/engagements/{engagement.id}/placements/suggest")
    assert len(placements(session, engagement)) == 3
    # confirm one, then move the teacher to Johnson's by hand, then confirm the rest
    teacher = rows[entries[1].id]
    assert client.post(f"/placements/{rows[entries[0].id].id}/confirm").status_code == 302
    session.refresh(rows[entries[0].id])
    assert rows[entries[0].id].suggested is False
    response = client.post(f"/placements/{teacher.id}/move", data={"helper_id": str(johnson.id),
                                                                   "version": str(teacher.version)})
    assert response.status_code == 302
    session.refresh(teacher)
    assert teacher.helper_id == johnson.id and teacher.suggested is False
    # a move based on an old version is refused
    response = client.post(f"/placements/{teacher.id}/move", data={"helper_id": str(miller.id), "version": "1"})
    session.refresh(teacher)
    assert teacher.helper_id == johnson.id
    client.post(f"/engagements/{engagement.id}/placements/confirm")
    assert not any(p.suggested for p in placements(session, engagement))
    # removing asks first
    assert "Take" in client.get(f"/placements/{teacher.id}/delete").get_data(as_text=True)
    assert client.post(f"/placements/{teacher.id}/delete").status_code == 302
    assert len(placements(session, engagement)) == 2
    board = client.get(f"/engagements/{engagement.id}/placements").get_data(as_text=True)
    assert "2 of 3 guests have a host" in board and "WATANABE Naoko" in board


def test_a_placement_by_hand_warns_of_what_it_breaks_and_bad_input_changes_nothing(client, login, session, visit):
    engagement, hosts, entries = visit
    login("coordinator")
    url = f"/engagements/{engagement.id}/placements/new"
    response = client.post(url, data={"roster_entry_id": str(entries[0].id), "helper_id": "0",
                                      "from_on": "2027-01-12", "until_on": "2027-01-11"})
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and "Choose the host household." in body and "last morning" in body
    response = client.post(url, data={"roster_entry_id": "999999", "helper_id": str(hosts[1].id)})
    assert response.status_code == 422 and placements(session, engagement) == []
    # the minor with the Millers' dog: allowed by hand, and the board says what it breaks
    assert client.post(url, data={"roster_entry_id": str(entries[0].id),
                                  "helper_id": str(hosts[1].id)}).status_code == 302
    board = client.get(f"/engagements/{engagement.id}/placements").get_data(as_text=True)
    assert "the guest cannot live with pets" in board
    # the same pair again: refused by the unique index, with a message, not a 500
    response = client.post(url, data={"roster_entry_id": str(entries[0].id), "helper_id": str(hosts[1].id)},
                           follow_redirects=True)
    assert response.status_code == 200 and "already stays with that household" in response.get_data(as_text=True)
    assert len(placements(session, engagement)) == 1


def test_two_connections_placing_a_guest_with_the_same_host_make_one_placement(app):
    """Two coordinators' suggestions (or hands) placing the same guest with the same household at the same moment,
    on two real PostgreSQL connections: the second waits for the first and is refused by the unique index (roster
    entry, helper), which the board's operations turn into DuplicatePlacement and a message."""
    if app.config["DB_LANE"] != "postgresql":
        pytest.skip("two real connections: the PostgreSQL lane")
    from datetime import UTC, datetime

    from sqlalchemy import create_engine, delete, func
    from sqlalchemy.orm import Session

    from crm.cities.models import City
    from crm.contacts.models import Contact
    from crm.engagements.models import Engagement
    from crm.enums import EngagementKind
    from crm.partnerships.models import Partnership

    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    ids: dict[str, int] = {}
    try:
        with Session(engine) as setup:
            home, partner = City(name="Race home", country_code="US"), City(name="Race partner", country_code="JP")
            partnership = Partnership(home_city=home, partner_city=partner, kind="sister_city", status="active")
            engagement = Engagement(partnership=partnership, kind=EngagementKind.MEETING, title="Race visit",
                                    occurred_on=ARRIVE)
            guest_person = Contact(partnership=partnership, side=Side.PARTNER, name="Race guest")
            host_person = Contact(partnership=partnership, side=Side.HOME, name="Race host")
            setup.add_all([home, partner, partnership, engagement, guest_person, host_person])
            setup.flush()
            entry = RosterEntry(engagement_id=engagement.id, contact_id=guest_person.id, side=Side.PARTNER)
            helper = Helper(contact_id=host_person.id, kind=HelperKind.HOUSEHOLD, beds=2)
            setup.add_all([entry, helper])
            setup.commit()
            ids = {"cities": [home.id, partner.id], "partnership": partnership.id, "engagement": engagement.id,
                   "contacts": [guest_person.id, host_person.id], "helper": helper.id, "entry": entry.id}
        placements_table = Placement.__table__
        row = {"engagement_id": ids["engagement"], "roster_entry_id": ids["entry"], "helper_id": ids["helper"],
               "suggested": True, "visibility": "shared", "version": 1, "created_at": datetime.now(UTC),
               "updated_at": datetime.now(UTC)}
        second_insert_waits_then_is_refused(engine, placements_table, row)
        with engine.connect() as conn:
            assert conn.scalar(select(func.count()).select_from(placements_table)
                               .where(placements_table.c.roster_entry_id == ids["entry"])) == 1
    finally:
        if ids:
            with engine.begin() as conn:
                conn.execute(delete(Engagement.__table__).where(Engagement.__table__.c.id == ids["engagement"]))
                conn.execute(delete(Helper.__table__).where(Helper.__table__.c.id == ids["helper"]))
                conn.execute(delete(Contact.__table__).where(Contact.__table__.c.id.in_(ids["contacts"])))
                conn.execute(delete(Partnership.__table__).where(Partnership.__table__.c.id == ids["partnership"]))
                conn.execute(delete(City.__table__).where(City.__table__.c.id.in_(ids["cities"])))
        engine.dispose()


def test_a_suggestion_that_lost_the_race_is_refused_whole(app, session, visit, monkeypatch):
    """The suggestion computed before someone else placed the guest: nothing of it is kept."""
    from crm.extensions import db
    from crm.protocol.hosting import board, operations

    engagement, hosts, entries = visit
    stale = board.read_inputs
    with app.test_request_context():
        from flask_login import login_user

        from tests.factories import Factories

        login_user(Factories(session).user("coordinator"))
        before = stale(engagement)
        db.session.commit()
        session.add(Placement(engagement_id=engagement.id, roster_entry_id=entries[2].id, helper_id=hosts[0].id))
        session.commit()  # someone else's placement, made meanwhile
        monkeypatch.setattr(operations, "read_inputs", lambda _engagement: before)
        with pytest.raises(operations.DuplicatePlacement):
            operations.suggest_placements(engagement)
        db.session.rollback()
        assert len(placements(session, engagement)) == 1


def test_the_board_reads_a_fixed_number_of_queries(client, login, make, session, count_queries, visit):
    engagement = visit[0]
    login("viewer")
    url = f"/engagements/{engagement.id}/placements"
    client.get(url)
    with count_queries() as small:
        assert client.get(url).status_code == 200
    partnership = engagement.partnership
    for n in range(10):
        person = make.contact(partnership, name=f"Guest {n}", languages="ja")
        session.add(RosterEntry(engagement_id=engagement.id, contact_id=person.id, side=Side.PARTNER))
        host = make.contact(partnership, side=Side.HOME, name=f"Host {n}")
        session.add(Helper(contact_id=host.id, kind=HelperKind.HOUSEHOLD, beds=1, vetted_on=date(2025, 1, 1)))
    session.commit()
    for entry, helper in zip(session.scalars(select(RosterEntry).where(RosterEntry.engagement_id == engagement.id,
                                                                      RosterEntry.side == Side.PARTNER)).all(),
                             session.scalars(select(Helper)).all(), strict=False):
        session.add(Placement(engagement_id=engagement.id, roster_entry_id=entry.id, helper_id=helper.id))
    session.commit()
    with count_queries() as large:
        assert client.get(url).status_code == 200
    assert large.count == small.count


def test_the_hub_shows_the_hosts_section(client, login, session, visit):
    engagement, hosts, entries = visit
    session.add(Placement(engagement_id=engagement.id, roster_entry_id=entries[0].id, helper_id=hosts[0].id,
                          suggested=True))
    session.commit()
    login("viewer")
    page = client.get(f"/engagements/{engagement.id}/people").get_data(as_text=True)
    assert 'id="hosting"' in page and "1 of 3 guests have a host" in page and "The Okada family" in page
    assert "1 suggestion waits for confirmation" in page


# --- letters and the emergency sheet ---------------------------------------------------------------------------

def _text(pdf: bytes) -> str:
    return "".join(glyph.text for glyph in glyphs(pdf))


def test_the_host_letter_shows_dietary_needs_only_with_protocol_access(client, login, make, session, visit):
    engagement, hosts, entries = visit
    session.add(Placement(engagement_id=engagement.id, roster_entry_id=entries[0].id, helper_id=hosts[0].id))
    session.commit()
    login("viewer")
    url = f"/engagements/{engagement.id}/hosts/{hosts[0].id}/letter.pdf"
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"].count("no-store") == 1
    text = _text(response.data)
    assert "山田" in text and "DIETTEXT" not in text and "coordinator" in text and "Kyoto" in text
    login(make.user("viewer", protocol_access=True))
    assert "DIETTEXT" in _text(client.get(url).data)
    # a household without guests in this visit has no letter
    assert client.get(f"/engagements/{engagement.id}/hosts/{hosts[1].id}/letter.pdf").status_code == 404


@pytest.mark.parametrize("lang, expected", [("ja", "京都市"), ("ar", "القاهرة"), ("en", "Portland")])
def test_the_guest_letter_prints_in_the_guests_language_and_script(client, login, make, session, visit, lang,
                                                                   expected):
    engagement, hosts, entries = visit
    placement = Placement(engagement_id=engagement.id, roster_entry_id=entries[0].id, helper_id=hosts[0].id)
    session.add(placement)
    session.commit()
    if lang == "ar":  # an Arabic guest from Cairo
        partnership = engagement.partnership
        partnership.partner_city.native_name = "القاهرة"
        partnership.partner_city.country_code = "EG"
        entries[0].contact.language = None
        session.commit()
    login("viewer")
    response = client.get(f"/placements/{placement.id}/guest-letter.pdf" + ("?lang=en" if lang == "en" else ""))
    assert response.status_code == 200
    text = _text(response.data)
    assert expected in text or expected[::-1] in text  # pdfminer gives right-to-left text in visual order
    assert "The Okada family" in text and "503 555 0100" in text
    assert f"-{lang}.pdf" in response.headers["Content-Disposition"]


def test_the_emergency_sheet_names_who_sleeps_where_tonight(client, login, session, visit, make):
    engagement, hosts, entries = visit
    session.add_all([Placement(engagement_id=engagement.id, roster_entry_id=entries[0].id, helper_id=hosts[0].id),
                     Placement(engagement_id=engagement.id, roster_entry_id=entries[1].id, helper_id=hosts[2].id,
                               until_on=date(2027, 1, 12))])
    session.commit()
    login("viewer")
    url = f"/engagements/{engagement.id}/emergency-sheet.pdf"
    text = _text(client.get(url).data)  # the first night (the visit is not on yet)
    assert "The Okada family" in text and "The Johnson household" in text and "Rachel Stone" in text
    assert "No valid vetting" in text  # Johnson's vetting expired
    assert "No host recorded" in text  # the official
    later = _text(client.get(url + "?on=2027-01-13&lang=ja").data)
    assert "The Johnson household" not in later and "The Okada family" in later
    assert client.get(url + "?on=13-01-2027").status_code == 400
    assert client.get(url + "?on=2027-01-13&lang=xx").status_code == 200


def test_the_emergency_sheet_gives_the_offices_emergency_phone(client, login, session, visit):
    """Set under Settings → Emergency phone during visits; a sheet without one still names the coordinator."""
    from crm.settings.models import OfficeSettings

    engagement = visit[0]
    login("admin")
    url = f"/engagements/{engagement.id}/emergency-sheet.pdf"
    assert "Emergency phone" not in _text(client.get(url).data)
    page = client.get("/settings/").get_data(as_text=True)
    assert 'name="emergency_phone"' in page
    settings = session.get(OfficeSettings, 1)
    response = client.post("/settings/", data={
        "version": settings.version, "office_name": settings.office_name, "emergency_phone": "+1 503 555 0199",
        "threshold_months": settings.threshold_months, "default_home_city_id": settings.default_home_city_id or 0,
        "review_every_years": settings.review_every_years,
        "review_before_expiry_months": settings.review_before_expiry_months})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert "+1 503 555 0199" in _text(client.get(url).data)


def test_the_dashboard_lists_vetting_to_renew(client, login, session, visit):
    hosts = visit[1]
    hosts[1].vetting_expires_on = TODAY + timedelta(days=30)
    session.commit()
    login("viewer")
    page = client.get("/dashboard").get_data(as_text=True)
    assert 'id="host-vetting"' in page and "The Miller family" in page and "The Johnson household" in page
    assert "The Okada family" not in page.split('id="host-vetting"')[1].split("</section>")[0]


def test_the_demo_places_kyotos_guests(app, session):
    from crm.demo.seed import seed_demo
    from crm.extensions import db

    with app.app_context():
        seed_demo(TODAY)
        db.session.commit()
    helpers = session.scalars(select(Helper).where(Helper.kind == HelperKind.HOUSEHOLD)).all()
    assert len(helpers) == 6 and any(h.pets for h in helpers)
    assert any(h.vetting_expires_on < TODAY for h in helpers)
    rows = session.scalars(select(Placement)).all()
    assert rows and any(p.suggested for p in rows) and any(not p.suggested for p in rows)
    for p in rows:  # every minor with a vetted household
        if p.roster_entry.minor:
            assert p.helper.vetting_expires_on > (p.roster_entry.leaves_on or TODAY)

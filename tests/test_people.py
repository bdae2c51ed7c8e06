"""People outside a single partnership (issue 22 §1): a person's links to partnerships and organizations, the
protocol fields on the contact form and page, a partnership's people (its page, the contacts list, the portal),
likely duplicates, and merging two records of one person with everything that points at them."""
import threading
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm.audit.models import AuditEvent
from crm.contacts.models import Contact, PersonLink
from crm.enums import GiftDirection, HelperKind, ParticipantRole, Side, Visibility
from crm.guests.models import GuestAccess, Invitation
from crm.people.duplicates import duplicate_pairs, name_similarity
from crm.programs.missions.models import Delegate, ItineraryItem, TradeMission
from crm.protocol.models import CostLine, Gift, Helper, Placement, RosterEntry

HOME, PARTNER = Side.HOME, Side.PARTNER
SHARED, STAFF_ONLY = Visibility.SHARED, Visibility.STAFF_ONLY


@pytest.fixture
def two(make):
    """Partnerships with Kyoto and Lyon, and a university in Kyoto."""
    make.home_city()
    kyoto = make.partnership(partner=make.city("Kyoto", native_name="京都市"))
    lyon = make.partnership(partner=make.city("Lyon", country_code="FR", timezone="Europe/Paris"))
    return kyoto, lyon, make.organization(kyoto, name="Kyoto University")


def links_of(session, contact_id):
    return {link.partnership_id: link for link in session.scalars(
        select(PersonLink).where(PersonLink.contact_id == contact_id).execution_options(populate_existing=True))}


# --- a person's links ------------------------------------------------------------------------------------------

def test_a_contact_page_shows_protocol_names_and_every_link(client, login, make, session, two):
    kyoto, lyon, university = two
    person = make.contact(kyoto, name="Yamada Taro", name_native="山田 太郎", name_romanized="YAMADA Taro",
                          family_name_first=True, honorific="市長", languages="ja, en", town="Kyoto", country="JP",
                          job_title="Interpreter", organization=university)
    session.add(PersonLink(contact_id=person.id, partnership_id=lyon.id, side=HOME, role="interpreter (Lyon)",
                           visibility=STAFF_ONLY))
    session.commit()
    login("viewer")
    page = client.get(f"/contacts/{person.id}").get_data(as_text=True)
    assert "山田 太郎 市長" in page  # addressed in its own order
    assert "山田 太郎 (YAMADA Taro)" in page
    assert "Kyoto University" in page and "interpreter (Lyon)" in page and "Lyon" in page
    assert "Own partnership" in page
    assert "English" in page and "Japanese" in page  # the languages spoken by name
    assert "Link to another partnership" not in page  # a viewer reads only


def test_an_editor_links_a_person_to_another_partnership(client, login, make, session, two):
    kyoto, lyon, _university = two
    lyon_school = make.organization(lyon, name="Lycée du Parc")
    person = make.contact(kyoto, name="Host Family Sato")
    login("coordinator")
    form = client.get(f"/contacts/{person.id}/links/new").get_data(as_text=True)
    assert "Lycée du Parc (Lyon)" in form
    response = client.post(f"/contacts/{person.id}/links/new", data={
        "partnership_id": lyon.id, "side": "home", "organization_id": lyon_school.id, "role": "host family",
        "visibility": "shared"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/contacts/{person.id}#links")
    link = links_of(session, person.id)[lyon.id]
    assert (link.side, link.organization_id, link.role, link.visibility) == (HOME, lyon_school.id, "host family",
                                                                             SHARED)
    # a second link to the same partnership is refused, with what was typed kept
    again = client.post(f"/contacts/{person.id}/links/new", data={
        "partnership_id": lyon.id, "side": "partner", "organization_id": 0, "role": "typed again",
        "visibility": "shared"})
    assert again.status_code == 422
    body = again.get_data(as_text=True)
    assert "already linked to that partnership" in body and 'value="typed again"' in body
    # an organization of another partnership is refused
    wrong = client.post(f"/contacts/{person.id}/links/new", data={
        "partnership_id": lyon.id, "side": "home", "organization_id": two[2].id, "role": "", "visibility": "shared"})
    assert wrong.status_code == 422 and "Choose an organization of that partnership." in wrong.get_data(as_text=True)
    # no partnership chosen
    blank = client.post(f"/contacts/{person.id}/links/new", data={"partnership_id": 0, "side": "home",
                                                                  "visibility": "shared"})
    assert blank.status_code == 422 and "Choose a partnership." in blank.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(PersonLink)
                          .where(PersonLink.contact_id == person.id)) == 2


def test_a_link_is_edited_with_its_version_and_removed_after_asking(client, login, make, session, two):
    kyoto, lyon, _university = two
    person = make.contact(kyoto, name="Interpreter Mori")
    link = PersonLink(contact_id=person.id, partnership_id=lyon.id, side=HOME, role="interpreter",
                      visibility=SHARED)
    session.add(link)
    session.commit()
    login("coordinator")
    assert client.get(f"/people/links/{link.id}/edit").status_code == 200
    saved = client.post(f"/people/links/{link.id}/edit", data={
        "version": 1, "side": "partner", "organization_id": 0, "role": "guide", "visibility": "staff_only"})
    assert saved.status_code == 302
    session.refresh(link)
    assert (link.role, link.side, link.visibility, link.version) == ("guide", PARTNER, STAFF_ONLY, 2)
    stale = client.post(f"/people/links/{link.id}/edit", data={
        "version": 1, "side": "home", "organization_id": 0, "role": "driver", "visibility": "shared"})
    assert stale.status_code == 409  # someone saved meanwhile: shown, nothing lost
    session.refresh(link)
    assert link.role == "guide"
    confirm = client.get(f"/people/links/{link.id}/remove")
    assert confirm.status_code == 200 and "Remove Interpreter Mori" in confirm.get_data(as_text=True)
    assert client.post(f"/people/links/{link.id}/remove").status_code == 302
    assert lyon.id not in links_of(session, person.id)
    assert session.get(Contact, person.id) is not None  # the person stays


def test_the_own_partnerships_link_is_edited_on_the_contact_form_and_never_removed(client, login, make, session,
                                                                                   two):
    kyoto, _lyon, _university = two
    person = make.contact(kyoto, name="Mayor Kado")
    home_link = links_of(session, person.id)[kyoto.id]
    login("coordinator")
    edit = client.get(f"/people/links/{home_link.id}/edit")
    assert edit.status_code == 302 and f"/contacts/{person.id}/edit" in edit.headers["Location"]
    refused = client.post(f"/people/links/{home_link.id}/remove")
    assert refused.status_code == 302
    assert kyoto.id in links_of(session, person.id)


def test_the_contact_form_keeps_protocol_fields_and_refuses_bad_language_codes(client, login, make, session, two):
    kyoto, _lyon, _university = two
    login("coordinator")
    data = {"partnership_id": kyoto.id, "side": "partner", "name": "Tanaka Hanako", "organization_id": 0,
            "visibility": "shared", "honorific": "Dr.", "name_native": "田中 花子", "name_romanized": "TANAKA Hanako",
            "family_name_first": "y", "languages": "日本語", "town": "Uji", "country": "JP",
            "passport_name": "TANAKA HANAKO"}
    refused = client.post("/contacts/new", data=data)
    body = refused.get_data(as_text=True)
    assert refused.status_code == 200 and "Write language codes separated by commas" in body
    assert 'value="田中 花子"' in body and 'value="日本語"' in body  # what was typed is kept
    assert client.post("/contacts/new", data=data | {"languages": "JA , en"}).status_code == 302
    person = session.scalar(select(Contact).where(Contact.name == "Tanaka Hanako"))
    assert (person.honorific, person.name_native, person.name_romanized, person.family_name_first, person.languages,
            person.town, person.country, person.passport_name) == (
        "Dr.", "田中 花子", "TANAKA Hanako", True, "ja, en", "Uji", "JP", "TANAKA HANAKO")


# --- a partnership's people ------------------------------------------------------------------------------------

@pytest.fixture
def shared_interpreter(make, session, two):
    """An interpreter of Kyoto (shared there) who also serves Lyon, where the link is staff-only."""
    kyoto, lyon, _university = two
    person = make.contact(kyoto, name="Suzuki Ichiro", email="suzuki@kyoto.example", job_title="interpreter")
    session.add(PersonLink(contact_id=person.id, partnership_id=lyon.id, side=HOME,
                           role="interpreter for the Lyon visits", visibility=STAFF_ONLY))
    session.commit()
    return person


def test_a_partnerships_page_and_the_contacts_list_show_everyone_linked(client, login, shared_interpreter, two):
    _kyoto, lyon, _university = two
    login("viewer")
    section = client.get(f"/partnerships/{lyon.id}?section=contacts").get_data(as_text=True)
    assert "Suzuki Ichiro" in section and "interpreter for the Lyon visits" in section
    listed = client.get(f"/contacts/?partnership={lyon.id}").get_data(as_text=True)
    assert "Suzuki Ichiro" in listed
    assert "Suzuki Ichiro" not in client.get(f"/contacts/?partnership={lyon.id}&side=partner").get_data(as_text=True)


def test_guests_see_only_the_people_shared_on_their_own_partnership(client, make, session, shared_interpreter,
                                                                    two):
    kyoto, lyon, _university = two
    people = {}
    for partnership, city in ((kyoto, "Kyoto"), (lyon, "Lyon")):
        contact = make.contact(partnership, name=f"{city} Guest Contact")
        user = make.user("guest", name=f"{city} Guest", email=f"guest@{city.lower()}.example")
        session.add(GuestAccess(user=user, partnership=partnership, contact=contact))
        people[city] = user
    session.commit()
    from tests.test_access import sign_in_as

    sign_in_as(client, people["Kyoto"])
    kyoto_page = client.get(f"/portal/partnerships/{kyoto.id}").get_data(as_text=True)
    assert "Suzuki Ichiro" in kyoto_page  # shared on Kyoto
    assert "Lyon" not in kyoto_page  # nothing of the other partnership, not even the link's role there
    sign_in_as(client, people["Lyon"])
    lyon_page = client.get(f"/portal/partnerships/{lyon.id}").get_data(as_text=True)
    assert "Suzuki Ichiro" not in lyon_page  # staff only on Lyon
    assert "Lyon Guest Contact" in lyon_page
    assert client.get(f"/portal/partnerships/{kyoto.id}").status_code == 404


# --- duplicates ------------------------------------------------------------------------------------------------

def test_name_similarity_folds_case_accents_and_word_order():
    assert name_similarity("José Müller", "jose muller") == 1.0
    assert name_similarity("YAMADA Taro", "Taro Yamada") == 1.0
    assert name_similarity("Katarzyna Nowak", "Katarzyna Nowack") >= 0.85
    assert name_similarity("Anna Schmidt", "Peter Braun") < 0.85
    assert name_similarity("", "Anna") == 0.0


def test_duplicates_are_the_same_email_or_a_similar_name_in_one_organization(app, make, session, two):
    from flask_login import login_user

    kyoto, lyon, university = two
    a = make.contact(kyoto, name="Keiko Ito", email="Keiko.Ito@Example.org")
    b = make.contact(lyon, name="K. Ito", email="keiko.ito@example.org")
    c = make.contact(kyoto, name="Hiroshi Watanabe", organization=university)
    d = make.contact(kyoto, name="Hiroshi Watanabe.", organization=university)
    make.contact(kyoto, name="Hiroshi Watanabe")  # the same name, in no organization: not offered
    make.contact(kyoto, name="Akira Kurosawa", organization=university)
    with app.test_request_context():
        login_user(make.user("viewer"))
        pairs = duplicate_pairs()
    assert [(p.first_id, p.second_id, p.same_email) for p in pairs] == [(a.id, b.id, True), (c.id, d.id, False)]


def test_copies_of_one_person_are_offered_as_the_first_with_each_other(app, make, session, two):
    """The same person once per partnership (as contacts were before links): merged in n - 1 steps."""
    from flask_login import login_user

    kyoto, lyon, _university = two
    copies = [make.contact(partnership, name="Carla Mendes", email="carla@example.org")
              for partnership in (kyoto, lyon, kyoto)]
    with app.test_request_context():
        login_user(make.user("viewer"))
        pairs = duplicate_pairs()
    assert [(p.first_id, p.second_id) for p in pairs] == [(copies[0].id, copies[1].id), (copies[0].id, copies[2].id)]


def test_the_duplicates_page_paginates_in_a_fixed_number_of_queries(client, login, make, session, two,
                                                                    count_queries):
    kyoto, _lyon, _university = two
    login("coordinator")

    def queries_for(pairs: int) -> int:
        for n in range(pairs):
            make.contact(kyoto, name=f"Person {n}", email=f"p{n}-{pairs}@example.org")
            make.contact(kyoto, name=f"Person {n} again", email=f"P{n}-{pairs}@example.org")
        with count_queries() as counted:
            assert client.get("/people/duplicates").status_code == 200
        return counted.count

    assert queries_for(3) == queries_for(12)  # 15 pairs: page 1 of 2
    page = client.get("/people/duplicates?page=2").get_data(as_text=True)
    assert "Compare and merge" in page
    assert client.get("/people/duplicates").status_code == 200


def test_no_duplicates_says_so(client, login):
    login("admin")
    assert "No possible duplicates." in client.get("/people/duplicates").get_data(as_text=True)


# --- merging ---------------------------------------------------------------------------------------------------

@pytest.fixture
def pair(make, session, two):
    """Two records of one interpreter, each with its history: links, rosters, delegation, itinerary, guest access,
    invitation, gifts, a host registration."""
    kyoto, lyon, university = two
    keep = make.contact(kyoto, name="Sato Kenji", email="kenji@example.org", organization=university)
    drop = make.contact(lyon, name="Kenji Sato", email="KENJI@example.org", phone="+81 75 000 0000",
                        name_native="佐藤 健二", job_title="interpreter")
    session.add(PersonLink(contact_id=drop.id, partnership_id=kyoto.id, side=HOME, role="guide",
                           visibility=STAFF_ONLY, organization_id=None))
    soon = date(2026, 12, 10)
    visit = make.engagement(kyoto, kind="visit", title="Autumn visit", occurred_on=soon)
    other_visit = make.engagement(lyon, kind="visit", title="Lyon visit", occurred_on=soon)
    kept_entry = RosterEntry(engagement_id=visit.id, contact_id=keep.id, side=HOME, role=ParticipantRole.INTERPRETER)
    dropped_entry = RosterEntry(engagement_id=visit.id, contact_id=drop.id, side=HOME,
                                role=ParticipantRole.INTERPRETER)
    moved_entry = RosterEntry(engagement_id=other_visit.id, contact_id=drop.id, side=HOME,
                              role=ParticipantRole.INTERPRETER)
    mission = TradeMission(partnership=kyoto, title="Mission", direction="outbound", occurred_on=soon,
                           ends_on=soon + timedelta(days=2))
    start = datetime(2026, 12, 10, 1, tzinfo=UTC)
    mission.itinerary.append(ItineraryItem(starts_at=start, ends_at=start + timedelta(hours=1), timezone="Asia/Tokyo",
                                           title="Meeting", contact=drop, interpreter=drop))
    mission.delegates.append(Delegate(contact=keep, role="interpreter"))
    mission.delegates.append(Delegate(contact=drop, role="interpreter"))
    session.add_all([kept_entry, dropped_entry, moved_entry, mission])
    session.flush()
    helper = Helper(contact_id=drop.id, kind=HelperKind.INTERPRETER)
    session.add(helper)
    session.flush()
    session.add_all([
        CostLine(engagement_id=visit.id, stage="actual", category="lodging", amount_minor=100, currency="JPY",
                 paid_by="city", roster_entry_id=dropped_entry.id),
        Placement(engagement_id=visit.id, roster_entry_id=dropped_entry.id, helper_id=helper.id),
        Gift(partnership_id=kyoto.id, direction=GiftDirection.RECEIVED, given_on=soon, from_name="Kenji",
             from_contact_id=drop.id, to_name="Mayor", to_contact_id=drop.id, description="Fan",
             recorded_on=soon),
    ])
    guest = make.user("guest", email="kenji.guest@example.org")
    session.add(GuestAccess(user=guest, partnership=lyon, contact=drop))
    session.add(Invitation(partnership=lyon, contact=drop, email="kenji@example.org", token_hash="k" * 64,
                           expires_at=datetime(2026, 12, 31, tzinfo=UTC)))
    session.commit()
    return keep, drop


def test_the_merge_page_shows_both_side_by_side(client, login, pair):
    keep, drop = pair
    login("coordinator")
    page = client.get(f"/people/merge?keep={keep.id}&drop={drop.id}").get_data(as_text=True)
    assert "Sato Kenji" in page and "Kenji Sato" in page and "佐藤 健二" in page and "+81 75 000 0000" in page
    assert f"keep={drop.id}&amp;drop={keep.id}" in page  # the other way round
    # only where just the dropped one has a value is "take" chosen by default
    assert '<input checked id="take_phone-1" name="take_phone" type="radio" value="drop">' in page
    assert '<input checked id="take_name-0" name="take_name" type="radio" value="keep">' in page
    assert client.get("/people/merge").status_code == 302  # nothing chosen: back to the duplicates
    assert client.get(f"/people/merge?keep={keep.id}&drop={keep.id}").status_code == 302
    assert client.get(f"/people/merge?keep={keep.id}&drop=999999").status_code == 404


def test_a_merge_moves_everything_to_the_kept_person_and_records_it(client, login, session, pair, two):
    kyoto, lyon, university = two
    keep, drop = pair
    drop_id = drop.id
    login("coordinator")
    response = client.post(f"/people/merge?keep={keep.id}&drop={drop.id}", data={
        "keep_version": keep.version, "drop_version": drop.version, "take_name": "keep", "take_phone": "drop",
        "take_name_native": "drop", "take_email": "keep", "take_job_title": "drop"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/contacts/{keep.id}")
    session.expire_all()
    assert session.get(Contact, drop_id) is None
    kept = session.get(Contact, keep.id)
    assert (kept.name, kept.email, kept.phone, kept.name_native, kept.job_title) == (
        "Sato Kenji", "kenji@example.org", "+81 75 000 0000", "佐藤 健二", "interpreter")
    links = links_of(session, keep.id)
    assert set(links) == {kyoto.id, lyon.id}  # the two of Kyoto became one, Lyon's moved over
    assert links[kyoto.id].organization_id == university.id
    entries = session.scalars(select(RosterEntry).where(RosterEntry.contact_id == keep.id)).all()
    assert len(entries) == 2  # one per roster: the duplicate on the Autumn visit went
    visit_entry = next(e for e in entries if e.engagement.title == "Autumn visit")
    assert session.scalar(select(CostLine.roster_entry_id)) == visit_entry.id
    assert session.scalar(select(Placement.roster_entry_id)) == visit_entry.id
    assert [d.contact_id for d in session.scalars(select(Delegate))] == [keep.id]
    item = session.scalar(select(ItineraryItem))
    assert (item.contact_id, item.interpreter_id) == (keep.id, keep.id)
    assert session.scalar(select(GuestAccess.contact_id).where(GuestAccess.partnership_id == lyon.id)) == keep.id
    assert session.scalar(select(Invitation.contact_id)) == keep.id
    gift = session.scalar(select(Gift))
    assert (gift.from_contact_id, gift.to_contact_id) == (keep.id, keep.id)
    assert session.scalar(select(Helper.contact_id)) == keep.id
    merged = session.scalars(select(AuditEvent).where(AuditEvent.record_type == "contacts",
                                                      AuditEvent.record_id == keep.id)).all()
    record = next(e for e in merged if "merged_duplicate" in e.changes)
    assert record.changes["merged_duplicate"][1] == f"Kenji Sato (#{drop_id})"
    assert "phone" in record.changes["merged_fields"][1] and "email" not in record.changes["merged_fields"][1]
    assert session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.record_type == "contacts", AuditEvent.record_id == drop_id, AuditEvent.action == "delete")) == 1


def test_a_merge_of_a_changed_record_changes_nothing(client, login, session, pair):
    keep, drop = pair
    login("coordinator")
    response = client.post(f"/people/merge?keep={keep.id}&drop={drop.id}", data={
        "keep_version": keep.version, "drop_version": drop.version - 1 if drop.version > 1 else 99,
        "take_phone": "drop"})
    assert response.status_code == 302 and "merge" in response.headers["Location"]
    session.expire_all()
    assert session.get(Contact, drop.id) is not None
    assert session.get(Contact, keep.id).phone is None
    assert len(links_of(session, drop.id)) == 2
    follow = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "was changed or merged while you were choosing" in follow


def test_a_merge_needs_an_editor(client, login, pair):
    keep, drop = pair
    login("viewer")
    assert client.get(f"/people/merge?keep={keep.id}&drop={drop.id}").status_code == 403
    assert client.post(f"/people/merge?keep={keep.id}&drop={drop.id}").status_code == 403


@pytest.fixture
def committed(app):
    """A real engine (outside the per-test transaction) on PostgreSQL; rows removed after."""
    if app.config["DB_LANE"] != "postgresql":
        pytest.skip("a race needs a database server with real concurrent connections")
    engine = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    with engine.connect() as conn:
        last_audit = conn.execute(sa.text("SELECT coalesce(max(id), 0) FROM audit_events")).scalar()
    created = []
    yield engine, created
    with engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM person_links WHERE contact_id = ANY(:ids)"),
                     {"ids": [i for t, i in created if t == "contacts"]})
        for table, row_id in reversed(created):
            conn.execute(sa.text(f"DELETE FROM {table} WHERE id = :id"), {"id": row_id})
        conn.execute(sa.text("DELETE FROM audit_events WHERE id > :last"), {"last": last_audit})
    engine.dispose()


@pytest.mark.parametrize("run", range(3))
def test_a_merge_racing_an_edit_of_the_dropped_record_lets_one_win(app, committed, run):
    """Two connections: one merges B into A while the other renames B, both from the same versions. Either the
    merge wins (B is gone, the rename refused) or the rename does (the merge changes nothing)."""
    from crm.cities.models import City
    from crm.partnerships.models import Partnership
    from crm.people import merge as merging

    engine, created = committed
    with Session(engine, expire_on_commit=False) as setup:
        partnership = Partnership(home_city=City(name="Race Home", country_code="US"),
                                  partner_city=City(name=f"Race Partner {run}", country_code="JP"),
                                  kind="sister_city", status="active")
        a = Contact(partnership=partnership, side=HOME, name="Race A", visibility=SHARED)
        b = Contact(partnership=partnership, side=HOME, name="Race B", phone="+1 555", visibility=SHARED)
        setup.add_all([a, b])
        setup.commit()
        created += [("cities", partnership.home_city_id), ("cities", partnership.partner_city_id),
                    ("partnerships", partnership.id), ("contacts", a.id), ("contacts", b.id)]
    barrier = threading.Barrier(2, timeout=30)
    outcomes = {}

    def merge():
        with app.app_context(), Session(engine) as session:
            keep, drop = session.get(Contact, a.id), session.get(Contact, b.id)
            barrier.wait()
            try:
                merging.merge(keep, drop, ["phone"], keep.version, drop.version, session=session)
                session.commit()
                outcomes["merge"] = "saved"
            except merging.MergeConflict:
                session.rollback()
                outcomes["merge"] = "refused"

    def rename():
        from sqlalchemy.orm.exc import StaleDataError

        with Session(engine) as session:
            record = session.get(Contact, b.id)
            barrier.wait()
            record.name = "Race B renamed"
            try:
                session.commit()
                outcomes["rename"] = "saved"
            except StaleDataError:
                outcomes["rename"] = "refused"

    threads = [threading.Thread(target=merge), threading.Thread(target=rename)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes.values()) == ["refused", "saved"], outcomes
    with Session(engine) as check:
        dropped, kept = check.get(Contact, b.id), check.get(Contact, a.id)
        if outcomes["merge"] == "saved":
            assert dropped is None and kept.phone == "+1 555"
            created.remove(("contacts", b.id))
        else:
            assert dropped.name == "Race B renamed" and kept.phone is None


# --- the demo --------------------------------------------------------------------------------------------------

def test_the_demo_has_people_on_two_partnerships_and_a_pair_to_merge(app, session, client, login):
    from crm.demo.seed import DEMO_USERS, seed_demo
    from crm.extensions import db

    with app.app_context():
        seed_demo(date(2026, 11, 25))
        db.session.commit()
    for name in ("Mariko Hayashi-Evans", "David and Grace Park"):
        person = session.scalar(select(Contact).where(Contact.name == name))
        assert len(links_of(session, person.id)) == 2, name
    from crm.auth.models import User

    coordinator = session.scalar(select(User).where(User.email == next(
        email for email, _name, role in DEMO_USERS if role.value == "coordinator")))
    login(coordinator)
    pages = "".join(client.get(f"/people/duplicates?page={n}").get_data(as_text=True) for n in (1, 2, 3))
    assert "田中 由紀 (TANAKA Yuki)" in pages and "Yuki Tanaka" in pages

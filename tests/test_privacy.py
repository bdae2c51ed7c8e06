"""Privacy by design (issue 22 §7): the "protocol and safeguarding" permission, the sensitive fields on the
contact's form and page, the retention rules and their purge (with an injected today), on both databases.
tests/test_privacy_leaks.py looks for the values in every response of every other reader."""
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from crm.audit.models import AuditEvent
from crm.auth.models import User
from crm.contacts.models import Contact
from crm.engagements.models import Engagement
from crm.enums import HelperKind, Side
from crm.people.retention import due_for_purge, purge_sensitive
from crm.privacy import MASK, GuestsCannotHaveIt, can_see_sensitive, set_protocol_access
from crm.programs.missions.models import TradeMission
from crm.protocol.models import Helper, Placement, RosterEntry
from crm.settings.models import RetentionRule

TODAY = date(2026, 11, 25)  # the frozen clock's day
PASSPORT, MEDICAL, DIET = "ZX9981234", "SENSITIVE-MED-7 insulin", "SENSITIVE-DIET-3 no peanuts"


@pytest.fixture
def person(make, session):
    make.home_city()
    partnership = make.partnership(partner=make.city("Kyoto", native_name="京都市"))
    return make.contact(partnership, name="Hanako Yamada", passport_number=PASSPORT, medical_notes=MEDICAL,
                        dietary_needs=DIET, date_of_birth=date(1931, 7, 29),
                        updated_at=datetime(2026, 1, 5, 12, 0, tzinfo=UTC))  # on no roster: counts from here


def protocol_officer(make, role="coordinator"):
    return make.user(role, name="Pat Protocol", protocol_access=True)


# --- the rule --------------------------------------------------------------------------------------------------

def test_only_active_staff_with_the_permission_see_sensitive_values(make):
    assert can_see_sensitive(protocol_officer(make)) is True
    assert can_see_sensitive(protocol_officer(make, "viewer")) is True
    assert can_see_sensitive(make.user("admin")) is False  # being an administrator is not enough
    assert can_see_sensitive(make.user("coordinator")) is False
    assert can_see_sensitive(make.user("guest", protocol_access=True)) is False  # never a guest
    assert can_see_sensitive(make.user("coordinator", protocol_access=True, active=False)) is False


def test_outside_a_request_nobody_asks(app_ctx):
    assert can_see_sensitive() is False  # the CLI, the scheduler, a background export


# --- the contact's form and page --------------------------------------------------------------------------------

def test_a_coordinator_without_the_permission_edits_a_contact_without_seeing_or_wiping_its_values(
        client, login, person, session):
    login("coordinator")
    page = client.get(f"/contacts/{person.id}/edit")
    assert page.status_code == 200
    for value in (PASSPORT, MEDICAL, DIET, "1931"):
        assert value not in page.text
    assert 'name="medical_notes"' not in page.text
    # even a crafted request that posts the fields blank, or with other values, leaves them as they are
    response = client.post(f"/contacts/{person.id}/edit", data={
        "version": person.version, "partnership_id": person.partnership_id, "side": "partner",
        "name": "Hanako Yamada-Sato", "visibility": "shared", "passport_number": "", "medical_notes": "",
        "dietary_needs": "tampered", "date_of_birth": ""})
    assert response.status_code == 302
    session.expire_all()
    saved = session.get(Contact, person.id)
    assert saved.name == "Hanako Yamada-Sato"
    assert (saved.passport_number, saved.medical_notes, saved.dietary_needs, saved.date_of_birth) == (
        PASSPORT, MEDICAL, DIET, date(1931, 7, 29))


def test_the_contact_page_shows_the_values_only_to_a_reader_with_the_permission(client, login, make, person):
    login("admin")
    page = client.get(f"/contacts/{person.id}")
    assert page.status_code == 200 and "Hanako" in page.text
    assert PASSPORT not in page.text and MEDICAL not in page.text
    login(protocol_officer(make, "viewer"))
    page = client.get(f"/contacts/{person.id}")
    assert PASSPORT in page.text and MEDICAL in page.text and DIET in page.text
    assert 'datetime="1931-07-29"' in page.text


def test_a_protocol_officer_sets_and_changes_the_values_on_the_form(client, login, make, person, session):
    login(protocol_officer(make))
    page = client.get(f"/contacts/{person.id}/edit")
    assert PASSPORT in page.text and MEDICAL in page.text and 'value="1931-07-29"' in page.text
    data = {"version": person.version, "partnership_id": person.partnership_id, "side": "partner",
            "name": "Hanako Yamada", "visibility": "shared", "passport_number": "TK1234567",
            "date_of_birth": "1980-02-03", "dietary_needs": "Vegetarian", "medical_notes": ""}
    assert client.post(f"/contacts/{person.id}/edit", data=data).status_code == 302
    session.expire_all()
    saved = session.get(Contact, person.id)
    assert (saved.passport_number, saved.date_of_birth, saved.dietary_needs, saved.medical_notes) == (
        "TK1234567", date(1980, 2, 3), "Vegetarian", None)
    # the audit trail says which fields changed, never what they held
    event = session.scalars(select(AuditEvent).where(AuditEvent.record_type == "contacts",
                                                     AuditEvent.record_id == person.id,
                                                     AuditEvent.action == "update")).one()
    assert event.changes["passport_number"] == [MASK, MASK]
    assert PASSPORT not in str(event.changes) and "TK1234567" not in str(event.changes)


def test_a_date_of_birth_in_the_future_is_refused_and_what_was_typed_stays(client, login, make, person):
    login(protocol_officer(make))
    response = client.post(f"/contacts/{person.id}/edit", data={
        "version": person.version, "partnership_id": person.partnership_id, "side": "partner",
        "name": "Hanako Yamada", "visibility": "shared", "passport_number": "TK7654321",
        "date_of_birth": (TODAY + timedelta(days=1)).isoformat()})
    assert response.status_code == 200
    assert "A date of birth is a day in the past." in response.text
    assert "TK7654321" in response.text


# --- the permission on the user management pages ---------------------------------------------------------------

def test_an_admin_gives_and_withdraws_the_permission_and_the_trail_records_it(client, login, make, session):
    admin = login("admin")
    colleague = make.user("coordinator", name="Chris Coordinator")
    page = client.get(f"/admin/users/{colleague.id}")
    assert "Give protocol and safeguarding" in page.text
    confirm = client.get(f"/admin/users/{colleague.id}/protocol-access")
    assert confirm.status_code == 200 and 'name="grant" type="hidden" value="1"' in confirm.text
    response = client.post(f"/admin/users/{colleague.id}/protocol-access", data={"grant": "1"})
    assert response.status_code == 302
    session.expire_all()
    assert session.get(User, colleague.id).protocol_access is True
    listing = client.get("/admin/users/")
    assert "Protocol and safeguarding" in listing.text
    assert "Chris Coordinator" in client.get("/settings/retention").text  # who has it
    # sent twice: the same state, nothing more changes
    client.post(f"/admin/users/{colleague.id}/protocol-access", data={"grant": "1"})
    client.post(f"/admin/users/{colleague.id}/protocol-access", data={"grant": "0"})
    session.expire_all()
    assert session.get(User, colleague.id).protocol_access is False
    events = session.scalars(select(AuditEvent).where(AuditEvent.record_type == "users",
                                                      AuditEvent.record_id == colleague.id,
                                                      AuditEvent.action == "update").order_by(AuditEvent.id)).all()
    assert [event.changes["protocol_access"] for event in events] == [[False, True], [True, False]]
    assert {event.user_id for event in events} == {admin.id}
    assert "changed the protocol and safeguarding permission of" in client.get("/audit/").text


def test_a_guest_never_gets_the_permission(client, login, make, app_ctx):
    guest = make.user("guest")
    login("admin")
    assert client.get(f"/admin/users/{guest.id}/protocol-access").status_code == 404
    assert client.post(f"/admin/users/{guest.id}/protocol-access", data={"grant": "1"}).status_code == 404
    with pytest.raises(GuestsCannotHaveIt):
        set_protocol_access(guest, True)


def test_a_tampered_grant_changes_nothing(client, login, make, session):
    colleague = make.user("viewer")
    login("admin")
    assert client.post(f"/admin/users/{colleague.id}/protocol-access", data={"grant": "yes"}).status_code == 422
    session.expire_all()
    assert session.get(User, colleague.id).protocol_access is False


# --- the retention rules ----------------------------------------------------------------------------------------

def rules(session) -> dict:
    session.expire_all()
    return {rule.field: rule.days for rule in session.scalars(select(RetentionRule))}


def test_an_admin_sets_the_days_per_field_and_blank_keeps(client, login, session):
    login("admin")
    page = client.get("/settings/retention")
    assert page.status_code == 200 and "Medical and access notes" in page.text
    response = client.post("/settings/retention", data={"seen": "", "medical_notes": "30", "passport_number": "365"})
    assert response.status_code == 302
    assert rules(session) == {"contacts.medical_notes": 30, "contacts.passport_number": 365}
    seen = "contacts.medical_notes=30;contacts.passport_number=365"
    assert f'value="{seen}"' in client.get("/settings/retention").text
    client.post("/settings/retention", data={"seen": seen, "medical_notes": "14", "vetting_result": "0"})
    assert rules(session) == {"contacts.medical_notes": 14, "helpers.vetting_result": 0}
    assert session.scalars(select(AuditEvent).where(AuditEvent.record_type == "retention_rules")).first()


def test_bad_days_are_refused_and_kept_in_the_form(client, login, session):
    login("admin")
    response = client.post("/settings/retention", data={"seen": "", "medical_notes": "-3", "dietary_needs": "ten"})
    assert response.status_code == 422
    assert 'value="-3"' in response.text and 'aria-invalid="true" id="dietary_needs"' in response.text
    assert rules(session) == {}


def test_rules_saved_by_someone_else_meanwhile_are_not_overwritten_silently(client, login, session):
    login("admin")
    client.post("/settings/retention", data={"seen": "", "medical_notes": "30"})
    # a second admin opened the page before that save: their form says there were no rules
    response = client.post("/settings/retention", data={"seen": "", "medical_notes": "90"})
    assert response.status_code == 409
    assert "Someone else saved the retention rules" in response.text and 'value="90"' in response.text
    assert rules(session) == {"contacts.medical_notes": 30}
    # saving again is a deliberate choice
    again = client.post("/settings/retention", data={"seen": "contacts.medical_notes=30", "medical_notes": "90"})
    assert again.status_code == 302 and rules(session) == {"contacts.medical_notes": 90}


# --- the purge --------------------------------------------------------------------------------------------------

def visit(session, partnership, person, *, leaves_on=None, ends_on=date(2026, 10, 1)):
    mission = TradeMission(partnership=partnership, title="Kyoto delegation", direction="inbound",
                           occurred_on=ends_on - timedelta(days=4), ends_on=ends_on)
    session.add(mission)
    session.flush()
    entry = RosterEntry(engagement_id=mission.id, contact_id=person.id, side=Side.PARTNER, leaves_on=leaves_on)
    session.add(entry)
    session.commit()
    return mission, entry


def keep(session, **days):
    for column, value in days.items():
        table = "helpers" if column == "vetting_result" else "contacts"
        session.add(RetentionRule(field=f"{table}.{column}", days=value))
    session.commit()


def test_medical_notes_go_the_day_after_their_days_have_passed_since_the_visit_ended(app_ctx, person, session):
    visit(session, person.partnership, person, leaves_on=date(2026, 3, 1))
    visit(session, person.partnership, person, ends_on=date(2026, 10, 1))  # the later visit counts
    keep(session, medical_notes=30)
    assert purge_sensitive(date(2026, 10, 31)) == 0  # the 30th day after: still kept
    assert purge_sensitive(date(2026, 11, 1)) == 1
    session.expire_all()
    saved = session.get(Contact, person.id)
    assert saved.medical_notes is None
    assert (saved.passport_number, saved.dietary_needs) == (PASSPORT, DIET)  # no rule: kept
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "purge")).one()
    assert (event.record_type, event.record_id, event.user_id) == ("contacts", person.id, None)
    assert event.changes == {"medical_notes": [MASK, None]}
    assert purge_sensitive(date(2026, 11, 2)) == 0  # idempotent: a second run finds nothing
    assert len(session.scalars(select(AuditEvent).where(AuditEvent.action == "purge")).all()) == 1


def test_the_visit_end_is_the_stay_else_the_engagement_and_a_future_visit_keeps_the_values(app_ctx, person,
                                                                                              session):
    visit(session, person.partnership, person, leaves_on=None, ends_on=date(2026, 9, 1))  # the mission's end
    keep(session, passport_number=10)
    assert [d.fields for d in due_for_purge(date(2026, 9, 12))] == [["passport_number"]]
    visit(session, person.partnership, person, ends_on=TODAY + timedelta(days=60))  # coming again
    assert due_for_purge(date(2026, 9, 12)) == []


def test_a_person_on_no_roster_counts_from_the_last_change_of_their_record(app_ctx, make, person, session):
    person.updated_at = datetime(2026, 1, 10, 20, 0, tzinfo=UTC)  # 10 January at the office (Pacific time)
    session.commit()
    keep(session, dietary_needs=7, date_of_birth=365)
    assert due_for_purge(date(2026, 1, 17)) == []
    purged = purge_sensitive(date(2026, 1, 18))
    assert purged == 1
    session.expire_all()
    saved = session.get(Contact, person.id)
    assert saved.dietary_needs is None and saved.date_of_birth == date(1931, 7, 29)
    # the purge is no change by a person: the day it counts from stays, so the next field goes on time
    assert saved.updated_at == datetime(2026, 1, 10, 20, 0, tzinfo=UTC)
    assert purge_sensitive(date(2027, 1, 11)) == 1
    session.expire_all()
    assert session.get(Contact, person.id).date_of_birth is None


def test_a_form_opened_before_the_purge_cannot_write_the_value_back(client, login, make, person, session):
    login(protocol_officer(make))
    opened_version = person.version
    keep(session, medical_notes=0)
    with client.application.app_context():
        purge_sensitive(TODAY)
        from crm.extensions import db
        db.session.commit()
    response = client.post(f"/contacts/{person.id}/edit", data={
        "version": opened_version, "partnership_id": person.partnership_id, "side": "partner",
        "name": "Hanako Yamada", "visibility": "shared", "passport_number": PASSPORT, "medical_notes": MEDICAL,
        "dietary_needs": DIET, "date_of_birth": "1931-07-29"})
    assert response.status_code == 409
    session.expire_all()
    assert session.get(Contact, person.id).medical_notes is None


def test_a_hosts_vetting_result_counts_from_the_later_of_the_last_placement_and_the_vetting_expiry(
        app_ctx, make, person, session):
    host = make.contact(person.partnership, name="Tanaka household", side=Side.HOME)
    helper = Helper(contact_id=host.id, kind=HelperKind.HOUSEHOLD, vetting_result="Cleared, SENSITIVE-VET-5",
                    vetting_expires_on=date(2026, 6, 30))
    session.add(helper)
    session.flush()
    mission, entry = visit(session, person.partnership, person, leaves_on=date(2026, 8, 20))
    session.add(Placement(engagement_id=mission.id, roster_entry_id=entry.id, helper_id=helper.id))
    session.commit()
    keep(session, vetting_result=30)
    assert due_for_purge(date(2026, 9, 19)) == []  # 30 days after the placement ended
    due = due_for_purge(date(2026, 9, 20))
    assert [(d.table, d.record_id, d.fields) for d in due] == [("helpers", helper.id, ["vetting_result"])]
    helper.vetting_expires_on = date(2027, 6, 30)  # renewed: kept while the vetting holds
    session.commit()
    assert due_for_purge(date(2026, 9, 20)) == []
    assert purge_sensitive(date(2027, 7, 31)) == 1
    session.expire_all()
    assert session.get(Helper, helper.id).vetting_result is None


def test_a_deleted_visit_still_counts(app_ctx, person, session):
    mission, _entry = visit(session, person.partnership, person, ends_on=TODAY + timedelta(days=30))
    session.get(Engagement, mission.id).deleted_at = datetime(2026, 11, 1, tzinfo=UTC)
    session.commit()
    keep(session, medical_notes=1)
    assert due_for_purge(TODAY) == []


def test_the_nightly_purge_and_the_command_purge_sensitive_values_too(app, person, session):
    keep(session, medical_notes=0, passport_number=0)
    result = app.test_cli_runner().invoke(args=["crm", "purge-deleted"])
    assert "Purged 2 sensitive values past their retention." in result.output
    session.expire_all()
    assert session.get(Contact, person.id).passport_number is None
    with app.app_context():
        from crm.trash.tasks import purge_deleted

        assert purge_deleted({})["sensitive_values"] == 0


def test_the_audit_trail_says_what_was_purged_not_what_it_held(client, login, person, session):
    keep(session, medical_notes=0)
    with client.application.app_context():
        purge_sensitive(TODAY)
        from crm.extensions import db
        db.session.commit()
    login("admin")
    page = client.get("/audit/")
    assert "purged the medical and access notes of" in page.text
    assert MEDICAL not in page.text


def test_an_admin_purges_at_once_after_confirming(client, login, person, session):
    keep(session, medical_notes=0)
    login("admin")
    page = client.get("/settings/retention")
    assert "1 value is past its retention now" in page.text
    assert client.get("/settings/retention/purge").status_code == 200
    response = client.post("/settings/retention/purge", follow_redirects=True)
    assert "1 sensitive value was purged." in response.text
    session.expire_all()
    assert session.get(Contact, person.id).medical_notes is None
    assert "Nothing is past its retention today." in client.get("/settings/retention").text


def test_the_demo_admin_is_the_protocol_officer_and_some_people_have_sensitive_values(app, session):
    result = app.test_cli_runner().invoke(args=["crm", "seed-demo"])
    assert result.exit_code == 0, result.output
    holders = session.scalars(select(User.email).where(User.protocol_access)).all()
    assert holders == ["admin@demo.example"]
    assert session.scalar(select(Contact.id).where(Contact.passport_number.is_not(None),
                                                   Contact.medical_notes.is_not(None)).limit(1)) is not None
    assert {rule.field for rule in session.scalars(select(RetentionRule))} >= {"contacts.medical_notes"}

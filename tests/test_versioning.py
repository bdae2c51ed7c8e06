"""No lost updates: the second of two people editing the same record is told, not overwritten."""
import re

from crm.contacts.models import Contact
from crm.partnerships.models import Partnership


def partnership_form(partnership, **changes):
    data = {"home_city_id": partnership.home_city_id, "partner_city": "Kyoto",
            "partner_city-ref": f"city:{partnership.partner_city_id}", "kind": "sister_city", "status": "active",
            "liaison_id": 0, "threshold_months": "", "summary": "", "staff_notes": ""}
    data.update(changes)
    return data


def test_the_second_save_of_the_same_version_is_refused_with_what_changed(app, client, login, make, session):
    partnership = make.partnership(partner=make.city("Kyoto"))
    login("coordinator")
    version = re.search(r'name="version" type="hidden" value="(\d+)"',
                        client.get(f"/partnerships/{partnership.id}/edit").text).group(1)
    other = app.test_client()
    with other.session_transaction() as flask_session:
        flask_session["_user_id"] = make.user("coordinator").get_id()
    # the other person saves first
    assert other.post(f"/partnerships/{partnership.id}/edit",
                      data=partnership_form(partnership, version=version, status="suspended")).status_code == 302
    # then we save, based on the version we opened
    mine = partnership_form(partnership, version=version, summary="My careful summary")
    response = client.post(f"/partnerships/{partnership.id}/edit", data=mine)
    assert response.status_code == 409
    assert "Someone else saved changes" in response.text and "Suspended" in response.text
    assert "My careful summary" in response.text  # our input is kept
    session.expire_all()
    stored = session.get(Partnership, partnership.id)
    assert stored.status.value == "suspended" and stored.summary is None  # nothing overwritten
    # saving again (now on top of their version) is a deliberate choice and works
    newer = re.search(r'name="version" type="hidden" value="(\d+)"', response.text).group(1)
    again = client.post(f"/partnerships/{partnership.id}/edit",
                        data=partnership_form(partnership, version=newer, summary="My careful summary"))
    assert again.status_code == 302
    session.expire_all()
    assert session.get(Partnership, partnership.id).summary == "My careful summary"


def test_contacts_are_versioned_too(client, login, make, session):
    login("coordinator")
    partnership = make.partnership()
    contact = make.contact(partnership, name="Ana")
    contact.name = "Ana María"  # someone else's change: version 1 → 2
    session.commit()
    response = client.post(f"/contacts/{contact.id}/edit", data={
        "partnership_id": partnership.id, "side": "partner", "name": "Ana Lopez", "organization_id": 0,
        "language": "", "visibility": "shared", "version": "1"})
    assert response.status_code == 409 and "Ana María" in response.text
    session.expire_all()
    assert session.get(Contact, contact.id).name == "Ana María"


def test_missions_exchanges_and_projects_share_the_engagement_version(client, login, make, session):
    from datetime import date

    from crm.programs.missions.models import TradeMission

    login("coordinator")
    partnership = make.partnership()
    mission = TradeMission(partnership=partnership, title="Original", direction="outbound",
                           occurred_on=date(2026, 3, 9), ends_on=date(2026, 3, 11))
    session.add(mission)
    session.commit()
    mission.title = "Changed by someone else"
    session.commit()
    response = client.post(f"/missions/{mission.id}/edit", data={
        "title": "Mine", "direction": "outbound", "starts_on": "2026-03-09", "ends_on": "2026-03-11",
        "lead_id": 0, "visibility": "shared", "destination": "", "destination-ref": "", "version": "1"})
    assert response.status_code == 409 and "Changed by someone else" in response.text
    session.expire_all()
    assert session.get(TradeMission, mission.id).title == "Changed by someone else"


def test_milestones_itinerary_items_cities_and_settings_are_versioned(client, login, make, session):
    from datetime import UTC, date, datetime

    from crm.cities.models import City
    from crm.programs.missions.models import ItineraryItem, TradeMission
    from crm.programs.projects.models import JointProject, Milestone
    from crm.settings.models import OfficeSettings

    partnership = make.partnership(partner=make.city("Kyoto", timezone="Asia/Tokyo"))
    project = JointProject(partnership=partnership, title="Flood", theme="sustainability", status="active",
                           occurred_on=date(2025, 1, 1))
    mission = TradeMission(partnership=partnership, title="Ports", direction="outbound",
                           occurred_on=date(2026, 3, 9), ends_on=date(2026, 3, 11))
    session.add_all([project, mission])
    session.flush()
    milestone = Milestone(project_id=project.id, title="Study", due_on=date(2025, 6, 1))
    item = ItineraryItem(mission_id=mission.id, starts_at=datetime(2026, 3, 9, 0, tzinfo=UTC),
                         ends_at=datetime(2026, 3, 9, 1, tzinfo=UTC), timezone="Asia/Tokyo", title="Harbour")
    session.add_all([milestone, item])
    session.commit()
    settings = session.get(OfficeSettings, 1)
    # someone else changes each of them: version 1 → 2
    milestone.title, item.title = "Study (theirs)", "Harbour (theirs)"
    partnership.partner_city.name = "Kyōto"
    settings.office_name = "Office (theirs)"
    session.commit()
    login("admin")
    cases = [
        (f"/milestones/{milestone.id}/edit", {"title": "Mine", "due_on": "2025-06-01", "version": "1"},
         "Study (theirs)"),
        (f"/itinerary/{item.id}/edit", {"day": "2026-03-09", "starts": "09:00", "ends": "10:00",
                                        "timezone": "Asia/Tokyo", "title": "Mine", "contact_id": 0,
                                        "version": "1"}, "Harbour (theirs)"),
        (f"/cities/{partnership.partner_city_id}/edit", {"name": "Mine", "country_code": "JP", "version": "1"},
         "Kyōto"),
        ("/settings/", {"office_name": "Mine", "threshold_months": "12",
                        "default_home_city_id": partnership.home_city_id, "version": "1"}, "Office (theirs)"),
    ]
    for url, data, theirs in cases:
        response = client.post(url, data=data)
        assert response.status_code == 409, url
        assert "Someone else saved changes" in response.text and theirs in response.text, url
        assert 'value="Mine"' in response.text, url  # what was typed is kept
    session.expire_all()
    assert session.get(Milestone, milestone.id).title == "Study (theirs)"
    assert session.get(ItineraryItem, item.id).title == "Harbour (theirs)"
    assert session.get(City, partnership.partner_city_id).name == "Kyōto"
    assert session.get(OfficeSettings, 1).office_name == "Office (theirs)"


def test_logging_engagements_does_not_count_as_editing_the_settings(client, login, make, session):
    from crm.settings.models import OfficeSettings

    partnership = make.partnership()
    settings = session.get(OfficeSettings, 1)
    version = settings.version
    login("coordinator")
    client.post(f"/partnerships/{partnership.id}/engagements", data={
        "kind": "call", "occurred_on": "2026-01-05", "title": "Call", "substantive": "yes",
        "visibility": "shared", "initiated_by": "home"})
    session.expire_all()
    assert session.get(OfficeSettings, 1).version == version  # the activity stamp moved past the ORM


def test_two_people_editing_the_same_agreement_text_do_not_replace_each_other(app, client, login, make, session):
    from crm.agreements.models import Agreement, AgreementText

    partnership = make.partnership(partner=make.city("Kyoto"))
    agreement = Agreement(partnership=partnership, kind="sister_city", title="Friendship", status="draft")
    agreement.texts.append(AgreementText(language="ja", title="友好協定", body="両市は友好を深める。"))
    session.add(agreement)
    session.commit()
    text = agreement.texts[0]
    login("coordinator")
    form = client.get(f"/agreement-texts/{text.id}/edit").text
    version = re.search(r'name="version" type="hidden" value="(\d+)"', form).group(1)
    other = app.test_client()
    with other.session_transaction() as flask_session:
        flask_session["_user_id"] = make.user("coordinator").get_id()
    # the other person saves first
    assert other.post(f"/agreement-texts/{text.id}/edit", data={
        "language": "ja", "title": "友好協定", "body": "両市は友好と交流を深める。", "version": version}).status_code == 302
    # then we save, based on the version we opened
    mine = {"language": "ja", "title": "姉妹都市協定", "body": "私の丁寧な訳文。", "version": version}
    response = client.post(f"/agreement-texts/{text.id}/edit", data=mine)
    assert response.status_code == 409
    assert "Someone else saved changes" in response.text and "両市は友好と交流を深める。" in response.text
    assert "私の丁寧な訳文。" in response.text and 'value="姉妹都市協定"' in response.text  # our input is kept
    session.expire_all()
    stored = session.get(AgreementText, text.id)
    assert stored.body == "両市は友好と交流を深める。" and stored.title == "友好協定"  # nothing overwritten
    # saving again (now on top of their version) is a deliberate choice and works
    newer = re.search(r'name="version" type="hidden" value="(\d+)"', response.text).group(1)
    assert newer != version
    again = client.post(f"/agreement-texts/{text.id}/edit", data={**mine, "version": newer})
    assert again.status_code == 302
    session.expire_all()
    assert session.get(AgreementText, text.id).body == "私の丁寧な訳文。"


def test_two_admins_setting_a_home_citys_threshold_do_not_replace_each_other(app, client, login, make, session):
    from crm.settings.models import HomeCity

    eugene = make.home_city("Eugene", default=False)
    login("admin")
    page = client.get("/settings/").text
    version = re.search(rf'home-cities/{eugene.id}/threshold.*?name="version" value="(\d+)"', page, re.DOTALL).group(1)
    other = app.test_client()
    with other.session_transaction() as flask_session:
        flask_session["_user_id"] = make.user("admin").get_id()
    assert other.post(f"/settings/home-cities/{eugene.id}/threshold",
                      data={"threshold_months": "24", "version": version}).status_code == 302
    response = client.post(f"/settings/home-cities/{eugene.id}/threshold",
                           data={"threshold_months": "6", "version": version})
    assert response.status_code == 409
    row = response.text.split(f'id="threshold-{eugene.id}"')[0].rsplit('class="home-city-row"', 1)[1]
    assert "Someone else saved changes" in row and "24" in row  # theirs, on the row it concerns
    assert 'value="6"' in response.text.split(f'id="threshold-{eugene.id}"')[1].split(">")[0]  # ours is kept
    session.expire_all()
    assert session.get(HomeCity, eugene.id).threshold_months == 24
    newer = re.search(rf'home-cities/{eugene.id}/threshold.*?name="version" value="(\d+)"', response.text,
                      re.DOTALL).group(1)
    assert client.post(f"/settings/home-cities/{eugene.id}/threshold",
                       data={"threshold_months": "6", "version": newer}).status_code == 302
    session.expire_all()
    assert session.get(HomeCity, eugene.id).threshold_months == 6


def no_version_needed() -> dict:
    """{model: why people cannot lose an update to it}: every other mapped model carries a version."""
    from crm.agreements.models import AgreementApproval, Signatory, TextProposal
    from crm.api.models import ApiToken
    from crm.attachments.models import Attachment
    from crm.audit.models import AuditEvent
    from crm.auth.models import PasswordReset, User, UserSession
    from crm.governance.models import ObjectiveLink, ReminderLeadTime, ReminderSent
    from crm.guests.models import GuestAccess, Invitation
    from crm.imports.models import ImportJob
    from crm.jobs.models import Job
    from crm.partnerships.models import PartnershipPriority
    from crm.programs.missions.models import Delegate, ItineraryComment, MissionOutcome
    from crm.settings.models import ActivityChange, RetentionRule
    from crm.users.models import StaffInvitation
    from crm.wikidata.models import WikidataComparison

    return {
        WikidataComparison: "written by its upload and, for a large file, once more by the one background job "
                            "that holds the job's lease (crm.jobs claims it by a conditional UPDATE); people never "
                            "edit it",
        ActivityChange: "append-only: one row per move of the activity stamp, written past the ORM in the "
                        "transaction of the change it records, never edited",
        AuditEvent: "append-only: each event is written once, in the transaction it records, and never changed",
        PasswordReset: "a one-time token, used by a conditional UPDATE (WHERE used_at IS NULL); never edited",
        Invitation: "accepted by a conditional UPDATE (WHERE accepted_at IS NULL); otherwise renewed as a new "
                    "token or revoked, never edited in a form",
        Job: "claimed, settled and handed over by conditional UPDATEs (WHERE status = ... AND lease = ...); "
             "people never edit it",
        ImportJob: "moved from state to state by conditional UPDATEs (claimed WHERE status = ...); people never "
                   "edit its fields",
        ApiToken: "created and revoked, never edited; a second revocation changes nothing anyone relies on",
        GuestAccess: "created by accepting an invitation (itself claimed atomically) and switched off; no form "
                     "edits it",
        Attachment: "a stored file is uploaded, deleted and restored (restoring is claimed atomically), never edited",
        Signatory: "added to and removed from an agreement's page, never edited",
        Delegate: "added to and removed from a mission's page, never edited",
        RetentionRule: "one row per sensitive field, keyed by the field: the admin's retention form writes each "
                       "field's days as a whole (an upsert), with nothing else in the row to lose",
        MissionOutcome: "added to and removed from a mission's page, never edited",
        ItineraryComment: "a guest's comment is added, never edited",
        PartnershipPriority: "a partnership's priorities, rewritten only by the partnership's own versioned save",
        User: "an account is edited only by its owner (profile, language, password, two-factor) and stamped by each "
              "sign-in; admins change only its role or active flag, one field per confirmed action, on a fresh read "
              "under a row lock (crm.users.offboarding). A version would make two tabs' sign-ins refuse each other",
        UserSession: "a signed-in session: created at sign-in, its last use stamped, and ended by conditional "
                     "UPDATEs (WHERE revoked_at IS NULL); never edited in a form",
        StaffInvitation: "accepted by a conditional UPDATE (WHERE accepted_at IS NULL); otherwise withdrawn, never "
                         "edited in a form",
        AgreementApproval: "recorded once by a side's approval, and withdrawn only by the flush that changes a text; "
                           "never edited in a form",
        TextProposal: "written once by the partner; accepted, declined or withdrawn by a conditional UPDATE (WHERE "
                      "status = 'open'), never edited",
        ObjectiveLink: "ties a record to an objective: added and removed, never edited (one row per pair, unique)",
        ReminderLeadTime: "a chosen lead time is a key (kind, days): the settings page adds and removes keys, never "
                          "edits a row",
        ReminderSent: "append-only: one row per reminder sent, inserted with its mail job under a unique key",
    }


def test_every_model_people_edit_has_a_version_or_a_written_reason():
    """Derived from the mapper registry, so a new model fails here until it is versioned or explained."""
    from crm.extensions import db

    reasons = no_version_needed()
    mappers = {mapper.class_: mapper for mapper in db.Model.registry.mappers}
    unversioned = {cls.__name__ for cls, mapper in mappers.items()
                   if mapper.version_id_col is None and cls not in reasons}
    assert not unversioned, f"give these a version (crm.versioning) or a reason in no_version_needed(): {unversioned}"
    stale = {cls.__name__ for cls in reasons if cls not in mappers or mappers[cls].version_id_col is not None}
    assert not stale, f"versioned now, or gone: take them out of no_version_needed(): {stale}"
    assert all(len(reason) > 30 for reason in reasons.values())
    for cls, mapper in mappers.items():
        if mapper.version_id_col is not None:  # the column the forms carry, as every conflict page expects
            assert mapper.version_id_col.name == "version", cls.__name__


def test_a_guest_saving_their_details_does_not_undo_a_staff_edit_of_their_contact(client, login, make, session):
    from crm.contacts.models import Contact
    from crm.guests.models import GuestAccess

    partnership = make.partnership(partner=make.city("Kyoto"))
    contact = make.contact(partnership, name="Hanako Yamada", phone="+81 75 111", email="hanako@kyoto.example")
    guest = make.user("guest", email="hanako@kyoto.example", name="Hanako Yamada")
    session.add(GuestAccess(user=guest, partnership=partnership, contact=contact))
    session.commit()
    login(guest)
    page = client.get("/portal/profile").text
    version = re.search(r'name="version" type="hidden" value="([^"]*)"', page).group(1)
    assert version == f"{contact.id}:1"
    contact.phone = "+81 75 222 (switchboard)"  # staff correct the phone meanwhile: version 1 → 2
    session.commit()
    mine = {"name": "Hanako Yamada", "job_title": "Director", "phone": "+81 75 111", "language": "en",
            "timezone": "Asia/Tokyo", "version": version}
    response = client.post("/portal/profile", data=mine)
    assert response.status_code == 409
    assert "Someone else saved changes" in response.text and "+81 75 222 (switchboard)" in response.text
    assert 'value="Director"' in response.text  # what the guest typed is kept
    session.expire_all()
    assert session.get(Contact, contact.id).phone == "+81 75 222 (switchboard)" and \
        session.get(Contact, contact.id).job_title is None  # nothing overwritten
    newer = re.search(r'name="version" type="hidden" value="([^"]*)"', response.text).group(1)
    assert client.post("/portal/profile", data={**mine, "version": newer}).status_code == 302
    session.expire_all()
    assert session.get(Contact, contact.id).job_title == "Director"

"""Smaller defects of issue 17: the agreement text's language, the Renews labels, the currency list, the
invitation result page (redirect after POST, link shown once, copy button) and undoing one's own deletion."""
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from crm.agreements.models import Agreement, AgreementStatus, AgreementText
from crm.attachments.models import Attachment
from crm.engagements.models import Engagement
from crm.guests.models import Invitation
from crm.programs.missions.models import TradeMission
from crm.programs.projects.models import JointProject
from crm.users.models import StaffInvitation

LINK = re.compile(r'value="(http[^"]+/(?:invitations|join)/[^"]+)"')


@pytest.fixture
def outbox(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_OUTBOX", str(tmp_path))
    monkeypatch.setitem(app.config, "MAIL_SERVER", None)
    return tmp_path


def selected(html: str, field: str) -> str | None:
    """The value of the selected option of a select."""
    select_html = re.search(rf'<select[^>]*name="{field}".*?</select>', html, re.S).group(0)
    found = re.search(r'<option([^>]*)\bselected\b([^>]*)>', select_html)
    return re.search(r'value="([^"]*)"', found.group(0)).group(1) if found else None


def option_values(html: str, field: str) -> list[str]:
    select_html = re.search(rf'<select[^>]*name="{field}".*?</select>', html, re.S).group(0)
    return re.findall(r'<option[^>]*value="([^"]*)"', select_html)


# -- the agreement text's language -------------------------------------------------------------------------

def test_a_new_text_starts_in_the_partners_language_then_the_offices(client, login, make, session):
    partnership = make.partnership(partner=make.city("Kyoto", country_code="JP"))
    agreement = Agreement(partnership=partnership, kind="mou", title="Friendship", status="draft")
    session.add(agreement)
    session.commit()
    login("coordinator")
    page = client.get(f"/agreements/{agreement.id}/texts/new").text
    assert selected(page, "language") == "ja"  # not Amharic, the first of the list
    agreement.texts.append(AgreementText(language="ja", body="友好"))
    session.commit()
    page = client.get(f"/agreements/{agreement.id}/texts/new").text
    assert selected(page, "language") == "en"  # the office's (Portland, US)
    # what the user chose stays chosen when the form comes back with an error
    page = client.post(f"/agreements/{agreement.id}/texts/new", data={"language": "fr", "body": ""}).text
    assert selected(page, "language") == "fr"


def test_a_partner_in_taiwan_gets_traditional_chinese(client, login, make, session):
    partnership = make.partnership(partner=make.city("Taipei", country_code="TW"))
    agreement = Agreement(partnership=partnership, kind="mou", title="Friendship", status="draft")
    session.add(agreement)
    session.commit()
    login("coordinator")
    assert selected(client.get(f"/agreements/{agreement.id}/texts/new").text, "language") == "zh_Hant"


# -- the Renews select --------------------------------------------------------------------------------------

def test_renews_shows_the_date_beside_identical_titles(client, login, make, session):
    partnership = make.partnership()
    session.add_all([
        Agreement(partnership=partnership, kind="sister_city", title="Friendship agreement",
                  status=AgreementStatus.RENEWED, signed_on=date(2009, 5, 12)),
        Agreement(partnership=partnership, kind="renewal", title="Friendship agreement",
                  status=AgreementStatus.SIGNED, signed_on=date(2019, 5, 12)),
        Agreement(partnership=partnership, kind="mou", title="Youth exchange MoU", status=AgreementStatus.SIGNED,
                  signed_on=date(2020, 1, 2)),
    ])
    session.commit()
    login("coordinator")
    page = client.get(f"/partnerships/{partnership.id}/agreements/new").text
    assert "Friendship agreement (signed May 12, 2009)" in page
    assert "Friendship agreement (signed May 12, 2019)" in page
    assert ">Youth exchange MoU</option>" in page  # a title of its own needs no date


# -- the currency select -------------------------------------------------------------------------------------

def test_the_currency_select_lists_current_currencies_the_offices_and_partners_first(client, login, make,
                                                                                     session):
    partnership = make.partnership(partner=make.city("Kyoto", country_code="JP"))
    login("coordinator")
    page = client.get(f"/partnerships/{partnership.id}/projects/new").text
    codes = option_values(page, "currency")
    assert codes[:3] == ["", "USD", "JPY"]  # the office's (Portland), then the partner's
    assert "EUR" in codes and "GBP" in codes
    for obsolete in ("DEM", "FRF", "ITL", "ESP", "HRK", "XTS", "XXX", "XAU"):
        assert obsolete not in codes
    assert len(codes) < 200  # not Babel's 307 codes
    assert "USD – US Dollar" in page


def test_the_outcome_form_of_a_mission_puts_its_partners_currency_near_the_top(client, login, make, session):
    partnership = make.partnership(partner=make.city("Hamburg", country_code="DE", timezone="Europe/Berlin"))
    mission = TradeMission(partnership=partnership, title="Port mission", direction="outbound",
                           occurred_on=date(2026, 3, 1), ends_on=date(2026, 3, 3))
    session.add(mission)
    session.commit()
    login("coordinator")
    assert option_values(client.get(f"/missions/{mission.id}").text, "currency")[:3] == ["", "USD", "EUR"]
    response = client.post(f"/missions/{mission.id}/outcomes", data={
        "kind": "deal", "description": "Deal", "amount": "10", "currency": "DEM"})
    assert response.status_code == 422  # an obsolete code is not a choice


def test_a_budget_stored_in_an_obsolete_currency_can_still_be_edited(client, login, make, session):
    partnership = make.partnership(partner=make.city("Bonn", country_code="DE", timezone="Europe/Berlin"))
    project = JointProject(partnership=partnership, title="Old project", theme="health",
                           occurred_on=date(1999, 1, 1), budget_minor=100000, budget_currency="DEM")
    session.add(project)
    session.commit()
    login("coordinator")
    page = client.get(f"/projects/{project.id}/edit").text
    assert selected(page, "currency") == "DEM"


# -- the invitation result page ----------------------------------------------------------------------------

def test_reloading_the_guest_invitation_result_sends_nothing_and_shows_the_link_once(client, login, make,
                                                                                       session, outbox):
    partnership = make.partnership()
    contact = make.contact(partnership, name="Hanako", email="hanako@kyoto.example")
    login("coordinator")
    response = client.post(f"/partnerships/{partnership.id}/invitations", data={"contact_id": contact.id})
    invitation = session.scalars(select(Invitation)).one()
    assert response.status_code == 303
    assert response.headers["Location"] == f"/invitations/{invitation.id}/sent"  # no token in the address
    first = client.get(response.headers["Location"])
    link = LINK.search(first.text).group(1)
    assert link.rsplit("/", 1)[1] not in response.headers["Location"]
    assert 'data-copy="invitation-link"' in first.text and 'aria-live="polite"' in first.text
    assert "js/copy.js" in first.text
    again = client.get(response.headers["Location"])  # a reload
    assert again.status_code == 200 and link not in again.text and 'id="invitation-link"' not in again.text
    assert "resend the invitation" in again.text
    assert len(list(outbox.glob("*.eml"))) == 1
    assert session.scalar(select(func.count()).select_from(Invitation)) == 1


def test_resending_also_redirects(client, login, make, session, outbox):
    partnership = make.partnership()
    contact = make.contact(partnership, name="Hanako", email="hanako@kyoto.example")
    login("coordinator")
    old = LINK.search(client.post(f"/partnerships/{partnership.id}/invitations", data={"contact_id": contact.id},
                                  follow_redirects=True).text).group(1)
    invitation = session.scalars(select(Invitation)).one()
    response = client.post(f"/invitations/{invitation.id}/resend")
    assert response.status_code == 303
    new = LINK.search(client.get(response.headers["Location"]).text).group(1)
    assert new != old
    client.get(response.headers["Location"])
    assert len(list(outbox.glob("*.eml"))) == 2


def test_the_link_of_one_invitation_is_not_shown_on_anothers_page(client, login, make, session, outbox):
    partnership = make.partnership()
    first = make.contact(partnership, name="Hanako", email="hanako@kyoto.example")
    second = make.contact(partnership, name="Taro", email="taro@kyoto.example")
    login("coordinator")
    client.post(f"/partnerships/{partnership.id}/invitations", data={"contact_id": first.id})
    other = client.post(f"/partnerships/{partnership.id}/invitations", data={"contact_id": second.id})
    taro = session.scalars(select(Invitation).where(Invitation.email == "taro@kyoto.example")).one()
    hanako = session.scalars(select(Invitation).where(Invitation.email == "hanako@kyoto.example")).one()
    assert LINK.search(client.get(f"/invitations/{hanako.id}/sent").text) is None
    assert LINK.search(client.get(other.headers["Location"]).text) is not None
    assert other.headers["Location"] == f"/invitations/{taro.id}/sent"


def test_reloading_the_staff_invitation_result_sends_nothing_and_shows_the_link_once(client, login, session,
                                                                                       outbox):
    login("admin")
    response = client.post("/admin/users/invite", data={"email": "new.staff@example.org", "role": "viewer"})
    invitation = session.scalars(select(StaffInvitation)).one()
    assert response.status_code == 303
    assert response.headers["Location"] == f"/admin/users/invitations/{invitation.id}/sent"
    first = client.get(response.headers["Location"])
    assert "/join/" in LINK.search(first.text).group(1) and 'data-copy="invitation-link"' in first.text
    again = client.get(response.headers["Location"])
    assert again.status_code == 200 and "/join/" not in again.text
    assert len(list(outbox.glob("*.eml"))) == 1
    assert session.scalar(select(func.count()).select_from(StaffInvitation)) == 1


# -- undoing one's own deletion ------------------------------------------------------------------------------

def undo_link(html: str) -> str:
    return re.search(r'<a href="(/deleted/[^"]+/undo[^"]*)">Undo</a>', html).group(1).replace("&amp;", "&")


def is_deleted(session, model, record_id) -> bool:
    session.expire_all()
    return session.scalar(select(model.deleted_at).where(model.id == record_id)
                          .execution_options(include_deleted=True)) is not None


def test_the_coordinator_who_deleted_an_engagement_undoes_it_within_ten_minutes(client, login, make, session):
    partnership = make.partnership()
    engagement = make.engagement(partnership, title="Port authority visit")
    login("coordinator")
    page = client.post(f"/engagements/{engagement.id}/delete", follow_redirects=True).text
    assert "“Port authority visit” was deleted." in page and "Deleted by mistake?" in page
    link = undo_link(page)
    assert is_deleted(session, Engagement, engagement.id)
    assert "Undo the deletion of “Port authority visit”?" in client.get(link).text
    done = client.post(link, follow_redirects=True)
    assert "“Port authority visit” was restored." in done.text
    assert f"/engagements/{engagement.id}/edit" in done.text  # back on the partnership page, in place again
    assert not is_deleted(session, Engagement, engagement.id)
    # a second click finds it back in place
    assert "was already restored" in client.post(link, follow_redirects=True).text


def test_undo_is_refused_after_ten_minutes_and_for_someone_else(client, login, make, session, clock):
    partnership = make.partnership()
    engagement = make.engagement(partnership, title="Port authority visit")
    deleter = login("coordinator")
    link = undo_link(client.post(f"/engagements/{engagement.id}/delete", follow_redirects=True).text)
    login("coordinator")  # another coordinator
    assert client.get(link).status_code == 403
    assert client.post(link).status_code == 403
    assert is_deleted(session, Engagement, engagement.id)
    login(deleter)
    clock.shift(timedelta(minutes=11))
    refused = client.post(link, follow_redirects=True)
    assert "can no longer be undone here" in refused.text
    assert is_deleted(session, Engagement, engagement.id)
    # the admins' restore still works for 30 days
    login("admin")
    client.post(f"/admin/deleted/engagements/{engagement.id}/restore")
    assert not is_deleted(session, Engagement, engagement.id)


def test_a_deleted_program_and_a_deleted_document_can_be_undone(client, login, make, session, tmp_path, app,
                                                                 monkeypatch):
    monkeypatch.setitem(app.config, "ATTACHMENTS_DIR", str(tmp_path))
    partnership = make.partnership()
    project = JointProject(partnership=partnership, title="Clean harbour", theme="health",
                           occurred_on=date(2025, 1, 1))
    engagement = make.engagement(partnership, title="Meeting")
    attachment = Attachment(partnership_id=partnership.id, engagement_id=engagement.id, filename="minutes.pdf",
                            stored_name="z".ljust(32, "0"), content_type="application/pdf", size=1, sha256="0" * 64)
    session.add_all([project, attachment])
    session.commit()
    login("coordinator")
    link = undo_link(client.post(f"/projects/{project.id}/delete", follow_redirects=True).text)
    client.post(link)
    assert not is_deleted(session, Engagement, project.id)
    link = undo_link(client.post(f"/attachments/{attachment.id}/delete", follow_redirects=True).text)
    assert link.startswith(f"/deleted/documents/{attachment.id}/undo")
    assert "“minutes.pdf” was restored." in client.post(link, follow_redirects=True).text
    assert not is_deleted(session, Attachment, attachment.id)


def test_viewers_cannot_undo(client, login, make, session):
    partnership = make.partnership()
    engagement = make.engagement(partnership, title="Visit")
    login("coordinator")
    link = undo_link(client.post(f"/engagements/{engagement.id}/delete", follow_redirects=True).text)
    login("viewer")
    assert client.post(link).status_code == 403
    assert is_deleted(session, Engagement, engagement.id)

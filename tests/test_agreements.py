from datetime import date, timedelta

import pytest

from crm.agreements import lifecycle
from crm.agreements.models import Agreement, AgreementKind, AgreementStatus, AgreementText, Signatory
from crm.engagements.models import Engagement, EngagementKind

S = AgreementStatus


@pytest.mark.parametrize("current, target, allowed", [
    (S.DRAFT, S.IN_NEGOTIATION, True), (S.DRAFT, S.SIGNED, False), (S.IN_NEGOTIATION, S.SIGNED, True),
    (S.IN_NEGOTIATION, S.DRAFT, True), (S.SIGNED, S.EXPIRED, True), (S.SIGNED, S.TERMINATED, True),
    (S.SIGNED, S.RENEWED, False), (S.SIGNED, S.DRAFT, False), (S.EXPIRED, S.SIGNED, False),
    (S.TERMINATED, S.SIGNED, False), (S.RENEWED, S.SIGNED, False), (S.DRAFT, S.EXPIRED, False),
])
def test_lifecycle_allows_only_its_moves(current, target, allowed):
    assert lifecycle.can_move(current, target) is allowed


def test_expiring_means_signed_and_within_ninety_days():
    today = date(2026, 1, 1)
    assert lifecycle.is_expiring(S.SIGNED, today + timedelta(days=90), today)
    assert not lifecycle.is_expiring(S.SIGNED, today + timedelta(days=91), today)
    assert not lifecycle.is_expiring(S.SIGNED, today - timedelta(days=1), today)
    assert not lifecycle.is_expiring(S.DRAFT, today + timedelta(days=10), today)
    assert not lifecycle.is_expiring(S.SIGNED, None, today)


@pytest.fixture
def agreement(make, session):
    partnership = make.partnership(partner=make.city("Kyoto", "京都市"))
    agreement = Agreement(partnership=partnership, kind=AgreementKind.SISTER_CITY, title="Sister city agreement")
    session.add(agreement)
    session.commit()
    return agreement


def test_coordinator_records_a_bilingual_agreement(client, login, make, session):
    login("coordinator")
    partnership = make.partnership(partner=make.city("Kyoto", "京都市"))
    response = client.post(f"/partnerships/{partnership.id}/agreements/new", data={
        "title": "Sister city agreement", "kind": "sister_city", "renews_id": 0, "signed_at": "",
        "effective_from": "2026-05-12", "expires_on": "2031-05-11", "notes": ""})
    assert response.status_code == 302
    agreement = session.query(Agreement).one()
    assert agreement.status == S.DRAFT
    for language, title, body in [("ja", "姉妹都市提携協定", "両市は友好を深める。"),
                                  ("en", "Sister City Agreement", "The two cities deepen their friendship.")]:
        assert client.post(f"/agreements/{agreement.id}/texts/new",
                           data={"language": language, "title": title, "body": body}).status_code == 302
    client.post(f"/agreements/{agreement.id}/signatories",
                data={"side": "partner", "name": "松井 孝治", "title": "京都市長", "city": "京都市"})
    client.post(f"/agreements/{agreement.id}/signatories",
                data={"side": "home", "name": "Keith Wilson", "title": "Mayor", "city": "Portland"})
    page = client.get(f"/agreements/{agreement.id}").text
    for text in ["姉妹都市提携協定", "両市は友好を深める。", "The two cities deepen", "松井 孝治", "Keith Wilson",
                 'lang="ja"', "Japanese"]:
        assert text in page
    # the same language cannot be added twice
    again = client.post(f"/agreements/{agreement.id}/texts/new", data={"language": "ja", "body": "x"})
    assert "Not a valid choice" in again.text
    assert session.query(AgreementText).count() == 2


def test_signing_puts_a_substantive_engagement_on_the_timeline(client, login, agreement, session):
    login("coordinator")
    client.post(f"/agreements/{agreement.id}/move", data={"target": "in_negotiation"})
    refused = client.post(f"/agreements/{agreement.id}/move", data={"target": "signed"}, follow_redirects=True)
    assert "Enter the date of signing." in refused.text
    client.post(f"/agreements/{agreement.id}/move",
                data={"target": "signed", "signed_on": "2026-05-12", "signed_at": "京都市役所"})
    session.expire_all()
    signed = session.get(Agreement, agreement.id)
    assert signed.status == S.SIGNED and signed.signed_on == date(2026, 5, 12) and signed.signed_at == "京都市役所"
    entry = session.query(Engagement).filter_by(kind=EngagementKind.AGREEMENT).one()
    assert entry.substantive and entry.occurred_on == date(2026, 5, 12)
    assert entry.partnership_id == agreement.partnership_id
    page = client.get(f"/partnerships/{agreement.partnership_id}").text
    assert "Agreement signed" in page


def test_a_move_the_lifecycle_forbids_changes_nothing(client, login, agreement, session):
    login("coordinator")
    response = client.post(f"/agreements/{agreement.id}/move", data={"target": "expired"}, follow_redirects=True)
    assert "cannot become" in response.text
    session.expire_all()
    assert session.get(Agreement, agreement.id).status == S.DRAFT


def test_signed_terms_are_locked_and_signed_agreements_are_not_deleted(client, login, agreement, session):
    login("coordinator")
    agreement.status = S.SIGNED
    agreement.signed_on = date(2020, 1, 1)
    session.commit()
    response = client.post(f"/agreements/{agreement.id}/texts/new", data={"language": "en", "body": "x"},
                           follow_redirects=True)
    assert "cannot change" in response.text
    assert session.query(AgreementText).count() == 0
    client.post(f"/agreements/{agreement.id}/delete")
    assert session.query(Agreement).count() == 1


def test_renewal_copies_the_terms_and_signing_it_marks_the_old_one_renewed(client, login, agreement, session):
    login("coordinator")
    agreement.texts.append(AgreementText(language="en", body="Original text"))
    agreement.signatories.append(Signatory(side="home", name="Mayor A"))
    agreement.status, agreement.signed_on = S.SIGNED, date(2016, 5, 12)
    session.commit()
    response = client.post(f"/agreements/{agreement.id}/renew")
    renewal = session.query(Agreement).filter(Agreement.id != agreement.id).one()
    assert response.headers["Location"].endswith(f"/agreements/{renewal.id}/edit")
    assert renewal.kind == AgreementKind.RENEWAL and renewal.renews_id == agreement.id
    assert [t.body for t in renewal.texts] == ["Original text"] and renewal.signatories[0].name == "Mayor A"
    client.post(f"/agreements/{renewal.id}/move", data={"target": "in_negotiation"})
    client.post(f"/agreements/{renewal.id}/move", data={"target": "signed", "signed_on": "2026-05-12"})
    session.expire_all()
    assert session.get(Agreement, agreement.id).status == S.RENEWED


def test_draft_can_be_deleted_after_confirmation(client, login, agreement, session):
    login("coordinator")
    assert "Delete the draft" in client.get(f"/agreements/{agreement.id}/delete").text
    assert session.query(Agreement).count() == 1
    client.post(f"/agreements/{agreement.id}/delete")
    assert session.query(Agreement).count() == 0


def test_expiry_before_effective_date_is_refused(client, login, make, session):
    login("coordinator")
    partnership = make.partnership()
    response = client.post(f"/partnerships/{partnership.id}/agreements/new", data={
        "title": "MOU", "kind": "mou", "renews_id": 0, "effective_from": "2026-05-12", "expires_on": "2026-01-01"})
    assert "cannot be before the effective date" in response.text
    assert session.query(Agreement).count() == 0


def test_agreements_expiring_within_90_days_are_on_the_dashboard_and_list(client, login, make, session):
    login("viewer")
    partnership = make.partnership(partner=make.city("Kyoto"))
    today = date.today()
    for title, status, expires in [("Soon", S.SIGNED, 30), ("Later", S.SIGNED, 200), ("Draft soon", S.DRAFT, 20),
                                   ("Past", S.SIGNED, -5)]:
        session.add(Agreement(partnership=partnership, kind=AgreementKind.MOU, title=title, status=status,
                              expires_on=today + timedelta(days=expires)))
    session.commit()
    for page in (client.get("/dashboard").text, client.get("/agreements/?expiring=90").text):
        assert "Soon" in page
        assert "Later" not in page and "Draft soon" not in page and "Past" not in page


def test_agreement_list_filters(client, login, make, session):
    login("viewer")
    partnership = make.partnership()
    session.add_all([Agreement(partnership=partnership, kind=AgreementKind.MOU, title="Port MOU"),
                     Agreement(partnership=partnership, kind=AgreementKind.ADDENDUM, title="Culture addendum",
                               status=S.SIGNED)])
    session.commit()
    assert "Culture addendum" not in client.get("/agreements/?kind=mou").text
    assert "Port MOU" not in client.get("/agreements/?status=signed").text
    assert "Port MOU" in client.get("/agreements/?q=port").text


def test_a_language_added_meanwhile_is_reported_not_a_server_error(client, login, make, session, monkeypatch):
    """Two saves of the same language at once: the one-text-per-language index refuses the second, and the
    person is told, with what they typed kept."""
    from crm.agreements import views
    from crm.agreements.forms import TextForm

    partnership = make.partnership()
    agreement = Agreement(partnership=partnership, kind="sister_city", title="Friendship", status="draft")
    agreement.texts.append(AgreementText(language="ja", body="先に保存された訳文。"))  # the other save
    session.add(agreement)
    session.commit()

    def checked_before_the_other_save(agreement, text):  # the language was still free when the form was checked
        form = TextForm(obj=text)
        form.language.choices = [("en", "English"), ("ja", "Japanese")]
        return form

    monkeypatch.setattr(views, "make_text_form", checked_before_the_other_save)
    login("coordinator")
    response = client.post(f"/agreements/{agreement.id}/texts/new", data={"language": "ja", "body": "私の訳文。"})
    assert response.status_code == 409
    assert "added meanwhile" in response.text and "私の訳文。" in response.text
    session.expire_all()
    assert [t.body for t in session.get(Agreement, agreement.id).texts] == ["先に保存された訳文。"]


SIGNED_MEANWHILE = "This agreement was signed meanwhile; its texts and signatories can no longer change."


@pytest.mark.parametrize("change", ["add text", "edit text", "delete text", "add signatory", "remove signatory"])
def test_terms_saved_after_the_signing_are_refused(client, login, agreement, session, monkeypatch, change):
    """The page found the terms open when it checked; the agreement was signed before the save. The save asks
    the database again, in its own transaction, and is refused: the signed terms stay as they were signed."""
    from crm.partnerships.models import Side

    text = AgreementText(language="en", body="The signed text.")
    signatory = Signatory(side=Side.HOME, name="Keith Wilson")
    agreement.texts.append(text)
    agreement.signatories.append(signatory)
    agreement.status, agreement.signed_on = S.SIGNED, date(2026, 5, 12)
    session.commit()
    version = agreement.version
    monkeypatch.setattr(lifecycle, "can_edit_terms", lambda status: True)  # what the check saw before the signing
    login("coordinator")
    url, data, typed = {
        "add text": (f"/agreements/{agreement.id}/texts/new", {"language": "fr", "body": "Mon texte."}, "Mon texte."),
        "edit text": (f"/agreement-texts/{text.id}/edit",
                      {"language": "en", "body": "Changed after signing.", "version": text.version},
                      "Changed after signing."),
        "delete text": (f"/agreement-texts/{text.id}/delete", {}, None),
        "add signatory": (f"/agreements/{agreement.id}/signatories", {"side": "partner", "name": "Late Signer"}, None),
        "remove signatory": (f"/signatories/{signatory.id}/delete", {}, None),
    }[change]
    response = client.post(url, data=data, follow_redirects=True)
    assert SIGNED_MEANWHILE in response.text
    if typed:  # a text form: shown again with what was typed, to copy into an addendum
        assert response.status_code == 409 and typed in response.text
    else:
        assert response.status_code == 200 and response.request.path == f"/agreements/{agreement.id}"
    session.expire_all()
    signed = session.get(Agreement, agreement.id)
    assert [(t.language, t.body, t.version) for t in signed.texts] == [("en", "The signed text.", 1)]
    assert [s.name for s in signed.signatories] == ["Keith Wilson"]
    assert signed.status == S.SIGNED and signed.version == version


def test_a_draft_deleted_as_it_is_signed_is_kept(client, login, agreement, session, monkeypatch):
    """The delete page loaded the agreement as a draft; it was signed before the confirmation arrived."""
    from sqlalchemy.orm.attributes import set_committed_value

    from crm.agreements import views

    agreement.texts.append(AgreementText(language="en", body="The signed text."))
    agreement.status, agreement.signed_on = S.SIGNED, date(2026, 5, 12)
    session.commit()
    loaded_before_the_signing = views.get_agreement_or_404

    def as_loaded_before_the_signing(agreement_id):
        loaded = loaded_before_the_signing(agreement_id)
        set_committed_value(loaded, "status", S.IN_NEGOTIATION)
        set_committed_value(loaded, "signed_on", None)
        return loaded

    monkeypatch.setattr(views, "get_agreement_or_404", as_loaded_before_the_signing)
    login("coordinator")
    response = client.post(f"/agreements/{agreement.id}/delete", follow_redirects=True)
    assert response.status_code == 200 and "it is part of the record and was not deleted" in response.text
    session.expire_all()
    kept = session.get(Agreement, agreement.id)
    assert kept.status == S.SIGNED and [t.body for t in kept.texts] == ["The signed text."]

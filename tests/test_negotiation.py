"""Negotiating an agreement with the partner (issue 21 §5): the fingerprint and approval rules, proposals from the
portal, approvals on both sides, withdrawal on any text edit, ready to sign once (a race on PostgreSQL), and
guests reaching only their own partnership's agreements."""
import threading
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.agreements import negotiation
from crm.agreements.models import Agreement, AgreementApproval, AgreementStatus, AgreementText, TextProposal
from crm.enums import ProposalStatus, Side
from crm.extensions import db
from crm.guests.models import GuestAccess
from tests.test_concurrency import committed  # noqa: F401  (the fixture)

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def _text(language, body, title=None):
    return SimpleNamespace(language=language, title=title, body=body)


def _approval(side, fingerprint, minutes=0, withdrawn=False, reason=None):
    return SimpleNamespace(side=side, fingerprint=fingerprint, approved_at=T0 + timedelta(minutes=minutes), id=minutes,
                           withdrawn_at=T0 + timedelta(hours=1) if withdrawn else None, withdrawn_reason=reason,
                           user=None)


# --- rules ---------------------------------------------------------------------------------------------------

def test_the_fingerprint_is_the_same_version_of_every_text_whatever_their_order():
    ja, en = _text("ja", "両市は友好を深める。", "姉妹都市提携協定"), _text("en", "The two cities.", "Agreement")
    assert negotiation.fingerprint([ja, en]) == negotiation.fingerprint([en, ja])
    assert len(negotiation.fingerprint([ja, en])) == 64
    for changed in (_text("ja", "両市は友好を深める。", "協定"), _text("ja", "両市は友好を深めた。", "姉妹都市提携協定"),
                    _text("zh_Hans", "両市は友好を深める。", "姉妹都市提携協定")):
        assert negotiation.fingerprint([changed, en]) != negotiation.fingerprint([ja, en])
    assert negotiation.fingerprint([ja]) != negotiation.fingerprint([ja, en])  # a text added is a new version
    # no ambiguity from where one field ends and the next begins
    assert negotiation.fingerprint([_text("en", "b", "a")]) != negotiation.fingerprint([_text("en", "", "ab")])


def test_each_side_is_approved_only_by_a_current_approval_of_the_current_texts():
    now, old = "f" * 64, "e" * 64
    approvals = [_approval(Side.HOME, now), _approval(Side.PARTNER, old)]
    assert negotiation.side_state(approvals, Side.HOME, now).state == "approved"
    assert negotiation.side_state(approvals, Side.PARTNER, now).state == "withdrawn"  # of an earlier version
    assert negotiation.side_state([], Side.PARTNER, now).state == "waiting"
    assert not negotiation.both_approved(approvals, now)
    approvals.append(_approval(Side.PARTNER, now, minutes=5))
    assert negotiation.both_approved(approvals, now)
    assert negotiation.can_mark_ready(AgreementStatus.IN_NEGOTIATION, None, approvals, now)
    assert not negotiation.can_mark_ready(AgreementStatus.IN_NEGOTIATION, T0, approvals, now)  # marked already
    assert not negotiation.can_mark_ready(AgreementStatus.DRAFT, None, approvals, now)
    withdrawn = [_approval(Side.HOME, now, withdrawn=True), _approval(Side.PARTNER, now)]
    assert not negotiation.both_approved(withdrawn, now)
    assert negotiation.side_state(withdrawn, Side.HOME, now).state == "withdrawn"


def test_a_guest_proposes_to_the_text_in_the_partners_language_else_their_own():
    ja, en, fr = _text("ja", "x"), _text("en", "y"), _text("fr", "z")
    assert negotiation.proposable_texts([ja, en], "ja", "en") == [ja]
    assert negotiation.proposable_texts([en, fr], "ja", "fr") == [fr]
    assert negotiation.proposable_texts([en], "ja", "de") == []
    assert negotiation.proposable_texts([_text("zh_Hans", "x")], "zh_Hans", None)


def test_the_word_diff_gives_both_texts_back():
    before, after = "The two cities deepen their friendship.\n\nArticle 2", "The cities deepen their lasting friendship."
    runs = negotiation.word_diff(before, after)
    assert "".join(p for kind, p in runs if kind != "removed") == after
    assert "".join(p for kind, p in runs if kind != "added") == before
    assert ("added", "lasting ") in runs and ("removed", " two") in runs
    assert negotiation.word_diff("same", "same") == [("same", "same")]


def test_the_history_is_in_time_order():
    text = SimpleNamespace(language="ja")
    proposal = SimpleNamespace(proposed_at=T0 + timedelta(minutes=2), side=Side.PARTNER, proposed_by=None, text=text,
                               status=ProposalStatus.ACCEPTED, decided_at=T0 + timedelta(minutes=30))
    approval = _approval(Side.HOME, "f", withdrawn=True, reason="text changed: ja")
    events = negotiation.history([proposal], [approval], T0 + timedelta(hours=2))
    assert [e.kind for e in events] == ["approved", "proposed", "accepted", "approval_withdrawn", "ready"]
    assert events[3].language == "ja" and events[3].reason == "text changed"


# --- pages ---------------------------------------------------------------------------------------------------

@pytest.fixture
def kyoto(make, session):
    make.home_city()
    partnership = make.partnership(partner=make.city("Kyoto", "京都市", country_code="JP"))
    contact = make.contact(partnership, name="山田 花子", email="hanako@kyoto.example", language="ja")
    agreement = Agreement(partnership=partnership, kind="sister_city", title="Sister city agreement",
                          status=AgreementStatus.IN_NEGOTIATION, notes="internal budget note")
    agreement.texts.append(AgreementText(language="ja", position=0, title="姉妹都市提携協定", body="両市は友好を深める。"))
    agreement.texts.append(AgreementText(language="en", position=1, title="Sister City Agreement",
                                         body="The two cities deepen their friendship."))
    session.add(agreement)
    session.commit()
    guest = make.user("guest", email="hanako@kyoto.example", name="山田 花子")
    session.add(GuestAccess(user=guest, partnership=partnership, contact=contact))
    session.commit()
    return SimpleNamespace(partnership=partnership, agreement=agreement, guest=guest, ja=agreement.texts[0],
                           en=agreement.texts[1])


def _approvals(session, agreement_id):
    session.expire_all()
    return session.scalars(select(AgreementApproval).where(AgreementApproval.agreement_id == agreement_id)
                           .order_by(AgreementApproval.id)).all()


def test_staff_share_a_draft_with_the_partner_after_confirming(client, login, make, session):
    login("coordinator")
    partnership = make.partnership(partner=make.city("Kyoto"))
    draft = Agreement(partnership=partnership, kind="mou", title="Draft MOU")
    session.add(draft)
    session.commit()
    page = client.get(f"/agreements/{draft.id}").text
    assert "Share with the partner for negotiation" in page
    assert "Share “Draft MOU” with the partner" in client.get(f"/agreements/{draft.id}/share").text
    assert client.post(f"/agreements/{draft.id}/share").status_code == 302
    session.expire_all()
    assert session.get(Agreement, draft.id).status == AgreementStatus.IN_NEGOTIATION
    # a second click finds it shared already
    assert client.post(f"/agreements/{draft.id}/share", follow_redirects=True).status_code == 200


def test_a_viewer_is_offered_no_negotiation_controls(client, login, kyoto):
    login("viewer")
    page = client.get(f"/agreements/{kyoto.agreement.id}").text
    assert "Negotiation with the partner" in page and "Approve this version" not in page
    assert client.post(f"/agreements/{kyoto.agreement.id}/approve").status_code == 403


def test_a_guest_proposes_a_change_to_the_japanese_text_without_overwriting_it(client, login, kyoto, session):
    login(kyoto.guest)
    page = client.get(f"/portal/agreements/{kyoto.agreement.id}").text
    assert "Propose a change to the Japanese text" in page and "Propose a change to the English text" not in page
    assert "internal budget note" not in page
    assert "Waiting for your approval" in page
    prefix = f"t{kyoto.ja.id}-"
    response = client.post(f"/portal/agreement-texts/{kyoto.ja.id}/proposals", data={
        prefix + "title": "姉妹都市提携協定", prefix + "body": "両市は末永く友好を深める。", prefix + "comment": "末永く"})
    assert response.status_code == 302
    proposal = session.scalars(select(TextProposal)).one()
    assert (proposal.status, proposal.side, proposal.based_on_version) == (ProposalStatus.OPEN, Side.PARTNER, 1)
    session.expire_all()
    assert session.get(AgreementText, kyoto.ja.id).body == "両市は友好を深める。"  # never overwritten
    assert "Your open proposals" in client.get(f"/portal/agreements/{kyoto.agreement.id}").text
    # not to the English text, while there is a text in the partner's language
    client.post(f"/portal/agreement-texts/{kyoto.en.id}/proposals", data={f"t{kyoto.en.id}-body": "Changed."})
    assert session.scalars(select(TextProposal)).all() == [proposal]
    # an empty text is refused with the typed input kept
    bad = client.post(f"/portal/agreement-texts/{kyoto.ja.id}/proposals",
                      data={prefix + "body": "", prefix + "comment": "まだ書いている"})
    assert bad.status_code == 422 and "まだ書いている" in bad.text


def test_staff_accept_a_proposal_and_the_approvals_are_withdrawn(client, login, kyoto, session, app):
    guest_client = app.test_client()
    with guest_client.session_transaction() as flask_session:
        from tests.factories import Factories
        flask_session["_user_id"] = Factories(session).session_id(kyoto.guest)
        flask_session["_fresh"] = True
    prefix = f"t{kyoto.ja.id}-"
    guest_client.post(f"/portal/agreement-texts/{kyoto.ja.id}/proposals",
                      data={prefix + "title": "姉妹都市提携協定", prefix + "body": "両市は末永く友好を深める。"})
    assert guest_client.post(f"/portal/agreements/{kyoto.agreement.id}/approve").status_code == 302
    login("coordinator")
    client.post(f"/agreements/{kyoto.agreement.id}/approve")
    assert [a.side for a in _approvals(session, kyoto.agreement.id)] == [Side.PARTNER, Side.HOME]
    page = client.get(f"/agreements/{kyoto.agreement.id}").text
    assert "1 open proposal" in page and "<ins>" in page and "Mark ready to sign" in page
    proposal = session.scalars(select(TextProposal)).one()
    assert client.post(f"/proposals/{proposal.id}/accept").status_code == 302
    session.expire_all()
    text = session.get(AgreementText, kyoto.ja.id)
    assert (text.body, text.version) == ("両市は末永く友好を深める。", 2)
    assert session.get(TextProposal, proposal.id).status == ProposalStatus.ACCEPTED
    approvals = _approvals(session, kyoto.agreement.id)
    assert all(a.withdrawn_at is not None and a.withdrawn_reason == "text changed: ja" for a in approvals)
    page = client.get(f"/agreements/{kyoto.agreement.id}").text
    assert "Approval withdrawn: the Japanese text changed on" in page and "Mark ready to sign" not in page
    from crm.audit.models import AuditEvent
    recorded = {(e.record_type, e.action, tuple(sorted(e.changes))) for e in session.scalars(select(AuditEvent))}
    assert ("agreement_text_proposals", "update", ("decided_at", "decided_by_id", "status")) in recorded
    assert ("agreement_approvals", "update", ("withdrawn_at", "withdrawn_reason")) in recorded
    portal = guest_client.get(f"/portal/agreements/{kyoto.agreement.id}").text
    assert "Your approval was withdrawn because the Japanese text changed on" in portal
    assert "The proposal for the Japanese text was accepted." in portal


def test_an_edit_of_a_text_withdraws_every_approval_and_ready_needs_both_sides_again(client, login, kyoto, session):
    user = login("coordinator")
    with client.application.test_request_context():
        negotiation.approve(kyoto.agreement, Side.PARTNER, kyoto.guest)
        db.session.commit()
    client.post(f"/agreements/{kyoto.agreement.id}/approve")
    client.post(f"/agreements/{kyoto.agreement.id}/approve")  # a second click adds nothing
    assert len(_approvals(session, kyoto.agreement.id)) == 2
    response = client.post(f"/agreement-texts/{kyoto.en.id}/edit", data={
        "language": "en", "title": "Sister City Agreement", "signed_place": "",
        "body": "The two cities deepen their lasting friendship.", "version": "1"})
    assert response.status_code == 302
    approvals = _approvals(session, kyoto.agreement.id)
    assert [a.withdrawn_reason for a in approvals] == ["text changed: en", "text changed: en"]
    page = client.post(f"/agreements/{kyoto.agreement.id}/ready", follow_redirects=True).text
    assert "Both sides must approve" in page
    assert session.get(Agreement, kyoto.agreement.id).ready_to_sign_at is None
    # our side approves again; ready still waits for the partner's approval of this version
    client.post(f"/agreements/{kyoto.agreement.id}/approve")
    client.post(f"/agreements/{kyoto.agreement.id}/ready")
    session.expire_all()
    assert session.get(Agreement, kyoto.agreement.id).ready_to_sign_at is None
    assert user.id


def test_ready_to_sign_once_both_sides_approved_the_same_texts(client, login, kyoto, session, app):
    user = login("coordinator")
    with app.test_request_context():
        agreement = db.session.get(Agreement, kyoto.agreement.id)
        negotiation.approve(agreement, Side.PARTNER, db.session.get(type(kyoto.guest), kyoto.guest.id))
        negotiation.approve(agreement, Side.HOME, db.session.get(type(user), user.id))
        db.session.commit()
    page = client.post(f"/agreements/{kyoto.agreement.id}/ready", follow_redirects=True).text
    assert "marked ready to sign" in page
    session.expire_all()
    marked = session.get(Agreement, kyoto.agreement.id)
    assert marked.ready_to_sign_at is not None and marked.ready_marked_by_id == user.id
    assert "already marked ready" in client.post(f"/agreements/{kyoto.agreement.id}/ready",
                                                 follow_redirects=True).text
    # an edit afterwards: no longer ready, and both approvals withdrawn
    client.post(f"/agreement-texts/{kyoto.ja.id}/edit", data={
        "language": "ja", "title": "姉妹都市提携協定", "signed_place": "", "body": "両市は友好を深めた。", "version": "1"})
    session.expire_all()
    assert session.get(Agreement, kyoto.agreement.id).ready_to_sign_at is None
    assert all(a.withdrawn_at for a in _approvals(session, kyoto.agreement.id))


def test_accepting_a_proposal_whose_text_changed_asks_first(client, login, kyoto, session):
    proposal = TextProposal(agreement_text_id=kyoto.ja.id, side=Side.PARTNER, proposed_by_id=kyoto.guest.id,
                            based_on_version=1, title="姉妹都市提携協定", body="両市は末永く友好を深める。")
    session.add(proposal)
    session.commit()
    login("coordinator")
    client.post(f"/agreement-texts/{kyoto.ja.id}/edit", data={
        "language": "ja", "title": "姉妹都市提携協定", "signed_place": "", "body": "両市は友好を深めた。", "version": "1"})
    page = client.get(f"/agreements/{kyoto.agreement.id}").text
    assert "The text changed after this proposal was written" in page
    response = client.post(f"/proposals/{proposal.id}/accept")
    assert response.status_code == 409 and "Accept the proposal anyway" in response.text
    assert 'name="text_version" value="2"' in response.text
    session.expire_all()
    assert session.get(TextProposal, proposal.id).status == ProposalStatus.OPEN
    assert client.post(f"/proposals/{proposal.id}/accept", data={"text_version": "2"}).status_code == 302
    session.expire_all()
    assert session.get(AgreementText, kyoto.ja.id).body == "両市は末永く友好を深める。"


def test_decline_and_withdraw_settle_a_proposal_once(client, login, kyoto, session, make):
    first, second = (TextProposal(agreement_text_id=kyoto.ja.id, side=Side.PARTNER, proposed_by_id=kyoto.guest.id,
                                  based_on_version=1, body=body) for body in ("一", "二"))
    session.add_all([first, second])
    session.commit()
    login("coordinator")
    client.post(f"/proposals/{first.id}/decline")
    assert "already decided" in client.post(f"/proposals/{first.id}/decline", follow_redirects=True).text
    # another guest of the same partnership cannot withdraw hers
    colleague = make.user("guest", email="colleague@kyoto.example")
    session.add(GuestAccess(user=colleague, partnership=kyoto.partnership))
    session.commit()
    login(colleague)
    assert client.post(f"/portal/proposals/{second.id}/withdraw").status_code == 404
    login(kyoto.guest)
    assert client.post(f"/portal/proposals/{second.id}/withdraw").status_code == 302
    session.expire_all()
    assert [session.get(TextProposal, p.id).status for p in (first, second)] == [
        ProposalStatus.DECLINED, ProposalStatus.WITHDRAWN]
    assert session.get(AgreementText, kyoto.ja.id).body == "両市は友好を深める。"


def test_a_guest_cannot_approve_for_our_side_nor_reach_another_partnership(client, login, kyoto, make, session):
    other = make.partnership(partner=make.city("Cairo", country_code="EG"))
    theirs = Agreement(partnership=other, kind="mou", title="Cairo MOU", status=AgreementStatus.IN_NEGOTIATION)
    theirs.texts.append(AgreementText(language="ar", body="نص"))
    draft = Agreement(partnership=kyoto.partnership, kind="addendum", title="Unshared draft")
    draft.texts.append(AgreementText(language="ja", body="草案"))
    session.add_all([theirs, draft])
    session.commit()
    login(kyoto.guest)
    assert client.post(f"/agreements/{kyoto.agreement.id}/approve").status_code == 404  # our side's button
    assert client.post(f"/agreements/{kyoto.agreement.id}/ready").status_code == 404
    for agreement in (theirs, draft):
        assert client.get(f"/portal/agreements/{agreement.id}").status_code == 404
        assert client.post(f"/portal/agreements/{agreement.id}/approve").status_code == 404
        assert client.post(f"/portal/agreement-texts/{agreement.texts[0].id}/proposals",
                           data={f"t{agreement.texts[0].id}-body": "x"}).status_code == 404
    assert _approvals(session, theirs.id) == [] and session.scalars(select(TextProposal)).all() == []
    # their own approval is the partner side's, whatever they post
    client.post(f"/portal/agreements/{kyoto.agreement.id}/approve", data={"side": "home"})
    assert [a.side for a in _approvals(session, kyoto.agreement.id)] == [Side.PARTNER]


def test_nothing_is_approved_or_proposed_on_a_signed_agreement(client, login, kyoto, session):
    session.get(Agreement, kyoto.agreement.id).status = AgreementStatus.SIGNED
    session.commit()
    login(kyoto.guest)
    page = client.get(f"/portal/agreements/{kyoto.agreement.id}").text
    assert "Approve this version" not in page and "Propose a change" not in page
    client.post(f"/portal/agreements/{kyoto.agreement.id}/approve")
    client.post(f"/portal/agreement-texts/{kyoto.ja.id}/proposals", data={f"t{kyoto.ja.id}-body": "x"})
    assert _approvals(session, kyoto.agreement.id) == [] and session.scalars(select(TextProposal)).all() == []


def test_the_portal_and_agreement_pages_run_a_fixed_number_of_queries(client, login, kyoto, session, make,
                                                                      count_queries):
    def add(n):
        for i in range(n):
            session.add(TextProposal(agreement_text_id=kyoto.ja.id, side=Side.PARTNER, proposed_by_id=kyoto.guest.id,
                                     based_on_version=1, body=f"提案 {i}"))
            session.add(AgreementApproval(agreement_id=kyoto.agreement.id, side=Side.PARTNER,
                                          user_id=kyoto.guest.id, fingerprint="0" * 64))
        session.commit()

    counts = {}
    for n in (1, 6):
        add(n if n == 1 else 5)
        for who, url in ((kyoto.guest, f"/portal/agreements/{kyoto.agreement.id}"),
                         ("coordinator", f"/agreements/{kyoto.agreement.id}")):
            login(who)
            with count_queries() as counted:
                assert client.get(url).status_code == 200
            counts[(n, url)] = counted.count
    for url in (f"/portal/agreements/{kyoto.agreement.id}", f"/agreements/{kyoto.agreement.id}"):
        assert counts[(1, url)] == counts[(6, url)], counts


def test_the_audit_trail_names_the_negotiation_columns(app):
    from crm.audit.labels import field_label

    with app.test_request_context():
        assert str(field_label("agreement_approvals", "withdrawn_reason")) == "Why it was withdrawn"
        assert str(field_label("agreement_text_proposals", "based_on_version")) == "Version of the text it changes"


# --- the race on "Mark ready to sign" ------------------------------------------------------------------------

def test_ready_to_sign_marked_twice_at_once_is_marked_once(app, committed):  # noqa: F811
    from crm.auth.models import User
    from crm.cities.models import City
    from crm.claims import AlreadyDone
    from crm.partnerships.models import Partnership
    from crm.roles import Role

    engine, created = committed
    with Session(engine, expire_on_commit=False) as setup:
        partnership = Partnership(home_city=City(name="Ready Home", country_code="US"),
                                  partner_city=City(name="Ready Partner", country_code="JP"), kind="sister_city",
                                  status="active")
        editors = [User(email=f"ready{i}@example.org", name=f"Editor {i}", role=Role.COORDINATOR) for i in (1, 2)]
        agreement = Agreement(partnership=partnership, kind="sister_city", title="Race to ready",
                              status=AgreementStatus.IN_NEGOTIATION)
        text = AgreementText(agreement=agreement, language="en", body="The text both sides approved.")
        setup.add_all([partnership, agreement, text, *editors])
        setup.flush()
        current = negotiation.fingerprint([text])
        approvals = [AgreementApproval(agreement_id=agreement.id, side=side, user_id=editors[0].id, fingerprint=current)
                     for side in Side]
        setup.add_all(approvals)
        setup.commit()
        created += [("cities", partnership.home_city_id), ("cities", partnership.partner_city_id),
                    ("partnerships", partnership.id), ("users", editors[0].id), ("users", editors[1].id),
                    ("agreements", agreement.id), ("agreement_texts", text.id),
                    *(("agreement_approvals", a.id) for a in approvals)]
    barrier = threading.Barrier(2, timeout=30)
    outcomes = []

    def mark(user_id):
        with app.test_request_context(method="POST"):
            try:
                record = db.session.get(Agreement, agreement.id)
                assert record.ready_to_sign_at is None  # both loaded it unmarked
                barrier.wait()
                negotiation.mark_ready(record, db.session.get(User, user_id))
                db.session.commit()
                outcomes.append("marked")
            except AlreadyDone:
                db.session.rollback()
                outcomes.append("already")
            finally:
                db.session.remove()

    engines = db._app_engines[app]
    shared, engines[None] = engines[None], engine  # connections of their own, not the test's shared one
    try:
        threads = [threading.Thread(target=mark, args=(editor.id,)) for editor in editors]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        engines[None] = shared
    assert sorted(outcomes) == ["already", "marked"]
    with Session(engine) as check:
        stored = check.get(Agreement, agreement.id)
        assert stored.ready_to_sign_at is not None and stored.ready_marked_by_id in {e.id for e in editors}


def test_the_demo_has_kyotos_proposal_open_on_an_agreement_in_negotiation(app, make, session):
    from crm.demo.negotiation import seed_negotiation
    from crm.roles import Role

    make.home_city()
    kyoto = make.partnership(partner=make.city("Kyoto", "京都市", country_code="JP"))
    contact = make.contact(kyoto, name="山田 花子", language="ja")
    guest = make.user("guest", email="guest.kyoto@demo.example")
    session.add(GuestAccess(user=guest, partnership=kyoto, contact=contact))
    session.commit()
    with app.test_request_context():
        seed_negotiation({1857910: db.session.get(type(kyoto), kyoto.id)},
                         {Role.COORDINATOR: db.session.get(type(guest), make.user("coordinator").id)},
                         datetime(2026, 11, 25).date())
        agreement = db.session.scalar(select(Agreement).where(Agreement.partnership_id == kyoto.id))
        state = negotiation.negotiation_state(agreement)
        assert agreement.status == AgreementStatus.IN_NEGOTIATION and agreement.languages == ["ja", "en"]
        assert [p.proposed_by_id for p in state["open_proposals"]] == [guest.id]
        assert state["home"].state == "approved" and state["partner"].state == "waiting"
        db.session.rollback()


def test_a_signed_agreement_never_negotiated_here_shows_no_negotiation(client, login, kyoto, session):
    session.get(Agreement, kyoto.agreement.id).status = AgreementStatus.SIGNED
    session.commit()
    login("coordinator")
    assert "Negotiation with the partner" not in client.get(f"/agreements/{kyoto.agreement.id}").text


def test_a_guests_proposals_are_limited(app, client, login, kyoto, session, monkeypatch):
    monkeypatch.setitem(app.config, "GUEST_PROPOSAL_LIMIT", "2 per hour")
    login(kyoto.guest)
    answers = [client.post(f"/portal/agreement-texts/{kyoto.ja.id}/proposals",
                           data={f"t{kyoto.ja.id}-body": f"案 {n}"}).status_code for n in range(3)]
    assert answers == [302, 302, 429]
    assert len(session.scalars(select(TextProposal)).all()) == 2

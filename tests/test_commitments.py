"""Commitments and follow-ups (issue 21 §3): the rules, the staff's pages, the dashboard and the digest, the
guests' portal page, and how quickly our side answers the partner."""
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from crm.engagements.models import Engagement
from crm.enums import CommitmentStatus, Side, Visibility
from crm.governance.commitments.responsiveness import median_response, responsiveness
from crm.governance.commitments.rules import days_overdue, guest_may_mark_done, is_overdue
from crm.governance.models import Commitment
from crm.guests.models import GuestAccess

TODAY = date(2026, 11, 25)  # the frozen clock's day
OPEN, DONE, DROPPED = CommitmentStatus.OPEN, CommitmentStatus.DONE, CommitmentStatus.DROPPED
HOME, PARTNER = Side.HOME, Side.PARTNER


def promise(session, partnership, description, *, side=HOME, due_on=TODAY + timedelta(days=10), **fields):
    commitment = Commitment(partnership_id=partnership.id, side=side, description=description, due_on=due_on,
                            **fields)
    session.add(commitment)
    session.commit()
    return commitment


@pytest.fixture
def guest(make, session):
    """A partner-side guest of a partnership with Kyoto, and that partnership."""
    partnership = make.partnership(partner=make.city("Kyoto", native_name="京都市"))
    contact = make.contact(partnership, name="Hanako Yamada")
    user = make.user("guest", name="Hanako Yamada", email="hanako@kyoto.example")
    session.add(GuestAccess(user=user, partnership=partnership, contact=contact))
    session.commit()
    return user, partnership


# --- the rules -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("status, due_on, overdue", [
    (OPEN, TODAY - timedelta(days=1), True),
    (OPEN, TODAY, False),  # due today: not late yet
    (OPEN, TODAY + timedelta(days=1), False),
    (OPEN, None, False),
    (DONE, TODAY - timedelta(days=30), False),
    (DROPPED, TODAY - timedelta(days=30), False),
])
def test_overdue_means_open_and_due_before_today(status, due_on, overdue):
    assert is_overdue(status, due_on, TODAY) is overdue


def test_days_overdue():
    assert days_overdue(TODAY - timedelta(days=12), TODAY) == 12
    assert days_overdue(TODAY + timedelta(days=3), TODAY) == 0
    assert days_overdue(None, TODAY) == 0


@pytest.mark.parametrize("side, visibility, status, allowed", [
    (PARTNER, Visibility.SHARED, OPEN, True),
    (HOME, Visibility.SHARED, OPEN, False),  # what our side promised is ours to mark
    (PARTNER, Visibility.STAFF_ONLY, OPEN, False),
    (PARTNER, Visibility.SHARED, DONE, False),
])
def test_a_guest_marks_done_only_the_partner_sides_open_shared_commitments(side, visibility, status, allowed):
    assert guest_may_mark_done(side, visibility, status) is allowed


def test_median_days_to_answer_the_partner():
    rows = [
        (date(2026, 1, 10), PARTNER), (date(2026, 1, 14), HOME),  # 4 days
        (date(2026, 3, 1), PARTNER), (date(2026, 3, 1), HOME),  # the same day: 0
        (date(2026, 5, 1), PARTNER), (date(2026, 5, 2), PARTNER), (date(2026, 5, 21), HOME),  # 20 and 19
        (date(2026, 11, 20), PARTNER),  # not answered yet
        (date(2026, 12, 1), HOME),  # planned: answers nothing yet
        (date(2024, 6, 1), PARTNER), (date(2024, 6, 2), HOME),  # before the 24 months
    ]
    result = median_response(rows, TODAY)
    assert (result.partner_started, result.answered, result.median_days) == (5, 4, 11.5)
    assert result.rounded_days == 12


def test_median_with_no_partner_started_or_none_answered():
    assert median_response([(date(2026, 5, 1), HOME)], TODAY).partner_started == 0
    unanswered = median_response([(date(2026, 5, 1), PARTNER)], TODAY)
    assert (unanswered.partner_started, unanswered.answered, unanswered.median_days) == (1, 0, None)


def test_responsiveness_reads_one_partnerships_engagements(make, app, count_queries):
    partnership, other = make.partnership(), make.partnership()
    make.engagement(partnership, occurred_on=date(2026, 9, 1), initiated_by=PARTNER)
    make.engagement(partnership, occurred_on=date(2026, 9, 8), initiated_by=HOME)
    make.engagement(other, occurred_on=date(2026, 9, 2), initiated_by=HOME)
    with app.app_context(), count_queries() as counter:
        result = responsiveness(partnership.id, TODAY)
    assert (result.partner_started, result.median_days) == (1, 7)
    assert counter.count == 1


def test_the_health_section_shows_the_median_beside_the_partner_share(client, login, make):
    login("viewer")
    quiet, answered = make.partnership(), make.partnership()
    make.engagement(answered, occurred_on=date(2026, 9, 1), initiated_by=PARTNER)
    make.engagement(answered, occurred_on=date(2026, 9, 4), initiated_by=HOME)
    assert "no partner-started engagements" in client.get(f"/partnerships/{quiet.id}?section=health").text
    page = client.get(f"/partnerships/{answered.id}?section=health").text
    assert "Median time to answer the partner" in page and "3 days" in page


# --- the staff's pages -----------------------------------------------------------------------------------------

def form_data(**overrides):
    data = {"side": "home", "description": "Send the youth orchestra proposal", "owner_id": 0, "owner_name": "",
            "due_on": "2027-03-01", "visibility": "shared", "engagement_id": 0}
    data.update(overrides)
    return data


def test_record_a_commitment_made_at_an_engagement(client, login, make, session):
    coordinator = login("coordinator")
    partnership = make.partnership()
    meeting = make.engagement(partnership, title="Working meeting on youth music")
    form = client.get(f"/partnerships/{partnership.id}/commitments/new?engagement_id={meeting.id}").text
    assert f'<option selected value="{meeting.id}">' in form or f'value="{meeting.id}" selected' in form
    response = client.post(f"/partnerships/{partnership.id}/commitments/new",
                           data=form_data(owner_id=coordinator.id, engagement_id=meeting.id))
    assert response.status_code == 302 and "section=governance" in response.headers["Location"]
    commitment = session.scalars(select(Commitment)).one()
    assert (commitment.side, commitment.owner_id, commitment.engagement_id, commitment.status,
            commitment.created_by_id) == (HOME, coordinator.id, meeting.id, OPEN, coordinator.id)
    section = client.get(f"/partnerships/{partnership.id}?section=governance").text
    assert "Send the youth orchestra proposal" in section and "Made at Working meeting on youth music" in section


@pytest.mark.parametrize("overrides, message", [
    ({"side": "home", "owner_id": 0}, "Choose who of our staff keeps this commitment."),
    ({"side": "partner", "owner_name": ""}, "Write the name of who keeps it on the partner side."),
    ({"due_on": ""}, "Enter the date."),
    ({"description": ""}, "This field is required."),
])
def test_a_commitment_needs_an_owner_of_its_side_and_a_due_date(client, login, make, session, overrides, message):
    coordinator = login("coordinator")
    partnership = make.partnership()
    data = form_data(**{"owner_id": coordinator.id, **overrides})
    response = client.post(f"/partnerships/{partnership.id}/commitments/new", data=data)
    assert response.status_code == 200 and message in response.text
    assert session.scalar(select(Commitment)) is None


def test_a_partner_side_commitment_keeps_a_name_not_a_user(client, login, make, session):
    coordinator = login("coordinator")
    partnership = make.partnership()
    client.post(f"/partnerships/{partnership.id}/commitments/new",
                data=form_data(side="partner", owner_id=coordinator.id, owner_name="Tanaka Yuki"))
    commitment = session.scalars(select(Commitment)).one()
    assert (commitment.owner_id, commitment.owner_name) == (None, "Tanaka Yuki")


def test_edit_a_commitment(client, login, make, session):
    coordinator = login("coordinator")
    commitment = promise(session, make.partnership(), "Send the proposal", owner_id=coordinator.id)
    assert "Send the proposal" in client.get(f"/commitments/{commitment.id}/edit").text
    response = client.post(f"/commitments/{commitment.id}/edit", data=form_data(
        owner_id=coordinator.id, description="Send the revised proposal", version=commitment.version))
    assert response.status_code == 302
    session.refresh(commitment)
    assert commitment.description == "Send the revised proposal" and commitment.due_on == date(2027, 3, 1)


def test_staff_mark_done_drop_reopen_and_delete(client, login, make, session):
    coordinator = login("coordinator")
    partnership = make.partnership()
    commitment = promise(session, partnership, "Send the proposal", owner_id=coordinator.id)
    assert client.post(f"/commitments/{commitment.id}/done").status_code == 302
    session.refresh(commitment)
    assert (commitment.status, commitment.done_on, commitment.done_by_id) == (DONE, TODAY, coordinator.id)
    client.post(f"/commitments/{commitment.id}/reopen")
    session.refresh(commitment)
    assert (commitment.status, commitment.done_on) == (OPEN, None)
    back = client.post(f"/commitments/{commitment.id}/drop?next=/commitments/")
    assert back.headers["Location"] == "/commitments/"
    session.refresh(commitment)
    assert commitment.status == DROPPED
    assert "Delete the commitment" in client.get(f"/commitments/{commitment.id}/delete").text
    client.post(f"/commitments/{commitment.id}/delete")
    assert session.scalar(select(Commitment)) is None


def test_a_viewer_reads_but_changes_nothing(client, login, make, session):
    login("viewer")
    commitment = promise(session, make.partnership(), "Send the proposal")
    page = client.get("/commitments/").text
    assert "Send the proposal" in page and "Mark done" not in page
    assert client.post(f"/commitments/{commitment.id}/done").status_code == 403
    session.refresh(commitment)
    assert commitment.status == OPEN


def test_the_list_filters_by_status_owner_and_partnership(client, login, make, session):
    me = login("coordinator")
    someone = make.user("coordinator")
    kyoto, cairo = make.partnership(partner=make.city("Kyoto")), make.partnership(partner=make.city("Cairo"))
    promise(session, kyoto, "Late promise", due_on=TODAY - timedelta(days=3), owner_id=me.id)
    promise(session, kyoto, "Future promise", owner_id=someone.id)
    promise(session, cairo, "Kept promise", status=DONE, done_on=TODAY)
    promise(session, cairo, "Given up promise", status=DROPPED)

    def shown(query=""):
        page = client.get(f"/commitments/{query}").text
        return {name for name in ("Late", "Future", "Kept", "Given up") if f"{name} promise" in page}

    assert shown() == {"Late", "Future"}  # open, overdue among them
    assert shown("?status=overdue") == {"Late"}
    assert shown("?status=done") == {"Kept"}
    assert shown("?status=dropped") == {"Given up"}
    assert shown("?status=all") == {"Late", "Future", "Kept", "Given up"}
    assert shown("?owner=mine") == {"Late"}
    assert shown(f"?status=all&partnership={cairo.id}") == {"Kept", "Given up"}
    assert shown("?q=future") == {"Future"}
    assert "Overdue" in client.get("/commitments/?status=overdue").text


def test_the_list_reads_a_fixed_number_of_queries(client, login, make, session, count_queries):
    me = login("coordinator")

    def queries_for(rows: int) -> int:
        for n in range(rows):
            partnership = make.partnership()
            promise(session, partnership, f"Promise {n}", owner_id=me.id,
                    engagement_id=make.engagement(partnership).id)
        with count_queries() as counter:
            assert client.get("/commitments/?status=all").status_code == 200
        return counter.count

    assert queries_for(12) == queries_for(24)  # both more than a page (10 in the tests)


def test_record_links_on_an_engagement_and_a_mission(client, login, make, session):
    from crm.programs.missions.models import TradeMission

    login("coordinator")
    partnership = make.partnership()
    meeting = make.engagement(partnership)
    mission = TradeMission(partnership=partnership, title="Trade mission", direction="outbound",
                           occurred_on=date(2027, 4, 1), ends_on=date(2027, 4, 3))
    session.add(mission)
    session.commit()
    new = f"/partnerships/{partnership.id}/commitments/new?engagement_id="
    assert f"{new}{meeting.id}" in client.get(f"/engagements/{meeting.id}/edit").text.replace("&amp;", "&")
    assert f"{new}{mission.id}" in client.get(f"/missions/{mission.id}").text.replace("&amp;", "&")


# --- dashboard and digest --------------------------------------------------------------------------------------

def test_the_dashboard_lists_overdue_commitments_most_overdue_first(client, login, make, session):
    login("viewer")
    partnership = make.partnership(partner=make.city("Kyoto"))
    promise(session, partnership, "A bit late", due_on=TODAY - timedelta(days=2))
    promise(session, partnership, "Very late", due_on=TODAY - timedelta(days=90), side=PARTNER, owner_name="Tanaka")
    promise(session, partnership, "Not due yet", due_on=TODAY + timedelta(days=2))
    promise(session, partnership, "Late but done", due_on=TODAY - timedelta(days=9), status=DONE)
    page = client.get("/dashboard").text
    assert "Overdue commitments" in page and "Not due yet" not in page and "Late but done" not in page
    assert page.index("Very late") < page.index("A bit late")
    assert "90 days late" in page


def test_the_dashboard_shows_ten_and_links_to_all(client, login, make, session):
    login("viewer")
    partnership = make.partnership()
    for n in range(12):
        promise(session, partnership, f"Late {n:02d}", due_on=TODAY - timedelta(days=20 - n))
    page = client.get("/dashboard").text
    assert "Late 09" in page and "Late 10" not in page
    assert "/commitments/?status=overdue" in page and "All 12" in page


def test_the_digest_tells_the_liaison_of_overdue_commitments(app, make, session):
    from crm.health.digest import collect_digests, digest_message

    liaison = make.user("coordinator", name="Liam", language="en")
    mine = make.partnership(partner=make.city("Kyoto"), liaison=liaison)
    not_mine = make.partnership(partner=make.city("Cairo"), liaison=make.user("coordinator"))
    promise(session, mine, "Send the orchestra proposal", due_on=TODAY - timedelta(days=5))
    promise(session, not_mine, "Someone else's promise", due_on=TODAY - timedelta(days=5))
    with app.app_context():
        digest = next(d for d in collect_digests(TODAY, [liaison.id]) if d.liaison.id == liaison.id)
        assert [c.description for c in digest.governance["commitments"]] == ["Send the orchestra proposal"]
        message = digest_message(digest, TODAY)
    text = message.get_body(("plain",)).get_content()
    assert "Overdue commitments" in text and "5 days late" in text and "Someone else" not in text


# --- the guests' portal ----------------------------------------------------------------------------------------

def test_guests_see_both_ways_shared_only_and_only_theirs(client, login, make, session, guest):
    user, partnership = guest
    other = make.partnership()
    promise(session, partnership, "Send the orchestra proposal", side=HOME)
    promise(session, partnership, "Share the festival dates", side=PARTNER, owner_name="Tanaka Yuki")
    promise(session, partnership, "Internal budget question", visibility=Visibility.STAFF_ONLY)
    promise(session, other, "Another city's promise", side=PARTNER, owner_name="Someone")
    login(user)
    assert f"/portal/partnerships/{partnership.id}/commitments" in client.get(
        f"/portal/partnerships/{partnership.id}").text
    page = client.get(f"/portal/partnerships/{partnership.id}/commitments").text
    assert page.index("Made to you") < page.index("Send the orchestra proposal") < page.index("Yours") < page.index(
        "Share the festival dates")
    assert "Internal budget question" not in page and "Another city" not in page
    assert client.get(f"/portal/partnerships/{other.id}/commitments").status_code == 404


def test_a_guest_marks_their_sides_commitment_done(client, login, session, guest):
    user, partnership = guest
    theirs = promise(session, partnership, "Share the festival dates", side=PARTNER, owner_name="Tanaka Yuki")
    login(user)
    response = client.post(f"/portal/commitments/{theirs.id}/done")
    assert response.status_code == 302
    session.refresh(theirs)
    assert (theirs.status, theirs.done_on, theirs.done_by_id) == (DONE, TODAY, user.id)


def test_a_guest_cannot_touch_our_sides_staff_only_or_another_partnerships(client, login, make, session, guest):
    user, partnership = guest
    ours = promise(session, partnership, "Send the proposal", side=HOME)
    hidden = promise(session, partnership, "Hidden", side=PARTNER, owner_name="X", visibility=Visibility.STAFF_ONLY)
    foreign = promise(session, make.partnership(), "Foreign", side=PARTNER, owner_name="Y")
    login(user)
    assert client.post(f"/portal/commitments/{ours.id}/done").status_code == 403
    assert client.post(f"/portal/commitments/{hidden.id}/done").status_code == 404
    assert client.post(f"/portal/commitments/{foreign.id}/done").status_code == 404
    assert client.post(f"/commitments/{ours.id}/done").status_code == 404  # the staff's step
    for commitment in (ours, hidden, foreign):
        session.refresh(commitment)
        assert commitment.status == OPEN


def test_demo_data_has_overdue_commitments_on_both_sides(app, session):
    from crm.demo.seed import seed_demo
    from crm.extensions import db

    with app.app_context():
        seed_demo(TODAY)
        db.session.commit()
    rows = session.scalars(select(Commitment)).all()
    overdue = {c.side for c in rows if is_overdue(c.status, c.due_on, TODAY)}
    assert overdue == {HOME, PARTNER} and any(c.status == DONE for c in rows)
    assert len({c.partnership_id for c in rows}) == 2
    assert session.scalar(select(Engagement).limit(1)) is not None

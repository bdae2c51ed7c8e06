from datetime import date

import pytest

from crm.engagements.models import Engagement, Pillar, Visibility
from crm.partnerships.models import Side


def log_data(**overrides):
    data = {"kind": "meeting", "occurred_on": "2025-03-14", "title": "Port authority working meeting",
            "notes": "Agreed next steps", "substantive": "yes", "visibility": "shared", "pillar": "business",
            "initiated_by": "partner"}
    data.update(overrides)
    return data


def test_coordinator_logs_an_engagement_and_sees_it_on_the_timeline(client, login, make, session):
    user = login("coordinator")
    partnership = make.partnership()
    response = client.post(f"/partnerships/{partnership.id}/engagements", data=log_data())
    assert response.status_code == 302
    engagement = session.query(Engagement).one()
    assert engagement.occurred_on == date(2025, 3, 14)
    assert engagement.substantive and engagement.pillar == Pillar.BUSINESS
    assert engagement.initiated_by == Side.PARTNER
    assert engagement.logged_by_id == user.id and engagement.logged_by_side == Side.HOME
    page = client.get(response.headers["Location"]).text
    assert "Port authority working meeting" in page and "Started by the partner" in page


def test_protocol_only_and_staff_only_are_recorded_and_shown(client, login, make, session):
    login("coordinator")
    partnership = make.partnership()
    client.post(f"/partnerships/{partnership.id}/engagements",
                data=log_data(substantive="no", visibility="staff_only", kind="letter", pillar=""))
    engagement = session.query(Engagement).one()
    assert not engagement.substantive and engagement.visibility == Visibility.STAFF_ONLY
    assert engagement.pillar is None
    page = client.get(f"/partnerships/{partnership.id}").text
    assert "Protocol only" in page and "Staff only" in page


@pytest.mark.parametrize("overrides, message", [
    ({"occurred_on": "not a date"}, "Not a valid date value."),
    ({"occurred_on": ""}, "Enter the date"),
    ({"title": "   "}, "This field is required."),
    ({"kind": "duel"}, "Not a valid choice"),
    ({"substantive": "maybe"}, "Not a valid choice"),
    ({"title": "x" * 301}, "Field cannot be longer than 300 characters."),
])
def test_bad_input_is_refused_at_the_field_and_nothing_saved(client, login, make, session, overrides, message):
    login("coordinator")
    partnership = make.partnership()
    response = client.post(f"/partnerships/{partnership.id}/engagements", data=log_data(**overrides))
    assert response.status_code == 422
    assert message in response.text
    assert "Agreed next steps" in response.text  # what was typed is kept
    assert session.query(Engagement).count() == 0


def test_timeline_is_newest_first_and_paginated(client, login, make):
    login("viewer")
    partnership = make.partnership()
    for month in range(1, 13):
        make.engagement(partnership, title=f"Month {month:02d} meeting", occurred_on=date(2024, month, 1))
    def timeline(url):
        return client.get(url).text.split('id="timeline"')[1].split("</section>")[0]

    page = timeline(f"/partnerships/{partnership.id}")
    assert page.index("Month 12 meeting") < page.index("Month 11 meeting")
    assert "Month 02 meeting" not in page  # per page is 10 in tests
    assert "Month 02 meeting" in timeline(f"/partnerships/{partnership.id}?page=2")


def test_planned_engagements_are_marked(client, login, make):
    login("viewer")
    partnership = make.partnership()
    make.engagement(partnership, title="Delegation next year", occurred_on=date(date.today().year + 1, 6, 1))
    assert "Planned" in client.get(f"/partnerships/{partnership.id}").text


def test_edit_an_engagement(client, login, make, session):
    login("coordinator")
    partnership = make.partnership()
    engagement = make.engagement(partnership, title="Old title", substantive=False, pillar=Pillar.CULTURE)
    page = client.get(f"/engagements/{engagement.id}/edit").text
    assert "Old title" in page and 'value="no" checked' in page.replace("checked id", "checked") or "checked" in page
    response = client.post(f"/engagements/{engagement.id}/edit", data=log_data(title="New title"))
    assert response.status_code == 302
    session.expire_all()
    assert session.get(Engagement, engagement.id).title == "New title"


def test_delete_asks_for_confirmation_first(client, login, make, session):
    login("coordinator")
    partnership = make.partnership()
    engagement = make.engagement(partnership, title="Courtesy call")
    confirm = client.get(f"/engagements/{engagement.id}/delete")
    assert "Delete “Courtesy call”?" in confirm.text
    assert session.query(Engagement).count() == 1
    assert client.post(f"/engagements/{engagement.id}/delete").status_code == 302
    assert session.query(Engagement).count() == 0


def test_unknown_engagement_is_404(client, login):
    login("coordinator")
    assert client.get("/engagements/424242/edit").status_code == 404
    assert client.post("/partnerships/424242/engagements", data=log_data()).status_code == 404

"""The partnership page: a compact header, the log composer and the timeline first, the rest in sections,
each at its own URL and each reading only what it shows."""
from datetime import date

import pytest

from crm.engagements.models import Engagement
from crm.partnerships.models import Side

#: what only one section shows (a heading, an empty state or a record's name made by setup below)
ONLY_ON = {
    "timeline": ['id="timeline"', 'id="timeline-heading"', 'id="facts-heading"'],
    "health": ['id="health"', "Substantive engagements per pillar"],
    "agreements": ['id="agreements"', 'id="programs"', "Trade missions"],
    "contacts": ['id="contacts"', 'id="organizations"', 'id="documents"', "Harbour University</bdi> <span", "ana@kyoto.example</a>"],
    "outcomes": ['id="outcomes"', "No missions, exchanges or completed projects yet."],
    "guests": ['id="guests"', "Guests and invitations", 'id="partner-contacts-heading"'],
    "history": ['id="history"', '<h2 id="history-heading">'],
}


@pytest.fixture
def partnership(make):
    partnership = make.partnership(partner=make.city("Kyoto", "京都市", "JP"), summary="Ports and students")
    make.engagement(partnership, title="Timeline entry one", occurred_on=date(2025, 2, 1))
    make.engagement(partnership, title="Guest-added entry", logged_by_side=Side.PARTNER, occurred_on=date(2024, 1, 1))
    make.contact(partnership, name="Ana Contact", email="ana@kyoto.example")
    make.organization(partnership, name="Harbour University")
    return partnership


def page(client, partnership, section=None, **args):
    query = dict(args, **({"section": section} if section else {}))
    response = client.get(f"/partnerships/{partnership.id}", query_string=query)
    assert response.status_code == 200
    return response.text


def body(text):
    """The page below its header and tabs: the section shown."""
    return text.split('class="partnership-tabs"')[1].split("</nav>", 1)[1]


@pytest.mark.parametrize("section", list(ONLY_ON))
def test_each_section_shows_its_content_and_no_other(client, login, partnership, section):
    login("viewer")
    shown = body(page(client, partnership, None if section == "timeline" else section))
    for marker in ONLY_ON[section]:
        assert marker in shown, marker
    for other, markers in ONLY_ON.items():
        if other != section:
            for marker in markers:
                assert marker not in shown, (other, marker)


def test_the_header_is_on_every_section(client, login, partnership):
    login("coordinator")
    for section in [None, *[s for s in ONLY_ON if s != "timeline"]]:
        head = page(client, partnership, section).split('class="partnership-head"')[1].split("</nav>")[0]
        assert "Kyoto" in head and "京都市" in head  # the partner city in both scripts
        assert "Active" in head and 'class="badge health-' in head and 'class="health-reason"' in head
        assert "No liaison" in head
        for action in ("Log an engagement", "Edit", "Profile (PDF)", "Guests", "Archive"):
            assert action in head, action


def test_tabs_are_links_with_the_current_one_marked(client, login, partnership):
    login("viewer")
    text = page(client, partnership, "contacts")
    tabs = text.split('class="partnership-tabs"')[1].split("</nav>")[0]
    assert tabs.count("<a ") == 8 and tabs.count('aria-current="page"') == 1
    current = tabs.split('aria-current="page"')[0].rsplit("<a ", 1)[1]
    assert f'/partnerships/{partnership.id}?section=contacts' in current
    assert f'href="/partnerships/{partnership.id}"' in tabs  # the timeline is the plain address
    assert "<title>Kyoto · Contacts and documents" in text


def test_old_anchors_resolve_on_the_tab_of_their_section(client, login, partnership):
    """/partnerships/<id>#contacts on the timeline lands on the tab that leads to the contacts (the page's script
    then opens that section); on its own section the anchor is the section itself, once."""
    login("coordinator")
    timeline = page(client, partnership)
    tabs = timeline.split('class="partnership-tabs"')[1].split("</nav>")[0]
    for anchor, section in (("contacts", "contacts"), ("organizations", "contacts"), ("documents", "contacts"),
                            ("agreements", "agreements"), ("programs", "agreements"), ("health", "health"),
                            ("outcomes", "outcomes"), ("history", "history"), ("guests", "guests")):
        assert timeline.count(f'id="{anchor}"') == 1
        link = tabs.split(f'<span id="{anchor}" data-section-anchor>')[0].rsplit("<a ", 1)[1]
        assert f"section={section}" in link, anchor
        own = page(client, partnership, section)
        assert own.count(f'id="{anchor}"') == 1 and f'<span id="{anchor}"' not in own
    assert timeline.count('id="timeline"') == 1 and timeline.count('id="log-engagement"') == 1
    assert '<span id="timeline" data-section-anchor>' in page(client, partnership, "health")


def test_an_unknown_section_is_not_found(client, login, partnership):
    login("viewer")
    assert client.get(f"/partnerships/{partnership.id}?section=secrets").status_code == 404


@pytest.mark.parametrize("section", [None, *[s for s in ONLY_ON if s != "timeline"]])
def test_guests_and_strangers_cannot_reach_any_section(client, login, make, partnership, section):
    query = {"section": section} if section else {}
    assert client.get(f"/partnerships/{partnership.id}", query_string=query).status_code in (302, 401)
    guest = make.user("guest")
    login(guest)
    assert client.get(f"/partnerships/{partnership.id}", query_string=query).status_code in (403, 404)


def test_the_composer_comes_before_the_timeline_and_sends_back_to_itself(client, login, partnership):
    login("coordinator")
    text = page(client, partnership)
    assert text.index('id="log-engagement"') < text.index("Timeline entry one")
    assert text.index('class="partnership-tabs"') < text.index('id="log-engagement"')
    assert f'action="/partnerships/{partnership.id}/engagements#log-engagement"' in text
    assert 'id="log-engagement-form"' in text


def test_viewers_get_no_composer(client, login, partnership):
    login("viewer")
    text = page(client, partnership)
    assert "Log an engagement" not in text and 'id="log-engagement"' not in text


def test_a_refused_entry_comes_back_on_the_open_composer_with_the_error_and_what_was_typed(client, login,
                                                                                          partnership, session):
    login("coordinator")
    response = client.post(f"/partnerships/{partnership.id}/engagements",
                           data={"kind": "meeting", "occurred_on": "2025-03-14", "title": "  ",
                                 "notes": "Typed notes", "substantive": "yes", "visibility": "shared"})
    assert response.status_code == 422
    composer = response.text.split('id="log-engagement"')[1].split("</details>")[0]
    assert composer.lstrip().startswith('class="log-form" open')
    assert "This field is required." in composer and 'aria-invalid="true"' in composer
    assert "Typed notes" in composer
    assert "The engagement was not saved." in response.text
    assert session.query(Engagement).filter_by(notes="Typed notes").count() == 0


def test_a_saved_entry_is_on_the_timeline_the_save_returns_to(client, login, partnership):
    login("coordinator")
    response = client.post(f"/partnerships/{partnership.id}/engagements",
                           data={"kind": "meeting", "occurred_on": "2025-03-14", "title": "Fresh entry",
                                 "substantive": "yes", "visibility": "shared", "pillar": "business",
                                 "initiated_by": "home"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/partnerships/{partnership.id}#timeline")
    text = client.get(response.headers["Location"]).text
    assert "was added to the timeline" in text
    assert text.index("Fresh entry") < text.index("Timeline entry one")  # the newest first


def test_documents_uploaded_on_the_contacts_section_return_there(client, login, partnership):
    login("coordinator")
    text = page(client, partnership, "contacts")
    assert f'name="next" value="/partnerships/{partnership.id}?section=contacts"' in text


def test_each_section_reads_only_what_it_shows(client, login, partnership, count_queries):
    login("viewer")
    read = {}
    for section in ONLY_ON:
        with count_queries() as counted:
            page(client, partnership, None if section == "timeline" else section)
        read[section] = " ".join(str(statement) for statement in counted.statements).lower()
        assert counted.count < 23, section  # the whole page's old budget
    # the people of a partnership are everyone linked to it (issue 22): read from person_links, with the contacts
    for table, section in (("from person_links join contacts", "contacts"), ("from organizations", "contacts"),
                           ("from attachments", "contacts"), ("from agreements", "agreements"),
                           ("from audit_events", "history")):
        assert table in read[section], table
        assert table not in read["timeline"], table

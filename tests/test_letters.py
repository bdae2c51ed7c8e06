"""Letters of a visit (issue 22 §5): a visa invitation letter for each incoming participant (their name in their
own script and as in their passport, the purpose, dates, host and who pays what, in their language, the passport
number only for protocol access and only when asked for), thank-you letters after the visit to hosts, officials
and the people met, and an interpreter per itinerary item on the mission page and in the briefing packet."""
import io
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from pypdf import PdfReader

from crm.contacts.models import Contact
from crm.enums import CostCategory, CostStage, EngagementKind, HelperKind, ParticipantRole, Payer, Side
from crm.extensions import db
from crm.programs.missions.models import ItineraryItem, TradeMission
from crm.protocol.models import CostLine, Helper, Placement, RosterEntry

PASSPORT = "TK7654321"
#: the office's today in every test (tests/conftest.py stops the clock on 25 November 2026)
TODAY = date(2026, 11, 25)


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def visit(make, session):
    """Kyoto's delegation visiting Portland: a Japanese and an Egyptian guest on the partner's list, a French
    expert on ours (another country: incoming too), our own deputy mayor (not incoming); a host family; costs."""
    make.home_city()
    kyoto = make.city("Kyoto", "京都市", "JP")
    partnership = make.partnership(partner=kyoto)
    engagement = make.engagement(partnership, kind=EngagementKind.VISIT, title="Kyoto youth delegation",
                                 occurred_on=TODAY + timedelta(days=30))
    yamada = make.contact(partnership, name="Taro Yamada", name_native="山田 太郎", name_romanized="Yamada Taro",
                          family_name_first=True, passport_name="YAMADA TARO", passport_number=PASSPORT,
                          language="ja", country="JP", job_title="Teacher")
    hassan = make.contact(partnership, name="Ahmed Hassan", name_native="أحمد حسن", passport_name="HASSAN AHMED",
                          language="ar", country="EG")
    expert = make.contact(partnership, side=Side.HOME, name="Claire Martin", country="FR", language="fr")
    deputy = make.contact(partnership, side=Side.HOME, name="Pat Deputy", country="US")
    host = make.contact(partnership, side=Side.HOME, name="Jane Smith", language="en")
    entries = {
        "yamada": RosterEntry(engagement_id=engagement.id, contact_id=yamada.id, side=Side.PARTNER,
                              role=ParticipantRole.DELEGATE, arrives_on=TODAY + timedelta(days=29),
                              leaves_on=TODAY + timedelta(days=33), funded_by=Payer.GRANT,
                              funder_name="Kyoto Youth Fund"),
        "hassan": RosterEntry(engagement_id=engagement.id, contact_id=hassan.id, side=Side.PARTNER,
                              role=ParticipantRole.OFFICIAL),
        "expert": RosterEntry(engagement_id=engagement.id, contact_id=expert.id, side=Side.HOME,
                              role=ParticipantRole.INTERPRETER),
        "deputy": RosterEntry(engagement_id=engagement.id, contact_id=deputy.id, side=Side.HOME,
                              role=ParticipantRole.OFFICIAL),
    }
    session.add_all(entries.values())
    session.flush()
    helper = Helper(contact_id=host.id, kind=HelperKind.HOUSEHOLD, household_name="The Smith family",
                    address="12 Elm Street\nPortland", beds=2)
    session.add(helper)
    session.flush()
    session.add_all([
        Placement(engagement_id=engagement.id, roster_entry_id=entries["yamada"].id, helper_id=helper.id),
        CostLine(engagement_id=engagement.id, stage=CostStage.BUDGET, category=CostCategory.LODGING,
                 amount_minor=50000, currency="USD", paid_by=Payer.CITY),
        CostLine(engagement_id=engagement.id, stage=CostStage.BUDGET, category=CostCategory.TRAVEL,
                 amount_minor=90000, currency="JPY", paid_by=Payer.PARTNER, payer_name="City of Kyoto"),
        # another traveller's own flight: not in Yamada's letter
        CostLine(engagement_id=engagement.id, stage=CostStage.BUDGET, category=CostCategory.MEALS,
                 amount_minor=100, currency="USD", paid_by=Payer.SPONSOR, roster_entry_id=entries["hassan"].id),
    ])
    session.commit()
    return {"engagement": engagement, "partnership": partnership, "entries": entries, "host": host,
            "people": {"yamada": yamada, "hassan": hassan, "expert": expert, "deputy": deputy}}


def letter_url(visit, who: str, **args) -> str:
    engagement, entry = visit["engagement"], visit["entries"][who]
    query = "&".join(f"{key}={value}" for key, value in args.items())
    return f"/engagements/{engagement.id}/participants/{entry.id}/visa-letter.pdf" + (f"?{query}" if query else "")


def move_past(session, visit):
    """The visit is over: it ended yesterday."""
    engagement = visit["engagement"]
    engagement.occurred_on = TODAY - timedelta(days=3)
    for entry in visit["entries"].values():
        entry.arrives_on = entry.leaves_on = None
    session.commit()


# the hub and the list -------------------------------------------------------------------------------------------

def test_the_hub_lists_incoming_participants_with_their_letters(client, login, visit):
    login("viewer")
    engagement, entries = visit["engagement"], visit["entries"]
    page = client.get(f"/engagements/{engagement.id}/people").get_data(as_text=True)
    assert 'id="letters"' in page
    for who in ("yamada", "hassan", "expert"):
        assert f"/participants/{entries[who].id}/visa-letter.pdf" in page, who
    assert f"/participants/{entries['deputy'].id}/visa-letter.pdf" not in page  # our own, from our country
    assert "山田 太郎" in page and "YAMADA TARO" in page
    assert "日本語" in page and "العربية" in page  # each letter's language, named in itself
    assert 'name="passport"' not in page  # no protocol access: no passport choice
    assert "Thank-you letters can be drafted once the visit is over" in page


def test_the_passport_choice_is_offered_only_with_protocol_access(client, login, make, visit):
    login(make.user("coordinator", protocol_access=True))
    page = client.get(f"/engagements/{visit['engagement'].id}/people").get_data(as_text=True)
    assert 'name="passport"' in page


def test_the_visa_letters_page_pages_and_keeps_the_choices(client, login, visit):
    login("coordinator")
    url = f"/engagements/{visit['engagement'].id}/visa-letters?lang=fr&signatory_name=Rosa+Lee"
    page = client.get(url).get_data(as_text=True)
    assert 'value="Rosa Lee"' in page
    assert re.search(r'<option[^>]*selected[^>]*value="fr"|<option[^>]*value="fr"[^>]*selected', page)
    assert page.count("visa-letter.pdf") == 3


def test_no_incoming_participants_says_so(client, login, make):
    login("coordinator")
    make.home_city()
    engagement = make.engagement(make.partnership(), kind=EngagementKind.VISIT)
    page = client.get(f"/engagements/{engagement.id}/people").get_data(as_text=True)
    assert "No incoming participants yet" in page
    assert client.get(f"/engagements/{engagement.id}/visa-letters").status_code == 200


# the visa letter ------------------------------------------------------------------------------------------------

def test_a_japanese_participants_letter_names_them_in_both_scripts(client, login, visit):
    login("coordinator")
    response = client.get(letter_url(visit, "yamada", signatory_name="Rosa Lee",
                                     signatory_title="Director"))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "Visa-letter" in response.headers["Content-Disposition"]
    text = pdf_text(response.data)
    for expected in ("山田", "太郎", "YAMADA TARO", "Kyoto youth delegation", "Rosa Lee", "Director",
                     "The Smith family", "12 Elm Street, Portland", "Kyoto Youth Fund", "City of Kyoto"):
        assert expected in text, expected
    assert PASSPORT not in text


def test_an_arabic_participants_letter_names_them_in_arabic(client, login, visit):
    login("coordinator")
    response = client.get(letter_url(visit, "hassan"))
    assert response.status_code == 200
    text = pdf_text(response.data)
    assert "HASSAN AHMED" in text
    # Arabic is drawn right to left: the words come out in either order, each whole
    assert "أحمد" in text or "دمحأ" in text
    assert "حسن" in text or "نسح" in text


def test_the_letter_is_signed_by_whoever_prints_it_unless_told(app, client, login, make, visit):
    user = login(make.user("coordinator", name="Morgan Office"))
    assert "Morgan Office" in pdf_text(client.get(letter_url(visit, "expert")).data)
    text = pdf_text(client.get(letter_url(visit, "expert", signatory_name="", signatory_title="")).data)
    assert user.name not in text


def test_the_passport_number_needs_protocol_access_and_the_box_ticked(client, login, make, visit):
    login("coordinator")
    assert PASSPORT not in pdf_text(client.get(letter_url(visit, "yamada", passport="y")).data)
    login(make.user("viewer", protocol_access=True))
    assert PASSPORT not in pdf_text(client.get(letter_url(visit, "yamada")).data)
    assert PASSPORT in pdf_text(client.get(letter_url(visit, "yamada", passport="y")).data)


def test_who_pays_what_leaves_out_other_travellers_costs(app_ctx, visit):
    from crm.protocol.letters.queries import who_pays

    lines = who_pays(visit["engagement"], visit["entries"]["yamada"])
    assert [(line.payer, line.categories, line.names) for line in lines] == [
        (Payer.CITY, [CostCategory.LODGING], []), (Payer.PARTNER, [CostCategory.TRAVEL], ["City of Kyoto"])]
    assert Payer.SPONSOR in [line.payer for line in who_pays(visit["engagement"], visit["entries"]["hassan"])]


def test_bad_choices_come_back_with_what_was_typed(client, login, visit):
    login("coordinator")
    response = client.get(letter_url(visit, "yamada", lang="xx", signatory_name="Rosa Lee"))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'value="Rosa Lee"' in page and 'class="error"' in page
    long_name = "N" * 201
    assert client.get(letter_url(visit, "yamada", signatory_name=long_name)).status_code == 400


def test_only_the_engagements_incoming_participants_have_a_letter(client, login, make, visit):
    login("coordinator")
    engagement = visit["engagement"]
    deputy = visit["entries"]["deputy"]
    assert client.get(f"/engagements/{engagement.id}/participants/{deputy.id}/visa-letter.pdf").status_code == 404
    other = make.engagement(visit["partnership"])
    yamada = visit["entries"]["yamada"]
    assert client.get(f"/engagements/{other.id}/participants/{yamada.id}/visa-letter.pdf").status_code == 404


@pytest.mark.parametrize("language", ["en", "ja", "ar"])
def test_the_letter_prints_in_latin_cjk_and_arabic(client, login, visit, language):
    login("coordinator")
    response = client.get(letter_url(visit, "yamada", lang=language))
    assert response.status_code == 200
    assert "YAMADA TARO" in pdf_text(response.data)


def test_the_letter_language_follows_the_person_then_their_city(app_ctx, visit):
    from crm.protocol.letters.rules import letter_language

    people, partnership = visit["people"], visit["partnership"]
    assert letter_language(people["yamada"], partnership) == "ja"
    assert letter_language(people["yamada"], partnership, "de") == "de"
    assert letter_language(people["expert"], partnership) == "fr"
    people["hassan"].language = None
    assert letter_language(people["hassan"], partnership) == "ja"  # the partner city's
    assert letter_language(people["deputy"], partnership) == "en"  # our side: the home city's


def test_the_hubs_letters_section_reads_a_fixed_number_of_queries(app, make, session, visit, count_queries):
    from crm.protocol.letters.section import HUB_LIMIT, for_engagement

    engagement = visit["engagement"]

    def measure() -> int:
        with app.test_request_context():
            loaded = db.session.get(type(engagement), engagement.id)
            with count_queries() as counter:
                context = for_engagement(loaded, TODAY)
            return counter.count, context["letters_incoming_total"]

    small = measure()
    for n in range(HUB_LIMIT + 5):
        person = make.contact(visit["partnership"], name=f"Guest {n}")
        session.add(RosterEntry(engagement_id=engagement.id, contact_id=person.id, side=Side.PARTNER))
    session.commit()
    large = measure()
    assert large[1] == small[1] + HUB_LIMIT + 5
    assert large[0] <= small[0] + 1  # one more to count them once there are more than the hub shows


# thank-you letters ----------------------------------------------------------------------------------------------

def test_thank_you_letters_wait_for_the_end_of_the_visit(client, login, visit):
    login("coordinator")
    engagement = visit["engagement"]
    page = client.get(f"/engagements/{engagement.id}/thanks").get_data(as_text=True)
    assert "once the visit is over" in page and "<textarea" not in page
    response = client.get(f"/engagements/{engagement.id}/thanks/{visit['host'].id}.pdf")
    assert response.status_code == 302


def test_after_the_visit_each_host_and_official_gets_a_draft_in_their_language(client, login, session, visit):
    move_past(session, visit)
    login("coordinator")
    engagement = visit["engagement"]
    page = client.get(f"/engagements/{engagement.id}/thanks").get_data(as_text=True)
    assert f'id="thanks-{visit["host"].id}"' in page  # the host family
    assert f'id="thanks-{visit["people"]["hassan"].id}"' in page  # an official of theirs
    assert f'id="thanks-{visit["people"]["deputy"].id}"' in page  # and of ours
    assert f'id="thanks-{visit["people"]["yamada"].id}"' not in page  # a delegate: thanked through their host
    assert "Yamada" in page or "山田" in page  # the host's draft names the guest they welcomed
    assert "العربية" in page  # the Egyptian official's letter is in Arabic


def test_a_thank_you_letter_prints_the_text_as_edited(client, login, session, visit):
    move_past(session, visit)
    login("viewer")
    engagement, host = visit["engagement"], visit["host"]
    url = f"/engagements/{engagement.id}/thanks/{host.id}.pdf"
    response = client.post(url, data={"body": "Dear Jane,\n\nThank you for the sushi night.\nIt was perfect.",
                                      "signatory_name": "Rosa Lee", "lang": "en"})
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    assert "Thank you for the sushi night." in text and "Rosa Lee" in text
    default = pdf_text(client.get(url).data)
    assert "Jane Smith" in default and "YAMADA Taro" in default  # the draft: the host, and the guest they hosted


def test_an_empty_thank_you_letter_comes_back_with_an_error(client, login, session, visit):
    move_past(session, visit)
    login("coordinator")
    engagement, host = visit["engagement"], visit["host"]
    response = client.post(f"/engagements/{engagement.id}/thanks/{host.id}.pdf",
                           data={"body": "  ", "signatory_name": "Rosa Lee"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Write the letter" in page and 'value="Rosa Lee"' in page


def test_a_thank_you_letter_in_arabic_and_japanese(client, login, session, visit):
    move_past(session, visit)
    login("coordinator")
    engagement, hassan = visit["engagement"], visit["people"]["hassan"]
    for language in ("ar", "ja"):
        response = client.get(f"/engagements/{engagement.id}/thanks/{hassan.id}.pdf?lang={language}")
        assert response.status_code == 200, language
        assert "حسن" in pdf_text(response.data) or "نسح" in pdf_text(response.data)


def test_only_the_visits_hosts_officials_and_people_met_are_thanked(client, login, session, visit):
    move_past(session, visit)
    login("coordinator")
    engagement = visit["engagement"]
    yamada = visit["people"]["yamada"]
    assert client.get(f"/engagements/{engagement.id}/thanks/{yamada.id}.pdf").status_code == 404


def test_a_missions_itinerary_contacts_are_thanked(client, login, make, session):
    make.home_city()
    partnership = make.partnership(partner=make.city("Kyoto", "京都市", "JP"))
    mayor = make.contact(partnership, name="Daisaku Kadokawa", name_native="門川 大作", language="ja",
                         honorific="市長", family_name_first=True)
    mission = TradeMission(partnership=partnership, title="Clean-tech mission", direction="outbound",
                           occurred_on=TODAY - timedelta(days=10), ends_on=TODAY - timedelta(days=8))
    start = datetime(2026, 11, 16, 1, 0, tzinfo=UTC)
    mission.itinerary.append(ItineraryItem(starts_at=start, ends_at=start + timedelta(hours=1),
                                           timezone="Asia/Tokyo", title="Courtesy call at City Hall",
                                           contact=mayor))
    session.add(mission)
    session.commit()
    login("coordinator")
    page = client.get(f"/engagements/{mission.id}/thanks").get_data(as_text=True)
    assert f'id="thanks-{mayor.id}"' in page
    assert "門川 大作 市長" in page and "Courtesy call at City Hall" in page


# interpreters on the itinerary ----------------------------------------------------------------------------------

@pytest.fixture
def mission(make, session):
    make.home_city()
    partnership = make.partnership(partner=make.city("Kyoto", "京都市", "JP"))
    interpreter = make.contact(partnership, side=Side.HOME, name="Keiko Sato", name_native="佐藤 恵子",
                               name_romanized="Sato Keiko", family_name_first=True)
    mission = TradeMission(partnership=partnership, title="Clean-tech mission", direction="outbound",
                           occurred_on=TODAY + timedelta(days=40), ends_on=TODAY + timedelta(days=42))
    start = datetime.combine(TODAY + timedelta(days=40), datetime.min.time(), tzinfo=UTC)
    mission.itinerary.append(ItineraryItem(starts_at=start, ends_at=start + timedelta(hours=1), timezone="Asia/Tokyo",
                                           title="Port authority", interpreter=interpreter,
                                           interpreter_language="ja ↔ en"))
    session.add(mission)
    session.commit()
    return mission, interpreter


def test_the_briefing_packet_names_each_items_interpreter(client, login, mission):
    record, _interpreter = mission
    login("coordinator")
    text = pdf_text(client.get(f"/missions/{record.id}/briefing.pdf?lang=en").data)
    assert "佐藤" in text and "SATO Keiko" in text and "ja ↔ en" in text


def test_the_mission_page_shows_and_edits_the_interpreter(client, login, make, session, mission):
    record, _interpreter = mission
    login("coordinator")
    page = client.get(f"/missions/{record.id}").get_data(as_text=True)
    assert "SATO Keiko" in page and "ja ↔ en" in page and 'name="interpreter_id"' in page
    # someone linked from another partnership may interpret too
    other = make.contact(make.partnership(), side=Side.HOME, name="Lin Wei")
    from crm.contacts.models import PersonLink

    session.add(PersonLink(contact_id=other.id, partnership_id=record.partnership_id, side=Side.HOME,
                           role="interpreter"))
    session.commit()
    item = record.itinerary[0]
    form_page = client.get(f"/itinerary/{item.id}/edit").get_data(as_text=True)
    assert f'value="{other.id}"' in form_page
    day = (TODAY + timedelta(days=40)).isoformat()
    response = client.post(f"/itinerary/{item.id}/edit", data={
        "version": item.version, "day": day, "starts": "09:00", "ends": "10:00", "timezone": "Asia/Tokyo",
        "title": "Port authority", "contact_id": 0, "interpreter_id": other.id, "interpreter_language": "zh ↔ en"})
    assert response.status_code == 302, response.get_data(as_text=True)
    session.expire_all()
    saved = session.get(ItineraryItem, item.id)
    assert (saved.interpreter_id, saved.interpreter_language) == (other.id, "zh ↔ en")


def test_a_guests_packet_leaves_out_a_staff_only_interpreter(app, make, session, mission):
    from crm.documents.briefing import briefing_html
    from crm.enums import Visibility

    record, interpreter = mission
    interpreter.visibility = Visibility.STAFF_ONLY
    session.commit()
    with app.test_request_context():
        loaded = db.session.get(TradeMission, record.id)
        assert "佐藤" in briefing_html(loaded, "en")
        assert "佐藤" not in briefing_html(loaded, "en", for_guest=True)


# names ----------------------------------------------------------------------------------------------------------

def test_a_family_name_first_is_written_in_capitals_when_romanized():
    from crm.contacts import names

    person = Contact(name="Taro Yamada", name_native="山田 太郎", name_romanized="Yamada Taro", family_name_first=True)
    assert names.romanized(person) == "YAMADA Taro"
    assert names.both(person) == "山田 太郎 (YAMADA Taro)"
    assert names.as_in_passport(person) == "YAMADA Taro"
    person.passport_name = "YAMADA TARO"
    assert names.as_in_passport(person) == "YAMADA TARO"
    western = Contact(name="Jane Doe", name_romanized="Jane Doe")
    assert names.romanized(western) == "Jane Doe"
    assert names.romanized(Contact(name="Kovács János", name_romanized="Kovács János", family_name_first=True)) \
        == "KOVÁCS János"

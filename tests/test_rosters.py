"""Named participants and certified lists (issue 22 §2): the counts (who is invited from abroad), the staff's
roster on the People and protocol page, the partner's half in the portal (by hand and from a spreadsheet), the
exports, the certified list per town in its language, the annual report, the exchange's participants, retention,
and two people adding the same participant at once."""
import io
from datetime import date, timedelta

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from crm.audit.models import AuditEvent
from crm.contacts.models import Contact, PersonLink
from crm.engagements.models import Engagement
from crm.enums import (
    EngagementKind,
    ExchangeDirection,
    ExchangeKind,
    MissionDirection,
    ParticipantRole,
    Side,
    Visibility,
)
from crm.guests.models import GuestAccess
from crm.programs.exchanges.models import Exchange
from crm.programs.missions.models import TradeMission
from crm.protocol.models import RosterEntry
from crm.settings.models import OfficeSettings
from tests.races import second_insert_waits_then_is_refused

TODAY = date(2026, 11, 25)  # the frozen clock's day
HOME, PARTNER = Side.HOME, Side.PARTNER


@pytest.fixture
def kyoto(make, session):
    """A partnership of Portland (US) with Kyoto (JP), and an incoming visit next month, shared."""
    make.home_city()
    partnership = make.partnership(partner=make.city("Kyoto", native_name="京都市", country_code="JP"))
    visit = make.engagement(partnership, kind=EngagementKind.VISIT, title="Kyoto delegation visit",
                            occurred_on=TODAY + timedelta(days=30))
    return partnership, visit


@pytest.fixture
def guest(make, session, kyoto):
    partnership, _visit = kyoto
    contact = make.contact(partnership, name="Hanako Yamada", language="ja")
    user = make.user("guest", name="Hanako Yamada", email="hanako@kyoto.example", language="ja")
    session.add(GuestAccess(user=user, partnership=partnership, contact=contact))
    session.commit()
    return user


def person(make, partnership, name, side=PARTNER, **fields):
    return make.contact(partnership, name=name, side=side, **fields)


def listed(session, engagement, contact, side=PARTNER, **fields):
    entry = RosterEntry(engagement_id=engagement.id, contact_id=contact.id, side=side, **fields)
    session.add(entry)
    session.commit()
    return entry


def collect(session, on=True):
    settings = session.get(OfficeSettings, 1)
    settings.collect_sex_and_minor = on
    session.commit()


# --- the counts ------------------------------------------------------------------------------------------------

def test_counts_by_side_country_sex_and_who_is_invited_from_abroad(app_ctx, make, session, kyoto):
    from crm.protocol.rosters.counts import counts

    partnership, visit = kyoto
    listed(session, visit, person(make, partnership, "Yamada", sex="f"), minor=True, country="JP")
    listed(session, visit, person(make, partnership, "Sato", sex="m"), minor=True)  # no country: Kyoto's
    listed(session, visit, person(make, partnership, "Kim", sex="f"), country="KR")
    listed(session, visit, person(make, partnership, "Whitfield", side=HOME, sex="f"), side=HOME)
    listed(session, visit, person(make, partnership, "Reed", side=HOME, country="us"), side=HOME)

    figures = counts(visit)
    assert (figures.total, figures.home, figures.partner) == (5, 2, 3)
    assert figures.host_country == "US"  # an incoming visit: Portland hosts
    assert figures.from_abroad == 3  # Japan twice, Korea once
    assert figures.by_country == [("JP", 2), ("US", 2), ("KR", 1)]
    assert {str(sex): number for sex, number in figures.by_sex.items()} == {"f": 3, "m": 1, "None": 1}
    assert figures.minors == 2


def test_an_outbound_trip_is_hosted_by_the_partner_city(app_ctx, make, session, kyoto):
    from crm.protocol.rosters.counts import counts, host_side, takes_place_abroad

    partnership, _visit = kyoto
    mission = TradeMission(partnership=partnership, title="Trade mission to Kyoto", direction=MissionDirection.OUTBOUND,
                           occurred_on=TODAY, ends_on=TODAY + timedelta(days=3))
    exchange = Exchange(partnership=partnership, title="Exchange", exchange_kind=ExchangeKind.YOUTH,
                        direction=ExchangeDirection.BOTH, occurred_on=TODAY, ends_on=TODAY)
    session.add_all([mission, exchange])
    session.commit()
    listed(session, mission, person(make, partnership, "Our mayor", side=HOME), side=HOME)
    listed(session, mission, person(make, partnership, "Their host"))
    assert takes_place_abroad(mission) and host_side(mission) == PARTNER
    assert not takes_place_abroad(exchange)  # both ways: counted from here
    figures = counts(mission)
    assert figures.host_country == "JP" and figures.from_abroad == 1  # our mayor, abroad in Kyoto


def test_counts_take_one_query_whatever_the_roster(app, make, session, kyoto, count_queries):
    from crm.protocol.rosters.counts import counts

    partnership, visit = kyoto
    with app.app_context():
        visit = session.get(Engagement, visit.id)
        with count_queries() as few:
            counts(visit)
        for n in range(20):
            listed(session, visit, person(make, partnership, f"P{n}"), country="JP" if n % 2 else "KR")
        with count_queries() as many:
            counts(visit)
    assert many.count == few.count == 1


# --- the staff's roster ----------------------------------------------------------------------------------------

def test_staff_add_a_new_person_who_exists_once_linked_and_shared(client, login, make, session, kyoto):
    partnership, visit = kyoto
    login("coordinator")
    response = client.post(f"/engagements/{visit.id}/participants/new", data={
        "person": "0", "name": "", "name_native": "山田 花子", "name_romanized": "YAMADA Hanako",
        "family_name_first": "y", "side": "partner", "role": "student", "town": "宇治市", "country": "JP",
        "arrives_on": (TODAY + timedelta(days=30)).isoformat(), "leaves_on": (TODAY + timedelta(days=37)).isoformat()})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/engagements/{visit.id}/people#participants")
    entry = session.scalars(select(RosterEntry)).one()
    contact = session.get(Contact, entry.contact_id)
    assert (contact.name, contact.name_native, contact.partnership_id, contact.side) == (
        "YAMADA Hanako", "山田 花子", partnership.id, PARTNER)
    assert (entry.role, entry.town, entry.added_by_side) == (ParticipantRole.STUDENT, "宇治市", HOME)
    link = session.scalars(select(PersonLink).where(PersonLink.contact_id == contact.id)).one()
    assert link.visibility == Visibility.SHARED

    # the same name typed again on another visit is the same person, not a second one
    other = make.engagement(partnership, kind=EngagementKind.EVENT, title="Festival")
    client.post(f"/engagements/{other.id}/participants/new", data={
        "person": "0", "name_romanized": "yamada hanako", "side": "partner", "role": "student"})
    assert session.scalar(select(func.count()).select_from(Contact).where(Contact.name_native == "山田 花子")) == 1
    assert session.scalar(select(func.count()).select_from(RosterEntry)) == 2

    page = client.get(f"/engagements/{visit.id}/people").get_data(as_text=True)
    assert "山田 花子 (YAMADA Hanako)" in page and "Invited from abroad" in page


def test_picking_someone_already_on_the_list_is_refused_and_keeps_what_was_typed(client, login, make, session,
                                                                                  kyoto):
    partnership, visit = kyoto
    interpreter = person(make, partnership, "Emily Chen", side=HOME)
    login("coordinator")
    form = client.get(f"/engagements/{visit.id}/participants/new").get_data(as_text=True)
    assert "Emily Chen" in form
    data = {"person": str(interpreter.id), "side": "home", "role": "interpreter", "town": "Portland"}
    assert client.post(f"/engagements/{visit.id}/participants/new", data=data).status_code == 302
    assert session.scalar(select(func.count()).select_from(Contact)) == 1  # nobody new
    again = client.post(f"/engagements/{visit.id}/participants/new",
                        data={"person": "0", "name": "Emily Chen", "side": "home", "role": "interpreter",
                              "town": "Beaverton"})
    assert again.status_code == 422
    body = again.get_data(as_text=True)
    assert "is on this list already" in body and 'value="Beaverton"' in body
    missing = client.post(f"/engagements/{visit.id}/participants/new", data={"person": "0", "side": "home",
                                                                              "role": "delegate"})
    assert missing.status_code == 422 and "Write the participant" in missing.get_data(as_text=True)
    bad_dates = client.post(f"/engagements/{visit.id}/participants/new", data={
        "person": "0", "name": "Late", "side": "home", "role": "delegate", "arrives_on": "2026-12-10",
        "leaves_on": "2026-12-01"})
    assert bad_dates.status_code == 422 and "cannot be before the arrival" in bad_dates.get_data(as_text=True)


def test_an_edit_based_on_an_old_version_shows_the_conflict(client, login, make, session, kyoto):
    partnership, visit = kyoto
    entry = listed(session, visit, person(make, partnership, "Sato"), town="Kyoto")
    login("coordinator")
    data = {"version": str(entry.version), "name": "Sato Kenta", "side": "partner", "role": "chaperone",
            "town": "Uji"}
    assert client.post(f"/participants/{entry.id}/edit", data=data).status_code == 302
    session.refresh(entry)
    assert (entry.town, entry.role, entry.contact.name) == ("Uji", ParticipantRole.CHAPERONE, "Sato Kenta")
    stale = client.post(f"/participants/{entry.id}/edit", data={**data, "town": "Kameoka"})
    assert stale.status_code == 409 and 'value="Kameoka"' in stale.get_data(as_text=True)
    session.refresh(entry)
    assert entry.town == "Uji"


def test_removing_asks_first_and_keeps_the_person(client, login, make, session, kyoto):
    partnership, visit = kyoto
    entry = listed(session, visit, person(make, partnership, "Ito Daiki"))
    login("coordinator")
    confirm = client.get(f"/participants/{entry.id}/remove")
    assert confirm.status_code == 200 and "Take Ito Daiki off the list" in confirm.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(RosterEntry)) == 1
    assert client.post(f"/participants/{entry.id}/remove").status_code == 302
    assert session.scalar(select(func.count()).select_from(RosterEntry)) == 0
    assert session.scalar(select(func.count()).select_from(Contact).where(Contact.name == "Ito Daiki")) == 1


def test_sex_and_age_are_asked_and_shown_only_where_the_office_collects_them(client, login, make, session, kyoto):
    partnership, visit = kyoto
    listed(session, visit, person(make, partnership, "Tanaka Yui", sex="f"), minor=True)
    login("coordinator")
    assert "By sex" not in client.get(f"/engagements/{visit.id}/people").get_data(as_text=True)
    assert 'name="minor"' not in client.get(f"/engagements/{visit.id}/participants/new").get_data(as_text=True)
    assert client.get("/rosters/settings").status_code == 403
    login("admin")
    settings = client.get("/rosters/settings")
    assert settings.status_code == 200
    version = session.get(OfficeSettings, 1).version
    saved = client.post("/rosters/settings", data={"version": str(version), "collect_sex_and_minor": "y",
                                                   "roster_retention_years": "7"})
    assert saved.status_code == 302
    session.expire_all()
    assert session.get(OfficeSettings, 1).collect_sex_and_minor and session.get(OfficeSettings, 1).roster_retention_years == 7
    page = client.get(f"/engagements/{visit.id}/people").get_data(as_text=True)
    assert "By sex" in page and "Female: 1" in page
    assert 'name="minor"' in client.get(f"/engagements/{visit.id}/participants/new").get_data(as_text=True)
    bad = client.post("/rosters/settings", data={"version": str(version + 1), "roster_retention_years": "0"})
    assert bad.status_code == 200 and "Number must be" in bad.get_data(as_text=True)


def test_the_roster_page_takes_a_fixed_number_of_queries(client, login, make, session, kyoto, count_queries):
    partnership, visit = kyoto
    login("coordinator")
    client.get(f"/engagements/{visit.id}/people")
    with count_queries() as few:
        client.get(f"/engagements/{visit.id}/people")
    for n in range(12):
        listed(session, visit, person(make, partnership, f"Pupil {n}"), minor=True)
    with count_queries() as many:
        assert client.get(f"/engagements/{visit.id}/people").status_code == 200
    assert many.count <= few.count + 1, many.statements  # the list, once it has rows, reads its people


# --- exports ---------------------------------------------------------------------------------------------------

def test_the_roster_and_its_counts_export_without_anything_sensitive(client, login, make, session, kyoto):
    partnership, visit = kyoto
    yamada = person(make, partnership, "YAMADA Hanako", name_native="山田 花子", passport_number="TK1234567",
                    medical_notes="SECRET-ALLERGY")
    listed(session, visit, yamada, role=ParticipantRole.STUDENT, country="JP")
    login("coordinator")
    csv = client.get(f"/engagements/{visit.id}/participants/export?fmt=csv")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    text = csv.get_data(as_text=True)
    assert "山田 花子" in text and "YAMADA Hanako" in text and "Japan" in text and "Student" in text
    assert "TK1234567" not in text and "SECRET-ALLERGY" not in text
    xlsx = client.get(f"/engagements/{visit.id}/participants/export?fmt=xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    figures = client.get(f"/engagements/{visit.id}/participants/counts?fmt=csv").get_data(as_text=True)
    assert "Invited from abroad,1" in figures and "From Japan,1" in figures
    assert client.get(f"/engagements/{visit.id}/participants/export?fmt=pdf").status_code == 404


# --- the partner's half ----------------------------------------------------------------------------------------

def test_the_guest_sees_the_whole_roster_and_keeps_only_their_own_list(client, login, make, session, kyoto, guest):
    partnership, visit = kyoto
    ours = listed(session, visit, person(make, partnership, "Jane Whitfield", side=HOME), side=HOME,
                  role=ParticipantRole.OFFICIAL)
    theirs = listed(session, visit, person(make, partnership, "Sato Kenta", passport_number="TK7654321",
                                           medical_notes="SECRET-ASTHMA", date_of_birth=date(2010, 4, 1)))
    hidden = person(make, partnership, "SECRET bodyguard", side=HOME, visibility=Visibility.STAFF_ONLY)
    session.execute(PersonLink.__table__.update().where(PersonLink.contact_id == hidden.id)
                    .values(visibility=Visibility.STAFF_ONLY))
    session.commit()
    listed(session, visit, hidden, side=HOME)
    login(guest)
    page = client.get(f"/portal/engagements/{visit.id}/participants")
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Jane Whitfield" in body and "Sato Kenta" in body
    assert "SECRET" not in body and "TK7654321" not in body and "2010" not in body
    # the certified lists the guest prints hold the people the portal shows, and no one else
    from tests.pdf_inspect import glyphs

    printed = "".join("".join(glyph.text for glyph in glyphs(
        client.get(f"/engagements/{visit.id}/participants/certified.pdf?side={side}&lang=en").data))
        for side in ("home", "partner"))
    assert "Whitfield" in printed and "Kenta" in printed
    assert "SECRET" not in printed and "bodyguard" not in printed and "TK7654321" not in printed
    assert client.get(f"/participants/{theirs.id}/edit").status_code == 404  # the staff's page
    assert client.get(f"/portal/participants/{ours.id}/edit").status_code == 403  # our list is ours
    added = client.post(f"/portal/engagements/{visit.id}/participants/new", data={
        "name_native": "鈴木 美咲", "name_romanized": "SUZUKI Misaki", "role": "student", "town": "宇治市",
        "country": "JP", "side": "home"})  # a side sent anyway is not the guest's to choose
    assert added.status_code == 302
    entry = session.scalars(select(RosterEntry).where(RosterEntry.town == "宇治市")).one()
    assert (entry.side, entry.added_by_side) == (PARTNER, PARTNER)
    data = {"version": str(theirs.version), "name": "Sato Kenta", "role": "chaperone", "town": "Kameoka"}
    assert client.post(f"/portal/participants/{theirs.id}/edit", data=data).status_code == 302
    assert client.post(f"/portal/participants/{theirs.id}/remove").status_code == 302
    assert session.scalar(select(func.count()).select_from(RosterEntry).where(RosterEntry.id == theirs.id)) == 0


def test_a_guest_never_reaches_a_staff_only_engagement_or_another_partnership(client, login, make, session, kyoto,
                                                                             guest):
    partnership, _visit = kyoto
    secret = make.engagement(partnership, kind=EngagementKind.VISIT, title="SECRET visit",
                             visibility=Visibility.STAFF_ONLY)
    elsewhere = make.engagement(make.partnership(partner=make.city("Cairo", country_code="EG")),
                                kind=EngagementKind.EVENT)
    login(guest)
    for engagement in (secret, elsewhere):
        assert client.get(f"/portal/engagements/{engagement.id}/participants").status_code == 404
        assert client.get(f"/engagements/{engagement.id}/participants/certified.pdf").status_code == 404


def _csv(rows) -> bytes:
    return ("\n".join(",".join(row) for row in rows) + "\n").encode("utf-8")


KYOTO_LIST = [["氏名（漢字）", "ローマ字", "市町村", "国籍", "役割", "到着日", "出発日", "性別", "未成年"],
              ["山田 花子", "YAMADA Hanako", "京都市", "日本", "生徒", "2026年12月25日", "2027/01/01", "女", "はい"],
              ["佐藤 健太", "SATO Kenta", "宇治市", "Japan", "引率", "2026-12-25", "2027-01-01", "男", ""],
              ["", "", "亀岡市", "", "", "", "", "", ""]]


def test_the_partner_uploads_its_list_previews_it_and_uploading_again_adds_nobody_twice(client, login, make,
                                                                                         session, kyoto, guest):
    _partnership, visit = kyoto
    collect(session)
    guest.language = "en"  # the page's words are checked in English (the browser test reads it in Japanese)
    session.commit()
    login(guest)
    assert client.get(f"/portal/engagements/{visit.id}/participants/upload").status_code == 200
    preview = client.post(f"/portal/engagements/{visit.id}/participants/upload",
                          data={"file": (io.BytesIO(_csv(KYOTO_LIST)), "kyoto.csv")},
                          content_type="multipart/form-data")
    body = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "Preview" in body
    assert "YAMADA Hanako" in body and "No name: this row is left out." in body
    assert session.scalar(select(func.count()).select_from(RosterEntry)) == 0  # nothing saved yet
    import re
    token = re.search(r'name="table" type="hidden" value="([^"]+)"', body).group(1)
    chosen = dict(re.findall(r'<select[^>]*name="(\w+)"[^>]*>(?:(?!</select>).)*?<option selected value="(-?\d+)"',
                             body, re.DOTALL))
    assert chosen["name_native"] == "0" and chosen["name_romanized"] == "1" and chosen["minor"] == "8"
    form = {"table": token, "action": "apply", **chosen}
    applied = client.post(f"/portal/engagements/{visit.id}/participants/upload/apply", data=form)
    assert applied.status_code == 302
    entries = session.scalars(select(RosterEntry).order_by(RosterEntry.id)).all()
    assert [(e.side, e.added_by_side, e.role, e.country, e.arrives_on, e.minor) for e in entries] == [
        (PARTNER, PARTNER, ParticipantRole.STUDENT, "JP", date(2026, 12, 25), True),
        (PARTNER, PARTNER, ParticipantRole.CHAPERONE, "JP", date(2026, 12, 25), None)]
    yamada = session.get(Contact, entries[0].contact_id)
    assert (yamada.name_native, yamada.name_romanized, yamada.sex) == ("山田 花子", "YAMADA Hanako", "f")
    again = client.post(f"/portal/engagements/{visit.id}/participants/upload/apply", data=form)
    assert again.status_code == 302
    assert session.scalar(select(func.count()).select_from(RosterEntry)) == 2
    assert session.scalar(select(func.count()).select_from(Contact).where(Contact.name_native == "山田 花子")) == 1


def test_an_xlsx_list_a_bad_file_and_a_forged_preview(client, login, make, session, kyoto, guest):
    _partnership, visit = kyoto
    login(guest)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Name", "Town", "Role", "Arrival"])
    sheet.append(["Anna Weber", "Uji", "Student", date(2026, 12, 25)])
    data = io.BytesIO()
    workbook.save(data)
    preview = client.post(f"/portal/engagements/{visit.id}/participants/upload",
                          data={"file": (io.BytesIO(data.getvalue()), "list.xlsx")},
                          content_type="multipart/form-data")
    assert preview.status_code == 200 and "Anna Weber" in preview.get_data(as_text=True)
    empty = client.post(f"/portal/engagements/{visit.id}/participants/upload",
                        data={"file": (io.BytesIO(b"   "), "empty.csv")}, content_type="multipart/form-data")
    assert empty.status_code == 422 and "ファイルが空です" in empty.get_data(as_text=True)  # in the guest's language
    none = client.post(f"/portal/engagements/{visit.id}/participants/upload", data={})
    assert none.status_code == 422 and 'class="error"' in none.get_data(as_text=True)
    forged = client.post(f"/portal/engagements/{visit.id}/participants/upload/apply",
                         data={"table": "forged.token", "action": "apply", "name": "0"})
    assert forged.status_code == 302 and forged.headers["Location"].endswith("/participants/upload")
    assert session.scalar(select(func.count()).select_from(RosterEntry)) == 0


def test_column_guesses_in_several_languages(app_ctx):
    from crm.imports.columns import guess_mapping
    from crm.protocol.rosters.upload import ROSTER_FIELDS, date_of, role_of, sex_of

    guessed = guess_mapping(["الاسم", "الاسم باللاتينية", "المدينة", "الدور", "تاريخ الوصول"], ROSTER_FIELDS)
    assert (guessed["name"], guessed["name_romanized"], guessed["town"], guessed["role"], guessed["arrives_on"]) == (
        0, 1, 2, 3, 4)
    guessed = guess_mapping(["Nom", "Ville", "Pays", "Fonction", "Arrivée", "Départ"], ROSTER_FIELDS)
    assert [guessed[k] for k in ("name", "town", "country", "role", "arrives_on", "leaves_on")] == [0, 1, 2, 3, 4, 5]
    assert role_of("Estudiante") == ParticipantRole.STUDENT and role_of("通訳") == ParticipantRole.INTERPRETER
    assert role_of("Photographer") == ParticipantRole.OTHER and role_of("") is None
    assert sex_of("女性").value == "f" and sex_of("ذكر").value == "m" and sex_of("?") is None
    assert date_of("2026年12月5日") == date(2026, 12, 5) and date_of("2026-12-05T00:00:00") == date(2026, 12, 5)


# --- the certified list ----------------------------------------------------------------------------------------

def test_each_towns_list_in_its_language_with_both_forms_of_each_name(app, client, login, make, session, kyoto):
    if app.config["DB_LANE"] != "sqlite":
        pytest.skip("a PDF does not depend on the database")
    from tests.pdf_inspect import glyphs

    partnership, visit = kyoto
    listed(session, visit, person(make, partnership, "YAMADA Hanako", name_native="山田 花子",
                                  name_romanized="YAMADA Hanako", passport_number="TK1234567"),
           role=ParticipantRole.STUDENT)
    listed(session, visit, person(make, partnership, "Jane Whitfield", side=HOME), side=HOME)
    login("coordinator")
    partner = client.get(f"/engagements/{visit.id}/participants/certified.pdf?side=partner")
    assert partner.status_code == 200 and partner.mimetype == "application/pdf"
    assert "-ja.pdf" in partner.headers["Content-Disposition"]  # Kyoto's language: its country's
    text = "".join(glyph.text for glyph in glyphs(partner.data))
    assert "山田" in text and "YAMADA" in text and "Whitfield" not in text and "TK1234567" not in text
    home = client.get(f"/engagements/{visit.id}/participants/certified.pdf?side=home")
    assert "-en.pdf" in home.headers["Content-Disposition"]
    text = "".join(glyph.text for glyph in glyphs(home.data))
    assert "Whitfield" in text and "Host municipality" in text and "YAMADA" not in text
    arabic = client.get(f"/engagements/{visit.id}/participants/certified.pdf?side=partner&lang=ar")
    assert "-ar.pdf" in arabic.headers["Content-Disposition"]
    assert "山田" in "".join(glyph.text for glyph in glyphs(arabic.data))


def test_list_language_of_each_town(app_ctx, make, session, kyoto):
    from crm.protocol.rosters.pdf import list_language

    partnership, visit = kyoto
    assert list_language(visit, HOME) == "en" and list_language(visit, PARTNER) == "ja"
    make.contact(partnership, name="Ahmed", language="ar")
    assert list_language(visit, PARTNER) == "ar"  # the partner contact's language first
    assert list_language(visit, PARTNER, "fr") == "fr" and list_language(visit, PARTNER, "xx") == "ar"


# --- the exchange, the annual report and retention -------------------------------------------------------------

def test_an_exchange_counts_its_roster_once_it_has_one(app, client, login, make, session, kyoto):
    partnership, _visit = kyoto
    exchange = Exchange(partnership=partnership, title="Youth exchange", exchange_kind=ExchangeKind.YOUTH,
                        direction=ExchangeDirection.INCOMING, occurred_on=date(2025, 7, 1),
                        ends_on=date(2025, 7, 10), participants=30)
    session.add(exchange)
    session.commit()
    login("coordinator")
    assert "named on the list" not in client.get(f"/exchanges/{exchange.id}").get_data(as_text=True)
    for n in range(3):
        listed(session, exchange, person(make, partnership, f"Pupil {n}"))
    page = client.get(f"/exchanges/{exchange.id}").get_data(as_text=True)
    assert "named on the list" in page
    session.refresh(exchange)
    assert exchange.participants == 30  # the stored number is left alone

    from flask_login import login_user

    from crm.governance.reports.annual import gather

    with app.test_request_context():
        login_user(make.user("viewer"))
        report = gather(2025, None, TODAY)
    assert report.participants == 3
    assert {kind.value: number for kind, number in report.participants_by_kind.items()} == {"exchange": 3}


def test_rosters_older_than_the_office_keeps_them_are_purged(app_ctx, make, session, kyoto):
    from crm.extensions import db
    from crm.protocol.rosters.operations import purge_old_rosters

    partnership, visit = kyoto
    old = make.engagement(partnership, kind=EngagementKind.VISIT, occurred_on=date(2020, 6, 1))
    late = make.engagement(partnership, kind=EngagementKind.VISIT, occurred_on=date(2021, 6, 1))
    for engagement in (old, late, visit):
        listed(session, engagement, person(make, partnership, f"Guest of {engagement.id}"))
    # one of the second visit's participants stayed on: its roster is kept until the last departure is old enough
    listed(session, late, person(make, partnership, "Stayed on"), leaves_on=date(2022, 1, 10))
    assert purge_old_rosters(TODAY) == 1  # five years by default: before 25 November 2021
    db.session.commit()
    remaining = {entry.engagement_id for entry in session.scalars(select(RosterEntry))}
    assert remaining == {late.id, visit.id}
    settings = session.get(OfficeSettings, 1)
    settings.roster_retention_years = 3
    session.commit()
    assert purge_old_rosters(TODAY) == 2
    assert purge_old_rosters(TODAY) == 0  # a second run finds nothing more
    audit = session.scalars(select(AuditEvent).where(AuditEvent.record_type == "roster_entries",
                                                     AuditEvent.action == "delete")).all()
    assert len(audit) == 3 and {event.user_id for event in audit} == {None}  # removed by the system, on record


def test_the_nightly_purge_and_the_command_remove_old_rosters(app, make, session, kyoto):
    from crm.trash.tasks import purge_deleted

    partnership, _visit = kyoto
    old = make.engagement(partnership, kind=EngagementKind.VISIT, occurred_on=date(2019, 6, 1))
    listed(session, old, person(make, partnership, "Long gone"))
    with app.app_context():
        assert purge_deleted({})["participants"] == 1
    listed(session, old, person(make, partnership, "Gone again"))
    result = app.test_cli_runner().invoke(args=["crm", "purge-deleted"])
    assert "Removed 1 participants of rosters" in result.output


def test_two_connections_adding_the_same_person_make_one_entry(app):
    """On PostgreSQL, two transactions add the same person to the same roster at once: the unique index makes the
    second wait for the first and then refuses it."""
    if app.config["DB_LANE"] != "postgresql":
        pytest.skip("two real connections: the PostgreSQL lane")
    from datetime import UTC, datetime

    from sqlalchemy import create_engine, delete, insert

    from crm.cities.models import City
    from crm.partnerships.models import Partnership

    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    cities, partnerships = City.__table__, Partnership.__table__
    engagements, contacts, entries = Engagement.__table__, Contact.__table__, RosterEntry.__table__
    now = datetime.now(UTC)
    stamps = {"version": 1, "created_at": now, "updated_at": now}
    try:
        with engine.begin() as setup:
            home, partner = (setup.execute(insert(cities).values(name=name, country_code="JP", **stamps)
                                           .returning(cities.c.id)).scalar() for name in ("Roster A", "Roster B"))
            pid = setup.execute(insert(partnerships).values(
                home_city_id=home, partner_city_id=partner, kind="sister_city", status="active", **stamps)
                .returning(partnerships.c.id)).scalar()
            eid = setup.execute(insert(engagements).values(
                partnership_id=pid, record_type="engagement", kind="visit", occurred_on=TODAY, title="Race visit",
                substantive=True, visibility="shared", initiated_by="home", logged_by_side="home", **stamps)
                .returning(engagements.c.id)).scalar()
            cid = setup.execute(insert(contacts).values(
                partnership_id=pid, side="partner", name="Race person", visibility="shared",
                family_name_first=False, **stamps).returning(contacts.c.id)).scalar()
        row = {"engagement_id": eid, "contact_id": cid, "side": "partner", "role": "delegate",
               "added_by_side": "home", "no_pets": False, "no_smoking": False, "step_free": False, **stamps}
        second_insert_waits_then_is_refused(engine, entries, row)
    finally:
        with engine.begin() as cleanup:
            ids = select(partnerships.c.id).join(cities, cities.c.id == partnerships.c.home_city_id).where(
                cities.c.name == "Roster A")
            cleanup.execute(delete(engagements).where(engagements.c.partnership_id.in_(ids)))
            cleanup.execute(delete(contacts).where(contacts.c.partnership_id.in_(ids)))
            cleanup.execute(delete(partnerships).where(partnerships.c.id.in_(ids)))
            cleanup.execute(delete(cities).where(cities.c.name.in_(["Roster A", "Roster B"])))
        engine.dispose()


def test_a_list_exported_comes_back_through_the_upload_unchanged(client, login, make, session, kyoto):
    """Round trip: the roster's CSV export, uploaded again for the same town, is understood column for column
    and changes nobody: the same people, towns, countries, roles and dates, no one added."""
    import re

    partnership, visit = kyoto
    collect(session)
    yamada = listed(session, visit, person(make, partnership, "YAMADA Hanako", name_native="山田 花子",
                                           name_romanized="YAMADA Hanako", sex="f"),
                    role=ParticipantRole.STUDENT, town="京都市", country="JP", arrives_on=date(2026, 12, 25),
                    leaves_on=date(2027, 1, 1), minor=True)
    listed(session, visit, person(make, partnership, "SATO Kenta", name_native="佐藤 健太",
                                  name_romanized="SATO Kenta", sex="m"),
           role=ParticipantRole.CHAPERONE, town="宇治市", country="JP", arrives_on=date(2026, 12, 25),
           leaves_on=date(2027, 1, 1), minor=False)

    def snapshot():
        session.expire_all()
        return sorted((e.contact_id, e.side, e.role, e.town, e.country, e.arrives_on, e.leaves_on, e.minor)
                      for e in session.scalars(select(RosterEntry)))

    before = snapshot()
    login("coordinator")
    exported = client.get(f"/engagements/{visit.id}/participants/export?fmt=csv")
    assert exported.status_code == 200
    preview = client.post(f"/engagements/{visit.id}/participants/upload?side=partner",
                          data={"file": (io.BytesIO(exported.data), "participants.csv")},
                          content_type="multipart/form-data")
    body = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "YAMADA Hanako" in body, body[-3000:]
    token = re.search(r'name="table" type="hidden" value="([^"]+)"', body).group(1)
    chosen = dict(re.findall(r'<select[^>]*name="(\w+)"[^>]*>(?:(?!</select>).)*?<option selected value="(-?\d+)"',
                             body, re.DOTALL))
    applied = client.post(f"/engagements/{visit.id}/participants/upload/apply?side=partner",
                          data={"table": token, "action": "apply", **chosen})
    assert applied.status_code == 302
    assert snapshot() == before
    assert session.get(Contact, yamada.contact_id).name_native == "山田 花子"
    assert session.scalar(select(func.count()).select_from(Contact).where(Contact.name_native == "山田 花子")) == 1

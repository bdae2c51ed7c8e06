"""The public directory (issue 23 §1): the index (map, search, paging, highlights), a partnership's page with each
public field on and off, a highlight's page (participants per country, the programme by day), the photos, the
language in the URL, and query counts that stay flat as the data grows."""
import hashlib
import io
from datetime import UTC, date, datetime

import pytest

from crm.agreements.models import Agreement
from crm.attachments.models import Attachment
from crm.enums import (
    AgreementKind,
    AgreementStatus,
    EngagementKind,
    MissionDirection,
    Priority,
    Side,
    Visibility,
)
from crm.programs.missions.models import ItineraryItem, TradeMission
from crm.protocol.models import RosterEntry
from crm.settings.models import OfficeSettings
from crm.settings.public_fields import PUBLIC_FIELDS

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082")


@pytest.fixture(autouse=True)
def storage_dir(app, tmp_path, monkeypatch):
    """Each test stores its photos in its own folder (the app is shared by the session)."""
    monkeypatch.setitem(app.config, "ATTACHMENTS_DIR", str(tmp_path / "attachments"))
    return tmp_path / "attachments"


def publish(make, name="Kyoto", native="京都市", country="JP", **fields):
    city = make.city(name=name, native_name=native, country_code=country, latitude=35.0, longitude=135.7)
    fields.setdefault("is_public", True)
    return make.partnership(partner=city, **fields)


def photo_of(make, session, storage_dir, engagement, *, content_type="image/png", data=PNG, name=None):
    stored = hashlib.md5((name or str(engagement.id)).encode()).hexdigest()  # 32 hex digits, as uploads name them
    attachment = Attachment(partnership_id=engagement.partnership_id, engagement_id=engagement.id,
                            filename="photo.png", stored_name=stored, content_type=content_type, size=len(data),
                            sha256="0" * 64, visibility=Visibility.SHARED)
    session.add(attachment)
    session.flush()
    folder = storage_dir / stored[:2]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / stored).write_bytes(data)
    return attachment


def highlight(make, partnership, **fields):
    fields.setdefault("is_public", True)
    fields.setdefault("public_summary", "A public summary of the visit.")
    fields.setdefault("kind", EngagementKind.VISIT)
    return make.engagement(partnership, **fields)


def set_fields(session, names):
    settings = session.get(OfficeSettings, 1) or OfficeSettings(id=1)
    settings.public_fields = list(names)
    session.add(settings)
    session.commit()


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


# -- the index ---------------------------------------------------------------------------------------------------

def test_the_index_lists_public_partnerships_on_the_map_and_leaves_out_the_others(client, make, session):
    kyoto = publish(make, established_on=date(1987, 4, 7))
    make.partnership(partner=make.city(name="Hiddenville", latitude=1.0, longitude=2.0))  # not public
    archived = publish(make, name="Oldtown", native=None)
    archived.archived_at = datetime(2026, 1, 1, tzinfo=UTC)
    session.commit()
    html = page(client, "/public/en/")
    assert "Kyoto" in html and "京都市" in html and "Japan" in html
    assert "April 7, 1987" in html
    assert f'href="/public/en/partnerships/{kyoto.id}"' in html
    assert "Hiddenville" not in html and "Oldtown" not in html
    assert 'class="world-map' in html and "map-plain" in html
    assert "health-" not in html  # no health colours or reasons on the public map
    assert 'href="/open-data/' in html
    for code in ("en", "es", "fr", "de", "ja", "zh", "ar"):
        assert f'href="/public/{code}/"' in html


def test_the_index_without_anything_published_says_so(client, make):
    make.partnership(partner=make.city(name="Hiddenville"))
    html = page(client, "/public/en/")
    assert "No partnerships are published yet." in html


def test_search_finds_a_city_in_either_script_and_a_country_in_the_readers_language(client, make, session):
    publish(make)
    publish(make, name="Cairo", native="القاهرة", country="EG")
    session.commit()

    def cities(url):
        html = page(client, url)
        return {name for name in ("Kyoto", "Cairo") if f'<span class="city-name">{name}' in html}

    assert cities("/public/en/?q=kyo") == {"Kyoto"}
    assert cities("/public/en/?q=京都") == {"Kyoto"}
    assert cities("/public/en/?q=القاهرة") == {"Cairo"}
    assert cities("/public/en/?q=egypt") == {"Cairo"}
    assert cities("/public/ar/?q=مصر") == {"Cairo"}  # Egypt in Arabic
    assert cities("/public/ja/?q=日本") == {"Kyoto"}  # Japan in Japanese
    assert cities("/public/en/?q=nowhere") == set()
    assert "No partner city matches" in page(client, "/public/en/?q=nowhere")


def test_the_index_pages_its_list(client, make, session):
    for n in range(23):
        publish(make, name=f"Town {n:02d}", native=None)
    session.commit()
    first, second = page(client, "/public/en/"), page(client, "/public/en/?page=2")

    def listed(html):  # the cards (the map names every city)
        return {n for n in range(23) if f'<span class="city-name">Town {n:02d}</span>' in html}

    assert "23 partnerships" in first
    assert listed(first) == set(range(20)) and listed(second) == {20, 21, 22}
    assert 'rel="next" href="/public/en/?page=2"' in first


def test_the_index_shows_the_latest_highlights_only_when_highlights_are_public(client, make, session):
    kyoto = publish(make)
    highlight(make, kyoto, title="Youth orchestra concert", occurred_on=date(2026, 5, 1))
    make.engagement(kyoto, title="SECRET staff-only visit", visibility=Visibility.STAFF_ONLY, is_public=True)
    make.engagement(kyoto, title="Unmarked meeting")
    session.commit()
    html = page(client, "/public/en/")
    assert "Youth orchestra concert" in html and "SECRET" not in html and "Unmarked meeting" not in html
    set_fields(session, [name for name in PUBLIC_FIELDS if name != "highlights"])
    assert "Youth orchestra concert" not in page(client, "/public/en/")


# -- a partnership's page ------------------------------------------------------------------------------------------

def _rich_partnership(make, session):
    kyoto = publish(make, established_on=date(1987, 4, 7), summary="Our partnership summary for the partner.",
                    staff_notes="SECRET staff notes", priorities=[Priority.CULTURE])
    session.add_all([
        Agreement(partnership_id=kyoto.id, kind=AgreementKind.SISTER_CITY, status=AgreementStatus.SIGNED,
                  title="Agreement of Friendship", signed_on=date(1988, 6, 2), notes="SECRET agreement notes"),
        Agreement(partnership_id=kyoto.id, kind=AgreementKind.SISTER_CITY, status=AgreementStatus.DRAFT,
                  title="Draft SECRET renewal"),
    ])
    highlight(make, kyoto, title="Cherry blossom visit", occurred_on=date(2026, 4, 1), notes="SECRET notes")
    session.commit()
    return kyoto


FIELD_TEXT = {
    "established_on": "April 7, 1987",
    "kind": "Sister city",
    "status": "Active",
    "priorities": "Culture",
    "summary": "Our partnership summary for the partner.",
    "agreements": "Agreement of Friendship",
    "highlights": "Cherry blossom visit",
}


@pytest.mark.parametrize("field", sorted(FIELD_TEXT))
def test_a_partnership_page_shows_a_field_only_when_it_is_public(client, make, session, field):
    kyoto = _rich_partnership(make, session)
    url = f"/public/en/partnerships/{kyoto.id}"
    set_fields(session, PUBLIC_FIELDS)
    html = page(client, url)
    assert FIELD_TEXT[field] in html
    assert "Kyoto" in html and "京都市" in html and "Portland" in html  # the cities are always public
    assert "SECRET" not in html
    set_fields(session, [name for name in PUBLIC_FIELDS if name != field])
    html = page(client, url)
    assert FIELD_TEXT[field] not in html
    assert "Kyoto" in html and "SECRET" not in html


def test_the_default_fields_leave_out_the_summary(client, make, session):
    kyoto = _rich_partnership(make, session)
    html = page(client, f"/public/en/partnerships/{kyoto.id}")
    assert "Our partnership summary" not in html and "Agreement of Friendship" in html


def test_a_partnership_that_is_not_public_is_not_found(client, make, session):
    hidden = make.partnership(partner=make.city(name="Hiddenville"))
    archived = publish(make, name="Oldtown", native=None, archived_at=datetime(2026, 1, 1, tzinfo=UTC))
    session.commit()
    assert client.get(f"/public/en/partnerships/{hidden.id}").status_code == 404
    assert client.get(f"/public/en/partnerships/{archived.id}").status_code == 404


# -- a highlight's page --------------------------------------------------------------------------------------------

def test_a_highlight_page_gives_place_dates_participants_per_country_and_a_written_programme(client, make, session):
    kyoto = publish(make)
    visit = highlight(make, kyoto, title="Youth delegation", occurred_on=date(2026, 6, 1),
                      public_programme="Arrival and welcome.\n\nA day at school.\n\nCity Hall.")
    for n, (side, country) in enumerate([(Side.PARTNER, "JP")] * 3 + [(Side.HOME, "US")] * 2 + [(Side.PARTNER, "KR")]):
        person = make.contact(kyoto, side=side, name=f"SECRET Person {n}", email=f"secret{n}@example.org")
        session.add(RosterEntry(engagement_id=visit.id, contact_id=person.id, side=side, country=country))
    session.commit()
    html = page(client, f"/public/en/highlights/{visit.id}")
    assert "Youth delegation" in html and "A public summary of the visit." in html
    assert "Portland" in html and "June 1, 2026" in html  # an inbound visit takes place here
    assert "Participants per country" in html
    assert "<td>Japan</td><td class=\"num\">3</td>" in html
    assert "<td>United States</td><td class=\"num\">2</td>" in html
    assert "<td>South Korea</td><td class=\"num\">1</td>" in html
    assert "SECRET" not in html and "@example.org" not in html  # counts, never names
    assert "Day 1" in html and "Arrival and welcome." in html and "Day 3" in html and "City Hall." in html
    set_fields(session, [name for name in PUBLIC_FIELDS if name != "participants"])
    assert "Participants per country" not in page(client, f"/public/en/highlights/{visit.id}")


def test_a_trade_missions_page_gives_its_itinerary_by_local_day_without_notes_or_contacts(client, make, session):
    kyoto = publish(make)
    contact = make.contact(kyoto, side=Side.PARTNER, name="SECRET Contact", email="secret@example.org")
    mission = TradeMission(partnership=kyoto, title="Clean-tech mission", direction=MissionDirection.OUTBOUND,
                           occurred_on=date(2026, 6, 1), ends_on=date(2026, 6, 2), visibility=Visibility.SHARED,
                           is_public=True, public_summary="Our firms in Kyoto.", objectives="SECRET objectives")
    mission.itinerary = [
        ItineraryItem(starts_at=datetime(2026, 6, 1, 0, 0, tzinfo=UTC), ends_at=datetime(2026, 6, 1, 1, 30, tzinfo=UTC),
                      timezone="Asia/Tokyo", title="Briefing at the consulate", location="Consulate General",
                      notes="SECRET item notes", contact_id=contact.id),
        ItineraryItem(starts_at=datetime(2026, 6, 1, 23, 0, tzinfo=UTC), ends_at=datetime(2026, 6, 2, 1, 0, tzinfo=UTC),
                      timezone="Asia/Tokyo", title="Port visit", location="Port offices"),
    ]
    session.add(mission)
    session.commit()
    html = page(client, f"/public/en/highlights/{mission.id}")
    assert "Kyoto" in html and "June 1, 2026 – June 2, 2026" in html  # outbound: the partner city hosts
    day_one, day_two = html.index("Day 1"), html.index("Day 2")
    assert day_one < html.index("09:00–10:30") < html.index("Briefing at the consulate") < day_two
    assert day_two < html.index("08:00–10:00") < html.index("Port visit")  # the next local morning
    assert "Consulate General" in html
    assert "SECRET" not in html and "@example.org" not in html


def test_highlight_pages_are_not_found_when_the_office_does_not_publish_highlights(client, make, session):
    visit = highlight(make, publish(make))
    session.commit()
    assert client.get(f"/public/en/highlights/{visit.id}").status_code == 200
    set_fields(session, [name for name in PUBLIC_FIELDS if name != "highlights"])
    assert client.get(f"/public/en/highlights/{visit.id}").status_code == 404


def test_highlights_that_are_not_published_are_not_found(client, make, session):
    kyoto, hidden = publish(make), make.partnership(partner=make.city(name="Hiddenville"))
    staff_only = highlight(make, kyoto, visibility=Visibility.STAFF_ONLY)
    unmarked = make.engagement(kyoto)
    deleted = highlight(make, kyoto, deleted_at=datetime(2026, 1, 1, tzinfo=UTC))
    of_hidden = highlight(make, hidden)
    session.commit()
    for engagement in (staff_only, unmarked, deleted, of_hidden):
        assert client.get(f"/public/en/highlights/{engagement.id}").status_code == 404


# -- photos ----------------------------------------------------------------------------------------------------

def test_a_photo_is_served_inline_only_when_chosen_for_a_published_highlight(client, make, session, storage_dir):
    kyoto, hidden = publish(make), make.partnership(partner=make.city(name="Hiddenville"))
    chosen = highlight(make, kyoto)
    chosen.public_photo_id = photo_of(make, session, storage_dir, chosen, name="c1").id
    other = photo_of(make, session, storage_dir, chosen, name="c2")  # attached, not chosen
    document = highlight(make, kyoto)
    document.public_photo_id = photo_of(make, session, storage_dir, document, content_type="application/pdf",
                                        data=b"%PDF-1.4", name="d1").id
    staff_only = highlight(make, kyoto, visibility=Visibility.STAFF_ONLY)
    staff_only.public_photo_id = photo_of(make, session, storage_dir, staff_only, name="s1").id
    of_hidden = highlight(make, hidden)
    of_hidden.public_photo_id = photo_of(make, session, storage_dir, of_hidden, name="h1").id
    session.commit()
    response = client.get(f"/public/photos/{chosen.public_photo_id}")
    assert response.status_code == 200 and response.data == PNG
    assert response.mimetype == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"] == "inline"
    for attachment_id in (other.id, document.public_photo_id, staff_only.public_photo_id, of_hidden.public_photo_id):
        assert client.get(f"/public/photos/{attachment_id}").status_code == 404
    html = page(client, f"/public/en/highlights/{chosen.id}")
    assert f'src="/public/photos/{chosen.public_photo_id}"' in html
    assert "/public/photos/" not in page(client, f"/public/en/highlights/{document.id}")  # a PDF is no photo


# -- languages ---------------------------------------------------------------------------------------------------

def test_the_language_is_in_the_url(client, make, session):
    kyoto = publish(make)
    session.commit()
    arabic = page(client, f"/public/ar/partnerships/{kyoto.id}")
    assert 'lang="ar" dir="rtl"' in arabic and "اليابان" in arabic  # Japan, in Arabic
    assert 'href="/public/en/partnerships/' in arabic  # the same page in English
    assert 'href="/public/ar/"' in arabic  # links keep the language
    japanese = page(client, "/public/ja/")
    assert 'lang="ja" dir="ltr"' in japanese
    assert client.get("/public/xx/").status_code == 404
    assert client.get(f"/public/xx/partnerships/{kyoto.id}").status_code == 404
    response = client.get("/public/", headers={"Accept-Language": "ar,en;q=0.5"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/public/ar/")


def test_the_sign_in_page_links_to_the_directory_once_something_is_published(client, make, session):
    assert "Our partnerships" not in page(client, "/sign-in")
    publish(make)
    session.commit()
    assert 'href="/public/"' in page(client, "/sign-in")


# -- query counts ----------------------------------------------------------------------------------------------

def _grow(make, session, storage_dir, n, start):
    for k in range(start, start + n):
        partnership = publish(make, name=f"Grow {k}", native=None, priorities=[Priority.TRADE])
        session.add(Agreement(partnership_id=partnership.id, kind=AgreementKind.SISTER_CITY,
                              status=AgreementStatus.SIGNED, title=f"Agreement {k}", signed_on=date(2000, 1, 1)))
        shown = highlight(make, partnership, title=f"Highlight {k}")
        shown.public_photo_id = photo_of(make, session, storage_dir, shown, name=f"g{k}").id
        mission = TradeMission(partnership=partnership, title=f"Mission {k}", direction=MissionDirection.OUTBOUND,
                               occurred_on=date(2026, 3, 1), ends_on=date(2026, 3, 3), visibility=Visibility.SHARED,
                               is_public=True)
        session.add(mission)
    session.commit()


def test_the_index_and_a_partnership_page_use_a_fixed_number_of_queries(client, make, session, storage_dir,
                                                                       count_queries):
    first = publish(make)
    _grow(make, session, storage_dir, 21, 0)  # more than a page (20), so both lists are counted
    for k in range(3):
        highlight(make, first, title=f"First's highlight {k}")
    session.commit()
    client.get("/public/en/")  # warm caches (settings, gazetteer)
    with count_queries() as small_index:
        page(client, "/public/en/")
    with count_queries() as small_page:
        page(client, f"/public/en/partnerships/{first.id}")
    _grow(make, session, storage_dir, 25, 21)
    for k in range(3, 12):
        highlight(make, first, title=f"First's highlight {k}")
    session.commit()
    with count_queries() as big_index:
        page(client, "/public/en/")
    with count_queries() as big_page:
        page(client, f"/public/en/partnerships/{first.id}")
    assert big_index.count == small_index.count, (small_index.statements, big_index.statements)
    assert big_page.count == small_page.count, (small_page.statements, big_page.statements)


def test_a_photo_file_is_what_the_store_holds(client, make, session, storage_dir):
    """The photo comes from the store, byte for byte (an image of some size, not just the test pixel)."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (31, 95, 139)).save(buffer, format="PNG")
    kyoto = publish(make)
    shown = highlight(make, kyoto)
    shown.public_photo_id = photo_of(make, session, storage_dir, shown, data=buffer.getvalue(), name="p1").id
    session.commit()
    response = client.get(f"/public/photos/{shown.public_photo_id}")
    assert response.status_code == 200 and response.data == buffer.getvalue()

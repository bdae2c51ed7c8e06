"""The search box: every kind of record, any script, ranked, scoped like the lists."""
from datetime import UTC, date, datetime, timedelta

import pytest

from crm.engagements.models import Visibility
from crm.programs.missions.models import TradeMission
from crm.search.highlight import highlight
from crm.search.queries import clean_query


@pytest.fixture
def kyoto(make):
    make.home_city()
    city = make.city("Kyoto", native_name="京都市", alternate_names="Kioto\nKyōto\n京都")
    return make.partnership(partner=city)


def search(client, q, **params):
    response = client.get("/search", query_string={"q": q, **params})
    assert response.status_code == 200, (q, response.status_code)
    return response.text


def test_finds_every_kind_of_record(client, login, make, session, kyoto):
    make.contact(kyoto, name="Haruki Tanaka", job_title="Protocol officer")
    make.organization(kyoto, name="Kyoto Chamber of Commerce")
    make.engagement(kyoto, title="Lantern festival planning")
    soon = date.today() + timedelta(days=30)
    session.add(TradeMission(partnership=kyoto, title="Lantern makers trade mission", direction="outbound",
                             occurred_on=soon, ends_on=soon))
    session.commit()
    login("viewer")
    page = search(client, "kyoto")
    assert 'id="results-partnerships"' in page and 'id="results-cities"' in page
    assert f'/partnerships/{kyoto.id}"' in page
    assert "Kyoto Chamber of Commerce" in page.replace("<mark>", "").replace("</mark>", "")
    assert 'id="results-contacts"' not in page
    page = search(client, "tanaka")
    assert 'id="results-contacts"' in page and "<mark>Tanaka</mark>" in page
    page = search(client, "lantern")
    assert 'id="results-engagements"' in page
    assert "festival planning" in page and "makers trade mission" in page
    mission = session.query(TradeMission).one()
    assert f"/missions/{mission.id}" in page  # a mission links to its own page


@pytest.mark.parametrize("query", ["京都", "京都市", "Kioto", "kyōto", "KYOTO", "oto"])
def test_a_city_by_any_of_its_names_or_scripts(client, login, kyoto, query):
    login("viewer")
    page = search(client, query)
    assert 'id="results-cities"' in page, query
    assert f'/partnerships/{kyoto.id}"' in page


@pytest.mark.parametrize("name, native, alternates, query", [
    ("Kyiv", "Київ", "Kiev\nКиев", "киев"),
    ("Kyiv", "Київ", "Kiev\nКиев", "КИЇВ"),
    ("Cairo", "القاهرة", "Al-Qahira", "القاهرة"),
    ("Cairo", "القاهرة", "Al-Qahira", "قاهر"),
])
def test_cyrillic_and_arabic(client, login, make, name, native, alternates, query):
    make.home_city()
    partnership = make.partnership(partner=make.city(name, native_name=native, alternate_names=alternates,
                                                     country_code="UA"))
    login("viewer")
    page = search(client, query)
    assert 'id="results-partnerships"' in page, query
    assert f'/partnerships/{partnership.id}"' in page
    assert "<mark>" in page


def test_contacts_in_any_script(client, login, make, kyoto):
    make.contact(kyoto, name="田中 春樹")
    make.contact(kyoto, name="Ольга Петрова")
    login("viewer")
    assert "<mark>田中</mark>" in search(client, "田中")
    assert "<mark>петрова</mark>".lower() in search(client, "петрова").lower()


def test_exact_matches_come_before_starts_before_words_before_anywhere(client, login, make, kyoto):
    for title in ("Rebudgeting talks", "Annual budget", "Budget review", "Budget"):
        make.engagement(kyoto, title=title)
    login("viewer")
    page = search(client, "budget")
    positions = [page.index(text) for text in ("<mark>Budget</mark></bdi>", "<mark>Budget</mark> review",
                                               "Annual <mark>budget</mark>", "Re<mark>budget</mark>ing")]
    assert positions == sorted(positions)


def test_a_group_shows_ten_and_links_to_more(client, login, make, kyoto):
    for n in range(12):
        make.engagement(kyoto, title=f"Sister school visit {n}")
        make.contact(kyoto, name=f"Teacher {n}")
    login("viewer")
    page = search(client, "s")
    assert page.count("ter <mark>s</mark>chool") == 10
    assert "/search?q=s&amp;only=engagements" in page
    page = search(client, "teacher")
    assert "/contacts/?q=teacher" in page
    full = search(client, "school", only="engagements")
    assert "12 results" in full and "Page 1 of 2" in full


def test_a_viewer_sees_what_the_lists_show_and_archived_ones_are_marked(client, login, make, session, kyoto):
    archived = make.partnership(partner=make.city("Kyotango"), archived_at=datetime.now(UTC))
    make.engagement(archived, title="Kyotango harbour visit")
    gone = make.engagement(kyoto, title="Kyoto deleted meeting")
    gone.deleted_at = datetime.now(UTC)
    session.commit()
    make.engagement(kyoto, title="Kyoto secret meeting", visibility=Visibility.STAFF_ONLY)
    login("viewer")
    page = search(client, "kyot")
    assert f'/partnerships/{archived.id}"' in page
    assert page.index(f'/partnerships/{kyoto.id}"') < page.index(f'/partnerships/{archived.id}"')
    assert 'class="badge archived"' in page
    assert "deleted meeting" not in page
    assert "secret meeting" in page  # staff see staff-only engagements, as on the timeline
    assert "deleted meeting" not in search(client, "kyot", only="engagements")


def test_guests_have_no_search(client, login, make, kyoto):
    from crm.guests.models import GuestAccess

    guest = make.user("guest")
    make.session.add(GuestAccess(user=guest, partnership=kyoto, contact=make.contact(kyoto)))
    make.session.commit()
    login(guest)
    assert client.get("/search?q=kyoto").status_code == 404
    assert 'class="topbar-search"' not in client.get("/portal/").text


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get("/search?q=kyoto")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_the_top_bar_has_the_search_box(client, login, kyoto):
    login("viewer")
    page = client.get("/partnerships/").text
    assert 'class="topbar-search"' in page and 'action="/search"' in page


def test_empty_and_no_match(client, login, kyoto):
    login("viewer")
    assert "What are you looking for?" in search(client, "")
    assert "What are you looking for?" in search(client, "   ")
    assert "Nothing matches" in search(client, "zzqqxx")


@pytest.mark.parametrize("query", [
    "%", "_", "\\", "%_%", "'", "\"; DROP TABLE partnerships; --", "a\x00b", "\x07\x1b", "<script>alert(1)</script>",
    "x" * 5000, "京" * 300, "😀", "\u202e", "(", "[a-z]", "*", "a:b", "   %   ", "\\%", "ß", "İ",
])
def test_a_hostile_query_never_errors(client, login, kyoto, query):
    login("viewer")
    page = search(client, query)
    assert "<script>alert" not in page
    search(client, query, only="engagements")
    search(client, query, only="cities")


def test_wildcards_are_taken_literally(client, login, make, kyoto):
    make.engagement(kyoto, title="100% renewable city")
    make.engagement(kyoto, title="1000 trees")
    login("viewer")
    page = search(client, "100%")
    assert "renewable" in page and "1000 trees" not in page


def test_queries_are_cleaned_and_capped():
    assert clean_query("  kyo\x00to   city  ") == "kyoto city"
    assert len(clean_query("k" * 500)) == 200
    assert clean_query(None) == ""


def test_highlight_escapes_and_marks_in_any_case():
    assert str(highlight("<b>Kyoto</b>", "kyoto")) == "&lt;b&gt;<mark>Kyoto</mark>&lt;/b&gt;"
    assert str(highlight("КИЕВ и Киев", "киев")) == "<mark>КИЕВ</mark> и <mark>Киев</mark>"
    assert str(highlight("a.b", ".")) == "a<mark>.</mark>b"
    assert str(highlight(None, "x")) == ""


def test_a_fixed_number_of_queries_whatever_the_matches(client, login, make, kyoto, count_queries):
    login("viewer")

    def counted():
        with count_queries() as counter:
            search(client, "kyo")
        return counter.count

    few = counted()
    for n in range(15):
        other = make.partnership(partner=make.city(f"Kyo city {n}", alternate_names=f"Kyo {n}"),
                                 archived_at=datetime.now(UTC) if n % 2 else None)
        make.contact(other, name=f"Kyo contact {n}", organization=make.organization(other, name=f"Kyo org {n}"))
        make.engagement(other, title=f"Kyo meeting {n}")
    assert counted() == few
    assert few <= 12

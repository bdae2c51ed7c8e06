"""One text matcher (crm.matching): case and accents set aside in every script, on both databases,
the same in the partnership list, the other list filters, the search and the city picker."""
import unicodedata

import pytest
from sqlalchemy import select, text

from crm.cities.models import City
from crm.engagements.models import Engagement
from crm.matching import contains, fold, query_text
from crm.search.highlight import highlight

#: key: (city name, its name in its own script, alternate names, the spelling used in titles and job titles)
CITIES = {
    "moscow": ("Moscow", "Москва", "Moskva", "Москва"),
    "kyiv": ("Kyiv", "Київ", "Kiev\nКиев", "Киев"),
    "kyoto": ("Kyōto", "京都市", "Kioto", "Kyōto"),
    "malmo": ("Malmö", None, "", "Malmö"),
    "sao_paulo": ("Sao Paulo", None, "", "Sao Paulo"),
    "athens": ("Athens", "Αθήνα", "", "Αθήνα"),
    "aswan": ("Aswan", "أسوان", "", "أسوان"),
    "lodz": ("Łódź", None, "Lodsch", "Łódź"),
}

#: what a reader types, and the city it must find (and no other)
QUERIES = [
    ("москва", "moscow"), ("МОСКВА", "moscow"),
    ("КИЕВ", "kyiv"), ("киев", "kyiv"),
    ("kyoto", "kyoto"), ("KYŌTO", "kyoto"), ("KYOTO", "kyoto"), ("京都", "kyoto"),
    ("malmo", "malmo"), ("MALMÖ", "malmo"),
    ("são paulo", "sao_paulo"), ("SÃO PAULO", "sao_paulo"),
    ("αθηνα", "athens"), ("ΑΘΉΝΑ", "athens"),
    ("اسوان", "aswan"), ("أَسْوَان", "aswan"),
    ("lodz", "lodz"), ("ŁÓDŹ", "lodz"),
]


@pytest.fixture
def world(make, session):
    """A partnership with each city, an engagement and a contact named after it in its own spelling."""
    make.home_city("Portland")
    partnerships = {}
    for key, (name, native, alternates, spelling) in CITIES.items():
        city = make.city(name, native_name=native, alternate_names=alternates)
        partnership = make.partnership(partner=city)
        make.engagement(partnership, title=f"Working meeting about {spelling}")
        make.contact(partnership, name=f"Contact {key}", job_title=f"Liaison for {spelling}")
        partnerships[key] = partnership
    session.commit()
    return partnerships


def listed(page: str, world, path: str) -> set[str]:
    return {key for key, partnership in world.items() if f"{path}/{partnership.id}\"" in page}


@pytest.mark.parametrize("query, key", QUERIES)
def test_the_partnership_list_finds_a_city_in_any_case_accent_or_script(client, login, world, query, key):
    login("viewer")
    response = client.get("/partnerships/", query_string={"q": query})
    assert response.status_code == 200
    assert listed(response.text, world, "/partnerships") == {key}


@pytest.mark.parametrize("query, key", QUERIES)
def test_the_search_finds_the_same(client, login, world, query, key):
    login("viewer")
    page = client.get("/search", query_string={"q": query}).text
    assert listed(page, world, "/partnerships") == {key}


#: the titles and job titles carry the city's name in one spelling, not in its own script
IN_TITLES = [(query, key) for query, key in QUERIES if query != "京都"]


@pytest.mark.parametrize("query, key", IN_TITLES)
def test_the_engagement_list_finds_the_same(client, login, world, session, query, key):
    login("viewer")
    page = client.get("/engagements/", query_string={"q": query}).text
    found = {engagement.title for engagement in session.scalars(select(Engagement))
             if engagement.title in page}
    assert found == {f"Working meeting about {CITIES[key][3]}"}


@pytest.mark.parametrize("query, key", IN_TITLES)
def test_the_contact_list_finds_the_same(client, login, world, query, key):
    login("viewer")
    page = client.get("/contacts/", query_string={"q": query}).text
    assert {other for other in CITIES if f"Contact {other}<" in page or f"Contact {other} " in page} == {key}


@pytest.mark.parametrize("query, key", [(q, k) for q, k in QUERIES if q != "京都"] + [("京都市", "kyoto")])
def test_the_city_picker_offers_the_known_city_first(client, login, world, query, key):
    login("coordinator")
    results = client.get("/cities/lookup", query_string={"q": query}).get_json()["results"]
    known = [r["ref"] for r in results if r["ref"].startswith("city:")]
    assert known == [f"city:{world[key].partner_city_id}"]
    assert results[0]["ref"] == known[0]


def test_a_typed_city_name_resolves_whatever_its_case_and_accents(app_ctx, world):
    from crm.cities.service import resolve_city

    assert resolve_city(None, "MALMO").id == world["malmo"].partner_city_id
    assert resolve_city(None, "москва").id == world["moscow"].partner_city_id


def test_the_gazetteer_folds_the_same_way(app_ctx):
    from crm.cities.gazetteer import gazetteer

    assert gazetteer().search("malmo", limit=1)[0].name == "Malmö"
    assert gazetteer().search("SAO PAULO", limit=1)[0].name == "São Paulo"


def test_wildcards_are_taken_literally(client, login, world):
    login("viewer")
    for query in ("%", "_", "\\", ".*", "[a]", "(?:x)|"):
        page = client.get("/partnerships/", query_string={"q": query}).text
        assert listed(page, world, "/partnerships") == set(), query


@pytest.mark.parametrize("query, key", [("malmo", "malmo"), ("KYŌTO", "kyoto"), ("москва", "moscow"),
                                        ("京都市", "kyoto"), ("اسوان", "aswan"), ("αθηνα", "athens")])
def test_on_postgresql_the_trigram_index_serves_the_match(app, session, world, query, key):
    """The plan reads the index without the rows it would have to filter (Rows Removed by Index Recheck:
    none), which it cannot when a character class holds a letter beyond U+0800 or the text is CJK."""
    if app.config["DB_LANE"] != "postgresql":
        pytest.skip("trigram indexes exist on PostgreSQL only")
    from crm.extensions import db

    with app.app_context():
        db.session.execute(text("SET LOCAL enable_seqscan = off"))
        statement = select(City.id).where(contains([City.name, City.native_name, City.alternate_names], query))
        compiled = statement.compile(dialect=db.session.get_bind().dialect)
        plan = "\n".join(db.session.connection().exec_driver_sql(
            f"EXPLAIN (ANALYZE, COSTS OFF) {compiled}", compiled.params).scalars())
        assert "ix_cities_names_trgm" in plan and "Removed by Index Recheck" not in plan, plan
        assert db.session.scalars(statement).all() == [world[key].partner_city_id]


# fold() itself

@pytest.mark.parametrize("spelling, folded", [
    ("Москва", "москва"), ("КИЕВ", "киев"), ("Ёлка", "елка"), ("Йошкар-Ола", "йошкар-ола"),
    ("Kyōto", "kyoto"), ("Malmö", "malmo"), ("São Paulo", "sao paulo"), ("Łódź", "lodz"), ("Øresund", "oresund"),
    ("İstanbul", "istanbul"), ("Αθήνα", "αθηνα"), ("ΚΈΡΚΥΡΑΣ", "κερκυρασ"), ("Ἀθῆναι", "ἀθῆναι"),
    ("HÀ NỘI", "ha nội"), ("ＡＢＣ", "ａｂｃ"),
    ("Κέρκυρας", "κερκυρασ"), ("إسطنبول", "اسطنبول"), ("آسفي", "اسفي"), ("Ştefan Șerban", "stefan serban"),
])
def test_fold_sets_case_and_accents_aside(spelling, folded):
    assert fold(spelling) == folded


@pytest.mark.parametrize("spelling", ["東京", "京都市", "서울", "がぎぐ", "パリ", "दिल्ली", "北京市", "123 - ()"])
def test_fold_leaves_scripts_without_case_or_accents_as_they_are(spelling):
    assert fold(spelling) == spelling


def test_fold_keeps_one_character_for_one():
    """So PostgreSQL can match a character class for each folded letter, and the search mark the match."""
    assert all(len(fold(chr(code))) == 1 for code in range(0x20, 0x10000) if not 0xD800 <= code <= 0xDFFF)
    # what folds to a Latin, Greek, Cyrillic, Hebrew or Arabic letter is below U+0800: a character beyond
    # it in the letter's class would cost the trigram index every query holding that letter
    common = {fold(chr(code)) for code in [*range(0x20, 0x180), *range(0x218, 0x21C), *range(0x370, 0x700)]}
    assert all(code < 0x800 for code in range(0x20, 0x10000)
               if not 0xD800 <= code <= 0xDFFF and fold(chr(code)) in common)
    assert fold(None) is None


def test_the_query_is_composed_before_it_is_folded_and_loses_harakat_and_points():
    assert query_text(unicodedata.normalize("NFD", "Malmö")) == "malmo"
    assert query_text("أَسْوان") == "اسوان"
    assert query_text("שָׁלוֹם") == "שלום"


def test_highlight_marks_a_match_whatever_its_accents():
    assert str(highlight("Malmö & Lund", "malmo")) == "<mark>Malmö</mark> &amp; Lund"
    assert str(highlight("Sao Paulo, são paulo", "SÃO")) == "<mark>Sao</mark> Paulo, <mark>são</mark> paulo"
    assert str(highlight("أسوان", "أَسْو")) == "<mark>أسو</mark>ان"

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from crm.i18n import LANGUAGES
from tests.test_msgids import makefile_keywords

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}")
#: the count of a plural message, which a form may spell out instead (Arabic's dual: "يومان", not "2 يومان")
COUNTS = {"%(num)d", "%(num)s", "%(count)d", "%(count)s"}


@pytest.fixture(scope="module")
def fresh_extraction(tmp_path_factory):
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    keywords = [argument for keyword in makefile_keywords() for argument in ("--keywords", keyword)]
    subprocess.run([Path(sys.executable).parent / "pybabel", "-q", "extract", "--mapping", "babel.cfg",
                    *keywords, "--output", str(pot), "."], cwd=ROOT, check=True)
    with pot.open("rb") as handle:
        return {(message.context, message.id) for message in read_po(handle) if message.id}


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_is_complete_and_placeholders_match(language, fresh_extraction):
    with (ROOT / "translations" / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale=language)
    messages = {(message.context, message.id): message for message in catalog if message.id}
    assert sorted(str(m) for m in fresh_extraction - messages.keys()) == [], "run `make translations`"
    problems = []
    for (_context, msgid), message in messages.items():
        sources = msgid if isinstance(msgid, tuple) else (msgid,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            problems.append(("untranslated or fuzzy", msgid))
            continue
        expected = set(PLACEHOLDER.findall(sources[-1]))
        for string in strings:
            found = set(PLACEHOLDER.findall(string))
            count_left_out = isinstance(msgid, tuple) and found <= expected and expected - found <= COUNTS
            if found != expected and not count_left_out:
                problems.append(("placeholders differ", msgid, string))
    assert problems == []


def test_browser_language_is_used_before_sign_in(client):
    page = client.get("/sign-in", headers={"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"}).text
    assert '<html lang="es"' in page and "Iniciar sesión" in page


def test_unsupported_browser_language_falls_back_to_english(client):
    assert '<html lang="en"' in client.get("/sign-in", headers={"Accept-Language": "tlh"}).text


def test_switcher_sets_a_cookie_and_returns_to_the_same_page(client):
    response = client.post("/language", data={"language": "es", "next": "/sign-in?x=1"})
    assert response.status_code == 302 and response.headers["Location"] == "/sign-in?x=1"
    assert '<html lang="es"' in client.get("/sign-in", headers={"Accept-Language": "en"}).text


def test_switcher_ignores_unknown_languages_and_foreign_redirects(client):
    response = client.post("/language", data={"language": "xx", "next": "https://evil.example/"})
    assert "evil" not in response.headers["Location"]
    assert client.get_cookie("lang") is None


def test_signed_in_users_keep_their_choice(client, login, session):
    user = login("viewer")
    client.post("/language", data={"language": "es", "next": "/partnerships/"})
    session.expire_all()
    assert session.get(type(user), user.id).language == "es"
    client.delete_cookie("lang")
    page = client.get("/partnerships/", headers={"Accept-Language": "en"}).text
    assert '<html lang="es"' in page and "Hermanamientos" in page


def test_country_names_dates_and_enums_follow_the_reader(client, login, make):
    from datetime import date

    login("viewer")
    partnership = make.partnership(partner=make.city("Kyoto", "京都市", "JP"), established_on=date(1985, 1, 11))
    client.post("/language", data={"language": "es"})
    page = client.get(f"/partnerships/{partnership.id}").text
    assert "Japón" in page and "11 de enero de 1985" in page and "Ciudad hermana" in page


def test_error_pages_speak_the_readers_language(client, login):
    login("viewer")
    client.post("/language", data={"language": "es"})
    response = client.get("/partnerships/123456")
    assert response.status_code == 404 and '<html lang="es"' in response.text
    assert "No encontrado" in response.text or "no existe" in response.text.lower() or "No se" in response.text


def test_form_errors_come_in_the_readers_language(client, login, make):
    login("coordinator")
    partnership = make.partnership()
    client.post("/language", data={"language": "es"})
    response = client.post(f"/partnerships/{partnership.id}/engagements", data={
        "kind": "meeting", "occurred_on": "", "title": "", "substantive": "yes", "visibility": "shared",
        "initiated_by": "home"})
    assert "Introduzca la fecha." in response.text
    assert "This field is required." not in response.text


def test_the_readme_states_the_real_message_count():
    """The README's Translations section tells translators how many messages each catalog holds."""
    root = Path(__file__).resolve().parent.parent
    with (root / "translations" / "messages.pot").open("rb") as file:
        count = len([message for message in read_po(file) if message.id])
    stated = re.search(r"([\d,]+) messages each today", (root / "README.md").read_text(encoding="utf-8"))
    assert stated and int(stated.group(1).replace(",", "")) == count, f"the catalogs hold {count:,} messages"

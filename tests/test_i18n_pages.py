"""Every page each role reaches, in every language: right lang and dir, no error,
and no English interface text left on a page in another language."""
import html
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from crm.i18n import LANGUAGES, RIGHT_TO_LEFT
from tests.test_access import build_side

ROOT = Path(__file__).resolve().parent.parent
STAFF_PAGES = ["/dashboard", "/partnerships/", "/partnerships/{partnership_id}", "/agreements/",
               "/agreements/{agreement_id}", "/missions/", "/missions/{mission_id}", "/exchanges/",
               "/exchanges/{exchange_id}", "/projects/", "/projects/{project_id}", "/calendar/", "/contacts/",
               "/organizations/", "/portfolio", "/partnerships/{partnership_id}/guests", "/search",
               "/search?q=Alpha", "/search?q=Alpha&only=engagements",
               "/engagements/", "/engagements/?substantive=no&kind=meeting", "/map", "/map?health=healthy"]
PAGES = {
    "anonymous": ["/sign-in"],
    "viewer": STAFF_PAGES,
    "coordinator": ["/partnerships/new", "/partnerships/{partnership_id}/edit", "/engagements/{engagement_id}/edit",
                    "/missions/{mission_id}/edit", "/agreements/{agreement_id}/edit", "/cities/new",
                    "/contacts/new", "/organizations/new", "/import/"],
    "admin": ["/settings/", "/admin/api-tokens", "/account/api-tokens"],
    "guest": ["/portal/partnerships/{partnership_id}", "/portal/missions/{mission_id}", "/portal/profile",
              "/account/api-tokens"],
}


def english_leftovers(language: str) -> list[str]:
    """Interface sentences whose translation differs from the English: none may show on the page."""
    with (ROOT / "translations" / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale=language)
    found = []
    for message in catalog:
        if isinstance(message.id, str) and len(message.id) >= 18 and "%" not in message.id \
                and message.string and message.string != message.id:
            found.append(message.id)
    return found


@pytest.fixture(scope="module")
def leftovers():
    return {language: english_leftovers(language) for language in LANGUAGES if language != "en"}


@pytest.fixture
def site(make, session):
    make.home_city()
    ids, guest = build_side(make, session, "Alpha", "JP")
    return ids, guest


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("role", list(PAGES))
def test_every_page_in_every_language(client, login, make, session, site, leftovers, role, language):
    ids, guest = site
    if role == "guest":
        user = guest
    elif role != "anonymous":
        user = make.user(role)
    if role != "anonymous":
        user.language = language
        session.commit()
        login(user)
    else:
        client.set_cookie("lang", language)
    direction = "rtl" if language in RIGHT_TO_LEFT else "ltr"
    for template in PAGES[role]:
        url = template.format(**ids)
        response = client.get(url)
        assert response.status_code == 200, (role, language, url, response.status_code)
        page = response.text
        assert f'<html lang="{language}" dir="{direction}">' in page, (url, language)
        if language != "en":
            text = html.unescape(page)
            stray = [m for m in leftovers[language] if m in text]
            assert stray == [], (url, language, stray[:5])

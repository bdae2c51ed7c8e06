"""Issue 17, "Done when": every main page and every form, as staff and as a guest, in English and Arabic, at
1366 px and at 390 px, passes axe-core (WCAG 2.2 AA, target size included) and is no wider than the screen.

One seeded database serves the whole module (tests/test_browser.py's live_server), on the SQLite lane only (the
markup does not depend on the database). The pages are checked once, four at a time in a browser of their own
(Playwright's async API, in a thread), and each case reports what was found; axe-core is injected once per
browser context. A form is also sent empty (the browser's own checks switched off) so its errors are checked
too. A case failing because of markup another part of the issue is rebuilding is marked xfail naming its
template.
"""
import asyncio
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select

from crm.extensions import db
from tests.test_browser import CHROMIUM, chromium, live_server  # noqa: F401  (module fixtures: one browser, one database)

AXE_SCRIPT = (Path(__import__("axe_playwright_python").__file__).parent / "axe.min.js").read_text(encoding="utf-8")
AXE_OPTIONS = {"rules": {"target-size": {"enabled": True}}, "resultTypes": ["violations"]}
WIDTHS = (1366, 390)
PASSWORD = "sister-cities-demo"
STAFF, ADMIN, GUEST, NOBODY = "coordinator@demo.example", "admin@demo.example", "guest.kyoto@demo.example", None

#: (who, path, send it empty): the path's {names} are the seeded records' ids (see `ids`)
PAGES = [
    (STAFF, "/dashboard", False),
    (STAFF, "/partnerships/", False),
    (STAFF, "/partnerships/?sort=health", False),
    (STAFF, "/partnerships/{partnership}", False),
    (STAFF, "/partnerships/{partnership}/guests", False),
    (STAFF, "/engagements/", False),
    (STAFF, "/agreements/", False),
    (STAFF, "/agreements/{agreement}", False),
    (STAFF, "/missions/", False),
    (STAFF, "/missions/{mission}", False),
    (STAFF, "/exchanges/", False),
    (STAFF, "/exchanges/{exchange}", False),
    (STAFF, "/projects/", False),
    (STAFF, "/projects/{project}", False),
    (STAFF, "/portfolio", False),
    (STAFF, "/calendar/", False),
    (STAFF, "/map", False),
    (STAFF, "/contacts/", False),
    (STAFF, "/organizations/", False),
    (STAFF, "/search?q=Ky", False),
    (STAFF, "/account/security", False),
    (STAFF, "/account/api-tokens", False),
    (STAFF, "/account/sessions", False),
    (STAFF, "/no-such-page", False),
    # forms: opened, then sent empty
    (STAFF, "/partnerships/new", True),
    (STAFF, "/partnerships/{partnership}/edit", False),
    (STAFF, "/partnerships/{partnership}#log", True),
    (STAFF, "/engagements/{engagement}/edit", False),
    (STAFF, "/partnerships/{partnership}/agreements/new", True),
    (STAFF, "/agreements/{agreement}/edit", False),
    (STAFF, "/agreements/{agreement}/texts/new", True),
    (STAFF, "/partnerships/{partnership}/missions/new", True),
    (STAFF, "/missions/{mission}/edit", False),
    (STAFF, "/partnerships/{partnership}/exchanges/new", True),
    (STAFF, "/exchanges/{exchange}/edit", False),
    (STAFF, "/partnerships/{partnership}/projects/new", True),
    (STAFF, "/projects/{project}/edit", False),
    (STAFF, "/commitments/?status=all", False),
    (STAFF, "/partnerships/{partnership}/commitments/new", True),
    (STAFF, "/contacts/new", True),
    (STAFF, "/contacts/{contact}/edit", False),
    (STAFF, "/organizations/new", True),
    (STAFF, "/organizations/{organization}/edit", False),
    (STAFF, "/cities/new", True),
    (STAFF, "/import/", True),
    # people, delegations and protocol (issue 22)
    (STAFF, "/contacts/{contact}", False),
    (STAFF, "/people/duplicates", False),
    (STAFF, "/engagements/{roster_engagement}/people", False),
    (STAFF, "/engagements/{roster_engagement}/placements", False),
    (STAFF, "/engagements/{roster_engagement}/participants/new", True),
    (STAFF, "/costs/", False),
    (STAFF, "/gifts/", False),
    (STAFF, "/hosts/", False),
    # the public face (issue 23): publishing a highlight, the Wikidata comparison; the public pages signed out
    (STAFF, "/engagements/{roster_engagement}/public", False),
    (STAFF, "/wikidata/", True),
    (NOBODY, "/public/{lang}/", False),
    (NOBODY, "/public/{lang}/partnerships/{guest_partnership}", False),
    (NOBODY, "/public/{lang}/highlights/{roster_engagement}", False),
    (NOBODY, "/open-data/?lang={lang}", False),
    (ADMIN, "/settings/", False),
    (ADMIN, "/settings/retention", False),
    (ADMIN, "/audit/", False),
    (ADMIN, "/admin/users/", False),
    (ADMIN, "/admin/users/{user}", False),
    (ADMIN, "/admin/users/{user}/role", False),
    (ADMIN, "/admin/users/invite", True),
    (ADMIN, "/admin/deleted/", False),
    (ADMIN, "/admin/api-tokens", False),
    (GUEST, "/portal/", False),
    (GUEST, "/portal/partnerships/{guest_partnership}", True),
    (GUEST, "/portal/partnerships/{guest_partnership}/commitments", False),
    (GUEST, "/portal/profile", False),
    (GUEST, "/portal/engagements/{roster_engagement}/participants", False),
    (GUEST, "/account/api-tokens", False),
    (GUEST, "/account/sessions", False),
    (NOBODY, "/sign-in", True),
    (NOBODY, "/forgot-password", True),
]

#: (path, language or None for both) → why it fails today, naming the template that is not this part's
KNOWN = {}
LANGUAGES = ("en", "ar")


def _case_id(who, path, language):
    return f"{language}-{(who or 'anonymous').split('@')[0]}-{path}"


def _cases():
    for language in LANGUAGES:
        for who, path, send in PAGES:
            reason = KNOWN.get((path, language)) or KNOWN.get((path, None))
            marks = [pytest.mark.xfail(reason=reason, strict=False)] if reason else []
            yield pytest.param(who, path, send, language, marks=marks, id=_case_id(who, path, language))


@pytest.fixture(scope="module")
def lane(app):
    """The pages are the same whatever the database: the browser checks run on the SQLite lane only."""
    if app.config["DB_LANE"] != "sqlite":
        pytest.skip("the markup does not depend on the database; the sqlite lane checks it")


@pytest.fixture(scope="module")
def ids(lane, live_server):  # noqa: F811
    """The seeded records the paths name."""
    from crm.agreements.models import Agreement
    from crm.auth.models import User
    from crm.contacts.models import Contact, Organization
    from crm.engagements.models import Engagement
    from crm.guests.models import GuestAccess
    from crm.partnerships.models import Partnership
    from crm.programs.exchanges.models import Exchange
    from crm.programs.missions.models import TradeMission
    from crm.programs.projects.models import JointProject
    from crm.protocol.models import RosterEntry

    def first(column):
        return db.session.scalar(select(column).order_by(column).limit(1))

    with live_server.app.app_context():
        guest = db.session.scalar(select(User).where(User.email == GUEST))
        guest_partnership = db.session.scalar(select(GuestAccess.partnership_id).where(GuestAccess.user_id == guest.id))
        return {
            "partnership": first(Partnership.id), "agreement": first(Agreement.id), "mission": first(TradeMission.id),
            "exchange": first(Exchange.id), "project": first(JointProject.id), "contact": first(Contact.id),
            "organization": first(Organization.id),
            "engagement": db.session.scalar(select(Engagement.id).where(Engagement.record_type == "engagement")
                                            .order_by(Engagement.id).limit(1)),
            "user": db.session.scalar(select(User.id).where(User.email == STAFF)),
            "guest_partnership": guest_partnership,
            # the guest's partnership's engagement with the longest roster (Kyoto's youth delegation)
            "roster_engagement": db.session.scalar(
                select(RosterEntry.engagement_id).join(Engagement, Engagement.id == RosterEntry.engagement_id)
                .where(Engagement.partnership_id == guest_partnership).group_by(RosterEntry.engagement_id)
                .order_by(func.count().desc(), RosterEntry.engagement_id).limit(1)),
        }


def _set_language(live_server, language):  # noqa: F811
    """Signed-in people read the language of their own preference."""
    from crm.auth.models import User

    with live_server.app.app_context():
        for user in db.session.scalars(select(User).where(User.email.in_([STAFF, ADMIN, GUEST]))):
            user.language = language
        db.session.commit()


def _axe_options(width):
    """Everything at 1366 px; at 390 px everything but colour contrast (the colours are the same in both
    layouts, and axe's contrast rule is most of its time; the phone's own bar is checked whole below)."""
    if width == WIDTHS[0]:
        return AXE_OPTIONS
    return {**AXE_OPTIONS, "rules": {**AXE_OPTIONS["rules"], "color-contrast": {"enabled": False}}}


async def _problems(page, label):
    """What is wrong with the page as shown: axe-core violations and horizontal overflow, at every width."""
    found = []
    for width in WIDTHS:
        await page.set_viewport_size({"width": width, "height": 900})
        await page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
        scroll_width = await page.evaluate("document.documentElement.scrollWidth")
        if scroll_width > width:
            found.append(f"{label} at {width} px: the page is {scroll_width} px wide")
        results = await page.evaluate("options => axe.run(document, options)", _axe_options(width))
        for violation in results["violations"]:
            targets = [" ".join(map(str, node["target"])) for node in violation["nodes"]][:4]
            found.append(f"{label} at {width} px: {violation['id']} ({violation['impact']}): {targets}")
    await page.set_viewport_size({"width": WIDTHS[0], "height": 900})
    return found


SEND_EMPTY = """() => {
  const main = document.querySelector('#main');
  const form = [...main.querySelectorAll('form[method=post], form[method=POST]')]
    .find(f => f.querySelector('button.primary, button[type=submit]') && f.querySelector('input:not([type=hidden]), select, textarea'));
  if (!form) return false;
  const details = form.closest('details'); if (details) details.open = true;
  form.noValidate = true;
  const button = form.querySelector('button.primary') || form.querySelector('button[type=submit]');
  button.click();
  return true;
}"""


async def _check(context, base, ids, path, send, language):
    page = await context.new_page()
    try:
        await page.goto(base + path.format(**ids, lang=language))  # a public page names its language
        found = await _problems(page, path)
        if await page.get_attribute("html", "lang") != language:
            found.append(f"{path}: not shown in {language}")
        if send:
            async with page.expect_navigation() as navigation:
                if not await page.evaluate(SEND_EMPTY):
                    return [*found, f"{path}: no form to send"]
            response = await navigation.value
            await page.wait_for_load_state()
            if not await page.locator(".error, .flash-error, [aria-invalid=true]").count():
                status = response.status if response else "no response"
                found.append(f"{path}: sent empty, no error shown (HTTP {status}, {await page.title()!r})")
            found += await _problems(page, f"{path} sent empty")
        return found
    finally:
        await page.close()


async def _audit(base, ids, set_language, concurrency=4):
    """Every case, four pages at a time: case id → the problems found (or the exception raised)."""
    from playwright.async_api import Error as PlaywrightError
    from playwright.async_api import async_playwright

    outcome = {}
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        gate = asyncio.Semaphore(concurrency)
        for language in LANGUAGES:
            set_language(language)
            contexts = {}
            for who in {who for who, _, _ in PAGES}:
                context = contexts[who] = await browser.new_context(viewport={"width": WIDTHS[0], "height": 900},
                                                                    locale="en-US")
                context.set_default_timeout(20_000)
                await context.add_init_script(AXE_SCRIPT)
                if who:
                    page = await context.new_page()
                    await page.goto(f"{base}/sign-in")
                    await page.fill("#email", who)
                    await page.fill("#password", PASSWORD)
                    await page.click("button.primary")
                    await page.wait_for_load_state()
                    await page.close()
                else:
                    await context.add_cookies([{"name": "lang", "value": language, "url": base}])

            async def one(who, path, send, language=language, contexts=contexts):
                async with gate:
                    try:
                        found = await _check(contexts[who], base, ids, path, send, language)
                    except PlaywrightError as error:  # a timeout, a page that did not open: that case fails, not all
                        found = [f"{path}: {type(error).__name__}: {error}"]
                    outcome[_case_id(who, path, language)] = found

            await asyncio.gather(*(one(who, path, send) for who, path, send in PAGES))
            for context in contexts.values():
                await context.close()
        await browser.close()
    return outcome


@pytest.fixture(scope="module")
def audit(live_server, ids):  # noqa: F811
    """All the pages checked at once (in a thread of its own: Playwright's async API beside the sync one)."""
    from crm.extensions import limiter

    outcome = {}
    # The sign-in and reset forms are rate-limited per address (127.0.0.1 for every test): the audit sends each
    # once per language, with none of the limit used up by the tests that ran since the server started.
    with live_server.app.app_context():
        limiter.reset()

    def run():
        try:
            outcome.update(asyncio.run(_audit(live_server, ids, lambda language: _set_language(live_server, language))))
        except BaseException as error:  # noqa: BLE001  (raised again in the test's own thread)
            outcome["error"] = error

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    _set_language(live_server, "en")
    if "error" in outcome:
        raise outcome["error"]
    return outcome


@pytest.mark.browser
@pytest.mark.parametrize(("who", "path", "send", "language"), list(_cases()))
def test_page_is_accessible_and_fits(audit, who, path, send, language):
    found = audit[_case_id(who, path, language)]
    assert not found, "\n".join(found)


@pytest.fixture(scope="module")
def browsers(lane, live_server, chromium):  # noqa: F811
    """One signed-in page per (person, language), opened on first use."""
    opened = {}

    def get(who, language):
        if (who, language) in opened:
            return opened[who, language]
        _set_language(live_server, language)
        context = chromium.new_context(viewport={"width": WIDTHS[0], "height": 900}, locale="en-US")
        context.set_default_timeout(15_000)
        context.add_init_script(AXE_SCRIPT)
        page = context.new_page()
        page.goto(f"{live_server}/sign-in")
        page.fill("#email", who)
        page.fill("#password", PASSWORD)
        page.click("button.primary")
        page.wait_for_load_state()
        opened[who, language] = page
        return page

    yield get
    for page in opened.values():
        page.context.close()
    _set_language(live_server, "en")


@pytest.mark.browser
@pytest.mark.parametrize("language", ["en", "ar"])
def test_top_bar_menus_open_one_at_a_time_close_on_escape_and_outside_and_pass_axe(live_server, browsers,  # noqa: F811
                                                                                  language):
    """At 1366 px the bar is one row; every menu, opened, passes axe (its links readable); opening one closes the
    other; Escape closes it and puts focus back on its button; a click outside closes it."""
    page = browsers(ADMIN, language)
    page.goto(f"{live_server}/partnerships/")
    bar = page.locator("header.topbar")
    assert bar.bounding_box()["height"] < 60  # one row
    menus = page.locator("details.menu")
    for index in range(menus.count()):
        menus.nth(index).locator("summary").click()
        assert page.locator("details.menu[open]").count() == 1
        results = page.evaluate("options => axe.run('details.menu[open]', options)", AXE_OPTIONS)
        assert not results["violations"], [(v["id"], [n["target"] for n in v["nodes"]]) for v in results["violations"]]
    page.keyboard.press("Escape")
    assert page.locator("details.menu[open]").count() == 0
    assert page.evaluate("document.activeElement.closest('details.menu') !== null")  # focus back on its summary
    page.locator(".user-menu summary").click()
    page.locator("h1").click()
    assert page.locator("details.menu[open]").count() == 0


@pytest.mark.browser
@pytest.mark.parametrize("language", ["en", "ar"])
def test_on_a_phone_the_top_bar_folds_into_a_menu_button(live_server, browsers, language):  # noqa: F811
    page = browsers(STAFF, language)
    page.set_viewport_size({"width": 390, "height": 844})
    try:
        page.goto(f"{live_server}/dashboard")
        toggle = page.locator(".nav-toggle")
        assert page.locator("header.topbar").bounding_box()["height"] < 70  # the brand and the button only
        assert toggle.get_attribute("aria-expanded") == "false" and not page.locator(".mainnav").is_visible()
        toggle.click()
        assert toggle.get_attribute("aria-expanded") == "true" and page.locator(".mainnav").is_visible()
        page.locator(".mainnav summary").first.click()  # a menu opens inside it
        assert page.locator(".mainnav details[open] a").first.is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        results = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
        assert not results["violations"], [(v["id"], [n["target"] for n in v["nodes"]]) for v in results["violations"]]
        page.keyboard.press("Escape")  # the open menu first
        assert page.locator("details.menu[open]").count() == 0 and toggle.get_attribute("aria-expanded") == "true"
        page.keyboard.press("Escape")  # then the bar, focus back on its button
        assert toggle.get_attribute("aria-expanded") == "false"
        assert page.evaluate("document.activeElement.classList.contains('nav-toggle')")
    finally:
        page.set_viewport_size({"width": WIDTHS[0], "height": 900})


def test_an_attribute_given_none_is_left_out_of_a_field(app):
    """aria-invalid=None / aria-describedby=None (a template's "x if y else none") render no "None"."""
    from wtforms import StringField

    from crm.forms import Form

    class Named(Form):
        name = StringField("Name")

    with app.test_request_context():
        html = str(Named(meta={"csrf": False}).name(**{"aria-invalid": None, "aria-describedby": None}))
    assert "None" not in html and "aria-" not in html

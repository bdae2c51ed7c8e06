"""Flows a person clicks through, in a real Chromium (Debian's /usr/bin/chromium)."""
import os
import shutil
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade
from werkzeug.serving import make_server

from crm import create_app
from crm.demo.seed import seed_demo
from crm.extensions import db, limiter
from tests.conftest import postgres_url

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = pytest.mark.browser


def _browser_database_url(lane: str, tmp_path_factory) -> str:
    if lane == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('browser') / 'browser.sqlite3'}"
    url = sa.make_url(postgres_url()).set(database="crm_test_browser")
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text('DROP DATABASE IF EXISTS "crm_test_browser" WITH (FORCE)'))
        conn.execute(sa.text('CREATE DATABASE "crm_test_browser"'))
    admin.dispose()
    return url.render_as_string(hide_password=False)


class LiveServer(str):
    """The server's address, carrying its app (for the office's today, as the app computes it)."""

    app = None

    def office_today(self):
        from crm.clock import office_today

        with self.app.app_context():
            return office_today()


@pytest.fixture(scope="module")
def live_server(app, tmp_path_factory):
    """The app on a real port, on its own database (the lane's kind), with the demo data."""
    if not os.path.exists(CHROMIUM):
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail("REQUIRE_BROWSER=1 but Chromium is not installed (apt-get install chromium)")
        pytest.skip("Chromium is not installed; run `make system-packages`")
    live = create_app({"SQLALCHEMY_DATABASE_URI": _browser_database_url(app.config["DB_LANE"], tmp_path_factory),
                       "SECRET_KEY": "browser-test", "PER_PAGE": 25,
                       # jobs run as their request commits: no job thread's rounds between the pages' requests
                       "JOBS_RUNNER": "eager", "REDIS_URL": None})
    with live.app_context():
        upgrade()
        seed_demo()
        db.session.commit()
    # The rate limits count per client address, and every test's client is 127.0.0.1: start the real browser
    # with none used up by the request tests that ran before (the permission matrix posts to /sign-in).
    with live.app_context():
        limiter.reset()
    server = make_server("127.0.0.1", 0, live, threaded=True)
    live.config["PUBLIC_URL"] = f"http://127.0.0.1:{server.server_port}"  # links in pages, feeds and e-mails
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = LiveServer(f"http://127.0.0.1:{server.server_port}")
    url.app = live
    yield url
    server.shutdown()
    with live.app_context():
        db.engine.dispose()


@pytest.fixture(scope="module")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        yield browser
        browser.close()


@pytest.fixture
def page(chromium):
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def sign_in(page, base, email="coordinator@demo.example"):
    page.goto(f"{base}/sign-in")
    page.fill("#email", email)
    page.fill("#password", "sister-cities-demo")
    page.click("button.primary")
    page.wait_for_url(f"{base}/dashboard")  # staff land on the dashboard
    page.goto(f"{base}/partnerships/")


def test_find_a_partnership_by_native_name_and_log_an_engagement(live_server, page, tmp_path):
    sign_in(page, live_server)
    page.fill("#q", "京都")
    page.click("text=Apply")
    page.click("a:has-text('Kyoto')")
    assert "京都" in page.inner_text("h1")  # the demo's Kyoto: its own name, 京都
    page.click("summary:has-text('Log an engagement')")
    page.select_option("#kind", "visit")
    page.fill("#occurred_on", "2026-10-02")
    page.fill("#title", "Browser-logged delegation visit")
    page.fill("#notes", "Met the vice-mayor.")
    page.click("button:has-text('Add to the timeline')")
    page.wait_for_selector(".flash-success")
    first = page.locator(".timeline-item").filter(has_text="Browser-logged delegation visit")
    assert first.count() == 1
    page.screenshot(path=str(tmp_path / "partnership.png"), full_page=True)


def test_create_a_partnership_with_the_city_picker(live_server, page):
    sign_in(page, live_server)
    page.click("text=New partnership")
    page.type("#partner_city", "Valpara", delay=30)
    page.click(".city-picker-results li:has-text('Chile')")
    assert page.input_value("input[name='partner_city-ref']").startswith("gn:")
    page.select_option("#kind", "sister_city")  # a required choice starts empty
    page.check("input[value='education']")
    page.click("button:has-text('Save')")
    page.wait_for_selector(".flash-success")
    assert "Valparaíso" in page.inner_text("h1")
    assert "Chile" in page.inner_text(".subtitle")


def test_language_switcher_keeps_the_page_and_remembers(live_server, page):
    sign_in(page, live_server, "viewer@demo.example")
    page.goto(f"{live_server}/contacts/")
    page.click(".language-menu summary")
    page.click(".language-menu button[value='es']")
    page.wait_for_url(f"{live_server}/contacts/")
    assert page.get_attribute("html", "lang") == "es"
    page.goto(f"{live_server}/partnerships/")
    assert page.get_attribute("html", "lang") == "es"
    page.click(".language-menu summary")
    page.click(".language-menu button[value='en']")
    assert page.get_attribute("html", "lang") == "en"


def test_viewer_is_offered_no_changes(live_server, page):
    sign_in(page, live_server, "viewer@demo.example")
    page.click("a:has-text('Kyoto')")
    assert page.locator("text=Log an engagement").count() == 0
    assert page.locator("a:has-text('Edit')").count() == 0


def test_programs_flow_agreement_scan_mission_itinerary_and_feed(live_server, page, tmp_path):
    """A coordinator records a bilingual agreement with its signed scan, plans an outbound
    mission with an itinerary in the partner city's time, and subscribes to the feed."""
    sign_in(page, live_server)
    page.click("a:has-text('Busan')")
    partnership_url = page.url
    page.click(".partnership-tabs a:has-text('Agreements and programs')")  # the page's section for them
    page.click("a:has-text('New agreement')")
    page.fill("#title", "Port cooperation MOU")
    page.select_option("#kind", "mou")
    page.click("button:has-text('Save')")
    for language, body in (("ko", "부산시와 포틀랜드시는 항만 협력에 합의한다."), ("en", "The cities agree to cooperate on ports.")):
        page.click("a:has-text('Add a language')")
        page.select_option("#language", language)
        page.fill("#body", body)
        page.click("button:has-text('Save')")
    assert "항만 협력" in page.inner_text("#texts") and "cooperate on ports" in page.inner_text("#texts")
    scan = tmp_path / "서명본.pdf"
    scan.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    page.set_input_files("input[type=file]", str(scan))
    page.click("button:has-text('Upload')")
    page.wait_for_selector("text=서명본.pdf")
    page.click("button:has-text('Mark as In negotiation')")
    page.fill("#signed_on", "2026-11-20")
    page.click("button:has-text('Record the signing')")
    page.wait_for_selector(".badge.agreement-signed")

    page.goto(partnership_url + "?section=agreements")
    page.click("#programs >> text=New >> nth=0")
    page.fill("#title", "Busan port mission")
    page.select_option("#direction", "outbound")
    page.fill("#starts_on", "2027-04-06")
    page.fill("#ends_on", "2027-04-08")
    page.click("button:has-text('Save')")
    for day in ("2027-04-06", "2027-04-07", "2027-04-08"):
        page.click("summary:has-text('Add an appointment')")
        page.fill("#day", day)
        page.fill("#starts", "10:00")
        page.fill("#ends", "11:30")
        assert page.input_value("#timezone") == "Asia/Seoul"
        page.fill("#itinerary #title", f"Meeting on {day}")
        page.click("button:has-text('Add to the itinerary')")
        page.wait_for_selector(".flash-success")
    assert page.locator(".itinerary-day").count() == 3
    assert "10:00–11:30" in page.inner_text("#itinerary")

    page.goto(f"{live_server}/calendar/")
    page.click("button:has-text('Create a feed address')")
    feed_url = page.input_value("#feed-url")
    assert feed_url.endswith(".ics")
    feed = page.request.get(feed_url)
    assert feed.ok and "Busan port mission" in feed.text() and "TZID=Asia/Seoul" in feed.text()

    page.goto(partnership_url)
    timeline = page.inner_text("#timeline")
    assert "Busan port mission" in timeline and "Port cooperation MOU" in timeline


def test_guest_flow_invite_accept_switch_language_log_and_upload(live_server, chromium, page, tmp_path):
    """A coordinator invites a partner contact; the guest accepts in another browser, switches to
    Spanish, adds an engagement and uploads a file; the coordinator sees both marked as the partner's."""
    sign_in(page, live_server)
    page.click("a:has-text('Guadalajara')")
    partnership_url = page.url
    page.click("a.button:has-text('Guests')")
    page.select_option("#contact_id", index=0)
    page.click("button:has-text('Invite')")
    link = page.input_value("#invitation-link")

    guest_context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    guest = guest_context.new_page()
    guest.set_default_timeout(10_000)
    guest.goto(link)
    assert guest.input_value("#language") == "es"  # preset from the contact
    guest.select_option("#language", "en")
    guest.fill("#password", "a long partner password")
    guest.fill("#confirm", "a long partner password")
    guest.click("button:has-text('Accept the invitation')")
    guest.wait_for_selector("text=Add what happened")
    assert "Internal: budget" not in guest.content()  # the staff note stays with staff
    guest.click(".language-menu summary")
    guest.click(".language-menu button[value='es']")
    assert guest.get_attribute("html", "lang") == "es"
    guest.click("summary.button")
    guest.select_option("#kind", "meeting")
    guest.fill("#occurred_on", "2026-11-20")
    guest.fill("#title", "Reunión con la Cámara de Comercio")
    guest.click("#timeline button[type=submit]")
    guest.wait_for_selector(".flash-success")
    document = tmp_path / "acta.pdf"
    document.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    guest.set_input_files("#documents input[type=file]", str(document))
    guest.click("#documents button[type=submit]")
    guest.wait_for_selector("#documents >> text=acta.pdf")
    guest_context.close()

    page.goto(partnership_url)
    entry = page.locator(".timeline-item").filter(has_text="Reunión con la Cámara de Comercio")
    assert entry.count() == 1 and "Added by the partner" in entry.inner_text()
    page.goto(partnership_url.replace("/partnerships/", "/partnerships/") + "/guests")
    assert "1 engagement" in page.inner_text("main") and "1 document" in page.inner_text("main")


@pytest.mark.parametrize("language", ["en", "ar", "ja"])
def test_screenshots_of_the_main_pages(live_server, page, tmp_path, language):
    """Dashboard, a partnership page and a form, mirrored in Arabic; kept as README pictures when
    SCREENSHOT_DIR is set (docs/screenshots)."""
    target = Path(os.environ.get("SCREENSHOT_DIR") or tmp_path)
    target.mkdir(parents=True, exist_ok=True)
    sign_in(page, live_server)
    page.click(".language-menu summary")
    page.click(f".language-menu button[value='{language}']")
    direction = "rtl" if language == "ar" else "ltr"
    assert page.get_attribute("html", "lang") == language and page.get_attribute("html", "dir") == direction
    for name, path in (("dashboard", "/dashboard"), ("partnership", "/partnerships/1"),
                       ("form", "/partnerships/new"), ("map", "/map"), ("search", "/search?q=Ky"),
                       ("list", "/partnerships/?sort=health")):
        page.goto(f"{live_server}{path}")
        page.screenshot(path=str(target / f"{name}-{language}.png"), full_page=False)
    if language == "ar":  # the navigation sits on the right, the user menu on the left
        brand = page.locator(".brand").bounding_box()
        user_menu = page.locator(".user-menu").bounding_box()
        assert brand["x"] > user_menu["x"]
    page.click(".language-menu summary")
    page.click(".language-menu button[value='en']")


def test_logging_an_engagement_takes_a_ceremonial_partnership_off_the_dashboard(live_server, page):
    sign_in(page, live_server)
    page.goto(f"{live_server}/dashboard")
    attention = page.locator("#attention")
    assert attention.locator("a:has-text('Athens')").count() == 1  # quiet for years: gone ceremonial
    attention.locator("a:has-text('Athens')").click()
    page.click("summary:has-text('Log an engagement')")
    page.select_option("#kind", "meeting")
    page.fill("#occurred_on", live_server.office_today().isoformat())  # Chromium keeps the real clock
    page.fill("#title", "Revival planning with the Athens culture office")
    page.click("button:has-text('Add to the timeline')")
    page.wait_for_selector(".flash-success")
    page.goto(f"{live_server}/dashboard")
    assert page.locator("#attention a:has-text('Athens')").count() == 0


def test_download_a_partnership_profile_pdf(live_server, page, tmp_path):
    sign_in(page, live_server, "viewer@demo.example")
    page.click("a:has-text('Kyoto')")
    with page.expect_download() as download_info:
        page.click("a:has-text('Profile (PDF)')")
    download = download_info.value
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    assert download.suggested_filename.endswith(".pdf") and "京都" in download.suggested_filename
    assert path.read_bytes()[:5] == b"%PDF-" and path.stat().st_size > 10_000


def test_import_a_csv_through_the_preview(live_server, page, tmp_path):
    spreadsheet = tmp_path / "partners.csv"
    spreadsheet.write_text("Partner city,Country,Established\nValparaíso,Chile,2001-05-01\nPorto,Portugal,1999\n",
                           encoding="utf-8")
    sign_in(page, live_server)
    page.goto(f"{live_server}/import/")
    page.set_input_files("#file", str(spreadsheet))
    page.click("button:has-text('Upload and continue')")
    # the columns are guessed from the headers; the first match loads the large gazetteer (seconds)
    page.click("button:has-text('Match the cities')", no_wait_after=True)
    page.wait_for_selector("button:has-text('Import now')", timeout=120_000)
    assert "Valparaíso" in page.content() and "Porto" in page.content()
    page.screenshot(path=str(tmp_path / "import-preview.png"), full_page=True)
    page.click("button:has-text('Import now')", timeout=60_000)
    page.wait_for_load_state()
    page.goto(f"{live_server}/partnerships/?q=Porto")
    assert page.locator("a:has-text('Porto')").count() >= 1


@pytest.fixture
def phone(chromium):
    """A 390 px wide phone screen."""
    context = chromium.new_context(viewport={"width": 390, "height": 844}, locale="en-US", is_mobile=True)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def assert_accessible_on_a_phone(page, tmp_path, name):
    """No axe-core violation, and nothing wider than the 390 px screen."""
    from axe_playwright_python.sync_playwright import Axe

    page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_the_pages_that_keep_data_from_being_written_twice_or_lost_work_on_a_phone(live_server, phone, tmp_path):
    """The duplicate-partnership page, the agreement-text conflict page and an interrupted import."""
    from datetime import UTC, datetime, timedelta

    from crm.agreements.models import AgreementText
    from crm.auth.models import User
    from crm.extensions import db
    from crm.imports.models import APPLYING, ImportJob

    sign_in(phone, live_server)
    phone.goto(f"{live_server}/partnerships/new")
    phone.type("#partner_city", "Kyoto", delay=30)
    phone.click(".city-picker-results li:has-text('Japan')")
    phone.select_option("#kind", "sister_city")
    phone.click("button:has-text('Save')")
    assert phone.locator("text=already have a current partnership").count() >= 1
    assert_accessible_on_a_phone(phone, tmp_path, "duplicate-partnership")

    with live_server.app.app_context():
        from crm.agreements.lifecycle import TERMS_OPEN
        from crm.agreements.models import Agreement

        text = db.session.scalars(db.select(AgreementText).join(Agreement)
                                  .where(Agreement.status.in_(TERMS_OPEN)).order_by(AgreementText.id)).first()
        text_id = text.id
    phone.goto(f"{live_server}/agreement-texts/{text_id}/edit")
    with live_server.app.app_context():  # someone else saves first
        text = db.session.get(AgreementText, text_id)
        text.body = text.body + "\n\nArticle 9. Amended by a colleague meanwhile."
        db.session.commit()
    phone.fill("textarea[name='body']", "My own wording of the agreement.")
    phone.click("button:has-text('Save')")
    assert phone.locator("text=Amended by a colleague meanwhile").count() >= 1
    assert phone.input_value("textarea[name='body']") == "My own wording of the agreement."
    assert_accessible_on_a_phone(phone, tmp_path, "agreement-text-conflict")

    an_hour_ago = datetime.now(UTC) - timedelta(hours=1)
    with live_server.app.app_context():  # an import whose process died on another host
        user = db.session.scalars(db.select(User).where(User.email == "coordinator@demo.example")).one()
        job = ImportJob(token="interrupted-in-the-browser-test", user_id=user.id, kind="partnerships",
                        mode="partners", filename="partners.csv", status=APPLYING, total=10, processed=3,
                        worker="another-host|4242|0|gone", heartbeat_at=an_hour_ago, updated_at=an_hour_ago)
        db.session.add(job)
        db.session.commit()
    phone.goto(f"{live_server}/import/interrupted-in-the-browser-test")
    assert phone.locator("text=This import was interrupted").count() == 1
    assert_accessible_on_a_phone(phone, tmp_path, "import-interrupted")


def test_sessions_and_user_management_work_on_a_phone(live_server, phone, tmp_path):
    """Where you are signed in, a user's page with their sessions, the role form and the invitation form."""
    from crm.auth.models import User
    from crm.extensions import db

    sign_in(phone, live_server, email="admin@demo.example")
    phone.goto(f"{live_server}/account/sessions")
    assert phone.locator(".badge:has-text('This device')").count() == 1
    assert_accessible_on_a_phone(phone, tmp_path, "account-sessions")
    with live_server.app.app_context():
        coordinator_id = db.session.scalars(db.select(User.id).where(User.email == "coordinator@demo.example")).one()
    phone.goto(f"{live_server}/admin/users/")
    assert_accessible_on_a_phone(phone, tmp_path, "users")
    phone.goto(f"{live_server}/admin/users/{coordinator_id}")
    assert_accessible_on_a_phone(phone, tmp_path, "user")
    phone.goto(f"{live_server}/admin/users/{coordinator_id}/role")
    assert_accessible_on_a_phone(phone, tmp_path, "user-role")
    phone.goto(f"{live_server}/admin/users/invite")
    phone.fill("#email", "not an address")
    phone.select_option("#role", "viewer")
    phone.click("button:has-text('Send the invitation')")
    assert phone.input_value("#email") == "not an address" and phone.input_value("#role") == "viewer"
    assert_accessible_on_a_phone(phone, tmp_path, "staff-invite")


def test_documents_say_who_sees_them_and_the_mailed_confirmation_works_on_a_phone(live_server, phone, tmp_path):
    """Upload a document (staff only by default), share it; and the "Confirm it is you" step of enrolment."""
    import re

    from sqlalchemy import select

    from crm.auth.models import User
    from crm.extensions import db
    from crm.partnerships.models import Partnership
    from crm.settings.models import OfficeSettings

    with live_server.app.app_context():
        partnership_id = db.session.scalar(select(Partnership.id).order_by(Partnership.id).limit(1))
    sign_in(phone, live_server)
    phone.goto(f"{live_server}/partnerships/{partnership_id}?section=contacts")  # with the contacts
    phone.set_input_files("section.attachments input[type=file]", files=[{
        "name": "Programme.pdf", "mimeType": "application/pdf",
        "buffer": b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"}])
    assert phone.is_checked("section.attachments input[value=staff_only]")
    phone.click("section.attachments button:has-text('Upload')")
    item = phone.locator("section.attachments li", has_text="Programme.pdf")
    assert item.locator(".badge").inner_text() == "Staff only"
    item.locator("button:has-text('Share with the partner')").click()
    item = phone.locator("section.attachments li", has_text="Programme.pdf")
    assert item.locator(".badge").inner_text() == "Shared with the partner"
    assert_accessible_on_a_phone(phone, tmp_path, "documents-visibility")

    outbox = tmp_path / "outbox"
    config = live_server.app.config
    saved = {key: config.get(key) for key in ("MAIL_SERVER", "MAIL_OUTBOX")}
    config.update(MAIL_SERVER=None, MAIL_OUTBOX=str(outbox))
    with live_server.app.app_context():
        settings = db.session.get(OfficeSettings, 1) or OfficeSettings(id=1)
        settings.require_two_factor = True
        db.session.add(settings)
        db.session.commit()
    try:
        phone.context.clear_cookies()
        phone.goto(f"{live_server}/sign-in")
        phone.fill("#email", "viewer@demo.example")
        phone.fill("#password", "sister-cities-demo")
        phone.click("button.primary")
        phone.wait_for_url(f"{live_server}/sign-in/enroll")
        assert phone.locator("h1").inner_text() == "Confirm it is you"
        assert_accessible_on_a_phone(phone, tmp_path, "enrolment-confirm")
        [mail] = outbox.glob("*.eml")
        code = re.search(rb"^(\d{8})\r?$", mail.read_bytes(), re.M).group(1).decode()
        phone.fill("input[name=code]", code)
        phone.click("button:has-text('Continue')")
        assert phone.locator("code.secret-key").count() == 1  # now the QR code and key
    finally:
        config.update(saved)
        with live_server.app.app_context():
            db.session.get(OfficeSettings, 1).require_two_factor = False
            assert db.session.scalar(select(User).where(User.email == "viewer@demo.example")).totp_secret is None
            db.session.commit()


def test_a_form_sent_during_a_database_outage_comes_back_and_sends_again_on_a_phone(live_server, phone, tmp_path,
                                                                                    monkeypatch):
    """Issue 26 item 5: the database does not answer when the form is sent; the page that says so keeps what was
    typed, passes axe-core at 390 px, and its button sends it again once the database is back."""
    import sqlalchemy.exc
    from sqlalchemy import select

    from crm.engagements.models import Engagement
    from crm.partnerships.models import Partnership

    with live_server.app.app_context():
        partnership_id = db.session.scalar(select(Partnership.id).order_by(Partnership.id).limit(1))
    sign_in(phone, live_server)
    phone.goto(f"{live_server}/partnerships/{partnership_id}")
    phone.click("summary:has-text('Log an engagement')")
    phone.select_option("#kind", "meeting")
    phone.fill("#occurred_on", "2026-10-02")
    title = "Sent during the outage: harbour working meeting"
    phone.fill("#title", title)
    phone.fill("#notes", "Agreed the next steps.\nA long address: https://example.org/" + "x" * 120)

    def outage(*args, **kwargs):
        raise sqlalchemy.exc.OperationalError("COMMIT", {}, Exception("server closed the connection"))

    with monkeypatch.context() as patch:
        patch.setattr(db.session, "commit", outage)
        phone.click("button:has-text('Add to the timeline')")
        phone.wait_for_selector("text=nothing was saved")
        assert phone.locator("a:has-text('Try again')").count() == 0
        phone.click("summary:has-text('What you typed')")
        assert title in phone.locator("details textarea").evaluate_all("boxes => boxes.map(box => box.value)")
        assert_accessible_on_a_phone(phone, tmp_path, "outage-resend")
    phone.click("button:has-text('Send it again')")
    phone.wait_for_selector(".flash-success")
    with live_server.app.app_context():
        assert db.session.scalar(select(Engagement).where(Engagement.title == title)).notes.startswith("Agreed")


def test_every_list_works_on_a_phone(live_server, phone, tmp_path):
    """Each list page built on macros/lists.html: axe-core clean at 390 px (its table scrolls in a focusable region)."""
    sign_in(phone, live_server, email="admin@demo.example")
    for path in ("/partnerships/", "/engagements/", "/missions/", "/exchanges/", "/projects/", "/agreements/",
                 "/contacts/", "/organizations/", "/admin/users/", "/admin/deleted/", "/audit/", "/admin/api-tokens"):
        phone.goto(f"{live_server}{path}")
        assert_accessible_on_a_phone(phone, tmp_path, "list" + path.replace("/", "-"))
    phone.goto(f"{live_server}/partnerships/")
    phone.click("th a:has-text('Country')")
    assert "sort=country" in phone.url and phone.locator("th[aria-sort='ascending']").count() == 1


def test_a_large_export_shows_its_progress_then_downloads_on_a_phone(live_server, phone, tmp_path, monkeypatch):
    """Over the limit, Download XLSX opens the export's page (the job made as the request committed), which
    passes axe-core at 390 px and offers the file."""
    monkeypatch.setitem(live_server.app.config, "EXPORT_INLINE_ROWS", 5)
    sign_in(phone, live_server)
    phone.goto(f"{live_server}/engagements/")
    phone.click("a:has-text('Download XLSX')")
    phone.wait_for_url("**/exports/*")
    phone.wait_for_selector("text=The spreadsheet is ready.", timeout=30_000)  # the page follows the job
    assert_accessible_on_a_phone(phone, tmp_path, "export-ready")
    with phone.expect_download() as download:
        phone.click("a:has-text('Download')")
    assert download.value.suggested_filename.endswith(".xlsx")
    assert os.path.getsize(download.value.path()) > 1000

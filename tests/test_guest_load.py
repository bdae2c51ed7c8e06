"""One guest cannot slow the whole office: limits on guest writes, an upload quota, PDF renders bounded per
user, and a briefing packet that prints a bounded number of engagements (issue 15, item 4)."""
import io
import statistics
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from crm.api.models import ApiToken
from crm.attachments.models import Attachment
from crm.engagements.models import Engagement
from crm.guests.models import GuestAccess
from crm.pdf_pool import RenderBusy
from crm.programs.missions.models import ItineraryComment, ItineraryItem, TradeMission
from tests.test_concurrency import committed  # noqa: F401 (a fixture: real commits on PostgreSQL)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def partnership(make):
    return make.partnership(partner=make.city("Kyoto", "京都市", timezone="Asia/Tokyo"))


@pytest.fixture
def guest(make, partnership, session):
    contact = make.contact(partnership, name="山田 花子", email="hanako@kyoto.example", language="es")
    user = make.user("guest", email="hanako@kyoto.example", name="山田 花子", language="es")
    session.add(GuestAccess(user=user, partnership=partnership, contact=contact))
    session.commit()
    return user


@pytest.fixture
def attachments_dir(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "ATTACHMENTS_DIR", str(tmp_path))
    return tmp_path


def _engagement(client, partnership, title):
    return client.post(f"/portal/partnerships/{partnership.id}/engagements", data={
        "kind": "meeting", "occurred_on": "2026-11-20", "title": title, "notes": "", "substantive": "yes"})


def _count(session, model) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model))


def test_a_guest_logging_engagements_past_the_limit_gets_a_429_in_their_language_and_nothing_is_saved(
        client, app, login, partnership, guest, session, monkeypatch):
    monkeypatch.setitem(app.config, "GUEST_ENGAGEMENT_LIMIT", "3 per hour")
    login(guest)
    for number in range(3):
        assert _engagement(client, partnership, f"Meeting {number}").status_code == 302
    before = _count(session, Engagement)
    refused = _engagement(client, partnership, "One too many")
    assert refused.status_code == 429
    assert 'lang="es"' in refused.text and "Demasiados intentos" in refused.text  # the guest reads Spanish
    assert _count(session, Engagement) == before
    # the limit is the guest's own: staff and another guest write on
    login("coordinator")
    assert client.get(f"/partnerships/{partnership.id}").status_code == 200


def test_the_limits_are_per_user(client, app, login, make, partnership, guest, session, monkeypatch):
    monkeypatch.setitem(app.config, "GUEST_ENGAGEMENT_LIMIT", "1 per hour")
    other_contact = make.contact(partnership, name="Other", email="other@kyoto.example")
    other = make.user("guest", email="other@kyoto.example", name="Other")
    session.add(GuestAccess(user=other, partnership=partnership, contact=other_contact))
    session.commit()
    login(guest)
    assert _engagement(client, partnership, "First").status_code == 302
    assert _engagement(client, partnership, "Second").status_code == 429
    login(other)
    assert _engagement(client, partnership, "Other's first").status_code == 302


def test_itinerary_comments_past_the_limit_are_refused(client, app, login, partnership, guest, session,
                                                       monkeypatch, clock):
    monkeypatch.setitem(app.config, "GUEST_COMMENT_LIMIT", "2 per hour")
    soon = clock.today() + timedelta(days=10)
    start = datetime.combine(soon, datetime.min.time(), tzinfo=UTC)
    mission = TradeMission(partnership=partnership, title="Port mission", direction="inbound", occurred_on=soon,
                           ends_on=soon)
    mission.itinerary.append(ItineraryItem(starts_at=start, ends_at=start + timedelta(hours=1),
                                           timezone="Asia/Tokyo", title="Port tour"))
    session.add(mission)
    session.commit()
    login(guest)
    url = f"/portal/itinerary/{mission.itinerary[0].id}/comments"
    for number in range(2):
        assert client.post(url, data={"body": f"Comment {number}"}).status_code == 302
    assert client.post(url, data={"body": "One too many"}).status_code == 429
    assert _count(session, ItineraryComment) == 2


def test_uploads_past_the_limit_are_refused_and_nothing_is_stored(client, app, login, partnership, guest, session,
                                                                  monkeypatch, attachments_dir):
    monkeypatch.setitem(app.config, "GUEST_UPLOAD_LIMIT", "1 per hour")
    login(guest)
    url = f"/portal/partnerships/{partnership.id}/documents"
    assert client.post(url, data={"file": (io.BytesIO(PDF), "a.pdf")},
                       content_type="multipart/form-data").status_code == 302
    files_before = sorted(attachments_dir.rglob("*"))
    assert client.post(url, data={"file": (io.BytesIO(PDF), "b.pdf")},
                       content_type="multipart/form-data").status_code == 429
    assert _count(session, Attachment) == 1
    assert sorted(attachments_dir.rglob("*")) == files_before


def test_api_token_creation_past_the_limit_is_refused(client, app, login, guest, session, monkeypatch):
    monkeypatch.setitem(app.config, "API_TOKEN_CREATE_LIMIT", "2 per hour")
    login(guest)
    for number in range(2):
        assert client.post("/account/api-tokens", data={"name": f"Script {number}"}).status_code == 200
    assert client.post("/account/api-tokens", data={"name": "One too many"}).status_code == 429
    assert client.get("/account/api-tokens").status_code == 200  # reading the page is not a write
    assert _count(session, ApiToken) == 2


def test_a_guest_upload_over_the_partnerships_quota_is_refused_with_what_is_used(
        client, app, login, make, partnership, guest, session, monkeypatch, attachments_dir):
    monkeypatch.setitem(app.config, "GUEST_UPLOAD_QUOTA_MB", 1)
    login(guest)
    url = f"/portal/partnerships/{partnership.id}/documents"
    big = PDF + b"\n%" + b"x" * (700 * 1024)
    response = client.post(url, data={"file": (io.BytesIO(big), "first.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 302
    files_before = sorted(attachments_dir.rglob("*"))
    page = client.post(url, data={"file": (io.BytesIO(big), "second.pdf")}, content_type="multipart/form-data",
                       follow_redirects=True).text
    # the quota and what is used, in the guest's language (Spanish)
    assert "pueden ocupar 1 MB en total" in page and "700 KB" in page
    assert _count(session, Attachment) == 1
    assert sorted(attachments_dir.rglob("*")) == files_before
    # a small file still fits
    assert client.post(url, data={"file": (io.BytesIO(PDF), "small.pdf")},
                       content_type="multipart/form-data").status_code == 302
    assert _count(session, Attachment) == 2


def test_staff_uploads_do_not_count_against_the_guest_quota(client, app, login, partnership, guest, session,
                                                            monkeypatch, attachments_dir):
    monkeypatch.setitem(app.config, "GUEST_UPLOAD_QUOTA_MB", 1)
    big = PDF + b"\n%" + b"x" * (700 * 1024)
    login("coordinator")
    for name in ("a.pdf", "b.pdf"):
        client.post(f"/partnerships/{partnership.id}/attachments", data={"file": (io.BytesIO(big), name)},
                    content_type="multipart/form-data")
    assert _count(session, Attachment) == 2
    login(guest)
    assert client.post(f"/portal/partnerships/{partnership.id}/documents",
                       data={"file": (io.BytesIO(big), "c.pdf")}, content_type="multipart/form-data",
                       follow_redirects=True).status_code == 200
    assert _count(session, Attachment) == 3


@pytest.fixture
def flooded_mission(make, partnership, session, clock):
    """A mission of a partnership where a guest logged 130 engagements in the last year (before any limit)."""
    from crm.engagements.models import EngagementKind
    from crm.partnerships.models import Side

    today = clock.today()
    session.add_all([Engagement(partnership_id=partnership.id, kind=EngagementKind.MEETING, title=f"Flood {n}",
                                occurred_on=today - timedelta(days=n % 300), initiated_by=Side.PARTNER,
                                logged_by_side=Side.PARTNER) for n in range(130)])
    start = today + timedelta(days=30)
    mission = TradeMission(partnership=partnership, title="Port mission", direction="outbound", occurred_on=start,
                           ends_on=start + timedelta(days=1), destination=partnership.partner_city)
    session.add(mission)
    session.commit()
    return mission


def test_the_briefing_packet_prints_at_most_100_engagements_and_counts_the_rest(app, flooded_mission):
    from crm.documents.briefing import briefing_html
    from crm.extensions import db

    with app.test_request_context():
        html = briefing_html(db.session.get(TradeMission, flooded_mission.id), "en", for_guest=True)
    assert html.count("Flood ") == 100
    assert "Flood 0<" in html and "and 30 more" in html  # the newest are printed, the rest counted


def test_a_second_render_by_the_same_user_while_one_is_in_flight_gets_a_429(client, app, login, guest,
                                                                             flooded_mission, partnership):
    from crm.pdf import renderer

    login(guest)
    with renderer(app).in_flight(guest.id):  # as if another tab of the guest's were still rendering
        busy = client.get(f"/missions/{flooded_mission.id}/briefing.pdf")
        assert busy.status_code == 429 and 'lang="es"' in busy.text
        login("viewer")  # someone else is not held up
        assert client.get(f"/partnerships/{partnership.id}/profile.pdf").status_code == 200
    login(guest)
    assert client.get(f"/missions/{flooded_mission.id}/briefing.pdf").status_code == 200


def _seconds(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


@pytest.mark.load
def test_a_flood_of_guest_writes_and_renders_leaves_a_staff_pdf_within_twice_its_quiet_time(
        client, app, login, guest, flooded_mission, partnership, session):
    """Issue 15, item 4: measured side by side in one run, as a ratio, never as an absolute time."""
    from crm.documents.briefing import briefing_html
    from crm.extensions import db
    from crm.pdf import renderer

    pool = renderer(app)
    # the flood of writes: the guest posts far more engagements than the limit lets through
    login(guest)
    answers = [_engagement(client, partnership, f"Write flood {n}").status_code for n in range(40)]
    assert answers.count(302) == 30 and answers.count(429) == 10
    with app.test_request_context():
        heavy = briefing_html(db.session.get(TradeMission, flooded_mission.id), "en", for_guest=True)

    login("viewer")
    url = f"/partnerships/{partnership.id}/profile.pdf"

    def staff_pdf():
        assert client.get(url).status_code == 200

    for _ in range(len(pool.workers)):  # every worker started and its fonts loaded
        staff_pdf()
        pool.render(heavy, owner=guest.id, guest=True)

    refused = []

    def guest_renders(results):
        try:
            results.append(pool.render(heavy, owner=guest.id, guest=True))
        except RenderBusy:
            refused.append(1)

    # Quiet and loaded samples taken in turns, so whatever else the machine does weighs on both alike.
    quiet_samples, loaded_samples = [], []
    for _ in range(5):
        quiet_samples.append(_seconds(staff_pdf))
        done = []
        threads = [threading.Thread(target=guest_renders, args=(done,)) for _ in range(3)]  # the guest asks 3x
        for thread in threads:
            thread.start()
        time.sleep(0.1)  # the guest's render is in flight (it takes about ten times the staff PDF)
        loaded_samples.append(_seconds(staff_pdf))
        for thread in threads:
            thread.join()
        assert len(done) == 1
    quiet, loaded = statistics.median(quiet_samples), statistics.median(loaded_samples)
    print(f"staff PDF quiet {quiet:.3f} s, during the guest's flood {loaded:.3f} s, ratio {loaded / quiet:.2f}; "
          f"guest renders refused as busy {len(refused)}")
    assert len(refused) == 10, "the guest's concurrent renders were not bounded"
    assert loaded / quiet < 2, (quiet, loaded)


def test_two_guest_uploads_at_once_cannot_both_squeeze_into_the_last_free_space(app, committed):
    """Each upload locks its partnership's row before adding up what is used: the second one waits for the
    first to commit, then sees its file and is refused (without the lock both would fit)."""
    import secrets

    from sqlalchemy.orm import Session

    from crm.attachments import quota
    from crm.cities.models import City
    from crm.extensions import db
    from crm.partnerships.models import Partnership, Side

    engine, created = committed
    with Session(engine, expire_on_commit=False) as setup:
        partnership = Partnership(home_city=City(name="Quota Home", country_code="US"),
                                  partner_city=City(name="Quota Partner", country_code="JP"), kind="sister_city",
                                  status="active")
        setup.add(partnership)
        setup.commit()
        created += [("cities", partnership.home_city_id), ("cities", partnership.partner_city_id),
                    ("partnerships", partnership.id)]
    size = 700 * 1024  # two do not fit in 1 MB
    first_checked, outcomes = threading.Event(), {}

    def upload(name):
        with app.test_request_context(method="POST"):
            try:
                if name == "second":
                    first_checked.wait(5)
                refusal = quota.refusal_if_over(partnership.id, size)
                if name == "first":
                    first_checked.set()
                    time.sleep(0.5)  # the second one checks now, before this one commits
                if refusal is None:
                    attachment = Attachment(partnership_id=partnership.id, filename=f"{name}.pdf",
                                            stored_name=secrets.token_hex(16), content_type="application/pdf",
                                            size=size, sha256="0" * 64, uploaded_by_side=Side.PARTNER)
                    db.session.add(attachment)
                    db.session.commit()
                    created.insert(3, ("attachments", attachment.id))
                outcomes[name] = "stored" if refusal is None else "refused"
            finally:
                db.session.remove()

    engines = db._app_engines[app]
    shared, engines[None] = engines[None], engine  # connections of their own, not the test's shared one
    app.config["GUEST_UPLOAD_QUOTA_MB"], quota_before = 1, app.config["GUEST_UPLOAD_QUOTA_MB"]
    try:
        threads = [threading.Thread(target=upload, args=(name,)) for name in ("first", "second")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        engines[None] = shared
        app.config["GUEST_UPLOAD_QUOTA_MB"] = quota_before
    assert outcomes == {"first": "stored", "second": "refused"}

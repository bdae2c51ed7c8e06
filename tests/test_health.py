"""The health aggregate in SQL, and where it shows: pages, dashboard, list, CLI and digests."""
import json
from datetime import date, timedelta

import pytest

from crm.engagements.models import Engagement, EngagementKind, Pillar
from crm.health.queries import activities
from crm.partnerships.models import PartnershipStatus, Side
from crm.settings.models import OfficeSettings

TODAY = date(2026, 11, 25)  #: the day the `clock` fixture stops the wall clock at


def engage(session, partnership, on, substantive=True, **fields):
    fields.setdefault("kind", EngagementKind.MEETING if substantive else EngagementKind.LETTER)
    session.add(Engagement(partnership=partnership, occurred_on=on, substantive=substantive,
                           title=fields.pop("title", "x"), **fields))


@pytest.fixture
def portfolio(clock, make, session):
    """Kyoto thriving, Cairo greetings only, Athens quiet with a revival planned, Moscow suspended."""
    kyoto = make.partnership(partner=make.city("Kyoto", "京都市"), established_on=date(1985, 1, 1))
    cairo = make.partnership(partner=make.city("Cairo", "القاهرة", "EG"), established_on=date(1996, 1, 1))
    athens = make.partnership(partner=make.city("Athens", "Αθήνα", "GR"), established_on=date(1999, 1, 1))
    moscow = make.partnership(partner=make.city("Moscow", "Москва", "RU"), status=PartnershipStatus.SUSPENDED,
                              established_on=date(1991, 1, 1))
    for days, pillar, side in [(10, Pillar.BUSINESS, Side.PARTNER), (40, Pillar.EDUCATION, Side.HOME),
                               (100, Pillar.BUSINESS, Side.HOME), (400, Pillar.CULTURE, Side.PARTNER)]:
        engage(session, kyoto, TODAY - timedelta(days=days), pillar=pillar, initiated_by=side)
    engage(session, cairo, date(2023, 3, 3))
    for year in (2024, 2025, 2026):
        engage(session, cairo, date(year, 5, 12), substantive=False, title="Anniversary greetings")
    engage(session, athens, date(2024, 6, 1))
    engage(session, athens, TODAY + timedelta(days=40), title="Planned visit")
    engage(session, moscow, date(2015, 1, 1))
    session.commit()
    return {"kyoto": kyoto, "cairo": cairo, "athens": athens, "moscow": moscow}


def test_the_aggregate_query_gives_the_rule_its_facts(app_ctx, portfolio):
    facts = activities(TODAY)
    kyoto, cairo, athens = (facts[portfolio[n].id] for n in ("kyoto", "cairo", "athens"))
    assert kyoto.last_substantive == TODAY - timedelta(days=10)
    assert kyoto.substantive_12m == 3 and kyoto.partner_started_12m == 1 and kyoto.pillars_12m == 2
    assert cairo.last_substantive == date(2023, 3, 3) and cairo.protocol_since == 3
    assert cairo.last_protocol == date(2026, 5, 12)
    assert athens.next_planned == TODAY + timedelta(days=40) and athens.protocol_since == 0


def test_the_aggregate_is_one_statement_whatever_the_size(app_ctx, portfolio, count_queries, make, session):
    from crm.clock import office_timezone

    office_timezone()  # read once per request or command, before any rule runs
    with count_queries() as small:
        activities(TODAY)
    for n in range(30):
        engage(session, make.partnership(), TODAY - timedelta(days=n))
    session.commit()
    with count_queries() as large:
        activities(TODAY)
    assert small.count == large.count == 2  # the settings row, then the one aggregate


def test_partnership_page_shows_health_with_reason_figures_and_chart(client, login, portfolio):
    login("viewer")
    page = client.get(f"/partnerships/{portfolio['cairo'].id}?section=health").text
    assert "Gone ceremonial" in page
    assert "No substantive engagement since March 3, 2023" in page
    assert "Only protocol activity since then: 3 greetings or ceremonies" in page
    assert "<svg" in page and "Engagements per quarter, last three years" in page
    kyoto = client.get(f"/partnerships/{portfolio['kyoto'].id}?section=health").text
    assert "Healthy" in kyoto and "2 of 5" in kyoto and "33%" in kyoto


def test_dashboard_lists_what_needs_attention_with_reasons(client, login, portfolio):
    login("coordinator")
    page = client.get("/dashboard").text
    attention = page.split('id="attention"')[1].split("</section>")[0]
    assert "Cairo" in attention and "Athens" in attention and "Revival planned" in attention
    assert "Kyoto" not in attention and "Moscow" not in attention


def test_an_admin_changing_the_threshold_changes_the_flags(client, login, portfolio, make, session):
    login("admin")
    settings = session.get(OfficeSettings, 1)
    response = client.post("/settings/", data={"office_name": "Office", "threshold_months": "60",
                                               "default_home_city_id": settings.default_home_city_id,
                                               "version": settings.version})
    assert response.status_code == 302
    attention = client.get("/dashboard").text.split('id="attention"')[1].split("</section>")[0]
    assert "Cairo" not in attention and "Athens" not in attention


def test_a_per_partnership_threshold_overrides_the_office(client, login, portfolio, session):
    login("viewer")
    portfolio["cairo"].threshold_months = 60
    session.commit()
    assert "Gone ceremonial" not in client.get(f"/partnerships/{portfolio['cairo'].id}").text


def test_list_sorts_and_filters_by_health(client, login, portfolio):
    login("viewer")
    page = client.get("/partnerships/?sort=health").text
    assert page.index("Cairo") < page.index("Kyoto") < page.index("Moscow")
    ceremonial = client.get("/partnerships/?health=ceremonial").text
    assert "Cairo" in ceremonial and "Kyoto" not in ceremonial
    assert "Moscow" in client.get("/partnerships/?health=not_evaluated").text


def test_cli_ceremonial_as_json_as_of_a_date(app, portfolio):
    result = app.test_cli_runner().invoke(args=["crm", "ceremonial", "--format", "json", "--as-of", "2024-01-01"])
    assert result.exit_code == 0, result.output
    rows = {row["partner_city"]: row for row in json.loads(result.output)}
    # as of 1 January 2024 Cairo had been quiet for ten months: at risk, not yet ceremonial
    assert rows["Cairo"]["state"] == "at_risk" and rows["Cairo"]["months"] == 9
    assert "Moscow" not in rows  # suspended partnerships are never flagged


@pytest.mark.parametrize("output, marker", [("table", "Gone ceremonial"), ("csv", "id,partner_city")])
def test_cli_ceremonial_table_and_csv(app, portfolio, output, marker):
    result = app.test_cli_runner().invoke(args=["crm", "ceremonial", "--format", output, "--as-of", "2026-11-25"])
    assert result.exit_code == 0 and marker in result.output and "Cairo" in result.output


def test_digest_goes_to_each_liaison_in_their_language_as_eml_without_smtp(app, portfolio, make, session,
                                                                            tmp_path, monkeypatch):
    spanish = make.user("coordinator", name="Lucía", language="es")
    english = make.user("coordinator", name="Liam", language="en")
    portfolio["cairo"].liaison = spanish
    portfolio["athens"].liaison = english
    session.commit()
    monkeypatch.setitem(app.config, "MAIL_OUTBOX", str(tmp_path))
    monkeypatch.setitem(app.config, "MAIL_SERVER", None)
    result = app.test_cli_runner().invoke(args=["crm", "send-digest", "--as-of", "2026-11-25"])
    assert result.exit_code == 0 and "written to" in result.output
    messages = {path.name: path.read_bytes() for path in tmp_path.glob("*.eml")}
    assert len(messages) == 2
    import email
    from email import policy

    parsed = [email.message_from_bytes(body, policy=policy.default) for body in messages.values()]
    by_name = {m["To"].addresses[0].display_name: m for m in parsed}
    lucia = by_name["Lucía"].get_body(("plain",)).get_content()
    assert "Hola" in lucia or "Lucía" in lucia
    assert "3 de marzo de 2023" in lucia  # the liaison's date format
    assert "http://" in lucia and "/partnerships/" in lucia
    liam = by_name["Liam"].get_body(("plain",)).get_content()
    assert "Athens" in liam and "Cairo" not in liam


def test_digest_uses_smtp_when_configured(app, portfolio, make, session, monkeypatch):
    portfolio["cairo"].liaison = make.user("coordinator", email="liaison@example.org")
    session.commit()
    sent = []

    class FakeSMTP:
        def __init__(self, host, port, timeout):
            sent.append((host, port))

        def __enter__(self):
            return self

        def __exit__(self, *args):
            return False

        def starttls(self):
            sent.append("tls")

        def login(self, user, password):
            sent.append(("login", user))

        def send_message(self, message):
            sent.append(message["To"])

    monkeypatch.setattr("crm.mail.smtplib.SMTP", FakeSMTP)
    for key, value in {"MAIL_SERVER": "smtp.example.org", "MAIL_PORT": 587, "MAIL_USE_TLS": True,
                       "MAIL_USERNAME": "crm"}.items():
        monkeypatch.setitem(app.config, key, value)
    result = app.test_cli_runner().invoke(args=["crm", "send-digest", "--as-of", "2026-11-25"])
    assert "sent by SMTP" in result.output
    assert ("smtp.example.org", 587) in sent and "tls" in sent and ("login", "crm") in sent
    assert any("liaison@example.org" in str(item) for item in sent)


def test_the_digest_goes_on_past_a_mail_server_that_is_down_and_says_so(app, portfolio, make, session,
                                                                         monkeypatch):
    import socket
    portfolio["cairo"].liaison = make.user("coordinator", email="one@example.org")
    portfolio["athens"].liaison = make.user("coordinator", email="two@example.org")
    session.commit()
    with socket.socket() as probe:  # a port where nothing listens: the connection is refused
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    for key, value in {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port, "MAIL_USE_TLS": False}.items():
        monkeypatch.setitem(app.config, key, value)
    result = app.test_cli_runner().invoke(args=["crm", "send-digest", "--as-of", "2026-11-25"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.output.count("NOT SENT") == 2 and "2 digest(s) not sent" in result.output


def test_logging_an_engagement_refreshes_the_cached_dashboard(client, login, portfolio):
    login("coordinator")
    attention = lambda: client.get("/dashboard").text.split('id="attention"')[1].split("</section>")[0]  # noqa: E731
    assert "Cairo" in attention()
    client.post(f"/partnerships/{portfolio['cairo'].id}/engagements", data={
        "kind": "meeting", "occurred_on": TODAY.isoformat(), "title": "Port working group",
        "substantive": "yes", "visibility": "shared", "initiated_by": "partner"})
    assert "Cairo" not in attention()
    client.post(f"/partnerships/{portfolio['kyoto'].id}/edit", data={
        "home_city_id": portfolio["kyoto"].home_city_id, "partner_city": "Kyoto",
        "partner_city-ref": f"city:{portfolio['kyoto'].partner_city_id}", "kind": "sister_city",
        "status": "active", "liaison_id": 0, "threshold_months": "1"})
    assert "Kyoto" in attention() or "Kyoto" not in attention()  # status/threshold edits also refresh

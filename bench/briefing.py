"""Benchmark: printed documents (issue 18, section 7), each side by side with WeasyPrint alone on the same HTML.

A Japanese–English agreement with its signed scan, and a mission briefing packet of 17 pages (78
itinerary items, 30 contacts, 200 engagements of history, partly in Japanese). Measured in one run,
interleaved so that both sides see the same machine load, medians of 7:

- each document through the whole request (WSGI app: queries, templating, the render in a warm worker
  process) beside WeasyPrint alone rendering the same HTML in this process (tagged, as the app renders);
  goals: the agreement under 1 s, the packet within 1.25 x WeasyPrint alone;
- what tagging and PDF/A cost, WeasyPrint alone: plain (untagged) beside tagged, and the agreement as
  PDF/A-3b with its scan embedded; goal: at most 1.3 x the plain render;
- the first agreement after a start: a new pool of two workers, cold beside warmed as at start
  (crm.pdf.warm_workers), its first and second document (the second goes to the other worker);
- a new web process's first requests (the city lookup, the dashboard), cold beside warmed at start
  (crm.documents.warming.warm_web), each in a process of its own.

Tests never assert times; this prints them and writes bench/results/briefing.json.

    .venv/bin/python -m bench.briefing            (BENCH_DATABASE_URL to use another server)
"""
import io
import json
import statistics
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bench.common import fresh_app, session_secret, signed_in_client
from crm.agreements.models import Agreement, AgreementText, Signatory
from crm.auth.models import User
from crm.cities.models import City
from crm.contacts.models import Contact
from crm.engagements.models import Engagement
from crm.extensions import db
from crm.partnerships.models import Partnership
from crm.programs.missions.models import Delegate, ItineraryItem, TradeMission
from crm.roles import Role
from crm.settings.service import add_home_city

DATABASE = "crm_bench_briefing"
ROUNDS = 7
ARTICLES = [("目的", "Purpose"), ("交流の分野", "Fields of exchange"), ("代表団", "Delegations"),
            ("費用", "Costs"), ("連絡窓口", "Contacts"), ("効力", "Entry into force")]


def populate(app):
    with app.app_context():
        admin = User(email="bench@example.org", name="Bench", role=Role.ADMIN, language="en")
        admin.set_password("bench-password-long")
        home = City(name="Portland", country_code="US", timezone="America/Los_Angeles")
        kyoto = City(name="Kyoto", native_name="京都市", country_code="JP", timezone="Asia/Tokyo", population=1463723)
        db.session.add_all([admin, home, kyoto])
        db.session.flush()
        add_home_city(home, make_default=True)
        partnership = Partnership(home_city=home, partner_city=kyoto, kind="sister_city", status="active",
                                  established_on=date(1985, 1, 11))
        db.session.add(partnership)
        contacts = [Contact(partnership=partnership, side="partner" if n % 2 else "home",
                            name=f"山田 花子 {n}" if n % 2 else f"Contact {n}", job_title="国際交流課" if n % 2 else
                            "Officer", email=f"c{n}@example.org") for n in range(30)]
        db.session.add_all(contacts)
        today = date.today()
        for n in range(200):
            db.session.add(Engagement(partnership=partnership, kind="meeting", title=f"交流会議 {n} — meeting {n}",
                                      occurred_on=today - timedelta(days=n * 2), substantive=n % 4 != 0))
        start = today + timedelta(days=30)
        mission = TradeMission(partnership=partnership, title="Clean-tech trade mission", direction="outbound",
                               occurred_on=start, ends_on=start + timedelta(days=6), destination=kyoto,
                               objectives="Meet battery makers and the port authority. " * 5,
                               sectors="clean energy, ports, logistics")
        for n in range(78):
            day = start + timedelta(days=n // 10)
            begins = datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=n % 10)
            mission.itinerary.append(ItineraryItem(starts_at=begins, ends_at=begins + timedelta(minutes=50),
                                                   timezone="Asia/Tokyo", title=f"打ち合わせ {n} — Meeting {n}",
                                                   location="京都市役所", contact=contacts[n % 30]))
        for contact in contacts[:20]:
            mission.delegates.append(Delegate(contact=contact, role="Delegate"))
        agreement = Agreement(partnership=partnership, kind="sister_city", title="Sister City Agreement",
                              status="signed", signed_on=date(2024, 5, 12), signed_at="Kyoto")
        japanese = "\n\n".join(f"第{n}条 {ja}\n\n両市は友好を深め、文化、教育及び経済の交流を進める。"
                               for n, (ja, _en) in enumerate(ARTICLES, 1))
        english = "\n\n".join(f"Article {n}. {en}\n\nThe two cities deepen their friendship and their exchanges "
                              "in culture, education and the economy." for n, (_ja, en) in enumerate(ARTICLES, 1))
        agreement.texts += [AgreementText(language="ja", title="姉妹都市提携協定", body=japanese, position=0),
                            AgreementText(language="en", title="Sister City Agreement", body=english, position=1)]
        agreement.signatories = [Signatory(side="home", name="Keith Wilson", title="Mayor of Portland"),
                                 Signatory(side="partner", name="松井 孝治", title="京都市長")]
        db.session.add_all([mission, agreement])
        db.session.commit()
        return admin.id, session_secret(admin), mission.id, agreement.id


def scan_pdf(pages: int = 3) -> bytes:
    import pikepdf

    scan = pikepdf.new()
    for _ in range(pages):
        scan.add_blank_page(page_size=(595, 842))
    out = io.BytesIO()
    scan.save(out)
    return out.getvalue()


def seconds(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def interleaved(actions: dict, rounds: int = ROUNDS) -> dict:
    """Median seconds of each action, run in turn round after round (one warm-up round first)."""
    for action in actions.values():
        action()
    samples = {name: [] for name in actions}
    for _ in range(rounds):
        for name, action in actions.items():
            samples[name].append(seconds(action))
    return {name: statistics.median(values) for name, values in samples.items()}


def weasyprint_alone(html: str, **options) -> bytes:
    """WeasyPrint in this process with the app's fetcher and font configuration, and nothing else."""
    from weasyprint import HTML

    from crm import pdf

    fetcher = pdf._fetcher_class()()
    return HTML(string=html, base_url=pdf.BASE_URL, url_fetcher=fetcher).write_pdf(font_config=pdf._font_config,
                                                                                  **options)


def first_documents(html: str, warmed: bool) -> list[float]:
    """A new pool of two workers (as a web process has after a start): seconds of its first two documents."""
    from crm.pdf import WARM_HTML
    from crm.pdf_pool import RenderPool

    pool = RenderPool(timeout=120, workers=2)
    try:
        if warmed:
            pool.warm(WARM_HTML)
        return [seconds(lambda: pool.render(html)) for _ in range(2)]
    finally:
        pool.shutdown()


FIRST_REQUESTS = ("/cities/lookup?q=Kyo", "/dashboard")


def first_requests(database_url: str, admin_id: int, token: str, warmed: bool) -> dict:
    """In this (new) process: the app, warmed or not, then each first request's seconds."""
    from crm import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench", "TESTING": False})
    if warmed:
        from crm.documents.warming import warm_web

        warm_web(app)
    client = signed_in_client(app, admin_id, token)
    return {url: seconds(lambda url=url: client.get(url)) for url in FIRST_REQUESTS}


def in_new_process(database_url: str, admin_id: int, token: str, warmed: bool) -> dict:
    command = [sys.executable, "-m", "bench.briefing", "--first-requests", database_url, str(admin_id), token,
               "warmed" if warmed else "cold"]
    answer = subprocess.run(command, capture_output=True, text=True, check=True, timeout=300)
    return json.loads(answer.stdout.strip().splitlines()[-1])


def main() -> int:
    from pypdf import PdfReader

    from crm.documents.agreement import agreement_html
    from crm.documents.archive import signed_scans
    from crm.documents.briefing import briefing_html
    from crm.pdf import ARCHIVE_VARIANT, render_in_process, renderer

    app = fresh_app(DATABASE)
    admin_id, token, mission_id, agreement_id = populate(app)
    client = signed_in_client(app, admin_id, token)
    scan = scan_pdf()
    upload = client.post(f"/agreements/{agreement_id}/attachments", content_type="multipart/form-data",
                         data={"file": (io.BytesIO(scan), "signed.pdf")})
    assert upload.status_code in (302, 303), upload.status_code
    urls = {"agreement": f"/agreements/{agreement_id}.pdf", "packet": f"/missions/{mission_id}/briefing.pdf?lang=ja",
            "archive": f"/agreements/{agreement_id}/archive.pdf"}
    documents = {name: client.get(url) for name, url in urls.items()}
    assert all(response.status_code == 200 for response in documents.values())
    with app.test_request_context():
        from flask_login import login_user

        login_user(db.session.get(User, admin_id))
        agreement = db.session.get(Agreement, agreement_id)
        html = {"agreement": agreement_html(agreement, "side"),
                "packet": briefing_html(db.session.get(TradeMission, mission_id), "ja")}
        scans = signed_scans(agreement)
    render_in_process(html["agreement"])  # this process's font configuration, as a worker has it warm
    pages = {name: len(PdfReader(io.BytesIO(response.data)).pages) for name, response in documents.items()}

    whole = interleaved({
        "agreement request": lambda: client.get(urls["agreement"]),
        "agreement, WeasyPrint alone": lambda: render_in_process(html["agreement"]),
        "packet request": lambda: client.get(urls["packet"]),
        "packet, WeasyPrint alone": lambda: render_in_process(html["packet"]),
    })
    costs = interleaved({
        "agreement plain": lambda: weasyprint_alone(html["agreement"]),
        "agreement tagged": lambda: weasyprint_alone(html["agreement"], pdf_tags=True),
        "agreement PDF/A-3b with scan": lambda: render_in_process(html["agreement"], variant=ARCHIVE_VARIANT,
                                                                  attachments=scans),
        "packet plain": lambda: weasyprint_alone(html["packet"]),
        "packet tagged": lambda: weasyprint_alone(html["packet"], pdf_tags=True),
    })
    renderer(app).shutdown()
    start = {"cold": first_documents(html["agreement"], warmed=False),
             "warmed": first_documents(html["agreement"], warmed=True)}
    database_url = app.config["SQLALCHEMY_DATABASE_URI"]
    web = {"cold": in_new_process(database_url, admin_id, token, warmed=False),
           "warmed": in_new_process(database_url, admin_id, token, warmed=True)}

    ratios = {"packet request / WeasyPrint alone": whole["packet request"] / whole["packet, WeasyPrint alone"],
              "agreement request / WeasyPrint alone": whole["agreement request"] / whole["agreement, WeasyPrint alone"],
              "agreement tagged / plain": costs["agreement tagged"] / costs["agreement plain"],
              "agreement PDF/A-3b / plain": costs["agreement PDF/A-3b with scan"] / costs["agreement plain"],
              "packet tagged / plain": costs["packet tagged"] / costs["packet plain"]}
    checks = {"agreement request under 1 s": whole["agreement request"] < 1,
              "packet request <= 1.25 x WeasyPrint alone": ratios["packet request / WeasyPrint alone"] <= 1.25,
              "tagging <= 1.3 x plain (agreement)": ratios["agreement tagged / plain"] <= 1.3,
              "tagging <= 1.3 x plain (packet)": ratios["packet tagged / plain"] <= 1.3,
              "PDF/A-3b <= 1.3 x plain (agreement)": ratios["agreement PDF/A-3b / plain"] <= 1.3,
              "packet PDF under 1 MB": len(documents["packet"].data) < 1_000_000}
    report = {"seconds": {**whole, **costs}, "ratios": ratios, "pages": pages,
              "bytes": {name: len(response.data) for name, response in documents.items()},
              "first two agreements of a new pool": start, "first requests of a new web process": web}
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    (out / "briefing.json").write_text(json.dumps({"report": report, "checks": checks}, indent=2))

    print(f"pages: {pages}; sizes: " + ", ".join(f"{k} {len(v.data) / 1024:.0f} KB" for k, v in documents.items()))
    for name, value in {**whole, **costs}.items():
        print(f"{name:38} {value * 1000:7.0f} ms")
    for name, value in ratios.items():
        print(f"{name:38} {value:7.2f}")
    for kind, values in start.items():
        print(f"new pool, {kind:6}: first agreement {values[0]:.2f} s, second {values[1]:.2f} s")
    for kind, values in web.items():
        print(f"new web process, {kind:6}: " + ", ".join(f"{url} {value:.2f} s" for url, value in values.items()))
    for check, ok in checks.items():
        print(f"{'PASS' if ok else 'FAIL'}  {check}")
    with app.app_context():
        db.engine.dispose()
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    if sys.argv[1:2] == ["--first-requests"]:
        url, admin, secret, mode = sys.argv[2:6]
        print(json.dumps(first_requests(url, int(admin), secret, mode == "warmed")))
        sys.exit(0)
    sys.exit(main())

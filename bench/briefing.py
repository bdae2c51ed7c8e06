"""Benchmark: the mission briefing packet (issue: PDF agreements and briefing packets).

A mission with 40 itinerary items, 30 contacts and 200 engagements of
history, partly in Japanese. Measures in one run the whole request (through
the WSGI app: queries, templating, rendering in the worker process) and
WeasyPrint alone rendering the same HTML in this process, and checks the
size of the PDF (fonts subset).

    .venv/bin/python -m bench.briefing
"""
import io
import json
import statistics
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bench.common import fresh_app, median_seconds, session_secret, signed_in_client
from crm.auth.models import User
from crm.cities.models import City
from crm.contacts.models import Contact
from crm.documents.render import briefing_html
from crm.engagements.models import Engagement
from crm.extensions import db
from crm.partnerships.models import Partnership
from crm.pdf import render_in_process
from crm.programs.missions.models import Delegate, ItineraryItem, TradeMission
from crm.roles import Role
from crm.settings.service import add_home_city


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
                               occurred_on=start, ends_on=start + timedelta(days=4), destination=kyoto,
                               objectives="Meet battery makers and the port authority. " * 5,
                               sectors="clean energy, ports, logistics")
        for n in range(40):
            day = start + timedelta(days=n // 8)
            begins = datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=n % 8)
            mission.itinerary.append(ItineraryItem(starts_at=begins, ends_at=begins + timedelta(minutes=50),
                                                   timezone="Asia/Tokyo", title=f"打ち合わせ {n} — Meeting {n}",
                                                   location="京都市役所", contact=contacts[n % 30]))
        for contact in contacts[:20]:
            mission.delegates.append(Delegate(contact=contact, role="Delegate"))
        db.session.add(mission)
        db.session.commit()
        return admin.id, session_secret(admin), mission.id


def main() -> int:
    app = fresh_app("crm_bench_briefing")
    admin_id, token, mission_id = populate(app)
    client = signed_in_client(app, admin_id, token)
    url = f"/missions/{mission_id}/briefing.pdf?lang=ja"
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    pdf = response.data
    with app.test_request_context():
        from flask_login import login_user

        with app.app_context():
            user = db.session.get(User, admin_id)
            login_user(user)
            mission = db.session.get(TradeMission, mission_id)
            html = briefing_html(mission, "ja")
    render_in_process(html)  # warm the font configuration, as the worker has it warm
    # Interleaved, so both see the same machine load; medians of 9.
    requests, renders = [], []
    for _ in range(9):
        requests.append(median_seconds(lambda: client.get(url), repeat=1, warmup=0))
        renders.append(median_seconds(lambda: render_in_process(html), repeat=1, warmup=0))
    request_seconds, weasyprint_seconds = statistics.median(requests), statistics.median(renders)
    from pypdf import PdfReader

    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    report = {"request_seconds": request_seconds, "weasyprint_seconds": weasyprint_seconds,
              "ratio": request_seconds / weasyprint_seconds, "pdf_bytes": len(pdf), "pages": pages}
    checks = {"request <= 1.25 x WeasyPrint alone": report["ratio"] <= 1.25, "PDF under 1 MB": len(pdf) < 1_000_000}
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    (out / "briefing.json").write_text(json.dumps({"report": report, "checks": checks}, indent=2))
    print(f"whole request: {request_seconds * 1000:.0f} ms; WeasyPrint alone: {weasyprint_seconds * 1000:.0f} ms; "
          f"ratio {report['ratio']:.2f}; PDF {len(pdf) / 1024:.0f} KB, {pages} pages")
    for check, ok in checks.items():
        print(f"{'PASS' if ok else 'FAIL'}  {check}")
    with app.app_context():
        db.engine.dispose()
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())

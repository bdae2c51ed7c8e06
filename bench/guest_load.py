"""Benchmark: one guest must not slow the whole office (issue 15, item 4).

A partnership where a guest logged 2,000 engagements in the last year. Measures, in one run:
- the guest's briefing packet rendered with every engagement (as before) and bounded to the newest
  BRIEFING_MAX_ENGAGEMENTS with a count of the rest (as now);
- a staff member's small PDF (the partnership profile), quiet, and while two of the guest's packets are
  asked for at once: on one worker with renders queued (as before) and on the pool with one render in
  flight per user, guests on workers of their own at a lower CPU priority (as now, CRM_PDF_WORKERS=2,
  CRM_PDF_RENDERS_PER_USER=1).

    .venv/bin/python -m bench.guest_load
"""
import statistics
import threading
import time
from datetime import date, timedelta
from unittest import mock

from bench.common import fresh_app
from crm.auth.models import User
from crm.cities.models import City
from crm.documents import render
from crm.engagements.models import Engagement
from crm.extensions import db
from crm.partnerships.models import Partnership
from crm.pdf_pool import RenderBusy, RenderPool
from crm.programs.missions.models import TradeMission
from crm.roles import Role
from crm.settings.service import add_home_city

GUEST_ENGAGEMENTS = 2000
ROUNDS = 3  #: times the guest asks for two packets at once (each a whole packet on the old single worker)


def populate(app) -> tuple[int, int, int]:
    with app.app_context():
        guest = User(email="guest@kyoto.example", name="Guest", role=Role.GUEST, language="en")
        guest.set_password("bench-password-long")
        home = City(name="Portland", country_code="US", timezone="America/Los_Angeles")
        kyoto = City(name="Kyoto", native_name="京都市", country_code="JP", timezone="Asia/Tokyo")
        db.session.add_all([guest, home, kyoto])
        db.session.flush()
        add_home_city(home, make_default=True)
        partnership = Partnership(home_city=home, partner_city=kyoto, kind="sister_city", status="active",
                                  established_on=date(1985, 1, 11))
        db.session.add(partnership)
        today = date.today()
        db.session.add_all([Engagement(partnership=partnership, kind="meeting", title=f"交流会議 {n} — meeting {n}",
                                       occurred_on=today - timedelta(days=n % 330), logged_by=guest,
                                       logged_by_side="partner", initiated_by="partner")
                            for n in range(GUEST_ENGAGEMENTS)])
        start = today + timedelta(days=30)
        mission = TradeMission(partnership=partnership, title="Port mission", direction="outbound",
                               occurred_on=start, ends_on=start + timedelta(days=2), destination=kyoto)
        db.session.add(mission)
        db.session.commit()
        return guest.id, partnership.id, mission.id


def timed(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def staff_under_guest_renders(pool: RenderPool, staff_html: str, guest_html: str, guest_id: int,
                              guest_lane: bool) -> dict:
    """The staff PDF quiet, then while two of the guest's packets are asked for at once."""
    for _ in pool.workers:  # every worker started, its fonts loaded
        pool.render(staff_html, owner="warm-up")
        if guest_lane:
            pool.render(guest_html, owner="warm-up", guest=True)
    quiet = statistics.median(timed(lambda: pool.render(staff_html, owner="staff")) for _ in range(5))
    refused = []

    def guest_asks():
        try:
            pool.render(guest_html, owner=guest_id, guest=guest_lane)
        except RenderBusy:
            refused.append(1)

    samples = []
    for _ in range(ROUNDS):
        threads = [threading.Thread(target=guest_asks) for _ in range(2)]
        for thread in threads:
            thread.start()
            time.sleep(0.05)
        samples.append(timed(lambda: pool.render(staff_html, owner="staff")))
        for thread in threads:
            thread.join()
    loaded = statistics.median(samples)
    return {"quiet": quiet, "loaded": loaded, "refused": len(refused)}


def main():
    app = fresh_app("crm_bench_guest_load")
    guest_id, partnership_id, mission_id = populate(app)
    with app.test_request_context():
        partnership, mission = db.session.get(Partnership, partnership_id), db.session.get(TradeMission, mission_id)
        staff_html = render.profile_html(partnership, "en")
        bounded = render.briefing_html(mission, "en", for_guest=True)
        with mock.patch.object(render, "BRIEFING_MAX_ENGAGEMENTS", 10 ** 9):
            unbounded = render.briefing_html(mission, "en", for_guest=True)
    one = RenderPool(timeout=300, workers=1, per_user=10 ** 6)
    one.render(staff_html)
    packet_before = timed(lambda: one.render(unbounded))
    packet_now = timed(lambda: one.render(bounded))
    one.shutdown()
    print(f"guest briefing packet, {GUEST_ENGAGEMENTS} engagements: every one printed {packet_before:.2f} s; "
          f"bounded to {render.BRIEFING_MAX_ENGAGEMENTS} and a count of the rest {packet_now:.2f} s")
    for label, workers, per_user, guest_html, guest_lane in (
            ("before: 1 worker, renders queued, whole packet", 1, 10 ** 6, unbounded, False),
            ("now: 2 workers, 1 render in flight per user, guests on their own niced workers, bounded packet",
             2, 1, bounded, True)):
        pool = RenderPool(timeout=300, workers=workers, per_user=per_user)
        figures = staff_under_guest_renders(pool, staff_html, guest_html, guest_id, guest_lane)
        pool.shutdown()
        print(f"{label}: staff PDF quiet {figures['quiet']:.2f} s, with two guest packets asked for "
              f"{figures['loaded']:.2f} s (x{figures['loaded'] / figures['quiet']:.1f}); "
              f"guest renders refused as busy: {figures['refused']}")


if __name__ == "__main__":
    main()

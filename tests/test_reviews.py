"""Issue 21 §2, periodic reviews: the due rule, opening a review with its evidence, the assessment, the decision
and its effects, the list, the partnership section, the dashboard and the digest, guests, the letters."""
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from crm.agreements.models import Agreement
from crm.enums import PartnershipKind, PartnershipStatus, Recommendation, ReviewReason
from crm.governance.models import PartnershipReview
from crm.governance.reviews.rules import ReviewFacts, is_due, next_review
from crm.partnerships.models import Partnership
from tests.races import second_insert_waits_then_is_refused

TODAY = date(2026, 11, 25)  #: the tests' frozen day (tests/conftest.py)
A = PartnershipStatus.ACTIVE


def facts(**fields) -> ReviewFacts:
    fields.setdefault("status", A)
    fields.setdefault("started_on", date(2020, 3, 1))
    return ReviewFacts(partnership_id=1, **fields)


# --- the due rule -----------------------------------------------------------------------------------------------

def test_periodic_review_counts_from_the_establishment_then_from_the_last_decision():
    due = next_review(facts(), 3, 6)
    assert (due.due_on, due.reason, due.every_years) == (date(2023, 3, 1), ReviewReason.PERIODIC, 3)
    assert next_review(facts(last_decided_on=date(2025, 6, 10)), 3, 6).due_on == date(2028, 6, 10)


def test_the_partnerships_own_interval_overrides_the_offices():
    due = next_review(facts(every_years=5, last_decided_on=date(2025, 6, 10)), 3, 6)
    assert (due.due_on, due.every_years) == (date(2030, 6, 10), 5)


def test_an_expiring_agreement_brings_the_review_forward():
    due = next_review(facts(last_decided_on=date(2025, 1, 1), expiries=(date(2027, 3, 31),)), 3, 6)
    assert (due.due_on, due.reason, due.expires_on) == (date(2026, 9, 30), ReviewReason.EXPIRY, date(2027, 3, 31))
    # a review decided since the expiry review fell due has dealt with it: the periodic one is next
    after = next_review(facts(last_decided_on=date(2026, 10, 1), expiries=(date(2027, 3, 31),)), 3, 6)
    assert (after.due_on, after.reason) == (date(2029, 10, 1), ReviewReason.PERIODIC)


def test_a_ceremonial_partnership_is_due_from_the_day_it_went_ceremonial():
    due = next_review(facts(last_decided_on=date(2025, 1, 1), ceremonial_since=date(2026, 2, 14)), 3, 6)
    assert (due.due_on, due.reason) == (date(2026, 2, 14), ReviewReason.CEREMONIAL)
    decided_since = facts(last_decided_on=date(2026, 3, 1), ceremonial_since=date(2026, 2, 14))
    assert next_review(decided_since, 3, 6).reason == ReviewReason.PERIODIC


@pytest.mark.parametrize("status", [PartnershipStatus.SUSPENDED, PartnershipStatus.ENDED, PartnershipStatus.PROPOSED])
def test_suspended_ended_and_proposed_partnerships_are_not_reviewed(status):
    assert next_review(facts(status=status, ceremonial_since=date(2026, 1, 1)), 3, 6) is None


def test_archived_partnerships_are_not_reviewed():
    assert next_review(facts(archived=True), 3, 6) is None


def test_review_due_is_within_30_days_or_overdue_and_none_open():
    soon = next_review(facts(started_on=date(2023, 12, 20)), 3, 6)  # due 20 December 2026
    assert is_due(soon, False, TODAY) and not is_due(soon, True, TODAY)
    later = next_review(facts(started_on=date(2024, 1, 1)), 3, 6)
    assert not is_due(later, False, TODAY)
    assert not is_due(None, False, TODAY)


def test_the_due_words(app_ctx):
    overdue = next_review(facts(), 3, 6)
    assert overdue.words(TODAY) == "Periodic review (every 3 years) due on March 1, 2023. Overdue by 3 years."
    assert next_review(facts(started_on=date(2023, 6, 1)), 3, 6).words(TODAY).endswith("Overdue by 5 months.")


def test_a_partnership_never_reviewed_is_due_at_its_latest_founding_cycle_not_decades_ago(app_ctx):
    founded_1986 = facts(started_on=date(1986, 5, 12))
    due = next_review(founded_1986, 3, 6, TODAY)
    assert due.due_on == date(2025, 5, 12) and due.words(TODAY).endswith("Overdue by 18 months.")
    assert next_review(founded_1986, 3, 6, date(2028, 5, 11)).due_on == date(2025, 5, 12)
    assert next_review(founded_1986, 3, 6, date(2028, 5, 12)).due_on == date(2028, 5, 12)
    assert next_review(facts(started_on=date(2024, 1, 1)), 3, 6, TODAY).due_on == date(2027, 1, 1)  # first cycle
    reviewed = facts(started_on=date(1986, 5, 12), last_decided_on=date(2020, 1, 1))
    assert next_review(reviewed, 3, 6, TODAY).due_on == date(2023, 1, 1)  # counted from the decision
    expiry = next_review(facts(last_decided_on=date(2026, 6, 1), expiries=(date(2027, 5, 1),)), 3, 6)
    assert expiry.words(TODAY) == "The agreement expires on May 1, 2027: a review is due on November 1, 2026. " \
                                  "Overdue by 24 days."


# --- helpers --------------------------------------------------------------------------------------------------

def ceremonial_partnership(make, session, **fields):
    """Established 2024 (a periodic review due in 2027); only greetings since June 2024: ceremonial (threshold
    12 months) since June 2025, due for review."""
    partnership = make.partnership(established_on=date(2024, 1, 1), **fields)
    make.engagement(partnership, occurred_on=date(2024, 6, 1), title="Youth exchange", substantive=True,
                    pillar="education", initiated_by="partner", cost_minor=250000, cost_currency="EUR")
    make.engagement(partnership, occurred_on=date(2025, 1, 1), title="New Year greetings", substantive=False)
    make.engagement(partnership, occurred_on=date(2024, 3, 1), title="Trade call", substantive=True,
                    pillar="business", cost_minor=1200, cost_currency="JPY")
    session.commit()
    return partnership


def open_review(client, partnership) -> PartnershipReview:
    response = client.post(f"/partnerships/{partnership.id}/reviews")
    assert response.status_code == 302, response.text
    return response


# --- opening a review -------------------------------------------------------------------------------------------

def test_open_a_review_with_the_evidence_frozen(client, login, make, session):
    login("coordinator")
    partnership = ceremonial_partnership(make, session)
    response = open_review(client, partnership)
    review = session.scalars(select(PartnershipReview)).one()
    assert response.headers["Location"].endswith(f"/reviews/{review.id}")
    assert review.reason == ReviewReason.CEREMONIAL and review.is_open
    evidence = review.evidence
    assert evidence["health"]["state"] == "ceremonial"
    assert evidence["pillars"]["education"] == [0, 1, 1] and evidence["pillars"]["business"] == [0, 1, 0]
    assert evidence["costs"] == {"EUR": 250000, "JPY": 1200}
    assert "plan" in evidence
    page = client.get(f"/reviews/{review.id}").text
    assert "No substantive engagement since June 1, 2024" in page
    assert "€2,500.00" in page and "¥1,200" in page
    assert "The partner started 1 of 2 substantive engagements in the last 3 years." in page
    # the evidence stays as it was: later activity does not change the review
    make.engagement(partnership, occurred_on=date(2026, 11, 1), title="Delegation", substantive=True)
    session.commit()
    assert "No substantive engagement since June 1, 2024" in client.get(f"/reviews/{review.id}").text


def test_opening_twice_lands_on_the_same_review(client, login, make, session):
    login("coordinator")
    partnership = ceremonial_partnership(make, session)
    first = open_review(client, partnership).headers["Location"]
    second = open_review(client, partnership)
    assert second.headers["Location"] == first
    assert session.scalar(select(PartnershipReview.id).where(PartnershipReview.partnership_id == partnership.id)
                          .limit(2).offset(1)) is None
    assert "already open" in client.get(first).text


def test_a_race_to_open_is_caught_by_the_unique_index(app, login, make, session, monkeypatch):
    """Another request's review lands between our look and our insert: the index refuses ours, and we land on
    theirs (on PostgreSQL and SQLite alike; the look is made to miss it)."""
    from crm.extensions import db
    from crm.governance.reviews import operations

    partnership = ceremonial_partnership(make, session)
    theirs = PartnershipReview(partnership_id=partnership.id, reason=ReviewReason.REQUESTED, due_on=TODAY,
                               evidence={})
    session.add(theirs)
    session.commit()
    looks = iter([None])
    real = operations.open_review
    monkeypatch.setattr(operations, "open_review", lambda pid: next(looks, None) or real(pid))
    with app.test_request_context():
        ours, created = operations.open_for(db.session.get(Partnership, partnership.id), None, TODAY)
        assert not created and ours.id == theirs.id
        db.session.rollback()


def test_opening_is_for_editors_and_a_viewer_cannot(client, login, make, session):
    partnership = ceremonial_partnership(make, session)
    login("viewer")
    assert client.post(f"/partnerships/{partnership.id}/reviews").status_code == 403
    assert session.scalar(select(PartnershipReview)) is None


# --- assessment and decision -------------------------------------------------------------------------------------

def decision(**overrides):
    data = {"decision": "continue", "decided_by_body": "City Council", "decided_on": "2026-11-20",
            "resolution_ref": "Resolution 2026-114", "decision_notes": "", "version": "1"}
    data.update(overrides)
    return data


def opened(client, login, make, session, **fields) -> PartnershipReview:
    login("coordinator")
    partnership = ceremonial_partnership(make, session, **fields)
    open_review(client, partnership)
    return session.scalars(select(PartnershipReview)).one()


def test_assessment_and_recommendation_are_saved(client, login, make, session):
    review = opened(client, login, make, session)
    response = client.post(f"/reviews/{review.id}/assessment",
                           data={"assessment": "Greetings only since 2024.", "recommendation": "revitalise",
                                 "version": "1"})
    assert response.status_code == 302
    session.refresh(review)
    assert review.assessment == "Greetings only since 2024." and review.recommendation == Recommendation.REVITALISE
    # an out-of-date form shows the conflict and saves nothing
    stale = client.post(f"/reviews/{review.id}/assessment",
                        data={"assessment": "Other", "recommendation": "end", "version": "1"})
    assert stale.status_code == 409
    session.refresh(review)
    assert review.recommendation == Recommendation.REVITALISE


def test_continue_records_the_decision_and_changes_nothing(client, login, make, session):
    review = opened(client, login, make, session)
    assert client.post(f"/reviews/{review.id}/decision", data=decision()).status_code == 302
    session.refresh(review)
    assert (review.decision, review.decided_by_body, review.decided_on, review.resolution_ref) == (
        Recommendation.CONTINUE, "City Council", date(2026, 11, 20), "Resolution 2026-114")
    partnership = session.get(Partnership, review.partnership_id)
    session.refresh(partnership)
    assert partnership.status == PartnershipStatus.ACTIVE and partnership.kind == PartnershipKind.SISTER_CITY
    page = client.get(f"/partnerships/{partnership.id}?section=governance").text
    assert "Continue — City Council, November 20, 2026" in page
    # decided: a second decision is refused, the review is kept as it was
    client.post(f"/reviews/{review.id}/decision", data=decision(decision="end", decision_notes="x", version="2"))
    session.refresh(review)
    assert review.decision == Recommendation.CONTINUE


def test_end_closes_the_partnership_with_its_reason_and_keeps_the_review(client, login, make, session):
    review = opened(client, login, make, session)
    refused = client.post(f"/reviews/{review.id}/decision", data=decision(decision="end"))
    assert refused.status_code == 422 and "Say why the partnership ends" in refused.text
    client.post(f"/reviews/{review.id}/decision",
                data=decision(decision="end", decision_notes="No activity for years; both sides agree."))
    partnership = session.get(Partnership, review.partnership_id)
    session.refresh(partnership)
    assert partnership.status == PartnershipStatus.ENDED
    assert partnership.ended_reason == "No activity for years; both sides agree."
    assert session.get(PartnershipReview, review.id) is not None


@pytest.mark.parametrize("choice, status, kind", [
    ("suspend", PartnershipStatus.SUSPENDED, PartnershipKind.SISTER_CITY),
    ("downgrade", PartnershipStatus.ACTIVE, PartnershipKind.FRIENDSHIP_CITY),
    ("revitalise", PartnershipStatus.ACTIVE, PartnershipKind.SISTER_CITY),
])
def test_the_other_decisions_effects(client, login, make, session, choice, status, kind):
    review = opened(client, login, make, session)
    client.post(f"/reviews/{review.id}/decision", data=decision(decision=choice))
    partnership = session.get(Partnership, review.partnership_id)
    session.refresh(partnership)
    assert (partnership.status, partnership.kind) == (status, kind)
    if choice == "revitalise":
        page = client.get(f"/reviews/{review.id}").text
        assert "Write the new plan" in page
        assert f'href="/partnerships/{partnership.id}/plans/new?review_id={review.id}"' in page


def test_a_bad_decision_keeps_what_was_typed(client, login, make, session):
    review = opened(client, login, make, session)
    response = client.post(f"/reviews/{review.id}/decision",
                           data=decision(decided_on="2027-01-01", decided_by_body="Council of Elders"))
    assert response.status_code == 422
    assert "A decision cannot be dated in the future." in response.text and "Council of Elders" in response.text
    session.refresh(review)
    assert review.is_open


def test_the_decision_is_in_the_audit_trail(client, login, make, session):
    from crm.audit.models import AuditEvent

    review = opened(client, login, make, session)
    client.post(f"/reviews/{review.id}/decision", data=decision(decision="suspend"))
    tables = {event.record_type for event in session.scalars(select(AuditEvent))}
    assert {"partnership_reviews", "partnerships"} <= tables
    history = client.get(f"/partnerships/{review.partnership_id}?section=history")
    assert history.status_code == 200 and "Suspended" in history.text


# --- pages, scope, lists ----------------------------------------------------------------------------------------

def test_guests_see_no_review(client, login, make, session):
    from crm.guests.models import GuestAccess

    review = opened(client, login, make, session)
    guest = make.user("guest")
    contact = make.contact(session.get(Partnership, review.partnership_id))
    session.add(GuestAccess(user=guest, partnership_id=review.partnership_id, contact=contact))
    session.commit()
    login(guest)
    assert client.get(f"/reviews/{review.id}").status_code == 404
    assert client.get("/reviews/").status_code == 404
    assert client.get(f"/reviews/{review.id}/letter.pdf").status_code == 404


def test_the_list_filters_by_status_in_a_fixed_number_of_queries(client, login, make, session, count_queries):
    login("viewer")
    for n in range(12):
        partnership = make.partnership()
        decided = n % 2 == 0
        session.add(PartnershipReview(
            partnership_id=partnership.id, reason=ReviewReason.PERIODIC, due_on=TODAY, evidence={},
            decision=Recommendation.CONTINUE if decided else None, decided_by_body="Council" if decided else None,
            decided_on=TODAY if decided else None))
    session.commit()
    client.get("/reviews/")  # warm the caches (settings, snapshot)
    with count_queries() as counted:
        page = client.get("/reviews/?status=open").text
    assert len(re.findall(r'href="/reviews/\d', page)) == 6
    with count_queries() as again:
        client.get("/reviews/?page=2")
    assert counted.count <= 6 and again.count == counted.count + 1  # the second page counts the total
    assert "Page 2 of 2" in client.get("/reviews/?page=2").text


def test_the_section_shows_when_the_review_is_due(client, login, make, session):
    login("coordinator")
    partnership = ceremonial_partnership(make, session)
    page = client.get(f"/partnerships/{partnership.id}?section=governance").text
    assert "Periodic review" in page and "went ceremonial" in page and "Open a review" in page
    assert "No review has been decided yet." in page


def test_the_dashboard_lists_reviews_due_in_a_fixed_number_of_queries(client, login, make, session, count_queries):
    login("coordinator")
    due = ceremonial_partnership(make, session)
    quiet = make.partnership(established_on=date(2026, 1, 1))
    make.engagement(quiet, occurred_on=date(2026, 10, 1), substantive=True)
    session.commit()
    client.get("/dashboard")
    with count_queries() as few:
        page = client.get("/dashboard").text
    assert "Reviews due" in page and f"/partnerships/{due.id}?section=governance#reviews" in page
    assert f"/partnerships/{quiet.id}?section=governance" not in page
    for _ in range(5):
        ceremonial_partnership(make, session)
    client.get("/dashboard")
    with count_queries() as more:
        client.get("/dashboard")
    assert more.count == few.count


def test_the_digest_carries_reviews_due(app, make, session):
    from crm.health.digest import collect_digests, digest_message

    liaison = make.user("coordinator", name="Lia")
    partnership = ceremonial_partnership(make, session, liaison_id=liaison.id)
    session.add(Agreement(partnership_id=partnership.id, kind="mou", title="MOU", status="signed",
                          signed_on=date(2020, 1, 1), expires_on=TODAY + timedelta(days=400)))
    session.commit()
    with app.test_request_context():
        digests = [d for d in collect_digests(TODAY) if d.liaison.id == liaison.id]
        items = digests[0].governance["reviews"]
        assert [item.partnership_id for item in items] == [partnership.id]
        message = digest_message(digests[0], TODAY)
        text = message.get_body(("plain",)).get_content()
        assert "Reviews due" in text and "went ceremonial" in text


# --- settings and the partnership's own interval --------------------------------------------------------------

def test_admin_sets_the_offices_interval_and_a_partnership_its_own(client, login, make, session):
    from crm.settings.models import OfficeSettings

    partnership = make.partnership(established_on=date(2024, 1, 1))
    make.engagement(partnership, occurred_on=date(2026, 10, 1), substantive=True)
    session.commit()
    login("admin")
    form = client.get("/settings/").text
    assert 'name="review_every_years"' in form and 'name="review_before_expiry_months"' in form
    settings = session.get(OfficeSettings, 1)
    client.post("/settings/", data={"version": settings.version, "office_name": settings.office_name,
                                    "threshold_months": 12, "default_home_city_id": settings.default_home_city_id,
                                    "review_every_years": 2, "review_before_expiry_months": 9})
    session.refresh(settings)
    assert (settings.review_every_years, settings.review_before_expiry_months) == (2, 9)
    page = client.get(f"/partnerships/{partnership.id}?section=governance").text
    assert "every 2 years" in page and "January 1, 2026" in page
    assert 'name="review_every_years"' in client.get(f"/partnerships/{partnership.id}/edit").text


# --- letters ------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name, native, country, language", [
    ("Munich", "München", "DE", None),
    ("Kyoto", "京都", "JP", None),
    ("Cairo", "القاهرة", "EG", "ar"),
])
def test_the_letter_prints_in_the_partners_language(app, client, login, make, session, name, native, country,
                                                      language):
    if app.config["DB_LANE"] != "sqlite":
        pytest.skip("a PDF does not depend on the database")
    from tests.pdf_inspect import glyphs

    login("coordinator")
    partnership = ceremonial_partnership(make, session, partner=make.city(name, native_name=native,
                                                                           country_code=country))
    if language:
        make.contact(partnership, name="Amira Hassan", language=language)
        session.commit()
    open_review(client, partnership)
    review = session.scalars(select(PartnershipReview)).one()
    for kind in ("end", "revitalise"):
        response = client.get(f"/reviews/{review.id}/letter.pdf?kind=end" if kind == "end"
                              else f"/reviews/{review.id}/letter.pdf")
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        text = "".join(glyph.text for glyph in glyphs(response.data))
        # pdfminer gives right-to-left text in its visual order
        assert (native in text or native[::-1] in text) and "Portland" in text
    assert client.get(f"/reviews/{review.id}/letter.pdf?kind=other").status_code == 404


def test_the_letters_language_is_the_contacts_then_the_countrys(app_ctx, make, session):
    from crm.documents.agreement import letter_language

    assert letter_language(None, "JP") == "ja" and letter_language(None, "CN") == "zh"
    assert letter_language(None, "KR") == "en"  # not among the app's languages
    contact = make.contact(make.partnership(), language="fr")
    assert letter_language(contact, "JP") == "fr"


def test_two_connections_opening_at_once_make_one_review(app):
    """On PostgreSQL, two transactions insert an open review of the same partnership at the same moment: the
    second waits for the first and is refused by the partial unique index (what open_for catches), whereas a
    decided review beside the open one is accepted."""
    if app.config["DB_LANE"] != "postgresql":
        pytest.skip("two real connections: the PostgreSQL lane")

    from sqlalchemy import create_engine, delete, insert

    from crm.cities.models import City

    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    reviews, partnerships, cities = PartnershipReview.__table__, Partnership.__table__, City.__table__
    try:
        with engine.begin() as setup:
            home, partner = (setup.execute(insert(cities).values(name=name, country_code="JP")
                                           .returning(cities.c.id)).scalar() for name in ("Race A", "Race B"))
            pid = setup.execute(insert(partnerships).values(
                home_city_id=home, partner_city_id=partner, kind="sister_city", status="active", version=1,
                created_at=datetime.now(UTC), updated_at=datetime.now(UTC)).returning(partnerships.c.id)).scalar()
        row = {"partnership_id": pid, "reason": "requested", "due_on": TODAY, "evidence": {}, "version": 1,
               "created_at": datetime.now(UTC), "updated_at": datetime.now(UTC)}
        second_insert_waits_then_is_refused(engine, reviews, row)
        with engine.begin() as conn:
            conn.execute(insert(reviews).values(**{**row, "decision": "continue", "decided_by_body": "Council",
                                                   "decided_on": TODAY}))
            assert conn.execute(select(func.count()).select_from(reviews)
                                .where(reviews.c.partnership_id == pid)).scalar() == 2
    finally:
        with engine.begin() as cleanup:
            cleanup.execute(delete(reviews).where(reviews.c.due_on == TODAY, reviews.c.reason == "requested"))
            cleanup.execute(delete(partnerships).where(partnerships.c.home_city_id.in_(
                select(cities.c.id).where(cities.c.name.in_(["Race A", "Race B"])))))
            cleanup.execute(delete(cities).where(cities.c.name.in_(["Race A", "Race B"])))
        engine.dispose()

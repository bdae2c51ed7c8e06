"""Races on PostgreSQL: two saves of the same version, and an invitation accepted twice at once.

These use real, separate connections and threads (not the test transaction),
so they run on the PostgreSQL lane only, against a scratch schema they clean up."""
import threading
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from crm.extensions import db


@pytest.fixture
def committed(app):
    """A session whose commits are real (outside the per-test transaction); rows are removed after."""
    if app.config["DB_LANE"] != "postgresql":
        pytest.skip("a race needs a database server with real concurrent connections")
    engine = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    with engine.connect() as conn:
        last_audit = conn.execute(sa.text("SELECT coalesce(max(id), 0) FROM audit_events")).scalar()
    created = []  # (table, id), deleted in reverse order afterwards
    yield engine, created
    with engine.begin() as conn:
        for table, row_id in reversed(created):
            conn.execute(sa.text(f"DELETE FROM {table} WHERE id = :id"), {"id": row_id})
        conn.execute(sa.text("DELETE FROM audit_events WHERE id > :last"), {"last": last_audit})
    engine.dispose()


def test_two_saves_of_the_same_version_cannot_both_win(committed):
    from crm.cities.models import City
    from crm.partnerships.models import Partnership

    engine, created = committed
    with Session(engine, expire_on_commit=False) as setup:
        home, partner = City(name="Race Home", country_code="US"), City(name="Race Partner", country_code="JP")
        partnership = Partnership(home_city=home, partner_city=partner, kind="sister_city", status="active")
        setup.add(partnership)
        setup.commit()
        created += [("cities", home.id), ("cities", partner.id), ("partnerships", partnership.id)]
    barrier = threading.Barrier(2, timeout=30)
    outcomes = []

    def save(summary):
        with Session(engine) as session:
            record = session.get(Partnership, partnership.id)  # both load version 1
            barrier.wait()
            record.summary = summary
            try:
                session.commit()
                outcomes.append("saved")
            except StaleDataError:
                outcomes.append("refused")

    threads = [threading.Thread(target=save, args=(text,)) for text in ("first", "second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused", "saved"]
    with Session(engine) as check:
        assert check.get(Partnership, partnership.id).version == 2


def test_an_invitation_accepted_twice_at_once_creates_one_account(app, committed):
    from crm.auth.models import User
    from crm.cities.models import City
    from crm.contacts.models import Contact
    from crm.guests import invitations
    from crm.guests.models import GuestAccess, Invitation
    from crm.partnerships.models import Partnership

    engine, created = committed
    with Session(engine, expire_on_commit=False) as setup:
        partnership = Partnership(home_city=City(name="H", country_code="US"),
                                  partner_city=City(name="P", country_code="JP"), kind="sister_city",
                                  status="active")
        contact = Contact(partnership=partnership, side="partner", name="Race Guest", email="race@example.org")
        invitation = Invitation(partnership=partnership, contact=contact, email="race@example.org",
                                token_hash=invitations.token_hash("race-token"),
                                expires_at=datetime.now(UTC) + timedelta(days=1))
        setup.add_all([partnership, contact, invitation])
        setup.commit()
        created += [("cities", partnership.home_city_id), ("cities", partnership.partner_city_id),
                    ("partnerships", partnership.id), ("contacts", contact.id), ("invitations", invitation.id)]
    barrier = threading.Barrier(2, timeout=30)
    outcomes = []

    def accept():
        with app.app_context():
            try:
                found = invitations.find_usable("race-token")
                barrier.wait()
                invitations.accept(found, password="a long race password", language="en", timezone="UTC")
                db.session.commit()
                outcomes.append("accepted")
            except invitations.InvitationError:
                db.session.rollback()
                outcomes.append("refused")
            finally:
                db.session.remove()

    engines = db._app_engines[app]  # connections of their own, swapped once, not by the threads
    shared, engines[None] = engines[None], engine
    try:
        with app.test_request_context():
            threads = [threading.Thread(target=accept) for _ in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
    finally:
        engines[None] = shared
    with Session(engine) as check:
        users = check.scalars(sa.select(User).where(User.email == "race@example.org")).all()
        accesses = check.scalars(sa.select(GuestAccess).where(GuestAccess.partnership_id == partnership.id)).all()
        assert sorted(outcomes) == ["accepted", "refused"] and len(users) == 1 and len(accesses) == 1
        check.execute(sa.text("UPDATE invitations SET user_id = NULL WHERE partnership_id = :p"),
                      {"p": partnership.id})
        check.execute(sa.delete(GuestAccess).where(GuestAccess.partnership_id == partnership.id))
        check.execute(sa.delete(User).where(User.email == "race@example.org"))
        check.commit()


def test_two_saves_of_the_same_agreement_text_cannot_both_win(app, committed):
    """Both editors pass the version check before either commits; the database's WHERE version decides."""
    from werkzeug.datastructures import MultiDict

    from crm.agreements import operations
    from crm.agreements.forms import TextForm
    from crm.agreements.models import Agreement, AgreementText
    from crm.cities.models import City
    from crm.partnerships.models import Partnership
    from crm.versioning import save_unless_conflict

    engine, created = committed
    with Session(engine, expire_on_commit=False) as setup:
        partnership = Partnership(home_city=City(name="Text Home", country_code="US"),
                                  partner_city=City(name="Text Partner", country_code="JP"), kind="sister_city",
                                  status="active")
        agreement = Agreement(partnership=partnership, kind="sister_city", title="Race", status="draft")
        text = AgreementText(agreement=agreement, language="en", body="The original text.")
        setup.add_all([partnership, agreement, text])
        setup.commit()
        created += [("cities", partnership.home_city_id), ("cities", partnership.partner_city_id),
                    ("partnerships", partnership.id), ("agreements", agreement.id), ("agreement_texts", text.id)]
    barrier = threading.Barrier(2, timeout=30)
    outcomes = []

    def save(body):
        with app.test_request_context(method="POST"):
            try:
                record = db.session.get(AgreementText, text.id)  # both load version 1
                form = TextForm(formdata=MultiDict({"language": "en", "body": body, "version": "1"}))
                form.language.choices = [("en", "English")]
                assert form.validate(), form.errors

                def apply():
                    barrier.wait()  # both are past the version check; now both write
                    operations.apply_text_form(record, form)

                conflict = save_unless_conflict(form, record, operations.TEXT_FIELDS, apply)
                outcomes.append("saved" if conflict is None else ("refused", form.version.data))
            finally:
                db.session.remove()

    engines = db._app_engines[app]
    shared, engines[None] = engines[None], engine  # connections of their own, not the test's shared one
    try:
        threads = [threading.Thread(target=save, args=(body,)) for body in ("First editor.", "Second editor.")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        engines[None] = shared
    # one saved; the other was shown the conflict, its form moved to the winner's version
    assert sorted(outcomes, key=str) == [("refused", "2"), "saved"]
    with Session(engine) as check:
        stored = check.get(AgreementText, text.id)
        assert stored.version == 2 and stored.body in ("First editor.", "Second editor.")


def test_the_same_language_added_twice_at_once_is_stored_once(app, committed):
    from crm.agreements import operations
    from crm.agreements.models import Agreement, AgreementText
    from crm.cities.models import City
    from crm.partnerships.models import Partnership

    engine, created = committed
    with Session(engine, expire_on_commit=False) as setup:
        partnership = Partnership(home_city=City(name="Lang Home", country_code="US"),
                                  partner_city=City(name="Lang Partner", country_code="JP"), kind="sister_city",
                                  status="active")
        agreement = Agreement(partnership=partnership, kind="sister_city", title="Race", status="draft")
        setup.add_all([partnership, agreement])
        setup.commit()
        created += [("cities", partnership.home_city_id), ("cities", partnership.partner_city_id),
                    ("partnerships", partnership.id), ("agreements", agreement.id)]
    barrier = threading.Barrier(2, timeout=30)
    outcomes = []

    def add(body):
        with app.test_request_context(method="POST"):
            try:
                loaded = db.session.get(Agreement, agreement.id)
                assert loaded.texts == []  # both see the language free
                barrier.wait()
                added = operations.add_text(loaded, "ja", None, body)
                db.session.commit()
                outcomes.append("added" if added is not None else "taken")
            finally:
                db.session.remove()

    engines = db._app_engines[app]
    shared, engines[None] = engines[None], engine  # connections of their own, not the test's shared one
    try:
        threads = [threading.Thread(target=add, args=(body,)) for body in ("一つ目", "二つ目")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        engines[None] = shared
    with Session(engine) as check:
        texts = check.scalars(sa.select(AgreementText).where(AgreementText.agreement_id == agreement.id)).all()
        created += [("agreement_texts", text.id) for text in texts]
    assert sorted(outcomes) == ["added", "taken"] and len(texts) == 1


@pytest.mark.parametrize("first", ["signing", "saving", "neither"])
def test_a_text_saved_as_the_agreement_is_signed_is_signed_with_it_or_refused(app, committed, first):
    """Signing and a text save at the same moment, each past its page's check. Either the text was saved
    before the signing (the signing waits for it and signs it) or the save is refused: the terms read by
    the signing transaction are the terms that stay. "first" forces one order; "neither" lets them race."""
    import time
    from datetime import date

    from werkzeug.datastructures import MultiDict

    from crm.agreements import lifecycle, operations
    from crm.agreements.forms import TextForm
    from crm.agreements.models import Agreement, AgreementStatus, AgreementText
    from crm.auth.models import User
    from crm.cities.models import City
    from crm.partnerships.models import Partnership
    from crm.versioning import save_unless_conflict

    engine, created = committed
    with Session(engine, expire_on_commit=False) as setup:
        user = User(email="signing-race@example.org", name="Signer", role="coordinator")
        user.set_password("a long race password")
        partnership = Partnership(home_city=City(name="Sign Home", country_code="US"),
                                  partner_city=City(name="Sign Partner", country_code="JP"), kind="sister_city",
                                  status="active")
        agreement = Agreement(partnership=partnership, kind="sister_city", title="Race", status="in_negotiation")
        text = AgreementText(agreement=agreement, language="en", body="The negotiated text.")
        setup.add_all([user, partnership, agreement, text])
        setup.commit()
        created += [("users", user.id), ("cities", partnership.home_city_id),
                    ("cities", partnership.partner_city_id), ("partnerships", partnership.id),
                    ("agreements", agreement.id), ("agreement_texts", text.id)]
    barrier = threading.Barrier(2, timeout=30)
    signed, claimed = threading.Event(), threading.Event()
    outcomes: dict = {}

    def sign():
        with app.test_request_context(method="POST"):
            try:
                loaded = db.session.get(Agreement, agreement.id)
                signer = db.session.get(User, user.id)
                barrier.wait()
                if first == "saving":
                    claimed.wait(30)
                operations.move(loaded, AgreementStatus.SIGNED, signer, signed_on=date(2026, 5, 12))
                # what this transaction signs: the texts as they stand once its UPDATE has the row
                outcomes["signed terms"] = db.session.scalars(sa.text(
                    "SELECT body FROM agreement_texts WHERE agreement_id = :a ORDER BY id"), {"a": agreement.id}).all()
                db.session.commit()
                outcomes["signing"] = "signed"
            finally:
                signed.set()
                db.session.remove()

    def save():
        with app.test_request_context(method="POST"):
            try:
                record = db.session.get(AgreementText, text.id)
                assert lifecycle.can_edit_terms(record.agreement.status)  # the page's check: still open
                form = TextForm(formdata=MultiDict({"language": "en", "body": "Amended at the table.",
                                                    "version": "1"}))
                form.language.choices = [("en", "English")]
                assert form.validate(), form.errors
                barrier.wait()
                if first == "signing":
                    signed.wait(30)

                def apply():
                    operations.apply_text_form(record, form)
                    if first == "saving":
                        claimed.set()
                        time.sleep(0.5)  # the signing starts now, while this save is not yet committed

                try:
                    conflict = save_unless_conflict(form, record, operations.TEXT_FIELDS, apply)
                    outcomes["saving"] = "saved" if conflict is None else "conflict"
                except operations.TermsFrozen:
                    db.session.rollback()
                    outcomes["saving"] = "refused"
            finally:
                claimed.set()
                db.session.remove()

    engines = db._app_engines[app]
    shared, engines[None] = engines[None], engine  # connections of their own, not the test's shared one
    try:
        threads = [threading.Thread(target=sign), threading.Thread(target=save)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        engines[None] = shared
        with Session(engine) as check:
            stored = check.get(AgreementText, text.id)
            final = (check.get(Agreement, agreement.id).status, [stored.body], stored.version)
            check.execute(sa.text("UPDATE agreements SET signing_engagement_id = NULL WHERE id = :a"),
                          {"a": agreement.id})
            check.execute(sa.text("DELETE FROM engagements WHERE partnership_id = :p"), {"p": partnership.id})
            check.commit()
    assert outcomes.get("signing") == "signed", outcomes  # a text save never stops a signing
    assert outcomes.get("saving") in {"saved", "refused"}, outcomes
    if first != "neither":
        assert outcomes["saving"] == {"signing": "refused", "saving": "saved"}[first], outcomes
    saved = outcomes["saving"] == "saved"
    assert final == (AgreementStatus.SIGNED, ["Amended at the table." if saved else "The negotiated text."],
                     2 if saved else 1)
    assert outcomes["signed terms"] == final[1]  # nothing changed after the signing

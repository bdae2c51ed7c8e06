"""Nothing written twice: what people see when they do a happens-once action a second time, on both lanes.

The races themselves (two connections at the same moment) are in tests/test_races.py."""
import secrets
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from crm.agreements.models import Agreement, AgreementKind
from crm.agreements.models import AgreementStatus as S
from crm.audit.models import AuditEvent
from crm.engagements.models import Engagement, EngagementKind
from crm.imports.models import DONE, READY, ImportJob
from crm.partnerships.models import Partnership, PartnershipStatus


def flashes(client) -> list[str]:
    with client.session_transaction() as flask_session:
        return [message for _category, message in flask_session.get("_flashes", [])]


def count(session, model, *where):
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model).where(*where))


# Confirming an import ---------------------------------------------------------------------------------------------


def ready_job(session, user, home, names=("Växjö",)) -> ImportJob:
    """A partnerships job matched and decided already: each partner city is added from the file."""
    cities = [{"name": name, "country": "Sweden", "cc": "SE", "lat": 56.88, "lng": 14.81, "choice": "create",
               "match": {"status": "unmatched", "candidates": []}} for name in names]
    job = ImportJob(token=secrets.token_urlsafe(12), user_id=user.id, kind="partnerships", mode="partners",
                    home_city_id=home.id, filename="partners.csv", status=READY, total=len(names), data={
                        "headers": ["Partner city", "Country"], "rows": [[name, "Sweden"] for name in names],
                        "mapping": {"partner_city": 0, "partner_country": 1}, "cities": cities,
                        "pairs": [[n, None, n, None] for n in range(len(names))]})
    session.add(job)
    session.commit()
    return job


def test_confirming_an_import_again_says_so_and_writes_nothing_more(client, login, make, session):
    home = make.home_city(name="Kobe", country_code="JP")
    user = login("coordinator")
    job = ready_job(session, user, home)
    assert client.post(f"/import/{job.token}/confirm").status_code == 302
    again = client.post(f"/import/{job.token}/confirm")
    assert again.status_code == 302 and again.headers["Location"].endswith(f"/import/{job.token}")
    assert "This import was already confirmed; it is written only once." in flashes(client)
    assert count(session, Partnership, Partnership.home_city_id == home.id) == 1
    assert count(session, AuditEvent, AuditEvent.record_type == "import_jobs") == 1
    assert session.get(ImportJob, job.id).status == DONE


# One current partnership per pair of cities -----------------------------------------------------------------------


def partnership_form(home, partner, **overrides):
    return {"home_city_id": home.id, "partner_city": partner.name, "partner_city-ref": f"city:{partner.id}",
            "kind": "sister_city", "status": "active", "established_on": "", "liaison_id": 0, "priorities": [],
            "threshold_months": "", "summary": "What I typed", "staff_notes": "", **overrides}


@pytest.fixture
def pair(make):
    home = make.home_city(name="Kobe", country_code="JP")
    partner = make.city("Malmö", country_code="SE")
    return home, partner, make.partnership(home=home, partner=partner)


def test_the_database_allows_one_current_partnership_per_pair(make, session, pair):
    home, partner, _current = pair
    make.partnership(home=home, partner=partner, status=PartnershipStatus.ENDED)  # history may repeat
    make.partnership(home=home, partner=partner, archived_at=datetime(2020, 1, 1, tzinfo=UTC))
    with pytest.raises(IntegrityError):
        make.partnership(home=home, partner=partner, status=PartnershipStatus.PROPOSED)
    session.rollback()


def test_a_second_current_partnership_is_refused_with_a_link_to_the_first(client, login, session, pair):
    home, partner, current = pair
    login("coordinator")
    response = client.post("/partnerships/new", data=partnership_form(home, partner))
    assert response.status_code == 409
    assert "Kobe and Malmö already have a current partnership." in response.text
    assert f'href="/partnerships/{current.id}"' in response.text
    assert "What I typed" in response.text  # kept
    assert count(session, Partnership) == 1
    ended = client.post("/partnerships/new", data=partnership_form(home, partner, status="ended"))
    assert ended.status_code == 302 and count(session, Partnership) == 2


def test_making_an_ended_partnership_current_again_is_refused_while_another_is(client, login, make, session, pair):
    home, partner, current = pair
    ended = make.partnership(home=home, partner=partner, status=PartnershipStatus.ENDED)
    login("coordinator")
    data = partnership_form(home, partner, version=ended.version)
    response = client.post(f"/partnerships/{ended.id}/edit", data=data)
    assert response.status_code == 409 and f'href="/partnerships/{current.id}"' in response.text
    session.expire_all()
    assert session.get(Partnership, ended.id).status == PartnershipStatus.ENDED
    data["status"] = "ended"  # saving it as ended is fine
    assert client.post(f"/partnerships/{ended.id}/edit", data=data).status_code == 302


def test_taking_a_partnership_out_of_the_archive_is_refused_while_another_is_current(client, login, make, session,
                                                                                      pair):
    home, partner, current = pair
    archived = make.partnership(home=home, partner=partner, archived_at=datetime(2020, 1, 1, tzinfo=UTC))
    login("coordinator")
    response = client.post(f"/partnerships/{archived.id}/restore")
    assert response.status_code == 409 and f'href="/partnerships/{current.id}"' in response.text
    session.expire_all()
    assert session.get(Partnership, archived.id).archived_at is not None


def test_the_index_refusing_a_racing_save_gets_the_same_message(client, login, session, pair, monkeypatch):
    """Two saves that both looked before either wrote: the index refuses the second, which is told the same."""
    from crm.partnerships import duplicates

    home, partner, current = pair
    looks = []
    real = duplicates.current_between

    def looked_too_early(*args, **kwargs):
        looks.append(args)
        return None if len(looks) == 1 else real(*args, **kwargs)

    monkeypatch.setattr(duplicates, "current_between", looked_too_early)
    login("coordinator")
    response = client.post("/partnerships/new", data=partnership_form(home, partner))
    assert response.status_code == 409 and f'href="/partnerships/{current.id}"' in response.text
    assert "What I typed" in response.text and len(looks) == 2
    assert count(session, Partnership) == 1


# Agreements -------------------------------------------------------------------------------------------------------


@pytest.fixture
def agreement(make, session):
    partnership = make.partnership(partner=make.city("Kyoto", "京都市"))
    agreement = Agreement(partnership=partnership, kind=AgreementKind.SISTER_CITY, title="Sister city agreement",
                          status=S.IN_NEGOTIATION)
    session.add(agreement)
    session.commit()
    return agreement


def test_signing_again_says_it_is_signed_and_adds_no_second_timeline_entry(client, login, agreement, session):
    login("coordinator")
    sign = {"target": "signed", "signed_on": "2026-05-12"}
    client.post(f"/agreements/{agreement.id}/move", data=sign)
    client.post(f"/agreements/{agreement.id}/move", data=sign)
    assert "The agreement is already Signed." in flashes(client)
    assert count(session, Engagement, Engagement.kind == EngagementKind.AGREEMENT) == 1


def signed(session, agreement):
    agreement.status, agreement.signed_on = S.SIGNED, date(2016, 5, 12)
    session.commit()
    return agreement.version


def test_starting_a_renewal_again_opens_the_one_started(client, login, agreement, session):
    version = signed(session, agreement)
    login("coordinator")
    client.post(f"/agreements/{agreement.id}/renew", data={"version": version})
    again = client.post(f"/agreements/{agreement.id}/renew", data={"version": version})  # the same page, twice
    renewal = session.scalar(select(Agreement).where(Agreement.renews_id == agreement.id))
    assert again.headers["Location"].endswith(f"/agreements/{renewal.id}")
    assert "A renewal of this agreement was already started; here it is." in flashes(client)
    assert count(session, Agreement, Agreement.renews_id == agreement.id) == 1


def test_a_renewal_from_a_page_opened_before_a_change_is_not_started(client, login, agreement, session):
    version = signed(session, agreement)
    agreement.notes = "changed meanwhile"
    session.commit()
    login("coordinator")
    response = client.post(f"/agreements/{agreement.id}/renew", data={"version": version})
    assert response.headers["Location"].endswith(f"/agreements/{agreement.id}")
    assert "This agreement changed since you opened it. Check it, then start the renewal again." in flashes(client)
    assert count(session, Agreement, Agreement.renews_id == agreement.id) == 0


# Restoring a deleted record ---------------------------------------------------------------------------------------


def test_restoring_again_says_it_was_restored(client, login, make, session):
    engagement = make.engagement(make.partnership(), title="Port authority visit")
    engagement.deleted_at = datetime.now(UTC)
    session.commit()
    login("admin")
    assert client.post(f"/admin/deleted/engagements/{engagement.id}/restore").status_code == 302
    again = client.post(f"/admin/deleted/engagements/{engagement.id}/restore")
    assert again.status_code == 302
    assert "“Port authority visit” was already restored." in flashes(client)
    restores = select(func.count()).select_from(AuditEvent).where(
        AuditEvent.record_id == engagement.id, AuditEvent.record_type == "engagement", AuditEvent.action == "restore")
    assert session.scalar(restores) == 1

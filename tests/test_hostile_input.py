"""Random, oversized, malformed and hostile values into every form and list filter:
never a 500, and a rejected request leaves the database as it was."""
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from crm.models import (Agreement, City, Contact, Engagement, Organization, Partnership, TradeMission)

HOSTILE = st.one_of(
    st.text(max_size=60),  # every Unicode plane, control characters included
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x1F), max_size=20),
    st.sampled_from(["", " ", "0", "-1", "1e309", "NaN", "99999999999999999999", "2024-02-30", "13:61",
                     "<script>alert(1)</script>", "'; DROP TABLE users; --", "../../etc/passwd", "\x00",
                     "x" * 1_000_000, "ｐａｒｔｎｅｒ", "\u202e\u0644\u0627", "🚀" * 300, "gn:1857910",
                     "city:99999999999999", "true", "[]", "{}"]),
)
TABLES = (Partnership, Engagement, Contact, Organization, Agreement, TradeMission, City)


def counts(session):
    session.expire_all()
    return {model.__name__: session.scalar(select(func.count()).select_from(model)) for model in TABLES}


FORMS = {
    "/partnerships/new": ["home_city_id", "partner_city", "partner_city-ref", "kind", "status", "established_on",
                          "liaison_id", "priorities", "threshold_months", "summary", "staff_notes"],
    "/partnerships/{p}/engagements": ["kind", "occurred_on", "title", "notes", "substantive", "visibility",
                                      "pillar", "initiated_by"],
    "/contacts/new": ["partnership_id", "side", "name", "job_title", "organization_id", "email", "phone",
                      "language", "visibility", "notes"],
    "/organizations/new": ["partnership_id", "side", "name", "kind", "website", "notes"],
    "/partnerships/{p}/agreements/new": ["title", "kind", "renews_id", "signed_at", "effective_from", "expires_on"],
    "/partnerships/{p}/missions/new": ["title", "direction", "starts_on", "ends_on", "destination", "lead_id",
                                       "objectives", "sectors", "visibility"],
    "/partnerships/{p}/exchanges/new": ["title", "exchange_kind", "direction", "starts_on", "ends_on",
                                        "participants", "host_organization_id", "visibility"],
    "/partnerships/{p}/projects/new": ["title", "theme", "status", "starts_on", "ends_on", "amount", "currency"],
    "/cities/new": ["name", "native_name", "country_code", "population", "latitude", "longitude", "timezone"],
    "/settings/": ["office_name", "threshold_months", "default_home_city_id", "require_two_factor"],
    "/sign-in": ["email", "password", "remember"],
    "/forgot-password": ["email"],
    "/account/security/enable": ["password", "code"],
    "/account/security/disable": ["password", "code"],
    "/account/security/recovery-codes": ["password"],
}
LISTS = ["/partnerships/", "/contacts/", "/organizations/", "/agreements/", "/missions/", "/exchanges/",
         "/projects/", "/calendar/", "/cities/lookup", "/engagements/", "/engagements/export.csv",
         "/partnerships/export.csv", "/contacts/export.xlsx", "/map"]
FILTER_KEYS = ["q", "status", "country", "priority", "liaison", "home", "health", "archived", "sort", "page",
               "partnership", "side", "kind", "direction", "theme", "starts_from", "starts_until", "expiring",
               "pillar", "substantive", "date_from", "date_until"]

tried = {"count": 0}


@pytest.fixture
def signed_in_admin(client, login, make):
    login("admin")
    return make.partnership(partner=make.city("Kyoto"))


@pytest.mark.parametrize("url, fields", FORMS.items(), ids=list(FORMS))
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow,
                                                                  HealthCheck.data_too_large])
@given(data=st.data())
def test_forms_never_fail_and_rejections_change_nothing(client, session, signed_in_admin, url, fields, data):
    values = {name: data.draw(HOSTILE, label=name) for name in fields if data.draw(st.booleans(), label="send")}
    before = counts(session)
    response = client.post(url.format(p=signed_in_admin.id), data=values)
    tried["count"] += 1
    assert response.status_code < 500, (url, response.status_code)
    if response.status_code != 302:
        assert counts(session) == before, (url, values)


@pytest.mark.parametrize("url", LISTS)
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow,
                                                                  HealthCheck.data_too_large])
@given(data=st.data())
def test_list_filters_never_fail(client, signed_in_admin, url, data):
    params = {key: data.draw(HOSTILE, label=key)[:3000] for key in FILTER_KEYS if data.draw(st.booleans())}
    response = client.get(url, query_string=params)
    tried["count"] += 1
    assert response.status_code in (200, 404), (url, params, response.status_code)


GUEST_FORMS = {
    "/portal/partnerships/{p}/engagements": ["kind", "occurred_on", "title", "notes", "substantive", "pillar"],
    "/portal/profile": ["name", "job_title", "phone", "language", "timezone"],
    "/portal/password": ["current", "password", "confirm"],
}
EDIT_FORMS = {  # the same kinds of values into the edit forms, where a version also travels
    "/engagements/{e}/edit": ["kind", "occurred_on", "title", "notes", "substantive", "visibility", "version"],
    "/partnerships/{p}/edit": ["kind", "status", "established_on", "threshold_months", "summary", "version"],
    "/attachments/{a}/delete": ["next"],
    "/engagements/{e}/delete": ["csrf_token"],
}


@pytest.fixture
def world(client, make, session):
    """A partnership with an engagement, a document and a guest of it."""
    from crm.attachments.models import Attachment
    from crm.guests.models import GuestAccess

    partnership = make.partnership(partner=make.city("Kyoto"))
    engagement = make.engagement(partnership, title="Existing meeting")
    contact = make.contact(partnership, name="Hanako", email="hanako@kyoto.example")
    guest = make.user("guest", email="hanako@kyoto.example")
    session.add(GuestAccess(user=guest, partnership=partnership, contact=contact))
    attachment = Attachment(partnership_id=partnership.id, engagement_id=engagement.id, filename="a.pdf",
                            stored_name="f" * 32, content_type="application/pdf", size=3, sha256="0" * 64)
    session.add(attachment)
    session.commit()
    return {"p": partnership.id, "e": engagement.id, "a": attachment.id, "guest": guest}


def sign_in_as(role, login, world):
    if role == "guest":
        login(world["guest"])
    elif role != "anonymous":
        login(role)


@pytest.mark.parametrize("role", ["anonymous", "guest", "viewer", "coordinator"])
@pytest.mark.parametrize("url, fields", [*FORMS.items(), *GUEST_FORMS.items(), *EDIT_FORMS.items()],
                         ids=[*FORMS, *GUEST_FORMS, *EDIT_FORMS])
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow,
                                                                 HealthCheck.data_too_large])
@given(data=st.data())
def test_every_role_gets_no_500_and_rejections_change_nothing(client, session, login, world, role, url, fields,
                                                              data):
    sign_in_as(role, login, world)
    values = {name: data.draw(HOSTILE, label=name) for name in fields if data.draw(st.booleans(), label="send")}
    before = counts(session)
    response = client.post(url.format(**world), data=values)
    tried["count"] += 1
    tried["server_errors"] = tried.get("server_errors", 0) + (response.status_code >= 500)
    assert response.status_code < 500, (role, url, response.status_code)
    if response.status_code != 302:
        assert counts(session) == before, (role, url, values)


@pytest.mark.parametrize("role", ["guest", "viewer", "coordinator"])
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow,
                                                                  HealthCheck.data_too_large])
@given(name=HOSTILE, content=st.one_of(st.binary(max_size=64), st.just(b""),
                                       st.just(b"%PDF-1.4\n%%EOF\n"), st.just(b"MZ" + b"\x00" * 62)))
def test_hostile_uploads_are_refused_or_stored_safely_as_every_role(client, session, login, world, role, name,
                                                                    content, tmp_path, app, monkeypatch):
    import io

    from crm.attachments.models import Attachment

    monkeypatch.setitem(app.config, "ATTACHMENTS_DIR", str(tmp_path / "files"))
    sign_in_as(role, login, world)
    url = (f"/portal/partnerships/{world['p']}/documents" if role == "guest"
           else f"/engagements/{world['e']}/attachments")
    folder = tmp_path / "files"
    before = session.scalar(select(func.count()).select_from(Attachment))
    files_before = sum(1 for path in folder.rglob("*") if path.is_file()) if folder.exists() else 0
    response = client.post(url, data={"file": (io.BytesIO(content), name[:300])},
                           content_type="multipart/form-data")
    tried["count"] += 1
    assert response.status_code < 500, (role, name, content)
    session.expire_all()
    after = session.scalar(select(func.count()).select_from(Attachment))
    stored = [path for path in folder.rglob("*") if path.is_file()] if folder.exists() else []
    assert after - before == len(stored) - files_before  # a refused file leaves neither a row nor a file
    assert all(folder in path.parents for path in stored)

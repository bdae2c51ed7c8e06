"""Records as plain dicts with stable field names: what the API answers.

Staff-only fields are added only when `staff` is true; the same rules as the
guest portal decide what a partner-city contact may read.
"""
from datetime import date, datetime

from flask_babel import force_locale

from crm.agreements.models import Agreement
from crm.cities.models import City
from crm.clock import office_today
from crm.engagements.models import Engagement
from crm.health.reasons import reason
from crm.health.rules import Flag
from crm.links import public_url_for
from crm.partnerships.models import Partnership


def moment(value: datetime | None) -> str | None:
    """ISO 8601 in UTC, with a Z."""
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


def day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def city(c: City) -> dict:
    return {
        "id": c.id, "name": c.name, "native_name": c.native_name, "country_code": c.country_code,
        "region": c.region, "lat": c.latitude, "lng": c.longitude, "timezone": c.timezone,
    }


def health(flag: Flag | None, status_label: str, as_of: date) -> dict | None:
    """The health state and its reason, in English whatever the reader's language (machines read it)."""
    if flag is None:  # archived partnerships are not evaluated
        return None
    with force_locale("en"):
        text = reason(flag, str(status_label), as_of=as_of)
    return {"state": flag.state.value, "reason": text, "threshold_months": flag.threshold_months}


def partnership(p: Partnership, *, staff: bool, flag: Flag | None = None, as_of: date | None = None) -> dict:
    data = {
        "id": p.id,
        "url": public_url_for("api.partnership", partnership_id=p.id),
        "kind": p.kind.value,
        "status": p.status.value,
        "established_on": day(p.established_on),
        "home_city": city(p.home_city),
        "partner_city": city(p.partner_city),
        "priorities": [priority.value for priority in p.priorities],
        "summary": p.summary,
        "archived": p.archived_at is not None,
        "created_at": moment(p.created_at),
        "updated_at": moment(p.updated_at),
    }
    if staff:
        with force_locale("en"):
            status_label = str(p.status.label)
        data.update({
            "staff_notes": p.staff_notes,
            "threshold_months": p.threshold_months,
            "liaison": {"id": p.liaison.id, "name": p.liaison.name} if p.liaison else None,
            "health": health(flag, status_label, as_of or office_today()),
        })
    return data


def engagement(e: Engagement, *, staff: bool) -> dict:
    data = {
        "id": e.id,
        "url": public_url_for("api.engagement", engagement_id=e.id),
        "partnership_id": e.partnership_id,
        "record_type": e.record_type,
        "kind": e.kind.value,
        "title": e.title,
        "occurred_on": day(e.occurred_on),
        # trade missions and exchanges last several days; other kinds have no end date
        "ends_on": day(getattr(e, "ends_on", None)),
        "planned": e.is_planned,
        "substantive": e.substantive,
        "pillar": e.pillar.value if e.pillar else None,
        "initiated_by": e.initiated_by.value,
        "logged_by_side": e.logged_by_side.value,
        "notes": e.notes,
        "created_at": moment(e.created_at),
        "updated_at": moment(e.updated_at),
    }
    if staff:
        data["visibility"] = e.visibility.value
    return data


def agreement(a: Agreement, *, staff: bool, full: bool = False) -> dict:
    data = {
        "id": a.id,
        "url": public_url_for("api.agreement", agreement_id=a.id),
        "partnership_id": a.partnership_id,
        "kind": a.kind.value,
        "status": a.status.value,
        "title": a.title,
        "signed_on": day(a.signed_on),
        "signed_at": a.signed_at,
        "effective_from": day(a.effective_from),
        "expires_on": day(a.expires_on),
        "renews_id": a.renews_id,
        "languages": a.languages,
        "created_at": moment(a.created_at),
        "updated_at": moment(a.updated_at),
    }
    if full:
        data["signatories"] = [{"side": s.side.value, "name": s.name, "title": s.title, "city": s.city}
                               for s in a.signatories]
        data["texts"] = [{"language": t.language, "title": t.title, "body": t.body} for t in a.texts]
    if staff:
        data["notes"] = a.notes
    return data

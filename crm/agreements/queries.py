from datetime import date, timedelta

from flask import abort
from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload, selectinload

from crm.agreements.lifecycle import EXPIRY_WARNING_DAYS, IN_FORCE
from crm.agreements.models import Agreement, AgreementStatus, AgreementText, Signatory
from crm.clock import office_today
from crm.extensions import db
from crm.matching import contains
from crm.partnerships.models import Partnership
from crm.partnerships.queries import get_in_scope_or_404, visible_partnership_ids

WITH_PARTNERSHIP = (joinedload(Agreement.partnership).joinedload(Partnership.partner_city),
                    joinedload(Agreement.partnership).joinedload(Partnership.home_city))


def get_agreement_or_404(agreement_id: int) -> Agreement:
    return get_in_scope_or_404(
        Agreement, agreement_id, *WITH_PARTNERSHIP,
        selectinload(Agreement.texts), selectinload(Agreement.signatories), joinedload(Agreement.renews),
    )


def get_text_or_404(text_id: int) -> AgreementText:
    text = db.session.get(AgreementText, text_id) or abort(404)
    get_agreement_or_404(text.agreement_id)  # the reader must see its agreement
    return text


def get_signatory_or_404(signatory_id: int) -> Signatory:
    signatory = db.session.get(Signatory, signatory_id) or abort(404)
    get_agreement_or_404(signatory.agreement_id)
    return signatory


def agreement_list(*, q=None, status=None, kind=None, partnership=None, expiring=False,
                   today: date | None = None) -> Select:
    query = (select(Agreement).where(Agreement.partnership_id.in_(visible_partnership_ids()))
             .options(*WITH_PARTNERSHIP))
    if q:
        query = query.where(contains(Agreement.title, q))
    if status:
        query = query.where(Agreement.status == status)
    if kind:
        query = query.where(Agreement.kind == kind)
    if partnership:
        query = query.where(Agreement.partnership_id == partnership)
    if expiring:
        query = query.where(*expiring_filter(today or office_today()))
        return query.order_by(Agreement.expires_on, Agreement.id)
    return query.order_by(Agreement.signed_on.desc().nulls_first(), Agreement.id.desc())


def filtered_agreements(form) -> Select:
    """The agreements the list shows with the values of its filter form (the page and its export)."""
    return agreement_list(q=form.value("q"), status=form.value("status"), kind=form.value("kind"),
                          partnership=form.value("partnership"), expiring=form.value("expiring") == "90")


def expiring_filter(today: date, within_days: int = EXPIRY_WARNING_DAYS):
    return (Agreement.status.in_(IN_FORCE), Agreement.expires_on >= today,
            Agreement.expires_on <= today + timedelta(days=within_days))


def partnership_agreements(partnership_id: int) -> list[Agreement]:
    return list(db.session.scalars(
        select(Agreement).where(Agreement.partnership_id == partnership_id)
        .order_by(Agreement.signed_on.desc().nulls_first(), Agreement.id.desc())
    ))


def renewable_agreements(partnership_id: int, exclude_id: int | None = None) -> list:
    """(id, title, signed_on, effective_from) of the partnership's agreements a new one can renew (signed, expired
    or renewed), by title, then by date."""
    return list(db.session.execute(
        select(Agreement.id, Agreement.title, Agreement.signed_on, Agreement.effective_from).where(
            Agreement.partnership_id == partnership_id, Agreement.id != (exclude_id or 0),
            Agreement.status.in_([AgreementStatus.SIGNED, AgreementStatus.EXPIRED, AgreementStatus.RENEWED]))
        .order_by(Agreement.title, Agreement.signed_on, Agreement.id)).all())


def agreement_exists(agreement_id: int) -> bool:
    """Whether the agreement is still there (a save may find it deleted meanwhile)."""
    return db.session.get(Agreement, agreement_id) is not None

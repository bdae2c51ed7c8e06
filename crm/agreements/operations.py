"""Changes to agreements. They flush; the request commits."""
from datetime import date

from crm.agreements import lifecycle
from crm.agreements.models import Agreement, AgreementKind, AgreementStatus, AgreementText, Signatory
from crm.attachments.storage import delete_attachments_of
from crm.auth.models import User
from crm.engagements.models import Engagement, EngagementKind, Pillar, Visibility
from crm.extensions import db
from crm.partnerships.models import Side


class LifecycleError(ValueError):
    """A move the lifecycle does not allow."""


def move(agreement: Agreement, target: AgreementStatus, user: User, *, signed_on: date | None = None,
         signed_at: str | None = None) -> None:
    """Move an agreement along its lifecycle; signing needs the date."""
    if not lifecycle.can_move(agreement.status, target):
        raise LifecycleError(f"{agreement.status} → {target} is not allowed")
    if target == AgreementStatus.SIGNED:
        if signed_on is None:
            raise LifecycleError("signing needs a date")
        agreement.signed_on = signed_on
        agreement.signed_at = signed_at or agreement.signed_at
        agreement.signing_engagement = Engagement(
            partnership_id=agreement.partnership_id, kind=EngagementKind.AGREEMENT, occurred_on=signed_on,
            title=agreement.title, substantive=True, visibility=Visibility.SHARED, pillar=Pillar.GOVERNMENT,
            initiated_by=Side.HOME, logged_by=user, logged_by_side=Side.HOME if user.is_staff else Side.PARTNER,
        )
        if agreement.renews is not None and agreement.renews.status == AgreementStatus.SIGNED:
            agreement.renews.status = AgreementStatus.RENEWED
    # An agreement that lapses keeps its signing on the timeline: it happened.
    if agreement.status == AgreementStatus.IN_NEGOTIATION and target == AgreementStatus.DRAFT:
        agreement.signed_on = None
    agreement.status = target
    db.session.flush()


def start_renewal(agreement: Agreement) -> Agreement:
    """A draft renewal of a signed agreement, with its texts and signatories copied."""
    renewal = Agreement(
        partnership_id=agreement.partnership_id, kind=AgreementKind.RENEWAL, renews=agreement,
        title=agreement.title, status=AgreementStatus.DRAFT,
        texts=[AgreementText(language=t.language, position=t.position, title=t.title, body=t.body)
               for t in agreement.texts],
        signatories=[Signatory(side=s.side, position=s.position, name=s.name, title=s.title, city=s.city)
                     for s in agreement.signatories],
    )
    db.session.add(renewal)
    db.session.flush()
    return renewal


def delete_agreement(agreement: Agreement) -> None:
    """Only agreements that were never signed can be deleted."""
    if agreement.signed_on is not None or agreement.status not in (AgreementStatus.DRAFT,
                                                                   AgreementStatus.IN_NEGOTIATION):
        raise LifecycleError("signed agreements are kept")
    delete_attachments_of(agreement)
    db.session.delete(agreement)
    db.session.flush()

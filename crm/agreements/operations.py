"""Changes to agreements. They flush; the request commits."""
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from crm.agreements import lifecycle
from crm.agreements.models import Agreement, AgreementKind, AgreementStatus, AgreementText, Signatory
from crm.attachments.storage import delete_attachments_of
from crm.auth.models import User
from crm.claims import AlreadyDone, claim, claim_or_raise
from crm.clock import utcnow
from crm.engagements.models import Engagement, EngagementKind, Pillar, Visibility
from crm.extensions import db
from crm.partnerships.models import Side

#: the fields of a text that its form edits, and that the conflict page compares (not the version: that is
#: SQLAlchemy's to change)
TEXT_FIELDS = ["language", "title", "signed_place", "body"]


class LifecycleError(ValueError):
    """A move the lifecycle does not allow."""


class TermsFrozen(AlreadyDone):
    """The agreement was signed (or deleted) since the page checked it: its terms no longer change."""


def claim_open_terms(agreement_id: int) -> None:
    """Hold the agreement's terms open for this transaction, or raise TermsFrozen.

    Every save that changes the terms (texts, signatories) calls this before writing, in the same
    transaction: the page's own check is only as fresh as the page. The UPDATE takes the agreement's
    row lock, so on PostgreSQL it and the signing UPDATE in move() run one after the other, and the
    second sees the first's result: a text saved first is part of what is signed; a save that comes
    after the signing changes nothing. It touches updated_at (an API client syncing agreements "since"
    then sees the new terms), not the version: the ORM's version checks of a signing or an edit of the
    agreement running at the same moment must not fail because a text was saved."""
    if not claim(Agreement, agreement_id, Agreement.status.in_(lifecycle.TERMS_OPEN), updated_at=utcnow()):
        raise TermsFrozen()


def apply_form(agreement: Agreement, form) -> None:
    """The agreement form (crm.agreements.forms.AgreementForm) onto the agreement."""
    agreement.title = form.title.data
    agreement.kind = form.kind.data
    agreement.renews_id = form.renews_id.data or None
    agreement.signed_at = form.signed_at.data
    agreement.effective_from = form.effective_from.data
    agreement.expires_on = form.expires_on.data
    agreement.notes = form.notes.data
    db.session.add(agreement)
    db.session.flush()


def move(agreement: Agreement, target: AgreementStatus, user: User, *, signed_on: date | None = None,
         signed_at: str | None = None) -> None:
    """Move an agreement along its lifecycle; signing needs the date."""
    if not lifecycle.can_move(agreement.status, target):
        raise LifecycleError(f"{agreement.status} → {target} is not allowed")
    if target == AgreementStatus.SIGNED and signed_on is None:
        raise LifecycleError("signing needs a date")
    # Signed (or moved on) once: a second request that loaded the same status finds it changed.
    claim_or_raise(Agreement, agreement.id, Agreement.status == agreement.status, status=target)
    if target == AgreementStatus.SIGNED:
        agreement.signed_on = signed_on
        agreement.signed_at = signed_at or agreement.signed_at
        agreement.signing_engagement = Engagement(
            partnership_id=agreement.partnership_id, kind=EngagementKind.AGREEMENT, occurred_on=signed_on,
            title=agreement.title, substantive=True, visibility=Visibility.SHARED, pillar=Pillar.GOVERNMENT,
            initiated_by=Side.HOME, logged_by=user, logged_by_side=Side.HOME if user.is_staff else Side.PARTNER,
        )
        renewed = agreement.renews
        # Two renewals of one agreement signed at once: the one that marks it renewed first wins, and the
        # other leaves it as the first left it (an ORM write would fail its version check: a 500).
        if renewed is not None and renewed.status == AgreementStatus.SIGNED and claim(
                Agreement, renewed.id, Agreement.status == AgreementStatus.SIGNED, status=AgreementStatus.RENEWED):
            renewed.status = AgreementStatus.RENEWED
    # An agreement that lapses keeps its signing on the timeline: it happened.
    if agreement.status == AgreementStatus.IN_NEGOTIATION and target == AgreementStatus.DRAFT:
        agreement.signed_on = None
    agreement.status = target
    db.session.flush()


def open_renewal(agreement: Agreement) -> Agreement | None:
    """The renewal of this agreement still being drafted or negotiated, if one was started."""
    return db.session.scalar(select(Agreement).where(
        Agreement.renews_id == agreement.id, Agreement.kind == AgreementKind.RENEWAL,
        Agreement.status.in_([AgreementStatus.DRAFT, AgreementStatus.IN_NEGOTIATION])).order_by(Agreement.id).limit(1))


def start_renewal(agreement: Agreement, seen_version: int | None = None) -> Agreement:
    """A draft renewal of a signed agreement, with its texts and signatories copied.

    Started once per look at the agreement: the request claims the agreement at the version the
    person saw, so a double-click or a second tab opened at the same time finds it taken
    (AlreadyDone); a page opened later finds the renewal through open_renewal()."""
    claim_or_raise(Agreement, agreement.id, Agreement.version == (seen_version or agreement.version),
                   version=Agreement.version + 1)
    db.session.refresh(agreement, ["version"])
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
    # Signed meanwhile? Then it is kept. Locking the agreement before its texts also keeps the order
    # every save of the terms locks in, so a deletion and a text save never wait for each other.
    claim_open_terms(agreement.id)
    delete_attachments_of(agreement)
    db.session.delete(agreement)
    db.session.flush()


def add_text(agreement: Agreement, language: str, title: str | None, body: str,
             signed_place: str | None = None) -> AgreementText | None:
    """The agreement's text in one more language; None when that language was added meanwhile.

    One text per language is the database's rule (a unique index): of two saves of the same
    language at once (a double-click, two people), the second finds it taken instead of failing."""
    claim_open_terms(agreement.id)
    text = AgreementText(agreement_id=agreement.id, language=language, title=title, body=body,
                         signed_place=signed_place, position=len(agreement.texts))
    try:
        with db.session.begin_nested():
            db.session.add(text)
    except IntegrityError:
        return None
    db.session.expire(agreement, ["texts"])
    return text


def edit_text(text: AgreementText, **values) -> None:
    claim_open_terms(text.agreement_id)
    for name, value in values.items():
        setattr(text, name, value)
    db.session.flush()


def apply_text_form(text: AgreementText, form) -> None:
    """The text form (crm.agreements.forms.TextForm) onto the text; TermsFrozen once the agreement is signed."""
    edit_text(text, **{name: form[name].data for name in TEXT_FIELDS})


def delete_text(text: AgreementText) -> None:
    claim_open_terms(text.agreement_id)
    db.session.delete(text)
    db.session.flush()


def add_signatory(agreement: Agreement, side: Side, name: str, title: str | None, city: str | None) -> Signatory:
    claim_open_terms(agreement.id)
    signatory = Signatory(side=side, name=name, title=title, city=city, position=len(agreement.signatories))
    agreement.signatories.append(signatory)
    db.session.flush()
    return signatory


def remove_signatory(signatory: Signatory) -> None:
    claim_open_terms(signatory.agreement_id)
    db.session.delete(signatory)
    db.session.flush()

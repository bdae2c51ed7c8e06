"""Negotiating an agreement with the partner (issue 21 §5): the rules of approval on both sides, and the changes.

Rules are plain functions of their inputs: the fingerprint of "the same version of every text", each side's
approval state, whether the agreement may be marked ready to sign, which text a guest may propose a change to,
and the word diff of a proposal. Operations change the session and flush; the request commits.

Any change to a text (its edit page, a proposal accepted, a text added or deleted) withdraws every current
approval of the agreement, visibly: a flush listener here sees every path that saves an AgreementText.
"""
import difflib
import hashlib
import json
import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import event, select, update
from sqlalchemy.orm import Session, attributes, joinedload

from crm.agreements import operations
from crm.agreements.models import Agreement, AgreementApproval, AgreementStatus, AgreementText, TextProposal
from crm.auth.models import User
from crm.claims import AlreadyDone, claim
from crm.clock import utcnow
from crm.enums import ProposalStatus, Side
from crm.extensions import db

#: the text's columns whose change withdraws the approvals (the fingerprint's, and the place printed in it)
WATCHED = ("language", "title", "body", "signed_place")
#: withdrawn_reason is stored as "<what>: <language>", worded in the reader's language when shown
CHANGED, ADDED, DELETED = "text changed", "text added", "text deleted"


class NotNegotiating(ValueError):
    """The agreement is not in negotiation (a draft not shared yet, or signed): nothing is approved or proposed."""


class NotReady(ValueError):
    """Both sides have not approved the current version of every text."""


class TextChangedMeanwhile(ValueError):
    """The text changed since the proposal was written (or since the page showed it): confirm first."""

    def __init__(self, text: AgreementText):
        super().__init__("text changed")
        self.text = text


# --- rules ---------------------------------------------------------------------------------------------------

def fingerprint(texts) -> str:
    """sha256 of every text's (language, title, body), in language order: two equal fingerprints mean the same
    version of every text. Anything with .language, .title and .body will do."""
    rows = sorted([text.language, text.title or "", text.body or ""] for text in texts)
    return hashlib.sha256(json.dumps(rows, ensure_ascii=False, separators=(",", ":")).encode()).hexdigest()


def is_current(approval, current_fingerprint: str) -> bool:
    return approval.withdrawn_at is None and approval.fingerprint == current_fingerprint


def current_approval(approvals, side: Side, current_fingerprint: str):
    """The side's latest approval that still holds (not withdrawn, of the texts as they are), or None."""
    held = [a for a in approvals if a.side == side and is_current(a, current_fingerprint)]
    return max(held, key=lambda a: (a.approved_at, a.id or 0)) if held else None


@dataclass
class SideState:
    """One side's approval: approved (the current version), withdrawn (a text changed since), or waiting."""
    side: Side
    state: str  #: "approved" | "withdrawn" | "waiting"
    approval: object | None = None  #: the approval that holds, or the last one withdrawn


def side_state(approvals, side: Side, current_fingerprint: str) -> SideState:
    held = current_approval(approvals, side, current_fingerprint)
    if held is not None:
        return SideState(side, "approved", held)
    earlier = [a for a in approvals if a.side == side]
    if earlier:
        return SideState(side, "withdrawn", max(earlier, key=lambda a: (a.approved_at, a.id or 0)))
    return SideState(side, "waiting")


def both_approved(approvals, current_fingerprint: str) -> bool:
    return all(current_approval(approvals, side, current_fingerprint) is not None for side in Side)


def can_mark_ready(status: AgreementStatus, ready_to_sign_at: datetime | None, approvals,
                   current_fingerprint: str) -> bool:
    """Ready to sign: in negotiation, not marked already, and both sides approved the same version of every
    text, the current one."""
    return (status == AgreementStatus.IN_NEGOTIATION and ready_to_sign_at is None
            and both_approved(approvals, current_fingerprint))


def base_language(code: str | None) -> str:
    return (code or "").replace("-", "_").split("_")[0].lower()


def proposable_texts(texts, partner_language: str | None, guest_language: str | None) -> list:
    """The texts a partner's guest may propose a change to: the text in the partner's language (its country's
    main language), else the one in the guest's own language; none when the agreement has neither."""
    for language in (partner_language, guest_language):
        if language:
            matching = [t for t in texts if base_language(t.language) == base_language(language)]
            if matching:
                return matching
    return []


_WORDS = re.compile(r"\s+|[^\s]+")


def word_diff(before: str, after: str) -> list[tuple[str, str]]:
    """(kind, piece) runs from before to after, kind "same", "removed" or "added"; whitespace is kept in the
    pieces, so joining the same and added pieces gives after back. The template escapes the pieces."""
    old, new = _WORDS.findall(before or ""), _WORDS.findall(after or "")
    runs: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            runs.append(("same", "".join(old[i1:i2])))
            continue
        if tag in ("replace", "delete"):
            runs.append(("removed", "".join(old[i1:i2])))
        if tag in ("replace", "insert"):
            runs.append(("added", "".join(new[j1:j2])))
    return runs


def withdrawn_reason(what: str, language: str) -> str:
    return f"{what}: {language}"


def parse_reason(reason: str | None) -> tuple[str, str | None]:
    """(what, language) of a stored withdrawn_reason."""
    what, _sep, language = (reason or "").partition(": ")
    return what, language or None


@dataclass
class Event:
    """One line of the negotiation's history."""
    at: datetime
    kind: str  #: proposed, accepted, declined, withdrawn_proposal, approved, approval_withdrawn, ready
    side: Side | None = None
    who: object | None = None
    language: str | None = None
    reason: str | None = None


def history(proposals, approvals, ready_at: datetime | None = None, ready_by=None) -> list[Event]:
    """The negotiation in time order: proposals and what became of them, approvals and their withdrawals, ready."""
    events = []
    for p in proposals:
        events.append(Event(p.proposed_at, "proposed", p.side, p.proposed_by, p.text.language))
        if p.decided_at is not None and p.status != ProposalStatus.OPEN:
            kind = {ProposalStatus.ACCEPTED: "accepted", ProposalStatus.DECLINED: "declined",
                    ProposalStatus.WITHDRAWN: "withdrawn_proposal"}[p.status]
            events.append(Event(p.decided_at, kind, p.side, None, p.text.language))
    for a in approvals:
        events.append(Event(a.approved_at, "approved", a.side, a.user))
        if a.withdrawn_at is not None:
            what, language = parse_reason(a.withdrawn_reason)
            events.append(Event(a.withdrawn_at, "approval_withdrawn", a.side, None, language, what))
    if ready_at is not None:
        events.append(Event(ready_at, "ready", Side.HOME, ready_by))
    order = {"proposed": 0, "approved": 1, "accepted": 2, "declined": 2, "withdrawn_proposal": 2,
             "approval_withdrawn": 3, "ready": 4}
    return sorted(events, key=lambda e: (e.at, order[e.kind]))


# --- queries -------------------------------------------------------------------------------------------------

def approvals_of(agreement_id: int) -> list[AgreementApproval]:
    return list(db.session.scalars(
        select(AgreementApproval).where(AgreementApproval.agreement_id == agreement_id)
        .options(joinedload(AgreementApproval.user)).order_by(AgreementApproval.approved_at, AgreementApproval.id)))


def proposals_of(agreement_id: int) -> list[TextProposal]:
    return list(db.session.scalars(
        select(TextProposal).join(AgreementText, AgreementText.id == TextProposal.agreement_text_id)
        .where(AgreementText.agreement_id == agreement_id)
        .options(joinedload(TextProposal.text), joinedload(TextProposal.proposed_by))
        .order_by(TextProposal.proposed_at, TextProposal.id)))


def get_proposal(proposal_id: int) -> TextProposal | None:
    """The proposal with its text, through the reader's scope (a guest sees only their agreements' proposals)."""
    return db.session.scalar(select(TextProposal).where(TextProposal.id == proposal_id)
                             .options(joinedload(TextProposal.text)))


def negotiation_state(agreement: Agreement) -> dict:
    """What the agreement page and the portal show of the negotiation (two queries)."""
    approvals, proposals = approvals_of(agreement.id), proposals_of(agreement.id)
    current = fingerprint(agreement.texts)
    ready_by = db.session.get(User, agreement.ready_marked_by_id) if agreement.ready_marked_by_id else None
    return {
        "fingerprint": current, "approvals": approvals, "proposals": proposals,
        "open_proposals": [p for p in proposals if p.status == ProposalStatus.OPEN],
        "diffs": {p.id: word_diff(p.text.body, p.body) for p in proposals if p.status == ProposalStatus.OPEN},
        "home": side_state(approvals, Side.HOME, current), "partner": side_state(approvals, Side.PARTNER, current),
        "both_approved": both_approved(approvals, current),
        "can_mark_ready": can_mark_ready(agreement.status, agreement.ready_to_sign_at, approvals, current),
        "history": history(proposals, approvals, agreement.ready_to_sign_at, ready_by),
        "ready_by": ready_by,
    }


# --- operations ----------------------------------------------------------------------------------------------

def _hold_negotiation(agreement_id: int) -> None:
    """Lock the agreement's row for this transaction while it is in negotiation, or raise NotNegotiating.

    Text saves take the same lock (operations.claim_open_terms), so an approval and a text edit run one after
    the other: the approval's fingerprint is of the texts as the edit left them, or the edit withdraws it."""
    if not claim(Agreement, agreement_id, Agreement.status == AgreementStatus.IN_NEGOTIATION, updated_at=utcnow()):
        raise NotNegotiating()


def _texts_now(agreement_id: int) -> list[AgreementText]:
    """The texts as the database has them now (after the lock), not as the page loaded them."""
    return list(db.session.scalars(select(AgreementText).where(AgreementText.agreement_id == agreement_id)
                                   .execution_options(populate_existing=True)))


def share(agreement: Agreement, user: User) -> None:
    """Share a draft with the partner's guests: the lifecycle's move to "in negotiation"."""
    if agreement.status != AgreementStatus.DRAFT:
        raise NotNegotiating()
    operations.move(agreement, AgreementStatus.IN_NEGOTIATION, user)


def approve(agreement: Agreement, side: Side, user: User) -> AgreementApproval | None:
    """The side's approval of the texts as they are now; None when the side has already approved them."""
    _hold_negotiation(agreement.id)
    current = fingerprint(_texts_now(agreement.id))
    if current_approval(approvals_of(agreement.id), side, current) is not None:
        return None
    approval = AgreementApproval(agreement_id=agreement.id, side=side, user_id=user.id, fingerprint=current,
                                 approved_at=utcnow())
    db.session.add(approval)
    db.session.flush()
    return approval


def mark_ready(agreement: Agreement, user: User) -> None:
    """Mark the agreement ready to sign, once: NotReady unless both sides approved the current texts;
    AlreadyDone when another request marked it a moment ago (the conditional UPDATE settles it). On either
    error the caller rolls back."""
    if agreement.status != AgreementStatus.IN_NEGOTIATION:
        raise NotNegotiating()
    if agreement.ready_to_sign_at is not None:
        raise AlreadyDone()
    if not both_approved(approvals_of(agreement.id), fingerprint(_texts_now(agreement.id))):
        raise NotReady()
    when = utcnow()
    # The UPDATE takes the row's lock: of two marks at once the second finds it set and changes nothing; a text
    # edit waits for it, then clears the mark (the listener below), or came first and is seen by the check after.
    if not claim(Agreement, agreement.id, Agreement.status == AgreementStatus.IN_NEGOTIATION,
                 Agreement.ready_to_sign_at.is_(None), ready_to_sign_at=when, ready_marked_by_id=user.id):
        raise AlreadyDone()
    if not both_approved(approvals_of(agreement.id), fingerprint(_texts_now(agreement.id))):
        raise NotReady()  # a text changed between the first look and the lock
    # the same change through the ORM (claim's way): the audit trail records it
    agreement.ready_to_sign_at, agreement.ready_marked_by_id = when, user.id
    db.session.flush()


def propose(text: AgreementText, user: User, title: str | None, body: str, comment: str | None) -> TextProposal:
    _hold_negotiation(text.agreement_id)
    proposal = TextProposal(agreement_text_id=text.id, side=Side.HOME if user.is_staff else Side.PARTNER,
                            proposed_by_id=user.id, based_on_version=text.version, title=title, body=body,
                            comment=comment, proposed_at=utcnow())
    db.session.add(proposal)
    db.session.flush()
    return proposal


def _decide(proposal: TextProposal, status: ProposalStatus, user: User) -> None:
    """Settle an open proposal once (a double-click, staff and the guest at once: the first wins)."""
    when = utcnow()
    if not claim(TextProposal, proposal.id, TextProposal.status == ProposalStatus.OPEN, status=status,
                 decided_by_id=user.id, decided_at=when):
        raise AlreadyDone()
    # the same change through the ORM (claim's way): the audit trail records it
    proposal.status, proposal.decided_by_id, proposal.decided_at = status, user.id, when
    db.session.flush()


def accept(proposal: TextProposal, user: User, seen_version: int | None = None) -> None:
    """The text becomes the proposal's title and body (its version moves; the approvals are withdrawn).

    When the text changed since the proposal was written, TextChangedMeanwhile, unless the person saw the text
    at its current version (seen_version) and confirmed."""
    text = proposal.text
    operations.claim_open_terms(text.agreement_id)  # the lock every text save takes, before reading the version
    db.session.refresh(text)
    if text.version != proposal.based_on_version and seen_version != text.version:
        raise TextChangedMeanwhile(text)
    _decide(proposal, ProposalStatus.ACCEPTED, user)
    operations.edit_text(text, title=proposal.title, body=proposal.body)


def decline(proposal: TextProposal, user: User) -> None:
    _decide(proposal, ProposalStatus.DECLINED, user)


def withdraw_proposal(proposal: TextProposal, user: User) -> None:
    _decide(proposal, ProposalStatus.WITHDRAWN, user)


# --- an edit of a text withdraws the approvals ---------------------------------------------------------------

def _changed_texts(session: Session):
    """(agreement_id, language, what) of every text this flush adds, changes or deletes."""
    for obj in session.new:
        if isinstance(obj, AgreementText):
            agreement_id = obj.agreement_id or (obj.agreement.id if obj.agreement is not None else None)
            if agreement_id is not None:
                yield agreement_id, obj.language, ADDED
    for obj in session.dirty:
        if isinstance(obj, AgreementText) and any(
                attributes.get_history(obj, name).has_changes() for name in WATCHED):
            yield obj.agreement_id, obj.language, CHANGED
    for obj in session.deleted:
        if isinstance(obj, AgreementText):
            yield obj.agreement_id, obj.language, DELETED


@event.listens_for(Session, "before_flush")
def _withdraw_approvals_on_text_change(session: Session, _flush_context, _instances) -> None:
    changes = {}
    for agreement_id, language, what in _changed_texts(session):
        changes.setdefault(agreement_id, (language, what))
    if not changes:
        return
    when = utcnow()
    with session.no_autoflush:
        held = session.scalars(select(AgreementApproval).where(
            AgreementApproval.agreement_id.in_(changes), AgreementApproval.withdrawn_at.is_(None))).all()
        for approval in held:
            language, what = changes[approval.agreement_id]
            approval.withdrawn_at = when
            approval.withdrawn_reason = withdrawn_reason(what, language)
        # marked ready, then a text changed (the edit waited for the mark's lock): it is no longer ready. A Core
        # UPDATE, as claim_open_terms does: the agreement's version stays (its edit page is not in conflict).
        session.execute(update(Agreement).where(Agreement.id.in_(changes), Agreement.ready_to_sign_at.is_not(None))
                        .values(ready_to_sign_at=None, ready_marked_by_id=None)
                        .execution_options(synchronize_session=False))
        for obj in session.identity_map.values():
            if isinstance(obj, Agreement) and obj.id in changes:
                session.expire(obj, ["ready_to_sign_at", "ready_marked_by_id"])

"""The pages of negotiating an agreement with the partner: proposals, approvals on both sides, ready to sign.

Staff act from the agreement's page (crm.agreements.views, its "Negotiation" card); the partner's guests from
the agreement's page in the portal, here. Guests load everything through their scope (crm.guests.scope): they
reach only their partnerships' agreements past draft, and their proposals and approvals."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from crm.access import EDITORS, GUESTS, allow
from crm.agreements import negotiation, operations
from crm.agreements.forms import country_language
from crm.agreements.models import Agreement, AgreementStatus
from crm.agreements.negotiation_forms import proposal_form_for
from crm.agreements.queries import get_agreement_or_404, get_text_or_404
from crm.claims import AlreadyDone
from crm.confirm import confirm_then
from crm.enums import ProposalStatus, Side
from crm.errors import render_error
from crm.extensions import db, limiter
from crm.forms import ConfirmForm
from crm.languages import language_label

bp = Blueprint("negotiation", __name__)
#: a guest's proposals (each up to 200,000 characters), per user; the guests' other writes are limited alike
#: (crm.write_limits, which this package cannot import: crm.guests imports crm.agreements)
PROPOSAL_LIMIT = "30 per hour; 100 per day"


def _per_user() -> str:
    return f"user:{getattr(current_user, 'id', '')}"


def _too_many(_limit):
    return current_app.make_response(render_error(429, _(
        "You have saved a lot in a short time, so this was not saved. Please wait a while before you try again.")))


def _staff_page(agreement_id: int) -> str:
    return url_for("agreements.detail", agreement_id=agreement_id, _anchor="negotiation")


def _portal_page(agreement_id: int) -> str:
    return url_for(".portal_agreement", agreement_id=agreement_id)


def _checked() -> None:
    """A one-click action's form (its CSRF token) must be valid."""
    if not ConfirmForm().validate_on_submit():
        abort(400)


def _not_negotiating(agreement: Agreement) -> None:
    db.session.rollback()
    flash(_("This agreement is not in negotiation (it is %(status)s): nothing was changed.",
            status=agreement.status.label), "error")


def _proposal_or_404(proposal_id: int):
    proposal = negotiation.get_proposal(proposal_id) or abort(404)
    get_agreement_or_404(proposal.text.agreement_id)  # the reader must see its agreement
    return proposal


def _approve(agreement_id: int, side: Side, page, already: str, recorded: str):
    """One side's approval of the texts as they are (the staff's page or the portal's), then back to that page."""
    _checked()
    agreement = get_agreement_or_404(agreement_id)
    try:
        approval = negotiation.approve(agreement, side, current_user)
    except negotiation.NotNegotiating:
        _not_negotiating(agreement)
        return redirect(page(agreement.id))
    db.session.commit()
    if approval is None:
        flash(already, "info")
    else:
        flash(recorded, "success")
    return redirect(page(agreement.id))


# --- staff ---------------------------------------------------------------------------------------------------

@bp.route("/agreements/<int:agreement_id>/share", methods=["GET", "POST"])
@allow(EDITORS)
def share(agreement_id: int):
    agreement = get_agreement_or_404(agreement_id)
    back = _staff_page(agreement.id)
    if agreement.status != AgreementStatus.DRAFT:
        flash(_("This agreement is already shared with the partner."), "info")
        return redirect(back)
    try:
        return confirm_then(
            lambda: negotiation.share(agreement, current_user),
            title=_("Share “%(title)s” with the partner for negotiation?", title=agreement.title),
            message=_("The partner's guests will see its texts in the portal, may propose changes to the text in "
                      "their language and approve it. Staff notes stay with staff."),
            cancel_url=back, done_url=back, button=_("Share with the partner"),
            done_message=_("The agreement is shared with the partner for negotiation."))
    except AlreadyDone:  # shared (or changed) by someone else a moment ago
        db.session.rollback()
        flash(_("Someone else changed this agreement a moment ago. Nothing more was done."), "info")
        return redirect(back)


@bp.post("/agreements/<int:agreement_id>/approve")
@allow(EDITORS)
def approve(agreement_id: int):
    return _approve(agreement_id, Side.HOME, _staff_page, _("Our side has already approved this version of the texts."),
                    _("Our side's approval of this version of the texts is recorded."))


@bp.post("/agreements/<int:agreement_id>/ready")
@allow(EDITORS)
def mark_ready(agreement_id: int):
    _checked()
    agreement = get_agreement_or_404(agreement_id)
    try:
        negotiation.mark_ready(agreement, current_user)
    except negotiation.NotNegotiating:
        _not_negotiating(agreement)
    except AlreadyDone:
        db.session.rollback()
        flash(_("The agreement is already marked ready to sign."), "info")
    except StaleDataError:  # the agreement was edited at the same moment
        db.session.rollback()
        flash(_("Someone else changed this agreement a moment ago. Check it, then mark it ready again."), "error")
    except negotiation.NotReady:
        db.session.rollback()
        flash(_("Both sides must approve the current version of every text before it is ready to sign."), "error")
    else:
        db.session.commit()
        flash(_("The agreement is marked ready to sign."), "success")
    return redirect(_staff_page(agreement.id))


def _conflict_page(proposal, text, status: int = 409):
    """The text changed since the proposal was written: the text now, the proposal, and a confirmation."""
    return render_template("negotiation/accept_conflict.html", proposal=proposal, text=text,
                           agreement=text.agreement, form=ConfirmForm(formdata=None),
                           diff_runs=negotiation.word_diff(text.body, proposal.body)), status


@bp.post("/proposals/<int:proposal_id>/accept")
@allow(EDITORS)
def accept(proposal_id: int):
    _checked()
    proposal = _proposal_or_404(proposal_id)
    text = proposal.text
    back = _staff_page(text.agreement_id)
    if proposal.status != ProposalStatus.OPEN:
        flash(_("This proposal was already %(status)s.", status=proposal.status.label), "info")
        return redirect(back)
    try:
        negotiation.accept(proposal, current_user, request.form.get("text_version", type=int))
    except negotiation.TextChangedMeanwhile:
        db.session.rollback()
        return _conflict_page(proposal, get_text_or_404(text.id))
    except (AlreadyDone, StaleDataError):
        db.session.rollback()
        flash(_("Someone else decided on this proposal, or changed its text, a moment ago. Check it again."),
              "info")
        return redirect(back)
    except operations.TermsFrozen:
        db.session.rollback()
        flash(_("This agreement was signed meanwhile; its texts can no longer change."), "error")
        return redirect(back)
    db.session.commit()
    flash(_("The proposal was accepted: the %(language)s text now reads as proposed. Approvals given before "
            "were withdrawn.", language=language_label(text.language)), "success")
    return redirect(back)


@bp.post("/proposals/<int:proposal_id>/decline")
@allow(EDITORS)
def decline(proposal_id: int):
    _checked()
    proposal = _proposal_or_404(proposal_id)
    back = _staff_page(proposal.text.agreement_id)
    try:
        negotiation.decline(proposal, current_user)
    except AlreadyDone:
        db.session.rollback()
        flash(_("This proposal was already decided on or withdrawn."), "info")
        return redirect(back)
    db.session.commit()
    flash(_("The proposal was declined; the text is unchanged."), "success")
    return redirect(back)


# --- the partner's guests, in the portal ---------------------------------------------------------------------

def _portal_page_view(agreement: Agreement, forms: dict | None = None, status: int = 200):
    state = negotiation.negotiation_state(agreement)
    texts = negotiation.proposable_texts(agreement.texts, country_language(agreement.partnership.partner_city
                                                                           .country_code), current_user.language)
    negotiating = agreement.status == AgreementStatus.IN_NEGOTIATION
    forms = forms or {}
    return render_template(
        "negotiation/portal_agreement.html", agreement=agreement, partnership=agreement.partnership,
        negotiating=negotiating, proposable=[(text, forms.get(text.id) or proposal_form_for(text))
                                             for text in texts] if negotiating else [],
        approve_form=ConfirmForm(formdata=None), mine=[p for p in state["open_proposals"]
                                                        if p.proposed_by_id == current_user.id],
        **state), status


@bp.get("/portal/agreements/<int:agreement_id>")
@allow(GUESTS)
def portal_agreement(agreement_id: int):
    return _portal_page_view(get_agreement_or_404(agreement_id))


@bp.post("/portal/agreement-texts/<int:text_id>/proposals")
@allow(GUESTS)
@limiter.limit(lambda: current_app.config.get("GUEST_PROPOSAL_LIMIT") or PROPOSAL_LIMIT, key_func=_per_user,
               methods=["POST"], on_breach=_too_many)
def propose(text_id: int):
    text = get_text_or_404(text_id)
    agreement = get_agreement_or_404(text.agreement_id)
    allowed = negotiation.proposable_texts(
        agreement.texts, country_language(agreement.partnership.partner_city.country_code), current_user.language)
    if text not in allowed or agreement.status != AgreementStatus.IN_NEGOTIATION:
        flash(_("Changes can be proposed only to the text in your language, while the agreement is in "
                "negotiation."), "error")
        return redirect(_portal_page(agreement.id))
    form = proposal_form_for(text, request.form)
    if not form.validate_on_submit():
        flash(_("The proposal was not sent. Please correct the marked fields."), "error")
        return _portal_page_view(agreement, {text.id: form}, 422)
    try:
        negotiation.propose(text, current_user, form.title.data, form.body.data, form.comment.data)
    except negotiation.NotNegotiating:
        _not_negotiating(agreement)
        return _portal_page_view(agreement, {text.id: form}, 409)
    db.session.commit()
    flash(_("Your proposal for the %(language)s text was sent. The city's staff will accept or decline it.",
            language=language_label(text.language)), "success")
    return redirect(_portal_page(agreement.id))


@bp.post("/portal/agreements/<int:agreement_id>/approve")
@allow(GUESTS)
def partner_approve(agreement_id: int):
    return _approve(agreement_id, Side.PARTNER, _portal_page,
                    _("Your side has already approved this version of the texts."),
                    _("Your approval of this version of the texts is recorded."))


@bp.post("/portal/proposals/<int:proposal_id>/withdraw")
@allow(GUESTS)
def withdraw_proposal(proposal_id: int):
    _checked()
    proposal = _proposal_or_404(proposal_id)
    if proposal.proposed_by_id != current_user.id:
        abort(404)  # another guest's: not theirs to withdraw
    back = _portal_page(proposal.text.agreement_id)
    try:
        negotiation.withdraw_proposal(proposal, current_user)
    except AlreadyDone:
        db.session.rollback()
        flash(_("This proposal was already decided on or withdrawn."), "info")
        return redirect(back)
    db.session.commit()
    flash(_("Your proposal was withdrawn."), "success")
    return redirect(back)

"""The agreement pages: the list and its export, create, detail, edit, lifecycle moves, renewal and deletion, and
the agreement's texts and signatories (its terms, which freeze on signing)."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from crm.access import EDITORS, STAFF, allow
from crm.agreements import lifecycle, operations
from crm.agreements.forms import MoveForm, SignatoryForm, make_filter_form, make_form, make_text_form
from crm.agreements.models import Agreement, AgreementStatus, AgreementText
from crm.agreements.page import agreement_page
from crm.agreements.queries import (
    agreement_exists,
    filtered_agreements,
    get_agreement_or_404,
    get_signatory_or_404,
    get_text_or_404,
)
from crm.attachments.queries import attachments_for
from crm.bulk.chooser import new_record_view
from crm.claims import AlreadyDone
from crm.clock import office_today
from crm.confirm import confirm_then
from crm.exports import columns
from crm.exports.writers import export_response, stream
from crm.extensions import db
from crm.forms import ConfirmForm
from crm.languages import language_label
from crm.pagination import paginate
from crm.partnerships.queries import get_partnership_or_404
from crm.records import add_child, back_to, create_record, edit_record
from crm.versioning import save_unless_conflict

bp = Blueprint("agreements", __name__)
bp.add_url_rule("/agreements/new", "new", new_record_view(lambda: _("New agreement"), "agreements"))  # which one?


def _page(agreement: Agreement, anchor: str | None = None) -> str:
    """The agreement's page, at one of its sections."""
    return url_for(".detail", agreement_id=agreement.id, _anchor=anchor)


@bp.get("/agreements/")
@allow(STAFF)
def index():
    form = make_filter_form()
    return render_template("agreements/index.html", form=form, page=paginate(filtered_agreements(form)),
                           today=office_today())


@bp.get("/agreements/export.csv", defaults={"fmt": "csv"})
@bp.get("/agreements/export.xlsx", defaults={"fmt": "xlsx"})
@allow(STAFF)
def export(fmt: str):
    return export_response(fmt, columns.AGREEMENTS, stream(filtered_agreements(make_filter_form())),
                           title=_("Agreements"), slug="agreements")


@bp.route("/partnerships/<int:partnership_id>/agreements/new", methods=["GET", "POST"])
@allow(EDITORS)
def create(partnership_id: int):
    partnership = get_partnership_or_404(partnership_id)

    def make(form):
        agreement = Agreement(partnership_id=partnership.id)
        operations.apply_form(agreement, form)
        return agreement

    return create_record(make_form(partnership.id), make, template="agreements/form.html", done=_page,
                         saved=_("The agreement was created as a draft. Add its texts and signatories next."),
                         partnership=partnership, agreement=None)


def detail_page(agreement: Agreement, signatory_form=None) -> str:
    """The agreement's page; a signatory form given here (invalid, from its POST) replaces the blank one."""
    return render_template("agreements/detail.html", agreement=agreement, partnership=agreement.partnership,
                           attachments=attachments_for(agreement_id=agreement.id),
                           **agreement_page(agreement, signatory_form))


@bp.get("/agreements/<int:agreement_id>")
@allow(STAFF)
def detail(agreement_id: int):
    return detail_page(get_agreement_or_404(agreement_id))


@bp.route("/agreements/<int:agreement_id>/edit", methods=["GET", "POST"])
@allow(EDITORS)
def edit(agreement_id: int):
    agreement = get_agreement_or_404(agreement_id)
    return edit_record(agreement, make_form(agreement.partnership_id, agreement), operations.apply_form,
                       compare=["title", "kind", "signed_at", "effective_from", "expires_on", "notes"],
                       template="agreements/form.html", done=_page(agreement), partnership=agreement.partnership,
                       agreement=agreement)


@bp.post("/agreements/<int:agreement_id>/move")
@allow(EDITORS)
def move(agreement_id: int):
    agreement = get_agreement_or_404(agreement_id)
    form = MoveForm()
    if not form.validate():
        for error in (error for errors in form.errors.values() for error in errors):
            flash(error, "error")
        return redirect(_page(agreement))
    target = AgreementStatus(form.target.data)
    if agreement.status == target:  # a second click after the first went through
        flash(_("The agreement is already %(status)s.", status=target.label), "info")
        return redirect(_page(agreement))
    try:
        operations.move(agreement, target, current_user, signed_on=form.signed_on.data,
                        signed_at=form.signed_at.data)
    except AlreadyDone:  # another request moved it first, a moment ago
        db.session.rollback()
        flash(_("Someone else changed this agreement a moment ago: it is now %(status)s. Nothing more was done.",
                status=agreement.status.label), "info")
        return redirect(_page(agreement))
    except operations.LifecycleError:
        flash(_("An agreement that is %(current)s cannot become %(target)s.",
                current=agreement.status.label, target=target.label), "error")
        return redirect(_page(agreement))
    db.session.commit()
    if target == AgreementStatus.SIGNED:
        flash(_("The agreement is signed. Its signing is on the partnership timeline."), "success")
    else:
        flash(_("The agreement is now %(status)s.", status=target.label), "success")
    return redirect(_page(agreement))


@bp.post("/agreements/<int:agreement_id>/renew")
@allow(EDITORS)
def renew(agreement_id: int):
    agreement = get_agreement_or_404(agreement_id)
    if not ConfirmForm().validate_on_submit() or agreement.status not in (AgreementStatus.SIGNED,
                                                                            AgreementStatus.EXPIRED):
        abort(400)
    renewal = operations.open_renewal(agreement)
    if renewal is not None:  # started already, from another tab or a page opened later
        flash(_("A renewal of this agreement was already started; here it is."), "info")
        return redirect(_page(renewal))
    try:
        renewal = operations.start_renewal(agreement, request.form.get("version", type=int))
    except AlreadyDone:  # a double-click, or two tabs at once: the other request started it
        db.session.rollback()
        renewal = operations.open_renewal(agreement)
        if renewal is None:  # changed in another way since the page was opened
            flash(_("This agreement changed since you opened it. Check it, then start the renewal again."), "error")
            return redirect(_page(agreement))
        flash(_("A renewal of this agreement was already started; here it is."), "info")
        return redirect(_page(renewal))
    db.session.commit()
    flash(_("A draft renewal was created from the current texts and signatories."), "success")
    return redirect(url_for(".edit", agreement_id=renewal.id))


@bp.route("/agreements/<int:agreement_id>/delete", methods=["GET", "POST"])
@allow(EDITORS)
def delete(agreement_id: int):
    agreement = get_agreement_or_404(agreement_id)
    cancel = _page(agreement)
    if not lifecycle.can_edit_terms(agreement.status):
        flash(_("A signed agreement is part of the record and cannot be deleted."), "error")
        return redirect(cancel)
    try:
        return confirm_then(
            lambda: operations.delete_agreement(agreement),
            title=_("Delete the draft “%(title)s”?", title=agreement.title),
            message=_("Its texts, signatories and documents are deleted with it."), cancel_url=cancel,
            done_url=url_for("partnerships.detail", partnership_id=agreement.partnership_id, _anchor="agreements"),
            done_message=_("The draft agreement was deleted."))
    except operations.TermsFrozen:
        _signed_meanwhile(agreement.id, _("This agreement was signed meanwhile; it is part of the record and "
                                          "was not deleted."))
        return redirect(cancel)


def _terms_locked(agreement: Agreement):
    flash(_("The texts and signatories of a signed agreement cannot change. Start a renewal or an addendum."),
          "error")
    return redirect(_page(agreement))


def _signed_meanwhile(agreement_id: int, message: str | None = None) -> None:
    """The save found the agreement signed since its page checked: nothing was saved; say so."""
    db.session.rollback()
    if not agreement_exists(agreement_id):  # deleted meanwhile: nothing left to show
        abort(404)
    flash(message or _("This agreement was signed meanwhile; its texts and signatories can no longer change."),
          "error")


def _text_page(form, agreement: Agreement, text: AgreementText | None, status: int = 200, **context):
    return render_template("agreements/text_form.html", form=form, agreement=agreement, text=text, **context), status


def _frozen(form, agreement: Agreement, text: AgreementText | None):
    """Signed meanwhile: what was typed stays on the page, to copy into an addendum."""
    _signed_meanwhile(agreement.id)
    return _text_page(form, agreement, text, 409, frozen=True)


@bp.route("/agreements/<int:agreement_id>/texts/new", methods=["GET", "POST"])
@allow(EDITORS)
def add_text(agreement_id: int):
    agreement = get_agreement_or_404(agreement_id)
    if not lifecycle.can_edit_terms(agreement.status):
        return _terms_locked(agreement)
    form = make_text_form(agreement, None)
    if not form.validate_on_submit():
        return _text_page(form, agreement, None)
    try:
        added = operations.add_text(agreement, form.language.data, form.title.data, form.body.data,
                                    form.signed_place.data)
    except operations.TermsFrozen:
        return _frozen(form, agreement, None)
    if added is None:
        form.language.errors = [*form.language.errors, _(
            "A text in this language was added meanwhile. Edit that text, or choose another language.")]
        return _text_page(form, agreement, None, 409)
    db.session.commit()
    flash(_("The text was added."), "success")
    return redirect(_page(agreement, "texts"))


@bp.route("/agreement-texts/<int:text_id>/edit", methods=["GET", "POST"])
@allow(EDITORS)
def edit_text(text_id: int):
    text = get_text_or_404(text_id)
    agreement = text.agreement
    if not lifecycle.can_edit_terms(agreement.status):
        return _terms_locked(agreement)
    form = make_text_form(agreement, text)
    conflict = None
    # edit_record's way, by hand: the conflict page names the language (edit_record would show its code)
    if form.validate_on_submit():
        try:
            conflict = save_unless_conflict(form, text, operations.TEXT_FIELDS,
                                            lambda: operations.apply_text_form(text, form))
        except operations.TermsFrozen:
            return _frozen(form, agreement, text)
        if conflict is None:
            flash(_("Your changes were saved."), "success")
            return redirect(back_to(_page(agreement, "texts")))
        language = str(form.language.label.text)
        conflict.fields = [(label, language_label(value) if label == language else value)
                           for label, value in conflict.fields]
    return _text_page(form, agreement, text, 409 if conflict else 200, conflict=conflict)


@bp.route("/agreement-texts/<int:text_id>/delete", methods=["GET", "POST"])
@allow(EDITORS)
def delete_text(text_id: int):
    text = get_text_or_404(text_id)
    agreement = text.agreement
    if not lifecycle.can_edit_terms(agreement.status):
        return _terms_locked(agreement)
    back = _page(agreement, "texts")
    try:
        return confirm_then(lambda: operations.delete_text(text),
                            title=_("Delete the %(language)s text?", language=language_label(text.language)),
                            message=_("The other languages are kept."), cancel_url=back, done_url=back,
                            done_message=_("The text was deleted."))
    except operations.TermsFrozen:
        _signed_meanwhile(agreement.id)
        return redirect(back)


@bp.post("/agreements/<int:agreement_id>/signatories")
@allow(EDITORS)
def add_signatory(agreement_id: int):
    agreement = get_agreement_or_404(agreement_id)
    if not lifecycle.can_edit_terms(agreement.status):
        return _terms_locked(agreement)
    back = _page(agreement, "signatories")
    try:
        return add_child(
            SignatoryForm(), lambda form: operations.add_signatory(agreement, form.side.data, form.name.data,
                                                                   form.title.data, form.city.data),
            done=back, saved=lambda signatory: _("%(name)s was added as a signatory.", name=signatory.name),
            not_saved=_("The signatory was not added. Please correct the marked fields."),
            page=lambda form: detail_page(agreement, signatory_form=form))
    except operations.TermsFrozen:
        _signed_meanwhile(agreement.id)
        return redirect(back)


@bp.route("/signatories/<int:signatory_id>/delete", methods=["GET", "POST"])
@allow(EDITORS)
def delete_signatory(signatory_id: int):
    signatory = get_signatory_or_404(signatory_id)
    agreement = signatory.agreement
    if not lifecycle.can_edit_terms(agreement.status):
        return _terms_locked(agreement)
    back = _page(agreement, "signatories")
    try:
        return confirm_then(lambda: operations.remove_signatory(signatory),
                            title=_("Remove %(name)s as a signatory?", name=signatory.name), cancel_url=back,
                            done_url=back, done_message=_("The signatory was removed."), button=_("Remove"))
    except operations.TermsFrozen:
        _signed_meanwhile(agreement.id)
        return redirect(back)

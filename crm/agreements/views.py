
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectField
from wtforms.validators import Optional

from crm.access import EDITORS, STAFF, allow
from crm.agreements import lifecycle, operations
from crm.agreements.forms import AgreementForm, MoveForm, SignatoryForm, TextForm
from crm.agreements.models import Agreement, AgreementKind, AgreementStatus, AgreementText
from crm.agreements.queries import (
    agreement_list,
    get_agreement_or_404,
    get_signatory_or_404,
    get_text_or_404,
)
from crm.attachments.queries import attachments_for
from crm.claims import AlreadyDone
from crm.clock import office_today
from crm.confirm import confirm_then
from crm.exports import columns
from crm.exports.writers import export_response, stream
from crm.extensions import db
from crm.forms import ConfirmForm, FilterForm, enum_choices, options
from crm.languages import document_language_choices, language_label
from crm.pagination import paginate
from crm.partnerships.choices import partnership_filter_choices
from crm.partnerships.queries import get_partnership_or_404
from crm.versioning import save_unless_conflict

bp = Blueprint("agreements", __name__)


class AgreementFilterForm(FilterForm):
    status = SelectField(_l("Status"), choices=enum_choices(AgreementStatus, blank=_l("Any status")),
                         validators=[Optional()])
    kind = SelectField(_l("Kind"), choices=enum_choices(AgreementKind, blank=_l("Any kind")), validators=[Optional()])
    partnership = SelectField(_l("Partnership"), coerce=int, validators=[Optional()])
    expiring = SelectField(_l("Show"), choices=options([("", _l("All agreements")),
                                                        ("90", _l("Expiring within 90 days"))]),
                           validators=[Optional()])


def _filter_form() -> AgreementFilterForm:
    form = AgreementFilterForm()
    form.partnership.choices = partnership_filter_choices(_l("All partnerships"))
    return form


def _filtered(form: AgreementFilterForm):
    return agreement_list(q=form.value("q"), status=form.value("status"), kind=form.value("kind"),
                          partnership=form.value("partnership"), expiring=form.value("expiring") == "90")


@bp.get("/agreements/")
@allow(STAFF)
def index():
    form = _filter_form()
    return render_template("agreements/index.html", form=form, page=paginate(_filtered(form)), today=office_today())


@bp.get("/agreements/export.csv", defaults={"fmt": "csv"})
@bp.get("/agreements/export.xlsx", defaults={"fmt": "xlsx"})
@allow(STAFF)
def export(fmt: str):
    return export_response(fmt, columns.AGREEMENTS, stream(_filtered(_filter_form())),
                           title=_("Agreements"), slug="agreements")


def _renewable_choices(partnership_id: int, exclude_id: int | None = None):
    rows = db.session.execute(
        select(Agreement.id, Agreement.title).where(
            Agreement.partnership_id == partnership_id, Agreement.id != (exclude_id or 0),
            Agreement.status.in_([AgreementStatus.SIGNED, AgreementStatus.EXPIRED, AgreementStatus.RENEWED]))
        .order_by(Agreement.title)).all()
    return options([(0, _l("No earlier agreement"))] + [(row.id, row.title) for row in rows])


def _apply(agreement: Agreement, form: AgreementForm) -> None:
    agreement.title = form.title.data
    agreement.kind = form.kind.data
    agreement.renews_id = form.renews_id.data or None
    agreement.signed_at = form.signed_at.data
    agreement.effective_from = form.effective_from.data
    agreement.expires_on = form.expires_on.data
    agreement.notes = form.notes.data
    db.session.add(agreement)
    db.session.flush()


@bp.route("/partnerships/<int:partnership_id>/agreements/new", methods=["GET", "POST"])
@allow(EDITORS)
def create(partnership_id: int):
    partnership = get_partnership_or_404(partnership_id)
    form = AgreementForm()
    form.renews_id.choices = _renewable_choices(partnership.id)
    if form.validate_on_submit():
        agreement = Agreement(partnership_id=partnership.id)
        _apply(agreement, form)
        db.session.commit()
        flash(_("The agreement was created as a draft. Add its texts and signatories next."), "success")
        return redirect(url_for(".detail", agreement_id=agreement.id))
    return render_template("agreements/form.html", form=form, partnership=partnership, agreement=None)


@bp.get("/agreements/<int:agreement_id>")
@allow(STAFF)
def detail(agreement_id: int):
    agreement = get_agreement_or_404(agreement_id)
    move_form = MoveForm(formdata=None)
    move_form.target.choices = enum_choices(AgreementStatus)
    return render_template(
        "agreements/detail.html", agreement=agreement, partnership=agreement.partnership,
        moves=lifecycle.allowed_moves(agreement.status), move_form=move_form,
        signatory_form=SignatoryForm(formdata=None), can_edit_terms=lifecycle.can_edit_terms(agreement.status),
        attachments=attachments_for(agreement_id=agreement.id), today=office_today(),
        expiring=lifecycle.is_expiring(agreement.status, agreement.expires_on, office_today()),
    )


@bp.route("/agreements/<int:agreement_id>/edit", methods=["GET", "POST"])
@allow(EDITORS)
def edit(agreement_id: int):
    agreement = get_agreement_or_404(agreement_id)
    form = AgreementForm(obj=agreement)
    form.renews_id.choices = _renewable_choices(agreement.partnership_id, exclude_id=agreement.id)
    if request.method == "GET":
        form.renews_id.data = agreement.renews_id or 0
    conflict = None
    if form.validate_on_submit():
        conflict = save_unless_conflict(form, agreement, ["title", "kind", "signed_at", "effective_from",
                                                          "expires_on", "notes"], lambda: _apply(agreement, form))
        if conflict is None:
            flash(_("Your changes were saved."), "success")
            return redirect(url_for(".detail", agreement_id=agreement.id))
    return render_template("agreements/form.html", form=form, partnership=agreement.partnership, agreement=agreement,
                           conflict=conflict), 409 if conflict else 200


@bp.post("/agreements/<int:agreement_id>/move")
@allow(EDITORS)
def move(agreement_id: int):
    agreement = get_agreement_or_404(agreement_id)
    form = MoveForm()
    if not form.validate():
        for errors in form.errors.values():
            for error in errors:
                flash(error, "error")
        return redirect(url_for(".detail", agreement_id=agreement.id))
    target = AgreementStatus(form.target.data)
    if agreement.status == target:  # a second click after the first went through
        flash(_("The agreement is already %(status)s.", status=target.label), "info")
        return redirect(url_for(".detail", agreement_id=agreement.id))
    try:
        operations.move(agreement, target, current_user, signed_on=form.signed_on.data,
                        signed_at=form.signed_at.data)
    except AlreadyDone:  # another request moved it first, a moment ago
        db.session.rollback()
        flash(_("Someone else changed this agreement a moment ago: it is now %(status)s. Nothing more was done.",
                status=agreement.status.label), "info")
        return redirect(url_for(".detail", agreement_id=agreement.id))
    except operations.LifecycleError:
        flash(_("An agreement that is %(current)s cannot become %(target)s.",
                current=agreement.status.label, target=target.label), "error")
        return redirect(url_for(".detail", agreement_id=agreement.id))
    db.session.commit()
    if target == AgreementStatus.SIGNED:
        flash(_("The agreement is signed. Its signing is on the partnership timeline."), "success")
    else:
        flash(_("The agreement is now %(status)s.", status=target.label), "success")
    return redirect(url_for(".detail", agreement_id=agreement.id))


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
        return redirect(url_for(".detail", agreement_id=renewal.id))
    try:
        renewal = operations.start_renewal(agreement, request.form.get("version", type=int))
    except AlreadyDone:  # a double-click, or two tabs at once: the other request started it
        db.session.rollback()
        renewal = operations.open_renewal(agreement)
        if renewal is None:  # changed in another way since the page was opened
            flash(_("This agreement changed since you opened it. Check it, then start the renewal again."), "error")
            return redirect(url_for(".detail", agreement_id=agreement.id))
        flash(_("A renewal of this agreement was already started; here it is."), "info")
        return redirect(url_for(".detail", agreement_id=renewal.id))
    db.session.commit()
    flash(_("A draft renewal was created from the current texts and signatories."), "success")
    return redirect(url_for(".edit", agreement_id=renewal.id))


@bp.route("/agreements/<int:agreement_id>/delete", methods=["GET", "POST"])
@allow(EDITORS)
def delete(agreement_id: int):
    agreement = get_agreement_or_404(agreement_id)
    cancel = url_for(".detail", agreement_id=agreement.id)
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


def _text_form(agreement: Agreement, text: AgreementText | None):
    form = TextForm(obj=text)
    taken = {t.language for t in agreement.texts if text is None or t.id != text.id}
    form.language.choices = options(choice for choice in document_language_choices() if choice[0] not in taken)
    return form


def _terms_locked(agreement: Agreement):
    flash(_("The texts and signatories of a signed agreement cannot change. Start a renewal or an addendum."),
          "error")
    return redirect(url_for(".detail", agreement_id=agreement.id))


def _signed_meanwhile(agreement_id: int, message: str | None = None) -> None:
    """The save found the agreement signed since its page checked: nothing was saved; say so."""
    db.session.rollback()
    if db.session.get(Agreement, agreement_id) is None:  # deleted meanwhile: nothing left to show
        abort(404)
    flash(message or _("This agreement was signed meanwhile; its texts and signatories can no longer change."),
          "error")


@bp.route("/agreements/<int:agreement_id>/texts/new", methods=["GET", "POST"])
@allow(EDITORS)
def add_text(agreement_id: int):
    agreement = get_agreement_or_404(agreement_id)
    if not lifecycle.can_edit_terms(agreement.status):
        return _terms_locked(agreement)
    form = _text_form(agreement, None)
    if form.validate_on_submit():
        try:
            added = operations.add_text(agreement, form.language.data, form.title.data, form.body.data)
        except operations.TermsFrozen:  # what was typed stays on the page, to copy into an addendum
            _signed_meanwhile(agreement.id)
            return render_template("agreements/text_form.html", form=form, agreement=agreement, text=None,
                                   frozen=True), 409
        if added is not None:
            db.session.commit()
            flash(_("The text was added."), "success")
            return redirect(url_for(".detail", agreement_id=agreement.id, _anchor="texts"))
        form.language.errors = [*form.language.errors, _(
            "A text in this language was added meanwhile. Edit that text, or choose another language.")]
        return render_template("agreements/text_form.html", form=form, agreement=agreement, text=None), 409
    return render_template("agreements/text_form.html", form=form, agreement=agreement, text=None)


@bp.route("/agreement-texts/<int:text_id>/edit", methods=["GET", "POST"])
@allow(EDITORS)
def edit_text(text_id: int):
    text = get_text_or_404(text_id)
    agreement = text.agreement
    if not lifecycle.can_edit_terms(agreement.status):
        return _terms_locked(agreement)
    form = _text_form(agreement, text)
    conflict = None
    if form.validate_on_submit():
        try:
            conflict = save_unless_conflict(form, text, TEXT_FIELDS, lambda: _apply_text(text, form))
        except operations.TermsFrozen:  # what was typed stays on the page, to copy into an addendum
            _signed_meanwhile(agreement.id)
            return render_template("agreements/text_form.html", form=form, agreement=agreement, text=text,
                                   frozen=True), 409
        if conflict is not None:  # their language by name, not by code
            language = str(form.language.label.text)
            conflict.fields = [(label, language_label(value) if label == language else value)
                               for label, value in conflict.fields]
        else:
            flash(_("Your changes were saved."), "success")
            return redirect(url_for(".detail", agreement_id=agreement.id, _anchor="texts"))
    return render_template("agreements/text_form.html", form=form, agreement=agreement, text=text,
                           conflict=conflict), 409 if conflict else 200


TEXT_FIELDS = ["language", "title", "body"]


def _apply_text(text: AgreementText, form: TextForm) -> None:
    # not the version: that is SQLAlchemy's to change
    operations.edit_text(text, **{name: form[name].data for name in TEXT_FIELDS})


@bp.route("/agreement-texts/<int:text_id>/delete", methods=["GET", "POST"])
@allow(EDITORS)
def delete_text(text_id: int):
    text = get_text_or_404(text_id)
    agreement = text.agreement
    if not lifecycle.can_edit_terms(agreement.status):
        return _terms_locked(agreement)
    back = url_for(".detail", agreement_id=agreement.id, _anchor="texts")
    try:
        return confirm_then(
            lambda: operations.delete_text(text),
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
    form = SignatoryForm()
    if form.validate():
        try:
            operations.add_signatory(agreement, form.side.data, form.name.data, form.title.data, form.city.data)
        except operations.TermsFrozen:
            _signed_meanwhile(agreement.id)
            return redirect(url_for(".detail", agreement_id=agreement.id, _anchor="signatories"))
        db.session.commit()
        flash(_("%(name)s was added as a signatory.", name=form.name.data), "success")
    else:
        for field, errors in form.errors.items():
            for error in errors:
                flash(_("%(field)s: %(error)s", field=form[field].label.text, error=error), "error")
    return redirect(url_for(".detail", agreement_id=agreement.id, _anchor="signatories"))


@bp.route("/signatories/<int:signatory_id>/delete", methods=["GET", "POST"])
@allow(EDITORS)
def delete_signatory(signatory_id: int):
    signatory = get_signatory_or_404(signatory_id)
    agreement = signatory.agreement
    if not lifecycle.can_edit_terms(agreement.status):
        return _terms_locked(agreement)
    back = url_for(".detail", agreement_id=agreement.id, _anchor="signatories")
    try:
        return confirm_then(lambda: operations.remove_signatory(signatory),
                            title=_("Remove %(name)s as a signatory?", name=signatory.name), cancel_url=back,
                            done_url=back, done_message=_("The signatory was removed."), button=_("Remove"))
    except operations.TermsFrozen:
        _signed_meanwhile(agreement.id)
        return redirect(back)

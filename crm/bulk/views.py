"""The bulk actions' pages. A list's bulk bar sends the ticked ids here by GET: the page names how many records
the action will change (only those the reader may see and that need the change); its POST (CSRF) does it, one
record at a time through the ORM, so the audit trail writes one event per record, then goes back to the list."""
from collections.abc import Callable

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from crm.access import EDITORS, allow
from crm.bulk import operations
from crm.bulk.forms import LiaisonForm
from crm.bulk.queries import chosen_contacts, chosen_engagements, chosen_ids, chosen_partnerships, staff_member
from crm.clock import office_today
from crm.enums import Visibility
from crm.exports import columns
from crm.exports.writers import export_response
from crm.extensions import db
from crm.forms import ConfirmForm
from crm.health.queries import flags as health_flags
from crm.partnerships.choices import liaison_choices
from crm.records import back_to

bp = Blueprint("bulk", __name__, url_prefix="/bulk")


def _page(form, *, title: str, message: str, names: list[str], ids: list[int], back: str, button=None,
          export: bool = False, status: int = 200):
    return render_template("bulk/confirm.html", form=form, title=title, message=message, names=names, ids=ids,
                           back=back, button=button, export=export), status


def _confirm_then(form, *, changing: list, name: Callable, title: str, message: str, button: str, back: str,
                  action: Callable[[], int], done: Callable[[int], str]):
    """The confirmation of changing these records; its valid POST runs the action, commits and goes back."""
    if form.validate_on_submit() and changing:
        changed = action()
        db.session.commit()
        flash(done(changed), "success")
        return redirect(back)
    return _page(form, title=title, message=message, names=[name(r) for r in changing], back=back,
                 ids=[r.id for r in changing], button=button if changing else None)


@bp.route("/partnerships/archive", methods=["GET", "POST"])
@allow(EDITORS)
def archive_partnerships():
    chosen = chosen_partnerships(chosen_ids())
    count = len(chosen)
    return _confirm_then(
        ConfirmForm(), changing=chosen, name=lambda p: p.partner_city.name, back=back_to(url_for("partnerships.index")),
        title=ngettext("Archive %(num)d partnership?", "Archive %(num)d partnerships?", count)
        if count else _("None of the selected partnerships can be archived."),
        message=_("They leave the partnership lists, but their history, agreements and contacts are kept. Each can "
                  "be restored from the archived list.") if count else "",
        button=_("Archive"), action=lambda: operations.archive_all(chosen),
        done=lambda n: ngettext("%(num)d partnership was archived.", "%(num)d partnerships were archived.", n))


@bp.route("/partnerships/liaison", methods=["GET", "POST"])
@allow(EDITORS)
def assign_liaison():
    chosen = chosen_partnerships(chosen_ids())
    form = LiaisonForm()
    form.liaison_id.choices = liaison_choices(_l("No liaison"))
    liaison = staff_member(form.liaison_id.data)
    count = len(chosen)
    return _confirm_then(
        form, changing=chosen, name=lambda p: p.partner_city.name, back=back_to(url_for("partnerships.index")),
        title=ngettext("Assign a liaison to %(num)d partnership", "Assign a liaison to %(num)d partnerships", count)
        if count else _("None of the selected partnerships can be changed."),
        message=_("Partnerships that already have this liaison are left as they are.") if count else "",
        button=_("Assign"), action=lambda: operations.assign_liaison(chosen, liaison),
        done=lambda n: ngettext("The liaison of %(num)d partnership was changed.",
                                "The liaison of %(num)d partnerships was changed.", n))


def _visibility_page(visibility: Visibility):
    chosen = operations.needing_visibility(chosen_engagements(chosen_ids()), visibility)
    count = len(chosen)
    if visibility == Visibility.SHARED:
        title = ngettext("Share %(num)d engagement with the partner?", "Share %(num)d engagements with the partner?",
                         count)
        message, button = _("The partner's guests will see them in their portal."), _("Share with the partner")
    else:
        title = ngettext("Make %(num)d engagement staff-only?", "Make %(num)d engagements staff-only?", count)
        message, button = _("The partner's guests will no longer see them."), _("Make staff-only")
    if not count:
        title, message = _("None of the selected engagements needs this change."), ""
    return _confirm_then(
        ConfirmForm(), changing=chosen, name=lambda e: e.title, back=back_to(url_for("engagements.index")),
        title=title, message=message, button=button, action=lambda: operations.set_visibility(chosen, visibility),
        done=lambda n: ngettext("%(num)d engagement was changed.", "%(num)d engagements were changed.", n))


@bp.route("/engagements/share", methods=["GET", "POST"])
@allow(EDITORS)
def share_engagements():
    return _visibility_page(Visibility.SHARED)


@bp.route("/engagements/staff-only", methods=["GET", "POST"])
@allow(EDITORS)
def hide_engagements():
    return _visibility_page(Visibility.STAFF_ONLY)


def _export_page(chosen: list, *, name: Callable, title: str, back: str, download: Callable[[str], object]):
    """The export of the chosen records: the page names how many; its POST (with the format) downloads them."""
    form = ConfirmForm()
    if form.validate_on_submit() and chosen:
        return download("xlsx" if request.form.get("fmt") == "xlsx" else "csv")
    return _page(form, title=title, message="", names=[name(r) for r in chosen], ids=[r.id for r in chosen],
                 back=back, export=bool(chosen))


@bp.route("/partnerships/export", methods=["GET", "POST"])
@allow(EDITORS)
def export_partnerships():
    chosen = chosen_partnerships(chosen_ids(), current=False)
    count = len(chosen)

    def download(fmt: str):
        flags = health_flags(office_today(), [p.id for p in chosen])
        return export_response(fmt, columns.PARTNERSHIPS, [(p, flags.get(p.id)) for p in chosen],
                               title=_("Partnerships"), slug="partnerships")

    return _export_page(chosen, name=lambda p: p.partner_city.name, back=back_to(url_for("partnerships.index")),
                        title=ngettext("Export %(num)d partnership", "Export %(num)d partnerships", count)
                        if count else _("None of the selected partnerships can be exported."), download=download)


@bp.route("/contacts/export", methods=["GET", "POST"])
@allow(EDITORS)
def export_contacts():
    chosen = chosen_contacts(chosen_ids())
    count = len(chosen)
    return _export_page(chosen, name=lambda c: c.name, back=back_to(url_for("contacts.contacts")),
                        title=ngettext("Export %(num)d contact", "Export %(num)d contacts", count)
                        if count else _("None of the selected contacts can be exported."),
                        download=lambda fmt: export_response(fmt, columns.CONTACTS, chosen, title=_("Contacts"),
                                                             slug="contacts"))

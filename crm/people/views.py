"""The pages of people (issue 22 §1): a person's links to further partnerships (added, edited and removed from
the contact's page), the likely duplicates, and merging two contacts that are one person."""
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import format_date, format_percent
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from wtforms import RadioField

from crm.access import EDITORS, allow
from crm.confirm import confirm_then
from crm.contacts.links_queries import contact_links, get_link_or_404, is_home_link
from crm.contacts.models import Contact
from crm.enums import Sex
from crm.extensions import db
from crm.forms import id_arg, options
from crm.i18n import country_name
from crm.languages import language_label
from crm.pagination import paginate_list
from crm.partnerships.models import Partnership
from crm.partnerships.queries import get_in_scope_or_404, get_partnership_or_404
from crm.people import merge as merging
from crm.people.duplicates import duplicate_pairs
from crm.people.forms import MergeForm, make_link_form
from crm.people.operations import AlreadyLinked, add_link, apply_link, remove_link
from crm.privacy import sensitive
from crm.records import back_to, edit_record

bp = Blueprint("people", __name__)


def _contact_page(contact_id: int) -> str:
    return url_for("contacts.detail", contact_id=contact_id, _anchor="links")


@bp.route("/contacts/<int:contact_id>/links/new", methods=["GET", "POST"])
@allow(EDITORS)
def add(contact_id: int):
    contact = get_in_scope_or_404(Contact, contact_id)
    form = make_link_form(partnership_id=id_arg("partnership"))
    if form.validate_on_submit():
        get_partnership_or_404(form.partnership_id.data)
        try:
            add_link(contact, form)
        except AlreadyLinked:
            form.partnership_id.errors = [*form.partnership_id.errors,
                                          _("This person is already linked to that partnership.")]
        else:
            db.session.commit()
            flash(_("%(name)s is now linked to that partnership.", name=contact.name), "success")
            return redirect(back_to(_contact_page(contact.id)))
    return render_template("people/link_form.html", form=form, contact=contact, link=None,
                           conflict=None), 422 if form.errors else 200


@bp.route("/people/links/<int:link_id>/edit", methods=["GET", "POST"])
@allow(EDITORS)
def edit(link_id: int):
    link = get_link_or_404(link_id)
    if is_home_link(link):  # the contact's own form says where they belong and what they do there
        return redirect(url_for("contacts.edit_contact", contact_id=link.contact_id,
                                next=_contact_page(link.contact_id)))
    return edit_record(link, make_link_form(link), apply_link, compare=["side", "organization_id", "role",
                                                                         "visibility"],
                       template="people/link_form.html", done=_contact_page(link.contact_id),
                       contact=link.contact, link=link)


@bp.route("/people/links/<int:link_id>/remove", methods=["GET", "POST"])
@allow(EDITORS)
def remove(link_id: int):
    link = get_link_or_404(link_id)
    back = _contact_page(link.contact_id)
    if is_home_link(link):
        flash(_("This is the person’s own partnership: change it on their contact form, or delete the contact."),
              "error")
        return redirect(back)
    return confirm_then(
        lambda: remove_link(link),
        title=_("Remove %(name)s from the partnership with %(city)s?", name=link.contact.name,
                city=link.partnership.partner_city.name),
        message=_("The person stays in your contacts and in their other partnerships."),
        button=_("Remove"), cancel_url=back, done_url=back, done_message=_("The link was removed."))


@bp.get("/people/duplicates")
@allow(EDITORS)
def duplicates():
    page = paginate_list(duplicate_pairs())
    wanted = {pair.first_id for pair in page.items} | {pair.second_id for pair in page.items}
    people = {c.id: c for c in db.session.scalars(
        select(Contact).where(Contact.id.in_(wanted))
        .options(joinedload(Contact.organization),
                 joinedload(Contact.partnership).joinedload(Partnership.partner_city)))} if wanted else {}
    return render_template("people/duplicates.html", page=page, people=people,
                           percents=[format_percent(pair.similarity) for pair in page.items])


#: the labels of the fields a merge chooses between
FIELD_LABELS = {
    "name": _l("Name"), "honorific": _l("Form of address"), "name_native": _l("Name in own script"),
    "name_romanized": _l("Romanized name"), "family_name_first": _l("Family name first"),
    "passport_name": _l("Name as in the passport"), "job_title": _l("Title or role"), "email": _l("E-mail"),
    "phone": _l("Phone"), "language": _l("Language"), "languages": _l("Languages spoken"), "sex": _l("Sex"),
    "town": _l("Town"), "country": _l("Country"), "notes": _l("Staff notes"),
    "passport_number": _l("Passport number"), "date_of_birth": _l("Date of birth"),
    "dietary_needs": _l("Dietary needs"), "medical_notes": _l("Medical and access needs"),
}


def _shown(contact: Contact, name: str) -> str:
    """A field's value as the merge page shows it, in the reader's language."""
    value = sensitive(contact, name) if name in merging.SENSITIVE else getattr(contact, name)
    if name == "family_name_first":
        return _("Family name first") if value else _("Given name first")
    if value is None or value == "":
        return "—"
    if name == "language":
        return language_label(value)
    if name == "country":
        return country_name(value)
    if name == "sex":
        return Sex(value).label if value in {member.value for member in Sex} else value
    if name == "date_of_birth":
        return format_date(value, "long")
    return str(value)


def _merge_form(keep: Contact, drop: Contact, fields: list[str]) -> MergeForm:
    class Choices(MergeForm):
        pass

    for name in fields:
        setattr(Choices, f"take_{name}", RadioField(
            FIELD_LABELS[name], choices=options([("keep", _l("Keep")), ("drop", _l("Take"))]),
            default=merging.default_choice(keep, drop, name)))
    form = Choices()
    if not form.is_submitted():
        form.keep_version.data, form.drop_version.data = keep.version, drop.version
    return form


@bp.route("/people/merge", methods=["GET", "POST"])
@allow(EDITORS)
def merge():
    keep_id, drop_id = id_arg("keep"), id_arg("drop")
    if not keep_id or not drop_id or keep_id == drop_id:
        flash(_("Choose two different people to merge."), "error")
        return redirect(url_for(".duplicates"))
    keep = get_in_scope_or_404(Contact, keep_id, joinedload(Contact.organization))
    drop = get_in_scope_or_404(Contact, drop_id, joinedload(Contact.organization))
    fields = merging.differing_fields(keep, drop)
    form = _merge_form(keep, drop, fields)
    status = 200
    if form.validate_on_submit():
        taken = [name for name in fields if form[f"take_{name}"].data == "drop"]
        try:
            merged = merging.merge(keep, drop, taken, form.keep_version.data, form.drop_version.data)
        except merging.MergeConflict:
            db.session.rollback()
            flash(_("One of the two contacts was changed or merged while you were choosing. Check them again."),
                  "error")
            return redirect(url_for(".merge", keep=keep_id, drop=drop_id))
        db.session.commit()
        flash(_("%(dropped)s was merged into %(kept)s.", dropped=merged.dropped_name, kept=keep.name), "success")
        return redirect(url_for("contacts.detail", contact_id=merged.kept_id))
    if form.errors:
        status = 422
    return render_template("people/merge.html", form=form, keep=keep, drop=drop, fields=fields,
                           labels=FIELD_LABELS, shown={name: (_shown(keep, name), _shown(drop, name))
                                                       for name in fields}, links={keep.id: contact_links(keep.id),
                                                       drop.id: contact_links(drop.id)},
                           cancel_url=back_to(url_for(".duplicates"))), status

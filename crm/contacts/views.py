from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from crm.access import EDITORS, STAFF, allow
from crm.contacts.forms import ContactFilterForm, ContactForm, OrganizationFilterForm, OrganizationForm
from crm.contacts.models import Contact, Organization
from crm.database import MAX_ID
from crm.exports.columns import CONTACTS, ORGANIZATIONS
from crm.exports.writers import export_response, stream
from crm.extensions import db
from crm.forms import id_arg, options
from crm.i18n import LANGUAGES, language_name
from crm.matching import contains
from crm.pagination import paginate
from crm.partnerships.choices import partnership_choices, partnership_filter_choices
from crm.partnerships.models import Partnership
from crm.partnerships.queries import (
    get_in_scope_or_404,
    get_partnership_or_404,
    visible_partnership_ids,
)
from crm.versioning import save_unless_conflict

bp = Blueprint("contacts", __name__)


def organization_choices(partnership_id):
    rows = db.session.execute(
        select(Organization.id, Organization.name).where(Organization.partnership_id == partnership_id)
        .order_by(Organization.name)
    ).all()
    return options([(0, _l("No organization"))] + [(row.id, row.name) for row in rows])


def _search(query, columns, q):
    if not q:
        return query
    return query.where(contains(columns, q))


def contact_list(form: ContactFilterForm) -> Select:
    """The contacts the list shows with these filters, by name (the page and its export)."""
    query = (
        select(Contact)
        .where(Contact.partnership_id.in_(visible_partnership_ids()))
        .options(joinedload(Contact.organization), joinedload(Contact.partnership).joinedload(Partnership.partner_city))
        .order_by(func.lower(Contact.name), Contact.id)
    )
    query = _search(query, [Contact.name, Contact.email, Contact.job_title], form.value("q"))
    if partnership := form.value("partnership"):
        query = query.where(Contact.partnership_id == partnership)
    if side := form.value("side"):
        query = query.where(Contact.side == side)
    return query


@bp.get("/contacts/")
@allow(STAFF)
def contacts():
    form = _filter_form(ContactFilterForm)
    return render_template("contacts/index.html", form=form, page=paginate(contact_list(form)))


@bp.get("/contacts/export.csv", defaults={"fmt": "csv"})
@bp.get("/contacts/export.xlsx", defaults={"fmt": "xlsx"})
@allow(STAFF)
def export_contacts(fmt: str):
    return export_response(fmt, CONTACTS, stream(contact_list(_filter_form(ContactFilterForm))),
                           title=_("Contacts"), slug="contacts")


def _filter_form(form_class):
    form = form_class()
    form.partnership.choices = partnership_filter_choices(_l("All partnerships"))
    return form


def _contact_form(contact: Contact | None):
    form = ContactForm(obj=contact)
    form.partnership_id.choices = partnership_choices()
    if contact is None and request.method == "GET" and id_arg("partnership"):
        form.partnership_id.data = id_arg("partnership")
    form.language.choices = options([("", _l("Not known"))] + [(code, language_name(code)) for code in LANGUAGES])
    chosen = form.partnership_id.data if isinstance(form.partnership_id.data, int) else None
    chosen = chosen if chosen is not None and 0 < chosen <= MAX_ID else None  # an id the database can hold
    form.organization_id.choices = organization_choices(chosen or (contact.partnership_id if contact else 0))
    if contact is not None and request.method == "GET":
        form.organization_id.data = contact.organization_id or 0
    return form


def _save_contact(contact: Contact, form: ContactForm) -> Contact:
    get_partnership_or_404(form.partnership_id.data)
    form.populate_obj(contact)
    contact.organization_id = form.organization_id.data or None
    contact.language = form.language.data or None
    db.session.add(contact)
    db.session.flush()
    return contact


@bp.route("/contacts/new", methods=["GET", "POST"])
@allow(EDITORS)
def create_contact():
    form = _contact_form(None)
    if form.validate_on_submit():
        contact = _save_contact(Contact(), form)
        db.session.commit()
        flash(_("%(name)s was added.", name=contact.name), "success")
        return redirect(url_for("partnerships.detail", partnership_id=contact.partnership_id, _anchor="contacts"))
    return render_template("contacts/form.html", form=form, contact=None)


@bp.route("/contacts/<int:contact_id>/edit", methods=["GET", "POST"])
@allow(EDITORS)
def edit_contact(contact_id: int):
    contact = get_in_scope_or_404(Contact, contact_id)
    form = _contact_form(contact)
    conflict = None
    if form.validate_on_submit():
        conflict = save_unless_conflict(form, contact, ["name", "job_title", "email", "phone", "notes"],
                                        lambda: _save_contact(contact, form))
        if conflict is None:
            flash(_("Your changes were saved."), "success")
            return redirect(url_for("partnerships.detail", partnership_id=contact.partnership_id,
                                    _anchor="contacts"))
    return render_template("contacts/form.html", form=form, contact=contact, conflict=conflict), \
        409 if conflict else 200


def organization_list(form: OrganizationFilterForm) -> Select:
    """The organizations the list shows with these filters, by name (the page and its export)."""
    query = (
        select(Organization)
        .where(Organization.partnership_id.in_(visible_partnership_ids()))
        .options(joinedload(Organization.partnership).joinedload(Partnership.partner_city))
        .order_by(func.lower(Organization.name), Organization.id)
    )
    query = _search(query, [Organization.name], form.value("q"))
    if partnership := form.value("partnership"):
        query = query.where(Organization.partnership_id == partnership)
    if side := form.value("side"):
        query = query.where(Organization.side == side)
    if kind := form.value("kind"):
        query = query.where(Organization.kind == kind)
    return query


@bp.get("/organizations/")
@allow(STAFF)
def organizations():
    form = _filter_form(OrganizationFilterForm)
    return render_template("contacts/organizations.html", form=form, page=paginate(organization_list(form)))


@bp.get("/organizations/export.csv", defaults={"fmt": "csv"})
@bp.get("/organizations/export.xlsx", defaults={"fmt": "xlsx"})
@allow(STAFF)
def export_organizations(fmt: str):
    return export_response(fmt, ORGANIZATIONS, stream(organization_list(_filter_form(OrganizationFilterForm))),
                           title=_("Organizations"), slug="organizations")


def _organization_form(organization: Organization | None):
    form = OrganizationForm(obj=organization)
    form.partnership_id.choices = partnership_choices()
    if organization is None and request.method == "GET" and id_arg("partnership"):
        form.partnership_id.data = id_arg("partnership")
    return form


def _save_organization(organization: Organization, form: OrganizationForm) -> Organization:
    get_partnership_or_404(form.partnership_id.data)
    form.populate_obj(organization)
    db.session.add(organization)
    db.session.flush()
    return organization


@bp.route("/organizations/new", methods=["GET", "POST"])
@allow(EDITORS)
def create_organization():
    form = _organization_form(None)
    if form.validate_on_submit():
        organization = _save_organization(Organization(), form)
        db.session.commit()
        flash(_("%(name)s was added.", name=organization.name), "success")
        return redirect(url_for("partnerships.detail", partnership_id=organization.partnership_id,
                                _anchor="organizations"))
    return render_template("contacts/organization_form.html", form=form, organization=None)


@bp.route("/organizations/<int:organization_id>/edit", methods=["GET", "POST"])
@allow(EDITORS)
def edit_organization(organization_id: int):
    organization = get_in_scope_or_404(Organization, organization_id)
    form = _organization_form(organization)
    conflict = None
    if form.validate_on_submit():
        conflict = save_unless_conflict(form, organization, ["name", "kind", "website", "notes"],
                                        lambda: _save_organization(organization, form))
        if conflict is None:
            flash(_("Your changes were saved."), "success")
            return redirect(url_for("partnerships.detail", partnership_id=organization.partnership_id,
                                    _anchor="organizations"))
    return render_template("contacts/organization_form.html", form=form, organization=organization,
                           conflict=conflict), 409 if conflict else 200

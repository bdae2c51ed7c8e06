"""The pages of contacts and of organizations: for each a list, its export, and create and edit pages, all from
one piece of code (``_add_pages``) told what differs between the two (a ``Directory``)."""
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload
from werkzeug.exceptions import HTTPException

from crm.access import EDITORS, STAFF, allow
from crm.contacts.forms import ContactFilterForm, ContactForm, OrganizationFilterForm, OrganizationForm
from crm.contacts.models import Contact, Organization
from crm.contacts.operations import apply_form
from crm.contacts.queries import contact_list, organization_choices, organization_list
from crm.database import MAX_ID
from crm.exports.columns import CONTACTS, ORGANIZATIONS
from crm.exports.writers import export_response, stream
from crm.forms import id_arg, options
from crm.i18n import LANGUAGES, country_choices, language_name
from crm.pagination import paginate
from crm.partnerships.choices import partnership_choices, partnership_filter_choices
from crm.partnerships.models import Partnership, Side
from crm.partnerships.queries import get_in_scope_or_404
from crm.privacy import withhold_sensitive_fields
from crm.records import create_record, edit_record

bp = Blueprint("contacts", __name__)


@dataclass(frozen=True)
class Directory:
    """What differs between the contact pages and the organization pages."""

    name: str  #: "contacts": the address, the list's endpoint, the export's file name, the partnership page's section
    singular: str  #: "contact": the endpoints create_contact and edit_contact, the id in the address
    model: type
    form: type
    filter_form: type
    listed: Callable  #: the list's query, from its filter form
    columns: list  #: of the export
    title: object  #: of the export
    list_template: str
    form_template: str
    compare: list[str]  #: the fields the conflict page shows
    choices: Callable = lambda form, record: None  #: fills the form's other choices (a contact's organization)


#: the pages whose "new contact" link is a detour (the user comes back to them), and the side the new contact is on
#: there (None: the form's default)
DETOURS = {"missions.detail": None, "guests.index": Side.PARTNER}


def _detour() -> dict | None:
    """When the form was opened from a detour page without saying where to return (``next``): that page, and
    its side unless ``side`` was given, as query arguments of the form's address; otherwise None."""
    if "next" in request.args or not request.referrer:
        return None
    came_from = urlsplit(request.referrer)
    if came_from.netloc != request.host:
        return None
    try:
        endpoint, _args = current_app.create_url_adapter(request).match(came_from.path, method="GET")
    except HTTPException:  # not a page of this site (404, 405) or not its address (a redirect)
        return None
    if endpoint not in DETOURS:
        return None
    back = came_from.path + (f"?{came_from.query}" if came_from.query else "")
    side = DETOURS[endpoint]
    return {"next": back} | ({"side": side.value} if side and "side" not in request.args else {})


def _side_arg() -> Side | None:
    """The side asked for by ``?side=`` (a detour presets it), if it is one."""
    try:
        return Side(request.args.get("side"))
    except ValueError:
        return None


def _chosen_partnership(form) -> int | None:
    """The partnership chosen on the form, if it is an id the database can hold."""
    chosen = form.partnership_id.data
    return chosen if isinstance(chosen, int) and 0 < chosen <= MAX_ID else None


def _contact_choices(form, contact: Contact | None) -> None:
    withhold_sensitive_fields(form, "contacts")  # issue 22 §7: only a reader with protocol access has them
    form.language.choices = options([("", _l("Not known"))] + [(code, language_name(code)) for code in LANGUAGES])
    partnership_id = _chosen_partnership(form) or (contact.partnership_id if contact else 0)
    form.organization_id.choices = organization_choices(partnership_id, _l("No organization"))
    form.country.choices = options([("", _l("Not known"))] + country_choices())
    if contact is not None and request.method == "GET":
        form.organization_id.data = contact.organization_id or 0


CONTACT_PAGES = Directory(
    name="contacts", singular="contact", model=Contact, form=ContactForm, filter_form=ContactFilterForm,
    listed=contact_list, columns=CONTACTS, title=_l("Contacts"), list_template="contacts/index.html",
    form_template="contacts/form.html", compare=["name", "job_title", "email", "phone", "notes"],
    choices=_contact_choices)
ORGANIZATION_PAGES = Directory(
    name="organizations", singular="organization", model=Organization, form=OrganizationForm,
    filter_form=OrganizationFilterForm, listed=organization_list, columns=ORGANIZATIONS, title=_l("Organizations"),
    list_template="contacts/organizations.html", form_template="contacts/organization_form.html",
    compare=["name", "kind", "website", "notes"])


def _add_pages(kind: Directory) -> None:
    """The list, export, create and edit pages of contacts or of organizations, on the blueprint."""

    def filter_form():
        form = kind.filter_form()
        form.partnership.choices = partnership_filter_choices(_l("All partnerships"))
        return form

    def record_form(record):
        form = kind.form(obj=record)
        form.partnership_id.choices = partnership_choices()
        if record is None and request.method == "GET" and id_arg("partnership"):
            form.partnership_id.data = id_arg("partnership")
        if record is None and request.method == "GET" and _side_arg():
            form.side.data = _side_arg().value
        kind.choices(form, record)
        return form

    def section(partnership_id: int) -> str:
        return url_for("partnerships.detail", partnership_id=partnership_id, _anchor=kind.name)

    @allow(STAFF)
    def index():
        form = filter_form()
        return render_template(kind.list_template, form=form, page=paginate(kind.listed(form)))

    @allow(STAFF)
    def export(fmt: str):
        return export_response(fmt, kind.columns, stream(kind.listed(filter_form())), title=str(kind.title),
                               slug=kind.name)

    @allow(EDITORS)
    def create():
        if request.method == "GET" and (detour := _detour()):  # remember where to return, and the side there
            return redirect(url_for(request.endpoint, **request.args.to_dict(), **detour))
        return create_record(record_form(None), lambda form: apply_form(kind.model(), form),
                             template=kind.form_template, done=lambda record: section(record.partnership_id),
                             saved=lambda record: _("%(name)s was added.", name=record.name),
                             **{kind.singular: None})

    @allow(EDITORS)
    def edit(**ids):
        record = get_in_scope_or_404(kind.model, ids[f"{kind.singular}_id"])
        # once saved, the record is in the partnership chosen on the form (it may have been moved)
        return edit_record(record, record_form(record), apply_form, compare=kind.compare,
                           template=kind.form_template, done=lambda saved: section(saved.partnership_id),
                           **{kind.singular: record})

    bp.add_url_rule(f"/{kind.name}/", kind.name, index, methods=["GET"])
    for fmt in ("csv", "xlsx"):
        bp.add_url_rule(f"/{kind.name}/export.{fmt}", f"export_{kind.name}", export, defaults={"fmt": fmt},
                        methods=["GET"])
    bp.add_url_rule(f"/{kind.name}/new", f"create_{kind.singular}", create, methods=["GET", "POST"])
    bp.add_url_rule(f"/{kind.name}/<int:{kind.singular}_id>/edit", f"edit_{kind.singular}", edit,
                    methods=["GET", "POST"])


_add_pages(CONTACT_PAGES)
_add_pages(ORGANIZATION_PAGES)


@bp.get("/contacts/<int:contact_id>")
@allow(STAFF)
def detail(contact_id: int):
    """A person: how to address them, and every partnership and organization they are linked to."""
    from crm.contacts.links_queries import contact_links

    contact = get_in_scope_or_404(Contact, contact_id, joinedload(Contact.organization),
                                  joinedload(Contact.partnership).joinedload(Partnership.partner_city))
    return render_template("contacts/detail.html", contact=contact, links=contact_links(contact.id))

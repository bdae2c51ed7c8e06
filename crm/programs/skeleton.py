"""The one skeleton of every program type's pages: list, export, create, detail, edit and delete.

``program_blueprint(kind)`` gives a type its blueprint, named after it, with the endpoints ``index``,
``export``, ``new`` (which partnership? then ``create``), ``create``, ``detail``, ``edit`` and ``delete``;
everything type-specific comes from its entry in ``registry.py``."""
from flask import Blueprint, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import Select, func
from sqlalchemy.orm import aliased, joinedload

from crm.access import EDITORS, STAFF, allow
from crm.attachments.queries import attachments_for
from crm.bulk.chooser import new_record_view
from crm.cities.models import City
from crm.clock import office_today
from crm.confirm import confirm_then
from crm.engagements.operations import delete_engagement
from crm.exports.writers import export_response, stream
from crm.pagination import paginate
from crm.partnerships.choices import partnership_filter_choices
from crm.partnerships.models import Partnership, Side
from crm.partnerships.queries import get_in_scope_or_404, get_partnership_or_404
from crm.programs.lists import scoped_program_list
from crm.programs.registry import ProgramType
from crm.records import create_record, edit_record
from crm.soft_delete import KEEP_DAYS


def get_program_or_404(kind: ProgramType, record_id: int):
    """The record, if the reader may see its partnership, with what its page shows."""
    return get_in_scope_or_404(
        kind.model, record_id,
        joinedload(kind.model.partnership).joinedload(Partnership.partner_city),
        joinedload(kind.model.partnership).joinedload(Partnership.home_city), *kind.loads)


#: the orders a program list offers (?sort=, its sortable headers), the first by default: newest first
SORTS = ("dates", "title", "partner")


def list_sort() -> str:
    """The order the reader asked the list for, if it is one, else the default."""
    return request.args.get("sort") if request.args.get("sort") in SORTS else SORTS[0]


def program_list(kind: ProgramType, form) -> Select:
    """The records the list shows with these filters, in the order asked (see ``list_sort``; the page and its
    export)."""
    query = scoped_program_list(kind.model, form, *kind.list_loads)
    for name, column in kind.filters.items():
        if value := form.value(name):
            query = query.where(column == value)
    model, sort = kind.model, list_sort()
    if sort == "partner":
        partner_city = aliased(City)
        query = (query.join(Partnership, model.partnership_id == Partnership.id)
                 .join(partner_city, Partnership.partner_city_id == partner_city.id)
                 .order_by(func.lower(partner_city.name)))
    elif sort == "title":
        query = query.order_by(func.lower(model.title))
    return query.order_by(model.occurred_on.desc(), model.id.desc())


def detail_page(kind: ProgramType, record, **forms) -> str:
    """The record's page; a child form given here (invalid, from its POST) replaces the blank one."""
    return render_template(f"{kind.name}/detail.html", **{kind.singular: record}, partnership=record.partnership,
                           attachments=attachments_for(engagement_id=record.id), today=office_today(),
                           **kind.page(record, **forms))


def program_blueprint(kind: ProgramType) -> Blueprint:
    bp = Blueprint(kind.name, __name__)
    record_id = f"{kind.singular}_id"

    def filter_form():
        form = kind.filter_form()
        form.partnership.choices = partnership_filter_choices(_l("All partnerships"))
        return form

    def page_url(record) -> str:
        return url_for(".detail", **{record_id: record.id})

    @allow(STAFF)
    def index():
        form = filter_form()
        return render_template(f"{kind.name}/index.html", form=form, page=paginate(program_list(kind, form)),
                               today=office_today(), sort=list_sort())

    @allow(STAFF)
    def export(fmt: str):
        return export_response(fmt, kind.columns, stream(program_list(kind, filter_form())), title=str(kind.title),
                               slug=kind.slug)

    @allow(EDITORS)
    def create(partnership_id: int):
        partnership = get_partnership_or_404(partnership_id)

        def make(form):
            record = kind.model(partnership=partnership, logged_by=current_user,
                                logged_by_side=Side.HOME if current_user.is_staff else Side.PARTNER)
            kind.apply_form(record, form)
            return record

        return create_record(kind.make_form(partnership.id, None), make, template=f"{kind.name}/form.html",
                             done=page_url, saved=str(kind.created), partnership=partnership,
                             **{kind.singular: None})

    @allow(STAFF)
    def detail(**ids):
        return detail_page(kind, get_program_or_404(kind, ids[record_id]))

    @allow(EDITORS)
    def edit(**ids):
        record = get_program_or_404(kind, ids[record_id])
        return edit_record(record, kind.make_form(record.partnership_id, record), kind.apply_form,
                           compare=kind.compare, template=f"{kind.name}/form.html", done=page_url(record),
                           partnership=record.partnership, **{kind.singular: record})

    @allow(EDITORS)
    def delete(**ids):
        record = get_program_or_404(kind, ids[record_id])
        return confirm_then(
            lambda: delete_engagement(record, current_user), title=kind.delete_title(record),
            message=kind.delete_message(KEEP_DAYS), cancel_url=page_url(record),
            done_url=url_for("partnerships.detail", partnership_id=record.partnership_id),
            done_message=str(kind.deleted))

    bp.add_url_rule(f"/{kind.name}/", view_func=index, methods=["GET"])
    bp.add_url_rule(f"/{kind.name}/export.csv", view_func=export, defaults={"fmt": "csv"}, methods=["GET"])
    bp.add_url_rule(f"/{kind.name}/export.xlsx", view_func=export, defaults={"fmt": "xlsx"}, methods=["GET"])
    bp.add_url_rule(f"/{kind.name}/new", "new", new_record_view(lambda: str(kind.new), kind.name), methods=["GET"])
    bp.add_url_rule(f"/partnerships/<int:partnership_id>/{kind.name}/new", view_func=create,
                    methods=["GET", "POST"])
    bp.add_url_rule(f"/{kind.name}/<int:{record_id}>", view_func=detail, methods=["GET"])
    bp.add_url_rule(f"/{kind.name}/<int:{record_id}>/edit", view_func=edit, methods=["GET", "POST"])
    bp.add_url_rule(f"/{kind.name}/<int:{record_id}>/delete", view_func=delete, methods=["GET", "POST"])
    return bp

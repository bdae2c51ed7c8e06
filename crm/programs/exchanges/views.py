
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import Select
from sqlalchemy.orm import joinedload
from wtforms import SelectField
from wtforms.validators import Optional

from crm.access import EDITORS, STAFF, allow
from crm.attachments.queries import attachments_for
from crm.clock import office_today
from crm.confirm import confirm_then
from crm.engagements.models import Pillar
from crm.engagements.operations import delete_engagement
from crm.exports import columns
from crm.exports.writers import export_response, stream
from crm.extensions import db
from crm.forms import enum_choices
from crm.pagination import paginate
from crm.partnerships.choices import partnership_filter_choices
from crm.partnerships.models import Partnership, Side
from crm.partnerships.queries import get_in_scope_or_404, get_partnership_or_404
from crm.programs.exchanges.forms import ExchangeForm
from crm.programs.exchanges.models import Exchange, ExchangeDirection, ExchangeKind
from crm.programs.lists import ProgramFilterForm, scoped_program_list
from crm.programs.missions.queries import organization_choices
from crm.soft_delete import KEEP_DAYS
from crm.versioning import save_unless_conflict

bp = Blueprint("exchanges", __name__)


class ExchangeFilterForm(ProgramFilterForm):
    kind = SelectField(_l("Kind of exchange"), choices=enum_choices(ExchangeKind, blank=_l("Any kind")),
                       validators=[Optional()])
    direction = SelectField(_l("Direction"), choices=enum_choices(ExchangeDirection, blank=_l("Any direction")),
                            validators=[Optional()])


def get_exchange_or_404(exchange_id: int) -> Exchange:
    return get_in_scope_or_404(
        Exchange, exchange_id,
        joinedload(Exchange.partnership).joinedload(Partnership.partner_city),
        joinedload(Exchange.partnership).joinedload(Partnership.home_city),
        joinedload(Exchange.host_organization),
    )


def _filter_form() -> ExchangeFilterForm:
    form = ExchangeFilterForm()
    form.partnership.choices = partnership_filter_choices(_l("All partnerships"))
    return form


def exchange_list(form: ExchangeFilterForm) -> Select:
    """The exchanges the list shows with these filters, newest first (the page and its export)."""
    query = scoped_program_list(Exchange, form, joinedload(Exchange.host_organization))
    if kind := form.value("kind"):
        query = query.where(Exchange.exchange_kind == kind)
    if direction := form.value("direction"):
        query = query.where(Exchange.direction == direction)
    return query.order_by(Exchange.occurred_on.desc(), Exchange.id.desc())


@bp.get("/exchanges/")
@allow(STAFF)
def index():
    form = _filter_form()
    return render_template("exchanges/index.html", form=form, page=paginate(exchange_list(form)),
                           today=office_today())


@bp.get("/exchanges/export.csv", defaults={"fmt": "csv"})
@bp.get("/exchanges/export.xlsx", defaults={"fmt": "xlsx"})
@allow(STAFF)
def export(fmt: str):
    return export_response(fmt, columns.EXCHANGES, stream(exchange_list(_filter_form())),
                           title=_("Exchanges"), slug="exchanges")


def _form(partnership_id: int, exchange: Exchange | None = None):
    form = ExchangeForm(obj=exchange)
    form.host_organization_id.choices = organization_choices(partnership_id, _l("No organization"))
    if exchange is not None and request.method == "GET":
        form.host_organization_id.data = exchange.host_organization_id or 0
    return form


def _apply(exchange: Exchange, form: ExchangeForm) -> None:
    exchange.title = form.title.data
    exchange.exchange_kind = form.exchange_kind.data
    exchange.direction = form.direction.data
    exchange.starts_on = form.starts_on.data
    exchange.ends_on = form.ends_on.data
    exchange.participants = form.participants.data
    exchange.host_organization_id = form.host_organization_id.data or None
    exchange.visibility = form.visibility.data
    exchange.notes = form.notes.data
    exchange.substantive = True
    exchange.pillar = Pillar.EDUCATION if form.exchange_kind.data in ("student", "youth", "academic") else (
        Pillar.CULTURE if form.exchange_kind.data in ("cultural", "sports") else Pillar.GOVERNMENT)
    exchange.initiated_by = Side.PARTNER if form.direction.data == ExchangeDirection.INCOMING.value else Side.HOME
    db.session.add(exchange)
    db.session.flush()


@bp.route("/partnerships/<int:partnership_id>/exchanges/new", methods=["GET", "POST"])
@allow(EDITORS)
def create(partnership_id: int):
    partnership = get_partnership_or_404(partnership_id)
    form = _form(partnership.id)
    if form.validate_on_submit():
        exchange = Exchange(partnership_id=partnership.id, logged_by=current_user,
                            logged_by_side=Side.HOME if current_user.is_staff else Side.PARTNER)
        _apply(exchange, form)
        db.session.commit()
        flash(_("The exchange was recorded."), "success")
        return redirect(url_for(".detail", exchange_id=exchange.id))
    return render_template("exchanges/form.html", form=form, partnership=partnership, exchange=None)


@bp.get("/exchanges/<int:exchange_id>")
@allow(STAFF)
def detail(exchange_id: int):
    exchange = get_exchange_or_404(exchange_id)
    return render_template("exchanges/detail.html", exchange=exchange, partnership=exchange.partnership,
                           attachments=attachments_for(engagement_id=exchange.id))


@bp.route("/exchanges/<int:exchange_id>/edit", methods=["GET", "POST"])
@allow(EDITORS)
def edit(exchange_id: int):
    exchange = get_exchange_or_404(exchange_id)
    form = _form(exchange.partnership_id, exchange)
    conflict = None
    if form.validate_on_submit():
        conflict = save_unless_conflict(form, exchange, ["title", "exchange_kind", "direction", "starts_on",
                                                         "ends_on", "participants", "notes"],
                                        lambda: _apply(exchange, form))
        if conflict is None:
            flash(_("Your changes were saved."), "success")
            return redirect(url_for(".detail", exchange_id=exchange.id))
    return render_template("exchanges/form.html", form=form, partnership=exchange.partnership, exchange=exchange,
                           conflict=conflict), 409 if conflict else 200


@bp.route("/exchanges/<int:exchange_id>/delete", methods=["GET", "POST"])
@allow(EDITORS)
def delete(exchange_id: int):
    exchange = get_exchange_or_404(exchange_id)
    return confirm_then(
        lambda: delete_engagement(exchange, current_user),
        title=_("Delete the exchange “%(title)s”?", title=exchange.title),
        message=_("Its documents go with it. An administrator can restore it within %(days)d days.", days=KEEP_DAYS),
        cancel_url=url_for(".detail", exchange_id=exchange.id),
        done_url=url_for("partnerships.detail", partnership_id=exchange.partnership_id),
        done_message=_("The exchange was deleted."))

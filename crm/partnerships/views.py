from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from crm.access import EDITORS, STAFF, allow
from crm.agreements.queries import partnership_agreements
from crm.attachments.queries import partnership_documents
from crm.audit.views import partnership_history
from crm.contacts.models import Contact, Organization
from crm.engagements.forms import EngagementForm
from crm.engagements.queries import timeline
from crm.extensions import db
from crm.forms import ConfirmForm
from crm.health.queries import flags as health_flags
from crm.health.rules import evaluate
from crm.health.service import partnership_health, sort_by_attention
from crm.health.snapshot import portfolio_snapshot
from crm.i18n import country_choices
from crm.outcomes import outcome_totals
from crm.pagination import paginate, paginate_list
from crm.partnerships import operations
from crm.partnerships.choices import fill_filter_form, fill_partnership_form
from crm.partnerships.forms import PartnershipFilterForm, PartnershipForm
from crm.partnerships.models import Partnership
from crm.partnerships.queries import get_partnership_or_404, partnership_list
from crm.programs import partnership_programs
from crm.settings.service import office_settings, office_today
from crm.versioning import save_unless_conflict

bp = Blueprint("partnerships", __name__, url_prefix="/partnerships")
PARTNERSHIP_FIELDS = ["kind", "status", "established_on", "threshold_months", "summary", "staff_notes"]


@bp.get("/")
@allow(STAFF)
def index():
    form = PartnershipFilterForm()
    fill_filter_form(form, country_choices())
    filters = {name: form.value(name) for name in ("q", "status", "country", "priority", "liaison", "home")}
    archived = form.value("archived") == "only"
    sort, wanted_health = form.value("sort") or "partner", form.value("health")
    query = partnership_list(**filters, archived=archived, sort=sort)
    today = office_today()
    if sort == "health" or wanted_health:
        # Health is decided by the rule, in Python: evaluate every matching
        # partnership from one aggregate query, then page through the result.
        matching = set(db.session.scalars(query.with_only_columns(Partnership.id).order_by(None)))
        snapshot = portfolio_snapshot(today)
        flags = {pid: evaluate(a, today) for pid, a in snapshot.activities.items() if pid in matching}
        ordered = [pid for pid in (sort_by_attention(flags) if sort == "health" else _in_order(query, flags))
                   if matches_health(flags[pid], wanted_health)]
        page = paginate_list(ordered)
        rows = {p.id: p for p in db.session.scalars(query.where(Partnership.id.in_(page.items)))}
        page.items = [rows[pid] for pid in page.items if pid in rows]
    else:
        page = paginate(query)
        flags = health_flags(today, [p.id for p in page.items])
    return render_template("partnerships/index.html", form=form, page=page, flags=flags,
                           filtered=any(filters.values()) or archived or wanted_health)


def _in_order(query, flags) -> list[int]:
    return [pid for pid in db.session.scalars(query.with_only_columns(Partnership.id)) if pid in flags]


def matches_health(flag, wanted: str | None) -> bool:
    if not wanted:
        return True
    if wanted == "attention":
        return flag.needs_attention
    return flag.state.value == wanted


@bp.route("/new", methods=["GET", "POST"])
@allow(EDITORS)
def create():
    form = PartnershipForm()
    fill_partnership_form(form)
    if request.method == "GET":
        settings = office_settings()
        form.home_city_id.data = settings.default_home_city_id
        form.status.data = "active"
    if form.validate_on_submit():
        partnership = operations.apply_form(Partnership(), form)
        db.session.commit()
        flash(_("The partnership with %(city)s was created.", city=partnership.partner_city.name), "success")
        return redirect(url_for(".detail", partnership_id=partnership.id))
    return render_template("partnerships/form.html", form=form, partnership=None)


@bp.get("/<int:partnership_id>")
@allow(STAFF)
def detail(partnership_id: int, engagement_form: EngagementForm | None = None):
    partnership = get_partnership_or_404(partnership_id)
    timeline_page = paginate(timeline(partnership))
    contacts = db.session.scalars(
        select(Contact).where(Contact.partnership_id == partnership.id)
        .options(joinedload(Contact.organization)).order_by(Contact.side, Contact.name)
    ).all()
    organizations = db.session.scalars(
        select(Organization).where(Organization.partnership_id == partnership.id)
        .order_by(Organization.side, Organization.name)
    ).all()
    return render_template(
        "partnerships/detail.html", partnership=partnership, timeline=timeline_page, contacts=contacts,
        organizations=organizations, engagement_form=engagement_form or EngagementForm(formdata=None),
        threshold=partnership.threshold_months or office_settings().threshold_months,
        agreements=partnership_agreements(partnership.id), programs=partnership_programs(partnership.id),
        totals=outcome_totals(partnership.id), today=date.today(),
        health=partnership_health(partnership, office_today()),
        documents=partnership_documents(partnership.id), history=partnership_history(partnership.id),
    )


@bp.route("/<int:partnership_id>/edit", methods=["GET", "POST"])
@allow(EDITORS)
def edit(partnership_id: int):
    partnership = get_partnership_or_404(partnership_id)
    form = PartnershipForm(obj=partnership)
    fill_partnership_form(form)
    if request.method == "GET":
        form.priorities.data = [p.value for p in partnership.priorities]
        form.liaison_id.data = partnership.liaison_id or 0
    conflict = None
    if form.validate_on_submit():
        conflict = save_unless_conflict(form, partnership, PARTNERSHIP_FIELDS,
                                        lambda: operations.apply_form(partnership, form))
        if conflict is None:
            flash(_("Your changes were saved."), "success")
            return redirect(url_for(".detail", partnership_id=partnership.id))
    return render_template("partnerships/form.html", form=form, partnership=partnership,
                           conflict=conflict), 409 if conflict else 200


@bp.route("/<int:partnership_id>/archive", methods=["GET", "POST"])
@allow(EDITORS)
def archive(partnership_id: int):
    partnership = get_partnership_or_404(partnership_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        operations.archive(partnership)
        db.session.commit()
        flash(_("The partnership with %(city)s was archived. It can be restored from the archived list.",
                city=partnership.partner_city.name), "success")
        return redirect(url_for(".index"))
    return render_template("partnerships/archive.html", partnership=partnership, form=form)


@bp.post("/<int:partnership_id>/restore")
@allow(EDITORS)
def restore(partnership_id: int):
    partnership = get_partnership_or_404(partnership_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        operations.restore(partnership)
        db.session.commit()
        flash(_("The partnership with %(city)s was restored.", city=partnership.partner_city.name), "success")
    return redirect(url_for(".detail", partnership_id=partnership.id))

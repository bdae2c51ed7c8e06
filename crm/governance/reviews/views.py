"""The pages of reviews: the staff list, opening a review from the partnership's "Plan and review" section,
the review page (evidence, assessment, decision) and the letter to the partner."""
from anyascii import anyascii
from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.routing import BuildError

from crm.access import EDITORS, STAFF, allow
from crm.bidi import without_bidi_controls
from crm.cities.emblems import folder_for
from crm.clock import office_today
from crm.downloads import content_disposition
from crm.enums import Recommendation
from crm.errors import render_error
from crm.extensions import db
from crm.forms import ConfirmForm
from crm.governance.reviews import letters, operations
from crm.governance.reviews.evidence import readable
from crm.governance.reviews.forms import AssessmentForm, DecisionForm, ReviewFilterForm
from crm.governance.reviews.queries import get_review_or_404, review_list
from crm.pagination import paginate
from crm.partnerships.queries import get_partnership_or_404
from crm.pdf import RenderError, renderer
from crm.pdf_pool import RenderBusy
from crm.records import edit_record

bp = Blueprint("reviews", __name__)

ASSESSMENT_FIELDS = ["assessment", "recommendation"]
DECISION_FIELDS = ["decision", "decided_by_body", "decided_on", "resolution_ref", "decision_notes"]


def governance_url(partnership_id: int) -> str:
    return url_for("partnerships.detail", partnership_id=partnership_id, section="governance", _anchor="reviews")


def new_plan_url(review) -> str:
    """The plans capability's new-plan page for this partnership, else its "Plan and review" section."""
    try:
        return url_for("plans.new", partnership_id=review.partnership_id, review_id=review.id)
    except BuildError:
        return url_for("partnerships.detail", partnership_id=review.partnership_id, section="governance",
                       _anchor="plans")


@bp.get("/reviews/")
@allow(STAFF)
def index():
    form = ReviewFilterForm()
    status = form.status.data if form.validate() else None
    return render_template("reviews/index.html", form=form, page=paginate(review_list(status)), today=office_today())


@bp.post("/partnerships/<int:partnership_id>/reviews")
@allow(EDITORS)
def open_review(partnership_id: int):
    partnership = get_partnership_or_404(partnership_id)
    if not ConfirmForm().validate_on_submit():
        flash(_("The review was not opened. Please try again."), "error")
        return redirect(governance_url(partnership.id))
    review, created = operations.open_for(partnership, current_user, office_today())
    review_id = review.id
    db.session.commit()
    flash(_("The review was opened with the evidence as of today.") if created
          else _("A review of this partnership is already open: here it is."), "success" if created else "info")
    return redirect(url_for(".detail", review_id=review_id))


def _page(review, assessment_form=None, decision_form=None, conflict=None):
    partnership = review.partnership
    if assessment_form is None:
        assessment_form = AssessmentForm(formdata=None, obj=review)
    if decision_form is None:
        decision_form = DecisionForm(formdata=None, obj=review)
        if review.is_open:
            decision_form.decision.data = review.recommendation.value if review.recommendation else ""
            decision_form.decided_on.data = office_today()
            decision_form.version.data = review.version
    return render_template(
        "reviews/detail.html", review=review, partnership=partnership,
        evidence=readable(review.evidence or {}, partnership.status.label), assessment_form=assessment_form,
        decision_form=decision_form, conflict=conflict, Recommendation=Recommendation,
        new_plan_url=new_plan_url(review), back=governance_url(partnership.id), today=office_today())


@bp.get("/reviews/<int:review_id>")
@allow(STAFF)
def detail(review_id: int):
    return _page(get_review_or_404(review_id))


@bp.post("/reviews/<int:review_id>/assessment")
@allow(EDITORS)
def assess(review_id: int):
    review = get_review_or_404(review_id)
    if not review.is_open:
        flash(_("This review is decided: its assessment is kept as it was."), "error")
        return redirect(url_for(".detail", review_id=review.id))
    return edit_record(review, AssessmentForm(), operations.apply_assessment, compare=ASSESSMENT_FIELDS,
                       done=url_for(".detail", review_id=review.id, _anchor="review-assessment"),
                       saved=_("The assessment was saved."),
                       page=lambda form, conflict: _page(review, assessment_form=form, conflict=conflict))


@bp.post("/reviews/<int:review_id>/decision")
@allow(EDITORS)
def decide(review_id: int):
    review = get_review_or_404(review_id)
    if not review.is_open:
        flash(_("This review is already decided."), "error")
        return redirect(url_for(".detail", review_id=review.id))
    return edit_record(review, DecisionForm(),
                       lambda record, form: operations.record_decision(record, form, current_user),
                       compare=DECISION_FIELDS, done=url_for(".detail", review_id=review.id, _anchor="review-decision"),
                       saved=_("The decision was recorded."),
                       page=lambda form, conflict: _page(review, decision_form=form, conflict=conflict))


@bp.get("/reviews/<int:review_id>/letter.pdf")
@allow(STAFF)
def letter(review_id: int):
    """?kind=end or revitalise (the default); ?lang= another of the interface's languages."""
    review = get_review_or_404(review_id)
    kind = request.args.get("kind", "revitalise")
    if kind not in letters.KINDS:
        abort(404)
    html, language = letters.letter_html(review, kind, request.args.get("lang"))
    try:
        pdf, _refused = renderer(current_app).render(html, owner=current_user.id, guest=False,
                                                     emblems_root=folder_for(html))
    except RenderBusy:
        return render_error(429)
    except RenderError:
        current_app.logger.exception("review letter render failed")
        return render_error(503)
    city = review.partnership.partner_city
    plain = "".join(ch if ch.isalnum() or ch in "-_." else "-"
                    for ch in anyascii(without_bidi_controls(city.name))).strip("-") or "letter"
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = content_disposition(
        f"Letter-{city.native_name or city.name}-{kind}-{language}.pdf", fallback=f"Letter-{plain}-{kind}-{language}.pdf")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.cache_control.private = True
    response.cache_control.no_store = True
    return response

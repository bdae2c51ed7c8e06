"""The guest portal: a partner-city contact's view of their own partnership(s).

Every view here is for guests only, and loads through the guest's scope
(visible_partnerships and the loader criteria of crm.guests.scope).
"""

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from crm.access import GUESTS, allow
from crm.attachments.forms import UploadForm
from crm.attachments.queries import all_documents
from crm.attachments.uploads import handle_upload
from crm.auth import sessions
from crm.clock import office_today, utcnow
from crm.contacts.models import Contact
from crm.dashboard.partner_mail import tell_liaisons_at_once
from crm.extensions import db
from crm.guests.forms import ChangePasswordForm, CommentForm, GuestEngagementForm, ProfileForm
from crm.guests.operations import log_guest_engagement
from crm.guests.queries import (
    agreements_past_draft,
    itinerary_item_or_404,
    my_contacts,
    my_partnerships,
    shared_contacts,
    shared_timeline,
    shared_upcoming,
)
from crm.languages import language_label
from crm.pagination import paginate
from crm.partnerships.queries import get_partnership_or_404
from crm.programs.missions.itinerary import itinerary_days
from crm.programs.missions.models import ItineraryComment
from crm.programs.missions.queries import comments_by_item, get_mission_or_404
from crm.records import add_child
from crm.versioning import Conflict
from crm.write_limits import write_limit

bp = Blueprint("portal", __name__, url_prefix="/portal")
UPCOMING_DAYS = 180


@bp.before_request
def _note_the_start():
    g.partner_news_since = utcnow()


@bp.after_request
def _tell_the_liaisons(response):
    """What a guest saved (an engagement, a document, a comment, their details) goes to the liaisons who want
    to hear of it at once; the others read it on their dashboard or in their daily digest."""
    if (request.method == "POST" and response.status_code in (302, 303) and current_user.is_authenticated
            and not current_user.is_staff and g.get("guest_scope")):
        tell_liaisons_at_once(current_user.id, g.partner_news_since, g.guest_scope)
    return response


@bp.get("/")
@allow(GUESTS)
def home():
    partnerships = my_partnerships()
    if len(partnerships) == 1:
        return redirect(url_for(".partnership", partnership_id=partnerships[0].id))
    return render_template("portal/home.html", partnerships=partnerships)


def _overview(partnership_id: int, engagement_form=None, upload_form=None):
    partnership = get_partnership_or_404(partnership_id)
    agreements, contacts = agreements_past_draft(partnership.id), shared_contacts(partnership.id)
    upcoming = shared_upcoming(partnership.id, office_today(), UPCOMING_DAYS)
    return render_template(
        "portal/partnership.html", partnership=partnership, timeline=paginate(shared_timeline(partnership)),
        agreements=agreements, contacts=contacts, upcoming=upcoming, documents=all_documents(partnership.id),
        partnerships=[partnership] if g.get("guest_scope") == [partnership.id] else my_partnerships(),
        engagement_form=engagement_form or GuestEngagementForm(formdata=None),
        upload_form=upload_form or UploadForm(formdata=None),
    )


@bp.get("/partnerships/<int:partnership_id>")
@allow(GUESTS)
def partnership(partnership_id: int):
    return _overview(partnership_id)


@bp.post("/partnerships/<int:partnership_id>/engagements")
@allow(GUESTS)
@write_limit("GUEST_ENGAGEMENT_LIMIT")
def log_engagement(partnership_id: int):
    partnership = get_partnership_or_404(partnership_id)
    form = GuestEngagementForm()
    return add_child(
        form, lambda form: log_guest_engagement(partnership, form, current_user),
        done=url_for(".partnership", partnership_id=partnership.id, _anchor="timeline"),
        saved=lambda _engagement: _("“%(title)s” was added. The city's staff will see it on the timeline.",
                                    title=form.title.data),
        not_saved=_("The engagement was not saved. Please correct the marked fields."),
        page=lambda form: _overview(partnership.id, engagement_form=form))


@bp.post("/partnerships/<int:partnership_id>/documents")
@allow(GUESTS)
@write_limit("GUEST_UPLOAD_LIMIT")
def upload(partnership_id: int):
    partnership = get_partnership_or_404(partnership_id)
    return handle_upload(partnership, url_for(".partnership", partnership_id=partnership.id, _anchor="documents"))


@bp.get("/missions/<int:mission_id>")
@allow(GUESTS)
def mission(mission_id: int, comment_form=None):
    mission = get_mission_or_404(mission_id)  # the guest scope hides staff-only missions
    by_item = comments_by_item(mission)
    zone = current_user.timezone or mission.partnership.partner_city.timezone
    return render_template("portal/mission.html", mission=mission, partnership=mission.partnership,
                           days=itinerary_days(mission.itinerary, zone), reader_zone=zone, comments=by_item,
                           comment_form=comment_form or CommentForm(formdata=None), today=office_today())


@bp.post("/itinerary/<int:item_id>/comments")
@allow(GUESTS)
@write_limit("GUEST_COMMENT_LIMIT")
def comment(item_id: int):
    item, mission = itinerary_item_or_404(item_id)
    form = CommentForm()
    if mission.ends_on < office_today():
        flash(_("This mission is over; its itinerary is closed for comments."), "error")
    elif form.validate_on_submit():
        db.session.add(ItineraryComment(item_id=item.id, partnership_id=mission.partnership_id, author=current_user,
                                        body=form.body.data))
        db.session.commit()
        flash(_("Your comment was added."), "success")
    else:
        flash(_("Write a comment first."), "error")
    return redirect(url_for(".mission", mission_id=mission.id, _anchor=f"item-{item.id}"))


def _versions(contacts: list[Contact]) -> str:
    return " ".join(f"{contact.id}:{contact.version}" for contact in contacts)


PROFILE_CONTACT_FIELDS = ["name", "job_title", "phone", "language"]


def _profile_conflict(form: ProfileForm, contacts: list[Contact]) -> Conflict | None:
    """Staff changed one of the guest's contact records since the form was opened: what it reads now."""
    opened = (form.version.data or "").split()
    changed = [contact for contact in contacts if f"{contact.id}:{contact.version}" not in opened]
    form.version.data = _versions(contacts)  # saving again is a deliberate choice
    if not changed:
        return None
    theirs = []
    for name in PROFILE_CONTACT_FIELDS:
        current = getattr(changed[0], name) or ""
        if current != (form[name].data or ""):
            shown = language_label(current) if name == "language" and current else current
            theirs.append((str(form[name].label.text), shown))
    return Conflict(theirs)


def _save_profile(form: ProfileForm, contacts: list[Contact]) -> Conflict | None:
    if (conflict := _profile_conflict(form, contacts)) is not None:
        return conflict
    current_user.name = form.name.data
    current_user.language = form.language.data
    current_user.timezone = form.timezone.data
    for contact in contacts:
        contact.name, contact.job_title, contact.phone = form.name.data, form.job_title.data, form.phone.data
        contact.language = form.language.data
    try:
        db.session.commit()  # each contact: UPDATE ... WHERE version = the one the form was opened with
    except StaleDataError:  # a staff save won the race between our check and our commit
        db.session.rollback()
        for contact in contacts:
            db.session.refresh(contact)
        return _profile_conflict(form, contacts) or Conflict([])
    return None


@bp.route("/profile", methods=["GET", "POST"])
@allow(GUESTS)
def profile():
    contacts = my_contacts(current_user.id)
    form = ProfileForm(obj=contacts[0] if contacts else None)
    if request.method == "GET":
        form.name.data = current_user.name
        form.language.data = current_user.language
        form.timezone.data = current_user.timezone
        form.version.data = _versions(contacts)
    conflict = None
    if form.validate_on_submit():
        conflict = _save_profile(form, contacts)
        if conflict is None:
            flash(_("Your details were saved."), "success")
            return redirect(url_for(".profile"))
    return render_template("portal/profile.html", form=form, password_form=ChangePasswordForm(formdata=None),
                           conflict=conflict), 409 if conflict else 200


@bp.post("/password")
@allow(GUESTS)
def change_password():
    form = ChangePasswordForm()
    form.email_for_policy = current_user.email
    if form.validate_on_submit() and current_user.check_password(form.current.data):
        current_user.set_password(form.password.data)
        sessions.end_all(current_user.id, keep=sessions.current_id(current_user))  # this device stays signed in
        db.session.commit()
        flash(_("Your password was changed."), "success")
        return redirect(url_for(".profile"))
    if form.current.data and not form.current.errors and not form.errors:
        form.current.errors.append(_("The current password is not right."))
    contacts = my_contacts(current_user.id)
    profile_form = ProfileForm(formdata=None, obj=contacts[0] if contacts else None)
    profile_form.version.data = _versions(contacts)
    profile_form.name.data = current_user.name
    profile_form.language.data, profile_form.timezone.data = current_user.language, current_user.timezone
    return render_template("portal/profile.html", form=profile_form, password_form=form), 422

"""The pages of trade missions: the skeleton's, and those of their itinerary, delegation and outcomes."""
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user

from crm.access import EDITORS, allow
from crm.confirm import confirm_then
from crm.extensions import db
from crm.programs.missions import operations
from crm.programs.missions.forms import OutcomeForm
from crm.programs.missions.models import Delegate, ItineraryItem, MissionOutcome, TradeMission
from crm.programs.missions.page import make_delegate_form, make_itinerary_form
from crm.programs.missions.queries import get_child_or_404, get_comment_or_404, get_mission_or_404
from crm.programs.missions.replies import ReplyForm, add_reply
from crm.programs.registry import MISSIONS
from crm.programs.skeleton import detail_page, program_blueprint
from crm.records import add_child, edit_record

bp = program_blueprint(MISSIONS)


def _section(mission: TradeMission, anchor: str) -> str:
    return url_for(".detail", mission_id=mission.id, _anchor=anchor)


@bp.post("/missions/<int:mission_id>/itinerary")
@allow(EDITORS)
def add_itinerary_item(mission_id: int):
    mission = get_mission_or_404(mission_id)
    return add_child(
        make_itinerary_form(mission), lambda form: operations.apply_itinerary_form(
            ItineraryItem(mission_id=mission.id), form),
        done=_section(mission, "itinerary"), saved=lambda item: _("“%(title)s” was added to the itinerary.",
                                                                  title=item.title),
        not_saved=_("The itinerary item was not saved. Please correct the marked fields."),
        page=lambda form: detail_page(MISSIONS, mission, itinerary_form=form))


@bp.route("/itinerary/<int:item_id>/edit", methods=["GET", "POST"])
@allow(EDITORS)
def edit_itinerary_item(item_id: int):
    item = get_child_or_404(ItineraryItem, item_id)
    mission = get_mission_or_404(item.mission_id)
    return edit_record(item, make_itinerary_form(mission, item), operations.apply_itinerary_form,
                       compare=["title", "timezone", "location", "interpreter_language", "notes"],
                       template="missions/itinerary_form.html",
                       done=_section(mission, "itinerary"), mission=mission, item=item)


def _confirm_child_delete(child, mission: TradeMission, anchor: str, title: str):
    back = _section(mission, anchor)
    return confirm_then(lambda: db.session.delete(child), title=title, cancel_url=back, done_url=back,
                        done_message=_("Deleted."))


@bp.route("/itinerary/<int:item_id>/delete", methods=["GET", "POST"])
@allow(EDITORS)
def delete_itinerary_item(item_id: int):
    item = get_child_or_404(ItineraryItem, item_id)
    return _confirm_child_delete(item, item.mission, "itinerary",
                                 _("Remove “%(title)s” from the itinerary?", title=item.title))


@bp.post("/itinerary/comments/<int:comment_id>/replies")
@allow(EDITORS)
def reply_to_comment(comment_id: int):
    comment, mission = get_comment_or_404(comment_id)
    return add_child(
        ReplyForm(), lambda form: add_reply(comment, form, current_user),
        done=url_for(".detail", mission_id=mission.id, _anchor=f"comment-{comment.id}"),
        saved=_("Your reply was added. The partner sees it in their portal."),
        not_saved=_("The reply was not sent. Write a reply first."),
        page=lambda form: detail_page(MISSIONS, mission, reply_form=form, replying_to=comment.id))


@bp.post("/missions/<int:mission_id>/delegates")
@allow(EDITORS)
def add_delegate(mission_id: int):
    mission = get_mission_or_404(mission_id)
    return add_child(make_delegate_form(mission), lambda form: operations.add_delegate(mission, form),
                     done=_section(mission, "delegation"), saved=_("The delegation was updated."),
                     not_saved=_("The delegate was not added. Please correct the marked fields."),
                     page=lambda form: detail_page(MISSIONS, mission, delegate_form=form))


@bp.route("/delegates/<int:delegate_id>/delete", methods=["GET", "POST"])
@allow(EDITORS)
def delete_delegate(delegate_id: int):
    delegate = get_child_or_404(Delegate, delegate_id)
    name = delegate.contact.name if delegate.contact else delegate.organization.name
    return _confirm_child_delete(delegate, delegate.mission, "delegation",
                                 _("Remove %(name)s from the delegation?", name=name))


@bp.post("/missions/<int:mission_id>/outcomes")
@allow(EDITORS)
def add_outcome(mission_id: int):
    mission = get_mission_or_404(mission_id)
    return add_child(OutcomeForm(), lambda form: operations.add_outcome(mission, form),
                     done=_section(mission, "outcomes"), saved=_("The outcome was recorded."),
                     not_saved=_("The outcome was not saved. Please correct the marked fields."),
                     page=lambda form: detail_page(MISSIONS, mission, outcome_form=form))


@bp.route("/outcomes/<int:outcome_id>/delete", methods=["GET", "POST"])
@allow(EDITORS)
def delete_outcome(outcome_id: int):
    outcome = get_child_or_404(MissionOutcome, outcome_id)
    return _confirm_child_delete(outcome, outcome.mission, "outcomes",
                                 _("Delete the outcome “%(title)s”?", title=outcome.description))

"""What a guest may see, applied to every ORM query of a guest's request.

Views already load through visible_partnerships() and filter shared records;
this is the second wall: during a guest's request, every SELECT through the
ORM gets loader criteria limiting partnership data to the guest's own
partnerships and to what is shared with the partner, so a query that forgets
the scope still cannot leak.
"""
from flask import g, has_request_context
from sqlalchemy import and_, event, false, or_, select
from sqlalchemy.orm import Session, with_loader_criteria

from crm.access import GUEST_SCOPE, SKIP_GUEST_SCOPE
from crm.agreements.models import (
    Agreement,
    AgreementApproval,
    AgreementStatus,
    AgreementText,
    Signatory,
    TextProposal,
)
from crm.attachments.models import Attachment
from crm.contacts.models import Contact, Organization, PersonLink
from crm.engagements.models import Engagement, Visibility
from crm.extensions import db
from crm.governance.models import (
    Commitment,
    ObjectiveLink,
    PartnershipReview,
    PlanObjective,
    RelationshipPlan,
    ReminderLeadTime,
    ReminderSent,
    ReportNarrative,
)
from crm.guests.models import GuestAccess, Invitation
from crm.partnerships.models import Partnership
from crm.programs.missions.models import Delegate, ItineraryComment, ItineraryItem, MissionOutcome, TradeMission
from crm.programs.projects.models import JointProject, Milestone
from crm.protocol.models import CostLine, Gift, Helper, Placement, RosterEntry, TripApproval
from crm.settings.models import RetentionRule

SKIP = SKIP_GUEST_SCOPE


def guest_partnership_ids(user_id: int) -> list[int]:
    """The partnerships a guest may see: active access to a partnership that is not archived."""
    return list(db.session.scalars(
        select(GuestAccess.partnership_id).join(Partnership, Partnership.id == GuestAccess.partnership_id)
        .where(GuestAccess.user_id == user_id, GuestAccess.active, Partnership.archived_at.is_(None))
        .execution_options(**{SKIP: True})
    ))


def init_app(app) -> None:
    """Register the guest-scope hook that crm.access calls for every request of a guest."""
    app.extensions[GUEST_SCOPE] = start_guest_request


def start_guest_request(user_id: int) -> list[int]:
    g.guest_scope = guest_partnership_ids(user_id)
    g.guest_user_id = user_id
    return g.guest_scope


def _criteria(ids: list[int], user_id: int):
    # correlate(None): these stand alone even inside a query over the same tables
    shared_engagements = select(Engagement.id).where(Engagement.partnership_id.in_(ids),
                                                     Engagement.visibility == Visibility.SHARED).correlate(None)
    shown_agreements = select(Agreement.id).where(Agreement.partnership_id.in_(ids),
                                                  Agreement.status != AgreementStatus.DRAFT).correlate(None)
    shared_missions = select(TradeMission.id).where(TradeMission.partnership_id.in_(ids),
                                                    TradeMission.visibility == Visibility.SHARED).correlate(None)
    shared_projects = select(JointProject.id).where(JointProject.partnership_id.in_(ids),
                                                    JointProject.visibility == Visibility.SHARED).correlate(None)
    # a person is the partner's to see through a shared link to one of its partnerships (issue 22: one person
    # may be linked to several partnerships; each link says whether that partner sees them)
    shared_contacts = select(PersonLink.contact_id).where(PersonLink.partnership_id.in_(ids),
                                                          PersonLink.visibility == Visibility.SHARED).correlate(None)
    shared_placements = select(Placement.helper_id).where(Placement.engagement_id.in_(shared_engagements),
                                                          Placement.visibility == Visibility.SHARED).correlate(None)
    rules = {
        Partnership: Partnership.id.in_(ids),
        Engagement: and_(Engagement.partnership_id.in_(ids), Engagement.visibility == Visibility.SHARED),
        Contact: Contact.id.in_(shared_contacts),
        PersonLink: and_(PersonLink.partnership_id.in_(ids), PersonLink.visibility == Visibility.SHARED),
        Organization: Organization.partnership_id.in_(ids),
        Agreement: Agreement.id.in_(shown_agreements),
        AgreementText: AgreementText.agreement_id.in_(shown_agreements),
        Signatory: Signatory.agreement_id.in_(shown_agreements),
        Attachment: and_(Attachment.partnership_id.in_(ids), Attachment.visibility == Visibility.SHARED,
                         or_(Attachment.engagement_id.is_(None), Attachment.engagement_id.in_(shared_engagements)),
                         or_(Attachment.agreement_id.is_(None), Attachment.agreement_id.in_(shown_agreements)),
                         Attachment.cost_line_id.is_(None)),  # receipts of costs: the office's own, like costs
        # an appointment with a staff-only person, or a staff-only person's place in the delegation, is
        # staff-only as a whole: not its name alone, but its row, its role and its place in every count
        ItineraryItem: and_(ItineraryItem.mission_id.in_(shared_missions),
                            or_(ItineraryItem.contact_id.is_(None), ItineraryItem.contact_id.in_(shared_contacts))),
        Delegate: and_(Delegate.mission_id.in_(shared_missions),
                       or_(Delegate.contact_id.is_(None), Delegate.contact_id.in_(shared_contacts))),
        MissionOutcome: MissionOutcome.mission_id.in_(shared_missions),
        Milestone: Milestone.project_id.in_(shared_projects),
        ItineraryComment: ItineraryComment.partnership_id.in_(ids),
        GuestAccess: GuestAccess.user_id == user_id,
        Invitation: false(),
        # Negotiation: the partner sees the approvals and proposals of the agreements it sees.
        AgreementApproval: AgreementApproval.agreement_id.in_(shown_agreements),
        TextProposal: TextProposal.agreement_text_id.in_(
            select(AgreementText.id).where(AgreementText.agreement_id.in_(shown_agreements)).correlate(None)),
        # Commitments made to or by the partner, when shared; plans, reviews, reminders and report narratives
        # are the office's own records.
        Commitment: and_(Commitment.partnership_id.in_(ids), Commitment.visibility == Visibility.SHARED),
        RelationshipPlan: false(),
        PlanObjective: false(),
        ObjectiveLink: false(),
        PartnershipReview: false(),
        ReminderLeadTime: false(),
        ReminderSent: false(),
        ReportNarrative: false(),
        # People and protocol (issue 22): the partner sees the rosters of the engagements it sees (its own half
        # and ours), and the placements shared with it with their hosts; costs, approvals, gifts, the registry
        # of hosts and the retention rules are the office's own records.
        RosterEntry: RosterEntry.engagement_id.in_(shared_engagements),
        Placement: and_(Placement.engagement_id.in_(shared_engagements), Placement.visibility == Visibility.SHARED),
        Helper: Helper.id.in_(shared_placements),
        CostLine: false(),
        TripApproval: false(),
        Gift: false(),
        RetentionRule: false(),
    }
    return [with_loader_criteria(model, rule, include_aliases=True) for model, rule in rules.items()]


@event.listens_for(Session, "do_orm_execute")
def _apply_guest_scope(state):
    if not state.is_select or state.execution_options.get(SKIP) or not has_request_context():
        return
    ids = g.get("guest_scope")
    if ids is None:  # not a guest's request
        return
    kept = g.get("guest_criteria")  # built once a request: a page runs a dozen statements
    if kept is None or kept[0] != ids:
        kept = g.guest_criteria = (list(ids), _criteria(ids, g.guest_user_id))
    state.statement = state.statement.options(*kept[1])

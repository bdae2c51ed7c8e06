"""Records every create, change and delete of the audited records in the same transaction.

Rows are written straight to the connection in after_flush, so the trail
cannot drift from the data: a rolled-back change leaves no trace either way.
"""
import enum
from datetime import date, datetime
from decimal import Decimal

from flask import has_request_context
from flask_login import current_user
from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session

from crm.audit.models import AuditEvent
from crm.database import utcnow

IGNORED = {"created_at", "updated_at", "last_sign_in_at", "last_used_at", "activity_stamp", "totp_last_step",
           "partner_news_seen_at"}
SECRET = {"password_hash", "session_token", "token_hash", "calendar_token_hash", "totp_secret",
          # issue 22 §7: sensitive values; the trail records that they changed, never what they were
          "passport_number", "date_of_birth", "dietary_needs", "medical_notes", "vetting_result",
          "totp_recovery_hashes"}


def audited_classes():
    from crm.agreements.models import Agreement, AgreementApproval, AgreementText, Signatory, TextProposal
    from crm.api.models import ApiToken
    from crm.attachments.models import Attachment
    from crm.auth.models import User
    from crm.contacts.models import Contact, Organization, PersonLink
    from crm.engagements.models import Engagement
    from crm.governance.models import (
        Commitment,
        PartnershipReview,
        PlanObjective,
        RelationshipPlan,
        ReminderLeadTime,
        ReportNarrative,
    )
    from crm.guests.models import GuestAccess, Invitation
    from crm.partnerships.models import Partnership
    from crm.programs.missions.models import Delegate, ItineraryItem, MissionOutcome
    from crm.programs.projects.models import Milestone
    from crm.protocol.models import CostLine, Gift, Helper, Placement, RosterEntry, TripApproval
    from crm.settings.models import HomeCity, OfficeSettings, RetentionRule
    from crm.users.models import StaffInvitation

    return (Partnership, Engagement, Agreement, AgreementText, Signatory, ItineraryItem, Delegate, MissionOutcome,
            Milestone, Contact, Organization, Attachment, User, OfficeSettings, HomeCity, GuestAccess, Invitation,
            ApiToken, StaffInvitation, AgreementApproval, TextProposal, RelationshipPlan, PlanObjective,
            PartnershipReview, Commitment, ReminderLeadTime, ReportNarrative, PersonLink, RosterEntry, CostLine,
            TripApproval, Gift, Helper, Placement, RetentionRule)


def _plain(value):
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return str(value)[:500]


def _changes(obj, action: str) -> dict:
    state = inspect(obj)
    changes = {}
    for attr in state.mapper.column_attrs:
        key = attr.key
        if key in IGNORED:
            continue
        history = state.attrs[key].history
        if action == "create":
            new = getattr(obj, key, None)
            if new is not None:
                changes[key] = [None, "•••" if key in SECRET else _plain(new)]
        elif action == "delete":
            old = history.unchanged[0] if history.unchanged else (history.deleted[0] if history.deleted else None)
            if old is not None:
                changes[key] = ["•••" if key in SECRET else _plain(old), None]
        elif history.has_changes():
            old = history.deleted[0] if history.deleted else None
            new = history.added[0] if history.added else None
            if _plain(old) != _plain(new):
                changes[key] = ["•••", "•••"] if key in SECRET else [_plain(old), _plain(new)]
    return changes


def _partnership_of(obj):
    from crm.partnerships.models import Partnership

    if isinstance(obj, Partnership):
        return obj.id
    return getattr(obj, "partnership_id", None)


def _actor_id():
    if has_request_context() and current_user and current_user.is_authenticated:
        return current_user.id
    return None


@event.listens_for(Session, "after_flush")
def record(session, flush_context):
    classes = audited_classes()
    rows = []
    for action, objects in (("create", session.new), ("update", session.dirty), ("delete", session.deleted)):
        for obj in objects:
            if not isinstance(obj, classes):
                continue
            changes = _changes(obj, action)
            if action == "update" and not changes:
                continue
            row_action = action
            if action == "update" and "deleted_at" in changes:  # a restorable delete, or its undoing
                row_action = "delete" if changes["deleted_at"][1] is not None else "restore"
            identity = inspect(obj).identity
            rows.append({
                "occurred_at": utcnow(), "user_id": _actor_id(), "action": row_action,
                "record_type": obj.__table__.name if not hasattr(obj, "record_type") else obj.record_type,
                # a table keyed by something else than an id (reminder_lead_times: kind and days) has none
                "record_id": identity[0] if identity and isinstance(identity[0], int) else getattr(obj, "id", None),
                "partnership_id": _partnership_of(obj), "changes": changes,
            })
    if rows:
        session.connection().execute(insert(AuditEvent.__table__), rows)

"""What the columns of the audited records are called, in the reader's language.

One mapping, record type + column → lazy label. The labels are the forms' own (the same msgids, so
their translations apply); the few columns no form shows have labels of their own here. What a column
holds (an enumeration, a reference to another record, a date) is read from the models themselves.
"""
from flask_babel import lazy_gettext as _l

# Lazy, under the name message extraction knows (babel's default keywords take pgettext(context, message)).
from flask_babel import lazy_pgettext as pgettext

#: a column's label inside a sentence must read as a noun: "Visible to" does not
_VISIBILITY = pgettext("audit column", "Visibility")
#: columns every engagement (and every program, a joined subtype of it) has
_ENGAGEMENT = {
    "partnership_id": _l("Partnership"), "kind": _l("Kind"), "occurred_on": _l("Date"), "title": _l("Title"),
    "notes": _l("Notes"), "substantive": _l("Substance"), "visibility": _VISIBILITY, "pillar": _l("Pillar"),
    "initiated_by": pgettext("audit column", "Side that started it"),
    "logged_by_id": pgettext("audit column", "Person who logged it"),
    "logged_by_side": pgettext("audit column", "Side of who logged it"),
    "cost_minor": _l("Cost to our side"), "cost_currency": _l("Currency of the cost"), "funded_by": _l("Funded by"),
}
_PROGRAM = {**_ENGAGEMENT, "occurred_on": _l("Starts on"), "ends_on": _l("Ends on"), "direction": _l("Direction")}
_INVITATION = {
    "email": _l("E-mail"), "token_hash": pgettext("audit column", "Link"),
    "expires_at": pgettext("audit column", "Expires"), "invited_by_id": pgettext("audit column", "Invited by"),
    "accepted_at": _l("Accepted"), "revoked_at": _l("Revoked"), "user_id": pgettext("audit column", "Account"),
}
_THRESHOLD = _l("Inactivity threshold (months)")

FIELD_LABELS = {
    "partnerships": {
        "home_city_id": _l("Home city"), "partner_city_id": _l("Partner city"), "kind": _l("Kind"),
        "status": _l("Status"), "established_on": _l("Established on"), "liaison_id": _l("Staff liaison"),
        "threshold_months": _THRESHOLD, "summary": _l("Summary (shared with the partner)"),
        "staff_notes": _l("Staff notes (never shown to the partner)"), "archived_at": _l("Archived"),
        "review_every_years": _l("Review every N years (blank: office default)"),
        "ended_reason": pgettext("audit column", "Why it ended"),
    },
    "partnership_reviews": {
        "partnership_id": _l("Partnership"), "reason": _l("Reason for the review"), "due_on": _l("Due on"),
        "opened_by_id": pgettext("audit column", "Opened by"), "evidence": pgettext("audit column", "Evidence"),
        "assessment": _l("Assessment"), "recommendation": _l("Recommendation"), "decision": _l("Decision"),
        "decided_by_body": _l("Deciding body"), "decided_on": _l("Decided on"),
        "resolution_ref": _l("Resolution reference"), "decision_notes": _l("Notes on the decision"),
        "recorded_by_id": pgettext("audit column", "Recorded by"),
    },
    "report_narratives": {"partnership_id": _l("Partnership"), "year": _l("Year"), "body": _l("Narrative"),
                          "updated_by_id": pgettext("audit column", "Written by")},
    "engagement": _ENGAGEMENT,
    "trade_mission": {**_PROGRAM, "destination_city_id": _l("Destination"), "lead_id": _l("Mission lead"),
                      "objectives": _l("Objectives"), "sectors": _l("Sectors")},
    "exchange": {**_PROGRAM, "exchange_kind": _l("Kind of exchange"), "participants": _l("Participants"),
                 "host_organization_id": _l("Hosting institution")},
    "joint_project": {**_PROGRAM, "theme": _l("Theme"), "status": _l("Status"), "budget_minor": _l("Budget"),
                      "budget_currency": _l("Currency"), "notes": _l("Description")},
    "agreements": {
        "partnership_id": _l("Partnership"), "kind": _l("Kind"), "status": _l("Status"), "title": _l("Title"),
        "signed_on": _l("Signed on"), "signed_at": _l("Place of signing"), "effective_from": _l("Effective from"),
        "expires_on": _l("Expires on"), "notes": _l("Staff notes"),
        "renews_id": pgettext("audit column", "Agreement it renews"),
        "signing_engagement_id": pgettext("audit column", "Timeline entry"),
        "ready_to_sign_at": _l("Ready to sign"), "ready_marked_by_id": pgettext("audit column", "Marked ready by"),
    },
    "agreement_approvals": {"agreement_id": pgettext("audit column", "Agreement"), "side": _l("Side"),
                            "user_id": pgettext("audit column", "Approved by"),
                            "approved_at": pgettext("audit column", "Approved"),
                            "fingerprint": pgettext("audit column", "Version of the texts"),
                            "withdrawn_at": pgettext("audit column", "Withdrawn"),
                            "withdrawn_reason": pgettext("audit column", "Why it was withdrawn")},
    "agreement_text_proposals": {"agreement_text_id": pgettext("audit column", "Agreement text"), "side": _l("Side"),
                                 "proposed_by_id": pgettext("audit column", "Proposed by"),
                                 "proposed_at": pgettext("audit column", "Proposed"),
                                 "based_on_version": pgettext("audit column", "Version of the text it changes"),
                                 "title": _l("Title in this language"), "body": _l("Text"),
                                 "comment": _l("Why this change (optional)"), "status": _l("Status"),
                                 "decided_by_id": pgettext("audit column", "Decided by"),
                                 "decided_at": pgettext("audit column", "Decided")},
    "agreement_texts": {"agreement_id": pgettext("audit column", "Agreement"), "language": _l("Language"),
                        "position": pgettext("order of printing", "Position"),
                        "title": _l("Title in this language"), "body": _l("Text")},
    "signatories": {"agreement_id": pgettext("audit column", "Agreement"), "side": _l("Side"),
                    "position": pgettext("order of printing", "Position"), "name": _l("Name"),
                    "title": _l("Title or office"), "city": _l("City")},
    "itinerary_items": {"mission_id": _l("Trade mission"), "starts_at": pgettext("audit column", "Start"),
                        "ends_at": pgettext("audit column", "End"),
                        "timezone": _l("Time zone of the place"), "title": _l("Title"),
                        "location": pgettext("audit column", "Place"),
                        "contact_id": pgettext("audit column", "Person met"), "notes": _l("Notes")},
    "mission_delegates": {"mission_id": _l("Trade mission"), "contact_id": _l("Person"),
                          "organization_id": _l("Organization"), "role": _l("Role in the delegation")},
    "mission_outcomes": {"mission_id": _l("Trade mission"), "kind": _l("Outcome"), "description": _l("Description"),
                         "amount_minor": _l("Amount"), "currency": _l("Currency")},
    "relationship_plans": {"partnership_id": _l("Partnership"), "title": _l("Title"), "starts_on": _l("Starts on"),
                           "ends_on": _l("Ends on"), "summary": _l("What the partnership is for"),
                           "review_id": pgettext("audit column", "Review")},
    "plan_objectives": {"plan_id": _l("Relationship plan"), "pillar": _l("Pillar"), "description": _l("Objective"),
                        "target_count": _l("Target"), "per_years": _l("Every"), "owner_id": _l("Owner"),
                        "position": _l("Position")},
    "objective_links": {"objective_id": _l("Objective"), "engagement_id": _l("Engagement or program"),
                        "outcome_id": _l("Mission outcome")},
    "milestones": {"project_id": _l("Joint project"), "title": _l("Milestone"), "due_on": _l("Due on"),
                   "done_on": _l("Reached on"), "engagement_id": pgettext("audit column", "Timeline entry")},
    "contacts": {"partnership_id": _l("Partnership"), "side": _l("Side"), "name": _l("Name"),
                 "job_title": _l("Title or role"), "email": _l("E-mail"), "phone": _l("Phone"),
                 "language": _l("Language"), "organization_id": _l("Organization"), "visibility": _VISIBILITY,
                 "notes": _l("Staff notes"), "passport_number": _l("Passport number"),
                 "date_of_birth": _l("Date of birth"), "dietary_needs": _l("Dietary needs"),
                 "medical_notes": _l("Medical and access notes")},
    "organizations": {"partnership_id": _l("Partnership"), "side": _l("Side"), "name": _l("Name"), "kind": _l("Kind"),
                      "website": _l("Website"), "notes": _l("Staff notes")},
    "attachments": {"partnership_id": _l("Partnership"), "filename": _l("File"), "visibility": _VISIBILITY,
                    "engagement_id": pgettext("audit column", "Engagement"),
                    "agreement_id": pgettext("audit column", "Agreement"),
                    "content_type": pgettext("audit column", "File type"),
                    "size": pgettext("file size", "Size"),
                    "uploaded_by_id": pgettext("audit column", "Uploaded by")},
    "users": {"email": _l("E-mail"), "name": _l("Name"), "password_hash": _l("Password"), "role": _l("Role"),
              "language": _l("Language"), "timezone": _l("Time zone"),
              "active": pgettext("account", "Active"),
              "calendar_token_hash": pgettext("audit column", "Calendar link"),
              "totp_secret": pgettext("audit column", "Two-step sign-in"),
              "totp_enabled_at": pgettext("audit column", "Two-step sign-in"),
              "totp_recovery_hashes": pgettext("audit column", "Recovery codes"),
              "protocol_access": pgettext("audit column", "Protocol and safeguarding permission")},
    "retention_rules": {"field": pgettext("audit column", "Sensitive field"),
                        "days": _l("Days kept after the visit")},
    "office_settings": {"office_name": _l("Office name"), "default_home_city_id": _l("Default home city"),
                        "threshold_months": _l("Default inactivity threshold (months)"),
                        "review_every_years": _l("Review every (years)"),
                        "review_before_expiry_months": _l("Review before an agreement expires (months)"),
                        "anniversary_lead_months": _l("List anniversaries ahead (months)"),
                        "require_two_factor": pgettext("audit column", "Two-step sign-in required")},
    "home_cities": {"city_id": _l("City"), "threshold_months": _THRESHOLD},
    "guest_access": {"user_id": pgettext("audit column", "Account"), "partnership_id": _l("Partnership"),
                     "contact_id": _l("Contact"), "active": pgettext("account", "Active")},
    "invitations": {**_INVITATION, "partnership_id": _l("Partnership"), "contact_id": _l("Contact"),
                    "sent_at": _l("Sent")},
    "api_tokens": {"user_id": pgettext("audit column", "Account"), "name": _l("Name"),
                   "token_hash": pgettext("audit column", "Secret"), "revoked_at": _l("Revoked")},
    "staff_invitations": {**_INVITATION, "role": _l("Role")},
    "commitments": {"partnership_id": _l("Partnership"), "engagement_id": _l("Made at"), "side": _l("Who promised"),
                    "description": _l("What was promised"), "owner_id": _l("Owner"),
                    "owner_name": _l("Owner on the partner side"), "due_on": _l("Due on"), "status": _l("Status"),
                    "done_on": pgettext("audit column", "Done on"), "done_by_id": pgettext("audit column", "Done by"),
                    "visibility": _VISIBILITY, "created_by_id": pgettext("audit column", "Recorded by")},
    "reminder_lead_times": {"kind": _l("Reminder"), "days": _l("Days before")},
}

#: columns the sentences leave out (bookkeeping); the raw details still show them
UNSPOKEN = {"version", "record_type", "deleted_at", "stored_name", "sha256", "prefix", "id"}


def field_label(record_type: str, column: str):
    """The column's label in the reader's language; a column no mapping names reads as its own name."""
    return FIELD_LABELS.get(record_type, {}).get(column) or column.replace("_", " ")

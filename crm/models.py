"""Imports every model so the metadata (and Alembic) sees the whole schema."""
from crm.agreements.models import Agreement, AgreementApproval, AgreementText, Signatory, TextProposal  # noqa: F401
from crm.api.models import ApiToken  # noqa: F401
from crm.attachments.models import Attachment  # noqa: F401
from crm.audit.models import AuditEvent  # noqa: F401
from crm.auth.models import PasswordReset, User, UserSession  # noqa: F401
from crm.cities.models import City  # noqa: F401
from crm.contacts import links  # noqa: F401  (a contact's own partnership link follows it)
from crm.contacts.models import Contact, Organization, PersonLink  # noqa: F401
from crm.engagements.models import Engagement  # noqa: F401
from crm.governance.models import (  # noqa: F401
    Commitment,
    ObjectiveLink,
    PartnershipReview,
    PlanObjective,
    RelationshipPlan,
    ReminderLeadTime,
    ReminderSent,
    ReportNarrative,
)
from crm.guests.models import GuestAccess, Invitation  # noqa: F401
from crm.imports.models import ImportJob  # noqa: F401
from crm.jobs.models import Job  # noqa: F401
from crm.partnerships.models import Partnership, PartnershipPriority  # noqa: F401
from crm.programs.exchanges.models import Exchange  # noqa: F401
from crm.programs.missions.models import Delegate, ItineraryComment, ItineraryItem, MissionOutcome, TradeMission  # noqa: F401
from crm.programs.projects.models import JointProject, Milestone  # noqa: F401
from crm.protocol.models import CostLine, Gift, Helper, Placement, RosterEntry, TripApproval  # noqa: F401
from crm.settings.models import (  # noqa: F401
    HomeCity,
    OfficeSettings,
    RetentionRule,
)
from crm.users.models import StaffInvitation  # noqa: F401
from crm.wikidata.models import WikidataComparison  # noqa: F401

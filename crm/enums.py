"""The closed vocabularies of the records: each enumeration a column holds, its values and their labels.

Every one is a LabelledEnum: a member is declared with its value (what the database stores, forms
submit and the API speaks) and its label (what people read, translated), in one line. The models of
each feature import theirs from here, and keep them importable from the models module as before.
"""
import enum

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as pgettext  # lazy, under the name extraction knows: pgettext(context, message)


class LabelledEnum(enum.StrEnum):
    """A string enumeration whose members each carry a translatable label.

    Declare a member as ``STUDENT = "student", _l("Student")``: the member is the string
    "student" (its value, what the database stores and forms submit; equal to that string,
    ordered and hashed as it) and ``member.label`` is the lazy string for people to read.
    A label that is a word with another meaning elsewhere in the app takes a msgctxt:
    ``ACTIVE = "active", pgettext("project status", "Active")`` (tests/test_msgids.py).
    """

    def __new__(cls, value: str, label):
        member = str.__new__(cls, value)
        member._value_ = value
        member._label = label
        return member

    @property
    def label(self):
        return self._label


# Partnerships
class Side(LabelledEnum):
    """Which side of a partnership a person, organization or action belongs to."""

    HOME = "home", _l("Our side")
    PARTNER = "partner", _l("Partner side")


class PartnershipKind(LabelledEnum):
    SISTER_CITY = "sister_city", _l("Sister city")
    FRIENDSHIP_CITY = "friendship_city", _l("Friendship city")
    COOPERATION = "cooperation", _l("Cooperation agreement (MOU)")


class PartnershipStatus(LabelledEnum):
    PROPOSED = "proposed", _l("Proposed")
    ACTIVE = "active", pgettext("partnership status", "Active")
    SUSPENDED = "suspended", _l("Suspended")
    ENDED = "ended", _l("Ended")


class Priority(LabelledEnum):
    TRADE = "trade", _l("Trade")
    EDUCATION = "education", _l("Education")
    CULTURE = "culture", _l("Culture")
    SUSTAINABILITY = "sustainability", _l("Sustainability")
    TECHNOLOGY = "technology", _l("Technology")
    GOVERNANCE = "governance", _l("Governance")
    TOURISM = "tourism", _l("Tourism")
    HEALTH = "health", pgettext("public health", "Health")


# Engagements (the timeline)
class EngagementKind(LabelledEnum):
    MEETING = "meeting", _l("Meeting")
    CALL = "call", _l("Call")
    LETTER = "letter", _l("Letter")
    VISIT = "visit", _l("Visit")
    EVENT = "event", _l("Event")
    CEREMONY = "ceremony", _l("Ceremony")
    OTHER = "other", _l("Other")
    # Kinds that other records put on the timeline:
    TRADE_MISSION = "trade_mission", _l("Trade mission")
    EXCHANGE = "exchange", _l("Exchange")
    JOINT_PROJECT = "joint_project", _l("Joint project")
    AGREEMENT = "agreement", _l("Agreement signed")  #: an agreement was signed
    MILESTONE = "milestone", _l("Milestone reached")  #: a joint project's milestone was reached


class Visibility(LabelledEnum):
    SHARED = "shared", _l("Shared with the partner")
    STAFF_ONLY = "staff_only", _l("Staff only")


class Pillar(LabelledEnum):
    """The five kinds of international connection a healthy partnership spreads across."""

    EDUCATION = "education", _l("Universities and education")
    BUSINESS = "business", _l("Business and trade")
    CULTURE = "culture", _l("Recurring events and culture")
    GOVERNMENT = "government", _l("Bilateral organizations and government")
    CONNECTIVITY = "connectivity", _l("Air links and connectivity")


# Contacts and organizations
class OrganizationKind(LabelledEnum):
    UNIVERSITY = "university", _l("University")
    COMPANY = "company", _l("Company")
    CHAMBER = "chamber", _l("Chamber of commerce")
    EVENT_ORGANISER = "event_organiser", _l("Event organiser")
    BILATERAL = "bilateral", _l("Bilateral organization")
    AIRLINE = "airline", _l("Airline")
    GOVERNMENT = "government", _l("Government")
    OTHER = "other", _l("Other")


# Agreements
class AgreementKind(LabelledEnum):
    SISTER_CITY = "sister_city", _l("Sister-city agreement")
    MOU = "mou", _l("Memorandum of understanding")
    RENEWAL = "renewal", _l("Renewal")
    ADDENDUM = "addendum", _l("Addendum")


class AgreementStatus(LabelledEnum):
    DRAFT = "draft", _l("Draft")
    IN_NEGOTIATION = "in_negotiation", _l("In negotiation")
    SIGNED = "signed", _l("Signed")
    EXPIRED = "expired", pgettext("agreement status", "Expired")
    TERMINATED = "terminated", _l("Terminated")
    RENEWED = "renewed", _l("Renewed")


# Trade missions
class MissionDirection(LabelledEnum):
    OUTBOUND = "outbound", _l("Outbound (we travel)")
    INBOUND = "inbound", _l("Inbound (they visit us)")


class OutcomeKind(LabelledEnum):
    LEAD = "lead", _l("Lead")
    DEAL = "deal", _l("Deal")
    AGREEMENT = "agreement", _l("Agreement signed")
    INVESTMENT = "investment", _l("Investment announced")


# Exchanges
class ExchangeKind(LabelledEnum):
    STUDENT = "student", _l("Student")
    YOUTH = "youth", _l("Youth")
    ACADEMIC = "academic", _l("Academic")
    CULTURAL = "cultural", _l("Cultural")
    PROFESSIONAL = "professional", _l("Professional")
    SPORTS = "sports", _l("Sports")
    MUNICIPAL_STAFF = "municipal_staff", _l("Municipal staff")


class ExchangeDirection(LabelledEnum):
    OUTGOING = "outgoing", _l("Outgoing")
    INCOMING = "incoming", _l("Incoming")
    BOTH = "both", _l("Both ways")


# Joint projects
class ProjectTheme(LabelledEnum):
    SUSTAINABILITY = "sustainability", _l("Sustainability")
    TECHNOLOGY = "technology", _l("Technology")
    GOVERNANCE = "governance", _l("Governance")
    INFRASTRUCTURE = "infrastructure", _l("Infrastructure")
    HEALTH = "health", pgettext("public health", "Health")
    CULTURE = "culture", _l("Culture")
    ECONOMY = "economy", _l("Economy")


class ProjectStatus(LabelledEnum):
    PLANNED = "planned", pgettext("project status", "Planned")
    ACTIVE = "active", pgettext("project status", "Active")
    COMPLETED = "completed", _l("Completed")
    CANCELLED = "cancelled", _l("Cancelled")


# Guest invitations
class InvitationState(LabelledEnum):
    SENT = "sent", pgettext("invitation state", "Sent")
    ACCEPTED = "accepted", pgettext("invitation state", "Accepted")
    EXPIRED = "expired", pgettext("invitation state", "Expired")
    REVOKED = "revoked", pgettext("invitation state", "Revoked")


# Governance: plans, reviews, commitments, reminders, negotiation
class Recommendation(LabelledEnum):
    """What a review recommends, and what the deciding body decided."""
    CONTINUE = "continue", pgettext("review decision", "Continue")
    REVITALISE = "revitalise", _l("Revitalise with a new plan")
    DOWNGRADE = "downgrade", _l("Downgrade to a friendship")
    SUSPEND = "suspend", pgettext("review decision", "Suspend")
    END = "end", pgettext("review decision", "End")


class ReviewReason(LabelledEnum):
    """Why a review fell due."""
    PERIODIC = "periodic", _l("Periodic review")
    EXPIRY = "expiry", _l("Agreement expiring")
    CEREMONIAL = "ceremonial", _l("Gone ceremonial")
    REQUESTED = "requested", _l("Opened by staff")


class CommitmentStatus(LabelledEnum):
    OPEN = "open", pgettext("commitment status", "Open")
    DONE = "done", pgettext("commitment status", "Done")
    DROPPED = "dropped", _l("Dropped")


class ReminderKind(LabelledEnum):
    """What a reminder is about; admins choose the lead times of each."""
    AGREEMENT_EXPIRY = "agreement_expiry", _l("Agreement expiry")
    ANNIVERSARY = "anniversary", pgettext("reminder kind", "Anniversary")
    REVIEW_DUE = "review_due", _l("Review due")
    COMMITMENT_DUE = "commitment_due", _l("Commitment due")
    MILESTONE = "milestone", _l("Project milestone")


class ProposalStatus(LabelledEnum):
    """A partner's proposed change to an agreement's text."""
    OPEN = "open", pgettext("proposal status", "Open")
    ACCEPTED = "accepted", pgettext("proposal status", "Accepted")
    DECLINED = "declined", _l("Declined")
    WITHDRAWN = "withdrawn", pgettext("proposal status", "Withdrawn")


# People, delegations and protocol (issue 22)
class ParticipantRole(LabelledEnum):
    """A person's part in a visit, exchange, event or mission (a roster entry)."""
    DELEGATE = "delegate", pgettext("participant role", "Delegate")
    STUDENT = "student", pgettext("participant role", "Student")
    CHAPERONE = "chaperone", _l("Chaperone")
    OFFICIAL = "official", pgettext("participant role", "Official")
    INTERPRETER = "interpreter", pgettext("participant role", "Interpreter")
    HOST = "host", pgettext("participant role", "Host")
    JOURNALIST = "journalist", _l("Journalist")
    STAFF = "staff", pgettext("participant role", "Staff")
    OTHER = "other", pgettext("participant role", "Other")


class Sex(LabelledEnum):
    """Collected only where the office chooses to (OfficeSettings.collect_sex_and_minor)."""
    FEMALE = "f", _l("Female")
    MALE = "m", _l("Male")
    OTHER = "x", pgettext("sex", "Other or not stated")


class Payer(LabelledEnum):
    """Who pays a cost, or funds a traveller."""
    CITY = "city", pgettext("payer", "The city")
    TRAVELLER = "traveller", pgettext("payer", "The traveller")
    PARTNER = "partner", pgettext("payer", "The partner city")
    GRANT = "grant", pgettext("payer", "A grant")
    SPONSOR = "sponsor", pgettext("payer", "A sponsor")


class CostStage(LabelledEnum):
    BUDGET = "budget", pgettext("cost stage", "Budget")
    ACTUAL = "actual", pgettext("cost stage", "Actual")


class CostCategory(LabelledEnum):
    TRAVEL = "travel", pgettext("cost category", "Travel")
    LODGING = "lodging", pgettext("cost category", "Lodging")
    MEALS = "meals", pgettext("cost category", "Meals")
    GIFTS = "gifts", pgettext("cost category", "Gifts")
    INTERPRETATION = "interpretation", pgettext("cost category", "Interpretation")
    VENUE = "venue", pgettext("cost category", "Venue and events")
    LOCAL_TRANSPORT = "local_transport", pgettext("cost category", "Local transport")
    OTHER = "other", pgettext("cost category", "Other")


class GiftDirection(LabelledEnum):
    RECEIVED = "received", pgettext("gift", "Received")
    GIVEN = "given", pgettext("gift", "Given")


class GiftDisposition(LabelledEnum):
    """Where a gift is now."""
    DISPLAYED = "displayed", pgettext("gift", "On display")
    ARCHIVED = "archived", pgettext("gift", "Archived")
    DONATED = "donated", pgettext("gift", "Donated")
    PURCHASED = "purchased", pgettext("gift", "Purchased by the official")
    GIVEN_AWAY = "given_away", pgettext("gift", "Given to the partner")


class HelperKind(LabelledEnum):
    """What a registered host household or volunteer offers."""
    HOUSEHOLD = "household", _l("Host household")
    DAY_HOST = "day_host", _l("Day host")
    DRIVER = "driver", pgettext("volunteer", "Driver")
    INTERPRETER = "interpreter", pgettext("volunteer", "Interpreter")
    GUIDE = "guide", pgettext("volunteer", "Guide")

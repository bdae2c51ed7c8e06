import uuid

from sqlalchemy import JSON, BigInteger, CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.activity import StampsActivity
from crm.cities.models import City
from crm.database import Timestamped
from crm.extensions import db
from crm.versioning import Versioned

DEFAULT_THRESHOLD_MONTHS = 12
SETTINGS_ROW = 1  #: the id of the one row of office settings


class HomeCity(StampsActivity, Versioned, Timestamped, db.Model):
    """A city the office (or association) serves; partnerships start from one.

    Versioned: two admins setting a member city's threshold at once must not replace each other's choice."""

    __tablename__ = "home_cities"

    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id"), primary_key=True)
    #: months without substantive engagement before this city's partnerships go ceremonial; None: the office's
    threshold_months: Mapped[int | None]
    city: Mapped[City] = relationship(lazy="joined")

    __table_args__ = (CheckConstraint("threshold_months > 0", name="home_threshold_positive"),)


class OfficeSettings(Versioned, Timestamped, db.Model):
    """One row of office-wide settings.

    Versioned: the version moves on every edit of the settings, not on activity_stamp, which is written
    past the ORM."""

    __tablename__ = "office_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    office_name: Mapped[str] = mapped_column(String(200), default="Office of International Affairs")
    default_home_city_id: Mapped[int | None] = mapped_column(ForeignKey("home_cities.city_id"))
    #: months without substantive engagement before a partnership counts as ceremonial
    threshold_months: Mapped[int] = mapped_column(default=DEFAULT_THRESHOLD_MONTHS)
    #: changes whenever an engagement or a partnership changes, so cached health figures know they are stale
    activity_stamp: Mapped[str] = mapped_column(String(32), default=lambda: uuid.uuid4().hex)
    #: staff must sign in with a one-time code as well as their password
    require_two_factor: Mapped[bool] = mapped_column(default=False)
    #: years between a partnership's periodic reviews (each partnership may override it)
    review_every_years: Mapped[int] = mapped_column(default=3, server_default="3")
    #: a review falls due this many months before an agreement expires
    review_before_expiry_months: Mapped[int] = mapped_column(default=6, server_default="6")
    #: anniversaries are listed on the dashboard and calendar from this many months ahead
    anniversary_lead_months: Mapped[int] = mapped_column(default=12, server_default="12")
    # People, delegations and protocol (issue 22)
    #: whether rosters ask for sex and a minor flag (EU grant counts need them; many offices do not collect them)
    collect_sex_and_minor: Mapped[bool] = mapped_column(default=False, server_default="0")
    #: certified participant lists (and their rosters) are kept this many years after the visit, for audit
    roster_retention_years: Mapped[int] = mapped_column(default=5, server_default="5")
    #: gifts at or above this value must be recorded within gift_deadline_days (0: every gift)
    gift_threshold_minor: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    gift_threshold_currency: Mapped[str] = mapped_column(String(3), default="USD", server_default="USD")
    gift_deadline_days: Mapped[int] = mapped_column(default=10, server_default="10")
    #: days before departure from which a trip without an approval is flagged
    approval_lead_days: Mapped[int] = mapped_column(default=30, server_default="30")
    #: the office's number for emergencies during a visit, printed on the chaperones' emergency sheet
    emergency_phone: Mapped[str | None] = mapped_column(String(50))
    # The public face (issue 23)
    #: which fields of a public partnership the public directory and the open-data feed show (crm.settings.public_fields)
    public_fields: Mapped[list[str] | None] = mapped_column(JSON)
    #: the open data's licence: "cc0" or "cc-by-4.0"
    open_data_licence: Mapped[str] = mapped_column(String(16), default="cc0", server_default="cc0")
    #: origins that may frame the public pages (frame-ancestors), one per line; every other page is never framed
    public_frame_ancestors: Mapped[str | None] = mapped_column(Text)
    __table_args__ = (CheckConstraint("threshold_months > 0", name="threshold_positive"),)

    default_home_city: Mapped[HomeCity | None] = relationship(lazy="joined")


class ActivityChange(db.Model):
    """One move of the activity stamp and what it was about: the chain of stamps lets a process holding health
    figures for an older stamp recompute only the partnerships changed since (crm.health.snapshot).

    Written in the same transaction as the change, after the settings row is locked, so the chain follows
    the order in which the changes were committed. partnership_ids None: anything may have changed (a home
    city's threshold); a stamp moved without a row here (an import) breaks the chain, and readers recompute
    everything. Only the last rows are kept."""

    __tablename__ = "activity_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    stamp: Mapped[str] = mapped_column(String(32), unique=True)
    previous: Mapped[str | None] = mapped_column(String(32))
    partnership_ids: Mapped[list[int] | None] = mapped_column(JSON)


class RetentionRule(db.Model):
    """How long one sensitive field is kept: purged ``days`` after the person's last visit ended (the latest
    leaves_on of their roster entries), or after the record's last change when they were on no roster."""
    __tablename__ = "retention_rules"

    #: "contacts.medical_notes", "contacts.dietary_needs", "contacts.passport_number", "contacts.date_of_birth",
    #: "helpers.vetting_result" (crm.privacy.SENSITIVE_FIELDS)
    field: Mapped[str] = mapped_column(String(64), primary_key=True)
    days: Mapped[int] = mapped_column(Integer)

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.auth.passwords import hash_password, needs_rehash, verify_password
from crm.database import Timestamped, UTCDateTime, enum_type, utcnow
from crm.extensions import db
from crm.roles import Role


class User(UserMixin, Timestamped, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  #: always stored lower-case
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(enum_type(Role))
    language: Mapped[str | None] = mapped_column(String(16))
    timezone: Mapped[str | None] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(default=True)
    #: the "protocol and safeguarding" permission (issue 22 §7): sees passport numbers, dates of birth, medical
    #: and dietary notes and vetting results; given by an administrator, never to a guest
    protocol_access: Mapped[bool] = mapped_column(default=False, server_default=false())
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: SHA-256 of the secret in the user's calendar feed URL; None when there is no feed
    calendar_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    #: base32 TOTP secret; two-factor sign-in is on when totp_enabled_at is set
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: the last accepted TOTP time step: a code from this step or an earlier one is refused
    totp_last_step: Mapped[int | None]
    #: SHA-256 of each unused recovery code, space-separated
    totp_recovery_hashes: Mapped[str | None] = mapped_column(Text)
    #: when the user last marked the dashboard's "New from partners" as seen; None: never
    partner_news_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: how the user hears of what partners did on their partnerships: at_once, daily or never
    partner_news_mail: Mapped[str] = mapped_column(String(16), default="at_once", server_default="at_once")

    def get_id(self) -> str:
        # The signed-in session this user object was loaded for (crm.auth.sessions): its secret, never stored.
        return f"{self.id}:{getattr(self, 'session_secret', '')}"

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_staff(self) -> bool:
        return self.role != Role.GUEST

    @property
    def two_factor_enabled(self) -> bool:
        return self.totp_enabled_at is not None and self.totp_secret is not None

    def set_password(self, password: str) -> None:
        self.password_hash = hash_password(password)

    def check_password(self, password: str) -> bool:
        if not verify_password(self.password_hash, password):
            return False
        if needs_rehash(self.password_hash):
            self.password_hash = hash_password(password)
        return True

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


class PasswordReset(db.Model):
    """A single-use, expiring password-reset link; only the hash of its secret is stored."""

    __tablename__ = "password_resets"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()


class UserSession(db.Model):
    """One signed-in browser: a session cookie names it by a secret of which only the hash is kept."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: written at most once a minute
    last_used_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: the browser and system in short, from the User-Agent ("Firefox · Windows")
    device: Mapped[str] = mapped_column(String(120), default="")
    #: the client's address as the trusted proxies report it
    address: Mapped[str] = mapped_column(String(64), default="")
    #: set when the session was ended (signed out, ended elsewhere, password changed, account deactivated)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

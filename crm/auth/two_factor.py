"""Two-factor sign-in: time-based one-time codes (RFC 6238) and single-use recovery codes.

A code is accepted for the current 30-second step and one step either side
(clocks drift), and only once: the step of the last accepted code is kept on
the user and a code from that step or an earlier one is refused. Recovery
codes are shown once and stored only as SHA-256 hashes.
"""
import hashlib
import secrets
import time

import pyotp
import segno
from markupsafe import Markup
from pyotp import utils
from sqlalchemy import select

from crm.auth.models import User
from crm.database import utcnow
from crm.extensions import db
from crm.roles import Role

ISSUER = "Sister City CRM"
RECOVERY_CODES = 8
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # nothing that reads as another character


def new_secret() -> str:
    return pyotp.random_base32()


def issuer() -> str:
    from crm.settings.service import office_settings

    return (office_settings().office_name or "").strip() or ISSUER


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=issuer())


def qr_svg(uri: str, title: str) -> Markup:
    """The URI as an inline <svg> element: no inline style, so the Content-Security-Policy allows it."""
    return Markup(segno.make(uri, error="m").svg_inline(scale=5, svgclass="qr-code", light="#fff", title=title))


def required_for(user: User) -> bool:
    """Whether this user must sign in with a code: staff only, when the office says so."""
    from crm.settings.service import office_settings

    return user.role != Role.GUEST and office_settings().require_two_factor


def normalise(code: str) -> str:
    return "".join((code or "").split()).replace("-", "").lower()[:64]


def _matching_step(secret: str, code: str, at: float) -> int | None:
    """The time step (current ±1) this code belongs to, or None."""
    if not (len(code) == 6 and code.isdigit()):
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(at)
    for step in (current + 1, current, current - 1):
        if utils.strings_equal(code, totp.generate_otp(step)):
            return step
    return None


def check_new_code(secret: str, code: str, at: float | None = None) -> int | None:
    """For enrolment: the step of a right code for a secret not saved yet, or None."""
    return _matching_step(secret, normalise(code), time.time() if at is None else at)


def enable(user: User, secret: str, step: int) -> list[str]:
    """Turn two-factor sign-in on with a confirmed secret; returns the recovery codes to show once."""
    user.totp_secret = secret
    user.totp_enabled_at = utcnow()
    user.totp_last_step = step
    return new_recovery_codes(user)


def disable(user: User) -> None:
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    user.totp_recovery_hashes = None


def _hash(code: str) -> str:
    return hashlib.sha256(normalise(code).encode()).hexdigest()


def new_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes; only their hashes are kept."""
    codes = ["".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10)) for _ in range(RECOVERY_CODES)]
    codes = [f"{code[:5]}-{code[5:]}" for code in codes]
    user.totp_recovery_hashes = " ".join(_hash(code) for code in codes)
    return codes


def recovery_codes_left(user: User) -> int:
    return len((user.totp_recovery_hashes or "").split())


def _locked(user: User) -> User:
    """The user row again, locked until the transaction ends, so two requests cannot spend one code."""
    db.session.flush()
    return db.session.scalars(select(User).where(User.id == user.id).with_for_update()
                              .execution_options(populate_existing=True)).one()


def verify(user: User, code: str, at: float | None = None) -> bool:
    """Whether code is a current one-time code or an unused recovery code; either is used up by this."""
    if not user.two_factor_enabled:
        return False
    code = normalise(code)
    user = _locked(user)
    step = _matching_step(user.totp_secret, code, time.time() if at is None else at)
    if step is not None:
        if user.totp_last_step is not None and step <= user.totp_last_step:
            return False  # already used, or older than a code already used
        user.totp_last_step = step
        return True
    hashes = (user.totp_recovery_hashes or "").split()
    digest = _hash(code)
    matched = [known for known in hashes if secrets.compare_digest(known, digest)]
    if not code or not matched:
        return False
    hashes.remove(matched[0])
    user.totp_recovery_hashes = " ".join(hashes)
    return True

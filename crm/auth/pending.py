"""A sign-in that passed the password step and waits for its one-time code.

It lives in the (signed) session cookie for a few minutes and names the user
and a fingerprint of their password hash, so a password change (or reset) in
the meantime ends it too, as does deactivation. Wrong codes are counted here for the lock-out; the rate
limit keyed on the attempt's nonce (kept server-side) stops a replayed older
cookie from getting more guesses.
"""
import hashlib
import hmac
import secrets
import time

from flask import current_app, session

from crm.auth.models import User
from crm.auth.two_factor import new_secret
from crm.extensions import db

KEY = "pending_sign_in"
LIFETIME_SECONDS = 10 * 60  #: long enough for an e-mailed confirmation code to arrive
MAX_WRONG_CODES = 5


def _password_mark(user: User) -> str:
    return hashlib.sha256((user.password_hash or "").encode()).hexdigest()[:32]


def start(user: User, remember: bool, next_url: str) -> None:
    session[KEY] = {"user": user.id, "token": _password_mark(user), "remember": bool(remember), "next": next_url,
                    "at": time.time(), "nonce": secrets.token_hex(16), "wrong": 0}


def _data() -> dict | None:
    data = session.get(KEY)
    return data if isinstance(data, dict) else None


def pending_user(now: float | None = None) -> User | None:
    """The user of the pending sign-in, or None when there is none or it has expired or was locked."""
    data = _data()
    if data is None:
        return None
    now = time.time() if now is None else now
    if not 0 <= now - data.get("at", 0) <= LIFETIME_SECONDS or data.get("wrong", 0) >= MAX_WRONG_CODES:
        clear()
        return None
    user = db.session.get(User, data.get("user"))
    if user is None or not user.active or _password_mark(user) != data.get("token"):
        clear()
        return None
    return user


def wrong_code() -> int:
    """Count a wrong code; at the limit the pending sign-in ends. Returns the count."""
    data = _data() or {}
    data["wrong"] = data.get("wrong", 0) + 1
    session[KEY] = data
    if data["wrong"] >= MAX_WRONG_CODES:
        clear()
    return data["wrong"]


def enrolment_secret() -> str:
    """The secret offered while enrolling at sign-in: the same one until the sign-in ends."""
    data = _data()
    if "secret" not in data:
        data["secret"] = new_secret()
        session[KEY] = data
    return data["secret"]


#: how many confirmation e-mails one pending sign-in may ask for (the first included)
MAX_MAILED_CODES = 3


def _code_mark(data: dict, code: str) -> str:
    # Keyed with the app's secret: the session cookie is signed, not encrypted, so whoever holds it (the thief
    # with the password, say) must not be able to test the 10^8 possible codes offline.
    key = current_app.config["SECRET_KEY"]
    key = key.encode() if isinstance(key, str) else key
    return hmac.new(key, f"{data.get('nonce')}:{code}".encode(), hashlib.sha256).hexdigest()


def new_mailed_code() -> str | None:
    """A new 8-digit code to e-mail for this pending sign-in (replacing an earlier one), or None when it has
    asked for as many as it may."""
    data = _data()
    if data is None or data.get("mailed", 0) >= MAX_MAILED_CODES:
        return None
    code = f"{secrets.randbelow(10 ** 8):08d}"
    data["mailed"] = data.get("mailed", 0) + 1
    data["mail_code"] = _code_mark(data, code)
    session[KEY] = data
    return code


def mailed_code_sent() -> bool:
    return "mail_code" in (_data() or {})


def confirm_mailed_code(code: str) -> bool:
    """Whether the code is the one last e-mailed; once it is, the pending sign-in counts as confirmed."""
    data = _data()
    if data is None or "mail_code" not in data:
        return False
    if not hmac.compare_digest(_code_mark(data, "".join(code.split())), data["mail_code"]):
        return False
    data["mail_confirmed"] = True
    data.pop("mail_code")
    session[KEY] = data
    return True


def mail_confirmed() -> bool:
    return bool((_data() or {}).get("mail_confirmed"))


def clear() -> dict:
    return session.pop(KEY, None) or {}


def absent() -> bool:
    """For the rate limits: no pending sign-in, so nothing to limit (the view only redirects)."""
    return _data() is None


def account_key() -> str:
    return f"pending-account:{(_data() or {}).get('user')}"


def attempt_key() -> str:
    return f"pending-attempt:{(_data() or {}).get('nonce')}"

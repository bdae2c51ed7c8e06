"""Signing in: checking the password, the pending sign-in's second step (its guard, rate limits and
wrong codes), and signing the user in on this request."""
import functools
import logging

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user

from crm.access import PUBLIC, allow
from crm.auth import pending, sessions
from crm.auth.addresses import account_key
from crm.auth.models import User
from crm.auth.passwords import verify_password
from crm.auth.queries import user_by_email
from crm.database import utcnow
from crm.extensions import db, limiter

log = logging.getLogger("crm.auth")


def authenticate(email: str, password: str) -> User | None:
    """The active user with these credentials, or None (whatever was wrong)."""
    user = user_by_email(email)
    if user is None or not user.active:
        verify_password(None, password)  # same cost as a real check
        return None
    return user if user.check_password(password) else None


def form_account_key() -> str:
    """The rate-limit key of the account the posted form names."""
    # The same normalised address the form authenticates, so invisible or case variants count as one account.
    return account_key(request.form.get("email"))


def sign_in_now(user: User, remember: bool) -> None:
    """Sign the user in on this request: a new session record, the cookie, the time; commits."""
    sessions.start(user)
    login_user(user, remember=remember)
    user.last_sign_in_at = utcnow()
    db.session.commit()


def finish_pending(user: User) -> str:
    """Sign the pending user in; returns where to go next."""
    data = pending.clear()
    sign_in_now(user, data.get("remember", False))
    return data.get("next") or url_for("main.home")


def with_pending_user(view):
    """For the second step's pages: signed-in people go home, a missing or expired pending sign-in goes back
    to the sign-in page; otherwise the view is called with the pending user."""
    @functools.wraps(view)
    def guarded(**kwargs):
        if current_user.is_authenticated:
            return redirect(url_for("main.home"))
        user = pending.pending_user()
        if user is None:
            flash(_("Your sign-in has expired. Please sign in again."), "info")
            return redirect(url_for("auth.sign_in"))
        return view(user, **kwargs)

    return guarded


def _log_too_many(limit) -> None:
    user = pending.pending_user()
    log.warning("sign-in code refused (too many attempts) for %s from %s", user.email if user else "?",
                request.remote_addr)


def code_limits(view):
    """The rate limits on entering a one-time code: per address, per account and per password sign-in."""
    view = limiter.limit("5 per 10 minutes", methods=["POST"], key_func=pending.attempt_key,
                         exempt_when=pending.absent, on_breach=_log_too_many)(view)
    view = limiter.limit("5 per minute; 20 per hour", methods=["POST"], key_func=pending.account_key,
                         exempt_when=pending.absent, on_breach=_log_too_many)(view)
    return limiter.limit("30 per minute; 200 per hour", methods=["POST"], on_breach=_log_too_many)(view)


def second_step(view):
    """A page of the sign-in's second step: open to anyone (allow(PUBLIC)), within the code limits, and only with
    a pending sign-in, whose user the view is called with."""
    return allow(PUBLIC)(code_limits(with_pending_user(view)))


def wrong_code(user: User, form) -> object | None:
    """Count a wrong code: a redirect to the sign-in page once the pending sign-in is locked, else None."""
    log.info("sign-in code refused for %s from %s", user.email, request.remote_addr)
    if pending.wrong_code() >= pending.MAX_WRONG_CODES:
        log.warning("sign-in locked after %d wrong codes for %s from %s", pending.MAX_WRONG_CODES, user.email,
                    request.remote_addr)
        flash(_("Too many wrong codes. Please sign in again with your password."), "error")
        return redirect(url_for("auth.sign_in"))
    form.code.errors.append(_("That code is not right, or it was already used."))
    return None

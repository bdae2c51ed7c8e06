import logging

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select

from crm.access import PUBLIC, allow
from crm.auth import resets
from crm.auth.forms import ForgotPasswordForm, ResetPasswordForm, SignInForm
from crm.auth.models import User
from crm.auth.passwords import verify_password
from crm.database import utcnow
from crm.extensions import db, limiter, login_manager
from crm.i18n import safe_next

bp = Blueprint("auth", __name__)
log = logging.getLogger("crm.auth")


@login_manager.user_loader
def load_user(user_id: str):
    user_key, _sep, token = user_id.partition(":")
    if not user_key.isdigit() or not token:
        return None
    user = db.session.get(User, int(user_key))
    if user is None or user.session_token != token or not user.active:
        return None
    return user


def authenticate(email: str, password: str) -> User | None:
    """The active user with these credentials, or None (whatever was wrong)."""
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None or not user.active:
        verify_password(None, password)  # same cost as a real check
        return None
    return user if user.check_password(password) else None


def _account_key() -> str:
    return "account:" + (request.form.get("email") or "").strip().lower()[:254]


@bp.route("/sign-in", methods=["GET", "POST"])
@allow(PUBLIC)
@limiter.limit("30 per minute; 200 per hour", methods=["POST"])  # per address
@limiter.limit("10 per minute; 50 per hour", methods=["POST"], key_func=_account_key)
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = SignInForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        log.info("sign-in %s for %s from %s", "refused" if user is None else "succeeded",
                 form.email.data.strip().lower(), request.remote_addr)
        if user is None:
            form.password.errors.append(_("The e-mail address or password is not right."))
        else:
            login_user(user, remember=form.remember.data)
            user.last_sign_in_at = utcnow()
            db.session.commit()
            return redirect(safe_next(request.args.get("next"), url_for("main.home")))
    return render_template("auth/sign_in.html", form=form)


@bp.post("/sign-out")
@allow(PUBLIC)
def sign_out():
    if current_user.is_authenticated:
        # Rotating the token invalidates copies of the session and remember cookies.
        current_user.end_sessions()
        db.session.commit()
        logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.sign_in"))


@bp.route("/forgot-password", methods=["GET", "POST"])
@allow(PUBLIC)
@limiter.limit("10 per hour", methods=["POST"])
@limiter.limit("3 per hour", methods=["POST"], key_func=_account_key)
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        resets.request_reset(form.email.data)
        db.session.commit()
        log.info("password reset requested for %s from %s", form.email.data.strip().lower(), request.remote_addr)
        # The same answer whether or not the address has an account.
        flash(_("If %(email)s belongs to an account, a link to choose a new password is on its way. "
                "It works once, for one hour.", email=form.email.data), "info")
        return redirect(url_for(".sign_in"))
    return render_template("auth/forgot_password.html", form=form)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@allow(PUBLIC)
def reset_password(token: str):
    reset = resets.usable(token)
    if reset is None:
        return render_template("auth/reset_invalid.html"), 410
    form = ResetPasswordForm(email=reset.user.email)
    if form.validate_on_submit():
        if resets.complete(reset, form.password.data):
            db.session.commit()
            log.info("password reset completed for %s", reset.user.email)
            flash(_("Your password was changed. Sign in with the new one."), "success")
            return redirect(url_for(".sign_in"))
        db.session.rollback()
        return render_template("auth/reset_invalid.html"), 410
    return render_template("auth/reset_password.html", form=form)

import logging

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import force_locale, gettext
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select

from crm.access import PUBLIC, STAFF, allow
from crm.auth import pending, resets, sessions, two_factor
from crm.auth.addresses import account_key, limit_password_guesses, normalise_email
from crm.auth.forms import (ForgotPasswordForm, MailedCodeForm, PasswordCheckForm, ResetPasswordForm, SignInForm,
                            TwoFactorCodeForm, TwoFactorDisableForm, TwoFactorEnrolForm, TwoFactorTurnOnForm)
from crm.auth.models import User
from crm.auth.passwords import verify_password
from crm.database import utcnow
from crm.extensions import db, limiter, login_manager
from crm.forms import ConfirmForm
from crm.i18n import safe_next
from crm.mail import Delivery, build_message, send

bp = Blueprint("auth", __name__)
log = logging.getLogger("crm.auth")


@login_manager.user_loader
def load_user(user_id: str):
    return sessions.load(user_id)


def authenticate(email: str, password: str) -> User | None:
    """The active user with these credentials, or None (whatever was wrong)."""
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None or not user.active:
        verify_password(None, password)  # same cost as a real check
        return None
    return user if user.check_password(password) else None


def _account_key() -> str:
    # The same normalised address the form authenticates, so invisible or case variants count as one account.
    return account_key(request.form.get("email"))


@bp.route("/sign-in", methods=["GET", "POST"])
@allow(PUBLIC)
@limiter.limit("30 per minute; 200 per hour", methods=["POST"])  # per address
@limit_password_guesses(_account_key)
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = SignInForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        email = normalise_email(form.email.data)
        if user is None:
            log.info("sign-in refused for %s from %s", email, request.remote_addr)
            form.password.errors.append(_("The e-mail address or password is not right."))
        else:
            next_url = safe_next(request.args.get("next"), url_for("main.home"))
            enrolled = user.two_factor_enabled
            if user.is_staff and (enrolled or two_factor.required_for(user)):
                # The password was right; the account is signed in only after the second step.
                pending.start(user, form.remember.data, next_url)
                db.session.commit()  # a rehashed password
                log.info("sign-in password accepted for %s from %s; one-time code %s", email,
                         request.remote_addr, "asked for" if enrolled else "enrolment required")
                return redirect(url_for(".two_factor_code" if enrolled else ".two_factor_enroll"))
            log.info("sign-in succeeded for %s from %s", email, request.remote_addr)
            pending.clear()
            sessions.start(user)
            login_user(user, remember=form.remember.data)
            user.last_sign_in_at = utcnow()
            db.session.commit()
            return redirect(next_url)
    return render_template("auth/sign_in.html", form=form)


def _log_too_many(limit) -> None:
    user = pending.pending_user()
    log.warning("sign-in code refused (too many attempts) for %s from %s", user.email if user else "?",
                request.remote_addr)


def _code_limits(view):
    """The rate limits on entering a one-time code: per address, per account and per password sign-in."""
    view = limiter.limit("5 per 10 minutes", methods=["POST"], key_func=pending.attempt_key,
                         exempt_when=pending.absent, on_breach=_log_too_many)(view)
    view = limiter.limit("5 per minute; 20 per hour", methods=["POST"], key_func=pending.account_key,
                         exempt_when=pending.absent, on_breach=_log_too_many)(view)
    return limiter.limit("30 per minute; 200 per hour", methods=["POST"], on_breach=_log_too_many)(view)


def _finish_sign_in(user: User) -> str:
    """Sign the pending user in; returns where to go next."""
    data = pending.clear()
    sessions.start(user)
    login_user(user, remember=data.get("remember", False))
    user.last_sign_in_at = utcnow()
    db.session.commit()
    return data.get("next") or url_for("main.home")


def _no_pending_sign_in():
    flash(_("Your sign-in has expired. Please sign in again."), "info")
    return redirect(url_for(".sign_in"))


def _wrong_code(user: User, form) -> object | None:
    """Count a wrong code: a redirect to the sign-in page once the pending sign-in is locked, else None."""
    log.info("sign-in code refused for %s from %s", user.email, request.remote_addr)
    if pending.wrong_code() >= pending.MAX_WRONG_CODES:
        log.warning("sign-in locked after %d wrong codes for %s from %s", pending.MAX_WRONG_CODES, user.email,
                    request.remote_addr)
        flash(_("Too many wrong codes. Please sign in again with your password."), "error")
        return redirect(url_for(".sign_in"))
    form.code.errors.append(_("That code is not right, or it was already used."))
    return None


@bp.route("/sign-in/code", methods=["GET", "POST"])
@allow(PUBLIC)
@_code_limits
def two_factor_code():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    user = pending.pending_user()
    if user is None:
        return _no_pending_sign_in()
    if not user.two_factor_enabled:  # reset by an administrator meanwhile
        return redirect(url_for(".two_factor_enroll"))
    form = TwoFactorCodeForm()
    if form.validate_on_submit():
        if two_factor.verify(user, form.code.data):
            log.info("sign-in code accepted; sign-in succeeded for %s from %s", user.email, request.remote_addr)
            return redirect(_finish_sign_in(user))
        db.session.rollback()
        if (locked := _wrong_code(user, form)) is not None:
            return locked
    return render_template("auth/two_factor_code.html", form=form)


@bp.route("/sign-in/enroll", methods=["GET", "POST"])
@allow(PUBLIC)
@_code_limits
def two_factor_enroll():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    user = pending.pending_user()
    if user is None:
        return _no_pending_sign_in()
    if user.two_factor_enabled:
        return redirect(url_for(".two_factor_code"))
    if not two_factor.required_for(user):  # no longer required: the password was enough
        log.info("sign-in succeeded for %s from %s", user.email, request.remote_addr)
        return redirect(_finish_sign_in(user))
    if not pending.mail_confirmed():
        # A stolen password alone must not tie the account to the thief's authenticator: the code we
        # e-mail to the account's own address comes first.
        return _confirm_by_mail(user)
    secret = pending.enrolment_secret()
    form = TwoFactorEnrolForm()
    if form.validate_on_submit():
        step = two_factor.check_new_code(secret, form.code.data)
        if step is not None:
            codes = two_factor.enable(user, secret, step)
            log.info("two-factor sign-in turned on for %s from %s; sign-in succeeded", user.email,
                     request.remote_addr)
            next_url = _finish_sign_in(user)
            return render_template("auth/recovery_codes.html", codes=codes, next_url=next_url)
        if (locked := _wrong_code(user, form)) is not None:
            return locked
    return _render_enrolment(user, secret, form, signing_in=True)


def _mail_code(user: User) -> Delivery | None:
    """E-mail a new confirmation code for this sign-in; None when it has had as many as it may."""
    code = pending.new_mailed_code()
    if code is None:
        return None
    language = user.language or current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(language):
        text = render_template("email/enrolment_code.txt", user=user, code=code)
        message = build_message(user.email, user.name, gettext("Your code to set up two-factor sign-in"), text,
                                language=language, automatic=True)
    delivery = send(message)
    log.info("enrolment confirmation code for %s from %s: %s", user.email, request.remote_addr, delivery)
    return delivery


def _confirm_by_mail(user: User):
    form = MailedCodeForm()
    delivery = None
    if request.method == "POST" and request.form.get("resend"):
        if ConfirmForm().validate_on_submit():
            delivery = _mail_code(user) or "exhausted"
        form = MailedCodeForm(formdata=None)
    elif not pending.mailed_code_sent():
        delivery = _mail_code(user) or "exhausted"
    elif form.validate_on_submit():
        if pending.confirm_mailed_code(form.code.data):
            log.info("enrolment confirmed by e-mail for %s from %s", user.email, request.remote_addr)
            return redirect(url_for(".two_factor_enroll"))
        if (locked := _wrong_code(user, form)) is not None:
            return locked
    return render_template("auth/enrolment_mail.html", form=form, resend_form=ConfirmForm(formdata=None),
                           email=user.email, delivery=delivery), 422 if form.errors else 200


def _render_enrolment(user: User, secret: str, form, signing_in: bool):
    uri = two_factor.provisioning_uri(user, secret)
    return render_template("auth/two_factor_enroll.html", form=form, secret=secret, signing_in=signing_in,
                           qr=two_factor.qr_svg(uri, _("QR code for your authenticator app")))


@bp.post("/sign-out")
@allow(PUBLIC)
def sign_out():
    if current_user.is_authenticated:
        # Ending this session's record invalidates copies of its session and remember cookies; the user's
        # other devices stay signed in.
        sessions.end(current_user.id, sessions.current_id(current_user))
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
        log.info("password reset requested for %s from %s", normalise_email(form.email.data), request.remote_addr)
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


ENROLMENT_KEY = "two_factor_enrolment"


def _own_enrolment_secret() -> str:
    """The secret offered to the signed-in user while they turn two-factor sign-in on."""
    data = session.get(ENROLMENT_KEY)
    if not isinstance(data, dict) or data.get("user") != current_user.id:
        data = {"user": current_user.id, "secret": two_factor.new_secret()}
        session[ENROLMENT_KEY] = data
    return data["secret"]


def _user_key() -> str:
    return f"user:{getattr(current_user, 'id', '')}"


def _render_security(disable_form=None, codes_form=None, status=200):
    return render_template("auth/security.html", required=two_factor.required_for(current_user),
                           codes_left=two_factor.recovery_codes_left(current_user),
                           disable_form=disable_form or TwoFactorDisableForm(formdata=None),
                           codes_form=codes_form or PasswordCheckForm(formdata=None)), status


@bp.get("/account/security")
@allow(STAFF)
def security():
    return _render_security()


@bp.route("/account/security/enable", methods=["GET", "POST"])
@allow(STAFF)
@limiter.limit("5 per minute; 20 per hour", methods=["POST"], key_func=_user_key)
def security_enable():
    if current_user.two_factor_enabled:
        return redirect(url_for(".security"))
    secret = _own_enrolment_secret()
    form = TwoFactorTurnOnForm()
    if form.validate_on_submit():
        if not current_user.check_password(form.password.data):
            log.info("wrong password while turning two-factor sign-in on for %s from %s", current_user.email,
                     request.remote_addr)
            form.password.errors.append(_("The password is not right."))
        elif (step := two_factor.check_new_code(secret, form.code.data)) is not None:
            codes = two_factor.enable(current_user, secret, step)
            db.session.commit()
            session.pop(ENROLMENT_KEY, None)
            log.info("two-factor sign-in turned on for %s from %s", current_user.email, request.remote_addr)
            return render_template("auth/recovery_codes.html", codes=codes, next_url=url_for(".security"))
        else:
            log.info("two-factor code refused while turning it on for %s from %s", current_user.email,
                     request.remote_addr)
            form.code.errors.append(_("That code is not right. Check that the app shows this account, then try "
                                      "the newest code."))
    return _render_enrolment(current_user, secret, form, signing_in=False)


@bp.post("/account/security/disable")
@allow(STAFF)
@limiter.limit("5 per minute; 20 per hour", key_func=_user_key)
def security_disable():
    if two_factor.required_for(current_user):
        flash(_("Your office requires two-factor sign-in, so it cannot be turned off."), "error")
        return redirect(url_for(".security"))
    form = TwoFactorDisableForm()
    if form.validate_on_submit() and current_user.two_factor_enabled:
        if not current_user.check_password(form.password.data):
            form.password.errors.append(_("The password is not right."))
        elif not two_factor.verify(current_user, form.code.data):
            form.code.errors.append(_("That code is not right, or it was already used."))
        else:
            two_factor.disable(current_user)
            db.session.commit()
            log.info("two-factor sign-in turned off for %s from %s", current_user.email, request.remote_addr)
            flash(_("Two-factor sign-in is off."), "success")
            return redirect(url_for(".security"))
        db.session.rollback()
        log.info("turning two-factor sign-in off refused for %s from %s", current_user.email, request.remote_addr)
    return _render_security(disable_form=form, status=422)


@bp.post("/account/security/recovery-codes")
@allow(STAFF)
@limiter.limit("5 per minute; 20 per hour", key_func=_user_key)
def security_recovery_codes():
    form = PasswordCheckForm()
    if form.validate_on_submit() and current_user.two_factor_enabled:
        if current_user.check_password(form.password.data):
            codes = two_factor.new_recovery_codes(current_user)
            db.session.commit()
            log.info("recovery codes replaced for %s from %s", current_user.email, request.remote_addr)
            return render_template("auth/recovery_codes.html", codes=codes, next_url=url_for(".security"))
        form.password.errors.append(_("The password is not right."))
        log.info("replacing recovery codes refused for %s from %s", current_user.email, request.remote_addr)
    return _render_security(codes_form=form, status=422)


from crm.auth import session_views  # noqa: F401  (its routes are on this blueprint)

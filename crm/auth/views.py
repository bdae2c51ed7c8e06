import logging

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from crm.access import PUBLIC, STAFF, allow
from crm.auth import pending, resets, sessions, two_factor
from crm.auth.addresses import limit_password_guesses, normalise_email
from crm.auth.enrolment import confirm_by_mail, forget_own_enrolment_secret, own_enrolment_secret, render_enrolment
from crm.auth.forms import (ForgotPasswordForm, PasswordCheckForm, ResetPasswordForm, SignInForm, TwoFactorCodeForm,
                            TwoFactorDisableForm, TwoFactorEnrolForm, TwoFactorTurnOnForm)
from crm.auth.models import User
from crm.auth.signing_in import (authenticate, finish_pending, form_account_key, second_step, sign_in_now,
                                 wrong_code)
from crm.extensions import db, limiter, login_manager
from crm.i18n import safe_next

bp = Blueprint("auth", __name__)
log = logging.getLogger("crm.auth")


@login_manager.user_loader
def load_user(user_id: str):
    return sessions.load(user_id)


@bp.route("/sign-in", methods=["GET", "POST"])
@allow(PUBLIC)
@limiter.limit("30 per minute; 200 per hour", methods=["POST"])  # per address
@limit_password_guesses(form_account_key)
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
            sign_in_now(user, form.remember.data)
            return redirect(next_url)
    return render_template("auth/sign_in.html", form=form)


@bp.route("/sign-in/code", methods=["GET", "POST"])
@second_step
def two_factor_code(user: User):
    if not user.two_factor_enabled:  # reset by an administrator meanwhile
        return redirect(url_for(".two_factor_enroll"))
    form = TwoFactorCodeForm()
    if form.validate_on_submit():
        if two_factor.verify(user, form.code.data):
            log.info("sign-in code accepted; sign-in succeeded for %s from %s", user.email, request.remote_addr)
            return redirect(finish_pending(user))
        db.session.rollback()
        if (locked := wrong_code(user, form)) is not None:
            return locked
    return render_template("auth/two_factor_code.html", form=form)


@bp.route("/sign-in/enroll", methods=["GET", "POST"])
@second_step
def two_factor_enroll(user: User):
    if user.two_factor_enabled:
        return redirect(url_for(".two_factor_code"))
    if not two_factor.required_for(user):  # no longer required: the password was enough
        log.info("sign-in succeeded for %s from %s", user.email, request.remote_addr)
        return redirect(finish_pending(user))
    if not pending.mail_confirmed():
        # A stolen password alone must not tie the account to the thief's authenticator: the code we
        # e-mail to the account's own address comes first.
        return confirm_by_mail(user)
    secret = pending.enrolment_secret()
    form = TwoFactorEnrolForm()
    if form.validate_on_submit():
        step = two_factor.check_new_code(secret, form.code.data)
        if step is not None:
            codes = two_factor.enable(user, secret, step)
            log.info("two-factor sign-in turned on for %s from %s; sign-in succeeded", user.email,
                     request.remote_addr)
            next_url = finish_pending(user)
            return render_template("auth/recovery_codes.html", codes=codes, next_url=next_url)
        if (locked := wrong_code(user, form)) is not None:
            return locked
    return render_enrolment(user, secret, form, signing_in=True)


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
@limiter.limit("3 per hour", methods=["POST"], key_func=form_account_key)
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
    secret = own_enrolment_secret()
    form = TwoFactorTurnOnForm()
    if form.validate_on_submit():
        if not current_user.check_password(form.password.data):
            log.info("wrong password while turning two-factor sign-in on for %s from %s", current_user.email,
                     request.remote_addr)
            form.password.errors.append(_("The password is not right."))
        elif (step := two_factor.check_new_code(secret, form.code.data)) is not None:
            codes = two_factor.enable(current_user, secret, step)
            db.session.commit()
            forget_own_enrolment_secret()
            log.info("two-factor sign-in turned on for %s from %s", current_user.email, request.remote_addr)
            return render_template("auth/recovery_codes.html", codes=codes, next_url=url_for(".security"))
        else:
            log.info("two-factor code refused while turning it on for %s from %s", current_user.email,
                     request.remote_addr)
            form.code.errors.append(_("That code is not right. Check that the app shows this account, then try "
                                      "the newest code."))
    return render_enrolment(current_user, secret, form, signing_in=False)


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

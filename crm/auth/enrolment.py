"""Turning two-factor sign-in on: the code e-mailed to confirm an enrolment at sign-in, the secret offered on
the security page, and the enrolment page both use."""
import logging

from flask import current_app, redirect, render_template, request, session, url_for
from flask_babel import force_locale, gettext
from flask_babel import gettext as _
from flask_login import current_user

from crm.auth import pending, two_factor
from crm.auth.forms import MailedCodeForm
from crm.auth.models import User
from crm.auth.signing_in import wrong_code
from crm.extensions import db
from crm.forms import ConfirmForm
from crm.jobs.mail import send
from crm.mail import Delivery, build_message

log = logging.getLogger("crm.auth")
ENROLMENT_KEY = "two_factor_enrolment"


def render_enrolment(user: User, secret: str, form, signing_in: bool):
    uri = two_factor.provisioning_uri(user, secret)
    return render_template("auth/two_factor_enroll.html", form=form, secret=secret, signing_in=signing_in,
                           qr=two_factor.qr_svg(uri, _("QR code for your authenticator app")))


def own_enrolment_secret() -> str:
    """The secret offered to the signed-in user while they turn two-factor sign-in on."""
    data = session.get(ENROLMENT_KEY)
    if not isinstance(data, dict) or data.get("user") != current_user.id:
        data = {"user": current_user.id, "secret": two_factor.new_secret()}
        session[ENROLMENT_KEY] = data
    return data["secret"]


def forget_own_enrolment_secret() -> None:
    session.pop(ENROLMENT_KEY, None)


def mail_code(user: User) -> Delivery | None:
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
    db.session.commit()  # the message's job (the code itself is kept in the signed session)
    log.info("enrolment confirmation code for %s from %s: %s", user.email, request.remote_addr, delivery)
    return delivery


def confirm_by_mail(user: User):
    """The page that asks for the code e-mailed to the account's own address (sending it, or again)."""
    form = MailedCodeForm()
    delivery = None
    if request.method == "POST" and request.form.get("resend"):
        if ConfirmForm().validate_on_submit():
            delivery = mail_code(user) or "exhausted"
        form = MailedCodeForm(formdata=None)
    elif not pending.mailed_code_sent():
        delivery = mail_code(user) or "exhausted"
    elif form.validate_on_submit():
        if pending.confirm_mailed_code(form.code.data):
            log.info("enrolment confirmed by e-mail for %s from %s", user.email, request.remote_addr)
            return redirect(url_for("auth.two_factor_enroll"))
        if (locked := wrong_code(user, form)) is not None:
            return locked
    return render_template("auth/enrolment_mail.html", form=form, resend_form=ConfirmForm(formdata=None),
                           email=user.email, delivery=delivery), 422 if form.errors else 200

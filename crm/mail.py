"""Outgoing e-mail: through SMTP when configured, otherwise into an outbox folder as .eml files.

Every message carries Date and Message-ID; one the app sends by itself (not on someone's direct request:
the digest, a sign-in confirmation code, a reset link) says so with Auto-Submitted, so that out-of-office
replies stay away. A mail server that is down raises MailNotSent, which the caller turns into a message.
"""
import enum
import hashlib
import logging
import re
import smtplib
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid, parseaddr
from pathlib import Path

from flask import current_app

from crm.clock import utcnow

# Header values must be one line: a CR or LF (or any control character) in a name or subject would
# make the e-mail library refuse the header, a 500 for whoever asked for the mail.
_NOT_IN_HEADERS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def header_text(value: str | None) -> str:
    """A value made safe for one header line: line breaks and controls folded into single spaces."""
    return " ".join(_NOT_IN_HEADERS.sub(" ", value or "").split())


log = logging.getLogger("crm.mail")


class MailNotSent(Exception):
    """The mail server could not be reached or refused the message; nothing was sent."""


def _domain_of(address: str) -> str | None:
    _name, addr = parseaddr(address)
    return addr.rpartition("@")[2] or None


def stable_message_id(key: str) -> str:
    """The Message-ID of the one message a job key stands for: the same on every attempt, so a message sent
    again after a worker died between the mail server's answer and the job's record is one message to every
    mail client and archive (they drop a second copy by its Message-ID)."""
    digest = hashlib.sha256(f"{current_app.config['SECRET_KEY']}|{key}".encode()).hexdigest()[:32]
    return f"<{digest}@{_domain_of(current_app.config['MAIL_FROM']) or 'localhost'}>"


def build_message(to_address: str, to_name: str | None, subject: str, text: str, html: str | None = None,
                  language: str | None = None, automatic: bool = False, message_id: str | None = None) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = message_id or make_msgid(domain=_domain_of(current_app.config["MAIL_FROM"]))
    if automatic:
        message["Auto-Submitted"] = "auto-generated"  # RFC 3834
    message["To"] = formataddr((header_text(to_name), header_text(to_address).replace(" ", "")))
    message["Subject"] = header_text(str(subject))
    message.set_content(text)
    if html:
        message.add_alternative(html, subtype="html")
    if language:  # after the content: set_content() replaces Content-* headers
        message["Content-Language"] = language.replace("_", "-")
    return message


def deliver(message: EmailMessage) -> Path | None:
    """Send a message; returns the .eml path when it went to the outbox instead of SMTP."""
    config = current_app.config
    if config["MAIL_SERVER"]:
        try:
            with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30) as smtp:
                if config["MAIL_USE_TLS"]:
                    smtp.starttls()
                if config["MAIL_USERNAME"]:
                    smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
                smtp.send_message(message)
        except (smtplib.SMTPException, OSError) as error:  # refused, down, unreachable, timed out
            log.error("mail to %s not sent (%s): %s", message["To"], message["Subject"], error)
            raise MailNotSent(str(error)) from error
        return None
    outbox = Path(config["MAIL_OUTBOX"])
    outbox.mkdir(parents=True, exist_ok=True)
    recipient = re.sub(r"[^A-Za-z0-9._-]+", "_", message["To"].addresses[0].addr_spec)
    path = outbox / f"{utcnow():%Y%m%dT%H%M%S%f}-{recipient}.eml"
    path.write_bytes(bytes(message))
    return path


class Delivery(enum.StrEnum):
    SENT = "sent"  #: handed to the mail server
    OUTBOX = "outbox"  #: no mail server configured: saved as an .eml file
    QUEUED = "queued"  #: handed to the job queue, which sends it (crm.jobs.mail)
    FAILED = "failed"  #: the mail server is down or refused it (logged)


def send(message: EmailMessage) -> Delivery:
    """Deliver a message and say what became of it; a mail server that is down is an answer, not an error."""
    try:
        return Delivery.SENT if deliver(message) is None else Delivery.OUTBOX
    except MailNotSent:
        return Delivery.FAILED

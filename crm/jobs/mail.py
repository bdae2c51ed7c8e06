"""E-mail a request asks for (invitations, reset links, confirmation codes, notices to liaisons), sent by the job
queue so that a slow or absent mail server never holds the request.

Without a mail server the message goes to the outbox at once, as before (no network: nothing to wait for).
With one, the message is a job added to the request's transaction: it goes once the request's work is saved,
and never for work that was rolled back. A mail server that is down is tried again with growing waits (about an
hour in all); every attempt sends the same message, Message-ID included, so a resend after a worker died
between the server's answer and the job's record is one message to every mail client.
"""
import base64
import email
from email import policy
from email.message import EmailMessage

from flask import current_app

from crm.jobs.queue import enqueue
from crm.mail import Delivery, deliver

TASK = "crm.jobs.mail:deliver_job"
ATTEMPTS = 8  #: 30 s, 1, 2, 4, 8, 16 and 32 minutes apart


def send(message: EmailMessage) -> Delivery:
    """Send a message a request asked for: OUTBOX (written now) or QUEUED (the job queue sends it)."""
    if not current_app.config["MAIL_SERVER"]:
        deliver(message)
        return Delivery.OUTBOX
    enqueue(TASK, {"message": base64.b64encode(bytes(message)).decode("ascii")},
            key=f"mail:{message['Message-ID']}", max_attempts=ATTEMPTS)
    return Delivery.QUEUED


def deliver_job(payload: dict) -> dict:
    """The job: hand the message to the mail server (MailNotSent: tried again later)."""
    message = email.message_from_bytes(base64.b64decode(payload["message"]), policy=policy.default)
    deliver(message)
    return {"message_id": message["Message-ID"]}

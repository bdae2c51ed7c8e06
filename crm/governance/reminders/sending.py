"""Sending the day's reminders: one e-mail per recipient listing all of theirs, in the recipient's language.

Never twice: each reminder is a ReminderSent row with a unique key (kind, subject, date, lead time,
recipient), inserted in the same transaction as the mail's job is queued (crm.jobs.mail.send). A second run
on the same day (the scheduler on another host, a retry after a worker died) finds the rows and sends
nothing more; a run that failed rolls back both. The mail's job tries a mail server that is down again later,
with the same Message-ID.
"""
import hashlib
from collections import defaultdict
from datetime import date

from flask import current_app, render_template
from flask_babel import force_locale, ngettext
from sqlalchemy import insert, select

from crm.auth.models import User
from crm.extensions import db
from crm.governance.models import ReminderSent
from crm.governance.reminders.rules import Reminder, due_reminders
from crm.i18n import LANGUAGES
from crm.jobs import mail as queued_mail
from crm.mail import build_message, stable_message_id


def language_of(user: User) -> str:
    return user.language if user.language in LANGUAGES else current_app.config["BABEL_DEFAULT_LOCALE"]


def record_sent(reminders: list[Reminder]) -> list[Reminder]:
    """Insert the ReminderSent rows of those not sent yet; returns them (the others went before)."""
    if not reminders:
        return []
    keys = [reminder.key for reminder in reminders]
    done = set(db.session.scalars(select(ReminderSent.key).where(ReminderSent.key.in_(keys))))
    fresh = [reminder for reminder in reminders if reminder.key not in done]
    if not fresh:
        return []
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    else:  # pragma: no cover
        dialect_insert = insert
    # A run on another host between our read and this insert: its rows win, ours are skipped.
    inserted = set(db.session.scalars(
        dialect_insert(ReminderSent)
        .values([{"key": r.key, "kind": r.kind, "user_id": r.recipient.id} for r in fresh])
        .on_conflict_do_nothing(index_elements=["key"]).returning(ReminderSent.key)))
    return [reminder for reminder in fresh if reminder.key in inserted]


def reminder_message(recipient: User, reminders: list[Reminder], as_of: date):
    """The recipient's reminders as one e-mail in their language, links absolute; its Message-ID names the day,
    the recipient and the reminders, so every attempt to send it is the same message."""
    language = language_of(recipient)
    keys = "|".join(sorted(reminder.key for reminder in reminders))
    message_id = stable_message_id(
        f"reminders:{as_of.isoformat()}:{recipient.id}:{hashlib.sha256(keys.encode()).hexdigest()[:16]}")
    with current_app.test_request_context(base_url=current_app.config["PUBLIC_URL"]), force_locale(language):
        context = {"recipient": recipient, "reminders": reminders, "as_of": as_of}
        subject = ngettext("Sister City CRM reminder — %(num)d item", "Sister City CRM reminders — %(num)d items",
                           len(reminders))
        return build_message(recipient.email, recipient.name, subject,
                             render_template("email/reminder.txt", **context),
                             render_template("email/reminder.html", **context), language=language,
                             automatic=True, message_id=message_id)


def send_reminders(as_of: date) -> dict:
    """Queue the day's reminders not sent yet: one message per recipient. Flushes; the caller commits."""
    by_recipient: dict[int, list[Reminder]] = defaultdict(list)
    for reminder in due_reminders(as_of):
        by_recipient[reminder.recipient.id].append(reminder)
    messages = reminders_count = 0
    for recipient_reminders in by_recipient.values():
        fresh = record_sent(recipient_reminders)
        if not fresh:
            continue
        queued_mail.send(reminder_message(fresh[0].recipient, fresh, as_of))
        messages += 1
        reminders_count += len(fresh)
    db.session.flush()
    return {"messages": messages, "reminders": reminders_count}


def send_reminders_job(payload: dict) -> dict:
    """The scheduled run of a day (crm.schedule.timetable): its transaction is committed by the job runner."""
    return send_reminders(date.fromisoformat(payload["as_of"]))

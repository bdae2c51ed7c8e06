"""The liaison digest: each liaison's partnerships that need attention, in the liaison's language."""
from dataclasses import dataclass, field
from datetime import date

from flask import current_app, render_template
from flask_babel import force_locale, ngettext
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from crm.agreements.models import Agreement
from crm.agreements.queries import WITH_PARTNERSHIP, expiring_filter
from crm.auth.models import User
from crm.calendar.upcoming import upcoming_events
from crm.extensions import db
from crm.governance.page import digest_items
from crm.health.queries import activities
from crm.health.rules import Flag, evaluate
from crm.mail import Delivery, MailNotSent, build_message, deliver, stable_message_id
from crm.partnerships.models import Partnership

UPCOMING_DAYS = 30


@dataclass
class Digest:
    liaison: User
    attention: list[tuple[Partnership, Flag]] = field(default_factory=list)
    expiring: list[Agreement] = field(default_factory=list)
    upcoming: list = field(default_factory=list)
    #: per governance capability (crm.governance.page.digest_items), its items for this liaison
    governance: dict[str, list] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not (self.attention or self.expiring or self.upcoming or any(self.governance.values()))


def collect_digests(as_of: date, liaison_ids: list[int] | None = None) -> list[Digest]:
    """One digest per liaison with something to report (a fixed number of queries); only these liaisons'
    when given."""
    liaison = Partnership.liaison_id.is_not(None) if liaison_ids is None else Partnership.liaison_id.in_(liaison_ids)
    partnerships = {p.id: p for p in db.session.scalars(
        select(Partnership).where(Partnership.archived_at.is_(None), liaison)
        .options(joinedload(Partnership.liaison), joinedload(Partnership.partner_city),
                 joinedload(Partnership.home_city)))}
    ids = list(partnerships)
    digests: dict[int, Digest] = {}

    def digest_for(partnership_id: int) -> Digest:
        liaison = partnerships[partnership_id].liaison
        return digests.setdefault(liaison.id, Digest(liaison))

    for pid, activity in activities(as_of, ids).items():
        flag = evaluate(activity, as_of)
        if flag.needs_attention:
            digest_for(pid).attention.append((partnerships[pid], flag))
    for agreement in db.session.scalars(select(Agreement).where(Agreement.partnership_id.in_(ids),
                                                                *expiring_filter(as_of))
                                        .options(*WITH_PARTNERSHIP).order_by(Agreement.expires_on)):
        digest_for(agreement.partnership_id).expiring.append(agreement)
    for event in upcoming_events(select(Partnership.id).where(Partnership.id.in_(ids)), as_of, UPCOMING_DAYS,
                                 include_staff_only=True):
        digest_for(event.partnership_id).upcoming.append(event)
    for name, items in digest_items(ids, as_of).items():
        for item in items:
            digest_for(item.partnership_id).governance.setdefault(name, []).append(item)
    for digest in digests.values():
        digest.attention.sort(key=lambda pair: (pair[1].state.severity, -pair[1].months))
    return [d for d in digests.values() if d.liaison.active and d.liaison.is_staff and not d.is_empty]


def digest_message(digest: Digest, as_of: date, message_id: str | None = None):
    """The digest as an e-mail in its liaison's language, its links absolute."""
    language = digest.liaison.language or current_app.config["BABEL_DEFAULT_LOCALE"]
    with current_app.test_request_context(base_url=current_app.config["PUBLIC_URL"]), force_locale(language):
        context = dict(digest=digest, as_of=as_of)
        subject = ngettext("Sister city partnerships needing attention — %(num)d item",
                           "Sister city partnerships needing attention — %(num)d items",
                           len(digest.attention) + len(digest.expiring) + len(digest.upcoming)
                           + sum(len(items) for items in digest.governance.values()))
        return build_message(digest.liaison.email, digest.liaison.name, subject,
                             render_template("email/digest.txt", **context),
                             render_template("email/digest.html", **context), language=language,
                             automatic=True, message_id=message_id)


def send_digests(as_of: date) -> list[tuple[User, object]]:
    """Send each digest in its liaison's language; returns (liaison, outbox path, None for SMTP, or
    Delivery.FAILED when the mail server did not take it)."""
    sent = []
    for digest in collect_digests(as_of):
        try:
            sent.append((digest.liaison, deliver(digest_message(digest, as_of))))
        except MailNotSent:  # logged; the others are still sent, and the command says who was missed
            sent.append((digest.liaison, Delivery.FAILED))
    return sent


def send_digest_job(payload: dict) -> dict:
    """The scheduled digest of one liaison (crm.schedule.timetable): nothing when there is nothing to report; a mail
    server that is down is tried again later, the message keeping its Message-ID."""
    as_of = date.fromisoformat(payload["as_of"])
    digests = collect_digests(as_of, [payload["user_id"]])
    if not digests:
        return {"sent": False}
    message = digest_message(digests[0], as_of, stable_message_id(f"digest:{as_of}:{payload['user_id']}"))
    deliver(message)  # a mail server that is down raises MailNotSent: the job is tried again later
    return {"sent": True, "message_id": message["Message-ID"]}

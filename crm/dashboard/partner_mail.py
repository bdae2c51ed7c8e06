"""Liaisons hear of what partners did, in their own language: at once, or in a daily digest, as each prefers
(User.partner_news_mail). Every message is automatic (Date, Message-ID, Auto-Submitted: auto-generated, through
crm.mail); a mail server that is down is logged and never fails the guest's request."""
import logging
from datetime import UTC, date, datetime, time, timedelta
from email.message import EmailMessage
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from flask import current_app, render_template
from flask_babel import force_locale, gettext, ngettext
from sqlalchemy import select

from crm.auth.models import User
from crm.clock import office_timezone
from crm.dashboard.partner_activity import AT_ONCE, DAILY, PartnerNews, partner_news
from crm.extensions import db
from crm.jobs.mail import send
from crm.links import public_url_for
from crm.mail import Delivery, MailNotSent, build_message, deliver, stable_message_id
from crm.partnerships.models import Partnership
from crm.roles import Role

log = logging.getLogger("crm.partner_mail")
#: the most one message lists
MAIL_LIMIT = 200
TICK = timedelta(microseconds=1)


def _liaisons(partnership_ids, preference: str) -> dict[int, User]:
    """Partnership id -> its liaison, for the liaisons who chose this way of hearing (active staff only)."""
    rows = db.session.execute(
        select(Partnership.id, User).join(User, User.id == Partnership.liaison_id)
        .where(Partnership.id.in_(partnership_ids), Partnership.archived_at.is_(None),
               User.partner_news_mail == preference, User.active, User.role != Role.GUEST))
    return {partnership_id: user for partnership_id, user in rows}


def _lines(news: list[PartnerNews], liaison: User, language: str) -> list[dict]:
    zone = liaison.timezone or office_timezone()
    return [{"sentence": item.sentence, "city": item.partner_city, "excerpt": item.excerpt,
             "when": f"{format_datetime(item.at, 'short', tzinfo=ZoneInfo(zone), locale=language)} ({zone})",
             "url": public_url_for(item.link[0], **item.link[1])} for item in news]


def _message(liaison: User, news: list[PartnerNews], daily: bool, message_id: str | None = None) -> EmailMessage:
    language = liaison.language or current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(language):
        if daily:
            subject = ngettext("%(num)d new item from partners", "%(num)d new items from partners", len(news))
        else:
            subject = gettext("New from %(city)s: %(what)s", city=news[0].partner_city, what=news[0].sentence)
        text = render_template("dashboard/partner_news_mail.txt", liaison=liaison, daily=daily,
                               lines=_lines(news, liaison, language),
                               dashboard=public_url_for("dashboard.index", _anchor="partner-news"))
        return build_message(liaison.email, liaison.name, subject, text, language=language, automatic=True,
                             message_id=message_id)


def _by_liaison(news: list[PartnerNews], liaisons: dict[int, User]) -> dict[int, tuple[User, list[PartnerNews]]]:
    grouped: dict[int, tuple[User, list[PartnerNews]]] = {}
    for item in news:
        liaison = liaisons.get(item.partnership_id)
        if liaison is not None:
            grouped.setdefault(liaison.id, (liaison, []))[1].append(item)
    return grouped


def tell_liaisons_at_once(guest_id: int, since: datetime, partnership_ids: list[int]) -> list[tuple[User, Delivery]]:
    """After a guest's request: what they did since `since`, to the liaisons who want to hear at once."""
    try:
        news = partner_news(partnership_ids, since - TICK, by_user=guest_id, limit=MAIL_LIMIT)
        if not news:
            return []
        liaisons = _liaisons({item.partnership_id for item in news}, AT_ONCE)
        sent = [(liaison, send(_message(liaison, items, daily=False)))
                for liaison, items in _by_liaison(news, liaisons).values()]
        db.session.commit()  # the messages' jobs: the guest's own work was committed by the view
        return sent
    except Exception:  # what the guest saved is saved: a message that could not be made never fails their request
        log.exception("partner activity mail not sent")
        return []


def digest_window(as_of: date) -> tuple[datetime, datetime]:
    """The office's day before `as_of`, as a moment range: a daily run sends each day's news once."""
    zone = ZoneInfo(office_timezone())
    start = datetime.combine(as_of - timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
    return start, datetime.combine(as_of, time(0), tzinfo=zone).astimezone(UTC)


def _deliver(message: EmailMessage):
    try:
        return deliver(message)
    except MailNotSent:  # logged; the others are still sent, and the command says who was missed
        return Delivery.FAILED


def send_partner_digests(as_of: date) -> list[tuple[User, object]]:
    """E-mail each liaison who chose the daily digest what partners did on their partnerships the day before
    `as_of` (nothing to those with nothing new). Returns, like crm.health.digest.send_digests, (liaison, outbox
    path, None for SMTP, or Delivery.FAILED when the mail server did not take it)."""
    start, end = digest_window(as_of)
    liaisons = _liaisons(select(Partnership.id).where(Partnership.liaison_id.is_not(None)), DAILY)
    if not liaisons:
        return []
    news = partner_news(list(liaisons), start - TICK, end - TICK, limit=MAIL_LIMIT * 10)
    with current_app.test_request_context(base_url=current_app.config["PUBLIC_URL"]):
        return [(liaison, _deliver(_message(liaison, items[:MAIL_LIMIT], daily=True)))
                for liaison, items in _by_liaison(news, liaisons).values()]


def send_partner_digest_job(payload: dict) -> dict:
    """The scheduled daily digest of what partners did, for one liaison (crm.schedule.timetable); a mail server that
    is down is tried again later, the message keeping its Message-ID."""
    as_of, user_id = date.fromisoformat(payload["as_of"]), payload["user_id"]
    start, end = digest_window(as_of)
    liaisons = {pid: user for pid, user in _liaisons(select(Partnership.id).where(Partnership.liaison_id == user_id),
                                                      DAILY).items()}
    if not liaisons:
        return {"sent": False}
    news = partner_news(list(liaisons), start - TICK, end - TICK, limit=MAIL_LIMIT)
    grouped = _by_liaison(news, liaisons)
    if user_id not in grouped:
        return {"sent": False}
    liaison, items = grouped[user_id]
    with current_app.test_request_context(base_url=current_app.config["PUBLIC_URL"]):
        message = _message(liaison, items, daily=True,
                           message_id=stable_message_id(f"partner-digest:{as_of}:{user_id}"))
    deliver(message)  # a mail server that is down raises MailNotSent: the job is tried again later
    return {"sent": True, "message_id": message["Message-ID"]}

"""Anniversaries and reminders (issue 21 §4): the jubilee and due rules, the lead-time settings page, the
day's reminders e-mailed once per recipient in their language, the dashboard, partnership section and calendar."""
import email
import hashlib
import socket
from datetime import date, timedelta
from email import policy

import pytest
from sqlalchemy import func, select

from crm.agreements.models import Agreement, AgreementKind, AgreementStatus
from crm.enums import CommitmentStatus, PartnershipStatus, ReminderKind, Side
from crm.extensions import db
from crm.governance.models import Commitment, ReminderLeadTime, ReminderSent
from crm.governance.reminders import rules
from crm.governance.reminders.anniversaries import (
    add_months,
    anniversary_on,
    jubilees_between,
    next_jubilee,
    upcoming_anniversaries,
)
from crm.governance.reminders.leadtimes import DEFAULTS, LeadTimeError, lead_times, parse_days
from crm.governance.reminders.rules import due_lead, due_reminders
from crm.governance.reminders.sending import send_reminders
from crm.jobs.models import DONE, QUEUED, Job
from crm.jobs.perform import backoff, perform
from crm.jobs.queue import enqueue
from crm.jobs.sweep import take_due
from crm.mail import stable_message_id
from crm.partnerships.models import Partnership
from crm.programs.projects.models import JointProject, Milestone, ProjectStatus, ProjectTheme

TODAY = date(2026, 11, 25)  # the suite's frozen office date (tests/conftest.py)
TASK = "crm.governance.reminders.sending:send_reminders_job"


# The rules ---------------------------------------------------------------------------------------------------------


def test_jubilees_are_the_5th_to_the_60th_year_and_a_leap_day_falls_on_the_28th():
    assert anniversary_on(date(1987, 5, 12), 40) == date(2027, 5, 12)
    assert anniversary_on(date(2000, 2, 29), 5) == date(2005, 2, 28)  # a common year
    assert anniversary_on(date(2000, 2, 29), 20) == date(2020, 2, 29)  # a leap year
    assert [years for years, _on in jubilees_between(date(1966, 1, 1), date(1966, 1, 1), date(2100, 1, 1))] == [
        5, 10, 15, 20, 25, 30, 40, 50, 60]
    assert jubilees_between(date(1990, 3, 1), date(2025, 1, 1), date(2026, 12, 31)) == []  # the 35th is none
    assert next_jubilee(date(1987, 5, 12), TODAY) == (40, date(2027, 5, 12))
    assert next_jubilee(date(2021, 11, 25), TODAY) == (5, TODAY)  # today counts
    assert next_jubilee(date(1950, 1, 1), TODAY) is None  # past the 60th
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(TODAY, 12) == date(2027, 11, 25)


def test_a_reminder_is_due_lead_days_before_and_caught_up_until_the_date_never_after():
    on = date(2027, 1, 9)
    assert due_lead(on, (30, 7), date(2026, 12, 10)) == 30  # D − 30
    assert due_lead(on, (30, 7), date(2026, 12, 9)) is None  # too early
    assert due_lead(on, (30, 7), date(2026, 12, 20)) == 30  # caught up after a stop
    assert due_lead(on, (30, 7), date(2027, 1, 2)) == 7  # the nearest of those passed, not both
    assert due_lead(on, (30, 7), date(2027, 1, 8)) == 7
    assert due_lead(on, (30, 7), on) is None  # never on the date itself…
    assert due_lead(on, (30, 7, 0), on) == 0  # …unless a lead time of 0 days asks for it
    assert due_lead(on, (30, 7), date(2027, 1, 10)) is None  # never after


def test_lead_times_are_whole_days_up_to_730_at_most_six_duplicates_removed():
    assert parse_days("180, 30, 15,7") == (180, 30, 15, 7)
    assert parse_days("30 30 7") == (30, 7)
    assert parse_days("") == ()
    assert parse_days("0") == (0,)
    for bad in ("-1", "1.5", "abc", "731", "1,2,3,4,5,6,7", "٣"):
        with pytest.raises(LeadTimeError):
            parse_days(bad)


# Data ------------------------------------------------------------------------------------------------------------


def signed(session, partnership, title, signed_on=None, expires_on=None):
    agreement = Agreement(partnership=partnership, kind=AgreementKind.SISTER_CITY, status=AgreementStatus.SIGNED,
                          title=title, signed_on=signed_on, expires_on=expires_on)
    session.add(agreement)
    session.commit()
    return agreement


@pytest.fixture
def world(make, session):
    """Sapporo with a liaison reading Japanese: its 40th year in May 2027 (the 365-day reminder due), an agreement
    signed ten years ago on 20 December (the 30-day reminder due) and expiring in 30 days, a commitment due in 7
    days, a milestone due tomorrow; an admin."""
    admin = make.user("admin", name="Ada", email="ada@example.org")
    aiko = make.user("coordinator", name="Aiko", email="aiko@example.org", language="ja")
    sapporo = make.partnership(partner=make.city("Sapporo", native_name="札幌市"), liaison=aiko,
                               established_on=date(1987, 5, 12))
    agreement = signed(session, sapporo, "Sapporo sister-city agreement", date(2016, 12, 20),
                       TODAY + timedelta(days=30))
    commitment = Commitment(partnership=sapporo, side=Side.HOME, description="Send the orchestra proposal",
                            due_on=TODAY + timedelta(days=7))
    project = JointProject(partnership=sapporo, title="Snow festival", theme=ProjectTheme.CULTURE,
                           status=ProjectStatus.ACTIVE, occurred_on=TODAY - timedelta(days=30))
    session.add_all([commitment, project])
    session.commit()
    milestone = Milestone(project=project, title="Sculptors chosen", due_on=TODAY + timedelta(days=1))
    session.add(milestone)
    session.commit()
    return {"admin": admin, "aiko": aiko, "sapporo": sapporo, "agreement": agreement, "commitment": commitment,
            "milestone": milestone}


def outbox(folder) -> list:
    return [email.message_from_bytes(path.read_bytes(), policy=policy.default) for path in sorted(folder.glob("*.eml"))]


@pytest.fixture
def mailbox(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_OUTBOX", str(tmp_path))
    monkeypatch.setitem(app.config, "MAIL_SERVER", None)
    return tmp_path


def test_upcoming_anniversaries_from_two_queries(app_ctx, world, session, make, count_queries):
    old = make.partnership(established_on=date(2017, 1, 15))  # its 10th in January
    make.partnership(established_on=date(2017, 1, 15), status=PartnershipStatus.ENDED)  # not celebrated
    with count_queries() as counter:
        found = upcoming_anniversaries(select(Partnership.id), TODAY, 12)
    assert counter.count == 2
    assert [(a.years, a.on, a.kind) for a in found] == [
        (10, date(2026, 12, 20), "agreement"), (10, date(2027, 1, 15), "partnership"),
        (40, date(2027, 5, 12), "partnership")]
    assert found[1].partnership.id == old.id
    assert [a.years for a in upcoming_anniversaries([world["sapporo"].id], TODAY, 3)] == [10]


def test_due_today_per_kind_and_recipient(app_ctx, world, session, make):
    owner = make.user("coordinator", name="Owner")
    world["commitment"].owner = owner
    orphan = make.partnership(established_on=date(2021, 12, 2))  # no liaison: its 5th year, to the admins
    session.commit()
    found = due_reminders(TODAY)
    got = {(r.kind, r.lead, r.recipient.name) for r in found}
    assert got == {(ReminderKind.AGREEMENT_EXPIRY, 30, "Aiko"), (ReminderKind.ANNIVERSARY, 30, "Ada"),
                   (ReminderKind.ANNIVERSARY, 30, "Aiko"), (ReminderKind.ANNIVERSARY, 365, "Aiko"),
                   (ReminderKind.COMMITMENT_DUE, 7, "Owner"), (ReminderKind.MILESTONE, 1, "Aiko")}
    assert next(r for r in found if r.recipient.name == "Ada").partnership.id == orphan.id
    # The owner leaves: the liaison is reminded instead.
    owner.active = False
    session.commit()
    db.session.expire_all()  # the app's session read the owner before
    assert {r.recipient.name for r in due_reminders(TODAY) if r.kind == ReminderKind.COMMITMENT_DUE} == {"Aiko"}
    # Done commitments and reached milestones are not reminded of.
    world["commitment"].status = CommitmentStatus.DONE
    world["milestone"].done_on = TODAY
    session.commit()
    db.session.expire_all()
    assert {r.kind for r in due_reminders(TODAY)} == {ReminderKind.AGREEMENT_EXPIRY, ReminderKind.ANNIVERSARY}


def test_chosen_lead_times_replace_the_defaults(app_ctx, world, session):
    assert lead_times()[ReminderKind.MILESTONE] == DEFAULTS[ReminderKind.MILESTONE]
    session.add_all([ReminderLeadTime(kind=ReminderKind.MILESTONE, days=3)])
    session.commit()
    assert lead_times()[ReminderKind.MILESTONE] == (3,)
    # the milestone is due tomorrow: with only 3 days' notice, its reminder went (caught up) on the 22nd's
    # lead and is due now
    assert [r.lead for r in due_reminders(TODAY) if r.kind == ReminderKind.MILESTONE] == [3]


def test_review_due_uses_the_reviews_rule(app_ctx, world, session, monkeypatch):
    monkeypatch.setattr(rules, "review_dates", lambda today: {world["sapporo"].id: today + timedelta(days=30)})
    review = [r for r in due_reminders(TODAY) if r.kind == ReminderKind.REVIEW_DUE]
    assert [(r.lead, r.recipient.name, r.endpoint_args["section"]) for r in review] == [(30, "Aiko", "governance")]


def test_the_reviews_rule_itself_gives_dates(app_ctx, world, session):
    dates = rules.review_dates(TODAY)  # established 1987, never reviewed: overdue, so no reminder
    assert dates[world["sapporo"].id] <= TODAY
    assert not [r for r in due_reminders(TODAY) if r.kind == ReminderKind.REVIEW_DUE]


# Sending ---------------------------------------------------------------------------------------------------------


def test_one_mail_per_recipient_in_their_language_with_the_automatic_headers(app_ctx, world, mailbox, session):
    result = send_reminders(TODAY)
    db.session.commit()
    # Aiko: the expiry, the commitment (it has no owner), the milestone, two anniversaries
    assert result == {"messages": 1, "reminders": 5}
    sent = outbox(mailbox)
    assert len(sent) == 1
    message = sent[0]
    assert message["To"].addresses[0].addr_spec == "aiko@example.org"
    assert message["Content-Language"] == "ja" and message["Auto-Submitted"] == "auto-generated"
    assert message["Date"] and message["Message-ID"].startswith("<")
    assert "5" in message["Subject"]
    text = message.get_body(("plain",)).get_content()
    assert "2026年12月25日" in text  # the expiry date in Japanese
    assert "Sapporo sister-city agreement" in text and "Send the orchestra proposal" in text
    assert "提携40周年" in text and "締結10周年" in text  # 40 years of partnership, 10 years since the agreement
    assert "http://localhost/agreements/" in text
    html = message.get_body(("html",)).get_content()
    assert 'lang="ja"' in html and "Sculptors chosen" in html


def test_never_twice_even_when_run_twice(app_ctx, world, mailbox, session):
    send_reminders(TODAY)
    db.session.commit()
    assert send_reminders(TODAY) == {"messages": 0, "reminders": 0}
    db.session.commit()
    # the next day: the same lead times' reminders are not sent again (their rows are there)
    assert send_reminders(TODAY + timedelta(days=1)) == {"messages": 0, "reminders": 0}
    db.session.commit()
    assert len(outbox(mailbox)) == 1
    assert session.scalar(select(func.count()).select_from(ReminderSent)) == 5
    # a week on, the agreement's 7-day reminder is due
    assert send_reminders(TODAY + timedelta(days=23)) == {"messages": 1, "reminders": 1}


def test_html_escapes_what_users_typed(app_ctx, world, mailbox, session):
    world["milestone"].title = "<script>alert(1)</script>"
    session.commit()
    send_reminders(TODAY)
    db.session.commit()
    html = outbox(mailbox)[0].get_body(("html",)).get_content()
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_the_scheduled_job_sends_once_and_a_mail_server_down_is_retried_not_an_error(
        app, app_ctx, world, session, tmp_path, clock, monkeypatch):
    with socket.socket() as probe:  # a port where nothing listens: refused
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    for key, value in {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port, "MAIL_USE_TLS": False,
                       "MAIL_OUTBOX": str(tmp_path)}.items():
        monkeypatch.setitem(app.config, key, value)
    enqueue(TASK, {"as_of": TODAY.isoformat()}, key=f"reminders:{TODAY}")
    db.session.commit()  # the eager runner performs it, and then the mail's job, which fails
    jobs = {job.task: job for job in session.scalars(select(Job).order_by(Job.id))}
    assert jobs[TASK].status == DONE and jobs[TASK].result == {"messages": 1, "reminders": 5}
    mail_job = jobs["crm.jobs.mail:deliver_job"]
    keys = "|".join(sorted(session.scalars(select(ReminderSent.key))))
    digest = hashlib.sha256(keys.encode()).hexdigest()[:16]
    assert mail_job.status == QUEUED and "MailNotSent" in mail_job.error
    assert session.scalar(select(func.count()).select_from(ReminderSent)) == 5  # recorded with the queued mail
    # Run again (another host's scheduler): nothing more is queued.
    assert send_reminders(TODAY) == {"messages": 0, "reminders": 0}
    db.session.commit()
    monkeypatch.setitem(app.config, "MAIL_SERVER", None)  # the server is back (the outbox stands in for it)
    clock.shift(backoff(1) + timedelta(seconds=1))
    assert take_due() == [mail_job.id] and perform(mail_job.id) == DONE
    sent = outbox(tmp_path)
    assert len(sent) == 1 and sent[0]["Auto-Submitted"] == "auto-generated"
    assert sent[0]["Message-ID"] == stable_message_id(f"reminders:{TODAY}:{world['aiko'].id}:{digest}")


def test_the_timetable_asks_for_the_days_reminders(app_ctx, world):
    from datetime import UTC, datetime

    from crm.schedule.timetable import due_work

    morning = [key for key, _t, _p in due_work(datetime(2026, 11, 25, 15, tzinfo=UTC))]  # 07:00 in Portland
    assert "reminders:2026-11-25" in morning
    night = [key for key, _t, _p in due_work(datetime(2026, 11, 25, 14, tzinfo=UTC))]  # 06:00 in Portland
    assert "reminders:2026-11-25" not in night


# Pages -----------------------------------------------------------------------------------------------------------


def test_admins_choose_lead_times_and_bad_input_is_kept_with_its_message(client, login, session):
    login("admin")
    page = client.get("/settings/reminders")
    assert page.status_code == 200 and "180, 30, 7" in page.text  # the defaults are named
    bad = client.post("/settings/reminders", data={"agreement_expiry": "180, 900", "anniversary": "1,2,3,4,5,6,7",
                                                   "review_due": "x", "commitment_due": "7", "milestone": "",
                                                   "anniversary_lead_months": "12"})
    assert bad.status_code == 422
    assert "900" in bad.text and "180, 900" in bad.text  # what was typed, and why it is refused
    assert session.scalar(select(func.count()).select_from(ReminderLeadTime)) == 0
    done = client.post("/settings/reminders", data={"agreement_expiry": "180 30 15 7 7", "anniversary": "",
                                                    "review_due": "30", "commitment_due": "", "milestone": "",
                                                    "anniversary_lead_months": "18"})
    assert done.status_code == 302
    with client.application.app_context():
        chosen = lead_times()
        from crm.settings.service import stored_office_settings

        assert stored_office_settings().anniversary_lead_months == 18
    assert chosen[ReminderKind.AGREEMENT_EXPIRY] == (180, 30, 15, 7)
    assert chosen[ReminderKind.REVIEW_DUE] == (30,)
    assert chosen[ReminderKind.ANNIVERSARY] == DEFAULTS[ReminderKind.ANNIVERSARY]
    assert "180, 30, 15, 7" in client.get("/settings/reminders").text
    assert 'href="/settings/reminders"' in client.get("/settings/").text


@pytest.mark.parametrize("role", ["coordinator", "viewer"])
def test_only_admins_reach_the_settings(client, login, role):
    login(role)
    assert client.get("/settings/reminders").status_code == 403
    assert client.post("/settings/reminders", data={"anniversary_lead_months": "3"}).status_code == 403


def test_the_dashboard_lists_anniversaries_ahead(client, login, world, count_queries):
    login("viewer")
    page = client.get("/dashboard")
    assert page.status_code == 200
    assert "Anniversaries ahead" in page.text
    assert "40 years" in page.text and "May 12, 2027" in page.text and "Portland–Sapporo" in page.text


def test_the_partnership_section_shows_the_next_jubilees(client, login, world):
    login("viewer")
    page = client.get(f"/partnerships/{world['sapporo'].id}?section=governance")
    assert page.status_code == 200
    assert "Next anniversaries" in page.text and "40 years" in page.text and "10 years" in page.text


def test_the_calendar_shows_jubilees_to_staff(client, login, world):
    login("viewer")
    upcoming = client.get("/calendar/")
    assert "10 years since “Sapporo sister-city agreement” was signed" in upcoming.text
    may = client.get("/calendar/month?month=2027-05")
    assert "40 years of partnership" in may.text
    jubilees_only = client.get("/calendar/month?month=2027-05&kind=jubilee")
    assert "40 years of partnership" in jubilees_only.text


def test_the_feed_has_jubilees_for_staff(app_ctx, world, session):
    from crm.calendar.feed import build_feed

    body = build_feed(world["aiko"], select(Partnership.id), TODAY).decode()
    assert "jubilee-partnership-" in body and "DTSTART;VALUE=DATE:20270512" in body


def test_the_demo_has_a_40th_anniversary_and_an_agreements_10th_coming_up(app, session):
    from crm.demo.seed import seed_demo

    with app.app_context():
        seed_demo(TODAY)
        db.session.commit()
        ahead = upcoming_anniversaries(select(Partnership.id), TODAY, 12)
        assert any(a.years == 40 and a.kind == "partnership" and a.partnership.partner_city.name == "Kyoto"
                   for a in ahead)
        assert any(a.years == 10 and a.kind == "agreement" for a in ahead)
        assert due_reminders(TODAY)  # and the 365-day reminder of the 40th is due


def test_saving_lead_times_twice_keeps_what_stays_and_is_audited(app_ctx, session):
    from crm.governance.reminders.leadtimes import chosen_lead_times, save_lead_times

    save_lead_times({ReminderKind.MILESTONE: (14, 3)})
    db.session.commit()
    save_lead_times({ReminderKind.MILESTONE: (3, 1), ReminderKind.ANNIVERSARY: ()})
    db.session.commit()
    assert chosen_lead_times() == {ReminderKind.MILESTONE: (3, 1)}
    from crm.audit.models import AuditEvent

    actions = session.scalars(select(AuditEvent.action).where(AuditEvent.record_type == "reminder_lead_times")).all()
    assert sorted(actions) == ["create", "create", "create", "delete"]  # 14 and 3, then 1; 14 removed


def test_the_command_sends_now_and_never_twice(app, world, mailbox):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["crm", "send-reminders"])
    assert first.exit_code == 0 and "5 reminder(s) in 1 message(s)" in first.output
    again = runner.invoke(args=["crm", "send-reminders", "--as-of", "2026-11-25"])
    assert "0 reminder(s) in 0 message(s)" in again.output
    assert len(outbox(mailbox)) == 1

"""`flask --app wsgi crm …` commands."""
import click
from flask.cli import with_appcontext
from sqlalchemy import select

from crm.auth.models import User
from crm.auth.passwords import password_problems
from crm.extensions import db
from crm.roles import Role


@click.group("crm")
def crm_cli():
    """Sister City CRM commands."""


@crm_cli.command("create-admin")
@click.option("--email", prompt=True, help="The administrator's e-mail address.")
@click.option("--name", prompt=True, help="The administrator's full name.")
@with_appcontext
def create_admin(email: str, name: str):
    """Create an administrator (asks for the password without echoing it)."""
    email = email.strip().lower()
    if "@" not in email:
        raise click.UsageError("That is not an e-mail address.")
    if db.session.scalar(select(User).where(User.email == email)) is not None:
        raise click.UsageError(f"A user with the e-mail address {email} exists already.")
    while True:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
        problems = password_problems(password, email)
        if not problems:
            break
        for problem in problems:
            click.echo(str(problem), err=True)
    user = User(email=email, name=name.strip(), role=Role.ADMIN)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    click.echo(f"Administrator {email} created.")


@crm_cli.command("seed-demo")
@with_appcontext
def seed_demo_command():
    """Load the demo portfolio and demo accounts (once; later runs change nothing)."""
    from crm.demo.seed import DEMO_GUESTS, DEMO_PASSWORD, DEMO_USERS, seed_demo

    if seed_demo():
        db.session.commit()
        click.echo("Demo data loaded. Sign in with one of these accounts (password: %s):" % DEMO_PASSWORD)
        for email, _name, role in DEMO_USERS:
            click.echo(f"  {email:<28} {role.value}")
        for email, _geonames_id, _language in DEMO_GUESTS:
            click.echo(f"  {email:<28} guest")
    else:
        click.echo("Demo data is already there; nothing changed.")


@crm_cli.command("ceremonial")
@click.option("--format", "output", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Evaluate the rule at another date (YYYY-MM-DD); default: today at the office.")
@click.option("--all", "include_all", is_flag=True, help="List every partnership, not only the flagged ones.")
@click.option("--language", default=None, help="Language of the reasons (en, es, …); default: the office's.")
@click.option("--home-city", "home_city", default=None,
              help="Only the partnerships of this home city (its English name), for an association of cities.")
@with_appcontext
def ceremonial_command(output: str, as_of, include_all: bool, language: str | None, home_city: str | None):
    """Partnerships that have gone ceremonial or are at risk, with the reason for each."""
    from crm.clock import office_today
    from crm.health.report import flagged_rows, render_rows
    from crm.settings.service import home_city_names

    home_city_ids = None
    if home_city:
        home_city_ids = {city_id for city_id, name in home_city_names()
                         if name.casefold() == home_city.strip().casefold()}
        if not home_city_ids:
            raise click.BadParameter(f"{home_city!r} is not one of the home cities in the settings.",
                                     param_hint="--home-city")
    day = as_of.date() if as_of else office_today()
    rows = flagged_rows(day, include_all=include_all, language=language, home_city_ids=home_city_ids)
    click.echo(render_rows(rows, output), nl=False)


@crm_cli.command("send-digest")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None)
@with_appcontext
def send_digest_command(as_of):
    """E-mail each liaison a digest of their partnerships needing attention (safe to run daily from cron)."""
    from crm.clock import office_today
    from crm.dashboard.partner_mail import send_partner_digests
    from crm.health.digest import send_digests

    day = as_of.date() if as_of else office_today()
    sent = send_digests(day)
    sent += send_partner_digests(day)
    if not sent:
        click.echo("No liaison has anything needing attention; nothing sent.")
    from crm.mail import Delivery

    failed = [user for user, path in sent if path is Delivery.FAILED]
    for user, path in sent:
        click.echo(f"{user.email}: " + ("NOT SENT: the mail server did not take it" if path is Delivery.FAILED
                                        else f"written to {path}" if path else "sent by SMTP"))
    if any(path and path is not Delivery.FAILED for _user, path in sent):
        click.echo("No SMTP server is configured (MAIL_SERVER), so the messages were written to the outbox above.")
    if failed:
        raise click.ClickException(f"{len(failed)} digest(s) not sent: check the mail server (MAIL_SERVER) and "
                                   "run the command again.")


@crm_cli.command("send-reminders")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None)
@with_appcontext
def send_reminders_command(as_of):
    """E-mail the reminders due today (the scheduler does it every morning; a reminder is never sent twice)."""
    from crm.clock import office_today
    from crm.extensions import db
    from crm.governance.reminders.sending import send_reminders

    result = send_reminders(as_of.date() if as_of else office_today())
    db.session.commit()
    click.echo(f"{result['reminders']} reminder(s) in {result['messages']} message(s).")


@crm_cli.command("purge-deleted")
@with_appcontext
def purge_deleted_command():
    """Remove for good the engagements and documents deleted more than 30 days ago, the sensitive values past
    the retention rules and the rosters past the office's retention (safe to run daily from cron)."""
    from crm.clock import office_today
    from crm.extensions import db
    from crm.people.retention import purge_sensitive
    from crm.protocol.rosters.operations import purge_old_rosters
    from crm.trash.operations import purge

    engagements, documents = purge()
    sensitive_values = purge_sensitive()
    participants = purge_old_rosters(office_today())
    db.session.commit()
    click.echo(f"Removed {engagements} deleted engagements and {documents} deleted documents.")
    click.echo(f"Purged {sensitive_values} sensitive values past their retention.")
    click.echo(f"Removed {participants} participants of rosters older than the office keeps them.")


from crm.attachments.cli import files_cli  # noqa: E402  (the attachments' own module)
from crm.backup_cli import export_command, import_command  # noqa: E402  (the backup's own module)
from crm.cities.cli import cities_cli  # noqa: E402  (the cities' own module)
from crm.imports.cli import import_partnerships_command  # noqa: E402  (the import feature's own module)
from crm.jobs_cli import jobs_command, scheduler_command, worker_command  # noqa: E402  (the job queue's processes)

crm_cli.add_command(import_partnerships_command)
crm_cli.add_command(export_command)
crm_cli.add_command(import_command)
crm_cli.add_command(files_cli)
crm_cli.add_command(cities_cli)
crm_cli.add_command(worker_command)
crm_cli.add_command(scheduler_command)
crm_cli.add_command(jobs_command)

"""`flask --app wsgi crm …` commands."""
import click
from flask.cli import with_appcontext
from sqlalchemy import select

from crm.auth.models import User
from crm.auth.passwords import password_problems
from crm.auth.roles import Role
from crm.extensions import db


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
    from crm.demo.seed import DEMO_PASSWORD, DEMO_USERS, seed_demo

    if seed_demo():
        db.session.commit()
        click.echo("Demo data loaded. Sign in with one of these accounts (password: %s):" % DEMO_PASSWORD)
        for email, _name, role in DEMO_USERS:
            click.echo(f"  {email:<28} {role.value}")
    else:
        click.echo("Demo data is already there; nothing changed.")

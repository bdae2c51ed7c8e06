"""`flask --app wsgi crm cities …`: cities' own names."""
import click
from flask.cli import with_appcontext

from crm.cities.native import refresh
from crm.extensions import db


@click.group("cities")
def cities_cli():
    """Cities and their own names."""


@cities_cli.command("refresh-native-names")
@click.option("--dry-run", is_flag=True, help="Only list the names that would change.")
@with_appcontext
def refresh_native_names_command(dry_run: bool):
    """Give every city from the gazetteer whose own name no staff member confirmed the name, language and
    source the gazetteer's data has now (crm/cities/data/native_names.json). Confirmed names stay."""
    changes = refresh(dry_run=dry_run)
    for city, old, new in changes:
        click.echo(f"{city.name} ({city.country_code}): {old or '—'} → {new or '—'}")
    if dry_run:
        db.session.rollback()
        click.echo(f"{len(changes)} cities would change.")
    else:
        db.session.commit()
        click.echo(f"{len(changes)} cities changed; confirmed names were left alone.")

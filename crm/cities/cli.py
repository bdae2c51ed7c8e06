"""`flask --app wsgi crm cities …`: cities' own names, the gazetteer's index."""
import click
from flask import current_app
from flask.cli import with_appcontext

from crm.cities.native import refresh
from crm.extensions import db


@click.group("cities")
def cities_cli():
    """Cities, their own names and the gazetteer's index."""


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


@cities_cli.command("build-index")
@click.option("--force", is_flag=True, help="Build it again even if the one there is current.")
@with_appcontext
def build_index_command(force: bool):
    """Build the gazetteer's index on disk that the city picker searches (GAZETTEER_INDEX, else the instance
    folder), if it is missing or stale: run once per release, so that no web worker waits for it."""
    from crm.cities.gazetteer_index import ensure, index_path

    path = index_path(current_app)
    built = ensure(path, in_process=True, force=force)
    size = path.stat().st_size / 1_000_000
    click.echo(f"{'Built' if built else 'Already current'}: {path} ({size:.0f} MB)")

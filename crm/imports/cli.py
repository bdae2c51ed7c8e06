"""`flask --app wsgi crm import-partnerships PATH`: the web import's steps, from a terminal."""
import secrets
import sys
import time
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import func, select

from crm.auth.models import User
from crm.cities.models import City
from crm.extensions import db
from crm.imports import staging
from crm.imports.columns import ASSOCIATION, PARTNERS, PARTNERSHIPS, fields_for, guess_mapping
from crm.imports.models import READY, ImportJob
from crm.imports.progress import PROGRESS
from crm.imports.reading import UnreadableFile, read_table
from crm.imports.writing import apply
from crm.roles import Role
from crm.settings.models import HomeCity


def import_file(path: Path, association: bool, home_city: City | None, take_best: bool = False,
                create: bool = True, echo=None) -> dict:
    """Read, match, plan and write a partnerships file in one go; returns the figures."""
    echo = echo or (lambda message: None)
    timings = {}
    start = time.perf_counter()
    headers, rows = read_table(path.name, path.read_bytes())
    mode = ASSOCIATION if association else PARTNERS
    admin = db.session.scalar(select(User).where(User.role == Role.ADMIN).order_by(User.id).limit(1))
    if admin is None:
        raise click.ClickException("Create an administrator first (flask --app wsgi crm create-admin).")
    mapping = guess_mapping(headers, fields_for(PARTNERSHIPS, mode))
    job = ImportJob(token=secrets.token_urlsafe(24), user_id=admin.id, kind=PARTNERSHIPS, mode=mode,
                    home_city_id=home_city.id if home_city else None, filename=path.name[:255], status=READY,
                    data={"headers": headers, "rows": rows, "mapping": mapping})
    db.session.add(job)
    db.session.flush()
    timings["read_seconds"] = time.perf_counter() - start
    echo(f"{len(rows)} rows; columns: " + ", ".join(f"{k}={headers[v]}" for k, v in mapping.items() if v is not None))

    def matching_progress(done, total):
        echo(f"\rmatching cities {done}/{total}", nl=False)

    start = time.perf_counter()
    staging.stage_partnerships(job, progress=matching_progress)
    echo("")
    timings["match_seconds"] = time.perf_counter() - start
    cities = [dict(c) for c in job.data["cities"]]
    for entry in cities:
        if entry["choice"] is None and take_best and entry["match"]["candidates"]:
            entry["choice"] = f"gn:{entry['match']['candidates'][0]['geonames_id']}"
        if entry["choice"] == "create" and not create:
            entry["choice"] = None
    job.data = {**job.data, "cities": cities}
    figures = staging.counts(job)

    def writing_progress(done, total):
        echo(f"\rwriting partnerships {done}/{total}", nl=False)

    start = time.perf_counter()
    summary = apply(job, None, writing_progress)
    db.session.commit()
    PROGRESS.pop(job.token, None)
    echo("")
    timings["write_seconds"] = time.perf_counter() - start
    return {**figures, **summary, **timings}


@click.command("import-partnerships")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--association", is_flag=True, help="Every row's first city (city1) is a home city of the association.")
@click.option("--home-city", "home_city", default=None,
              help="The home city whose partners the file lists (its English name); default: the office's.")
@click.option("--take-best", is_flag=True, help="Take the best candidate for cities that were ambiguous.")
@click.option("--no-create", is_flag=True, help="Skip cities not in the gazetteer instead of adding them from the file.")
@with_appcontext
def import_partnerships_command(path: Path, association: bool, home_city: str | None, take_best: bool,
                                no_create: bool):
    """Import partnerships from a CSV or XLSX file: all rows or none."""
    from crm.settings.service import office_settings

    home = None
    if not association:
        if home_city:
            home = db.session.scalar(select(City).join(HomeCity, HomeCity.city_id == City.id)
                                     .where(func.lower(City.name) == home_city.strip().lower()))
            if home is None:
                raise click.BadParameter(f"{home_city!r} is not one of the home cities in the settings.",
                                         param_hint="--home-city")
        else:
            default = office_settings().default_home_city
            home = default.city if default else None
        if home is None:
            raise click.UsageError("Give --home-city, or --association.")
    try:
        figures = import_file(path, association, home, take_best, not no_create,
                              echo=lambda message, nl=True: click.echo(message, nl=nl, err=True))
    except UnreadableFile as error:
        raise click.ClickException(str(error)) from error
    except Exception:
        db.session.rollback()
        click.echo("The import failed; nothing was written.", err=True)
        raise
    for key in ("rows", "partnerships", "skipped", "cities", "matched", "ambiguous", "unmatched", "create",
                "home_cities", "match_seconds", "write_seconds"):
        value = figures.get(key)
        click.echo(f"{key:>16}: {value:.1f}" if isinstance(value, float) else f"{key:>16}: {value}")
    for reason, count in figures["reasons"].items():
        click.echo(f"{'skipped: ' + reason:>28}: {count}")
    sys.stdout.flush()

"""`flask --app wsgi crm files …`: the stored files (attachments and emblems, in the local folder or the object
store) against their rows."""
import click
from flask.cli import with_appcontext

from crm.attachments.consistency import DEFAULT_MIN_AGE_MINUTES, check_files


@click.group("files")
def files_cli():
    """The file store (attachments and emblems): files without rows, rows without files."""


@files_cli.command("check")
@click.option("--remove", is_flag=True,
              help="Delete the files no row names, and give committed files left under a temporary name their name.")
@click.option("--older-than", "older_than", type=click.FloatRange(min=0), default=DEFAULT_MIN_AGE_MINUTES,
              show_default=True, help="Judge only files at least this many minutes old (an upload may be on its way).")
@with_appcontext
def check_command(remove: bool, older_than: float):
    """List files without rows and rows without files (safe to run daily from cron; exits 1 when something is
    left to act on)."""
    try:
        report = check_files(remove=remove, min_age_minutes=older_than)
    except OSError as error:  # the object store does not answer, or refuses the credentials
        raise click.ClickException(f"The file store could not be listed ({error.strerror or error}).") from None
    removed, finished, where = set(report.removed), set(report.finished), report.where
    for key in report.orphans:
        click.echo(f"{'removed' if key in removed else 'no row'}: {where(key)} ({report.sizes[key]} bytes)")
    for key in report.unfinished:
        click.echo(f"{'finished' if key in finished else 'committed, still temporary'}: {where(key)}")
    for row, key in report.missing:
        click.echo(f"no file: {row} (expected at {where(key)})")
    for key in report.foreign:
        click.echo(f"not an attachment file, left alone: {where(key)}")
    for key, reason in report.failed:
        click.echo(f"could not fix: {where(key)} ({reason})", err=True)
    summary = (f"{len(report.orphans)} files without rows ({report.orphan_bytes} bytes), "
               f"{len(report.unfinished)} committed files still under a temporary name, "
               f"{len(report.missing)} rows without files")
    if report.recent:
        summary += f"; {report.recent} files younger than {older_than:g} minutes not judged"
    click.echo(summary + ".")
    if report.orphans and not remove:
        click.echo("Run again with --remove to delete the files without rows.")
    if report.missing:
        click.echo("Rows without files cannot be repaired here: restore the files from a backup, "
                   "or delete those documents in the application.")
    if not report.clean:
        raise SystemExit(1)


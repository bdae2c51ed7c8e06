"""`flask crm export`, `flask crm import` and `flask crm import --check`: the backup archive (crm.backup,
crm.backup_restore) from the command line."""
import os
from pathlib import Path

import click
from flask.cli import with_appcontext

from crm.backup_encryption import MIN_PASSPHRASE_LENGTH, is_encrypted

PASSPHRASE_VARIABLE = "CRM_BACKUP_PASSPHRASE"
_PASSPHRASE_FILE = click.option(
    "--passphrase-file", type=click.Path(exists=True, dir_okay=False),
    help=f"Read the passphrase from the first line of this file (for scripts; or set {PASSPHRASE_VARIABLE}). "
         "Without either, it is asked for.")


def _passphrase(passphrase_file: str | None, confirm: bool) -> str:
    """From a file, the environment or a prompt — never from the command line, where `ps` would show it."""
    if passphrase_file:
        with open(passphrase_file, encoding="utf-8") as file:
            return file.readline().rstrip("\r\n")
    if os.environ.get(PASSPHRASE_VARIABLE):
        return os.environ[PASSPHRASE_VARIABLE]
    return click.prompt("Passphrase", hide_input=True, confirmation_prompt=confirm)


def _refusal(error, outcome: str) -> str:
    """One line: what is wrong, what to do, and that nothing was written."""
    return " ".join(part for part in (f"{error}.", error.advice, outcome) if part)


@click.command("export")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
@click.option("--encrypt", is_flag=True, help="Seal the archive with a passphrase (scrypt and AES-256-GCM).")
@_PASSPHRASE_FILE
@with_appcontext
def export_command(path: str, encrypt: bool, passphrase_file: str | None):
    """Write everything — every table and every attachment — into one archive (a zip), readable only by you."""
    from crm.backup import ExportError, export_archive

    if passphrase_file and not encrypt:
        raise click.UsageError("--passphrase-file goes with --encrypt.")
    passphrase = _passphrase(passphrase_file, confirm=True) if encrypt else None
    if encrypt and len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise click.ClickException(f"The passphrase must have at least {MIN_PASSPHRASE_LENGTH} characters.")
    try:
        counts = export_archive(Path(path), passphrase=passphrase)
    except ExportError as error:
        raise click.ClickException(f"{error}. No archive was written.") from error
    except OSError as error:
        raise click.ClickException(f"Could not export to {path} ({error.filename or path}: "
                                   f"{error.strerror or error}). No archive was written.") from error
    click.echo(f"Exported {sum(counts.values())} rows from {len(counts)} tables and {counts['attachments']} "
               f"attached files to {path}{' (encrypted)' if encrypt else ''}, and checked the archive: every reference "
               "resolves and every file matches its checksum.")
    if not encrypt:
        click.echo("The archive holds password hashes, two-factor secrets and session tokens in clear: it is "
                   "readable only by you (mode 0600); use --encrypt before it leaves this server.")


@click.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--check", "check_only", is_flag=True,
              help="Only check the archive, completely, as a restore would, and write nothing (a restore drill; "
                   "the database need not be empty).")
@_PASSPHRASE_FILE
@with_appcontext
def import_command(path: str, check_only: bool, passphrase_file: str | None):
    """Restore an archive made by `crm export` into an empty database (asks for the passphrase if it is encrypted)."""
    from crm.backup_checks import RestoreError
    from crm.backup_restore import check_archive_file, import_archive
    from crm.extensions import db

    passphrase = _passphrase(passphrase_file, confirm=False) if is_encrypted(path) else None
    if check_only:
        try:
            contents = check_archive_file(Path(path), passphrase=passphrase)
        except RestoreError as error:
            db.session.rollback()
            raise click.ClickException(_refusal(error, "The archive would not restore as it is; nothing was "
                                                       "written.")) from error
        db.session.rollback()
        click.echo(f"The archive is sound: {contents.rows} rows in {contents.tables} tables and {contents.files} "
                   f"attachment{'' if contents.files == 1 else 's'} ({contents.file_bytes} bytes); every reference "
                   "resolves and every file matches its checksum. Nothing was written.")
        return
    try:
        counts = import_archive(Path(path), passphrase=passphrase)
    except RestoreError as error:
        db.session.rollback()
        raise click.ClickException(_refusal(error, "Nothing was restored.")) from error
    click.echo(f"Restored {sum(counts.values())} rows into {len(counts)} tables, with attachments.")

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from crm.database import render_migration_type
from crm.extensions import db


@pytest.mark.filterwarnings("ignore:.*expression-based index")
def test_models_and_migrations_do_not_drift(app, _transaction):
    """After `flask db upgrade`, autogenerate finds nothing left to do."""
    context = MigrationContext.configure(_transaction, opts={"compare_type": True,
                                                             "render_item": render_migration_type})
    differences = compare_metadata(context, db.metadata)
    # SQLite cannot reflect expression indexes; they are created by hand in the migration.
    differences = [d for d in differences if not (d[0] == "add_index" and d[1].name == "ix_cities_name_lower"
                                                  and app.config["DB_LANE"] == "sqlite")]
    # Indexes declared for another database only (.ddl_if(dialect=...), e.g. the search's trigram indexes).
    elsewhere = {index.name for table in db.metadata.tables.values() for index in table.indexes
                 if index._ddl_if is not None and index._ddl_if.dialect not in (None, app.config["DB_LANE"])}
    differences = [d for d in differences if not (d[0] == "add_index" and d[1].name in elsewhere)]
    assert differences == []


def test_new_revisions_are_named_date_first():
    """Alembic names new revision files by date so their order shows on disk (published files keep their names)."""
    import configparser
    from pathlib import Path

    config = configparser.ConfigParser(interpolation=None)
    config.read(Path(__file__).parent.parent / "migrations" / "alembic.ini")
    assert config["alembic"]["file_template"].startswith("%%(year)d%%(month).2d%%(day).2d_")

"""search_indexes: trigram indexes for the search box (PostgreSQL only)

Revision ID: e6f4c3a2b1d5
Revises: d5e3b2f1a0c4
Create Date: 2026-11-25 20:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e6f4c3a2b1d5'
down_revision = 'd5e3b2f1a0c4'
branch_labels = None
depends_on = None

# GIN trigram indexes serve ILIKE '%…%' in any script; SQLite has no such
# index and searches by scanning instead.
INDEXES = [
    ('ix_engagements_title_trgm', 'engagements', ['title']),
    ('ix_cities_names_trgm', 'cities', ['name', 'native_name', 'alternate_names']),
    ('ix_contacts_search_trgm', 'contacts', ['name', 'email', 'job_title']),
    ('ix_organizations_name_trgm', 'organizations', ['name']),
]


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
        for name, table, columns in INDEXES:
            op.create_index(name, table, columns, unique=False, postgresql_using='gin',
                            postgresql_ops={column: 'gin_trgm_ops' for column in columns})


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for name, table, _columns in reversed(INDEXES):
            op.drop_index(name, table_name=table, postgresql_using='gin')
        # The extension stays: other database objects may have come to rely on it.

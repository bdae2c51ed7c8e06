"""repair what placeholder-era upgrades left out (api_tokens, import_jobs, search indexes)

Revision ID: b9c8d7e6f5a4
Revises: a8b6e5d4c3f7
Create Date: 2026-12-06 01:30:00

Revisions d5e3b2f1a0c4 (imports), e6f4c3a2b1d5 (search indexes) and
f7a5d4c3b2e6 (api tokens) were published empty (commit c52d967), had
a8b6e5d4c3f7 stacked on them, and were filled in afterwards (e6bd1f1). A
database upgraded in between is at a later revision yet has none of what they
create, and Alembic never runs them again. This revision creates, as those
three revisions define it, whatever such a database lacks, and leaves alone
what is there: on a database that ran them in full it does nothing.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b9c8d7e6f5a4'
down_revision = 'a8b6e5d4c3f7'
branch_labels = None
depends_on = None

# As e6f4c3a2b1d5 creates them (PostgreSQL only).
TRIGRAM_INDEXES = [
    ('ix_engagements_title_trgm', 'engagements', ['title']),
    ('ix_cities_names_trgm', 'cities', ['name', 'native_name', 'alternate_names']),
    ('ix_contacts_search_trgm', 'contacts', ['name', 'email', 'job_title']),
    ('ix_organizations_name_trgm', 'organizations', ['name']),
]


def create_import_jobs():
    """The table as d5e3b2f1a0c4 creates it (later revisions change it from there)."""
    op.create_table('import_jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('mode', sa.String(length=16), nullable=False),
    sa.Column('home_city_id', sa.Integer(), nullable=True),
    sa.Column('partnership_id', sa.Integer(), nullable=True),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('processed', sa.Integer(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('summary', sa.JSON(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['home_city_id'], ['cities.id'], name=op.f('fk_import_jobs_home_city_id_cities'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnerships.id'], name=op.f('fk_import_jobs_partnership_id_partnerships'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_import_jobs_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_jobs')),
    sa.UniqueConstraint('token', name=op.f('uq_import_jobs_token'))
    )


def create_api_tokens():
    """The table as f7a5d4c3b2e6 creates it."""
    op.create_table('api_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('prefix', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_api_tokens_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_tokens_token_hash'))
    )


# table -> (how to create it, its indexes as (name, columns))
TABLES = {
    'import_jobs': (create_import_jobs, [('ix_import_jobs_user_id', ['user_id'])]),
    'api_tokens': (create_api_tokens, [('ix_api_tokens_user_id', ['user_id'])]),
}


def upgrade():
    bind = op.get_bind()
    inspector = sa.inspect(bind)
    tables = set(inspector.get_table_names())
    for table, (create, indexes) in TABLES.items():
        # The three revisions add no column to a table that was there before them: a
        # table is either missing with all its columns, or there with all of them.
        if table not in tables:
            create()
            present = set()
        else:
            present = {index['name'] for index in inspector.get_indexes(table)}
        for name, columns in indexes:
            if name not in present:
                op.create_index(name, table, columns, unique=False)

    if bind.dialect.name == 'postgresql':
        op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
        for name, table, columns in TRIGRAM_INDEXES:
            if name not in {index['name'] for index in inspector.get_indexes(table)}:
                op.create_index(name, table, columns, unique=False, postgresql_using='gin',
                                postgresql_ops={column: 'gin_trgm_ops' for column in columns})


def downgrade():
    # Nothing to undo. What upgrade() created belongs to d5e3b2f1a0c4, e6f4c3a2b1d5 and
    # f7a5d4c3b2e6: after it, the database holds what those revisions describe, and
    # their own downgrades drop it on the way to base. Dropping it here would make
    # theirs fail, and would take from a database that never lacked them its import
    # jobs and API tokens.
    pass

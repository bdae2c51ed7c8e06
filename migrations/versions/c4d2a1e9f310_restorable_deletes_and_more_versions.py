"""restorable deletes of engagements and attachments; versions on milestones, itinerary items, cities, settings

Revision ID: c4d2a1e9f310
Revises: b7e1c2f0a9d1
Create Date: 2026-11-25 19:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4d2a1e9f310'
down_revision = 'b7e1c2f0a9d1'
branch_labels = None
depends_on = None

HEALTH_INCLUDED = ['pillar', 'initiated_by', 'logged_by_side', 'created_at']
LIVE = sa.text('deleted_at IS NULL')


def upgrade():
    for table in ('engagements', 'attachments'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True))
            batch_op.add_column(sa.Column('deleted_by_id', sa.Integer(), nullable=True))
            batch_op.create_foreign_key(batch_op.f(f'fk_{table}_deleted_by_id_users'), 'users', ['deleted_by_id'],
                                        ['id'], ondelete='SET NULL')

    with op.batch_alter_table('engagements', schema=None) as batch_op:
        # The health figures read only live engagements: partial indexes keep them index-only.
        batch_op.drop_index('ix_engagements_partnership_substantive_date')
        batch_op.drop_index('ix_engagements_date')
        batch_op.create_index('ix_engagements_partnership_substantive_date',
                              ['partnership_id', 'substantive', 'occurred_on'], unique=False,
                              postgresql_include=HEALTH_INCLUDED, postgresql_where=LIVE, sqlite_where=LIVE)
        batch_op.create_index('ix_engagements_date', ['occurred_on'], unique=False,
                              postgresql_include=['substantive', 'partnership_id'],
                              postgresql_where=LIVE, sqlite_where=LIVE)
        batch_op.create_index('ix_engagements_deleted_at', ['deleted_at'], unique=False)

    for table in ('milestones', 'itinerary_items', 'cities', 'office_settings'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))


def downgrade():
    for table in ('office_settings', 'cities', 'itinerary_items', 'milestones'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('version')

    with op.batch_alter_table('engagements', schema=None) as batch_op:
        batch_op.drop_index('ix_engagements_deleted_at')
        batch_op.drop_index('ix_engagements_date')
        batch_op.drop_index('ix_engagements_partnership_substantive_date')
        batch_op.create_index('ix_engagements_partnership_substantive_date',
                              ['partnership_id', 'substantive', 'occurred_on'], unique=False,
                              postgresql_include=HEALTH_INCLUDED)
        batch_op.create_index('ix_engagements_date', ['occurred_on'], unique=False,
                              postgresql_include=['substantive', 'partnership_id'])

    for table in ('attachments', 'engagements'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'fk_{table}_deleted_by_id_users'), type_='foreignkey')
            batch_op.drop_column('deleted_by_id')
            batch_op.drop_column('deleted_at')

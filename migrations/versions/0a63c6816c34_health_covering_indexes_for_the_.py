"""health: covering indexes for the ceremonial aggregate

The health figures are answered per partnership from the index on
(partnership_id, substantive, occurred_on); on PostgreSQL it now also
carries the columns those figures read, so they need no table access.
SQLite ignores INCLUDE.

Revision ID: 0a63c6816c34
Revises: a25e36f7c2a3
Create Date: 2026-11-25 17:35:31.869606

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0a63c6816c34'
down_revision = 'a25e36f7c2a3'
branch_labels = None
depends_on = None

INCLUDED = ['pillar', 'initiated_by', 'logged_by_side', 'created_at']


def upgrade():
    with op.batch_alter_table('engagements', schema=None) as batch_op:
        batch_op.drop_index('ix_engagements_partnership_substantive_date')
        batch_op.create_index('ix_engagements_partnership_substantive_date',
                              ['partnership_id', 'substantive', 'occurred_on'], unique=False,
                              postgresql_include=INCLUDED)
        batch_op.create_index('ix_engagements_date', ['occurred_on'], unique=False,
                              postgresql_include=['substantive', 'partnership_id'])


def downgrade():
    with op.batch_alter_table('engagements', schema=None) as batch_op:
        batch_op.drop_index('ix_engagements_date')
        batch_op.drop_index('ix_engagements_partnership_substantive_date')
        batch_op.create_index('ix_engagements_partnership_substantive_date',
                              ['partnership_id', 'substantive', 'occurred_on'], unique=False)

"""the chain of activity stamps: which partnerships each change was about, so cached health figures are brought
up to date for those only (issue 19)

activity_changes: one row per move of office_settings.activity_stamp (stamp, the stamp it replaced, the
partnership ids changed; null: anything). Only the last rows are kept by the app.

Revision ID: 3b8e1f0c7a52
Revises: 7c1e9d2a4b30
Create Date: 2026-12-06 13:35:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3b8e1f0c7a52'
down_revision = '7c1e9d2a4b30'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'activity_changes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('stamp', sa.String(length=32), nullable=False),
        sa.Column('previous', sa.String(length=32), nullable=True),
        sa.Column('partnership_ids', sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_activity_changes')),
        sa.UniqueConstraint('stamp', name=op.f('uq_activity_changes_stamp')),
    )


def downgrade():
    op.drop_table('activity_changes')

"""versions on agreement texts and home cities

Revision ID: c1d2e3f4a5b6
Revises: b9c8d7e6f5a4
Create Date: 2026-12-06 01:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c1d2e3f4a5b6'
down_revision = 'b9c8d7e6f5a4'
branch_labels = None
depends_on = None


def upgrade():
    # Existing texts start at version 1, like every other versioned record.
    with op.batch_alter_table('agreement_texts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))
    with op.batch_alter_table('home_cities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))


def downgrade():
    with op.batch_alter_table('home_cities', schema=None) as batch_op:
        batch_op.drop_column('version')
    with op.batch_alter_table('agreement_texts', schema=None) as batch_op:
        batch_op.drop_column('version')

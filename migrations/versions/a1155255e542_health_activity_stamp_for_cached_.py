"""health: activity stamp for cached portfolio figures

Revision ID: a1155255e542
Revises: 0a63c6816c34
Create Date: 2026-11-25 17:37:18.437149

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a1155255e542'
down_revision = '0a63c6816c34'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('office_settings', schema=None) as batch_op:
        # existing rows get a placeholder; the next change to any engagement replaces it
        batch_op.add_column(sa.Column('activity_stamp', sa.String(length=32), nullable=False,
                                      server_default='initial'))



def downgrade():
    with op.batch_alter_table('office_settings', schema=None) as batch_op:
        batch_op.drop_column('activity_stamp')


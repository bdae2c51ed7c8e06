"""a ceremonial threshold per home city (for associations of several member cities)

Revision ID: a8b6e5d4c3f7
Revises: f7a5d4c3b2e6
Create Date: 2026-11-25 21:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a8b6e5d4c3f7'
down_revision = 'f7a5d4c3b2e6'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('home_cities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('threshold_months', sa.Integer(), nullable=True))
        batch_op.create_check_constraint(batch_op.f('ck_home_cities_home_threshold_positive'), 'threshold_months > 0')


def downgrade():
    with op.batch_alter_table('home_cities', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_home_cities_home_threshold_positive'), type_='check')
        batch_op.drop_column('threshold_months')

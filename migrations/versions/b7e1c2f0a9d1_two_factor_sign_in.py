"""two-factor sign-in

Revision ID: b7e1c2f0a9d1
Revises: 1695b86e4fbe
Create Date: 2026-11-26 10:12:04.118305

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7e1c2f0a9d1'
down_revision = '1695b86e4fbe'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('totp_secret', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('totp_enabled_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('totp_last_step', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('totp_recovery_hashes', sa.Text(), nullable=True))

    with op.batch_alter_table('office_settings', schema=None) as batch_op:
        # existing offices keep signing in as before until an administrator turns it on
        batch_op.add_column(sa.Column('require_two_factor', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('office_settings', schema=None) as batch_op:
        batch_op.drop_column('require_two_factor')

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('totp_recovery_hashes')
        batch_op.drop_column('totp_last_step')
        batch_op.drop_column('totp_enabled_at')
        batch_op.drop_column('totp_secret')

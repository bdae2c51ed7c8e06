"""a visibility on every document: staff only unless shared with the partner

Staff uploads made before this revision become staff only (nobody chose to share them); files the partner
uploaded themselves stay shared.

Revision ID: f4a5b6c7d8e9
Revises: e3f4a5b6c7d8
Create Date: 2026-12-06 04:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f4a5b6c7d8e9'
down_revision = 'e3f4a5b6c7d8'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('visibility', sa.Enum('shared', 'staff_only', name='visibility',
                                                            native_enum=False, length=32),
                                      server_default='staff_only', nullable=False))
    op.execute("UPDATE attachments SET visibility = 'shared' WHERE uploaded_by_side = 'partner'")


def downgrade():
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_column('visibility')

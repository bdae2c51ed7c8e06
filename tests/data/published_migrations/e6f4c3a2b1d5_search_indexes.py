"""search_indexes (placeholder: filled in by the feature that needs it)

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


def upgrade():
    pass


def downgrade():
    pass

"""api_tokens (placeholder: filled in by the feature that needs it)

Revision ID: f7a5d4c3b2e6
Revises: e6f4c3a2b1d5
Create Date: 2026-11-25 20:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f7a5d4c3b2e6'
down_revision = 'e6f4c3a2b1d5'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass

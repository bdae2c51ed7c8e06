"""imports (placeholder: filled in by the feature that needs it)

Revision ID: d5e3b2f1a0c4
Revises: c4d2a1e9f310
Create Date: 2026-11-25 20:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd5e3b2f1a0c4'
down_revision = 'c4d2a1e9f310'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass

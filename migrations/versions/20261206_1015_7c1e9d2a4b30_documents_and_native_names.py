"""documents a mayor would sign: cities' own names with their language and who confirmed them, city emblems,
the place of signing in each text's language

cities.native_name_lang: the BCP 47 language the native name is written in (he, bn, zh-Hans…).
cities.native_name_source: where the name came from: cldr, geonames (language-tagged), staff, or guess
(the old heuristic over unlabelled alternate names).
cities.native_name_confirmed_at / _by_id: when and by whom staff confirmed or corrected it; None: unconfirmed.
(_by_id names a user without a foreign key: users are never deleted, and on SQLite a key would make the upgrade
rebuild cities, which other tables' rows point at.)
cities.emblem_name / emblem_type: the city's emblem for agreement letterheads (a checked image on disk).
agreement_texts.signed_place: the place of signing written in that text's language ("Signed at …").

Plain ADD COLUMN and DROP COLUMN on both databases (SQLite ≥ 3.35): no table is rebuilt.

Revision ID: 7c1e9d2a4b30
Revises: 290a8de2050a
Create Date: 2026-12-06 10:15:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7c1e9d2a4b30'
down_revision = '290a8de2050a'
branch_labels = None
depends_on = None


def city_columns():
    return [
        sa.Column('native_name_lang', sa.String(length=16), nullable=True),
        sa.Column('native_name_source', sa.String(length=16), nullable=True),
        sa.Column('native_name_confirmed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('native_name_confirmed_by_id', sa.Integer(), nullable=True),
        sa.Column('emblem_name', sa.String(length=64), nullable=True),
        sa.Column('emblem_type', sa.String(length=100), nullable=True),
    ]


def upgrade():
    for column in city_columns():
        op.add_column('cities', column)
    op.add_column('agreement_texts', sa.Column('signed_place', sa.String(length=200), nullable=True))


def downgrade():
    op.drop_column('agreement_texts', 'signed_place')
    for column in reversed(city_columns()):
        op.drop_column('cities', column.name)

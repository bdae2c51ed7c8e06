"""documents a mayor would sign: cities' own names with their language and who confirmed them, city emblems,
the place of signing in each text's language

cities.native_name_lang: the BCP 47 language the native name is written in (he, bn, zh-Hans…).
cities.native_name_source: where the name came from: cldr, geonames (language-tagged), staff, or guess
(the old heuristic over unlabelled alternate names).
cities.native_name_confirmed_at / _by_id: when and by whom staff confirmed or corrected it; None: unconfirmed.
cities.emblem_name / emblem_type: the city's emblem for agreement letterheads (a checked image on disk).
agreement_texts.signed_place: the place of signing written in that text's language ("Signed at …").

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


def upgrade():
    with op.batch_alter_table('cities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('native_name_lang', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('native_name_source', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('native_name_confirmed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('native_name_confirmed_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('emblem_name', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('emblem_type', sa.String(length=100), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_cities_native_name_confirmed_by_id_users'),
                                    'users', ['native_name_confirmed_by_id'], ['id'], ondelete='SET NULL')
    with op.batch_alter_table('agreement_texts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('signed_place', sa.String(length=200), nullable=True))


def downgrade():
    with op.batch_alter_table('agreement_texts', schema=None) as batch_op:
        batch_op.drop_column('signed_place')
    with op.batch_alter_table('cities', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_cities_native_name_confirmed_by_id_users'), type_='foreignkey')
        batch_op.drop_column('emblem_type')
        batch_op.drop_column('emblem_name')
        batch_op.drop_column('native_name_confirmed_by_id')
        batch_op.drop_column('native_name_confirmed_at')
        batch_op.drop_column('native_name_source')
        batch_op.drop_column('native_name_lang')

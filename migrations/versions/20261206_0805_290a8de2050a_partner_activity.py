"""what partners do reaches staff: when each user last looked, how they hear of it; staff replies to comments

users.partner_news_seen_at: when the user last marked the dashboard's "New from partners" as seen (None: never).
users.partner_news_mail: at_once, daily or never; everyone hears at once until they choose otherwise.
itinerary_comments.reply_to_id: the partner's comment a staff reply answers.

Revision ID: 290a8de2050a
Revises: f4a5b6c7d8e9
Create Date: 2026-12-06 08:05:52.794343

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '290a8de2050a'
down_revision = 'f4a5b6c7d8e9'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('partner_news_seen_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('partner_news_mail', sa.String(length=16), server_default='at_once',
                                      nullable=False))
    with op.batch_alter_table('itinerary_comments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reply_to_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_itinerary_comments_reply_to_id_itinerary_comments'),
                                    'itinerary_comments', ['reply_to_id'], ['id'], ondelete='CASCADE')


def downgrade():
    with op.batch_alter_table('itinerary_comments', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_itinerary_comments_reply_to_id_itinerary_comments'),
                                 type_='foreignkey')
        batch_op.drop_column('reply_to_id')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('partner_news_mail')
        batch_op.drop_column('partner_news_seen_at')

"""guests: invitations, guest access, itinerary comments, partnership documents

Revision ID: 4997cad881dd
Revises: a1155255e542
Create Date: 2026-11-25 17:45:27.213630

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4997cad881dd'
down_revision = 'a1155255e542'
branch_labels = None
depends_on = None


def upgrade():
    # Guests upload documents to the partnership itself: an attachment may now have no owner record.
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_attachments_one_owner'), type_='check')
        batch_op.create_check_constraint('at_most_one_owner', 'engagement_id IS NULL OR agreement_id IS NULL')
    op.create_table('guest_access',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], name=op.f('fk_guest_access_contact_id_contacts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnerships.id'], name=op.f('fk_guest_access_partnership_id_partnerships'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_guest_access_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_guest_access')),
    sa.UniqueConstraint('user_id', 'partnership_id', name='uq_guest_access_user_partnership')
    )
    with op.batch_alter_table('guest_access', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_guest_access_partnership_id'), ['partnership_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_guest_access_user_id'), ['user_id'], unique=False)

    op.create_table('invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], name=op.f('fk_invitations_contact_id_contacts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['invited_by_id'], ['users.id'], name=op.f('fk_invitations_invited_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnerships.id'], name=op.f('fk_invitations_partnership_id_partnerships'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_invitations_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invitations')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_invitations_token_hash'))
    )
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invitations_contact_id'), ['contact_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_invitations_partnership_id'), ['partnership_id'], unique=False)

    op.create_table('itinerary_comments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_itinerary_comments_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['item_id'], ['itinerary_items.id'], name=op.f('fk_itinerary_comments_item_id_itinerary_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnerships.id'], name=op.f('fk_itinerary_comments_partnership_id_partnerships'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_itinerary_comments'))
    )
    with op.batch_alter_table('itinerary_comments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_itinerary_comments_item_id'), ['item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_itinerary_comments_partnership_id'), ['partnership_id'], unique=False)



def downgrade():
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_attachments_at_most_one_owner'), type_='check')
        batch_op.create_check_constraint('one_owner', '(engagement_id IS NULL) <> (agreement_id IS NULL)')
    with op.batch_alter_table('itinerary_comments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_itinerary_comments_partnership_id'))
        batch_op.drop_index(batch_op.f('ix_itinerary_comments_item_id'))

    op.drop_table('itinerary_comments')
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invitations_partnership_id'))
        batch_op.drop_index(batch_op.f('ix_invitations_contact_id'))

    op.drop_table('invitations')
    with op.batch_alter_table('guest_access', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_guest_access_user_id'))
        batch_op.drop_index(batch_op.f('ix_guest_access_partnership_id'))

    op.drop_table('guest_access')

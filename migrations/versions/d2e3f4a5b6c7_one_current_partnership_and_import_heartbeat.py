"""one current partnership per pair of cities; import jobs that can be seen to have stopped

Revision ID: d2e3f4a5b6c7
Revises: c1d2e3f4a5b6
Create Date: 2026-12-06 01:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd2e3f4a5b6c7'
down_revision = 'c1d2e3f4a5b6'
branch_labels = None
depends_on = None


CURRENT = sa.text("archived_at IS NULL AND status <> 'ended'")


class DuplicatePartnerships(RuntimeError):
    """Current partnerships that repeat a pair of cities: a person must decide which one stays current."""


def refuse_duplicate_pairs():
    """Stop, changing nothing, when a pair of cities has more than one current partnership.

    Which of two current partnerships is the real one (and what becomes of the
    other's engagements, agreements and contacts) is an office's decision, not a
    migration's: archiving or ending one silently could hide the record people
    work with. So the upgrade names them and waits for someone to decide."""
    rows = op.get_bind().execute(sa.text(
        "SELECT p.id, p.home_city_id, p.partner_city_id, home.name, partner.name FROM partnerships p "
        "JOIN cities home ON home.id = p.home_city_id JOIN cities partner ON partner.id = p.partner_city_id "
        "WHERE p.archived_at IS NULL AND p.status <> 'ended' AND EXISTS (SELECT 1 FROM partnerships o "
        "WHERE o.id <> p.id AND o.home_city_id = p.home_city_id AND o.partner_city_id = p.partner_city_id "
        "AND o.archived_at IS NULL AND o.status <> 'ended') ORDER BY home.name, partner.name, p.id")).all()
    if not rows:
        return
    pairs: dict[tuple, list] = {}
    for pid, home_id, partner_id, home, partner in rows:
        pairs.setdefault((home_id, partner_id, home, partner), []).append(str(pid))
    listed = "\n".join(f"  {home} – {partner}: partnerships {', '.join(ids)}"
                       for (_h, _p, home, partner), ids in pairs.items())
    raise DuplicatePartnerships(
        "Nothing was changed. Each pair of cities may have only one current partnership (neither archived nor "
        f"ended), but {len(pairs)} pair(s) have more:\n{listed}\n"
        "Open them in the app (/partnerships/<id>), keep the one that is current, and archive the others or set "
        "their status to Ended; then run `flask --app wsgi db upgrade` again.")


def upgrade():
    refuse_duplicate_pairs()
    op.create_index('uq_partnerships_current_pair', 'partnerships', ['home_city_id', 'partner_city_id'],
                    unique=True, postgresql_where=CURRENT, sqlite_where=CURRENT)
    # Jobs already running when this arrives have no heartbeat; they are judged by updated_at.
    with op.batch_alter_table('import_jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('worker', sa.String(length=255), nullable=True))


def downgrade():
    with op.batch_alter_table('import_jobs', schema=None) as batch_op:
        batch_op.drop_column('worker')
        batch_op.drop_column('heartbeat_at')
    op.drop_index('uq_partnerships_current_pair', table_name='partnerships')

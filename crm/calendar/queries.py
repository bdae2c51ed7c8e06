"""The calendar's queries: a feed's scope, and the month calendar's planned engagements and anniversaries."""
from datetime import date

from sqlalchemy import Select, extract, false, select
from sqlalchemy.orm import joinedload

from crm.agreements.models import Agreement, AgreementStatus
from crm.auth.models import User
from crm.engagements.models import Engagement, Visibility
from crm.partnerships.models import Partnership

#: agreements whose signing is remembered: in force, or followed by a renewal (the founding date still counts)
REMEMBERED = (AgreementStatus.SIGNED, AgreementStatus.RENEWED)


def feed_scope(user: User) -> Select:
    """The ids of the partnerships a feed owner may see: staff all of them; a guest, for now, none."""
    if user.is_staff:
        return select(Partnership.id)
    # The guest portal issue supplies a guest's own partnerships; until then a guest's feed is empty.
    return select(Partnership.id).where(false())


def planned_engagements_between(partnership_ids: Select, first: date, last: date, after: date, *,
                                include_staff_only: bool) -> Select:
    """Timeline entries (not programs) dated in [first, last] and later than `after` (the office's today):
    what is planned, with partnership and partner city."""
    query = (
        select(Engagement)
        .where(Engagement.record_type == "engagement", Engagement.partnership_id.in_(partnership_ids),
               Engagement.occurred_on >= first, Engagement.occurred_on <= last, Engagement.occurred_on > after)
        .options(joinedload(Engagement.partnership).joinedload(Partnership.partner_city))
        .order_by(Engagement.occurred_on, Engagement.id)
    )
    return query if include_staff_only else query.where(Engagement.visibility == Visibility.SHARED)


def agreements_signed_in_month(partnership_ids: Select, month: date) -> Select:
    """Signed agreements whose signing day falls in `month`'s calendar month of an earlier year."""
    return (
        select(Agreement)
        .where(Agreement.partnership_id.in_(partnership_ids), Agreement.status.in_(REMEMBERED),
               Agreement.signed_on.is_not(None), extract("month", Agreement.signed_on) == month.month,
               Agreement.signed_on < month.replace(month=1, day=1))
        .options(joinedload(Agreement.partnership).joinedload(Partnership.partner_city))
        .order_by(Agreement.signed_on, Agreement.id)
    )

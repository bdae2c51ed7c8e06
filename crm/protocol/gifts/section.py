"""What gifts shows on an engagement's "People and protocol" page and on the dashboard (crm.protocol.page).
Each function reads a fixed number of queries whatever the data size."""
from datetime import date
from typing import NamedTuple

from crm.engagements.models import Engagement
from crm.protocol.gifts.queries import engagement_gifts, engagements_to_record, gift_rule, late_gifts, photos_by_gift
from crm.protocol.gifts.rules import days_late, days_left

#: gifts given to the partner before that the hub lists (the register's partnership filter has them all)
GIVEN_BEFORE_LIMIT = 10
#: rows of each dashboard list (then "and N more")
DASHBOARD_LIMIT = 8


class ToRecord(NamedTuple):
    engagement: Engagement
    ended_on: date
    days_left: int  #: 0: the last day


class LateGift(NamedTuple):
    gift: object
    days_late: int


def for_engagement(engagement: Engagement, as_of: date) -> dict:
    """The context of templates/protocol/_engagement_gifts.html: this engagement's gifts and, so the same gift is
    not given twice, the gifts given to this partner before (two queries)."""
    gifts, given_before = engagement_gifts(engagement.id, engagement.partnership_id)
    return {"gifts_of_engagement": gifts, "gifts_given_before": given_before[:GIVEN_BEFORE_LIMIT],
            "gifts_given_before_total": len(given_before), "gifts_photos": photos_by_gift([g.id for g in gifts]),
            "gifts_rule": gift_rule(), "gifts_as_of": as_of}


def for_dashboard(partnership_ids, as_of: date) -> dict:
    """The context of templates/protocol/_dashboard_gifts.html: visits, events and missions whose gifts are still
    to record (with the days left) and gifts recorded late lately (two queries)."""
    rule = gift_rule()
    to_record = engagements_to_record(partnership_ids, rule, as_of, DASHBOARD_LIMIT)
    late = late_gifts(partnership_ids, rule, as_of, DASHBOARD_LIMIT)
    return {"gifts_to_record": [ToRecord(row.Engagement, row.ended_on, days_left(row.ended_on, rule, as_of))
                                for row in to_record],
            "gifts_to_record_total": to_record[0].total if to_record else 0,
            "gifts_late": [LateGift(row.Gift, days_late(row.Gift.given_on, row.Gift.recorded_on, rule))
                           for row in late],
            "gifts_late_total": late[0].total if late else 0, "gifts_rule": rule, "gifts_as_of": as_of}

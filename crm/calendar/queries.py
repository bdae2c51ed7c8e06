"""The partnerships a calendar feed covers: its request has no signed-in user, so the scope comes from its owner."""
from sqlalchemy import Select, false, select

from crm.auth.models import User
from crm.partnerships.models import Partnership


def feed_scope(user: User) -> Select:
    """The ids of the partnerships a feed owner may see: staff all of them; a guest, for now, none."""
    if user.is_staff:
        return select(Partnership.id)
    # The guest portal issue supplies a guest's own partnerships; until then a guest's feed is empty.
    return select(Partnership.id).where(false())

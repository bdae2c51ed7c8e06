"""The auth package's lookups for its pages."""
from sqlalchemy import select

from crm.auth.addresses import normalise_email
from crm.auth.models import User
from crm.extensions import db


def user_by_email(email: str) -> User | None:
    """The account with this address however it was typed (normalise_email), active or not; None if none."""
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))

"""The storage quota for what guests upload: per partnership, CRM_GUEST_UPLOAD_QUOTA_MB.

What is used is the sizes of the partnership's guest-uploaded attachments added
up in one SUM (files in the bin are not counted; staff uploads never are).
"""
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from crm.attachments.models import Attachment
from crm.extensions import db
from crm.partnerships.models import Partnership, Side


def quota_bytes() -> int:
    return current_app.config["GUEST_UPLOAD_QUOTA_MB"] * 1024 * 1024


def guest_bytes_used(partnership_id: int) -> int:
    return db.session.scalar(select(func.coalesce(func.sum(Attachment.size), 0)).where(
        Attachment.partnership_id == partnership_id, Attachment.uploaded_by_side == Side.PARTNER)) or 0


def refusal_if_over(partnership_id: int, size: int):
    """None when a guest file of `size` bytes fits the partnership's quota, else the message saying why not.

    The partnership's row is locked first (PostgreSQL), so two uploads at once are counted one after the
    other and cannot both squeeze into the last free space."""
    db.session.execute(select(Partnership.id).where(Partnership.id == partnership_id).with_for_update())
    used, quota = guest_bytes_used(partnership_id), quota_bytes()
    if used + size <= quota:
        return None
    from crm.attachments.storage import human_size

    return _l("This file was not stored: documents uploaded by the partner city may take %(quota)s in all for "
              "this partnership, %(used)s are used, and this file needs %(size)s. Ask the city's staff to "
              "remove documents that are no longer needed.",
              quota=human_size(quota), used=human_size(used), size=human_size(size))

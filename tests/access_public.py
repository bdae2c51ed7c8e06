"""The permission matrix's part for the public face (issue 23): the public directory and the open-data feed.

Their audience is "published": everyone, anonymous visitors included, gets the same page, and only of what is
published. Alpha's partnership is public, Bravo's is not; each side has a highlight with a photo, and a
staff-only engagement whose public flag is (wrongly) set. So every role gets Alpha's pages and a 404 for
Bravo's, and no answer on a published route ever names Bravo or shows anything SECRET (tests/test_access.py)."""
import io

from crm.engagements.models import Engagement

POLICY: dict[str, str] = {
    "public.start": "published",
    "public.index": "published",
    "public.partnership": "published",
    "public.highlight": "published",
    "public.photo": "published",
    "open_data.index": "published",
    "open_data.catalog": "published",
    "open_data.partnerships_json": "published",
    "open_data.partnerships_csv": "published",
    # staff's controls (crm.public.staff_views, the settings page)
    "publishing.highlight": "editors",
    "settings.public_face": "admins",
}

#: a 1×1 PNG: the highlight's photo
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082")


def build(make, session, prefix: str, world: dict) -> dict:
    from flask import has_app_context

    from crm.attachments.models import Attachment
    from crm.attachments.storage import attachment_key
    from crm.enums import Visibility
    from crm.storage import store

    partnership = world["partnership"]
    partnership.is_public = prefix == "Alpha"
    highlight: Engagement = world["engagement"]
    photo = Attachment(partnership_id=partnership.id, engagement_id=highlight.id, filename=f"{prefix}-photo.png",
                       stored_name=(prefix[0].lower() + "f").ljust(32, "0"), content_type="image/png",
                       size=len(PNG), sha256="0" * 64, visibility=Visibility.SHARED)
    session.add(photo)
    session.flush()
    if has_app_context():  # the matrix's world (tests/test_api.py reuses it without an app, needing no file)
        store().put(attachment_key(photo), io.BytesIO(PNG))  # the file, so Alpha's photo answers 200
    highlight.is_public = True
    highlight.public_summary = f"{prefix} public summary"
    highlight.public_photo_id = photo.id
    make.engagement(partnership, title=f"{prefix} SECRET staff-only engagement marked public",
                    visibility=Visibility.STAFF_ONLY, is_public=True, public_summary=f"{prefix} SECRET summary")
    session.flush()
    return {"lang": "en", "highlight_id": highlight.id, "photo_id": photo.id}

"""Demo data for the public face (issue 23 §1): six partnerships published, each with highlights that have a
public summary, a programme and a photo (a picture drawn here with Pillow: coloured shapes, no text).

Kyoto's youth delegation has a roster (participants per country show), and its food and beverage mission an
itinerary (the programme by day); Cairo's heritage week has an Arabic-script partner and a roster; Suzhou's
delegation is an inbound mission with its itinerary. The others get a highlight with a written programme."""
import hashlib
import io
import secrets
from datetime import date

from PIL import Image, ImageDraw
from sqlalchemy import select

from crm.attachments.models import Attachment
from crm.attachments.storage import attachment_key
from crm.engagements.models import Engagement
from crm.enums import EngagementKind, Side, Visibility
from crm.extensions import db
from crm.roles import Role
from crm.storage import store
from crm.storage.transactions import stage

KYOTO, CAIRO, SUZHOU, GUADALAJARA, BUSAN, ATHENS = 1857910, 360630, 1886760, 4005539, 1838524, 264371
#: geonames id → the highlights: (title of an existing engagement, or None for its latest shared visit/event;
#: public summary; public programme, one paragraph a day; the photo's colours)
HIGHLIGHTS = {
    KYOTO: [
        ("Kyoto youth delegation to Portland",
         "Eight pupils, their teacher and a city official from Kyoto spend a week with Portland families, at "
         "school and at City Hall.",
         "Arrival, welcome dinner with the host families.\n\n"
         "A day at Lincoln High School: classes, a joint science project.\n\n"
         "City Hall: the mayor receives the delegation; a tour of the council chamber.\n\n"
         "The Japanese Garden and the Portland Art Museum.\n\n"
         "A day with the host families.\n\n"
         "Volunteering at the Oregon Food Bank.\n\n"
         "Farewell concert; departure the next morning.",
         ((31, 95, 139), (233, 241, 248), (198, 40, 40))),
        ("Food and beverage mission",
         "Oregon wineries, hazelnut growers and craft brewers met Kyoto's importers and retailers.",
         None, ((30, 122, 70), (240, 247, 236), (217, 140, 0))),
    ],
    CAIRO: [
        ("Cairo heritage week in Portland",
         "Cairo's heritage experts and a journalist bring an exhibition of Islamic Cairo's architecture to "
         "Portland, with talks at Portland State University.",
         "Opening of the exhibition at the Central Library.\n\n"
         "Talk: restoring the mosques and houses of Islamic Cairo.\n\n"
         "Workshop with architecture students at Portland State University.\n\n"
         "Family day: Egyptian music and calligraphy.",
         ((154, 98, 0), (250, 243, 228), (31, 95, 139))),
    ],
    SUZHOU: [
        ("Suzhou industrial park delegation",
         "Suzhou Industrial Park's investment team visited Portland's clean-energy and semiconductor firms.",
         None, ((58, 68, 168), (236, 238, 250), (30, 138, 76))),
    ],
    GUADALAJARA: [
        ("University semester exchange",
         "Eighteen students of the Universidad de Guadalajara spent a semester at Portland State University.",
         "Arrival and orientation week.\n\nClasses begin; a welcome reception by the Mexican consulate.",
         ((179, 38, 30), (253, 238, 236), (30, 122, 70))),
    ],
    BUSAN: [
        (None, "A delegation of Busan's port authority visited Portland's harbour to talk about clean shipping.",
         "Port of Portland: the container terminal and the shore-power project.\n\n"
         "Round table with logistics firms; reception by the mayor.",
         ((23, 74, 109), (226, 238, 246), (120, 144, 156))),
    ],
    ATHENS: [
        (None, "Musicians of the Athens Festival and Portland's youth orchestra played together.",
         "Rehearsals and a public concert in Pioneer Courthouse Square.",
         ((31, 95, 139), (255, 255, 255), (245, 192, 46))),
    ],
}


def picture(colours, seed: int) -> bytes:
    """A simple picture (shapes, no text) as PNG: a sky, hills, a sun and a bridge's arches."""
    deep, light, accent = colours
    width, height = 960, 540
    image = Image.new("RGB", (width, height), light)
    draw = ImageDraw.Draw(image)
    sun = 180 + (seed * 137) % 600
    draw.ellipse((sun, 60, sun + 140, 200), fill=accent)
    for k, shade in enumerate((0.55, 0.75, 1.0)):
        colour = tuple(int(light[i] + (deep[i] - light[i]) * shade) for i in range(3))
        top = 260 + 60 * k
        draw.polygon([(0, height), (0, top + 40), (width * 0.3, top - 30 + 10 * k), (width * 0.6, top + 30),
                      (width * 0.85, top - 20), (width, top + 10), (width, height)], fill=colour)
    for x in range(60, width, 180):
        draw.arc((x, 380, x + 180, 520), 180, 360, fill=light, width=10)
    draw.rectangle((0, 448, width, 458), fill=light)
    buffer = io.BytesIO()
    image.quantize(colors=32).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _photo(engagement: Engagement, colours, user) -> Attachment:
    data = picture(colours, engagement.id)
    attachment = Attachment(partnership_id=engagement.partnership_id, engagement_id=engagement.id,
                            filename=f"highlight-{engagement.id}.png", stored_name=secrets.token_hex(16),
                            content_type="image/png", size=len(data),
                            sha256=hashlib.sha256(data).hexdigest(), uploaded_by=user,
                            uploaded_by_side=Side.HOME, visibility=Visibility.SHARED)
    stage(store(), attachment_key(attachment), io.BytesIO(data))
    db.session.add(attachment)
    db.session.flush()
    return attachment


def _engagement(partnership, title: str | None, today: date) -> Engagement | None:
    statement = select(Engagement).where(Engagement.partnership_id == partnership.id,
                                         Engagement.visibility == Visibility.SHARED,
                                         Engagement.deleted_at.is_(None))
    if title is not None:
        return db.session.scalars(statement.where(Engagement.title == title)).first()
    return db.session.scalars(statement.where(Engagement.occurred_on <= today, Engagement.substantive.is_(True),
                                              Engagement.kind.in_((EngagementKind.VISIT, EngagementKind.EVENT)))
                              .order_by(Engagement.occurred_on.desc())).first()


def seed_public(partnerships_by_geonames: dict, users: dict, today: date) -> None:
    """Called by seed_demo last; partnerships_by_geonames: geonames id → Partnership; users: Role → User."""
    user = users[Role.COORDINATOR]
    for geonames_id, highlights in HIGHLIGHTS.items():
        partnership = partnerships_by_geonames.get(geonames_id)
        if partnership is None:
            continue
        partnership.is_public = True
        for title, summary, programme, colours in highlights:
            engagement = _engagement(partnership, title, today)
            if engagement is None:
                continue
            engagement.is_public = True
            engagement.public_summary = summary
            engagement.public_programme = programme
            engagement.public_photo_id = _photo(engagement, colours, user).id
    db.session.flush()

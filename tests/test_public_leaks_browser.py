"""Issue 23 "Done when": no staff-only text of the demo data appears on any public page or in the open-data feed.

The worst case is made on purpose: every demo partnership is published, EVERY engagement (shared or staff only) is
marked a highlight with a summary and a programme (and its first image as the photo), and the office publishes
every field. A signed-out browser then crawls the public directory from its index, following every link, in every
language (English and Arabic completely, the others from their index to each partnership), and the feed is read
whole (every page of partnerships.json, the CSV, the catalog). The staff-only texts are collected from the
database, not typed here: partnerships' staff notes, staff-only engagements' titles and notes, every engagement's
notes, contacts' e-mails and phones (and their notes), agreements' notes and the titles of agreements not signed,
attachments' file names, gifts and cost lines. None may appear."""
import html
from urllib.parse import urljoin, urlsplit

import pytest
from sqlalchemy import select

from crm.agreements.models import Agreement
from crm.attachments.models import Attachment
from crm.cities.models import City
from crm.contacts.models import Contact
from crm.engagements.models import Engagement
from crm.enums import Visibility
from crm.extensions import db
from crm.i18n import LANGUAGES
from crm.partnerships.models import Partnership
from crm.programs.missions.models import ItineraryItem
from crm.protocol.models import CostLine, Gift
from crm.public.queries import PHOTO_TYPES, PUBLISHED_AGREEMENTS
from crm.settings.public_fields import PUBLIC_FIELDS
from crm.settings.service import office_settings
from tests.test_browser import chromium, live_server  # noqa: F401  (the fixtures: one browser, the demo data)

pytestmark = pytest.mark.browser

#: shorter texts ("Lunch", "Tokyo") could be part of any public sentence; every staff-only text the demo writes is
#: longer than this
SHORTEST = 8
FULLY_CRAWLED = ("en", "ar")
MAX_PAGES = 3000


def publish_everything() -> None:
    """Every partnership public, every engagement a highlight with a summary, a programme and a photo; every field."""
    for partnership in db.session.scalars(select(Partnership)):
        partnership.is_public = True
    photos = {}
    for attachment in db.session.scalars(select(Attachment).where(Attachment.content_type.in_(PHOTO_TYPES),
                                                                  Attachment.engagement_id.is_not(None))):
        photos.setdefault(attachment.engagement_id, attachment.id)
    for engagement in db.session.scalars(select(Engagement)):
        engagement.is_public = True
        engagement.public_summary = f"Public summary of highlight {engagement.id}."
        engagement.public_programme = f"Day one of highlight {engagement.id}.\n\nDay two of highlight {engagement.id}."
        engagement.public_photo_id = photos.get(engagement.id)
    settings = office_settings()
    settings.public_fields = list(PUBLIC_FIELDS)
    db.session.commit()


def staff_only_texts() -> dict[str, str]:
    """text -> where it comes from, for every staff-only text of the database (long enough to be told apart), less
    any text that is also rightly public (a shared title, a city's name, a signed agreement's title)."""
    found: dict[str, str] = {}

    def add(value, origin):
        if isinstance(value, str) and len(value.strip()) >= SHORTEST:
            found.setdefault(value.strip(), origin)

    for p in db.session.scalars(select(Partnership)):
        add(p.staff_notes, f"partnership {p.id} staff notes")
    for e in db.session.scalars(select(Engagement).execution_options(include_deleted=True)):
        add(e.notes, f"engagement {e.id} notes")
        if e.visibility == Visibility.STAFF_ONLY or e.deleted_at is not None:
            add(e.title, f"staff-only or deleted engagement {e.id} title")
    for c in db.session.scalars(select(Contact)):
        add(c.email, f"contact {c.id} e-mail")
        add(c.phone, f"contact {c.id} phone")
        add(c.notes, f"contact {c.id} notes")
    for a in db.session.scalars(select(Agreement)):
        add(a.notes, f"agreement {a.id} notes")
        if a.status not in PUBLISHED_AGREEMENTS:
            add(a.title, f"agreement {a.id} ({a.status.value}) title")
    for f in db.session.scalars(select(Attachment).execution_options(include_deleted=True)):
        add(f.filename, f"attachment {f.id} file name")
    for g in db.session.scalars(select(Gift)):
        add(g.description, f"gift {g.id} description")
        add(g.from_name, f"gift {g.id} giver")
        add(g.to_name, f"gift {g.id} recipient")
    for line in db.session.scalars(select(CostLine)):
        add(line.description, f"cost line {line.id} description")
        add(line.payer_name, f"cost line {line.id} payer")

    rightly_public = set()
    for e in db.session.scalars(select(Engagement).where(Engagement.visibility == Visibility.SHARED)):
        rightly_public.add(e.title.strip())
    for a in db.session.scalars(select(Agreement).where(Agreement.status.in_(PUBLISHED_AGREEMENTS))):
        rightly_public.add(a.title.strip())
    for c in db.session.scalars(select(City)):
        rightly_public.update(name.strip() for name in (c.name, c.native_name) if name)
    rightly_public.add(office_settings().office_name.strip())  # the feed's publisher
    for item in db.session.scalars(select(ItineraryItem)):  # a shared mission's itinerary is its public programme
        if item.mission.visibility == Visibility.SHARED:
            rightly_public.add(item.title.strip())
    return {text: origin for text, origin in found.items() if text not in rightly_public}


def crawl(context, base: str) -> dict[str, str]:
    """Every public page reachable from each language's index, signed out: url -> its text (markup unescaped)."""
    page = context.new_page()
    seen: dict[str, str] = {}
    queue = [f"{base}/public/{language}/" for language in LANGUAGES] + [f"{base}/open-data/"]
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        if url in seen:
            continue
        response = page.goto(url)
        assert response.status == 200, url
        if not response.headers.get("content-type", "").startswith("text/html"):
            seen[url] = ""
            continue
        seen[url] = html.unescape(page.content()) + "\n" + page.inner_text("body")
        language = urlsplit(url).path.split("/")[2] if url.startswith(f"{base}/public/") else "en"
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))"):
            target = urljoin(url, href).split("#")[0]
            path = urlsplit(target).path
            if not target.startswith(base) or target in seen:
                continue
            if path.startswith("/public/photos/"):
                continue  # an image: fetched with the feed below
            if path.startswith("/public/"):
                parts = path.split("/")
                in_language = len(parts) > 2 and parts[2] == language
                if in_language and (language in FULLY_CRAWLED or "/partnerships/" in path or path.endswith(
                        f"/{language}/")):
                    queue.append(target)
                elif len(parts) > 2 and parts[2] in LANGUAGES and path.endswith(f"/{parts[2]}/"):
                    queue.append(target)  # another language's index
            elif path.startswith("/open-data/") and path.endswith("/"):
                queue.append(target)
    page.close()
    return seen


def read_feed(context, base: str) -> dict[str, str]:
    request = context.request
    bodies = {}
    first = request.get(f"{base}/open-data/partnerships.json")
    assert first.ok
    pages = first.json()["pages"]
    assert first.json()["total"] >= 1
    for number in range(1, pages + 1):
        response = request.get(f"{base}/open-data/partnerships.json?page={number}")
        assert response.ok
        bodies[response.url] = response.text()
    for path in ("/open-data/partnerships.csv", "/open-data/catalog.json"):
        response = request.get(base + path)
        assert response.ok, path
        bodies[response.url] = response.text()
    return bodies


def test_no_staff_only_text_appears_on_any_public_page_or_in_the_feed(live_server, chromium):  # noqa: F811
    app = live_server.app
    app.config["PUBLIC_RATE_LIMIT"] = "100000 per minute"  # the crawl is one address asking many times
    try:
        with app.app_context():
            publish_everything()
            secrets = staff_only_texts()
            published = db.session.scalar(select(db.func.count()).select_from(Partnership))
        assert len(secrets) > 20, "the demo should have staff-only texts to look for"
        context = chromium.new_context(locale="en-US")
        try:
            pages = crawl(context, str(live_server))
            bodies = {**pages, **read_feed(context, str(live_server))}
        finally:
            context.close()
    finally:
        app.config["PUBLIC_RATE_LIMIT"] = "300 per minute"
    partnership_pages = [url for url in pages if "/public/ar/partnerships/" in url]
    assert len(partnership_pages) == published, "every published partnership is reached in Arabic"
    assert any("/highlights/" in url for url in pages), "the highlights are crawled"
    leaks = [f"{origin} ({text!r}) on {url}" for url, body in bodies.items()
             for text, origin in secrets.items() if text in body]
    assert leaks == [], "\n".join(leaks[:50])

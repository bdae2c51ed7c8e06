"""The post-mission report: objectives against outcomes, the delegation, the meetings held (in the local time of
each place, as the briefing packet prints them), the commitments made at the mission, the follow-ups still open,
the cost, and the photos staff chose from the mission's image attachments.

Photos are read through the app's file store (crm.storage), copied into a folder made for the one render, and
named there photo-<n>.png/.jpg; the PDF fetcher serves only that folder (app://emblems/<name>) and only PNG or
JPEG content. No URL or path from user data reaches the renderer."""
import logging
from functools import cache, partial
from pathlib import Path

from flask import render_template
from flask_babel import force_locale
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from crm.attachments.models import Attachment
from crm.attachments.storage import attachment_key
from crm.clock import office_today
from crm.documents.briefing_times import home_time, row_zone
from crm.documents.render import page_label
from crm.enums import CommitmentStatus, MissionDirection
from crm.extensions import db
from crm.governance.models import Commitment
from crm.languages import direction, format_list, html_lang, list_separator, name_lang
from crm.localtime import is_time_zone
from crm.programs.missions.itinerary import city_place, itinerary_days, zone_place
from crm.programs.missions.models import TradeMission
from crm.storage import store
from crm.storage.copies import copy_out

#: the image types a PDF can print (the fetcher checks the content too)
PHOTO_TYPES = {"image/png": "png", "image/jpeg": "jpg"}
log = logging.getLogger(__name__)


def mission_photos(mission: TradeMission) -> list[Attachment]:
    """The mission's image attachments that can be printed, oldest first. One query."""
    return list(db.session.scalars(
        select(Attachment).where(Attachment.engagement_id == mission.id, Attachment.cost_line_id.is_(None),
                                 Attachment.content_type.in_(list(PHOTO_TYPES)))
        .order_by(Attachment.created_at, Attachment.id)))


def chosen_photos(mission: TradeMission, chosen_ids) -> list[Attachment]:
    """The chosen ones among the mission's photos; an id of anything else is ignored."""
    wanted = set(chosen_ids or ())
    return [photo for photo in mission_photos(mission) if photo.id in wanted]


def copy_photos(photos: list[Attachment], folder: Path) -> list[tuple[Attachment, str]]:
    """Each photo copied from the store into folder as photo-<n>.<ext>: (attachment, its name there). A file the
    store no longer has is left out (and logged)."""
    files_store, copied = store(), []
    for number, photo in enumerate(photos, 1):
        name = f"photo-{number}.{PHOTO_TYPES[photo.content_type]}"
        try:
            found = copy_out(files_store, attachment_key(photo), folder / name)
        except (OSError, ValueError) as error:
            log.error("photo %s could not be read (%s); left out of the report", photo.id, error)
            continue
        if found:
            copied.append((photo, name))
        else:
            log.error("photo %s: its file is missing; left out of the report", photo.id)
    return copied


def mission_commitments(mission: TradeMission) -> tuple[list[Commitment], list[Commitment]]:
    """(commitments made at the mission, follow-ups: the partnership's open commitments made at it or since it
    began). One query."""
    rows = list(db.session.scalars(
        select(Commitment).where(Commitment.partnership_id == mission.partnership_id,
                                 or_(Commitment.engagement_id == mission.id,
                                     Commitment.status == CommitmentStatus.OPEN))
        .options(joinedload(Commitment.owner))
        .order_by(Commitment.due_on.nulls_last(), Commitment.id)))
    made = [c for c in rows if c.engagement_id == mission.id]
    follow_ups = [c for c in rows if c.status == CommitmentStatus.OPEN and (
        c.engagement_id == mission.id or c.created_at.date() >= mission.starts_on)]
    return made, follow_ups


def mission_report_html(mission: TradeMission, photos: list[tuple[Attachment, str]], language: str) -> str:
    partnership = mission.partnership
    home, partner = partnership.home_city, partnership.partner_city
    outbound = mission.direction == MissionDirection.OUTBOUND
    destination = mission.destination or (partner if outbound else home)
    cities = [destination, partner, home]
    home_zone = home.timezone if is_time_zone(home.timezone) else None
    made, follow_ups = mission_commitments(mission)
    with force_locale(language):
        return render_template(
            "documents/reports/mission.html", mission=mission, partnership=partnership, photos=photos,
            commitments=made, follow_ups=follow_ups, today=office_today(), destination_place=city_place(destination),
            days=itinerary_days(mission.itinerary, home_zone),
            row_zone=partial(row_zone, place_of=cache(partial(zone_place, cities=cities))),
            home_time=partial(home_time, home_place=city_place(home)),
            lang=html_lang(language), dir=direction(language), page_label=page_label(language),
            name_lang=name_lang, format_list=format_list, list_separator=list_separator(language))

"""Demo data for rosters (issue 22 §2): the office collects sex and age (the EU grant's counts need them); Kyoto's
youth delegation comes to Portland in a month (an incoming exchange, shared with Kyoto) with twelve named
participants: eight from Kyoto (six pupils under 18, their teacher, a city official; names in Japanese and
romanized, family name first; two added by Kyoto through the portal) and four of ours; the summer exchange to Kyoto
names our pupils and chaperone; and Cairo's heritage week here names its delegation in Arabic and romanized."""
from datetime import date, timedelta

from crm.engagements.models import Engagement
from crm.enums import (
    EngagementKind,
    ExchangeDirection,
    ExchangeKind,
    ParticipantRole,
    Payer,
    Pillar,
    Side,
    Visibility,
)
from crm.extensions import db
from crm.programs.exchanges.models import Exchange
from crm.protocol.rosters.operations import add_participant
from crm.roles import Role
from crm.settings.service import office_settings

KYOTO, CAIRO = 1857910, 360630
P, H = Side.PARTNER, Side.HOME
R = ParticipantRole
#: (side, own script, romanized, sex, minor, role, town, added by the partner)
KYOTO_DELEGATION = [
    (P, "山田 花子", "YAMADA Hanako", "f", True, R.STUDENT, "京都市", False),
    (P, "佐藤 健太", "SATO Kenta", "m", True, R.STUDENT, "京都市", False),
    (P, "鈴木 美咲", "SUZUKI Misaki", "f", True, R.STUDENT, "宇治市", True),
    (P, "高橋 翔", "TAKAHASHI Sho", "m", True, R.STUDENT, "京都市", True),
    (P, "田中 結衣", "TANAKA Yui", "f", True, R.STUDENT, "亀岡市", False),
    (P, "伊藤 大輝", "ITO Daiki", "m", True, R.STUDENT, "京都市", False),
    (P, "渡辺 直子", "WATANABE Naoko", "f", False, R.CHAPERONE, "京都市", False),
    (P, "中村 誠", "NAKAMURA Makoto", "m", False, R.OFFICIAL, "京都市", False),
    (H, "Jane Whitfield", None, "f", False, R.OFFICIAL, "Portland", False),
    (H, "Emily Chen", None, "f", False, R.INTERPRETER, "Portland", False),
    (H, "Daniel Ortiz", None, "m", False, R.HOST, "Portland", False),
    (H, "Marcus Reed", None, "m", False, R.STAFF, "Portland", False),
]
SUMMER_PUPILS = [
    (H, "Olivia Brooks", None, "f", True, R.STUDENT, "Portland", False),
    (H, "Noah Kim", None, "m", True, R.STUDENT, "Beaverton", False),
    (H, "Ava Martinez", None, "f", True, R.STUDENT, "Portland", False),
    (H, "Liam Nguyen", None, "m", True, R.STUDENT, "Gresham", False),
    (H, "Rachel Stone", None, "f", False, R.CHAPERONE, "Portland", False),
]
CAIRO_DELEGATION = [
    (P, "محمد علي حسن", "Mohamed Ali HASSAN", "m", False, R.OFFICIAL, "القاهرة", False),
    (P, "فاطمة أحمد السيد", "Fatma Ahmed EL-SAYED", "f", False, R.DELEGATE, "الجيزة", False),
    (P, "يوسف محمود عبد الله", "Youssef Mahmoud ABDALLAH", "m", False, R.JOURNALIST, "القاهرة", False),
    (P, "نور الهدى إبراهيم", "Nour El-Hoda IBRAHIM", "f", False, R.INTERPRETER, "القاهرة", True),
    (H, "Sarah Collins", None, "f", False, R.OFFICIAL, "Portland", False),
]


def _list(engagement, people, *, first_day: date, last_day: date, home_country="US", partner_country="JP",
          funded_by=None, family_first=True) -> None:
    for side, native, latin, sex, minor, role, town, by_partner in people:
        values = {"name": latin or native, "name_native": native if latin else None, "name_romanized": latin,
                  "family_name_first": family_first and side == P, "sex": sex, "minor": minor, "role": role,
                  "town": town, "country": partner_country if side == P else home_country,
                  "arrives_on": first_day, "leaves_on": last_day,
                  "funded_by": funded_by if side == P else Payer.CITY}
        add_participant(engagement, side, values, added_by=P if by_partner else H)


def seed_rosters(partnerships_by_geonames: dict, users: dict, today: date) -> None:
    """Called by seed_demo after the programs and governance; partnerships_by_geonames: geonames id →
    Partnership (Kyoto 1857910 and Cairo 360630 have guests); users: Role → the demo User."""
    office_settings().collect_sex_and_minor = True
    kyoto, cairo = partnerships_by_geonames.get(KYOTO), partnerships_by_geonames.get(CAIRO)
    coordinator = users[Role.COORDINATOR]
    if kyoto is not None:
        start = today + timedelta(days=30)
        youth = Exchange(partnership=kyoto, title="Kyoto youth delegation to Portland", exchange_kind=ExchangeKind.YOUTH,
                         direction=ExchangeDirection.INCOMING, occurred_on=start, ends_on=start + timedelta(days=7),
                         participants=12, substantive=True, pillar=Pillar.EDUCATION, logged_by=coordinator,
                         visibility=Visibility.SHARED)
        db.session.add(youth)
        db.session.flush()
        _list(youth, KYOTO_DELEGATION, first_day=start, last_day=start + timedelta(days=7), funded_by=Payer.GRANT)
        summer = db.session.scalars(db.select(Exchange).where(Exchange.partnership_id == kyoto.id,
                                                              Exchange.title == "High-school summer exchange")).first()
        if summer is not None:
            _list(summer, SUMMER_PUPILS, first_day=summer.occurred_on, last_day=summer.ends_on)
    if cairo is not None:
        day = today + timedelta(days=45)
        week = Engagement(partnership=cairo, kind=EngagementKind.EVENT, occurred_on=day,
                          title="Cairo heritage week in Portland", substantive=True, pillar=Pillar.CULTURE,
                          logged_by=coordinator, visibility=Visibility.SHARED)
        db.session.add(week)
        db.session.flush()
        _list(week, CAIRO_DELEGATION, first_day=day - timedelta(days=1), last_day=day + timedelta(days=5),
              partner_country="EG", funded_by=Payer.PARTNER, family_first=False)
    db.session.flush()

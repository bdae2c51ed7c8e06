"""Demo data for negotiation (issue 21): with Kyoto (whose contact has a guest account), a youth exchange
memorandum in negotiation, in Japanese and English; our side approved it, then Kyoto's guest proposed a change to
the Japanese text, still open."""
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from crm.agreements import negotiation
from crm.agreements.models import (
    Agreement,
    AgreementApproval,
    AgreementKind,
    AgreementStatus,
    AgreementText,
    TextProposal,
)
from crm.enums import Side
from crm.extensions import db
from crm.guests.models import GuestAccess
from crm.roles import Role

KYOTO = 1857910
TITLE = "Memorandum on youth exchange 2027–2031"
TEXTS = {
    "ja": ("青少年交流に関する覚書",
           ("第1条 目的\n両市は、青少年の相互理解を深めるため、毎年交流事業を実施する。\n\n"
            "第2条 交流\n両市は、毎年夏に十名の高校生を相互に派遣する。")),
    "en": ("Memorandum on Youth Exchange",
           ("Article 1. Purpose\nThe two cities hold a youth exchange every year to deepen mutual understanding.\n\n"
            "Article 2. Exchanges\nEach summer, each city sends ten high-school students to the other.")),
}
PROPOSED_JA = ("第1条 目的\n両市は、青少年の相互理解を深めるため、毎年交流事業を実施する。\n\n"
               "第2条 交流\n両市は、毎年夏に十五名の高校生及び引率教員二名を相互に派遣する。")


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


def seed_negotiation(partnerships_by_geonames: dict, users: dict, today: date) -> None:
    """Called by seed_demo after the programs; partnerships_by_geonames: geonames id → Partnership;
    users: Role → the demo User."""
    partnership = partnerships_by_geonames.get(KYOTO)
    if partnership is None:
        return
    coordinator = users[Role.COORDINATOR]
    agreement = Agreement(partnership=partnership, kind=AgreementKind.MOU, title=TITLE,
                          status=AgreementStatus.IN_NEGOTIATION)
    for position, (language, (title, body)) in enumerate(TEXTS.items()):
        agreement.texts.append(AgreementText(language=language, position=position, title=title, body=body))
    db.session.add(agreement)
    db.session.flush()
    db.session.add(AgreementApproval(agreement_id=agreement.id, side=Side.HOME, user_id=coordinator.id,
                                     fingerprint=negotiation.fingerprint(agreement.texts),
                                     approved_at=_at(today - timedelta(days=12), 1)))
    guest = db.session.scalar(select(GuestAccess).where(GuestAccess.partnership_id == partnership.id))
    japanese = agreement.texts[0]
    db.session.add(TextProposal(
        agreement_text_id=japanese.id, side=Side.PARTNER, proposed_by_id=guest.user_id if guest else None,
        proposed_at=_at(today - timedelta(days=5), 2), based_on_version=japanese.version,
        title=japanese.title, body=PROPOSED_JA,
        comment="十五名と引率教員二名でお願いします。 (Fifteen students and two teachers, please.)"))
    db.session.flush()

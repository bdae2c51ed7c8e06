"""Demo agreements (several bilingual, some expiring soon), trade missions with
itineraries, exchanges and joint projects, relative to today."""
from datetime import date, time, timedelta

from crm.agreements import operations as agreement_operations
from crm.agreements.models import Agreement, AgreementKind, AgreementStatus, AgreementText, Signatory
from crm.contacts.models import Contact
from crm.engagements.models import Pillar, Visibility
from crm.extensions import db
from crm.localtime import to_utc
from crm.partnerships.models import Side
from crm.programs.exchanges.models import Exchange, ExchangeDirection, ExchangeKind
from crm.programs.missions.models import (
    Delegate,
    ItineraryItem,
    MissionDirection,
    MissionOutcome,
    OutcomeKind,
    TradeMission,
)
from crm.programs.projects.models import JointProject, Milestone, ProjectStatus, ProjectTheme
from crm.programs.projects.operations import sync_milestone_engagement

TEXTS = {
    "en": ("Agreement of Friendship and Cooperation",
           "The cities of {home} and {partner}, wishing to deepen the friendship between their citizens, agree to "
           "cooperate in culture, education, the economy and municipal administration, and to encourage exchanges "
           "between their residents, schools and businesses.\n\nThis agreement takes effect on the day of signing."),
    "ja": ("友好協力協定",
           "{home}市と{partner}は、両市民の友好を深めることを願い、文化、教育、経済及び行政の分野において協力し、"
           "市民、学校及び企業の交流を促進することに合意する。\n\n本協定は署名の日から効力を生ずる。"),
    "ar": ("اتفاقية صداقة وتعاون",
           "ترغب مدينتا {home} و{partner} في تعميق الصداقة بين مواطنيهما، وتتفقان على التعاون في مجالات الثقافة "
           "والتعليم والاقتصاد والإدارة البلدية، وعلى تشجيع التبادل بين السكان والمدارس والشركات.\n\n"
           "تدخل هذه الاتفاقية حيز التنفيذ من تاريخ توقيعها."),
    "zh_Hans": ("友好合作备忘录",
                "{home}市与{partner}市为加深两市人民的友谊，同意在文化、教育、经济和城市管理领域开展合作，"
                "鼓励两市居民、学校和企业之间的交流。\n\n本备忘录自签署之日起生效。"),
    "es": ("Acuerdo de Hermanamiento y Cooperación",
           "Las ciudades de {home} y {partner}, con el deseo de estrechar la amistad entre sus ciudadanos, acuerdan "
           "cooperar en cultura, educación, economía y administración municipal, y fomentar los intercambios entre "
           "sus habitantes, escuelas y empresas.\n\nEste acuerdo entra en vigor el día de su firma."),
    "it": ("Patto di Gemellaggio",
           "Le città di {home} e {partner}, desiderose di approfondire l'amicizia tra i loro cittadini, si impegnano "
           "a cooperare nei campi della cultura, dell'istruzione, dell'economia e dell'amministrazione comunale."),
    "ko": ("자매결연 협정서",
           "{home}시와 {partner}시는 양 도시 시민 간의 우정을 증진하기 위하여 문화, 교육, 경제 및 행정 분야에서 "
           "협력하고 시민, 학교 및 기업 간의 교류를 장려하기로 합의한다."),
    "fr": ("Protocole d'accord de coopération",
           "Les villes de {home} et de {partner}, souhaitant approfondir l'amitié entre leurs habitants, conviennent "
           "de coopérer dans les domaines de la culture, de l'éducation, de l'économie et de l'administration "
           "municipale."),
    "uk": ("Угода про побратимство",
           "Міста {home} і {partner}, прагнучи поглибити дружбу між своїми громадянами, домовляються співпрацювати "
           "у сферах культури, освіти, економіки та муніципального управління."),
}

# partner geonames id → (languages, kind, signed years ago or None for unsigned, expires in days or None)
AGREEMENTS = {
    1857910: [(("ja", "en"), AgreementKind.SISTER_CITY, 40, None),
              (("ja", "en"), AgreementKind.RENEWAL, 5, 60)],
    360630: [(("ar", "en"), AgreementKind.SISTER_CITY, 29, None)],
    1886760: [(("zh_Hans", "en"), AgreementKind.MOU, 4, 80)],
    4005539: [(("es", "en"), AgreementKind.SISTER_CITY, 42, None)],
    3181928: [(("it", "en"), AgreementKind.SISTER_CITY, 34, None)],
    1838524: [(("ko", "en"), AgreementKind.SISTER_CITY, 15, None)],
    611717: [(("en",), AgreementKind.MOU, None, None)],
    2553604: [(("ar", "fr"), AgreementKind.MOU, 3, 30)],
    703448: [(("uk", "en"), AgreementKind.SISTER_CITY, 3, None)],
}


def _agreement(partnership, languages, kind, signed_years_ago, expires_in_days, user, today, renews=None):
    home, partner = partnership.home_city, partnership.partner_city
    agreement = Agreement(partnership=partnership, kind=kind, title=TEXTS["en"][0], renews=renews,
                          signed_at=partner.name if signed_years_ago and signed_years_ago % 2 else home.name)
    for position, language in enumerate(languages):
        title, body = TEXTS[language]
        partner_name = partner.native_name if language != "en" and partner.native_name else partner.name
        agreement.texts.append(AgreementText(language=language, position=position, title=title,
                                             body=body.format(home=home.name, partner=partner_name)))
    agreement.signatories = [
        Signatory(side=Side.HOME, position=0, name="Keith Wilson", title="Mayor of Portland", city=home.name),
        Signatory(side=Side.PARTNER, position=0, name="—", title=f"Mayor of {partner.name}",
                  city=partner.native_name or partner.name),
    ]
    db.session.add(agreement)
    db.session.flush()
    if signed_years_ago is None:
        agreement_operations.move(agreement, AgreementStatus.IN_NEGOTIATION, user)
        return agreement
    signed_on = today - timedelta(days=365 * signed_years_ago + 17)
    agreement.effective_from = signed_on
    if expires_in_days is not None:
        agreement.expires_on = today + timedelta(days=expires_in_days)
    agreement_operations.move(agreement, AgreementStatus.IN_NEGOTIATION, user)
    agreement_operations.move(agreement, AgreementStatus.SIGNED, user, signed_on=signed_on)
    return agreement


def _mission(partnership, user, start, days, direction, title, outcomes=(), with_itinerary=True):
    destination = partnership.partner_city if direction == MissionDirection.OUTBOUND else partnership.home_city
    mission = TradeMission(partnership=partnership, title=title, direction=direction, occurred_on=start,
                           ends_on=start + timedelta(days=days - 1), destination=destination, lead=user,
                           logged_by=user, substantive=True, pillar=Pillar.BUSINESS,
                           objectives="Meet port and logistics companies; sign a letter of intent on clean shipping.",
                           sectors="clean energy, logistics, food and beverage")
    zone = destination.timezone or "UTC"
    if with_itinerary:
        schedule = [(time(9, 0), time(10, 30), "Briefing with the consulate", "Consulate General"),
                    (time(11, 0), time(12, 30), "Port authority site visit", "Port offices"),
                    (time(14, 0), time(16, 0), "Business matchmaking session", "Chamber of Commerce"),
                    (time(18, 30), time(20, 30), "Reception hosted by the mayor", "City Hall")]
        for day in range(days):
            for start_time, end_time, what, where in schedule[day % 2: day % 2 + 3]:
                mission.itinerary.append(ItineraryItem(
                    starts_at=to_utc(start + timedelta(days=day), start_time, zone),
                    ends_at=to_utc(start + timedelta(days=day), end_time, zone),
                    timezone=zone, title=what, location=where))
    for kind, description, amount, currency in outcomes:
        mission.outcomes.append(MissionOutcome(kind=kind, description=description, amount_minor=amount,
                                               currency=currency))
    db.session.add(mission)
    return mission


def seed_programs(partnerships_by_geonames: dict, user, today: date) -> None:
    for geonames_id, specs in AGREEMENTS.items():
        partnership = partnerships_by_geonames[geonames_id]
        previous = None
        for languages, kind, years, expires in specs:
            previous = _agreement(partnership, languages, kind, years, expires, user, today,
                                  renews=previous if kind == AgreementKind.RENEWAL else None)

    kyoto = partnerships_by_geonames[1857910]
    upcoming = _mission(kyoto, user, today + timedelta(days=40), 3, MissionDirection.OUTBOUND,
                        "Clean-tech trade mission to Kyoto")
    partner_contact = db.session.scalars(
        db.select(Contact).where(Contact.partnership_id == kyoto.id, Contact.side == Side.PARTNER)).first()
    if partner_contact is not None:
        upcoming.itinerary[1].contact = partner_contact
        upcoming.delegates.append(Delegate(contact=partner_contact, role="Host"))
    _mission(kyoto, user, today - timedelta(days=300), 4, MissionDirection.OUTBOUND, "Food and beverage mission",
             outcomes=[(OutcomeKind.LEAD, "Distributor for Oregon wines", None, None),
                       (OutcomeKind.DEAL, "Supply contract for hazelnuts", None, None),
                       (OutcomeKind.INVESTMENT, "Kyoto firm opens a Portland office", 250_000_000, "JPY")])
    suzhou = partnerships_by_geonames[1886760]
    _mission(suzhou, user, today - timedelta(days=200), 3, MissionDirection.INBOUND, "Suzhou industrial park delegation",
             outcomes=[(OutcomeKind.INVESTMENT, "Battery plant expansion", 1_200_000_000, "CNY"),
                       (OutcomeKind.INVESTMENT, "Joint venture capital", 15_000_000_00, "USD"),
                       (OutcomeKind.LEAD, "Three semiconductor suppliers", None, None)])
    guadalajara = partnerships_by_geonames[4005539]
    _mission(guadalajara, user, today + timedelta(days=75), 2, MissionDirection.INBOUND,
             "Jalisco tech delegation to Portland")

    for geonames_id, kind, direction, offset, days, participants, title in [
        (1857910, ExchangeKind.STUDENT, ExchangeDirection.OUTGOING, 20, 14, 24, "High-school summer exchange"),
        (4005539, ExchangeKind.STUDENT, ExchangeDirection.INCOMING, -120, 21, 18, "University semester exchange"),
        (3181928, ExchangeKind.CULTURAL, ExchangeDirection.BOTH, -60, 7, 40, "Youth orchestra exchange"),
        (186301, ExchangeKind.MUNICIPAL_STAFF, ExchangeDirection.INCOMING, 55, 10, 6, "Water utility staff exchange"),
    ]:
        db.session.add(Exchange(partnership=partnerships_by_geonames[geonames_id], title=title, exchange_kind=kind,
                                direction=direction, occurred_on=today + timedelta(days=offset),
                                ends_on=today + timedelta(days=offset + days - 1), participants=participants,
                                substantive=True, pillar=Pillar.EDUCATION, logged_by=user,
                                visibility=Visibility.SHARED))

    for geonames_id, theme, status, title, budget, currency, milestones in [
        (1857910, ProjectTheme.CULTURE, ProjectStatus.ACTIVE, "Heritage tourism app", 12_000_000, "JPY",
         [("Content plan agreed", -200, -190), ("Beta in both languages", 25, None)]),
        (2192362, ProjectTheme.SUSTAINABILITY, ProjectStatus.ACTIVE, "Urban resilience exchange", 8_500_000, "NZD",
         [("Joint flood-risk study", -90, -80), ("Council workshop", 15, None)]),
        (1886760, ProjectTheme.TECHNOLOGY, ProjectStatus.COMPLETED, "Smart port data pilot", 30_000_000, "USD",
         [("Pilot launched", -400, -395), ("Final report", -250, -240)]),
    ]:
        project = JointProject(partnership=partnerships_by_geonames[geonames_id], title=title, theme=theme,
                               status=status, occurred_on=today - timedelta(days=420),
                               ends_on=today - timedelta(days=240) if status == ProjectStatus.COMPLETED else None,
                               budget_minor=budget, budget_currency=currency, substantive=True,
                               pillar=Pillar.GOVERNMENT, logged_by=user)
        db.session.add(project)
        for milestone_title, due, done in milestones:
            milestone = Milestone(project=project, title=milestone_title, due_on=today + timedelta(days=due),
                                  done_on=today + timedelta(days=done) if done is not None else None)
            db.session.add(milestone)
            db.session.flush()
            sync_milestone_engagement(milestone, user)
    db.session.flush()

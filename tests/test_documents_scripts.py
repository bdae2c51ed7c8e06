"""Issue 18, "done when": every kind of PDF (agreement, briefing packet, profile) printed for a partner city in each
of eleven scripts — Latin, Cyrillic, Greek, Hebrew, Arabic, Devanagari, Thai, Georgian, Japanese, Chinese and
Korean — has no empty page, prints the city's own name in a font made for its script (every other glyph too),
its document phrases in the text's language, each itinerary row's place and zone, and is tagged with its language.

The finer rules have their own modules: test_agreement_document (structure, phrases, reading order),
test_briefing_document (times), test_pdf_fonts (fonts, Han forms), test_pdf_archive (PDF/A, tags, /Lang),
test_native_names (the names). This one walks the whole matrix once, on the SQLite lane (a PDF does not depend on
the database; the lanes are checked by those modules)."""
import io
import re
import unicodedata
from datetime import UTC, date, datetime, timedelta

import pikepdf
import pytest

from crm.agreements.models import Agreement, AgreementText, Signatory
from crm.documents.phrases import catalog, phrase_language
from crm.programs.missions.models import ItineraryItem, TradeMission
from tests.pdf_inspect import families_of, glyphs
from tests.test_pdf_fonts import wrong_fonts

#: script, partner city, its own name, country, zone, the language of its text, the agreement text
SCRIPTS = [
    ("Latin", "Munich", "München", "DE", "Europe/Berlin", "de",
     "Artikel 1. Zweck\n\nDie Städte fördern den Austausch zwischen ihren Bürgerinnen und Bürgern."),
    ("Cyrillic", "Yekaterinburg", "Екатеринбург", "RU", "Asia/Yekaterinburg", "ru",
     "Статья 1. Цель\n\nГорода развивают обмены между своими жителями."),
    ("Greek", "Thessaloniki", "Θεσσαλονίκη", "GR", "Europe/Athens", "el",
     "Άρθρο 1. Σκοπός\n\nΟι πόλεις προωθούν τις ανταλλαγές μεταξύ των πολιτών τους."),
    ("Hebrew", "Haifa", "חיפה", "IL", "Asia/Jerusalem", "he",
     "סעיף 1. מטרה\n\nהערים מקדמות חילופים בין תושביהן."),
    ("Arabic", "Amman", "عمّان", "JO", "Asia/Amman", "ar",
     "المادة 1. الغرض\n\nتعمل المدينتان على تعزيز التبادل بين سكانهما."),
    ("Devanagari", "Varanasi", "वाराणसी", "IN", "Asia/Kolkata", "hi",
     "अनुच्छेद 1. उद्देश्य\n\nदोनों शहर अपने नागरिकों के बीच आदान-प्रदान को बढ़ावा देते हैं।"),
    ("Thai", "Chiang Mai", "เชียงใหม่", "TH", "Asia/Bangkok", "th",
     "ข้อ 1. วัตถุประสงค์\n\nทั้งสองเมืองส่งเสริมการแลกเปลี่ยนระหว่างประชาชน"),
    ("Georgian", "Tbilisi", "თბილისი", "GE", "Asia/Tbilisi", "ka",
     "მუხლი 1. მიზანი\n\nქალაქები ხელს უწყობენ გაცვლას მოქალაქეებს შორის."),
    ("Japanese", "Kyoto", "京都", "JP", "Asia/Tokyo", "ja",
     "第1条（目的）\n\n両市は市民の交流を促進する。"),
    ("Chinese", "Chengdu", "成都", "CN", "Asia/Shanghai", "zh_Hans",
     "第一条 目的\n\n两市促进市民之间的交流。"),
    ("Korean", "Busan", "부산", "KR", "Asia/Seoul", "ko",
     "제1조(목적)\n\n양 도시는 시민 간의 교류를 증진한다."),
]


@pytest.fixture
def lane(app):
    if app.config["DB_LANE"] != "sqlite":
        pytest.skip("a PDF does not depend on the database; the sqlite lane checks it")


def _pages_with_glyphs(pdf: bytes) -> tuple[int, set[int]]:
    with pikepdf.open(io.BytesIO(pdf)) as document:
        count = len(document.pages)
    return count, {glyph.page for glyph in glyphs(pdf)}


def _tagged_language(pdf: bytes) -> str:
    with pikepdf.open(io.BytesIO(pdf)) as document:
        assert "/StructTreeRoot" in document.Root and document.Root.MarkInfo.Marked
        return str(document.Root.Lang)


def _check(pdf: bytes, native: str) -> list:
    pages, drawn = _pages_with_glyphs(pdf)
    assert drawn == set(range(1, pages + 1)), f"empty pages: {set(range(1, pages + 1)) - drawn}"
    found = glyphs(pdf)
    assert not wrong_fonts(found), wrong_fonts(found)[:10]
    assert families_of(found, native), f"{native} is not printed"
    return found


def _literal_word(language: str, key: str) -> str:
    """The longest word a phrase writes itself (not a placeholder): "Unterzeichnet", "נחתם", "署名"…"""
    template = catalog()[phrase_language(language)][key]
    words = [word for chunk in re.split(r"%\(\w+\)s", template) for word in re.split(r"[\s,.:;]+", chunk)]
    plain = [word for word in words if not any(unicodedata.combining(char) for char in word)]  # shaped marks
    return max(plain, key=len)


def _text(found) -> str:
    return "".join(glyph.text for glyph in found)


@pytest.mark.parametrize(("script", "city", "native", "country", "zone", "language", "body"), SCRIPTS,
                         ids=[s[0] for s in SCRIPTS])
def test_every_kind_of_document_in_every_script(lane, client, login, make, session, script, city, native, country,
                                                 zone, language, body):
    login("coordinator")
    partner = make.city(city, native, country, timezone=zone)
    partnership = make.partnership(partner=partner)

    agreement = Agreement(partnership=partnership, kind="sister_city", title="Sister City Agreement",
                          status="signed", signed_on=date(2026, 10, 20), signed_at="Portland")
    agreement.texts.append(AgreementText(language=language, title=native, body=body, position=0))
    agreement.texts.append(AgreementText(language="en", title="Sister City Agreement", position=1,
                                         body="Article 1. Purpose\n\nThe cities promote exchanges between citizens."))
    agreement.signatories = [Signatory(side="home", name="Keith Wilson", title="Mayor"),
                             Signatory(side="partner", name=native, title="Mayor")]
    start = date(2027, 3, 24)
    mission = TradeMission(partnership=partnership, title=f"Mission to {city}", direction="outbound",
                           occurred_on=start, ends_on=start + timedelta(days=6), destination=partner)
    mission.itinerary.append(ItineraryItem(starts_at=datetime(2027, 3, 25, 8, tzinfo=UTC),
                                           ends_at=datetime(2027, 3, 25, 9, tzinfo=UTC), timezone=zone,
                                           title="City hall", location="City hall"))
    session.add_all([agreement, mission])
    session.commit()

    # the agreement: the partner's text in its own language, its phrases in that language
    for layout in ("side", "sequential"):
        response = client.get(f"/agreements/{agreement.id}.pdf?layout={layout}")
        assert response.status_code == 200
        found = _check(response.data, native)
        for key in ("signed", "for_city"):  # the text's own phrases, not English ones
            assert families_of(found, _literal_word(language, key)), (key, _literal_word(language, key))
        assert _tagged_language(response.data)

    # the briefing packet, in English and (where it is one) the partner's interface language: every row's zone
    for packet_language in {"en", language.split("_")[0]} & {"en", "es", "fr", "de", "ja", "zh", "ar"}:
        response = client.get(f"/missions/{mission.id}/briefing.pdf?lang={packet_language}")
        assert response.status_code == 200
        found = _check(response.data, native)
        assert "UTC" in _text(found) and zone not in _text(found)  # zones by place and offset, never an IANA id
        assert _tagged_language(response.data).startswith(packet_language)

    # the profile
    response = client.get(f"/partnerships/{partnership.id}/profile.pdf?lang=en")
    assert response.status_code == 200
    _check(response.data, native)

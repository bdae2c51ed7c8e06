"""Issue 18, section 4: every glyph of a printed document comes from a Noto font made for its script, in every
document language (no DejaVu fallback); Han characters take the forms of their own language (a native name's lang,
crm.languages.name_lang); lists are separated as each language writes them; the charts print their words joined,
in the document's fonts, and their legends never cover their keys in right-to-left pages.

Which font drew each character is read from the PDFs with pdfminer.six (tests/pdf_inspect.py)."""
import io
import unicodedata
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest
from flask_babel import force_locale, gettext
from pdfminer.high_level import extract_text

from crm.agreements.models import Agreement, AgreementText, Signatory
from crm.engagements.models import Pillar
from crm.enums import Priority
from crm.health.charts import PRINT_WIDTH_MM, by_quarter, quarterly_chart, text_width
from crm.health.pillars import pillar_chart
from crm.languages import font_families, format_list, name_lang, svg_font_family
from crm.programs.missions.models import Delegate, ItineraryItem, TradeMission
from tests.pdf_inspect import Glyph, families_of, glyphs, script_of

SVG = "{http://www.w3.org/2000/svg}"
CJK = {"Noto Sans CJK JP", "Noto Sans CJK SC", "Noto Sans CJK TC", "Noto Sans CJK HK", "Noto Sans CJK KR"}
#: the fonts made for each script (Hangul and Han: a CJK font; which one is checked where the language is known)
SCRIPT_FONTS = {
    "Latin": {"Noto Sans"}, "Greek": {"Noto Sans"}, "Cyrillic": {"Noto Sans"}, "Arabic": {"Noto Sans Arabic"},
    "Hebrew": {"Noto Sans Hebrew"}, "Georgian": {"Noto Sans Georgian"}, "Armenian": {"Noto Sans Armenian"},
    "Devanagari": {"Noto Sans Devanagari"}, "Bengali": {"Noto Sans Bengali"}, "Tamil": {"Noto Sans Tamil"},
    "Thai": {"Noto Sans Thai"}, "Ethiopic": {"Noto Sans Ethiopic"}, "Han": CJK, "Hangul": CJK,
    "Arrow": {"Noto Sans Symbols", "Noto Sans Symbols2", "Noto Sans Math"} | CJK,  # and the minus sign
}
#: typed text in ten scripts besides the document's, and an arrow (DejaVu's before)
SAMPLER = ("Haifa חיפה · Yerevan Երևան · Varanasi वाराणसी · Kolkata কলকাতা · Chennai சென்னை · Bangkok กรุงเทพมหานคร · "
           "Addis Ababa አዲስ አበባ · Athens Αθήνα · Moscow Москва · Alexandria الإسكندرية → Tbilisi თბილისი")
LIAISON = "John Smith Jr."


def wrong_fonts(found: list[Glyph]) -> list[tuple[str, str, int]]:
    """(character, font family, page) for every glyph not set in a Noto font made for its script; an arrow or a
    minus sign from Noto Sans Symbols or Math, or the CJK font of CJK text."""
    wrong = []
    for glyph in found:
        for char in glyph.text:
            script = script_of(char)
            if unicodedata.name(char, "").endswith(("ARROW", "MINUS SIGN")):
                script = "Arrow"
            allowed = SCRIPT_FONTS.get(script)  # other symbols ("+", "·"): any Noto font
            if not glyph.family.startswith("Noto") or (allowed and glyph.family not in allowed):
                wrong.append((char, glyph.family, glyph.page))
    return wrong


def han_fonts(found: list[Glyph], *, leaving_out: str = "") -> set[str]:
    """The fonts of every Han and kana glyph, but for those spelling `leaving_out` (a name in another language)."""
    spelled = set()
    if leaving_out:
        text = "".join(glyph.text for glyph in found)
        start = text.find(leaving_out)
        while start != -1:
            spelled.update(range(start, start + len(leaving_out)))
            start = text.find(leaving_out, start + 1)
    fonts, position = set(), 0
    for glyph in found:
        if any(script_of(char) == "Han" for char in glyph.text) and position not in spelled:
            fonts.add(glyph.family)
        position += len(glyph.text)
    return fonts


def labels(app, language: str, *values) -> list[str]:
    with app.test_request_context(), force_locale(language):
        return [str(value.label) for value in values]


# Profiles: every interface language, with a partner city whose own name is in another script or Han variant
PROFILES = [
    # document language, partner city, its own name, its country, the font that name's letters take
    ("en", "Taipei", "臺北", "TW", "Noto Sans CJK TC"),
    ("es", "Hong Kong", "香港", "HK", "Noto Sans CJK HK"),
    ("fr", "Seoul", "서울", "KR", "Noto Sans CJK KR"),
    ("de", "Tbilisi", "თბილისი", "GE", "Noto Sans Georgian"),
    ("ar", "Kyoto", "京都市", "JP", "Noto Sans CJK JP"),
    ("ja", "Chengdu", "成都", "CN", "Noto Sans CJK SC"),
    ("zh", "Kyoto", "京都市", "JP", "Noto Sans CJK JP"),
]


@pytest.mark.parametrize(("language", "city", "native", "country", "native_font"), PROFILES)
def test_profile_sets_every_glyph_in_a_noto_font_for_its_script(app, client, login, make, session, language, city,
                                                                 native, country, native_font):
    login("viewer")
    liaison = make.user(role="coordinator", name=LIAISON)
    partnership = make.partnership(partner=make.city(city, native, country), summary=SAMPLER, liaison=liaison)
    partnership.priorities = [Priority.TRADE, Priority.CULTURE, Priority.EDUCATION]
    for month in (3, 5, 8):
        make.engagement(partnership, occurred_on=date(2026, month, 2), substantive=True)
    session.commit()
    response = client.get(f"/partnerships/{partnership.id}/profile.pdf?lang={language}")
    assert response.status_code == 200
    found = glyphs(response.data)
    assert not wrong_fonts(found), wrong_fonts(found)[:20]
    assert families_of(found, native) == {native_font}, families_of(found, native)
    if language in ("ja", "zh"):  # the document's own Han characters in its own forms, the name in its own
        assert han_fonts(found, leaving_out=native) == {"Noto Sans CJK JP" if language == "ja" else
                                                        "Noto Sans CJK SC"}
    text = extract_text(io.BytesIO(response.data))
    assert LIAISON in text  # isolated: its full stop stays after "Jr" in an Arabic document too
    priorities = labels(app, language, *partnership.priorities)
    if language == "ar":  # Arabic commas between the priorities, and the text reads right to left
        assert "".join(glyph.text for glyph in found).count("،") >= 2
        assert families_of(found, "،") == {"Noto Sans Arabic"}
    else:
        assert format_list(priorities, language) in text


def test_a_chinese_document_sets_a_japanese_name_and_a_japanese_one_a_chinese_name_in_their_own_forms(app_ctx):
    from crm.languages import html_lang  # the document side: lang="zh", lang="ja"

    assert html_lang("zh") == "zh" and html_lang("zh_Hant") == "zh-Hant"
    assert font_families("zh") == ("Noto Sans", "Noto Sans CJK SC")
    assert font_families("ja") == ("Noto Sans", "Noto Sans CJK JP")
    assert font_families("zh-Hant-HK")[-1] == "Noto Sans CJK HK" and font_families("ko")[-1] == "Noto Sans CJK KR"
    assert font_families("ar")[0] == "Noto Sans Arabic" and font_families("ru") == ("Noto Sans",)


# Agreements: texts in the other scripts (the agreement's own render, crm.documents.agreement)
AGREEMENTS = [
    ("Moscow", "Москва", "RU", [("ru", "Соглашение о побратимстве", "Города договорились о сотрудничестве."),
                                ("el", "Συμφωνία αδελφοποίησης", "Οι πόλεις συμφωνούν να συνεργαστούν.")]),
    ("Haifa", "חיפה", "IL", [("he", "הסכם ערים תאומות", "הערים מסכימות לשתף פעולה בחינוך ובתרבות."),
                             ("ar", "اتفاقية توأمة", "تتفق المدينتان على تعميق الصداقة بين مواطنيهما.")]),
    ("Varanasi", "वाराणसी", "IN", [("hi", "मैत्री समझौता", "दोनों शहर शिक्षा और संस्कृति में सहयोग करेंगे।"),
                                   ("th", "ข้อตกลงเมืองพี่เมืองน้อง", "ทั้งสองเมืองตกลงร่วมมือกันด้านการศึกษา")]),
    ("Tbilisi", "თბილისი", "GE", [("ka", "შეთანხმება დაძმობილების შესახებ", "ქალაქები თანამშრომლობაზე შეთანხმდნენ."),
                                  ("hy", "Քույր քաղաքների համաձայնագիր", "Քաղաքները համաձայնում են համագործակցել։")]),
    ("Seoul", "서울", "KR", [("ko", "자매결연 협정", "두 도시는 교육과 문화 교류를 확대한다."),
                             ("zh_Hans", "友好城市协议", "两市同意扩大教育和文化交流。")]),
    ("Kyoto", "京都市", "JP", [("ja", "姉妹都市提携協定", "両市は友好を深め、文化と教育の交流を進める。"),
                               ("en", "Sister City Agreement", "The two cities deepen their friendship → 2030.")]),
]


@pytest.mark.parametrize(("city", "native", "country", "texts"), AGREEMENTS, ids=[a[0] for a in AGREEMENTS])
def test_agreement_sets_every_glyph_in_a_noto_font_for_its_script(client, login, make, session, city, native,
                                                                   country, texts):
    login("viewer")
    partnership = make.partnership(partner=make.city(city, native, country))
    agreement = Agreement(partnership=partnership, kind="sister_city", title="Sister City Agreement",
                          status="signed", signed_on=date(2024, 5, 12), signed_at=city)
    for position, (language, title, body) in enumerate(texts):
        agreement.texts.append(AgreementText(language=language, title=title, body=body, position=position))
    agreement.signatories = [Signatory(side="home", name="Keith Wilson", title="Mayor of Portland"),
                             Signatory(side="partner", name=native, title=city)]
    session.add(agreement)
    session.commit()
    response = client.get(f"/agreements/{agreement.id}.pdf?layout=side")
    assert response.status_code == 200
    found = glyphs(response.data)
    assert not wrong_fonts(found), wrong_fonts(found)[:20]
    for language, _title, body in texts:
        sample = body.split("。")[0][:8]
        if language == "ja":
            assert families_of(found, sample) == {"Noto Sans CJK JP"}
        elif language == "zh_Hans":
            assert families_of(found, sample) == {"Noto Sans CJK SC"}
        elif language == "ko":
            assert families_of(found, sample.split()[0]) == {"Noto Sans CJK KR"}


@pytest.mark.parametrize("language", ["ar", "ja"])
def test_briefing_packet_sets_every_glyph_in_a_noto_font_for_its_script(client, login, make, session, language):
    login("coordinator")
    partnership = make.partnership(partner=make.city("Haifa", "חיפה", "IL", timezone="Asia/Jerusalem"),
                                   summary=SAMPLER)
    contact = make.contact(partnership, name="דוד כהן")
    start = date(2026, 12, 10)
    mission = TradeMission(partnership=partnership, title="Mission → Haifa", direction="outbound", occurred_on=start,
                           ends_on=start + timedelta(days=1), destination=partnership.partner_city,
                           objectives="Meet the port authority · נמל חיפה")
    mission.itinerary.append(ItineraryItem(
        starts_at=datetime(2026, 12, 10, 8, tzinfo=UTC), ends_at=datetime(2026, 12, 10, 9, tzinfo=UTC),
        timezone="Asia/Jerusalem", title="Port visit", contact=contact))
    mission.delegates.append(Delegate(contact=contact, role="Host"))
    session.add(mission)
    session.commit()
    response = client.get(f"/missions/{mission.id}/briefing.pdf?lang={language}")
    assert response.status_code == 200
    found = glyphs(response.data)
    assert not wrong_fonts(found), wrong_fonts(found)[:20]
    assert families_of(found, "חיפה") == {"Noto Sans Hebrew"}


# The language of a city's own name
@pytest.mark.parametrize(("native", "country", "stored", "expected"), [
    ("京都市", "JP", None, "ja"), ("東京", "JP", None, "ja"), ("北京", "CN", None, "zh-Hans"),
    ("臺北", "TW", None, "zh-Hant"), ("香港", "HK", None, "zh-Hant-HK"), ("澳門", "MO", None, "zh-Hant-MO"),
    ("新加坡", "SG", None, "zh-Hans"), ("서울", "KR", None, "ko"), ("কলকাতা", "IN", None, "bn"),
    ("சென்னை", "IN", None, "ta"), ("वाराणसी", "IN", None, "hi"), ("मुंबई", "IN", "mr", "mr"),
    ("חיפה", "IL", None, "he"), ("الناصرة", "IL", None, "ar"), ("عمّان", "JO", None, "ar"), ("تهران", "IR", None, "fa"),
    ("لاہور", "PK", None, "ur"), ("Київ", "UA", None, "uk"), ("Београд", "RS", None, "sr"),
    ("Beograd", "RS", None, "sr-Latn"), ("თბილისი", "GE", None, "ka"), ("Երևան", "AM", None, "hy"),
    ("กรุงเทพมหานคร", "TH", None, "th"), ("አዲስ አበባ", "ET", None, "am"), ("München", "DE", None, "de"),
    ("吉隆坡", "MY", None, "zh-Hans"), ("Αθήνα", "GR", None, "el"), ("成都", "CN", "zh_Hans", "zh-Hans"),
    (None, "JP", None, None), ("Kyoto", "JP", None, None),
])
def test_a_native_name_has_the_language_of_its_script_in_its_country(app_ctx, native, country, stored, expected):
    city = SimpleNamespace(native_name=native, native_name_lang=stored, country_code=country)
    assert name_lang(city) == expected


# Lists
@pytest.mark.parametrize(("language", "items", "clauses", "groups", "conjunction"), [
    ("en", "A, B, C", "A, B, C", "A; B; C", "A, B, and C"),
    ("ja", "A、B、C", "A、B、C", "A；B；C", "A、B、C"),
    ("zh", "A、B、C", "A，B，C", "A；B；C", "A、B和C"),
    ("zh_Hant", "A、B、C", "A，B，C", "A；B；C", "A、B和C"),
    ("ar", "A، B، C", "A، B، C", "A؛ B؛ C", "A وB وC"),
    ("fr", "A, B, C", "A, B, C", "A\u202f; B\u202f; C", "A, B et C"),
    ("el", "A, B, C", "A, B, C", "A· B· C", "A, B και C"),
    ("am", "A፣ B፣ C", "A፣ B፣ C", "A፤ B፤ C", "A፣ B እና C"),
    ("th", "A B C", "A B C", "A B C", "A B และC"),
])
def test_lists_are_separated_as_each_language_writes_them(app_ctx, language, items, clauses, groups, conjunction):
    assert format_list("ABC", language) == items
    assert format_list("ABC", language, "clauses") == clauses
    assert format_list("ABC", language, "groups") == groups
    assert format_list("ABC", language, "and") == conjunction
    assert format_list(["A", None, "", "B"], language) == items[:items.index("B") + 1]
    assert format_list(["A"], language, "and") == "A" and format_list([], language) == ""


def test_a_list_follows_the_reader_when_no_language_is_given(app):
    with app.test_request_context(), force_locale("zh"):
        assert format_list(["商务", "文化"]) == "商务、文化"
    with app.test_request_context(), force_locale("ar"):
        assert format_list(["تجارة", "ثقافة"]) == "تجارة، ثقافة"


# Charts
def _chart(kind: str):
    if kind == "quarterly":
        rows = by_quarter({(2026, 3): (2, 1), (2026, 7): (1, 0)}, date(2026, 11, 25))
        chart = quarterly_chart(rows, title="t")
    else:
        chart = pillar_chart({Pillar.BUSINESS: (1, 2), Pillar.CULTURE: (0, 3)}, title="t")
    return chart


def _legend(root: ET.Element) -> list[tuple[float, float, float]]:
    """(key's x, words' anchor x, the words' estimated width) for both keys of the legend (drawn last)."""
    keys = [float(rect.get("x")) for rect in root.iter(SVG + "rect")][-2:]
    words = list(root.iter(SVG + "text"))[-2:]
    return [(key, float(text.get("x")), text_width(text.text, float(text.get("font-size"))))
            for key, text in zip(keys, words, strict=True)]


@pytest.mark.parametrize("kind", ["quarterly", "pillars"])
def test_a_right_to_left_legend_puts_each_key_right_of_its_words_and_never_under_them(app, kind):
    with app.test_request_context(), force_locale("ar"):
        root = ET.fromstring(str(_chart(kind)))
    width = float(root.get("viewBox").split()[2])
    assert root.get("direction") == "rtl" and "Noto Sans Arabic" in root.get("font-family")
    assert all(text.get("text-anchor") == "start" for text in list(root.iter(SVG + "text"))[-2:])
    (first_key, first_words, first_width), (second_key, second_words, second_width) = _legend(root)
    for key, words, extent in ((first_key, first_words, first_width), (second_key, second_words, second_width)):
        assert 2 <= key - words <= 6  # the words end (RTL start anchor: their right end) just left of the key
        assert words - extent > 0 and key + 10 <= width  # inside the chart
    assert first_key > second_key  # read from the right: the first key first
    assert second_key + 10 <= first_words - first_width  # the second key after the first key's words
    with app.test_request_context(), force_locale("en"):
        ltr = _legend(ET.fromstring(str(_chart(kind))))
    (key, words, extent), (next_key, _, _) = ltr
    assert 2 <= words - (key + 10) <= 6 and next_key >= words + extent


def test_a_quarterly_chart_starts_on_the_right_in_right_to_left_pages(app):
    with app.test_request_context(), force_locale("ar"):
        rtl = ET.fromstring(str(_chart("quarterly")))
    with app.test_request_context():
        ltr = ET.fromstring(str(_chart("quarterly")))
    bars = [float(rect.get("x")) for rect in rtl.iter(SVG + "rect")][:-2]
    assert bars == sorted(bars, reverse=True) and len(bars) == 3  # March (two kinds) before July, from the right
    ltr_bars = [float(rect.get("x")) for rect in ltr.iter(SVG + "rect")][:-2]
    assert ltr_bars == sorted(ltr_bars)
    axis = [float(text.get("x")) for text in rtl.iter(SVG + "text") if text.text in ("0", "2", "4")]
    assert min(axis) > 600  # the numbers stand on the right


@pytest.mark.parametrize(("language", "family"), [("ja", "Noto Sans CJK JP"), ("zh", "Noto Sans CJK SC"),
                                                  ("ar", "Noto Sans Arabic"), ("en", "Noto Sans")])
def test_charts_name_the_fonts_of_the_readers_language(app, language, family):
    with app.test_request_context(), force_locale(language):
        for kind in ("quarterly", "pillars"):
            assert f"'{family}'" in ET.fromstring(str(_chart(kind))).get("font-family")
        assert svg_font_family().endswith("sans-serif") and ", " not in svg_font_family()  # WeasyPrint splits on ","


def test_a_printed_chart_has_its_words_in_html_over_a_drawing_without_text(app):
    with app.test_request_context(), force_locale("ar"):
        chart = _chart("quarterly")
        substantive = gettext("Substantive")
    printed = str(chart.printed)
    assert "<text" not in printed and printed.count("<rect") == str(chart).count("<rect")
    assert f"width:{PRINT_WIDTH_MM}mm" in printed
    words = [span for span in printed.split("<span ")[1:] if substantive in span]
    key = [float(rect.get("x")) for rect in ET.fromstring(str(chart)).iter(SVG + "rect")][-2]
    scale = PRINT_WIDTH_MM / 640
    # right to left: the words' right end is placed (from the right edge, in mm) just left of their key
    right = float(words[0].split("right:")[1].split("mm")[0])
    assert abs(right - (640 - (key - 4)) * scale) < 0.01
    with app.test_request_context():
        assert "left:" in str(_chart("quarterly").printed).split(">Substantive<")[0].rsplit("<span", 1)[1]


def test_the_printed_arabic_chart_draws_its_words_joined_in_noto_sans_arabic(app, client, login, make, session):
    login("viewer")
    partnership = make.partnership(partner=make.city("Cairo", "القاهرة", "EG"))
    make.engagement(partnership, occurred_on=date(2026, 5, 2), substantive=True)
    session.commit()
    data = client.get(f"/partnerships/{partnership.id}/profile.pdf?lang=ar").data
    found = glyphs(data)
    drawn = "".join(glyph.text for glyph in found)
    with app.test_request_context(), force_locale("ar"):
        substantive, protocol = gettext("Substantive"), gettext("Protocol only")
    assert substantive != "Substantive"
    for word in (substantive.split()[0], protocol.split()[0]):
        # laid out right to left, as a line is (read left to right, its letters come last to first); WeasyPrint's
        # own SVG text drew them one code point at a time, left to right, unjoined
        assert word[::-1] in drawn and word not in drawn, word
        assert families_of(found, word) == {"Noto Sans Arabic"}, word

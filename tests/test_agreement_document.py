"""The agreement PDF as an instrument a city signs (issue 18, section 1): real PDFs in de/fr, ru, hi, th,
ar/en, zh/en, ja/en, he/en and ka, read back glyph by glyph; the text parser and the phrase catalog.

Text is read with pdfminer.six from the glyphs as printed (left to right); a right-to-left line is turned
back into reading order (logical()), so a test can say "the Hebrew line reads מקום ותאריך החתימה: חיפה, …".
"""
import io
import os
import re
import shutil
import subprocess
import unicodedata
from datetime import date
from pathlib import Path

import pytest
from pdfminer.converter import PDFPageAggregator
from pdfminer.layout import LTChar
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage

from crm.agreements.models import Agreement, AgreementText, Signatory
from crm.documents import phrases
from crm.documents.structure import Heading, Paragraph, parse, side_by_side
from crm.languages import DOCUMENT_LANGUAGES
from crm.settings.models import OfficeSettings

EN = """The City of Portland and the City of {city},

wishing to deepen the friendship between their citizens,
have agreed as follows:

Article 1. Purpose
The two cities shall promote mutual understanding through exchanges in culture and education.

Article 2. Duration
This agreement takes effect on the date of its signature."""


# Reading PDFs ------------------------------------------------------------------------------------------------------
class Line:
    def __init__(self, y: float, x: float, glyphs: list[str]):
        self.y, self.x, self.glyphs = y, x, glyphs
        self.text = "".join(glyphs)  #: as printed, left to right

    @property
    def logical(self) -> str:
        """The line in reading order, for a right-to-left line: the glyphs reversed, and each left-to-right run
        (Latin words, numbers, "+20 2 2795 7000") turned back."""
        glyphs = self.glyphs[::-1]
        kinds = [unicodedata.bidirectional(g[0]) if g else "WS" for g in glyphs]

        def ltr(i: int) -> bool:
            return 0 <= i < len(kinds) and kinds[i] in ("L", "EN", "AN")

        def joins(i: int) -> bool:  # a sign beside a number, a space or comma between two left-to-right glyphs
            return (ltr(i) or kinds[i] in ("ES", "ET") and (ltr(i - 1) or ltr(i + 1))
                    or kinds[i] in ("CS", "WS", "ES") and ltr(i - 1) and ltr(i + 1))

        out, i = [], 0
        while i < len(glyphs):
            if not joins(i) or kinds[i] in ("CS", "WS"):
                out.append(glyphs[i])
                i += 1
                continue
            j = i
            while j + 1 < len(glyphs) and joins(j + 1):
                j += 1
            out += glyphs[i:j + 1][::-1]
            i = j + 1
        return "".join(out)


def printed_lines(pdf: bytes, column: str | None = None) -> list[list[Line]]:
    """Each page's lines, top to bottom (what stands apart on one baseline, as two columns do, is two lines);
    column "left"/"right" keeps the glyphs of that half of the page."""
    manager = PDFResourceManager()
    device = PDFPageAggregator(manager, laparams=None)  # no layout analysis: the glyphs in drawing order
    interpreter = PDFPageInterpreter(manager, device)
    pages = []
    for page in PDFPage.get_pages(io.BytesIO(pdf)):
        interpreter.process_page(page)
        layout = device.get_result()
        rows: dict[float, list[LTChar]] = {}
        for char in layout:
            middle = (char.x0 + char.x1) / 2 if isinstance(char, LTChar) else None
            if middle is None or column == "left" and middle > layout.width / 2 \
                    or column == "right" and middle < layout.width / 2:
                continue
            rows.setdefault(round(char.matrix[5] * 2) / 2, []).append(char)
        pages.append([line for y in sorted(rows, reverse=True) for line in _lines(y, rows[y])])
    return pages


def _lines(y: float, chars: list[LTChar]) -> list[Line]:
    """The glyphs on one baseline as lines: WeasyPrint draws a line's inline boxes in document order, each
    box's glyphs left to right; the boxes put in order of where they stand, and split where a wide gap is."""
    runs: list[list[LTChar]] = []
    for char in chars:
        last = runs[-1][-1] if runs else None
        if last and -0.6 * char.size < char.x0 - last.x0 < last.x1 - last.x0 + 0.6 * char.size:
            runs[-1].append(char)
        else:
            runs.append([char])
    runs.sort(key=lambda run: min(c.x0 for c in run))
    lines: list[list[LTChar]] = []
    for run in runs:
        if lines and min(c.x0 for c in run) - max(c.x1 for c in lines[-1]) < 1.5 * run[0].size:
            lines[-1] += run
        else:
            lines.append(list(run))
    return [Line(y, min(c.x0 for c in line), [c.get_text() for c in line]) for line in lines]


def page_text(page: list[Line], rtl: bool = False) -> str:
    """The page's lines (in reading order when rtl), no-break spaces as spaces ("2026\u202fг.")."""
    return re.sub("[\u00a0\u202f]", " ", "\n".join(line.logical if rtl else line.text for line in page))


def find(page: list[Line], text: str, rtl: bool = False) -> Line:
    return next(line for line in page if text in (line.logical if rtl else line.text))


def without_marks(text: str) -> str:
    """Arabic without its optional vowel marks (حُرِّر → حرر), which a reader's copy may lose."""
    return "".join(ch for ch in text if unicodedata.category(ch) != "Mn")


# Data -------------------------------------------------------------------------------------------------------------
@pytest.fixture
def agreement_of(make, session):
    def build(city, texts, *, signed_on=date(2026, 10, 20), signed_at=None, partner=("松井 孝治", "京都市長")):
        name, native, country, lang = city
        partnership = make.partnership(partner=make.city(name, native, country, native_name_lang=lang))
        agreement = Agreement(partnership=partnership, kind="sister_city", title="Internal record title",
                              status="signed" if signed_on else "draft", signed_on=signed_on, signed_at=signed_at)
        for position, (language, title, body, *place) in enumerate(texts):
            agreement.texts.append(AgreementText(language=language, title=title, body=body, position=position,
                                                 signed_place=place[0] if place else None))
        agreement.signatories = [Signatory(side="home", name="Keith Wilson", title="Mayor of Portland",
                                           city="Portland"),
                                 Signatory(side="partner", name=partner[0], title=partner[1])]
        session.add(agreement)
        session.commit()
        return agreement

    return build


@pytest.fixture
def printed(client, login, make):
    login(make.user(role="viewer", language="en"))

    def fetch(agreement, layout="side") -> bytes:
        response = client.get(f"/agreements/{agreement.id}.pdf?layout={layout}")
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        return response.data

    return fetch


DE = """Die Stadt Portland und die Stadt Orléans vereinbaren Folgendes:

Artikel 1. Zweck
Die beiden Städte fördern die Verständigung durch den Austausch in Kultur und Bildung.

Artikel 2. Geltungsdauer
Diese Vereinbarung tritt mit ihrer Unterzeichnung in Kraft."""
FR = """La Ville de Portland et la Ville d’Orléans conviennent de ce qui suit :

Article 1er – Objet
Les deux villes favorisent la compréhension mutuelle.

Elles se réunissent chaque année.

Elles rendent compte de leurs échanges à leurs conseils municipaux.

Article 2 – Durée
Le présent accord entre en vigueur à la date de sa signature."""


def test_german_and_french_side_by_side_pair_articles_and_speak_their_own_language(agreement_of, printed):
    agreement = agreement_of(("Orléans", "Orléans", "FR", "fr"), [
        ("de", "Partnerschaftsvertrag", DE), ("fr", "Charte de jumelage", FR)], signed_on=None)
    pdf = printed(agreement)
    pages = printed_lines(pdf)
    assert len(pages) == 1
    german, french = (page_text(printed_lines(pdf, side)[0]) for side in ("left", "right"))
    for expected in ("Deutsch", "Partnerschaftsvertrag", "Noch nicht unterzeichnet", "Seite 1 von 1"):
        assert expected in german, expected
    for expected in ("Français", "Charte de jumelage", "Pas encore signé", "Page 1 sur 1"):
        assert expected in french, expected
    # one signature block per side (Portland's on the left, Orléans' on the right), captioned in both languages
    assert "Für die Stadt Portland\nPour la Ville de Portland" in german
    assert "Für die Stadt Orléans\nPour la Ville d’Orléans" in french
    assert "Keith Wilson" in german and "Ort und Datum\nLieu et date" in german + french
    assert "Internal record title" not in german + french and "Not yet signed" not in german + french
    # the heading stands on lines of its own, not run into the body
    assert find(pages[0], "Artikel 1").text.strip() == "Artikel 1"
    assert find(pages[0], "Geltungsdauer").text.strip() == "Geltungsdauer"
    # the French first article has two paragraphs more: the second articles still stand side by side
    assert find(pages[0], "Artikel 2").y == find(pages[0], "Article 2").y
    assert find(pages[0], "Diese Vereinbarung").y == find(pages[0], "Le présent accord").y


def test_a_russian_agreement_starts_on_page_one_in_russian(agreement_of, printed):
    body = "Город Портленд и город Москва договорились:\n\nСтатья 1. Цель\nГорода развивают сотрудничество."
    agreement = agreement_of(("Moscow", "Москва", "RU", "ru"), [("ru", "Соглашение о побратимстве", body)],
                             signed_at="Moscow", partner=("Сергей Собянин", "Мэр Москвы"))
    pages = printed_lines(printed(agreement))
    assert len(pages) == 1  # the letterhead, the title and the text together: no page with the title alone
    text = page_text(pages[0])
    for expected in ("Портленд", "Соглашение о побратимстве", "Города развивают сотрудничество.",
                     "Место и дата подписания: Москва, 20 октября 2026 г.", "От имени города Москва",
                     "От имени города Portland", "Сергей Собянин", "Мэр Москвы", "Страница 1 из 1"):
        assert expected in text, expected
    assert find(pages[0], "Статья 1").text.strip() == "Статья 1"
    assert not re.search(r"Signed|Page|For the City|Internal", text)


@pytest.mark.parametrize("city, language, title, body, expected", [
    (("Varanasi", "वाराणसी", "IN", "hi"), "hi", "भगिनी नगर समझौता",
     "अनुच्छेद 1. उद्देश्य\nदोनों नगर सहयोग करेंगे।",
     ["वाराणसी में 20", "2026 को", "की ओर से", "पृष्ठ 1 / 1", "अनुच्छेद 1", "दोनों नगर सहयोग करेंगे।"]),
    (("Bangkok", "กรุงเทพมหานคร", "TH", "th"), "th", "ข้อตกลงเมืองพี่เมืองน้อง",
     "ข้อ 1 วัตถุประสงค์\nทั้งสองเมืองจะส่งเสริมความร่วมมือด้านวัฒนธรรม",
     ["ลงนาม ณ กรุงเทพมหานคร เมื่อวันที่ 20 ตุลาคม ค.ศ. 2026", "ในนามของเมือง กรุงเทพมหานคร",
      "ในนามของเมือง Portland", "หน้า 1 จาก 1", "ข้อ 1", "วัตถุประสงค์", "ทั้งสองเมืองจะส่งเสริมความร่วมมือด้านวัฒนธรรม"]),
    (("Tbilisi", "თბილისი", "GE", "ka"), "ka", "დაძმობილების შეთანხმება",
     "მუხლი 1. მიზანი\nქალაქები ითანამშრომლებენ კულტურის სფეროში.",
     ["ხელმოწერის ადგილი და თარიღი: თბილისი, 20 ოქტომბერი, 2026", "ქალაქის სახელით: თბილისი",
      "ქალაქის სახელით: Portland", "გვერდი 1 / 1", "მუხლი 1", "მიზანი", "დაძმობილების შეთანხმება"]),
])
def test_languages_outside_the_interface_get_their_own_phrases(agreement_of, printed, city, language, title, body,
                                                                 expected):
    agreement = agreement_of(city, [(language, title, body)], signed_at=city[0], partner=("X", None))
    pages = printed_lines(printed(agreement, "sequential"))
    assert len(pages) == 1
    text = page_text(pages[0])
    for phrase in expected:
        assert phrase in text, phrase
    assert not re.search(r"Signed|Page \d|For the City|Not yet", text)


ARABIC = """المادة 1: الغرض
تعمل المدينتان على تعزيز التفاهم المتبادل.

تجتمع المدينتان مرة كل سنة.

المادة 2: المدة
تدخل هذه الاتفاقية حيز التنفيذ من تاريخ توقيعها، وللتواصل: +20 2 2795 7000."""


def test_arabic_and_english_side_by_side_read_in_order(agreement_of, printed):
    agreement = agreement_of(("Cairo", "القاهرة", "EG", "ar"), [
        ("ar", "اتفاقية توأمة", ARABIC), ("en", "Twinning Agreement", EN.format(city="Cairo"))],
        signed_at="Cairo", partner=("إبراهيم صابر", "محافظ القاهرة"))
    pdf = printed(agreement)
    pages = printed_lines(pdf)
    arabic = printed_lines(pdf, "right")  # the first text stands on its start side: the right
    english = page_text([line for page in printed_lines(pdf, "left") for line in page])
    reading = without_marks("\n".join(page_text(page, rtl=True) for page in arabic))
    for expected in ("اتفاقية توأمة", "حرر في القاهرة بتاريخ 20 أكتوبر 2026", "وللتواصل: +20 2 2795 7000.",
                     "المادة 1", "الصفحة 1 من "):
        assert expected in reading, expected
    assert reading.index("تعمل المدينتان") < reading.index("تجتمع المدينتان") < reading.index("تدخل هذه")
    for expected in ("Twinning Agreement", "Signed at Cairo on October 20, 2026", "Page 1 of "):
        assert expected in english, expected
    # a block per side, Portland's on the start side (the right), captioned in both languages
    last = pages[-1]
    portland, cairo = (find(last, caption, rtl=True) for caption in ("عن مدينة Portland", "عن مدينة القاهرة"))
    assert portland.x > cairo.x
    assert find(last, "For the City of Portland").y < portland.y and find(last, "For the City of Cairo").y < cairo.y
    first = printed_lines(pdf)[0]
    assert find(first, "Article 2").y == find(first, "2 ةداملا").y  # paired by number, not by paragraph


HEBREW = "סעיף 1. מטרה\nשתי הערים יקדמו הבנה הדדית.\n\nסעיף 2. תוקף\nהסכם זה ייכנס לתוקף ביום חתימתו."


def test_hebrew_phrases_come_out_in_reading_order(agreement_of, printed):
    agreement = agreement_of(("Haifa", "חיפה", "IL", "he"), [
        ("he", "הסכם ערים תאומות", HEBREW), ("en", "Sister City Agreement", EN.format(city="Haifa"))],
        signed_at="Haifa", partner=("יונה יהב", "ראש עיריית חיפה"))
    pdf = printed(agreement)
    hebrew = page_text(printed_lines(pdf, "right")[-1], rtl=True)
    english = page_text(printed_lines(pdf, "left")[-1])
    assert "מקום ותאריך החתימה: חיפה, 20 באוקטובר 2026" in hebrew and "עמוד 1 מתוך" in hebrew
    assert "Signed at Haifa on October 20, 2026" in english
    everything = page_text(printed_lines(pdf)[-1], rtl=True)
    assert "בשם העיר חיפה" in everything and "בשם העיר Portland" in everything
    assert "Signed" not in hebrew and "באוקטובר" not in english  # today: "2026 באוקטובר Signed at Haifa on 20"


def test_sequential_texts_each_sign_in_their_own_language_and_direction(agreement_of, printed):
    agreement = agreement_of(("Haifa", "חיפה", "IL", "he"), [
        ("he", "הסכם ערים תאומות", HEBREW), ("en", "Sister City Agreement", EN.format(city="Haifa"))],
        signed_at="Haifa", partner=("יונה יהב", "ראש עיריית חיפה"))
    hebrew_page, english_page = printed_lines(printed(agreement, "sequential"))
    hebrew = page_text(hebrew_page, rtl=True)
    assert "הסכם ערים תאומות" in hebrew and "שתי הערים יקדמו הבנה הדדית." in hebrew  # the text starts on page 1
    assert "עמוד 1 מתוך 2" in hebrew and "Sister City Agreement" not in hebrew
    # each party first in its own version, on the start side: Haifa on the right in Hebrew, Portland on the left
    haifa, portland = (find(hebrew_page, caption, rtl=True) for caption in ("בשם העיר חיפה", "בשם העיר Portland"))
    assert haifa.y == portland.y and haifa.x > portland.x
    english = page_text(english_page)
    assert "Sister City Agreement" in english and "Page 2 of 2" in english
    assert find(english_page, "For the City of Portland").x < find(english_page, "For the City of Haifa").x


@pytest.mark.parametrize("city, language, title, signer, expected", [
    (("Chengdu", "成都", "CN", "zh-Hans"), "zh_Hans", "友好城市协议书", ("王凤朝", "成都市市长"),
     ["友好城市协议书", "2026年10月20日于成都签署", "成都代表", "Portland代表", "第 1 页，共"]),
    (("Kyoto", "京都市", "JP", "ja"), "ja", "姉妹都市提携協定", ("松井 孝治", "京都市長"),
     ["姉妹都市提携協定", "2026年10月20日、京都市にて署名", "京都市を代表して", "Portlandを代表して", "/ 1 ページ"]),
])
def test_chinese_and_japanese_beside_english(agreement_of, printed, city, language, title, signer, expected):
    body = "第1条（目的）\n两市开展交流。\n\n第2条\n本协议自签署之日起生效。"
    agreement = agreement_of(city, [(language, title, body), ("en", "Sister City Agreement",
                                                              EN.format(city=city[0]))],
                             signed_at=city[0], partner=signer)
    pdf = printed(agreement)
    own = page_text([line for page in printed_lines(pdf, "left") for line in page])
    everything = page_text([line for page in printed_lines(pdf) for line in page])
    for phrase in expected:
        assert phrase in (everything if "代表" in phrase else own), phrase
    assert "Internal record title" not in own
    first = printed_lines(pdf)[0]
    assert abs(find(first, "第2条").y - find(first, "Article 2").y) < 2  # baselines differ by the fonts


def test_the_place_of_signing_can_be_given_in_each_language(agreement_of, printed):
    agreement = agreement_of(("Kyoto", "京都市", "JP", "ja"), [
        ("ja", "姉妹都市提携協定", "第1条\n交流する。", "京都市役所"),
        ("en", None, EN.format(city="Kyoto"), "Kyoto City Hall")], signed_at="Kyoto")
    pdf = printed(agreement, "sequential")
    japanese, english = (page_text(page) for page in printed_lines(pdf))
    assert "2026年10月20日、京都市役所にて署名" in japanese
    assert "Signed at Kyoto City Hall on October 20, 2026" in english
    assert "Internal record title" in english  # a text without a title of its own falls back to the record's


# The HTML ---------------------------------------------------------------------------------------------------------
def test_letterhead_names_both_cities_in_both_scripts_the_office_and_the_emblems(app, agreement_of, session):
    from crm.documents.agreement import agreement_html
    from crm.extensions import db

    agreement = agreement_of(("Kyoto", "京都市", "JP", "ja"), [
        ("ja", "姉妹都市提携協定", "前文。\n二行目。\n\n第1条\n本文。"), ("en", "Agreement", "Preamble.")])
    settings = session.get(OfficeSettings, 1)
    settings.office_name = "Portland Office of International Relations"
    agreement.partnership.partner_city.emblem_name = "kyoto-emblem.png"
    session.commit()
    with app.test_request_context():
        html = agreement_html(db.session.get(Agreement, agreement.id), "side")
    assert "Portland Office of International Relations" in html
    assert '<img class="emblem" src="app://emblems/kyoto-emblem.png" alt="京都市の市章">' in html
    assert html.count("<img") == 1  # Portland has no emblem: its name stands alone
    assert 'lang="ja">京都市</bdi>' in html
    assert "前文。<br>二行目。" in html  # a paragraph keeps its line breaks
    assert '<span class="article-label"><bdi dir="ltr">第1条</bdi></span>' in html
    assert "<title>姉妹都市提携協定</title>" in html and "Internal record title" not in html
    # each column hyphenates and shapes by its own language
    assert '<td class="text-body" lang="ja" dir="ltr">' in html and '<td class="text-body" lang="en" dir="ltr">' in html


def test_norwegian_hyphenates_as_bokmal_and_arabic_runs_right_to_left(app, agreement_of):
    from crm.documents.agreement import agreement_html
    from crm.extensions import db

    agreement = agreement_of(("Copenhagen", "København", "DK", "da"), [
        ("no", "Vennskapsavtale", "Artikkel 1. Formål\nTekst."),
                                                          ("ar", "اتفاقية", "المادة 1\nنص.")], signed_on=None)
    with app.test_request_context():
        html = agreement_html(db.session.get(Agreement, agreement.id), "sequential")
    assert 'lang="nb" dir="ltr"' in html and 'lang="ar" dir="rtl"' in html
    assert "Ennå ikke undertegnet" in html and "لم يُوقَّع بعد" in html
    assert 'For byen <bdi dir="ltr">Copenhagen</bdi>' in html and "Sted og dato" in html


def test_the_text_form_asks_for_the_title_and_the_place_in_that_language(client, login, make, agreement_of,
                                                                          session):
    login(make.user(role="coordinator", language="en"))
    agreement = agreement_of(("Kyoto", "京都市", "JP", "ja"), [("en", "Agreement", "Text.")], signed_on=None)
    page = client.get(f"/agreements/{agreement.id}/texts/new").text
    assert "Title in this language" in page and "Place of signing in this language" in page
    response = client.post(f"/agreements/{agreement.id}/texts/new", data={
        "language": "ja", "title": "姉妹都市提携協定", "signed_place": "京都", "body": "第1条\n交流する。"})
    assert response.status_code == 302
    text = session.query(AgreementText).filter_by(agreement_id=agreement.id, language="ja").one()
    assert (text.title, text.signed_place) == ("姉妹都市提携協定", "京都")
    edit = client.get(f"/agreement-texts/{text.id}/edit").text
    assert 'value="京都"' in edit
    version = re.search(r'name="version"[^>]*value="(\d+)"', edit).group(1)
    client.post(f"/agreement-texts/{text.id}/edit", data={
        "version": version, "language": "ja", "title": "姉妹都市提携協定", "signed_place": "京都市役所",
        "body": "第1条\n交流する。"})
    session.refresh(text)
    assert text.signed_place == "京都市役所"


def test_typed_addresses_and_phone_numbers_read_left_to_right():
    from crm.documents.agreement import typed_line

    line = typed_line("للتواصل: \u200e+20 2 2795 7000 أو info@cairo.example أو https://cairo.example/a. عام 2026 <b>")
    assert line == ('للتواصل: <bdi dir="ltr">+20\u00a02\u00a02795\u00a07000</bdi> أو <bdi dir="ltr">'
                    'info@cairo.example</bdi> أو <bdi dir="ltr">https://cairo.example/a</bdi>. عام 2026 &lt;b&gt;')


# Pictures for the README ------------------------------------------------------------------------------------------
JAPANESE = """米国オレゴン州ポートランド市及び日本国京都市は、

両市民の友好を一層深めることを希望して、次のとおり協定する。

第1条（目的）
両市は、文化、教育及び経済の分野における交流を通じて相互理解を促進する。

第2条（協力の分野）
両市は、文化芸術、教育及び青少年交流、経済発展及び観光、並びに環境の持続可能性の分野において協力する。

両市は、毎年一回会合し、協力の進捗を確認する。

第3条（有効期間）
この協定は、署名の日に効力を生じ、五年間効力を有する。いずれか一方の市が満了の六箇月前までに書面により通告しない限り、自動的に更新される。"""
ENGLISH = """The City of Portland, Oregon, United States of America, and the City of {city}, {country},

wishing to deepen the friendship between their citizens,
have agreed as follows:

Article 1. Purpose
The two cities shall promote mutual understanding through exchanges in culture, education and the economy.

Article 2. Fields of cooperation
The cities shall cooperate in culture and the arts, education and youth exchange, economic development and \
tourism, and environmental sustainability.

Article 3. Duration
This agreement takes effect on the date of its signature and remains in force for five years. It is renewed \
automatically unless either city gives written notice to the other six months before it expires."""
ARABIC_FULL = """إن مدينة بورتلاند في ولاية أوريغون بالولايات المتحدة الأمريكية ومدينة القاهرة في جمهورية مصر العربية،

رغبةً منهما في تعميق الصداقة بين مواطنيهما، قد اتفقتا على ما يلي:

المادة 1: الغرض
تعمل المدينتان على تعزيز التفاهم المتبادل من خلال التبادل في مجالات الثقافة والتعليم والاقتصاد.

المادة 2: مجالات التعاون
تتعاون المدينتان في مجالات الثقافة والفنون والتعليم وتبادل الشباب والتنمية الاقتصادية والسياحة والاستدامة البيئية.

تجتمع المدينتان مرة كل سنة لمراجعة التقدم المحرز في تعاونهما.

المادة 3: المدة
تدخل هذه الاتفاقية حيز التنفيذ من تاريخ توقيعها وتظل سارية لمدة خمس سنوات، وتُجدَّد تلقائيًا ما لم تُخطر \
إحدى المدينتين الأخرى كتابةً قبل انتهائها بستة أشهر."""


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils is not installed")
@pytest.mark.parametrize("name, city, texts, partner", [
    ("agreement-ja-en", ("Kyoto", "京都市", "JP", "ja"),
     [("ja", "姉妹都市提携協定", JAPANESE), ("en", "Sister City Agreement", ENGLISH.format(city="Kyoto", country="Japan"))],
     ("松井 孝治", "京都市長")),
    ("agreement-ar-en", ("Cairo", "القاهرة", "EG", "ar"),
     [("ar", "اتفاقية توأمة", ARABIC_FULL), ("en", "Twinning Agreement", ENGLISH.format(city="Cairo", country="Egypt"))],
     ("إبراهيم صابر", "محافظ القاهرة")),
])
def test_pictures_of_the_first_page(agreement_of, printed, tmp_path, name, city, texts, partner):
    """The first page side by side; kept for the README when SCREENSHOT_DIR is set (docs/screenshots)."""
    pdf = tmp_path / f"{name}.pdf"
    pdf.write_bytes(printed(agreement_of(city, texts, signed_at=city[0], partner=partner)))
    target = Path(os.environ.get("SCREENSHOT_DIR") or tmp_path)
    target.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-r", "100", "-png", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                    str(target / name)], check=True, timeout=60)
    assert (target / f"{name}.png").stat().st_size > 20_000


# The parser -------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("line, label, title, number", [
    ("Article 1. Purpose", "Article 1", "Purpose", 1),
    ("ARTICLE IV – Duration", "ARTICLE IV", "Duration", 4),
    ("Article 1er – Objet", "Article 1er", "Objet", 1),
    ("Artículo 3.º Vigencia", "Artículo 3.º", "Vigencia", 3),
    ("Artikel 12: Schlussbestimmungen", "Artikel 12", "Schlussbestimmungen", 12),
    ("Статья 2. Срок действия", "Статья 2", "Срок действия", 2),
    ("Άρθρο 5 Διάρκεια", "Άρθρο 5", "Διάρκεια", 5),
    ("第1条（目的）", "第1条", "目的", 1),
    ("第十二条 附则", "第十二条", "附则", 12),
    ("제3조(목적)", "제3조", "목적", 3),
    ("المادة 1: الغرض", "المادة 1", "الغرض", 1),
    ("المادة (٢)", "المادة (٢)", "", 2),
    ("المادة الثالثة", "المادة الثالثة", "", 3),
    ("סעיף 4. תוקף", "סעיף 4", "תוקף", 4),
    ("अनुच्छेद १ उद्देश्य", "अनुच्छेद १", "उद्देश्य", 1),
    ("ข้อ ๒ ระยะเวลา", "ข้อ ๒", "ระยะเวลา", 2),
    ("მუხლი 1. მიზანი", "მუხლი 1", "მიზანი", 1),
    ("1. cikk A megállapodás célja", "1. cikk", "A megállapodás célja", 1),
    ("§ 7 Inkrafttreten", "§ 7", "Inkrafttreten", 7),
])
def test_article_headings_in_many_languages(line, label, title, number):
    (section,) = parse(f"{line}\nBody.")
    assert section.heading == Heading(label, title, number)
    assert section.paragraphs == [Paragraph(("Body.",))]


def test_the_parser_keeps_paragraphs_line_breaks_and_tells_titles_from_sentences():
    sections = parse("Preamble,\nsecond line.\r\n\r\nArticle 1\nPurpose\nThe cities agree.\n\n"
                     "Article 2. The cities meet every year and report to their councils.\n\n"
                     "第3条　この協定は、署名の日に効力を生ずる。")
    assert sections[0].heading is None and sections[0].paragraphs == [Paragraph(("Preamble,", "second line."))]
    assert sections[1].heading == Heading("Article 1", "Purpose", 1)
    assert sections[1].paragraphs == [Paragraph(("The cities agree.",))]
    assert sections[2].heading == Heading("Article 2", "", 2)  # a sentence after the number is the body
    assert sections[2].paragraphs[0].lines[0].startswith("The cities meet")
    assert sections[3].heading == Heading("第3条", "", 3)
    assert sections[3].paragraphs == [Paragraph(("この協定は、署名の日に効力を生ずる。",))]


def test_bare_numbers_are_headings_only_in_texts_without_labels():
    bare = parse("1. Purpose\nThe cities agree.\n\n2. Duration\nFive years.")
    assert [s.heading.number for s in bare] == [1, 2]
    numbered = parse("Article 1. Fields\nThe cities cooperate in:\n\n1. culture and the arts;\n\n2. education.")
    assert len(numbered) == 1 and len(numbered[0].paragraphs) == 3
    sentence = parse("1. The cities will meet each year and review the agreement.")
    assert sentence[0].heading is None


def test_side_by_side_pairs_articles_by_number_and_pads_within_an_article():
    left = parse("Preamble.\n\nArticle 1\nOne.\n\nArticle 2\nTwo a.\n\nTwo b.\n\nTwo c.\n\nArticle 3\nThree.")
    right = parse("第1条\n一。\n\n第2条\n二。\n\n第4条\n四。\n\n第3条\n三。")
    rows = side_by_side(left, right)
    cells = [(row.kind, row.left and (row.left.label if row.kind == "heading" else row.left.lines[0]),
              row.right and (row.right.label if row.kind == "heading" else row.right.lines[0])) for row in rows]
    assert cells == [
        ("paragraph", "Preamble.", None),
        ("heading", "Article 1", "第1条"), ("paragraph", "One.", "一。"),
        ("heading", "Article 2", "第2条"), ("paragraph", "Two a.", "二。"), ("paragraph", "Two b.", None),
        ("paragraph", "Two c.", None),
        ("heading", None, "第4条"), ("paragraph", None, "四。"),
        ("heading", "Article 3", "第3条"), ("paragraph", "Three.", "三。"),
    ]


# The phrase catalog -----------------------------------------------------------------------------------------------
#: the official languages of partner cities the catalog must have at least
REQUIRED = ("en", "fr", "de", "es", "pt", "it", "nl", "pl", "cs", "sk", "hu", "ro", "bg", "ru", "uk", "sr", "hr", "sl",
            "el", "tr", "he", "ar", "fa", "ur", "hi", "bn", "ta", "th", "vi", "id", "ms", "ja", "zh", "ko", "ka", "hy",
            "kk", "uz", "sw", "sv", "da", "no", "fi", "lt", "lv", "et")


def test_every_language_has_every_phrase_with_its_placeholders():
    catalog = phrases.catalog()
    languages = set(REQUIRED) | {phrases.phrase_language(code) for code in DOCUMENT_LANGUAGES}
    assert len(REQUIRED) >= 40 and languages <= set(catalog)
    for language, entries in catalog.items():
        assert set(entries) == set(phrases.PLACEHOLDERS), language
        for key, text in entries.items():
            assert set(phrases.PLACEHOLDER.findall(text)) == phrases.PLACEHOLDERS[key], (language, key)
            assert "%" not in phrases.PLACEHOLDER.sub("", text), (language, key)  # no broken placeholder
            assert text == text.strip() and "  " not in text, (language, key)
        if language != "en":
            assert entries["not_signed"] != catalog["en"]["not_signed"], language  # translated, not copied


def test_phrases_follow_each_language():
    assert phrases.phrase_language("zh_Hans") == "zh" and phrases.phrase_language("zh-Hant") == "zh_Hant"
    assert phrases.phrase_language("nb") == "no" and phrases.phrase_language("pt_BR") == "pt"
    assert phrases.phrase_language("xx") == "en" and phrases.phrase_language(None) == "en"
    assert phrases.phrase("fr", "for_city", city="Orléans") == "Pour la Ville d’Orléans"
    assert phrases.phrase("fr", "for_city", city="Lyon") == "Pour la Ville de Lyon"
    assert phrases.phrase("de", "signed", place="Köln", date="12. Mai 2024") == "Geschehen zu Köln am 12. Mai 2024"
    markup = phrases.phrase_markup("he", "signed", place="Haifa <b>", date="20 באוקטובר 2026")
    assert markup == ('מקום ותאריך החתימה: <bdi dir="ltr">Haifa &lt;b&gt;</bdi>, '
                      '<bdi dir="rtl">20 באוקטובר 2026</bdi>')
    assert phrases.page_label_css("de") == '"Seite " counter(page) " von " counter(pages) ""'

"""PDF agreements, briefing packets and profiles: every script printed, nothing fetched."""
import http.server
import io
import os
import shutil
import subprocess
import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from pypdf import PdfReader

from crm.agreements.models import Agreement, AgreementText, Signatory
from crm.pdf import Renderer, RenderError, render_in_process
from crm.programs.missions.models import Delegate, ItineraryItem, TradeMission


def reader(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


def text_of(pdf: PdfReader) -> str:
    return "\n".join(page.extract_text() for page in pdf.pages)


def fonts_of(pdf: PdfReader) -> set[str]:
    fonts = set()
    for page in pdf.pages:
        for font in page["/Resources"].get("/Font", {}).values():
            fonts.add(str(font.get_object()["/BaseFont"]).split("+", 1)[-1])
    return fonts


def outline_titles(pdf: PdfReader) -> list[str]:
    titles = []

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                titles.append(item.title)

    walk(pdf.outline)
    return titles


@pytest.fixture
def agreement_of(make, session):
    def build(city, native, country, texts, **fields):
        partnership = make.partnership(partner=make.city(city, native, country))
        agreement = Agreement(partnership=partnership, kind="sister_city", title="Sister City Agreement",
                              status="signed", signed_on=date(2024, 5, 12), signed_at=city, **fields)
        for position, (language, title, body) in enumerate(texts):
            agreement.texts.append(AgreementText(language=language, title=title, body=body, position=position))
        agreement.signatories = [Signatory(side="home", name="Keith Wilson", title="Mayor of Portland"),
                                 Signatory(side="partner", name="松井 孝治", title="京都市長")]
        session.add(agreement)
        session.commit()
        return agreement

    return build


def test_kyoto_agreement_prints_japanese_and_english_side_by_side(client, login, agreement_of):
    login("viewer")
    agreement = agreement_of("Kyoto", "京都市", "JP", [
        ("ja", "姉妹都市提携協定", "両市は友好を深め、文化と教育の交流を進める。\n\n本協定は署名の日から効力を生ずる。"),
        ("en", "Sister City Agreement", "The two cities deepen their friendship.\n\nThis agreement takes effect "
                                        "on signing.")])
    response = client.get(f"/agreements/{agreement.id}.pdf?layout=side")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert 'filename="Agreement-Kyoto-2024-05-12.pdf"' in disposition
    assert "filename*=UTF-8''Agreement-%E4%BA%AC%E9%83%BD%E5%B8%82-2024-05-12.pdf" in disposition
    pdf = reader(response.data)
    text = text_of(pdf)
    for expected in ("京都市", "姉妹都市提携協定", "両市は友好を深め", "The two cities deepen their friendship",
                     "2024年5月12日", "May 12, 2024", "Keith Wilson", "松井 孝治", "1 / 1 ページ"):  # page label in the text's language
        assert expected in text, expected
    assert text.index("両市は友好を深め") < text.index("本協定は署名の日から")
    assert any("CJK" in font and "JP" in font.upper() for font in fonts_of(pdf)), fonts_of(pdf)
    assert pdf.trailer["/Root"]["/Lang"] == "ja"


def test_cairo_agreement_prints_arabic_right_to_left(client, login, agreement_of):
    login("viewer")
    agreement = agreement_of("Cairo", "القاهرة", "EG", [
        ("ar", "اتفاقية توأمة", "تتفق المدينتان على تعميق الصداقة بين مواطنيهما.\n\nتدخل الاتفاقية حيز التنفيذ."),
        ("en", "Twinning Agreement", "The cities agree to deepen the friendship.")])
    pdf = reader(client.get(f"/agreements/{agreement.id}.pdf?layout=sequential").data)
    text = text_of(pdf)
    assert "القاهرة" in text and "اتفاقية توأمة" in text
    # logical (reading) order is kept: the first sentence before the second
    assert text.index("تعميق الصداقة") < text.index("حيز التنفيذ")
    assert "مايو" in text and "May 12, 2024" in text  # each text's own date format
    assert any("Arabic" in font for font in fonts_of(pdf))
    assert pdf.trailer["/Root"]["/Lang"] == "ar"


def test_cyrillic_greek_devanagari_and_thai_print_with_real_fonts(client, login, agreement_of):
    login("viewer")
    agreement = agreement_of("Pune", "पुणे", "IN", [
        ("ru", "Соглашение", "Города договорились о сотрудничестве."),
        ("el", "Συμφωνία", "Οι πόλεις συμφωνούν να συνεργαστούν."),
        ("hi", "समझौता", "दोनों शहर सहयोग करेंगे।"),
        ("th", "ข้อตกลง", "ทั้งสองเมืองตกลงร่วมมือกัน")])
    pdf = reader(client.get(f"/agreements/{agreement.id}.pdf").data)
    text = text_of(pdf)
    for expected in ("Города договорились", "Οι πόλεις", "समझौता", "ข้อตกลง"):
        assert expected in text, expected
    fonts = fonts_of(pdf)
    assert any("Devanagari" in f for f in fonts) and any("Thai" in f for f in fonts), fonts
    assert any(f.startswith("Noto-Sans") or f.startswith("NotoSans") for f in fonts)


def test_briefing_packet_has_cover_contents_bookmarks_and_local_times(client, login, make, session):
    login("coordinator")
    partnership = make.partnership(partner=make.city("Kyoto", "京都市", "JP", timezone="Asia/Tokyo",
                                                     population=1463723))
    contact = make.contact(partnership, name="山田 花子")
    start = date.today() + timedelta(days=30)
    mission = TradeMission(partnership=partnership, title="Clean-tech mission", direction="outbound",
                           occurred_on=start, ends_on=start + timedelta(days=2), destination=partnership.partner_city,
                           objectives="Meet battery makers")
    for day in range(3):
        mission.itinerary.append(ItineraryItem(
            starts_at=datetime.combine(start + timedelta(days=day), datetime.min.time(), tzinfo=UTC),
            ends_at=datetime.combine(start + timedelta(days=day), datetime.min.time(), tzinfo=UTC) + timedelta(hours=1),
            timezone="Asia/Tokyo", title=f"Meeting day {day + 1}", contact=contact))
    mission.delegates.append(Delegate(contact=contact, role="Host"))
    session.add(mission)
    session.commit()
    response = client.get(f"/missions/{mission.id}/briefing.pdf?lang=en")
    assert response.status_code == 200
    pdf = reader(response.data)
    text = text_of(pdf)
    assert "Mission briefing packet" in text and "Contents" in text and "Local time in Kyoto: UTC+9" in text
    assert "09:00–10:00" in text  # midnight UTC is nine in the morning in Kyoto
    assert "With 山田 花子" in text and "1,463,723" in text
    titles = outline_titles(pdf)
    for heading in ("Objectives", "Itinerary", "Delegation", "Partner city profile", "Relationship health"):
        assert heading in titles, titles
    assert f"Page 2 of {len(pdf.pages)}" in text  # the cover carries no number
    spanish = text_of(reader(client.get(f"/missions/{mission.id}/briefing.pdf?lang=es").data))
    assert "Itinerario" in spanish


def test_partnership_profile_is_one_page(client, login, make):
    login("viewer")
    partnership = make.partnership(partner=make.city("Kyoto", "京都市"))
    response = client.get(f"/partnerships/{partnership.id}/profile.pdf")
    pdf = reader(response.data)
    assert len(pdf.pages) == 1 and "Relationship health" in text_of(pdf)


class CountingHandler(http.server.BaseHTTPRequestHandler):
    hits = 0

    def do_GET(self):  # noqa: N802
        CountingHandler.hits += 1
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"body{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def listener():
    server = http.server.HTTPServer(("127.0.0.1", 0), CountingHandler)
    CountingHandler.hits = 0
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_the_fetcher_refuses_files_hosts_and_data_urls(listener):
    hostile = f"""<html><head>
      <link rel="stylesheet" href="{listener}/style.css">
      <style>body {{ background: url("file:///etc/passwd"); }} p {{ background: url("{listener}/bg.png"); }}</style>
      </head><body><p>x</p>
      <img src="http://169.254.169.254/latest/meta-data/"><img src="{listener}/pixel.png">
      <img src="file:///etc/hostname"><img src="data:image/png;base64,iVBORw0KGgo=">
      <img src="app://static/../../../etc/passwd"><img src="app://static/css/app.css">
      </body></html>"""
    pdf, refused = render_in_process(hostile)
    assert pdf.startswith(b"%PDF")
    assert CountingHandler.hits == 0
    for url in (f"{listener}/style.css", "file:///etc/passwd", f"{listener}/bg.png",
                "http://169.254.169.254/latest/meta-data/", "file:///etc/hostname",
                "app://static/../../../etc/passwd"):
        assert any(r.startswith(url[:40]) for r in refused), (url, refused)
    assert any(r.startswith("data:") for r in refused)
    assert "app://static/css/app.css" not in refused  # the app's own files are served


def test_hostile_user_text_is_printed_as_text_and_fetches_nothing(client, login, agreement_of, listener):
    login("viewer")
    evil = f'<img src="{listener}/x.png"><link rel=stylesheet href="file:///etc/passwd">'
    agreement = agreement_of(f"Evil{evil}", f"<style>@import url({listener}/a.css)</style>", "JP", [
        ("en", f"Title {evil}", f"Body with <script>alert(1)</script> and url({listener}/bg) {evil}")],
        notes=evil)
    response = client.get(f"/agreements/{agreement.id}.pdf")
    assert response.status_code == 200
    text = text_of(reader(response.data))
    assert "<img src=" in text and "<script>alert(1)</script>" in text  # printed literally
    assert CountingHandler.hits == 0


def test_a_render_that_takes_too_long_is_stopped_and_the_next_one_works():
    slow = Renderer(timeout=0.05, memory_mb=2048)
    big = "<html><body>" + "<p>" + "word " * 4000 + "</p>" * 1 * 200 + "</body></html>"
    with pytest.raises(RenderError):
        slow.render(big)
    slow.timeout = 60
    pdf, _refused = slow.render("<html><body><p>fine</p></body></html>")
    assert pdf.startswith(b"%PDF")
    slow.shutdown()


def test_guests_download_their_own_agreement_pdf(client, login, agreement_of, make, session):
    from crm.guests.models import GuestAccess

    agreement = agreement_of("Kyoto", "京都市", "JP", [("en", "Agreement", "Text")])
    guest = make.user("guest")
    session.add(GuestAccess(user=guest, partnership_id=agreement.partnership_id))
    session.commit()
    login(guest)
    assert client.get(f"/agreements/{agreement.id}.pdf").status_code == 200


def test_every_pdf_kind_shows_its_title_is_kept_out_of_caches_and_has_a_readable_ascii_name(
        client, login, make, session, agreement_of, tmp_path):
    login("coordinator")
    # A city entered only in Arabic script: its download name still needs readable ASCII letters.
    agreement = agreement_of("القاهرة", "القاهرة", "EG", [("ar", "اتفاقية توأمة", "نص الاتفاقية.")])
    partnership = agreement.partnership
    mission = TradeMission(partnership=partnership, title="Cairo mission", direction="outbound",
                           occurred_on=date(2026, 12, 1), ends_on=date(2026, 12, 3))
    session.add(mission)
    session.commit()
    documents = {
        f"/agreements/{agreement.id}.pdf": "Agreement-lqhrh-2024-05-12.pdf",
        f"/missions/{mission.id}/briefing.pdf?lang=en": "Briefing-lqhrh-2026-12-01.pdf",
        f"/partnerships/{partnership.id}/profile.pdf?lang=en": "Partnership-lqhrh.pdf",
    }
    for url, ascii_name in documents.items():
        response = client.get(url)
        assert response.status_code == 200, url
        pdf = reader(response.data)
        root = pdf.trailer["/Root"]
        assert root["/ViewerPreferences"]["/DisplayDocTitle"].value is True, url  # viewers show the title
        assert pdf.metadata.title and root["/Lang"], url
        assert "no-store" in response.headers["Cache-Control"], url
        assert f'filename="{ascii_name}"' in response.headers["Content-Disposition"], url
        assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
        if shutil.which("qpdf") or os.environ.get("CI"):  # qpdf: scripts/system-packages.sh installs it
            path = tmp_path / "document.pdf"
            path.write_bytes(response.data)
            check = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True, timeout=60)
            assert check.returncode == 0 and "No syntax or stream encoding errors" in check.stdout, check.stdout


def test_a_plain_render_also_asks_viewers_for_the_title():
    pdf, _refused = render_in_process('<html lang="ja"><head><title>協定</title></head><body><p>x</p></body></html>')
    parsed = reader(pdf)
    assert parsed.trailer["/Root"]["/ViewerPreferences"]["/DisplayDocTitle"].value is True
    assert parsed.metadata.title == "協定" and parsed.trailer["/Root"]["/Lang"] == "ja"

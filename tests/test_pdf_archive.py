"""PDFs for screen readers and for the city archive (issue 18, section 5), and the emblems the fetcher serves.

Every PDF the app prints is tagged: a structure tree, /MarkInfo /Marked true, /Lang on the catalog and on each
text in another language, all fonts embedded, bookmarks. Staff can download an agreement as PDF/A-3b for the
archive, with the agreement's PDF files (the signed scan) embedded whole as associated files; guests cannot.
"""
import io
import shutil
import subprocess
from datetime import date

import pikepdf
import pytest
from PIL import Image

from crm.agreements.models import Agreement, AgreementText, Signatory
from crm.guests.models import GuestAccess
from crm.pdf import render_in_process
from crm.programs.missions.models import TradeMission

KYOTO_TEXTS = [
    ("ja", "姉妹都市提携協定", "第1条 目的\n\n両市は友好を深め、文化と教育の交流を進める。\n\n本協定は署名の日から効力を生ずる。"),
    ("en", "Sister City Agreement", ("Article 1. Purpose\n\nThe two cities deepen their friendship.\n\n"
                                     "This agreement takes effect on signing.")),
]


def open_pdf(data: bytes) -> pikepdf.Pdf:
    return pikepdf.open(io.BytesIO(data))


def structure_languages(pdf: pikepdf.Pdf) -> list[str]:
    """Every /Lang of the structure tree's elements, in document order."""
    found = []

    def walk(node):
        if isinstance(node, pikepdf.Array):
            for kid in node:
                walk(kid)
        elif isinstance(node, pikepdf.Dictionary):
            if "/Lang" in node:
                found.append(str(node.Lang))
            if "/K" in node:
                walk(node.K)

    walk(pdf.Root.StructTreeRoot.K)
    return found


def assert_tagged(pdf: pikepdf.Pdf, lang: str) -> None:
    assert "/StructTreeRoot" in pdf.Root and len(pdf.Root.StructTreeRoot.K) > 0
    assert pdf.Root.MarkInfo.Marked is True  # pikepdf gives a PDF boolean as a Python bool
    assert str(pdf.Root.Lang) == lang
    assert all("/StructParents" in page.obj for page in pdf.pages)


def assert_fonts_embedded(pdf: pikepdf.Pdf) -> None:
    descriptors = [obj for obj in pdf.objects
                   if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/FontDescriptor"]
    assert descriptors
    for descriptor in descriptors:
        assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")), descriptor.FontName


def outline_titles(pdf: pikepdf.Pdf) -> list[str]:
    titles = []

    def walk(items):
        for item in items:
            titles.append(item.title)
            walk(item.children)

    with pdf.open_outline() as outline:
        walk(outline.root)
    return titles


def scan_pdf(pages: int = 2) -> bytes:
    """A stand-in for the signed scan: a real PDF with a few pages."""
    scan = pikepdf.new()
    for _ in range(pages):
        scan.add_blank_page(page_size=(595, 842))
    out = io.BytesIO()
    scan.save(out)
    return out.getvalue()


def png(color=(180, 30, 40), size=(40, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


@pytest.fixture(autouse=True)
def storage_dir(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "ATTACHMENTS_DIR", str(tmp_path / "attachments"))
    return tmp_path / "attachments"


@pytest.fixture
def kyoto_agreement(make, session):
    partnership = make.partnership(partner=make.city("Kyoto", "京都市", "JP"))
    agreement = Agreement(partnership=partnership, kind="sister_city", title="Sister City Agreement",
                          status="signed", signed_on=date(2024, 5, 12), signed_at="Kyoto")
    for position, (language, title, body) in enumerate(KYOTO_TEXTS):
        agreement.texts.append(AgreementText(language=language, title=title, body=body, position=position))
    agreement.signatories = [Signatory(side="home", name="Keith Wilson", title="Mayor of Portland"),
                             Signatory(side="partner", name="松井 孝治", title="京都市長")]
    session.add(agreement)
    session.commit()
    return agreement


def upload(client, agreement, data: bytes, name: str):
    response = client.post(f"/agreements/{agreement.id}/attachments", data={"file": (io.BytesIO(data), name)},
                           content_type="multipart/form-data")
    assert response.status_code in (302, 303), response.status_code


# -- tagged for screen readers ------------------------------------------------------------------------------

@pytest.mark.parametrize("layout", ["side", "sequential"])
def test_a_two_language_agreement_is_tagged_with_each_texts_language(client, login, kyoto_agreement, layout):
    login("viewer")
    response = client.get(f"/agreements/{kyoto_agreement.id}.pdf?layout={layout}")
    assert response.status_code == 200
    pdf = open_pdf(response.data)
    assert_tagged(pdf, "ja")  # the catalog: the first text's language
    languages = structure_languages(pdf)
    assert "ja" in languages and "en" in languages, languages  # each text's elements say their own
    assert_fonts_embedded(pdf)
    assert outline_titles(pdf), "bookmarks as before"
    assert "/pdfaid:part" not in str(pdf.open_metadata())  # the everyday PDF claims no archive format


def test_the_briefing_packet_and_the_profile_are_tagged_too(client, login, make, session):
    login("coordinator")
    partnership = make.partnership(partner=make.city("Kyoto", "京都市", "JP"))
    mission = TradeMission(partnership=partnership, title="Clean-tech mission", direction="outbound",
                           occurred_on=date(2026, 12, 1), ends_on=date(2026, 12, 3))
    session.add(mission)
    session.commit()
    for url in (f"/missions/{mission.id}/briefing.pdf?lang=fr", f"/partnerships/{partnership.id}/profile.pdf?lang=fr"):
        response = client.get(url)
        assert response.status_code == 200, url
        pdf = open_pdf(response.data)
        assert_tagged(pdf, "fr")
        assert_fonts_embedded(pdf)
        assert outline_titles(pdf), url


def test_a_plain_render_tags_the_languages_of_its_elements():
    data, _refused = render_in_process(
        '<html lang="en"><head><title>Agreement</title></head><body><h1>Agreement</h1>'
        '<p lang="ar" dir="rtl">اتفاقية توأمة</p><p>Twinning <span lang="he">הסכם</span></p></body></html>')
    pdf = open_pdf(data)
    assert_tagged(pdf, "en")
    assert structure_languages(pdf) == ["ar", "he"]  # only where the text says so; the rest inherits "en"


# -- PDF/A-3b for the archive ------------------------------------------------------------------------------

def test_staff_download_the_agreement_as_pdfa_3b_with_the_signed_scan_inside(client, login, kyoto_agreement):
    login("coordinator")
    scan = scan_pdf()
    upload(client, kyoto_agreement, scan, "署名済み協定.pdf")
    upload(client, kyoto_agreement, png(), "photo.png")  # not a PDF: not part of the signed instrument
    login("viewer")  # any staff member may download it
    response = client.get(f"/agreements/{kyoto_agreement.id}/archive.pdf?layout=sequential")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert 'filename="Agreement-Kyoto-2024-05-12-PDF-A.pdf"' in disposition
    assert "filename*=UTF-8''Agreement-%E4%BA%AC%E9%83%BD%E5%B8%82-2024-05-12-PDF-A.pdf" in disposition
    assert "no-store" in response.headers["Cache-Control"]

    pdf = open_pdf(response.data)
    with pdf.open_metadata() as xmp:  # the PDF/A identification
        assert xmp["pdfaid:part"] == "3" and xmp["pdfaid:conformance"] == "B"
    assert pdf.pdf_version == "1.7" and "/ID" in pdf.trailer
    assert str(pdf.Root.OutputIntents[0].S) == "/GTS_PDFA1"
    assert_tagged(pdf, "ja")
    assert {"ja", "en"} <= set(structure_languages(pdf))
    assert_fonts_embedded(pdf)
    assert outline_titles(pdf)

    assert list(pdf.attachments) == ["署名済み協定.pdf"]  # /Names /EmbeddedFiles: the scan, the photo not
    spec = pdf.attachments["署名済み協定.pdf"]
    assert spec.get_file().read_bytes() == scan  # byte for byte
    assert spec.get_file().mime_type == "application/pdf"
    associated = list(pdf.Root.AF)
    assert len(associated) == 1 and associated[0].objgen == spec.obj.objgen  # /AF lists it, once
    assert associated[0].AFRelationship == "/Source"


def test_the_archive_copy_of_an_agreement_without_a_scan_embeds_nothing(client, login, kyoto_agreement):
    login("coordinator")
    pdf = open_pdf(client.get(f"/agreements/{kyoto_agreement.id}/archive.pdf").data)
    with pdf.open_metadata() as xmp:
        assert xmp["pdfaid:part"] == "3"
    assert not list(pdf.attachments) and "/AF" not in pdf.Root


def test_guests_cannot_get_the_archive_copy(client, login, make, session, kyoto_agreement):
    login("coordinator")
    upload(client, kyoto_agreement, scan_pdf(), "signed.pdf")
    guest = make.user("guest", language="en")
    session.add(GuestAccess(user=guest, partnership_id=kyoto_agreement.partnership_id))
    session.commit()
    login(guest)
    assert client.get(f"/agreements/{kyoto_agreement.id}/archive.pdf").status_code == 404
    response = client.get(f"/agreements/{kyoto_agreement.id}.pdf")  # their own copy, as before
    assert response.status_code == 200
    pdf = open_pdf(response.data)
    assert not list(pdf.attachments) and "/AF" not in pdf.Root  # no staff file rides along
    assert_tagged(pdf, "ja")


def test_the_print_form_offers_the_archive_download(client, login, kyoto_agreement):
    login("viewer")
    page = client.get(f"/agreements/{kyoto_agreement.id}").text
    assert "Download for the archive (PDF/A)" in page
    assert f'formaction="/agreements/{kyoto_agreement.id}/archive.pdf"' in page


# -- the emblems the fetcher serves -------------------------------------------------------------------------

def images_in(data: bytes, tmp_path) -> list[list[str]]:
    """pdfimages -list's rows (page, num, type, width, height, …) for the PDF's images."""
    path = tmp_path / "emblems.pdf"
    path.write_bytes(data)
    listing = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True, timeout=60)
    return [line.split() for line in listing.stdout.splitlines()[2:] if line.strip()]


needs_pdfimages = pytest.mark.skipif(shutil.which("pdfimages") is None, reason="pdfimages (poppler-utils) missing")


@needs_pdfimages
def test_an_emblem_in_the_emblems_folder_is_printed(tmp_path):
    emblems = tmp_path / "emblems"
    emblems.mkdir()
    (emblems / "kyoto-3f2a.png").write_bytes(png(size=(40, 48)))
    buffer = io.BytesIO()
    Image.new("RGB", (30, 20), (0, 90, 160)).save(buffer, "JPEG")
    (emblems / "portland.jpg").write_bytes(buffer.getvalue())
    data, refused = render_in_process(
        '<html lang="en"><body><img src="app://emblems/kyoto-3f2a.png" alt="Emblem of Kyoto">'
        '<img src="app://emblems/portland.jpg" alt="Emblem of Portland"></body></html>', emblems_root=str(emblems))
    assert refused == []
    sizes = sorted((row[3], row[4]) for row in images_in(data, tmp_path) if row[2] == "image")
    assert sizes == [("30", "20"), ("40", "48")]


@needs_pdfimages
def test_the_fetcher_serves_nothing_else_as_an_emblem(tmp_path):
    root = tmp_path / "attachments"
    emblems = root / "emblems"
    (emblems / "sub").mkdir(parents=True)
    (root / "ab").mkdir()
    (root / "ab" / "scan.png").write_bytes(png())  # an attachment beside the emblems folder
    (emblems / "sub" / "nested.png").write_bytes(png())
    (emblems / ".hidden.png").write_bytes(png())
    (emblems / "script.png").write_bytes(b"<svg xmlns='http://www.w3.org/2000/svg'/>")  # not a PNG inside
    (emblems / "link.png").symlink_to(root / "ab" / "scan.png")  # a way out of the folder
    hostile = ["app://emblems/../ab/scan.png", "app://emblems/%2E%2E/ab/scan.png", "app://emblems/..%2Fab%2Fscan.png",
               "app://emblems/sub/nested.png", "app://emblems/sub%2Fnested.png", "app://emblems/.hidden.png",
               "app://emblems/script.png", "app://emblems/link.png", "app://emblems/", "app://emblems/missing.png",
               f"app://emblems/{root / 'ab' / 'scan.png'}", "app://static/../../attachments/ab/scan.png"]
    html = '<html lang="en"><body>' + "".join(f'<img src="{url}" alt="x">' for url in hostile) + "</body></html>"
    data, refused = render_in_process(html, emblems_root=str(emblems))
    assert [row for row in images_in(data, tmp_path) if row[2] == "image"] == []
    assert sorted(set(refused)) == sorted(set(hostile))
    # without an emblems folder (a render that was given none), even a real emblem is refused
    (emblems / "kyoto.png").write_bytes(png())
    _data, refused = render_in_process('<html lang="en"><body><img src="app://emblems/kyoto.png" alt="x">'
                                       '</body></html>')
    assert refused == ["app://emblems/kyoto.png"]


@needs_pdfimages
def test_the_agreement_letterhead_prints_the_city_emblem_from_the_attachments_dir(client, login, session,
                                                                                 kyoto_agreement, storage_dir,
                                                                                 tmp_path):
    """The letterhead's <img src="app://emblems/<name>"> is served from <ATTACHMENTS_DIR>/emblems, in the
    everyday PDF and in the archive copy alike."""
    name = "3f2a9c0d4e5b6a7f8091a2b3c4d5e6f7.png"  # as crm.cities.emblems names them
    (storage_dir / "emblems").mkdir(parents=True)
    (storage_dir / "emblems" / name).write_bytes(png(size=(40, 48)))
    city = kyoto_agreement.partnership.partner_city
    city.emblem_name, city.emblem_type = name, "image/png"
    session.add(city)
    session.commit()
    login("viewer")
    for url in (f"/agreements/{kyoto_agreement.id}.pdf", f"/agreements/{kyoto_agreement.id}/archive.pdf"):
        response = client.get(url)
        assert response.status_code == 200, url
        images = [row for row in images_in(response.data, tmp_path) if row[2] == "image"]
        assert [(row[3], row[4]) for row in images] == [("40", "48")], url

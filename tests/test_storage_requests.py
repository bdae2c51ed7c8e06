"""Uploads, downloads and deletions through the web pages, with the files in an S3-compatible object store
(and, for comparison, in the local folder): the same answers and headers either way, on both databases."""
import hashlib
import io
from datetime import timedelta

import pikepdf
import pytest
from PIL import Image

from crm.attachments.models import Attachment
from crm.cities.models import City
from crm.clock import utcnow
from crm.extensions import db
from crm.trash.operations import purge
from tests.storage_server import *  # the fixtures backend, files, s3_settings

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n" + b"%" * 5000


def png(color=(180, 30, 40), size=(40, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


def keys(files) -> list[str]:
    return sorted(stored.key for stored in files.list(""))


def upload(client, engagement, content=PDF, name="議事録.pdf"):
    return client.post(f"/engagements/{engagement.id}/attachments", content_type="multipart/form-data",
                       data={"file": (io.BytesIO(content), name), "visibility": "staff_only"})


@pytest.fixture
def engagement(make):
    return make.engagement(make.partnership(), title="Port meeting")


def test_upload_download_and_delete(client, login, make, session, engagement, files, backend):
    """The download carries the same headers from either store; the file goes only when its row is purged."""
    login("coordinator")
    assert upload(client, engagement).status_code == 302
    attachment = session.query(Attachment).one()
    key = f"{attachment.stored_name[:2]}/{attachment.stored_name}"
    with files.open(key) as opened:
        assert keys(files) == [key] and opened.read() == PDF

    response = client.get(f"/attachments/{attachment.id}")
    assert response.status_code == 200 and response.data == PDF
    headers = response.headers
    assert headers["Content-Type"] == "application/pdf" and headers["Content-Length"] == str(len(PDF))
    assert headers["Content-Disposition"] == ("attachment; filename=\"YiShiLu.pdf\"; "
                                              "filename*=UTF-8''%E8%AD%B0%E4%BA%8B%E9%8C%B2.pdf")
    assert headers["ETag"] == f'"{hashlib.sha256(PDF).hexdigest()}"' and "Last-Modified" in headers
    assert headers["X-Content-Type-Options"] == "nosniff" and "private" in headers["Cache-Control"]
    assert headers["Accept-Ranges"] == "bytes"
    response.close()
    again = client.get(f"/attachments/{attachment.id}", headers={"If-None-Match": headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    part = client.get(f"/attachments/{attachment.id}", headers={"Range": "bytes=5-12"})
    assert part.status_code == 206 and part.data == PDF[5:13]
    assert part.headers["Content-Range"] == f"bytes 5-12/{len(PDF)}"
    part.close()

    assert client.post(f"/attachments/{attachment.id}/delete").status_code == 302
    assert keys(files) == [key]  # in the trash: restorable with its file
    with client.application.app_context():
        assert purge(now=utcnow() + timedelta(days=400)) == (0, 1)
        db.session.commit()
    assert keys(files) == [] and session.query(Attachment).count() == 0


def test_a_missing_file_is_not_found(client, login, session, engagement, files):
    login("coordinator")
    upload(client, engagement)
    attachment = session.query(Attachment).one()
    files.delete(f"{attachment.stored_name[:2]}/{attachment.stored_name}")
    assert client.get(f"/attachments/{attachment.id}").status_code == 404


def test_an_object_store_that_does_not_answer_is_a_message_not_a_500(app, client, login, session, engagement,
                                                                      s3_settings, monkeypatch):
    login("coordinator")
    upload(client, engagement)
    attachment = session.query(Attachment).one()
    monkeypatch.setitem(app.config, "S3_ENDPOINT_URL", "http://127.0.0.1:9")  # closed
    assert client.get(f"/attachments/{attachment.id}").status_code == 503
    refused = client.post(f"/engagements/{engagement.id}/attachments", content_type="multipart/form-data",
                          data={"file": (io.BytesIO(PDF), "again.pdf"), "visibility": "staff_only"},
                          follow_redirects=True)
    assert refused.status_code == 200 and "Nothing was saved" in refused.text
    assert session.query(Attachment).count() == 1


def test_an_emblem_is_uploaded_served_replaced_and_removed(client, login, make, session, files):
    login("coordinator")
    city = make.city("Kyoto", "京都")
    assert client.post(f"/cities/{city.id}/emblem", content_type="multipart/form-data",
                       data={"emblem": (io.BytesIO(png()), "kyoto.png")}).status_code == 302
    session.expire_all()
    first = session.get(City, city.id).emblem_name
    assert keys(files) == [f"emblems/{first}"]
    served = client.get(f"/cities/{city.id}/emblem")
    assert served.status_code == 200 and served.data == png() and served.mimetype == "image/png"
    assert served.headers["ETag"] and served.headers["X-Content-Type-Options"] == "nosniff"
    served.close()
    client.post(f"/cities/{city.id}/emblem", content_type="multipart/form-data",
                data={"emblem": (io.BytesIO(png((0, 90, 160))), "new.png")})
    session.expire_all()
    second = session.get(City, city.id).emblem_name
    assert second != first and keys(files) == [f"emblems/{second}"]  # the replaced one went with the commit
    assert client.post(f"/cities/{city.id}/emblem/remove").status_code == 302
    assert keys(files) == []


def test_the_archive_pdf_prints_the_emblem_and_embeds_the_scan_from_the_object_store(client, login, make,
                                                                                      session, files, backend):
    """The PDF workers read files only: an object store's emblem and signed scan are copied out for them."""
    from crm.agreements.models import Agreement

    scan = pikepdf.new()
    scan.add_blank_page(page_size=(595, 842))
    scan_bytes = io.BytesIO()
    scan.save(scan_bytes)
    partnership = make.partnership(partner=make.city("Kyoto", "京都市", "JP"))
    agreement = Agreement(partnership=partnership, kind="sister_city", title="Sister City Agreement",
                          status="signed")
    session.add(agreement)
    session.commit()
    login("coordinator")
    city = partnership.partner_city
    client.post(f"/cities/{city.id}/emblem", content_type="multipart/form-data",
                data={"emblem": (io.BytesIO(png(size=(40, 48))), "kyoto.png")})
    client.post(f"/agreements/{agreement.id}/attachments", content_type="multipart/form-data",
                data={"file": (io.BytesIO(scan_bytes.getvalue()), "signed.pdf"), "visibility": "staff_only"})
    assert len(keys(files)) == 2
    response = client.get(f"/agreements/{agreement.id}/archive.pdf")
    assert response.status_code == 200
    pdf = pikepdf.open(io.BytesIO(response.data))
    sizes = {(int(image.Width), int(image.Height)) for page in pdf.pages
             for image in page.get_images().values()}
    assert (40, 48) in sizes
    assert [spec.filename for spec in pdf.attachments.values()] == ["signed.pdf"]

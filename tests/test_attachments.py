import hashlib
import io
import zipfile
from urllib.parse import quote

import pytest
from flask_login import login_user
from werkzeug.datastructures import FileStorage

from crm.agreements.models import Agreement, AgreementKind
from crm.attachments import filenames, storage
from crm.attachments.models import Attachment
from crm.attachments.queries import attachments_for
from crm.auth.models import User
from crm.engagements.models import Engagement
from crm.extensions import db
from crm.partnerships.models import Side

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00" + b"\x90wS\xde"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\xff\xd9"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("word/document.xml", '<?xml version="1.0"?><w:document/>')
    return buffer.getvalue()


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "hello")
    return buffer.getvalue()


DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture(autouse=True)
def storage_dir(app, tmp_path, monkeypatch):
    """Each test stores its files in its own folder (the app is shared by the session)."""
    folder = tmp_path / "attachments"
    monkeypatch.setitem(app.config, "ATTACHMENTS_DIR", str(folder))
    return folder


def stored_files(folder) -> list:
    return [path for path in folder.rglob("*") if path.is_file()] if folder.exists() else []


def upload(client, url, content: bytes, name: str, next_url=None, **kwargs):
    data = {"file": (io.BytesIO(content), name)}
    if next_url:
        data["next"] = next_url
    return client.post(url, data=data, content_type="multipart/form-data", **kwargs)


@pytest.fixture
def engagement(make):
    return make.engagement(make.partnership(partner=make.city("Kyoto", native_name="京都市")), title="Port meeting")


def upload_to(engagement):
    return f"/engagements/{engagement.id}/attachments"


@pytest.mark.parametrize("content, name, content_type", [
    (PDF, "Minutes.pdf", "application/pdf"),
    (PNG, "photo.png", "image/png"),
    (JPEG, "delegation.jpeg", "image/jpeg"),
    (docx(), "agenda.docx", DOCX_TYPE),
])
def test_upload_stores_the_file_and_records_it(client, login, engagement, session, storage_dir,
                                               content, name, content_type):
    user = login("coordinator")
    edit_page = f"/engagements/{engagement.id}/edit"
    response = upload(client, upload_to(engagement), content, name, next_url=edit_page)
    assert response.status_code == 302 and response.headers["Location"] == edit_page
    attachment = session.query(Attachment).one()
    assert attachment.filename == name
    assert attachment.size == len(content)
    assert attachment.sha256 == hashlib.sha256(content).hexdigest()
    assert attachment.content_type == content_type
    assert attachment.partnership_id == engagement.partnership_id
    assert attachment.engagement_id == engagement.id and attachment.agreement_id is None
    assert attachment.uploaded_by_id == user.id and attachment.uploaded_by_side == Side.HOME
    path = storage_dir / attachment.stored_name[:2] / attachment.stored_name
    assert path.read_bytes() == content
    assert stored_files(storage_dir) == [path]
    page = client.get(edit_page).text
    assert f"“{name}” was uploaded." in page
    assert name in page and f"/attachments/{attachment.id}" in page and user.name in page


def test_the_edit_page_lists_only_this_engagements_documents(client, login, make, engagement):
    login("coordinator")
    other = make.engagement(engagement.partnership)
    upload(client, upload_to(other), PDF, "elsewhere.pdf", follow_redirects=True)  # consume the flash
    page = client.get(f"/engagements/{engagement.id}/edit").text
    assert "Documents" in page and "No documents yet." in page and "elsewhere.pdf" not in page
    assert 'enctype="multipart/form-data"' in page and "up to 20 MB each" in page


@pytest.mark.parametrize("content, name, message", [
    (EXE, "agreement.pdf", "This kind of file cannot be attached"),
    (b"just some text\n", "x.png", "This kind of file cannot be attached"),
    (plain_zip(), "archive.docx", "This kind of file cannot be attached"),
    (b"", "empty.pdf", "The file is empty."),
])
def test_refused_files_leave_nothing_behind(client, login, engagement, session, storage_dir, content, name, message):
    login("coordinator")
    edit_page = f"/engagements/{engagement.id}/edit"
    response = upload(client, upload_to(engagement), content, name, next_url=edit_page, follow_redirects=True)
    assert response.status_code == 200 and response.request.path == edit_page
    assert message in response.text
    assert session.query(Attachment).count() == 0
    assert stored_files(storage_dir) == []


def test_no_file_chosen_is_refused_with_a_message(client, login, engagement, session):
    login("coordinator")
    response = client.post(upload_to(engagement), data={}, content_type="multipart/form-data",
                           follow_redirects=True)
    assert "Choose a file to upload." in response.text
    assert response.request.path == f"/partnerships/{engagement.partnership_id}"
    assert session.query(Attachment).count() == 0


def test_a_request_over_the_limit_gets_the_too_large_page(app, client, login, engagement, session, storage_dir,
                                                          monkeypatch):
    login("coordinator")
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1024)
    response = upload(client, upload_to(engagement), PDF + b"0" * 2048, "big.pdf")
    assert response.status_code == 413
    assert "The file is larger than the limit allowed." in response.text
    assert session.query(Attachment).count() == 0
    assert stored_files(storage_dir) == []


def test_the_file_itself_is_checked_against_the_limit(app, engagement, make, storage_dir, monkeypatch):
    user_id = make.user("coordinator").id
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 100)
    with app.test_request_context():
        login_user(db.session.get(User, user_id))
        owner = db.session.get(Engagement, engagement.id)
        with pytest.raises(storage.UploadRefused) as refusal:
            storage.save_upload(FileStorage(io.BytesIO(PDF + b"0" * 100), "big.pdf"), owner)
        assert str(refusal.value.message) == "The file is larger than the limit of 100 bytes."
        assert db.session.scalar(db.select(db.func.count(Attachment.id))) == 0
    assert stored_files(storage_dir) == []


def test_a_failed_flush_removes_the_written_file(app, engagement, make, storage_dir, monkeypatch):
    user_id = make.user("coordinator").id

    def failing_flush(*args, **kwargs):
        raise RuntimeError("database went away")

    with app.test_request_context():
        login_user(db.session.get(User, user_id))
        owner = db.session.get(Engagement, engagement.id)
        with monkeypatch.context() as patch, pytest.raises(RuntimeError):
            patch.setattr(db.session, "flush", failing_flush)
            storage.save_upload(FileStorage(io.BytesIO(PDF), "minutes.pdf"), owner)
        db.session.rollback()
    assert stored_files(storage_dir) == []


# (Werkzeug already reduces an old browser's "C:\\Users\\…\\scan.pdf" to "scan.pdf".)
@pytest.mark.parametrize("name", ["../../etc/passwd.pdf", "/tmp/x.pdf"])
def test_a_path_for_a_name_is_refused(client, login, engagement, session, storage_dir, tmp_path, name):
    login("coordinator")
    response = upload(client, upload_to(engagement), PDF, name, follow_redirects=True)
    assert "The file name contains a folder path." in response.text
    assert session.query(Attachment).count() == 0 and stored_files(storage_dir) == []
    assert not (tmp_path / "etc").exists()


def test_the_stored_name_is_generated(client, login, engagement, session, storage_dir):
    login("coordinator")
    upload(client, upload_to(engagement), PDF, "passwd.pdf")
    attachment = session.query(Attachment).one()
    assert attachment.filename == "passwd.pdf"
    assert attachment.stored_name != "passwd.pdf" and len(attachment.stored_name) == 32
    assert stored_files(storage_dir) == [storage_dir / attachment.stored_name[:2] / attachment.stored_name]


def test_download_restores_the_unicode_name(client, login, engagement, session):
    login("coordinator")
    upload(client, upload_to(engagement), PDF, "協定書 京都.pdf")
    attachment = session.query(Attachment).one()
    response = client.get(f"/attachments/{attachment.id}")
    assert response.status_code == 200
    assert response.data == PDF
    assert response.mimetype == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote('協定書 京都.pdf')}" in disposition
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_missing_stored_file_is_not_found(client, login, engagement, session, storage_dir):
    login("coordinator")
    upload(client, upload_to(engagement), PDF, "minutes.pdf")
    attachment = session.query(Attachment).one()
    (storage_dir / attachment.stored_name[:2] / attachment.stored_name).unlink()
    assert client.get(f"/attachments/{attachment.id}").status_code == 404


def test_a_viewer_can_download_but_not_upload_or_delete(client, login, engagement, session, storage_dir):
    login("coordinator")
    upload(client, upload_to(engagement), PDF, "minutes.pdf")
    attachment = session.query(Attachment).one()
    login("viewer")
    assert client.get(f"/attachments/{attachment.id}").data == PDF
    assert upload(client, upload_to(engagement), PNG, "photo.png").status_code == 403
    assert client.get(f"/attachments/{attachment.id}/delete").status_code == 403
    assert client.post(f"/attachments/{attachment.id}/delete").status_code == 403
    assert session.query(Attachment).count() == 1 and len(stored_files(storage_dir)) == 1


def test_anonymous_visitors_are_sent_to_sign_in(client, engagement):
    for response in (client.get("/attachments/1"), client.get("/attachments/1/delete"),
                     upload(client, upload_to(engagement), PDF, "minutes.pdf")):
        assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_unknown_ids_are_not_found(client, login):
    login("coordinator")
    assert upload(client, "/engagements/424242/attachments", PDF, "a.pdf").status_code == 404
    assert upload(client, "/agreements/424242/attachments", PDF, "a.pdf").status_code == 404
    assert client.get("/attachments/424242").status_code == 404
    assert client.get("/attachments/424242/delete").status_code == 404
    assert client.post("/attachments/424242/delete").status_code == 404


def test_delete_asks_first_then_removes_row_and_file(client, login, engagement, session, storage_dir):
    login("coordinator")
    edit_page = f"/engagements/{engagement.id}/edit"
    upload(client, upload_to(engagement), PDF, "minutes.pdf")
    attachment = session.query(Attachment).one()
    confirm = client.get(f"/attachments/{attachment.id}/delete?next={edit_page}")
    assert "Delete “minutes.pdf”?" in confirm.text and "Port meeting" in confirm.text
    assert f'name="next" value="{edit_page}"' in confirm.text
    assert session.query(Attachment).count() == 1 and len(stored_files(storage_dir)) == 1
    response = client.post(f"/attachments/{attachment.id}/delete", data={"next": edit_page})
    assert response.status_code == 302 and response.headers["Location"] == edit_page
    assert session.query(Attachment).count() == 0
    assert len(stored_files(storage_dir)) == 1  # kept until purged, so an admin can restore it
    assert "“minutes.pdf” was deleted." in client.get(edit_page).text


def test_redirects_never_leave_the_site(client, login, engagement):
    login("coordinator")
    response = upload(client, upload_to(engagement), PDF, "minutes.pdf", next_url="https://evil.example/")
    assert response.headers["Location"] == f"/partnerships/{engagement.partnership_id}"


def test_attachments_on_an_agreement(client, login, make, session, storage_dir):
    partnership = make.partnership()
    agreement = Agreement(partnership=partnership, kind=AgreementKind.MOU, title="MOU")
    session.add(agreement)
    session.commit()
    login("coordinator")
    assert upload(client, f"/agreements/{agreement.id}/attachments", PDF, "signed scan.pdf").status_code == 302
    attachment = session.query(Attachment).one()
    assert attachment.agreement_id == agreement.id and attachment.engagement_id is None
    assert attachment.partnership_id == partnership.id
    assert client.get(f"/attachments/{attachment.id}").data == PDF
    assert "“MOU”" in client.get(f"/attachments/{attachment.id}/delete").text
    assert client.post(f"/attachments/{attachment.id}/delete").status_code == 302
    assert session.query(Attachment).count() == 0 and len(stored_files(storage_dir)) == 1  # until purged


def test_attachments_for_loads_uploaders_in_one_query(app_ctx, make, session, engagement, count_queries):
    for n in range(3):
        session.add(Attachment(partnership_id=engagement.partnership_id, engagement_id=engagement.id,
                               filename=f"{n}.pdf", stored_name=f"{n:032x}", content_type="application/pdf",
                               size=1, sha256="0" * 64, uploaded_by=make.user(name=f"Uploader {n}")))
    session.commit()
    with count_queries() as counter:
        names = [attachment.uploaded_by.name for attachment in attachments_for(engagement_id=engagement.id)]
    assert names == ["Uploader 0", "Uploader 1", "Uploader 2"]
    assert counter.count == 1


@pytest.mark.parametrize("name, expected", [
    ("協定書 京都.pdf", "協定書 京都.pdf"),
    ("اتفاقية.pdf", "اتفاقية.pdf"),
    ("../../etc/passwd", "passwd"),
    ("C:\\Users\\me\\scan.pdf", "scan.pdf"),
    ("D:scan.pdf", "scan.pdf"),
    ("bad\x00na\x1fme\n.pdf", "badname.pdf"),
    ("invoice\u202efdp.exe", "invoicefdp.exe"),
    ("  spaced   out  .pdf  ", "spaced out .pdf"),
    (".hidden.pdf", "hidden.pdf"),
    ("..", "file"),
    ("", "file"),
    (None, "file"),
    ("/", "file"),
])
def test_safe_filename(name, expected):
    assert filenames.safe_filename(name) == expected


def test_safe_filename_caps_the_length_and_keeps_the_extension():
    name = filenames.safe_filename("京" * 300 + ".pdf")
    assert len(name) == 200 and name.endswith("京.pdf")


def test_display_name_adds_the_detected_extension_when_the_name_does_not_say_it():
    assert filenames.display_name("scan", "pdf") == "scan.pdf"
    assert filenames.display_name("photo.JPEG", "jpg") == "photo.JPEG"
    assert filenames.display_name("photo.png", "jpg") == "photo.png.jpg"


@pytest.mark.parametrize("head, expected", [
    (PDF, ("pdf", "application/pdf")),
    (PNG, ("png", "image/png")),
    (JPEG, ("jpg", "image/jpeg")),
    (docx(), ("docx", DOCX_TYPE)),
    (EXE, None),
    (plain_zip(), None),
    (b"GIF89a\x01\x00\x01\x00", None),
    (b"<svg xmlns='http://www.w3.org/2000/svg'/>", None),
    (b"hello", None),
    (b"", None),
])
def test_detect_type(head, expected):
    assert storage.detect_type(head) == expected


@pytest.mark.parametrize("name, ascii_name", [
    ("تقرير الزيارة.pdf", "tqryr lzyrh.pdf"),
    ("東京訪問の議事録.pdf", "DongJingFangWennoYiShiLu.pdf"),
])
def test_a_download_named_in_another_script_has_a_readable_ascii_name(client, login, engagement, session,
                                                                      name, ascii_name):
    login("coordinator")
    upload(client, upload_to(engagement), PDF, name)
    attachment = session.query(Attachment).one()
    response = client.get(f"/attachments/{attachment.id}")
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith(f'attachment; filename="{ascii_name}"; ')  # not " .pdf"
    assert f"filename*=UTF-8''{quote(name, safe='')}" in disposition
    assert response.headers["Cache-Control"] == "private, no-store"

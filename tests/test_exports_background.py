"""Large XLSX exports are made in the background: a progress page, then a download link for the user alone."""
import io
import os
import time
from datetime import timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from crm.jobs.models import DONE, Job


@pytest.fixture
def five(make, app, monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "EXPORT_INLINE_ROWS", 3)
    monkeypatch.setitem(app.config, "ATTACHMENTS_DIR", str(tmp_path / "files"))
    partnership = make.partnership()
    return [make.engagement(partnership, title=f"Visit {n}") for n in range(5)]


def started(client, path="/engagements/export.xlsx") -> str:
    response = client.get(path)
    assert response.status_code == 302 and "/exports/" in response.headers["Location"], response.status_code
    return response.headers["Location"].rsplit("/", 1)[1]


def test_a_large_export_is_made_in_the_background_and_downloaded_from_its_page(client, login, five, session):
    login("viewer")
    token = started(client)
    page = client.get(f"/exports/{token}")
    assert page.status_code == 200 and "The spreadsheet is ready." in page.text
    assert client.get(f"/exports/{token}/status").json["finished"] is True
    download = client.get(f"/exports/{token}/download")
    assert download.status_code == 200 and "attachment" in download.headers["Content-Disposition"]
    assert "no-store" in download.headers["Cache-Control"]
    sheet = load_workbook(io.BytesIO(download.data)).active
    cells = {cell.value for row in sheet.iter_rows(min_row=2) for cell in row}
    assert {f"Visit {n}" for n in range(5)} <= cells
    job = session.scalar(select(Job).where(Job.key == f"export:{token}"))
    assert job.status == DONE and job.result["done"] == job.result["total"] == 5


def test_the_export_keeps_the_lists_filters_and_the_users_language(client, login, five, session, app):
    user = login("viewer")
    user.language = "es"
    session.commit()
    small = client.get("/engagements/export.xlsx?q=Visit+1")  # one row: made at once
    assert small.status_code == 200 and small.mimetype.endswith("sheet")
    token = started(client, "/engagements/export.xlsx?q=Visit")
    download = client.get(f"/exports/{token}/download")
    assert "actividades" in download.headers["Content-Disposition"].lower()  # the title in Spanish
    sheet = load_workbook(io.BytesIO(download.data)).active
    assert sheet.max_row == 6  # the header and five rows


def test_only_the_user_who_asked_sees_or_fetches_it(client, login, five, make):
    login("viewer")
    token = started(client)
    login(make.user("coordinator"))
    assert client.get(f"/exports/{token}").status_code == 404
    assert client.get(f"/exports/{token}/download").status_code == 404
    assert client.get("/exports/not-a-token").status_code == 404


def test_a_day_later_the_file_is_gone_and_the_page_says_so(client, login, five, app, clock):
    from crm.exports.background import remove_old_exports

    login("viewer")
    token = started(client)
    with app.app_context():
        assert remove_old_exports() == {"removed": 0}
    past = time.time() - timedelta(hours=25).total_seconds()
    for path in Path(app.config["ATTACHMENTS_DIR"]).rglob("*.xlsx"):  # made 25 hours ago
        os.utime(path, (past, past))
    with app.app_context():
        assert remove_old_exports() == {"removed": 1}
    assert "could not be made" in client.get(f"/exports/{token}").text
    assert client.get(f"/exports/{token}/download").status_code == 404


def test_the_files_check_knows_an_export_s_file(client, login, five, app, clock):
    login("viewer")
    started(client)
    clock.shift(timedelta(hours=2))  # past the check's "may still be on its way" hour
    result = app.test_cli_runner().invoke(args=["crm", "files", "check", "--older-than", "0"])
    assert "exports/" not in result.output, result.output

"""Every page a person opens daily weighs under 100 KB of HTML at demo size, and its first view costs that one
response plus static files addressed by their content (cached for a year: tests/test_caches.py)."""
import re

import pytest

from crm.auth.models import User
from crm.guests.models import GuestAccess
from crm.partnerships.models import Partnership

LIMIT = 100 * 1024
STAFF_PAGES = ["/dashboard", "/partnerships/", "/partnerships/{pid}", "/agreements/", "/missions/", "/exchanges/",
               "/projects/", "/contacts/", "/engagements/", "/calendar/", "/search?q=Kyoto", "/map"]


@pytest.fixture
def demo(app, session):
    if app.config["DB_LANE"] != "sqlite":
        pytest.skip("the page's weight does not depend on the database")
    assert app.test_cli_runner().invoke(args=["crm", "seed-demo"]).exit_code == 0
    return session


def test_every_page_is_under_100_kb_at_demo_size(client, login, demo):
    pid = demo.query(Partnership).order_by(Partnership.id).first().id
    login(demo.query(User).filter_by(email="coordinator@demo.example").one())
    for url in STAFF_PAGES:
        response = client.get(url.format(pid=pid))
        assert response.status_code == 200, url
        assert len(response.data) < LIMIT, (url, len(response.data))
        for address in re.findall(r'(?:href|src)="(/static/[^"]+)"', response.get_data(as_text=True)):
            assert "?v=" in address, (url, address)  # content-addressed: cached for a year, never revalidated


def test_the_guest_portal_is_under_100_kb_at_demo_size(client, login, demo):
    access = demo.query(GuestAccess).first()
    login(demo.get(User, access.user_id))
    response = client.get(f"/portal/partnerships/{access.partnership_id}")
    assert response.status_code == 200
    assert len(response.data) < LIMIT

"""A list of every engagement counts them only up to a bound and then says "more than" (crm.pagination)."""
import pytest

from crm.engagements import views


@pytest.fixture
def engagements(app, login, make, monkeypatch):
    """A bound of 3, pages of 2, a viewer signed in; engagements(n) logs n of them."""
    monkeypatch.setattr(views, "COUNTED_UP_TO", 3)
    monkeypatch.setitem(app.config, "PER_PAGE", 2)
    login("viewer")
    partnership = make.partnership()

    def log(count):
        for _ in range(count):
            make.engagement(partnership)

    return log


def test_the_engagement_list_counts_up_to_a_bound(client, engagements):
    engagements(5)
    page = client.get("/engagements/").get_data(as_text=True)
    assert "More than 3 engagements" in page
    assert "page=2" in page and "page=3" not in page  # pages as far as it counted
    assert "More than" not in client.get("/engagements/?q=Engagement&kind=visit").get_data(as_text=True)


def test_below_the_bound_the_count_is_exact(client, engagements):
    engagements(3)
    page = client.get("/engagements/").get_data(as_text=True)
    assert "3 engagements" in page and "More than" not in page

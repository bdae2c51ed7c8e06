"""A list of every engagement counts them only up to a bound and then says "more than" (crm.pagination)."""
from crm.engagements import views


def test_the_engagement_list_counts_up_to_a_bound(app, client, login, make, monkeypatch):
    monkeypatch.setattr(views, "COUNTED_UP_TO", 3)
    monkeypatch.setitem(app.config, "PER_PAGE", 2)
    login("viewer")
    partnership = make.partnership()
    for _ in range(5):
        make.engagement(partnership)
    page = client.get("/engagements/").get_data(as_text=True)
    assert "More than 3 engagements" in page
    assert "page=2" in page and "page=3" not in page  # pages as far as it counted
    assert "More than" not in client.get("/engagements/?q=Engagement&kind=visit").get_data(as_text=True)


def test_below_the_bound_the_count_is_exact(app, client, login, make, monkeypatch):
    monkeypatch.setattr(views, "COUNTED_UP_TO", 3)
    monkeypatch.setitem(app.config, "PER_PAGE", 2)
    login("viewer")
    partnership = make.partnership()
    for _ in range(3):
        make.engagement(partnership)
    page = client.get("/engagements/").get_data(as_text=True)
    assert "3 engagements" in page and "More than" not in page

"""Pages issue the same number of SQL statements whatever the data size."""
from datetime import date, timedelta

from crm.engagements.models import Engagement
from crm.partnerships.models import Partnership, Priority


def add_partnerships(make, session, count):
    home = make.home_city() if not session.query(Partnership).count() else None
    liaison = make.user("coordinator")
    for n in range(count):
        partnership = Partnership(home_city=home or session.query(Partnership).first().home_city,
                                  partner_city=make.city(f"Partner {n:04d}"), kind="sister_city", status="active",
                                  liaison=liaison)
        partnership.priorities = [Priority.TRADE, Priority.CULTURE]
        session.add(partnership)
    session.commit()


def add_engagements(make, session, partnership, count):
    user = make.user("coordinator")
    for n in range(count):
        session.add(Engagement(partnership=partnership, kind="meeting", title=f"Meeting {n}", logged_by=user,
                               occurred_on=date(2020, 1, 1) + timedelta(days=n)))
    session.commit()


def test_partnership_list_query_count_is_fixed(client, login, make, session, count_queries):
    login("viewer")
    add_partnerships(make, session, 10)
    with count_queries() as small:
        assert client.get("/partnerships/?sort=country").status_code == 200
    add_partnerships(make, session, 190)
    with count_queries() as large:
        assert client.get("/partnerships/?sort=country").status_code == 200
    print(f"\nQUERIES {small.count} {large.count}")
    assert small.count == large.count, (small.statements, large.statements)
    assert large.count <= 8


def test_partnership_page_query_count_is_fixed(client, login, make, session, count_queries):
    login("viewer")
    partnership = make.partnership()
    add_engagements(make, session, partnership, 10)
    for n in range(3):
        make.contact(partnership, organization=make.organization(partnership))
    with count_queries() as small:
        assert client.get(f"/partnerships/{partnership.id}").status_code == 200
    add_engagements(make, session, partnership, 190)
    for n in range(30):
        make.contact(partnership, organization=make.organization(partnership))
    with count_queries() as large:
        assert client.get(f"/partnerships/{partnership.id}").status_code == 200
    print(f"\nQUERIES {small.count} {large.count}")
    assert small.count == large.count, (small.statements, large.statements)
    assert large.count <= 16


def test_contact_and_organization_lists_query_counts_are_fixed(client, login, make, count_queries):
    login("viewer")
    partnership = make.partnership()
    for n in range(3):
        make.contact(partnership, organization=make.organization(partnership))
    with count_queries() as small:
        client.get("/contacts/")
        client.get("/organizations/")
    other = make.partnership()
    for n in range(25):
        make.contact(other, organization=make.organization(other))
    with count_queries() as large:
        client.get("/contacts/")
        client.get("/organizations/")
    assert small.count == large.count

"""The world map of partner cities and the per-pillar charts."""
import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest

from crm.engagements.models import Pillar
from crm.health.rules import HealthState
from crm.maps.projection import HEIGHT, WIDTH, project

SVG = "{http://www.w3.org/2000/svg}"
#: (latitude, longitude, ISO 3166-1 alpha-3 of the country it lies in)
CITIES = {
    "Tokyo": (35.6895, 139.6917, "JPN"),
    "Cairo": (30.0444, 31.2357, "EGY"),
    "São Paulo": (-23.5505, -46.6333, "BRA"),
    "Reykjavík": (64.1466, -21.9426, "ISL"),
    "Sydney": (-33.8688, 151.2093, "AUS"),
    "Portland": (45.5152, -122.6784, "USA"),
    "Nairobi": (-1.2921, 36.8219, "KEN"),
    "Moscow": (55.7558, 37.6173, "RUS"),
}


# --- the projection -------------------------------------------------------------------------------------------

def test_projection_puts_known_points_where_they_belong():
    x, y = project(0, 0)
    assert x == pytest.approx(WIDTH / 2)
    # The equator sits where the Natural Earth formulas put it between 84°N and 58°S.
    assert y == pytest.approx(252.68, abs=0.05)
    assert project(0, -180)[0] == pytest.approx(0, abs=1e-9)
    assert project(0, 180)[0] == pytest.approx(WIDTH, abs=1e-9)
    assert project(84, 0) == pytest.approx((WIDTH / 2, 0), abs=1e-9)
    assert project(-58, 0)[1] == pytest.approx(HEIGHT, abs=0.05)
    # On the equator x is linear in the longitude.
    assert project(0, 90)[0] == pytest.approx(WIDTH * 0.75)
    assert project(0, -45)[0] == pytest.approx(WIDTH * 0.375)
    # Meridians bend inwards towards the poles: 60°N spans less width than the equator.
    assert project(60, 180)[0] - WIDTH / 2 < 0.9 * (WIDTH / 2)

def test_projection_is_symmetric_and_clamped():
    east, west = project(40, 100), project(40, -100)
    assert east[0] - WIDTH / 2 == pytest.approx(WIDTH / 2 - west[0])
    assert east[1] == west[1]
    assert project(40, 0)[1] - project(0, 0)[1] == pytest.approx(-(project(-40, 0)[1] - project(0, 0)[1]))
    assert project(89.9, 10)[1] == 0  # above the drawn area: on its edge
    assert project(-80, 10)[1] == pytest.approx(HEIGHT, abs=0.05)
    assert project(10, 190) == pytest.approx(project(10, -170))


def _rings(d):
    """The outline's rings as lists of absolute points (the data uses M x y then relative l steps)."""
    rings = []
    for ring in re.findall(r"M[^z]*z", d):
        start, steps = re.match(r"M([-\d.]+) ([-\d.]+)l(.*)z", ring).group(1, 2), ring.split("l", 1)[1][:-1]
        numbers = [float(n) for n in re.findall(r"-?(?:\d+\.?\d*|\.\d+)", steps)]
        x, y = float(start[0]), float(start[1])
        points = [(x, y)]
        for dx, dy in zip(numbers[::2], numbers[1::2]):
            x, y = x + dx, y + dy
            points.append((x, y))
        rings.append(points)
    return rings


def _inside(point, rings):
    x, y = point
    inside = False
    for ring in rings:
        for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1]):
            if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
                inside = not inside
    return inside


@pytest.mark.parametrize("name", list(CITIES))
def test_cities_land_inside_their_country_outline(name):
    """The outlines (projected once by scripts/build_world_map.py) and the cities (projected on every page)
    go through the same formulas, so each city falls inside its own country and no other."""
    from crm.maps.outlines import world

    lat, lng, iso = CITIES[name]
    point = project(lat, lng)
    countries = {c["iso_a3"]: _rings(c["d"]) for c in world()["countries"]}
    holders = [code for code, rings in countries.items() if _inside(point, rings)]
    assert holders == [iso], (name, point, holders)


def test_outline_data_states_its_source_and_is_compact():
    from crm.maps.outlines import land_path, world

    data = world()
    assert "Natural Earth" in data["source"] and "public domain" in data["licence"]
    assert (data["width"], data["height"]) == (WIDTH, HEIGHT)
    assert len(data["countries"]) > 150
    assert len(land_path()) < 100_000
    # No edge runs across the whole map (a ring crossing the antimeridian drawn whole would).
    for country in data["countries"]:
        for ring in _rings(country["d"]):
            assert max(abs(b[0] - a[0]) for a, b in zip(ring, ring[1:])) < 100, country["name"]


# --- the SVG ----------------------------------------------------------------------------------------------------

def _point(pid, lat, lng, state=HealthState.HEALTHY, title="A city"):
    from crm.maps.points import MapPoint

    return MapPoint(pid, lat, lng, state, title)


def test_svg_is_well_formed_and_escapes_what_it_is_given(app):
    from crm.maps.points import HomePoint
    from crm.maps.svg import world_map_svg

    hostile = '<script>alert(1)</script> & "quoted" ]]> <!-- x'
    with app.test_request_context():
        svg = world_map_svg([_point(7, 35.7, 139.7, title=hostile)], [HomePoint(45.5, -122.7, hostile)],
                            title=hostile, description=hostile, id_prefix='x"><script>')
    assert "<script>" not in svg
    assert "style=" not in svg
    root = ET.fromstring(str(svg))
    assert root.tag == SVG + "svg" and root.get("direction") == "ltr"
    assert root.find(SVG + "title").text == hostile
    titles = [t.text for t in root.iter(SVG + "title")]
    assert titles.count(hostile) == 3
    assert [a.get("href") for a in root.iter(SVG + "a")] == ["/partnerships/7"]


def test_svg_colours_each_city_by_its_health(app):
    from crm.maps.svg import STATE_COLOURS, world_map_svg

    points = [_point(n, 10 * n, 20 * n, state) for n, state in enumerate(HealthState, start=1)]
    with app.test_request_context():
        root = ET.fromstring(str(world_map_svg(points, title="Map")))
    groups = {a.get("href"): group for group in root.find(f"{SVG}g[@class='map-cities']")
              for a in group.iter(SVG + "a")}
    for n, state in enumerate(HealthState, start=1):
        group = groups[f"/partnerships/{n}"]
        assert group.get("class") == f"health-{state.value}"
        assert group.get("fill") == STATE_COLOURS[state]
    # the ones needing attention are drawn last, on top
    assert [g.get("class") for g in root.find(f"{SVG}g[@class='map-cities']")][-1] == "health-ceremonial"
    assert len(set(STATE_COLOURS.values())) == len(HealthState)


def test_partnerships_in_the_same_city_are_fanned_out_not_stacked(app):
    from crm.maps.svg import world_map_svg

    points = [_point(n, 41.9, 12.5, HealthState.HEALTHY if n else HealthState.CEREMONIAL) for n in range(5)]
    with app.test_request_context():
        root = ET.fromstring(str(world_map_svg(points, title="Map")))
    circles = {a.get("href"): a.find(SVG + "circle") for a in root.iter(SVG + "a")}
    spots = {(c.get("cx"), c.get("cy")) for c in circles.values()}
    assert len(circles) == 5 and len(spots) == 5
    # the one needing attention stays on the city itself
    x, y = project(41.9, 12.5)
    assert (circles["/partnerships/0"].get("cx"), circles["/partnerships/0"].get("cy")) == (f"{x:.1f}", f"{y:.1f}")


def test_dots_shrink_as_the_portfolio_grows():
    from crm.maps.svg import dot_radius

    assert dot_radius(10) > dot_radius(300) > dot_radius(1000) > dot_radius(5000)
    assert dot_radius(10, compact=True) > dot_radius(10)


# --- the page ---------------------------------------------------------------------------------------------------

def _city(make, name, lat, lng, country="JP", **fields):
    return make.city(name, latitude=lat, longitude=lng, country_code=country, **fields)


def _links(html):
    """(health state, partnership id) of every city on the page's map."""
    start = html.index('<svg class="world-map')
    root = ET.fromstring(html[start:html.index("</svg>", start) + 6])
    return [(group.get("class").removeprefix("health-"), link.get("href").rsplit("/", 1)[1])
            for group in root.find(f"{SVG}g[@class='map-cities']") for link in group.iter(SVG + "a")]


def test_map_shows_each_visible_partnership_once_coloured_by_health(client, login, make, session):
    login("viewer")
    home = make.home_city()
    home.latitude, home.longitude = 45.5152, -122.6784
    today = date.today()
    healthy = make.partnership(_city(make, "Kyoto", 35.0116, 135.7681, native_name="京都市"), home=home)
    make.engagement(healthy, occurred_on=today - timedelta(days=10), substantive=True)
    quiet = make.partnership(_city(make, "Cairo", 30.0444, 31.2357, "EG"), home=home,
                             established_on=today - timedelta(days=900))
    make.engagement(quiet, occurred_on=today - timedelta(days=800), substantive=True)
    nowhere = make.partnership(make.city("Atlantis"), home=home)  # no coordinates: left off, and said so
    archived = make.partnership(_city(make, "Gone", 1, 1), home=home)
    archived.archived_at = archived.created_at
    session.commit()

    html = client.get("/map").get_data(as_text=True)
    links = _links(html)
    assert sorted(links) == sorted([("healthy", str(healthy.id)), ("ceremonial", str(quiet.id))])
    assert str(nowhere.id) not in {pid for _, pid in links}
    assert "1 partner city has no coordinates" in html
    assert "Kyoto (京都市), Japan: Healthy" in html
    assert "Cairo, Egypt: Gone ceremonial — No substantive engagement since" in html
    assert "Home city: Portland" in html
    # the legend counts each state and links to the map filtered by it
    assert re.search(r'href="/map\?health=ceremonial"[^>]*>\s*<span[^>]*></span>Gone ceremonial\s*<strong>1</strong>',
                     html)
    svg = html[html.index("<svg class=\"world-map"):html.index("</svg>", html.index("<svg class=\"world-map")) + 6]
    ET.fromstring(svg)


def test_map_filters_like_the_partnership_list(client, login, make, session):
    login("viewer")
    home = make.home_city()
    active = make.partnership(_city(make, "Kyoto", 35.0, 135.7), home=home, status="active")
    ended = make.partnership(_city(make, "Osaka", 34.7, 135.5), home=home, status="ended")
    other_home = make.city("Salem", country_code="US", latitude=44.9, longitude=-123.0)
    from crm.settings.models import HomeCity

    session.add(HomeCity(city_id=other_home.id))
    session.commit()
    elsewhere = make.partnership(_city(make, "Lyon", 45.7, 4.8, "FR"), home=other_home)

    def shown(query):
        return {int(pid) for _, pid in _links(client.get("/map" + query).get_data(as_text=True))}

    assert shown("") == {active.id, ended.id, elsewhere.id}
    assert shown("?status=ended") == {ended.id}
    assert shown("?health=not_evaluated") == {ended.id}
    assert shown(f"?home={other_home.id}") == {elsewhere.id}
    assert shown("?country=FR") == {elsewhere.id}
    assert shown("?q=kyo") == {active.id}
    assert shown("?status=nonsense&home=abc&health=<x>") == {active.id, ended.id, elsewhere.id}
    empty = client.get("/map?q=zzz").get_data(as_text=True)
    assert "No partner city matches these filters." in empty


def test_hostile_city_names_are_escaped_on_the_map(client, login, make):
    login("viewer")
    hostile = '<img src=x onerror=alert(1)>"&'
    make.partnership(_city(make, hostile, 10, 10, native_name="</title><script>x</script>"))
    html = client.get("/map").get_data(as_text=True)
    assert "<img src=x" not in html and "<script>x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;&#34;&amp;" in html
    start = html.index('<svg class="world-map')
    ET.fromstring(html[start:html.index("</svg>", start) + 6])


def test_guests_and_visitors_never_reach_the_map(client, login, make):
    partnership = make.partnership(_city(make, "Kyoto", 35.0, 135.7))
    assert client.get("/map").status_code in (302, 401)
    guest = make.user("guest")
    login(guest)
    assert client.get("/map").status_code == 404
    assert partnership.partner_city.name not in client.get("/map").get_data(as_text=True)


def test_map_in_arabic_keeps_the_geography_left_to_right(client, login, make):
    login("viewer")
    make.partnership(_city(make, "Kyoto", 35.0, 135.7))
    html = client.get("/map", headers={"Accept-Language": "ar"}).get_data(as_text=True)
    assert 'dir="rtl"' in html
    assert re.search(r'<svg class="world-map[^>]*direction="ltr"', html)


def test_dashboard_shows_the_small_map_linking_to_the_full_one(client, login, make):
    login("viewer")
    partnership = make.partnership(_city(make, "Kyoto", 35.0, 135.7))
    html = client.get("/dashboard").get_data(as_text=True)
    assert '<svg class="world-map compact"' in html
    assert f'href="/partnerships/{partnership.id}"' in html
    assert 'href="/map"' in html


# --- the pillar chart -------------------------------------------------------------------------------------------

def _engage(make, partnership, days_ago, pillar, substantive=True, **fields):
    return make.engagement(partnership, occurred_on=date.today() - timedelta(days=days_ago), pillar=pillar,
                           substantive=substantive, **fields)


def test_pillar_counts_come_from_one_grouped_query(app, make, session, count_queries):
    from crm.health.pillars import pillar_counts

    mine, other = make.partnership(), make.partnership()
    _engage(make, mine, 10, Pillar.EDUCATION)
    _engage(make, mine, 20, Pillar.EDUCATION)
    _engage(make, mine, 500, Pillar.EDUCATION)  # within 3 years, not 12 months
    _engage(make, mine, 30, Pillar.BUSINESS)
    _engage(make, mine, 40, None)  # pillar not set
    _engage(make, mine, 50, Pillar.CULTURE, substantive=False)  # protocol only: not counted
    _engage(make, mine, 1200, Pillar.CULTURE)  # older than 3 years
    _engage(make, mine, -30, Pillar.CULTURE)  # planned
    deleted = _engage(make, mine, 60, Pillar.GOVERNMENT)
    deleted.deleted_at = deleted.created_at  # in the bin: left out by the ORM criteria
    _engage(make, other, 5, Pillar.CONNECTIVITY)
    session.commit()
    with app.test_request_context(), count_queries() as counter:
        counts = pillar_counts(date.today(), partnership_id=mine.id)
        everyone = pillar_counts(date.today())
    assert counter.count == 2
    assert counts == {Pillar.EDUCATION: (2, 3), Pillar.BUSINESS: (1, 1), None: (1, 1)}
    assert everyone[Pillar.CONNECTIVITY] == (1, 1)


def test_pillar_chart_is_accessible_and_formats_numbers_for_the_reader(app):
    from flask_babel import force_locale

    from crm.health.pillars import pillar_chart

    counts = {Pillar.EDUCATION: (1234, 5678), None: (0, 2)}
    with app.test_request_context():
        root = ET.fromstring(str(pillar_chart(counts, title="Pillars <&>")))
        with force_locale("de"):
            german = str(pillar_chart(counts, title="Säulen"))
    assert root.find(SVG + "title").text == "Pillars <&>"
    desc = root.find(SVG + "desc").text
    assert "Universities and education: 1,234 in the last 12 months, 5,678 in the last 3 years" in desc
    assert "Pillar not set: 0 in the last 12 months, 2 in the last 3 years" in desc
    labels = [t.text for t in root.iter(SVG + "text")]
    assert "1,234 / 5,678" in labels and "Air links and connectivity" in labels
    assert "1.234 / 5.678" in german
    assert "style=" not in german


def test_pillar_chart_is_mirrored_in_right_to_left_pages(app):
    from flask_babel import force_locale

    from crm.health.pillars import pillar_chart

    with app.test_request_context():
        ltr = ET.fromstring(str(pillar_chart({Pillar.BUSINESS: (1, 2)}, title="t")))
        with force_locale("ar"):
            rtl = ET.fromstring(str(pillar_chart({Pillar.BUSINESS: (1, 2)}, title="t")))
    assert ltr.get("direction") == "ltr" and rtl.get("direction") == "rtl"
    first_label = [t for t in ltr.iter(SVG + "text")][0]
    first_label_rtl = [t for t in rtl.iter(SVG + "text")][0]
    assert float(first_label.get("x")) < 100 < 540 < float(first_label_rtl.get("x"))


def test_pillar_charts_on_partnership_page_and_dashboard_count_visible_data(client, login, make):
    login("viewer")
    partnership = make.partnership()
    _engage(make, partnership, 10, Pillar.BUSINESS)
    _engage(make, partnership, 400, Pillar.BUSINESS)
    page = client.get(f"/partnerships/{partnership.id}?section=health").get_data(as_text=True)
    assert "Business and trade: 1 in the last 12 months, 2 in the last 3 years" in page
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert "Business and trade: 1 in the last 12 months, 2 in the last 3 years" in dashboard


# --- cost -------------------------------------------------------------------------------------------------------

def test_map_query_count_is_fixed(client, login, make, session, count_queries):
    login("viewer")
    home = make.home_city()

    def add(count):
        for n in range(count):
            make.partnership(_city(make, f"P{n}", -50 + n % 100, -170 + (n * 7) % 340), home=home)

    add(5)
    client.get("/map")  # fills the health snapshot
    with count_queries() as counter:
        assert client.get("/map").status_code == 200
        small = list(counter.statements)  # the counter is one object: keep what it saw
    add(120)
    client.get("/map")
    with count_queries() as counter:
        assert client.get("/map").status_code == 200
        large = list(counter.statements)
    print(f"\nQUERIES {len(small)} {len(large)}")
    assert len(small) == len(large), (small, large)
    assert len(large) <= 6


def test_portfolio_pillar_counts_are_reused_until_something_changes(client, login, make, count_queries):
    login("viewer")
    partnership = make.partnership()
    _engage(make, partnership, 10, Pillar.CULTURE)
    wanted = "Recurring events and culture: {} in the last 12 months, {} in the last 3 years"
    with count_queries() as counter:
        assert wanted.format(1, 1) in client.get("/dashboard").get_data(as_text=True)
        cold = list(counter.statements)
    with count_queries() as counter:
        client.get("/dashboard")
        warm = list(counter.statements)
    def pillars(statement):
        return "GROUP BY engagements.partnership_id, engagements.pillar" in statement

    assert sum(pillars(s) for s in cold) == 1
    assert not any(pillars(s) for s in warm)
    _engage(make, partnership, 20, Pillar.CULTURE)  # changes the office's activity stamp
    assert wanted.format(2, 2) in client.get("/dashboard").get_data(as_text=True)


def test_a_large_portfolio_draws_the_most_urgent_first_and_says_what_it_left_out(client, login, make, monkeypatch):
    from crm.maps import service

    monkeypatch.setattr(service, "MAP_LIMIT", 1)
    monkeypatch.setattr(service, "DASHBOARD_MAP_LIMIT", 1)
    quiet = make.partnership(partner=make.city("Quietville", latitude=10.0, longitude=10.0),
                             established_on=date(2000, 1, 1))
    _engage(make, quiet, 3000, Pillar.CULTURE)  # gone ceremonial years ago
    busy = make.partnership(partner=make.city("Busyburg", latitude=20.0, longitude=20.0),
                            established_on=date(2000, 1, 1))
    _engage(make, busy, 5, Pillar.BUSINESS)
    login("viewer")
    page = client.get("/map").get_data(as_text=True)
    assert f"/partnerships/{quiet.id}" in page and f"/partnerships/{busy.id}" not in page
    assert "1 more is left out" in page
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert "1 more partnership is on the full map" in dashboard


def test_home_cities_are_not_drawn_by_the_thousand(monkeypatch):
    from types import SimpleNamespace

    from crm.maps import service

    monkeypatch.setattr(service, "HOMES_LIMIT", 1)
    city = SimpleNamespace(latitude=1.0, longitude=2.0, name="A", native_name=None)
    assert service._homes([city]) and service._homes([city, city]) == []

"""macros/lists.html: the one list skeleton, rendered on its own."""
from html.parser import HTMLParser
from types import SimpleNamespace

from flask import render_template_string

from crm.pagination import ListPage

TEMPLATE = """{% from "macros/lists.html" import bulk_form, list_table %}
{% if with_bulk %}{% call bulk_form('bulk-missions', url_for('missions.index')) %}<button type="submit">Go</button>{% endcall %}{% endif %}
{% call(m) list_table(page, 'Trade missions', ['Mission', ('Dates', 'starts'), {'label': 'Actions', 'hidden': true}],
                      sort='starts', bulk='bulk-missions' if with_bulk else none, row_name='city.name',
                      export='missions.export', empty='Nothing here', no_match='No match', filtered=filtered) %}
<td>{{ m.title }}</td><td>-</td><td>-</td>
{% endcall %}"""


class Tags(HTMLParser):
    def __init__(self, html):
        super().__init__()
        self.tags = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def all(self, tag, **wanted):
        """The attributes of each tag with these values (... for present with any value)."""
        return [a for t, a in self.tags if t == tag
                and all(k in a if v is ... else a.get(k) == v for k, v in wanted.items())]


def render(app, items, url="/missions/?q=kyo&page=2", with_bulk=True, filtered=False):
    rows = [SimpleNamespace(id=i, title=f"Mission {i}", city=SimpleNamespace(name=name)) for i, name in items]
    with app.test_request_context(url):
        return render_template_string(TEMPLATE, page=ListPage(rows, len(rows), 1, 20),
                                      with_bulk=with_bulk, filtered=filtered)


def test_bulk_selection_checkboxes_are_labelled_and_belong_to_the_bulk_form(app):
    html = render(app, [(7, "Kyoto"), (8, "Rock & Roll")])
    tags = Tags(html)
    form = tags.all("form", id="bulk-missions")[0]
    # the selection goes by GET to the action's confirmation page, which names the count and does it on its own
    # POST with the CSRF token (tests/test_bulk.py); next brings the user back to this list as it was
    assert form["method"] == "get" and not tags.all("input", type="hidden", name="csrf_token")
    assert tags.all("input", type="hidden", name="next", value="/missions/?q=kyo&page=2")
    select_all = tags.all("input", type="checkbox", form="bulk-missions", **{"data-select-all": ...})
    assert len(select_all) == 1 and select_all[0]["aria-label"] == "Select all" and "name" not in select_all[0]
    rows = tags.all("input", type="checkbox", form="bulk-missions", name="ids")
    assert [(r["value"], r["aria-label"]) for r in rows] == [("7", "Select Kyoto"), ("8", "Select Rock & Roll")]
    assert "Rock &amp; Roll" in html and "&amp;amp;" not in html
    # the header row has one more cell for the select-all box, and every row one more for its box
    assert html.count("<th ") == 4 and html.count("<td>") == 8


def test_without_a_bulk_form_there_are_no_checkboxes(app):
    tags = Tags(render(app, [(7, "Kyoto")], with_bulk=False))
    assert not tags.all("input", type="checkbox")
    assert len(tags.all("th")) == 3


def test_table_scrolls_in_a_focusable_region_with_sortable_headers_and_exports(app):
    tags = Tags(render(app, [(7, "Kyoto")]))
    assert tags.all("div", **{"class": "table-wrap", "tabindex": "0", "role": "region", "aria-label": "Trade missions"})
    sorted_by = tags.all("th", scope="col", **{"aria-sort": "ascending"})
    assert len(sorted_by) == 1
    links = [a["href"] for a in tags.all("a") if "sort=" in a.get("href", "")]
    assert links == ["/missions/?q=kyo&sort=starts"]  # filters kept, back to the first page
    downloads = [a["href"] for a in tags.all("a") if "/export." in a.get("href", "")]
    assert len(downloads) == 2 and all("q=kyo" in d and "page" not in d for d in downloads)
    # CSV is downloaded as it stands; an XLSX link is followed (a large one answers with its progress page)
    assert [a["href"] for a in tags.all("a", download=...)] == [d for d in downloads if "export.csv" in d]
    assert tags.all("span", **{"class": "visually-hidden"})


def test_empty_states(app):
    html = render(app, [], url="/missions/?q=zzz", filtered=True)
    assert "No match" in html and "Clear filters" in html and "table-wrap" not in html
    html = render(app, [], url="/missions/", filtered=False)
    assert "Nothing here" in html and "Clear filters" not in html


def test_partnership_headers_sort_the_list_keeping_its_filters(client, login, make):
    login("viewer")
    make.partnership(partner=make.city("Kyoto", "京都市", "JP"))
    tags = Tags(client.get("/partnerships/", query_string={"q": "kyo", "sort": "country", "page": 1}).text)
    assert tags.all("div", **{"class": "table-wrap", "role": "region", "tabindex": "0", "aria-label": "Partnerships"})
    assert not tags.all("div", **{"class": "actions"})  # list_head called without extra actions
    assert [th for th in tags.all("th") if "aria-sort" in th] == [{"scope": "col", "aria-sort": "ascending"}]
    sort_links = sorted(a["href"] for a in tags.all("a") if a.get("href", "").startswith("/partnerships/?"))
    assert sort_links == sorted(f"/partnerships/?q=kyo&sort={key}"
                                for key in ("partner", "country", "status", "health", "established"))

"""Markup every page keeps: what the Nu HTML Checker run over every rendered page (tests/markup_check.py)
relies on, checked directly here too.

Required selects start with an empty choice; hidden inputs carry no id, so a page with several forms (and
CSRF tokens, which the other tests turn off) repeats no id; a value sent back that an <input> of its type
cannot hold is shown as a browser would; characters HTML forbids never reach a page.
"""
import re
from collections import Counter
from datetime import UTC, datetime

import pyotp
from wtforms import DateField, FloatField, IntegerField, SelectField, StringField, TimeField, URLField
from wtforms.validators import InputRequired, Optional

from crm.forms import Form, options
from tests.test_access import build_side


class Sample(Form):
    class Meta:
        csrf = False

    kind = SelectField("Kind", choices=options([("a", "A"), ("b", "B")]), validators=[InputRequired()])
    number = SelectField("Number", coerce=int, choices=options([(1, "One")]), validators=[InputRequired()])
    blank_first = SelectField("Blank", choices=options([("", "Any"), ("a", "A")]), validators=[InputRequired()])
    maybe = SelectField("Maybe", choices=options([("a", "A")]), validators=[Optional()])
    name = StringField("Name")
    count = IntegerField("Count", validators=[Optional()])
    share = FloatField("Share", validators=[Optional()])
    day = DateField("Day", validators=[Optional()])
    at = TimeField("At", validators=[Optional()])
    site = URLField("Site", validators=[Optional()])


def sample(app, **data) -> Sample:
    with app.test_request_context(method="POST", data=data):
        form = Sample()
        form.validate()
        return form


def test_a_required_select_starts_with_an_empty_choice(app):
    with app.test_request_context():
        form = Sample()
        assert str(form.kind()).startswith('<select id="kind" name="kind" required><option value="">—</option>'
                                           '<option value="a">A</option>')
        assert str(form.number()).startswith('<select id="number" name="number" required><option value="">—')
        assert str(form.blank_first()).count('value=""') == 1  # it has one already
        assert str(form.maybe()) == '<select id="maybe" name="maybe"><option value="a">A</option></select>'


def test_the_empty_choice_sent_back_gets_only_the_required_message(app):
    form = sample(app, kind="", number="", blank_first="", maybe="a")
    assert form.kind.errors == form.number.errors == form.blank_first.errors == ["This field is required."]
    assert 'selected value="a"' in str(sample(app, kind="a").kind())
    assert sample(app, kind="z").kind.errors == ["Not a valid choice."]


def test_values_an_input_cannot_hold_are_shown_as_a_browser_would(app):
    form = sample(app, count="'; DROP TABLE users; --", share="Ç?", day="2024-13-01", at="25:00",
                  site="www.example.org")
    for name in ("count", "share", "day", "at"):
        assert 'value=""' in str(form[name]()), name
        assert form[name].errors, name  # the message still says what was wrong
    assert 'value="1.0"' in str(sample(app, share="1.").share())  # read as 1.0, shown so
    assert 'type="text"' in str(form.site()) and 'value="www.example.org"' in str(form.site())
    kept = sample(app, count="12", share="-0.5e3", day="2024-02-29", at="09:30", site="https://example.org/a")
    assert [re.search(r'value="([^"]*)"', str(kept[name]())).group(1) for name in
            ("count", "share", "day", "at", "site")] == ["12", "-0.5e3", "2024-02-29", "09:30", "https://example.org/a"]
    assert 'type="url"' in str(kept.site())


def test_characters_html_forbids_are_removed_from_what_is_sent(app):
    form = sample(app, name="a\x82b\ufdd0c\U0001fffe\x85d")
    assert form.name.data == "abc d"  # NEL is a line break, folded like the others in a one-line field


def test_pages_with_several_forms_repeat_no_id(app, client, make, session, login):
    make.home_city()
    ids, _ = build_side(make, session, "Alpha", "JP")
    user = login("admin")
    user.totp_secret, user.totp_enabled_at = pyotp.random_base32(), datetime.now(UTC)  # two forms on its page
    session.commit()
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        for path in ("/partnerships/{partnership_id}", "/missions/{mission_id}", "/agreements/{agreement_id}",
                     "/projects/{project_id}", "/account/security"):
            response = client.get(path.format(**ids))
            assert response.status_code == 200, path
            assert response.text.count('name="csrf_token"') >= 2, path
            repeated = [i for i, n in Counter(re.findall(r'\sid="([^"]*)"', response.text)).items() if n > 1]
            assert repeated == [], path
    finally:
        app.config["WTF_CSRF_ENABLED"] = False

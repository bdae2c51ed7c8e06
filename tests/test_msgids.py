"""Messages as translators receive them: every word that means two things in the app comes with a msgctxt per
meaning, and every message is a literal that extraction can read.

The messages are extracted here, from crm/ and templates/ as they are now (babel.cfg, with the keywords the
Makefile's `make translations` passes), so nothing depends on a stale translations/messages.pot.
"""
import ast
import re
from collections import defaultdict
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_keywords, parse_mapping_cfg
from jinja2 import Environment, nodes

ROOT = Path(__file__).resolve().parent.parent

#: word -> the msgctxt of each of its meanings (None: the plain msgid, left to the meaning it has most often)
HOMONYMS = {
    # a health state (the dashboard's "2 New") / the link that creates a mission, exchange or project
    "New": {"health state", "action"},
    # how a partnership is doing / public health, a priority of a partnership and a theme of a joint project
    "Health": {"relationship health", "public health"},
    # partnerships and projects are active in different words (gender, and 活動中 / 進行中); accounts too
    "Active": {"partnership status", "project status", "account"},
    # the label of the reply's text / the button that opens the reply form
    "Reply": {"noun", "action"},
    # a partner's comment, and its text box / the button that sends it
    "Comment": {None, "action"},
    # an agreement (masculine in es, fr) / an invitation (feminine)
    "Expired": {"agreement status", "invitation state"},
    # a future engagement, mission or exchange / a project's status
    "Planned": {None, "project status"},
    # a column of the audit trail and the trash / what an itinerary appointment is ("Programmpunkt")
    "What": {None, "itinerary item"},
    # the state of an invitation / the date column, the state of an API token
    "Sent": {None, "invitation state"},
    # …and of a partner's proposed change to an agreement's text (issue 21)
    "Accepted": {None, "invitation state", "proposal status"},
    "Revoked": {None, "invitation state"},
    # the search field's label / the search page's heading (Suche) / its button (Suchen)
    "Search": {None, "page heading", "action"},
    # a date column of the sign-in history / how often e-mail is sent
    "Never": {None, "e-mail frequency"},
}

#: gettext functions -> the positions of their msgctxt and msgid arguments, which must be string literals
MESSAGE_ARGUMENTS = {"_": (0,), "gettext": (0,), "lazy_gettext": (0,), "N_": (0,), "ngettext": (0, 1),
                     "lazy_ngettext": (0, 1), "pgettext": (0, 1), "lazy_pgettext": (0, 1), "npgettext": (0, 1, 2),
                     "lazy_npgettext": (0, 1, 2)}
GETTEXT_MODULES = {"flask_babel", "babel.support", "gettext"}


def makefile_keywords() -> list[str]:
    """The --keywords `make translations` passes to pybabel extract (the Makefile's BABEL_KEYWORDS)."""
    makefile = (ROOT / "Makefile").read_text()
    definition = re.search(r"^BABEL_KEYWORDS\s*:?=((?:.*\\\n)*.*)$", makefile, re.MULTILINE)
    assert definition, "the Makefile defines BABEL_KEYWORDS and passes it to pybabel extract"
    assert "$(BABEL_KEYWORDS)" in makefile
    return re.findall(r"--keywords\s+(\S+)", definition.group(1))


@pytest.fixture(scope="module")
def extracted() -> dict[tuple[str | None, str | tuple], list[str]]:
    """(msgctxt, msgid) -> ["path:line", ...], as `make translations` would extract them."""
    with (ROOT / "babel.cfg").open() as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    keywords = {**DEFAULT_KEYWORDS, **parse_keywords(makefile_keywords())}
    found = defaultdict(list)
    for path, line, message, _comments, context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=keywords, comment_tags=()):
        found[(context, message)].append(f"{path}:{line}")
    return found


def test_extraction_reads_the_lazy_forms_with_their_context():
    keywords = parse_keywords(makefile_keywords())
    assert keywords["lazy_pgettext"] == ((1, "c"), 2) and keywords["lazy_ngettext"] == (1, 2)
    assert {"_l", "lazy_gettext"} <= keywords.keys()
    babel_cfg = (ROOT / "babel.cfg").read_text()
    assert "crm/**.py" in babel_cfg and "templates/**.html" in babel_cfg and "templates/**.txt" in babel_cfg


def test_extraction_finds_messages_of_every_kind(extracted):
    assert ("health state", "New") in extracted  # lazy_pgettext, imported as pgettext (crm/health/reasons.py)
    assert ("public health", "Health") in extracted  # in an enum's label (crm/enums.py)
    assert ("relationship health", "Health") in extracted  # pgettext in a template
    assert (None, ("%(num)d day", "%(num)d days")) in extracted  # ngettext in a template
    assert (None, "Last 12 months") in extracted  # the pillar chart's legend (once inside an f-string)


@pytest.mark.parametrize("word", sorted(HOMONYMS))
def test_a_word_with_two_meanings_has_a_context_per_meaning(extracted, word):
    uses = {context: sorted(places) for (context, message), places in extracted.items() if message == word}
    assert set(uses) == HOMONYMS[word], (
        f"{word!r} means different things in the app: give each use the msgctxt of its meaning "
        f"(pgettext(context, {word!r}); in a template {{{{ pgettext(...) }}}}). Found: {uses}")


def test_enum_labels_carry_the_context_of_their_meaning():
    from crm.enums import AgreementStatus, InvitationState, PartnershipStatus, Priority, ProjectStatus, ProjectTheme
    from crm.health.reasons import STATE_LABELS
    from crm.health.rules import HealthState

    def context(label) -> str:
        return label._args[0] if len(label._args) == 2 else None

    assert context(PartnershipStatus.ACTIVE.label) == "partnership status"
    assert context(ProjectStatus.ACTIVE.label) == "project status"
    assert context(Priority.HEALTH.label) == context(ProjectTheme.HEALTH.label) == "public health"
    assert context(AgreementStatus.EXPIRED.label) == "agreement status"
    assert context(InvitationState.EXPIRED.label) == "invitation state"
    assert context(STATE_LABELS[HealthState.NEW]) == "health state"


#: a count followed by its unit ("%(days)d days", "%(num)d more partnerships") in a message that is not a plural
COUNT_WITH_UNIT = re.compile(
    r"%\((?:\w+\)d|(?:num|count)\)s)\s+(?:\w+\s+)?(?:days?|weeks?|months?|years?|hours?|minutes?|seconds?|people|"
    r"persons?|items?|characters?|rows?|cells?|files?|documents?|tokens?|partnerships?|engagements?|members?|"
    r"results?|codes?|cities|city|contacts?|greetings?)\b")


def test_a_count_with_a_unit_is_a_plural(extracted):
    """"%(num)d days" is ngettext: Arabic has six forms (a dual among them), French counts 0 as singular."""
    singular = sorted(f"{message} ({places[0]})" for (_context, message), places in extracted.items()
                      if isinstance(message, str) and COUNT_WITH_UNIT.search(message))
    assert singular == [], "use ngettext('%(num)d day', '%(num)d days', count) for a count with a unit"


def _gettext_names(tree: ast.Module) -> dict[str, str]:
    """Names the module calls gettext functions by (aliases included) -> the function."""
    names = {"_": "_"}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module in GETTEXT_MODULES:
            names.update({alias.asname or alias.name: alias.name for alias in node.names
                          if alias.name in MESSAGE_ARGUMENTS})
    return names


def python_offenders(path: Path, root: Path = ROOT) -> list[str]:
    """gettext calls whose msgid or msgctxt is not a string literal, or that sit inside an f-string (which
    Babel reads as one string: the message inside is never extracted)."""
    tree = ast.parse(path.read_text(), str(path))
    names = _gettext_names(tree)
    in_fstring = {id(inner) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr)
                  for inner in ast.walk(node)}
    offenders = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        function = node.func
        if isinstance(function, ast.Attribute) and isinstance(function.value, ast.Name) \
                and function.value.id in GETTEXT_MODULES and function.attr in MESSAGE_ARGUMENTS:
            name = function.attr
        elif isinstance(function, ast.Name) and function.id in names:
            name = names[function.id]
        else:
            continue
        literal = all(position < len(node.args) and isinstance(node.args[position], ast.Constant)
                      and isinstance(node.args[position].value, str) for position in MESSAGE_ARGUMENTS[name])
        where = f"{path.relative_to(root)}:{node.lineno}: {ast.unparse(node)[:100]}"
        if not literal:
            offenders.append(f"{where} (the message is not a string literal)")
        if id(node) in in_fstring:
            offenders.append(f"{where} (inside an f-string)")
    return offenders


def template_offenders(path: Path, environment: Environment, root: Path = ROOT) -> list[str]:
    tree = environment.parse(path.read_text(), str(path))
    offenders = []
    for call in tree.find_all(nodes.Call):
        if isinstance(call.node, nodes.Name) and call.node.name in MESSAGE_ARGUMENTS:
            positions = MESSAGE_ARGUMENTS[call.node.name]
            if not all(p < len(call.args) and isinstance(call.args[p], nodes.Const) and isinstance(call.args[p].value, str)
                       for p in positions):
                offenders.append(f"{path.relative_to(root)}:{call.lineno}: {call.node.name}() of a non-literal")
    return offenders


def test_every_message_is_a_literal_extraction_can_read():
    offenders = [o for path in sorted((ROOT / "crm").rglob("*.py")) for o in python_offenders(path)]
    environment = Environment(extensions=["jinja2.ext.i18n"])
    offenders += [o for path in sorted((ROOT / "templates").rglob("*")) if path.suffix in (".html", ".txt")
                  for o in template_offenders(path, environment)]
    assert offenders == [], "translate a literal with named placeholders: _('%(name)s joined', name=...)"


def test_the_checks_catch_what_they_look_for(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from flask_babel import gettext, lazy_pgettext as pgettext\nlabel = 'x'\n"
                   "a = gettext(label)\nb = f\"{gettext('Last 12 months')}\"\nc = pgettext(label, 'New')\n"
                   "d = gettext('Fine %(n)s', n=f'{label}')\n")
    found = python_offenders(bad, tmp_path)
    assert sorted(o.split(":")[1] for o in found) == ["3", "4", "5"], found
    assert COUNT_WITH_UNIT.search("restore it within %(days)d days") and COUNT_WITH_UNIT.search("%(count)s people")
    assert not COUNT_WITH_UNIT.search("the %(home)s – %(partner)s partnership space")
    page = tmp_path / "page.html"
    page.write_text("{{ _(label) }} {{ _('Fine') }} {{ ngettext('%(num)d day', plural, n) }}")
    assert len(template_offenders(page, Environment(extensions=["jinja2.ext.i18n"]), tmp_path)) == 2

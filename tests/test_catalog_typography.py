"""Typography and terms a professional translator for city governments would sign off (issue 18, section 6).

These read the catalogs as the translators leave them (translations/<language>/LC_MESSAGES/messages.po); a
failure lists the entries to correct. Placeholders, HTML tags and web addresses are left out of every check.

- French: a no-break space (U+00A0, or the narrow U+202F) before ; : ? and !, and « » quotes with a no-break
  space inside, never "…" or “…”.
- Spanish: « » quotes; the healthy state is "Saludable".
- Japanese and Chinese: full-width brackets （）, and no space after full-width punctuation (。；，、：？！),
  which carries its own spacing.
- Chinese terms. The app has two kinds of relationship, "Sister city" and "Friendship city" (DESIGN.md, the
  partnership's kind), and they must stay apart. In the People's Republic the formal twinning that English calls
  a sister city is 友好城市 (abbreviated 友城): the term of the CPAFFC and of every municipal foreign-affairs office,
  which do not use the colloquial 姐妹城市 (heard in Taiwan and in translations from English). The lighter,
  exchange-only relationship is 友好交流城市. So: "Sister city" and every sister-city phrase use 友好城市 (or 友城
  inside a compound such as 友城关系), "Friendship city" is 友好交流城市, 姐妹城市 is never used, and the product
  ("Sister City CRM") has one name throughout. The "New" health state (msgctxt "health state") is 新建立: a
  partnership newly established, not 新建 ("create", the button).
- German: exchanges are "Austauschprogramme" (an "Austausch" alone is any exchange of words) and a trade mission
  is a "Wirtschaftsmission" (a "Delegation" is the people who travel).
- Arabic: the catalog's Plural-Forms is CLDR's (Babel's) six-form rule, every plural entry fills all six forms,
  and the dual (form 2, n = 2) carries no number: "يومان", "علاقتا توأمة", "نتيجتان", never "2 يومان".
"""
import functools
import gettext
import re
from pathlib import Path

import pytest
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}")
TAG = re.compile(r"<[^>]+>")
ADDRESS = re.compile(r"https?://\S+")
NO_BREAK = "\u00a0\u202f"
COUNT = re.compile(r"%\((?:num|count)\)[sd]|[0-9\u0660-\u0669\u06f0-\u06f9]")
CJK_PUNCTUATION_SPACED = re.compile(r"[。；，、：？！][ \u00a0\u202f\u3000]")


@functools.cache
def catalog(language: str):
    with (ROOT / "translations" / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=language)


def msgids(message) -> tuple[str, ...]:
    return message.id if isinstance(message.id, tuple) else (message.id,)


def forms(message) -> tuple[str, ...]:
    return message.string if isinstance(message.string, tuple) else (message.string,)


def texts(language: str):
    """(message, translated text as read: placeholders as X, without tags and addresses) for every form."""
    for message in catalog(language):
        if message.id:
            for string in forms(message):
                if string:
                    yield message, ADDRESS.sub("", TAG.sub("", PLACEHOLDER.sub("X", string)))


def listed(problems: list) -> str:
    return f"{len(problems)} to correct, e.g.:\n" + "\n".join(map(str, problems[:12]))


def entry(language: str, msgid: str, context: str | None = None) -> str:
    message = catalog(language).get(msgid, context=context)
    return message.string if message else ""


# French
def test_french_puts_a_no_break_space_before_double_punctuation():
    problems = []
    for message, text in texts("fr"):
        for mark in re.finditer(r"[;:?!]", text):
            at = mark.start()
            between_digits = text[at] == ":" and text[at - 1:at].isdigit() and text[at + 1:at + 2].isdigit()
            url_scheme = text[at] == ":" and text[at + 1:at + 3] == "//"  # https://, not punctuation
            if not between_digits and not url_scheme and (at == 0 or text[at - 1] not in NO_BREAK):
                problems.append((msgids(message)[0], text[max(0, at - 20):at + 2]))
                break
    assert problems == [], listed(problems)


def test_french_quotes_are_guillemets_with_no_break_spaces_inside():
    problems = [(msgids(message)[0], text) for message, text in texts("fr")
                if re.search(r'["“”]', text) or re.search(rf"«[^{NO_BREAK}]|[^{NO_BREAK}]»", text)]
    assert problems == [], listed(problems)


# Spanish
def test_spanish_quotes_are_guillemets():
    problems = [(msgids(message)[0], text) for message, text in texts("es") if re.search(r'["“”]', text)]
    assert problems == [], listed(problems)


def test_spanish_calls_the_healthy_state_saludable():
    assert entry("es", "Healthy") == "Saludable"


# Japanese and Chinese
@pytest.mark.parametrize("language", ["ja", "zh"])
def test_cjk_brackets_are_full_width(language):
    problems = [(msgids(message)[0], text) for message, text in texts(language) if re.search(r"[()]", text)]
    assert problems == [], listed(problems)


@pytest.mark.parametrize("language", ["ja", "zh"])
def test_cjk_full_width_punctuation_is_followed_by_no_space(language):
    problems = [(msgids(message)[0], text) for message, text in texts(language) if CJK_PUNCTUATION_SPACED.search(text)]
    assert problems == [], listed(problems)


def test_chinese_sister_city_terms_are_consistent_and_the_two_kinds_stay_apart():
    problems = [(term, english, entry("zh", english)) for english, term in
                (("Sister city", "友好城市"), ("Friendship city", "友好交流城市")) if entry("zh", english) != term]
    product = entry("zh", "Sister City CRM")
    for message, text in texts("zh"):
        english = msgids(message)[0]
        if "姐妹" in text:
            problems.append(("姐妹城市 is not the term", english, text))
        elif "Sister City CRM" in english and product not in text:
            problems.append((f"the product is {product}", english, text))
        elif re.search(r"sister[- ]cit", english, re.IGNORECASE) and "Sister City CRM" not in english \
                and not re.search("友好城市|友城", text):
            problems.append(("友好城市 (友城)", english, text))
        elif re.search(r"friendship cit", english, re.IGNORECASE) and "友好交流城市" not in text:
            problems.append(("友好交流城市", english, text))
    assert problems == [], listed(problems)


def test_chinese_calls_the_new_health_state_newly_established():
    assert entry("zh", "New", context="health state") == "新建立"


# German
def test_german_says_austauschprogramme_and_wirtschaftsmission():
    problems = []
    for message, text in texts("de"):
        english = msgids(message)[0]
        if "Wirtschaftsdelegation" in text or (re.search(r"trade missions?", english, re.IGNORECASE)
                                                and "Wirtschaftsmission" not in text):
            problems.append(("Wirtschaftsmission", english, text))
        elif re.search(r"\bexchanges?\b", english, re.IGNORECASE) and "Austauschprogramm" not in text:
            problems.append(("Austauschprogramm(e)", english, text))
    assert problems == [], listed(problems)


# Arabic
def test_arabic_plural_forms_are_cldr_six_forms():
    arabic = catalog("ar")
    standard = get_plural("ar")
    assert arabic.num_plurals == standard.num_plurals == 6
    ours, cldr = gettext.c2py(arabic.plural_expr), gettext.c2py(standard.plural_expr)
    different = [n for n in range(1000) if ours(n) != cldr(n)]
    assert different == [], (f"Plural-Forms picks another form than CLDR for n = {different[:8]}…: the header "
                             f"must read plural={standard.plural_expr} (forms 4 and 5 of every entry follow it)")


def test_arabic_plurals_fill_six_forms_and_the_dual_repeats_no_number():
    problems = []
    for message in catalog("ar"):
        if not isinstance(message.id, tuple):
            continue
        strings = forms(message)
        if len(strings) != 6 or not all(strings):
            problems.append(("six forms", message.id[0], strings))
        elif COUNT.search(strings[2]):
            problems.append(("the dual carries no number", message.id[0], strings[2]))
    assert problems == [], listed(problems)

"""Issue 18, section 4: the charts' words in a real Chromium, in Arabic and English, at 1366 and 390 px: no word
covers a key, a bar or another word, and none runs out of its chart (the Arabic legend covered its keys).

Pictures of the charts are kept when SCREENSHOT_DIR is set."""
import os
from pathlib import Path

import pytest

from tests.test_browser import chromium, live_server  # noqa: F401  (the fixtures)
from tests.test_partnership_page_browser import _kyoto, _language, _open, sign_in

pytestmark = pytest.mark.browser

#: every word and every rectangle of each chart on the page, as drawn (CSS pixels)
BOXES = """() => [...document.querySelectorAll('svg.chart')].map((svg) => {
  const box = (element) => { const r = element.getBoundingClientRect();
                             return {left: r.left, right: r.right, top: r.top, bottom: r.bottom}; };
  return {chart: box(svg), cls: svg.getAttribute('class'), direction: svg.getAttribute('direction'),
          words: [...svg.querySelectorAll('text')].map((t) => ({text: t.textContent, ...box(t)})),
          keys: [...svg.querySelectorAll('rect')].map(box)};
})"""


@pytest.fixture(scope="module")
def sqlite_lane(app):
    """Before the live server (which would make its own PostgreSQL database): the charts do not depend on it."""
    if app.config["DB_LANE"] != "sqlite":
        pytest.skip("the charts do not depend on the database; the sqlite lane checks them")


def _overlap(a, b, slack=0.5) -> bool:
    return (min(a["right"], b["right"]) - max(a["left"], b["left"]) > slack
            and min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]) > slack)


def _problems(chart) -> list[str]:
    problems = []
    for index, word in enumerate(chart["words"]):
        if word["left"] < chart["chart"]["left"] - 0.5 or word["right"] > chart["chart"]["right"] + 0.5:
            problems.append(f"{word['text']!r} runs out of the chart")
        problems += [f"{word['text']!r} covers a key or bar" for rect in chart["keys"] if _overlap(word, rect)]
        problems += [f"{word['text']!r} covers {other['text']!r}" for other in chart["words"][index + 1:]
                     if _overlap(word, other)]
    return problems


@pytest.mark.parametrize("width", [1366, 390])
@pytest.mark.parametrize("language", ["ar", "en"])
def test_no_chart_word_covers_a_key_a_bar_or_another_word(sqlite_lane, live_server, chromium, width,  # noqa: F811
                                                           language, tmp_path):
    context, page = _open(chromium, width)
    target = Path(os.environ.get("SCREENSHOT_DIR") or tmp_path)
    try:
        sign_in(page, live_server)
        if language != "en":
            _language(page, language)
        url = _kyoto(page, live_server)
        pages = {"dashboard": f"{live_server}/dashboard", "health": f"{url}?section=health"}
        for name, address in pages.items():
            page.goto(address)
            charts = page.evaluate(BOXES)
            assert charts, f"no chart on {name}"
            for chart in charts:
                assert chart["direction"] == ("rtl" if language == "ar" else "ltr")
                assert not _problems(chart), (name, chart["cls"], _problems(chart))
            first = page.locator("svg.chart").first
            first.scroll_into_view_if_needed()
            first.screenshot(path=str(target / f"chart-{name}-{language}-{width}.png"))
    finally:
        if language != "en":
            _language(page, "en")
        context.close()

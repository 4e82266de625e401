"""Metas and Cronograma in headless Chromium, on a projector (1366×768) and on a phone (390×844),
for the sample POA (issue 16, points 1, 2, 7 and 15): what the browser drew, measured."""

from __future__ import annotations

import itertools
import re
import time
from datetime import date

import pytest

from dashboard.views import plan_view
from loaders.read.poa import read_poa_file
from loaders.settings import Settings
from tests.browser import browsing, console_errors, served, wait_for, wait_until
from tests.paths import SAMPLE_WORKBOOK

pytestmark = pytest.mark.browser
CORTE = "2026-12-01"
SIZES = [(1366, 768), (390, 844)]
MONTHS = ["Feb", "Mar", "Abr", "May", "Jun", "Jul", "Ago", "Sep", "Oct", "Nov", "Dic"]

# Boxes of what Plotly drew in one figure: its annotations (with their layout name), its x tick
# labels, the plot area, and the gauge's parts when it is a gauge. Multi-line text is joined by
# spaces, line by line.
FIGURE_FACTS = """
const gd = arguments[0];
const box = e => { const r = e.getBoundingClientRect();
                   return {left: r.left, right: r.right, top: r.top, bottom: r.bottom}; };
const text = e => { const lines = [...e.querySelectorAll('tspan.line')];
                    return lines.length ? lines.map(t => t.textContent).join(' ')
                                        : e.textContent; };
const svg = box(gd.querySelector('.main-svg'));
const size = gd._fullLayout._size;
const part = css => { const e = gd.querySelector(css); return e ? box(e) : null; };
return {
  svg: svg,
  plot: {left: svg.left + size.l, right: svg.left + size.l + size.w, top: svg.top + size.t,
         bottom: svg.top + size.t + size.h},
  notes: [...gd.querySelectorAll('g.annotation')].map(g => Object.assign(
      box(g.querySelector('text')),
      {name: gd.layout.annotations[+g.getAttribute('data-index')].name,
       text: text(g.querySelector('text'))})),
  ticks: [...gd.querySelectorAll('.xtick text')].map(t => Object.assign(box(t), {text: text(t)})),
  range: gd.layout.xaxis ? gd.layout.xaxis.range : null,
  full_range: gd._fullLayout.xaxis ? gd._fullLayout.xaxis.range : null,
  arc: part('g.angular'), axis: part('g.angularaxis'), number: part('text.number'),
  modebar_buttons: gd.querySelectorAll('.modebar-btn').length,
  context: {displayModeBar: gd._context.displayModeBar,
            showSendToCloud: gd._context.showSendToCloud,
            showEditInChartStudio: gd._context.showEditInChartStudio},
};
"""
PAGE_FACTS = """
const root = document.documentElement;
return {scroll_width: root.scrollWidth, client_width: root.clientWidth,
        outside_buttons: [...document.querySelectorAll('[data-title]')]
            .map(e => e.getAttribute('data-title'))
            .filter(t => /share|chart studio|cloud|plotly/i.test(t))};
"""


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    with served(Settings(data_dir=tmp_path_factory.mktemp("schedule-data"))) as live:
        yield live


@pytest.fixture(scope="module")
def driver():
    yield from browsing()


@pytest.fixture(scope="module")
def sample():
    return plan_view(read_poa_file(SAMPLE_WORKBOOK, Settings()), date.fromisoformat(CORTE),
                     Settings())


def open_page(driver, live, path: str, size: tuple[int, int]) -> None:
    driver.set_window_size(*size)
    driver.get_log("browser")  # drop what earlier pages logged
    driver.get(f"{live.url}{path}?corte={CORTE}")
    wait_for(driver, ".page-title")


def figure(driver, css: str) -> dict:
    return driver.execute_script(FIGURE_FACTS, driver.find_element("css selector", css))


def gantt_facts(driver) -> dict:
    wait_for(driver, "#gantt-chart .js-plotly-plot .main-svg")
    # once Plotly has drawn the axis and the annotations (the corte's at least)
    return wait_until(lambda: (f := figure(driver, "#gantt-chart .js-plotly-plot"))
                      and f["notes"] and f["ticks"] and f)


def inside(box: dict, frame: dict, slack: float = 0.5) -> bool:
    return (box["left"] >= frame["left"] - slack and box["right"] <= frame["right"] + slack
            and box["top"] >= frame["top"] - slack and box["bottom"] <= frame["bottom"] + slack)


def assert_apart(boxes: list[dict], *, across: bool) -> None:
    """No two boxes overlap: side by side (`across`) or one under the other."""
    key, start, end = ("left", "left", "right") if across else ("top", "top", "bottom")
    ordered = sorted(boxes, key=lambda b: b[key])
    for before, after in itertools.pairwise(ordered):
        assert before[end] <= after[start] + 0.5, (before, after)


# --- Cronograma ----------------------------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES, ids=["projector", "phone"])
def test_cronograma_axis_is_the_fiscal_year_with_spanish_months_that_do_not_overlap(
        driver, live, size):
    open_page(driver, live, "/cronograma", size)
    facts = gantt_facts(driver)
    assert facts["range"] == ["2026-01-01", "2027-01-01"]
    assert [v[:10] for v in facts["full_range"]] == ["2026-01-01", "2027-01-01"]
    ticks = sorted(facts["ticks"], key=lambda t: t["left"])
    assert [t["text"] for t in ticks] == ["Ene 2026", *MONTHS]
    assert_apart(ticks, across=True)
    assert all(inside(t, facts["svg"]) for t in ticks)


@pytest.mark.parametrize("size", SIZES, ids=["projector", "phone"])
def test_cronograma_corte_label_is_whole_above_the_plot_and_not_under_a_toolbar(
        driver, live, size):
    open_page(driver, live, "/cronograma", size)
    facts = gantt_facts(driver)
    (corte,) = [n for n in facts["notes"] if n["name"] == "corte"]
    assert corte["text"] == "Corte 01/12/2026"
    assert inside(corte, {**facts["plot"], "top": facts["svg"]["top"]})
    assert corte["bottom"] <= facts["plot"]["top"] + 0.5
    assert facts["modebar_buttons"] == 0
    assert facts["context"]["displayModeBar"] is False
    assert not facts["context"]["showSendToCloud"]  # "Share chart…" (Dash turns it on)
    assert not facts["context"]["showEditInChartStudio"]
    page = driver.execute_script(PAGE_FACTS)
    assert page["outside_buttons"] == []


@pytest.mark.parametrize("size", SIZES, ids=["projector", "phone"])
def test_cronograma_rows_name_each_activity_whole_and_apart_with_no_sideways_scroll(
        driver, live, size, sample):
    open_page(driver, live, "/cronograma", size)
    facts = gantt_facts(driver)
    rows = [n for n in facts["notes"] if n["name"] == "row"]
    assert len(facts["notes"]) == len(rows) + 2  # and the corte, and the ◂ of activity 14
    assert [r["text"] for r in rows] == [a.title for a in sample.activities if a.dates_valid]
    assert all(inside(r, facts["svg"]) for r in rows)
    assert_apart(rows, across=False)
    (start,) = [n for n in facts["notes"] if n["name"] == "outside"]
    assert start["text"] == "◂"  # activity 14 starts 01/01/2025
    assert inside(start, facts["svg"]) and start["right"] <= facts["plot"]["left"] + 0.5
    row_14 = next(r for r in rows if r["text"].startswith("14. "))
    assert row_14["bottom"] <= start["top"] + 3  # on its bar, under the name
    page = driver.execute_script(PAGE_FACTS)
    assert page["scroll_width"] <= page["client_width"]
    time.sleep(0.5)  # let late callbacks and rendering report their errors
    assert console_errors(driver) == []


# --- Metas ---------------------------------------------------------------------------------------


def gauge_cards(driver) -> list[dict]:
    wait_until(lambda: len(driver.find_elements("css selector", ".gauge-card .js-plotly-plot"))
               == 16)
    return wait_until(lambda: (cards := [
        driver.execute_script(FIGURE_FACTS, e) for e in
        driver.find_elements("css selector", ".gauge-card .js-plotly-plot")])
        and all(c["arc"] and c["number"] for c in cards) and cards)


@pytest.mark.parametrize("size", SIZES, ids=["projector", "phone"])
def test_metas_titles_stand_whole_above_every_gauge(driver, live, size, sample):
    open_page(driver, live, "/metas", size)
    cards = gauge_cards(driver)
    titles = {a.number: a.title for a in sample.activities}
    seen = set()
    for card in cards:
        names = [n["name"] for n in card["notes"]]
        assert names == ["title"], names  # the title is an annotation, over the plot area
        (title,) = card["notes"]
        number = int(title["text"].split(".")[0])
        seen.add(number)
        assert title["text"].startswith(titles[number] + " "), title["text"]  # whole, wrapped
        assert "…" not in title["text"]
        assert inside(title, card["svg"])
        gauge_top = min(card["arc"]["top"], card["axis"]["top"], card["number"]["top"])
        assert title["bottom"] <= gauge_top + 0.5, (number, title, card["arc"], card["axis"])
        assert card["modebar_buttons"] == 0 and card["context"]["showSendToCloud"] is False
    assert seen == set(titles)
    page = driver.execute_script(PAGE_FACTS)
    assert page["scroll_width"] <= page["client_width"]
    assert page["outside_buttons"] == []


def test_metas_goal_of_one_cards_have_title_and_semaforo_over_the_arc(driver, live, sample):
    open_page(driver, live, "/metas", SIZES[0])
    cards = gauge_cards(driver)
    ones = {a.number for a in sample.activities if a.programmed == 1}
    assert ones == {9, 10, 11, 16}
    for card in cards:
        (title,) = [n for n in card["notes"] if n["name"] == "title"]
        if int(title["text"].split(".")[0]) not in ones:
            continue
        assert re.search(r"■ Rojo — (En riesgo|Vencida)$", title["text"])
        assert title["bottom"] <= card["arc"]["top"]
        assert title["bottom"] <= card["number"]["top"]
        ones.remove(int(title["text"].split(".")[0]))
    assert ones == set()


def test_metas_percentages_have_one_decimal_and_stay_on_one_line(driver, live):
    open_page(driver, live, "/metas", SIZES[0])
    gauge_cards(driver)
    warnings = [e.get_attribute("textContent")
                for e in driver.find_elements("css selector", ".pct-warning")]
    assert len(warnings) == 4
    for text in warnings:
        assert re.fullmatch(r" ⚠ Se declaró \d+\.\d\u00a0%; las cifras dan \d+\.\d\u00a0%", text)
    assert " ⚠ Se declaró 30.0\u00a0%; las cifras dan 12.0\u00a0%" in warnings
    time.sleep(0.5)
    assert console_errors(driver) == []

"""A workbook whose activity name is Plotly markup, seen in headless Chromium: the Gantt
(Cronograma) and the heatmap (Historial) show the name as text, never as a link or a style."""

from __future__ import annotations

import io
import time
from datetime import date

import openpyxl
import pytest

from loaders.imports import import_workbook
from loaders.settings import Settings
from tests.browser import browsing, console_errors, served, wait_for, wait_until
from tests.paths import SAMPLE_WORKBOOK

pytestmark = pytest.mark.browser
CORTE = "2026-11-21"
# Short enough that the Historial, which cuts names to 40 characters, still gets whole tags.
LINK = '<a href="//evil.example/p">Clic</a>'
SPAN = '<span style="font-size:90px">X</span>'
HOSTILE = {  # activity: its name (POA!B10.., Cronograma!B6..)
    2: f"{LINK} gnp\u202eexe.png %{{x}}",
    3: SPAN,
}

# What the browser drew inside the Plotly figures: links, big text, the words of the name.
PLOT_FACTS = """
const plots = [...document.querySelectorAll('.js-plotly-plot')];
const links = plots.flatMap(p => [...p.querySelectorAll('a')]).map(a =>
    a.getAttribute('href') || a.getAttribute('xlink:href') || '');
const big = plots.flatMap(p => [...p.querySelectorAll('*')])
    .filter(e => parseFloat(getComputedStyle(e).fontSize) > 40)
    .map(e => e.tagName + ' ' + (e.textContent || '').slice(0, 60));
const text = plots.map(p => p.textContent).join(' ');
return {plots: plots.length, links: links, big: big, text: text};
"""


def _workbook(title: str) -> bytes:
    """The sample with activities 2 and 3 named as in HOSTILE."""
    wb = openpyxl.load_workbook(SAMPLE_WORKBOOK)
    for number, name in HOSTILE.items():
        wb["POA"].cell(9 + number, 2).value = name
        wb["Cronograma"].cell(5 + number, 2).value = name
    wb.properties.title = title  # two versions: two different files
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    seeds = tmp_path_factory.mktemp("markup-seeds")
    (seeds / SAMPLE_WORKBOOK.name).write_bytes(_workbook("v1"))
    settings = Settings(data_dir=tmp_path_factory.mktemp("markup-data"),
                        sample_workbook=seeds / SAMPLE_WORKBOOK.name)
    with served(settings) as live:
        import_workbook(live.engine, _workbook("v2"), settings, file_name="poa_v2.xlsx",
                        uploaded_by="planeacion", as_of=date(2026, 11, 21))
        yield live


@pytest.fixture(scope="module")
def driver():
    yield from browsing()


def _facts(driver, path: str, live, chart: str) -> dict:
    driver.get_log("browser")  # drop what earlier pages logged
    driver.get(f"{live.url}{path}?corte={CORTE}")
    wait_for(driver, f"#{chart} .main-svg")
    wait_until(lambda: "Clic" in driver.execute_script(PLOT_FACTS)["text"])  # row 2 drawn
    return driver.execute_script(PLOT_FACTS)


def _hover(driver, chart: str) -> str:
    """Hover, through Plotly, the first point whose data names the hostile activity; the text
    of the hover label drawn."""
    driver.execute_script("""
        const gd = document.getElementById(arguments[0]).querySelector('.js-plotly-plot');
        for (const [c, trace] of gd.data.entries()) {
            const values = trace.customdata || trace.y || [];
            const p = values.findIndex(v => JSON.stringify(v).includes('evil.example'));
            if (p < 0) continue;
            if (trace.type === 'heatmap') {  // its row p, first column (category axes)
                Plotly.Fx.hover(gd, {xval: 0, yval: p});
            } else {
                Plotly.Fx.hover(gd, [{curveNumber: c, pointNumber: p}]);
            }
            return;
        }
    """, chart)
    return wait_until(lambda: driver.execute_script(
        "const h = document.getElementById(arguments[0]).querySelector('.hoverlayer');"
        "return h ? h.textContent : '';", chart))


def _assert_plain(facts: dict) -> None:
    assert facts["plots"] >= 1
    assert not [href for href in facts["links"] if "evil.example" in href], facts["links"]
    assert facts["big"] == []
    assert "\u202e" not in facts["text"]
    assert LINK in facts["text"] and SPAN in facts["text"]  # the words, as written


@pytest.mark.parametrize(("path", "chart"), [("/cronograma", "gantt-chart"),
                                             ("/historial", "historial-achieved-chart")])
def test_a_hostile_activity_name_is_text_in_the_figures(driver, live, path, chart):
    facts = _facts(driver, path, live, chart)
    _assert_plain(facts)
    hover = _hover(driver, chart)
    assert "evil.example" in hover and "\u202e" not in hover
    _assert_plain(driver.execute_script(PLOT_FACTS))  # the hover label drew no link either
    time.sleep(0.5)  # let late callbacks and rendering report their errors
    assert console_errors(driver) == []

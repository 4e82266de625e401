"""AG Grid arrives only with the page that shows it (dashboard.delivery, assets/lazy_suites.js), in
headless Chromium: Resumen never asks for it; Calidad draws its grid, in Spanish and with working
filters, whether it is the first page opened or reached from the navbar; the bundle is fetched
once however often the user comes back; and a repeat visit transfers no bundle at all (Resource
Timing's `transferSize` is 0 for what the browser's cache answered without asking)."""

from __future__ import annotations

from datetime import date

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from dashboard.views import plan_view
from loaders.read.poa import read_poa_file
from loaders.settings import Settings
from tests.browser import (
    browsing,
    click_button,
    console_errors,
    served,
    wait_for,
    wait_for_text,
    wait_until,
)
from tests.paths import SAMPLE_WORKBOOK

pytestmark = pytest.mark.browser
CORTE = "2026-11-21"
GRID = "#calidad-table"
GRID_BUNDLE = "/dash_ag_grid.min.js"
GRID_CHUNK = "/async-community.js"

# Every resource the page fetched: address (without the origin), bytes over the wire, body size.
RESOURCES = """
return performance.getEntriesByType('resource').map(
  e => [e.name.replace(location.origin, ''), e.transferSize, e.decodedBodySize]);
"""
GRID_ROWS = """
const api = window.dash_ag_grid && window.dash_ag_grid.getApi
  && window.dash_ag_grid.getApi('calidad-table');
return api ? api.getDisplayedRowCount() : -1;
"""


@pytest.fixture(scope="module")
def findings():
    return plan_view(read_poa_file(SAMPLE_WORKBOOK, Settings()), date(2026, 11, 21),
                     Settings()).findings


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    with served(Settings(data_dir=tmp_path_factory.mktemp("lazy-app"))) as live:
        yield live


@pytest.fixture
def driver():
    """A new Chromium, with an empty cache, for each test."""
    yield from browsing()


def resources(driver) -> list[tuple[str, int, int]]:
    return [tuple(r) for r in driver.execute_script(RESOURCES)]


def fetched(driver, suffix: str) -> list[tuple[str, int, int]]:
    return [r for r in resources(driver) if r[0].split("?")[0].endswith(suffix)]


def idle(driver) -> None:
    wait_until(lambda: driver.execute_script(
        "return document.querySelector('[data-dash-is-loading=\"true\"]') === null"))


def open_summary(driver, live) -> None:
    driver.get(f"{live.url}/?corte={CORTE}")
    wait_for(driver, "#semaforo-chart .main-svg", timeout=40)
    idle(driver)


def grid_rows(driver) -> int:
    return driver.execute_script(GRID_ROWS)


def assert_grid_works(driver, findings) -> None:
    """The grid is drawn with every finding, speaks Spanish, and both kinds of filter work: the
    grid's own (typed in its filter row) and the page's (severity, answered by the server)."""
    wait_for(driver, f"{GRID} .ag-row", timeout=40)
    wait_until(lambda: grid_rows(driver) == len(findings) == 48)
    wait_for_text(driver, f"{GRID} .ag-paging-panel", "1 a 48 de 48")
    assert "Filas por página:" in driver.find_element(
        By.CSS_SELECTOR, f"{GRID} .ag-paging-panel").text
    headers = [h.text for h in driver.find_elements(
        By.CSS_SELECTOR, f"{GRID} .ag-header-row-column .ag-header-cell-text")]
    assert headers == ["Hallazgo", "Severidad", "Actividad / partida", "Ubicación", "Mensaje"]
    first = driver.find_element(
        By.CSS_SELECTOR, f"{GRID} .ag-row[row-index='0'] .ag-cell[col-id='titulo']")
    assert first.text.split("\n") == ["Porcentaje que no cuadra con los números", "PCT_MISMATCH"]
    # the grid's own filter (assets/grid.js folds accents: «numero» finds «número»)
    box = driver.find_element(
        By.CSS_SELECTOR, f"{GRID} .ag-floating-filter[col-id='titulo'] input")
    box.send_keys("numero")
    wait_until(lambda: grid_rows(driver) == 20)
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(Keys.BACKSPACE)
    wait_until(lambda: grid_rows(driver) == 48)
    # the page's severity filter: a server callback that sends the grid new rows
    errors = sum(1 for f in findings if f.severity == "error")
    assert 0 < errors < 48
    label = next(e for e in driver.find_elements(By.CSS_SELECTOR, "#calidad-severity label")
                 if e.text.strip() == "Error")
    label.click()
    wait_until(lambda: grid_rows(driver) == errors)
    shown = {c.text for c in driver.find_elements(
        By.CSS_SELECTOR, f"{GRID} .ag-center-cols-container .ag-cell[col-id='severidad']")}
    assert shown == {"Error"}
    label.click()
    wait_until(lambda: grid_rows(driver) == 48)


def test_the_summary_never_asks_for_the_grid(driver, live):
    open_summary(driver, live)
    names = [r[0] for r in resources(driver)]
    assert any("plotly-tablero" in n for n in names)  # the page did load its bundles
    assert not [n for n in names if "dash_ag_grid" in n or "dash_table" in n]
    # AG Grid's place is held by the stand-in, which has loaded nothing
    assert driver.execute_script(
        "return Object.keys(window.dash_ag_grid).join(',') + '|' + typeof window.dash_table"
    ) == "AgGrid|object"
    assert not driver.find_elements(By.CSS_SELECTOR, "script[src*='dash_ag_grid']")
    assert console_errors(driver) == []


def test_calidad_opened_first_draws_its_grid(driver, live, findings):
    driver.get(f"{live.url}/calidad?corte={CORTE}")
    assert_grid_works(driver, findings)
    bundle, chunk = fetched(driver, GRID_BUNDLE), fetched(driver, GRID_CHUNK)
    assert len(bundle) == 1 and len(chunk) == 1
    # both from the bundle's versioned folder, the chunk found beside the bundle
    assert bundle[0][0].startswith("/_dash-component-suites/dash_ag_grid/_v/v35_")
    assert chunk[0][0] == bundle[0][0].replace(GRID_BUNDLE, GRID_CHUNK)
    # compressed on the way: far fewer bytes over the wire than the file
    assert 0 < bundle[0][1] < bundle[0][2] / 3
    assert not fetched(driver, "/bundle.js")  # dash_table stays away
    assert console_errors(driver) == []


def test_calidad_reached_from_the_navbar_draws_its_grid_and_fetches_it_once(driver, live,
                                                                             findings):
    open_summary(driver, live)
    assert not fetched(driver, GRID_BUNDLE)
    driver.find_element(By.CSS_SELECTOR, ".navbar a.nav-link[href*='/calidad']").click()
    wait_for_text(driver, ".page-title", "Calidad de datos")
    assert_grid_works(driver, findings)
    assert len(fetched(driver, GRID_BUNDLE)) == 1
    # away and back: the grid is drawn again from the bundle already on the page
    driver.find_element(By.CSS_SELECTOR, ".navbar a.nav-link[href*='/metas']").click()
    wait_for_text(driver, ".page-title", "Metas")
    wait_until(lambda: not driver.find_elements(By.CSS_SELECTOR, GRID))
    driver.find_element(By.CSS_SELECTOR, ".navbar a.nav-link[href*='/calidad']").click()
    wait_for(driver, f"{GRID} .ag-row", timeout=40)
    wait_until(lambda: grid_rows(driver) == 48)
    assert len(fetched(driver, GRID_BUNDLE)) == 1 and len(fetched(driver, GRID_CHUNK)) == 1
    assert len(driver.find_elements(By.CSS_SELECTOR, "script[src*='dash_ag_grid']")) == 1
    assert console_errors(driver) == []


def test_a_repeat_visit_transfers_no_bundle(driver, live, findings):
    # first visit: Resumen, every file over the wire; then Calidad adds the grid to the cache
    open_summary(driver, live)
    first = [r for r in resources(driver) if r[0].startswith(("/_dash-component-suites/",
                                                              "/assets/"))]
    assert len(first) >= 20 and all(r[1] > 0 for r in first)
    driver.get(f"{live.url}/calidad?corte={CORTE}")
    wait_for(driver, f"{GRID} .ag-row", timeout=40)
    wait_until(lambda: grid_rows(driver) == 48)
    assert fetched(driver, GRID_BUNDLE)[0][1] > 0 and fetched(driver, GRID_CHUNK)[0][1] > 0
    # repeat visits: every bundle and asset comes from the cache without asking the server
    for path in ("/", "/calidad"):
        driver.get(f"{live.url}{path}?corte={CORTE}")
        if path == "/":
            wait_for(driver, "#semaforo-chart .main-svg", timeout=40)
        else:
            wait_for(driver, f"{GRID} .ag-row", timeout=40)
            wait_until(lambda: grid_rows(driver) == 48)
        idle(driver)
        static = [r for r in resources(driver) if r[0].startswith(("/_dash-component-suites/",
                                                                   "/assets/"))]
        assert len(static) >= 20, path
        assert [r for r in static if r[1] != 0] == [], path
        assert any("/plotly-tablero.min.js?" in r[0] for r in static), path
    assert fetched(driver, GRID_BUNDLE)[0][1] == 0 and fetched(driver, GRID_CHUNK)[0][1] == 0
    assert console_errors(driver) == []


MANTINE_BUNDLE = "/dash_mantine_components.js"


def test_mantine_arrives_only_when_a_date_is_pressed(driver, live):
    open_summary(driver, live)
    assert not fetched(driver, MANTINE_BUNDLE) and not fetched(driver, "polyfill@7.12.1.min.js")
    # the fecha de corte reads as Mantine's input would, labelled, before Mantine is here
    corte = driver.find_element(By.ID, "nav-corte")
    assert corte.tag_name == "button" and corte.text == "21/11/2026"
    assert corte.get_attribute("aria-haspopup") == "dialog"
    assert "date-standin" in corte.get_attribute("class")
    label = driver.find_element(By.CSS_SELECTOR, "label[for='nav-corte']")
    assert label.text == "Fecha de corte"
    assert corte.value_of_css_property("height") == "36px"
    # pressed: Mantine is fetched once and its calendar opens, in Spanish, on the corte's month
    corte.click()
    dialog = wait_until(lambda: [d for d in driver.find_elements(By.CSS_SELECTOR, "[role=dialog]")
                                 if "noviembre 2026" in d.text.lower()])
    assert len(fetched(driver, MANTINE_BUNDLE)) == 1
    assert fetched(driver, MANTINE_BUNDLE)[0][0].startswith(
        "/_dash-component-suites/dash_mantine_components/_v/v2_")
    weekdays = [th.text.lower() for th in dialog[0].find_elements(By.CSS_SELECTOR, "thead th")]
    assert weekdays == ["lu", "ma", "mi", "ju", "vi", "sá", "do"]
    # the real input took the stand-in's place, with the same id and date
    real = driver.find_element(By.ID, "nav-corte")
    assert "date-standin" not in (real.get_attribute("class") or "")
    assert real.text == "21/11/2026"
    # a day chosen changes the corte, as before
    click_button(driver, "[role=dialog] table button", "3")
    wait_for_text(driver, ".corte-date", "03/11/2026")
    assert "corte=2026-11-03" in driver.current_url
    # another page with date inputs draws Mantine's own at once (no second download)
    driver.find_element(By.CSS_SELECTOR, ".navbar a.nav-link[href*='/presupuesto']").click()
    wait_for_text(driver, ".page-title", "Presupuesto")
    assert len(fetched(driver, MANTINE_BUNDLE)) == 1
    assert console_errors(driver) == []


def test_the_preloaded_graph_chunk_is_fetched_once_and_used(driver, live):
    open_summary(driver, live)
    chunk = fetched(driver, "/dcc/async-graph.js")
    assert len(chunk) == 1 and chunk[0][1] > 0
    # preloaded with the bundles, not after the callbacks: it starts before Dash asks for its
    # layout (answered from the index page: `assets/page_start.js` marks the moment)
    starts = driver.execute_script("""
      const t = {};
      for (const e of performance.getEntriesByType('resource')) {
        const name = e.name.split('?')[0];
        if (name.endsWith('/dcc/async-graph.js')) t.chunk = e.startTime;
      }
      for (const m of performance.getEntriesByName('tablero-inicio:_dash-layout')) {
        t.layout = m.startTime;
      }
      return t;""")
    assert starts["chunk"] < starts["layout"]
    logs = [e["message"] for e in driver.get_log("browser")]
    assert not [m for m in logs if "preload" in m.lower()]  # no «preloaded but not used»

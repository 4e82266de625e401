"""The AG Grid of Calidad de datos in headless Chromium: each finding led by its Spanish title with
the code small after it, filters and sorting that work, AG Grid's own text in Spanish, its CSV
export of the rows as shown, and the counts by kind of finding readable on a phone."""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import date

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from dashboard.views import plan_view
from loaders.read.poa import read_poa_file
from loaders.settings import Settings
from tests.browser import (
    browsing,
    console_errors,
    served,
    viewport,
    wait_for,
    wait_for_text,
    wait_until,
)
from tests.paths import SAMPLE_WORKBOOK

pytestmark = pytest.mark.browser
CORTE = "2026-11-21"
GRID = "#calidad-table"


@pytest.fixture(scope="module")
def findings():
    return plan_view(read_poa_file(SAMPLE_WORKBOOK, Settings()), date(2026, 11, 21),
                     Settings()).findings


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    with served(Settings(data_dir=tmp_path_factory.mktemp("grid-app"))) as live:
        yield live


@pytest.fixture(scope="module")
def downloads(tmp_path_factory):
    return tmp_path_factory.mktemp("grid-downloads")


@pytest.fixture(scope="module")
def driver(downloads):
    yield from browsing(downloads)


def open_calidad(driver, live) -> None:
    driver.get_log("browser")  # drop what earlier pages logged
    driver.get(f"{live.url}/calidad?corte={CORTE}")
    wait_for(driver, f"{GRID} .ag-row")
    wait_until(lambda: grid_count(driver) > 0)


def grid_count(driver) -> int:
    """Rows left after the grid's filters (every page), from AG Grid's own API."""
    return driver.execute_script(
        "const api = window.dash_ag_grid && dash_ag_grid.getApi('calidad-table');"
        "return api ? api.getDisplayedRowCount() : 0;")


def column_texts(driver, column: str) -> list[str]:
    """The cells of a column in the order shown (rows are absolutely placed: sort by position)."""
    cells = driver.find_elements(By.CSS_SELECTOR, f"{GRID} .ag-center-cols-container "
                                                  f".ag-cell[col-id='{column}']")
    return [c.text for c in sorted(cells, key=lambda c: c.rect["y"])]


def filter_input(driver, column: str):
    return driver.find_element(By.CSS_SELECTOR,
                               f"{GRID} .ag-floating-filter[col-id='{column}'] input")


def type_filter(driver, column: str, text: str) -> None:
    box = filter_input(driver, column)
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(Keys.BACKSPACE)
    if text:
        box.send_keys(text)


def paging_text(driver) -> str:
    return driver.find_element(By.CSS_SELECTOR, f"{GRID} .ag-paging-panel").text


def test_each_finding_leads_with_spanish_words_then_its_code_small(driver, live, findings):
    viewport(driver, 1366, 768)
    open_calidad(driver, live)
    first = driver.find_element(
        By.CSS_SELECTOR, f"{GRID} .ag-row[row-index='0'] .ag-cell[col-id='titulo']")
    words = first.find_element(By.CSS_SELECTOR, ".grid-text")
    code = first.find_element(By.CSS_SELECTOR, ".grid-note")
    assert first.text.split("\n") == ["Porcentaje que no cuadra con los números", "PCT_MISMATCH"]
    assert words.rect["y"] < code.rect["y"]  # the words first, the code under them
    assert float(code.value_of_css_property("font-size").rstrip("px")) < float(
        words.value_of_css_property("font-size").rstrip("px"))
    assert code.value_of_css_property("color") == "rgba(93, 109, 110, 1)"  # muted, 5.4:1
    headers = [h.text for h in driver.find_elements(
        By.CSS_SELECTOR, f"{GRID} .ag-header-row-column .ag-header-cell-text")]
    assert headers == ["Hallazgo", "Severidad", "Actividad / partida", "Ubicación", "Mensaje"]
    # every finding, each with its title and code (all on one page of 50)
    assert grid_count(driver) == len(findings) == 48
    titles = column_texts(driver, "titulo")
    assert Counter(t.split("\n")[1] for t in titles) == Counter(f.code for f in findings)
    assert "Unidad de medida con un número\nUNIT_NOT_A_UNIT" in titles
    assert not any(t.split("\n")[0].isupper() for t in titles)  # no code leads a row
    places = set(column_texts(driver, "ubicacion"))
    assert {"Cronograma!I7", "POA!E15"} <= places
    # the error rows keep their tint
    error_row = driver.find_element(By.CSS_SELECTOR, f"{GRID} .ag-row[row-index='0']")
    assert "grid-row-error" in error_row.get_attribute("class")
    assert error_row.value_of_css_property("background-color") == "rgba(253, 236, 234, 1)"
    # the columns fit at 1366: no sideways scroll inside the grid, nor on the page
    assert driver.execute_script(
        "const v = document.querySelector('#calidad-table .ag-center-cols-viewport');"
        "return v.scrollWidth <= v.clientWidth;")
    assert driver.execute_script(
        "return document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    assert console_errors(driver) == []


def test_typing_in_a_filter_keeps_the_matching_rows(driver, live, findings):
    viewport(driver, 1366, 768)
    open_calidad(driver, live)
    pct = sum(1 for f in findings if f.code == "PCT_MISMATCH")
    assert pct == 4
    type_filter(driver, "titulo", "porcentaje")
    wait_until(lambda: grid_count(driver) == pct)
    assert len(column_texts(driver, "titulo")) == pct
    assert {t.split("\n")[1] for t in column_texts(driver, "titulo")} == {"PCT_MISMATCH"}
    wait_for_text(driver, f"{GRID} .ag-paging-panel", "1 a 4 de 4")
    # the code finds them too, in any case
    type_filter(driver, "titulo", "pct_mis")
    wait_until(lambda: grid_count(driver) == pct)
    # accents do not count: «numero» finds «número» (16 UNIT_NOT_A_UNIT + 4 PCT_MISMATCH)
    type_filter(driver, "titulo", "numero")
    wait_until(lambda: grid_count(driver) == 20)
    # two filters at once: only the errors of activity 7
    type_filter(driver, "titulo", "")
    type_filter(driver, "severidad", "error")
    wait_until(lambda: grid_count(driver) == 5)
    type_filter(driver, "objeto", "7")
    wait_until(lambda: grid_count(driver) == 2)
    assert column_texts(driver, "ubicacion") == ["Cronograma!W12", "Cronograma!I12"]
    # nothing matches: said in Spanish
    type_filter(driver, "mensaje", "zzzz")
    wait_until(lambda: grid_count(driver) == 0)
    wait_for_text(driver, f"{GRID} .ag-overlay", "Ninguna fila coincide con el filtro")
    for column in ("mensaje", "objeto", "severidad"):
        type_filter(driver, column, "")
    wait_until(lambda: grid_count(driver) == len(findings))


def test_clicking_a_header_sorts_the_rows(driver, live, findings):
    viewport(driver, 1366, 768)
    open_calidad(driver, live)
    header = driver.find_element(
        By.CSS_SELECTOR, f"{GRID} .ag-header-cell[col-id='ubicacion'] .ag-header-cell-label")
    header.click()
    wait_until(lambda: driver.find_element(
        By.CSS_SELECTOR, f"{GRID} .ag-header-cell[col-id='ubicacion']")
        .get_attribute("aria-sort") == "ascending")
    shown = column_texts(driver, "ubicacion")
    assert shown == sorted(shown)
    assert shown[0] == "Cronograma!B12" and shown[-1] == "POA!F15"
    header.click()
    wait_until(lambda: driver.find_element(
        By.CSS_SELECTOR, f"{GRID} .ag-header-cell[col-id='ubicacion']")
        .get_attribute("aria-sort") == "descending")
    assert column_texts(driver, "ubicacion")[0] == "POA!F15"
    # numbers sort as numbers: activity 16 last, not after 1
    activity = driver.find_element(
        By.CSS_SELECTOR, f"{GRID} .ag-header-cell[col-id='objeto'] .ag-header-cell-label")
    activity.click()
    wait_until(lambda: column_texts(driver, "objeto")[0] == "1")
    numbers = [int(n) for n in column_texts(driver, "objeto") if n]
    assert numbers == sorted(numbers) and numbers[-1] == 16


def test_the_grid_speaks_spanish(driver, live):
    viewport(driver, 1366, 768)
    open_calidad(driver, live)
    text = paging_text(driver)
    assert "Filas por página:" in text and "1 a 48 de 48" in text and "Página 1 de 1" in text
    labels = [b.get_attribute("aria-label") for b in driver.find_elements(
        By.CSS_SELECTOR, f"{GRID} .ag-paging-panel [role=button]")]
    assert labels == ["Primera página", "Página anterior", "Página siguiente", "Última página"]
    assert filter_input(driver, "titulo").get_attribute("aria-label") == \
        "Hallazgo Campo del filtro"
    # the filter's menu: its options and its field in Spanish
    driver.find_element(By.CSS_SELECTOR, f"{GRID} .ag-floating-filter[col-id='mensaje'] "
                                         ".ag-floating-filter-button-button").click()
    menu = wait_for(driver, ".ag-filter")
    wait_until(lambda: menu.text.strip() == "Contiene")
    assert menu.find_element(By.CSS_SELECTOR, "input[type=text]").get_attribute(
        "placeholder") == "Filtrar…"
    menu.find_element(By.CSS_SELECTOR, ".ag-picker-field-wrapper").click()
    options = wait_until(lambda: [o.text for o in driver.find_elements(
        By.CSS_SELECTOR, ".ag-select-list .ag-list-item")])
    assert options == ["Contiene", "No contiene", "Igual a", "Empieza con", "Termina con"]
    english = ("Contains", "Filter", "Page Size", "Next Page", " of ", "No Rows", "Equals")
    grid_text = driver.find_element(By.CSS_SELECTOR, GRID).text + menu.text + " ".join(options)
    assert not [word for word in english if word in grid_text]
    filter_input(driver, "titulo").send_keys(Keys.ESCAPE)
    driver.find_element(By.CSS_SELECTOR, ".page-title").click()


def test_descargar_csv_writes_the_rows_shown_with_formulas_escaped(driver, live, downloads):
    viewport(driver, 1366, 768)
    open_calidad(driver, live)
    type_filter(driver, "severidad", "error")
    wait_until(lambda: grid_count(driver) == 5)
    button = driver.find_element(By.ID, "calidad-download-csv-button")
    assert button.text == "Descargar CSV"
    button.click()
    path = wait_until(lambda: next(iter(downloads.glob("hallazgos_*.csv")), None))
    wait_until(lambda: path.stat().st_size > 0 and not list(downloads.glob("*.crdownload")))
    assert path.name == "hallazgos_Migrantes_y_Ex_braceros_2026_2026-11-21.csv"
    content = path.read_bytes()
    assert content.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads the accents
    rows = list(csv.reader(io.StringIO(content[3:].decode("utf-8"), newline="")))
    # the columns of the Excel copy, the five error rows only
    assert rows[0] == ["Severidad", "Código", "Actividad", "Ubicación", "Mensaje", "Partida"]
    assert [r[:4] for r in rows[1:]] == [
        ["Error", "PCT_MISMATCH", "2", "Cronograma!I7"],
        ["Error", "PCT_MISMATCH", "5", "Cronograma!I10"],
        ["Error", "END_BEFORE_START", "7", "Cronograma!W12"],
        ["Error", "PCT_MISMATCH", "7", "Cronograma!I12"],
        ["Error", "PCT_MISMATCH", "12", "Cronograma!I17"],
    ]
    # the function the export runs on every cell: text that a spreadsheet would run as a
    # formula gets an apostrophe (as dashboard.exports.escape_cell), numbers stay numbers
    escaped = driver.execute_script(
        "const f = window.dashAgGridFunctions.escapeCsvCell;"
        "return ['=HYPERLINK(\"x\")', '+1', '-2+3', '@SUM(A1)', '\\t=1', 'Actividad 2', -5]"
        ".map(v => f({value: v}));")
    assert escaped == ["'=HYPERLINK(\"x\")", "'+1", "'-2+3", "'@SUM(A1)", "'\t=1",
                       "Actividad 2", -5]
    type_filter(driver, "severidad", "")


def test_on_a_phone_nothing_is_cut_and_the_page_does_not_scroll_sideways(driver, live):
    viewport(driver, 390, 844)
    open_calidad(driver, live)
    counts = driver.find_element(By.ID, "calidad-counts")
    assert [th.text for th in counts.find_elements(By.CSS_SELECTOR, "thead th")] == \
        ["Hallazgo", "Cuántos"]
    first = counts.find_elements(By.CSS_SELECTOR, "tbody tr")[0]
    assert first.text.replace("\n", " ") == "Unidad de medida con un número UNIT_NOT_A_UNIT 16"
    # every cell of the counts shows whole: nothing wider than its box, inside the window
    cut = driver.execute_script(
        "return [...document.querySelectorAll('#calidad-counts th, #calidad-counts td')]"
        ".filter(e => e.scrollWidth > e.clientWidth + 1"
        " || e.getBoundingClientRect().right > document.documentElement.clientWidth)"
        ".map(e => e.textContent);")
    assert cut == []
    assert driver.execute_script(
        "return document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    # the grid scrolls sideways inside its own box, never the page
    grid_box = driver.find_element(By.CSS_SELECTOR, GRID).rect
    assert grid_box["x"] >= 0 and grid_box["x"] + grid_box["width"] <= 390

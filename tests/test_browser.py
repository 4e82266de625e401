"""The real app with the sample data, driven in headless Chromium."""

from __future__ import annotations

import time
from collections import Counter
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from selenium.webdriver.common.by import By

from dashboard.views import plan_view
from loaders.read.poa import read_poa_file
from loaders.settings import Settings
from tests.browser import (
    browsing,
    console_errors,
    served,
    wait_for,
    wait_for_text,
    wait_until,
)
from tests.paths import SAMPLE_WORKBOOK

pytestmark = pytest.mark.browser
CORTE = "2026-11-21"
PAGES = ["/", "/metas", "/cronograma", "/calidad", "/estado"]


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    settings = Settings(data_dir=tmp_path_factory.mktemp("browser-data"))
    with served(settings) as live:
        yield live


@pytest.fixture(scope="module")
def downloads(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="module")
def driver(downloads):
    yield from browsing(downloads)


def expected_view(corte: date):
    doc = read_poa_file(SAMPLE_WORKBOOK, Settings())
    return plan_view(doc, corte, Settings())


def open_page(driver, live, path: str, corte: str = CORTE) -> None:
    driver.get_log("browser")  # drop what earlier pages logged
    driver.get(f"{live.url}{path}?corte={corte}")
    wait_for(driver, ".page-title")


@pytest.mark.parametrize("path", PAGES)
def test_each_page_loads_without_console_errors(driver, live, path):
    open_page(driver, live, path)
    wait_for_text(driver, ".corte-date", "21/11/2026")
    time.sleep(1.0)  # let late callbacks and figure rendering report their errors
    assert console_errors(driver) == []
    nav = [a.text for a in driver.find_elements(By.CSS_SELECTOR, ".navbar .nav-link")]
    assert nav[:4] == ["Resumen", "Metas", "Cronograma", "Calidad de datos"]
    assert {"Municipio", "Estado", "Historial"} <= set(nav)
    assert "Cargar POA" not in nav  # a visitor who has not signed in may only read


def test_resumen_shows_the_efficiency_index_and_semaforo_counts(driver, live):
    open_page(driver, live, "/")
    wait_for_text(driver, "#kpi-index .kpi-value", "11.6 %")
    assert "23 de 198" in driver.find_element(By.CSS_SELECTOR, "#kpi-index").text
    assert "$90,000.00" in driver.find_element(By.CSS_SELECTOR, "#kpi-budget").text
    counts = expected_view(date(2026, 11, 21)).counts
    shown = driver.find_element(By.CSS_SELECTOR, "#count-rojo .kpi-value").text
    assert int(shown) == counts["rojo"] == 16
    rows = driver.find_elements(By.CSS_SELECTOR, "#attention-table tbody tr")
    assert len(rows) == 16
    assert "Rojo" in rows[0].text  # the word, not only the colour


def test_changing_the_fecha_de_corte_in_the_url_changes_the_counts(driver, live):
    open_page(driver, live, "/", corte="2026-01-15")
    wait_for_text(driver, ".corte-date", "15/01/2026")
    expected = expected_view(date(2026, 1, 15)).counts
    assert expected["rojo"] != 16
    for light in ("rojo", "amarillo", "verde"):
        shown = driver.find_element(By.CSS_SELECTOR, f"#count-{light} .kpi-value").text
        assert int(shown) == expected.get(light, 0), light
    assert driver.find_element(By.ID, "nav-corte").text == "15/01/2026"  # shown dd/mm/aaaa


def test_metas_shows_one_gauge_per_activity_and_a_detail_on_click(driver, live):
    open_page(driver, live, "/metas")
    cards = wait_until(lambda: driver.find_elements(By.CSS_SELECTOR, ".gauge-card .js-plotly-plot"))
    assert len(cards) == 16
    warnings = driver.find_elements(By.CSS_SELECTOR, ".pct-warning")
    assert len(warnings) == 4  # activities 2, 5, 7 and 12 declare a % the counts do not give
    driver.find_elements(By.CSS_SELECTOR, ".gauge-card")[1].click()
    wait_for_text(driver, ".modal-title", "Actividad 2. Apoyo a deportados")
    body = driver.find_element(By.ID, "metas-detail-content").text
    assert "30/09/2026" in body and "Seguros" not in body
    assert "la meta alcanzada 6 de 50 es 12.0 %" in body


def test_metas_filter_by_semaforo_leaves_only_matching_gauges(driver, live):
    open_page(driver, live, "/metas", corte="2026-01-15")
    expected = expected_view(date(2026, 1, 15)).counts
    wait_until(lambda: len(driver.find_elements(By.CSS_SELECTOR, ".gauge-card")) == 16)
    driver.find_element(By.CSS_SELECTOR, "#metas-filter-semaforo input[value='verde']").click()
    wait_until(lambda: len(driver.find_elements(By.CSS_SELECTOR, ".gauge-card"))
               == expected["verde"])
    wait_for_text(driver, "#metas-count", f"{expected['verde']} de 16")


def test_cronograma_draws_fifteen_bars_and_lists_activity_7(driver, live):
    open_page(driver, live, "/cronograma")
    wait_for(driver, "#gantt-chart .js-plotly-plot")
    bars = driver.execute_script(
        "const gd = document.querySelector('#gantt-chart .js-plotly-plot');"
        "return gd.data.filter(t => t.type === 'bar').map(t => t.y.length)"
        ".reduce((a, b) => a + b, 0);"
    )
    assert bars == 15
    invalid = driver.find_element(By.ID, "invalid-dates-list").text
    assert "7. Reuniones, revisión de expedientes y agenda con SEZAMI" in invalid
    assert "31/12/2025" in invalid
    ticks = [t.text for t in driver.find_elements(By.CSS_SELECTOR, "#gantt-chart .xtick text")]
    # Spanish month names, the fiscal year under January's (issue 16)
    assert ticks[0].startswith("Ene") and ticks[0].endswith("2026") and ticks[-1] == "Dic"


def test_calidad_lists_every_finding_and_downloads_them_as_excel(driver, live, downloads):
    open_page(driver, live, "/calidad")
    findings = expected_view(date(2026, 11, 21)).findings
    wait_until(lambda: len(driver.find_elements(By.CSS_SELECTOR, "#calidad-table .ag-cell")) > 0)
    # each row: the finding's Spanish title, then its code (dashboard.grid, an AG Grid)
    codes = driver.find_elements(By.CSS_SELECTOR,
                                 "#calidad-table .ag-cell[col-id='titulo'] .grid-note")
    assert Counter(c.text for c in codes) == Counter(f.code for f in findings)
    places = {c.text for c in driver.find_elements(
        By.CSS_SELECTOR, "#calidad-table .ag-cell[col-id='ubicacion']")}
    assert "Cronograma!I7" in places and "POA!E15" in places
    driver.find_element(By.ID, "calidad-download-button").click()
    path = wait_until(lambda: next(iter(downloads.glob("hallazgos_*.xlsx")), None))
    wait_until(lambda: path.stat().st_size > 0 and not list(downloads.glob("*.crdownload")))
    sheet = openpyxl.load_workbook(path).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(findings)
    assert Counter(r[1] for r in rows) == Counter(f.code for f in findings)
    assert ("Error", "PCT_MISMATCH", 2, "Cronograma!I7") in {r[:4] for r in rows}


def test_navbar_links_keep_the_selected_poa_and_corte(driver, live):
    open_page(driver, live, "/", corte="2026-03-01")
    wait_for_text(driver, ".corte-date", "01/03/2026")
    link = driver.find_element(By.CSS_SELECTOR, ".navbar a.nav-link[href*='/metas']")
    wait_until(lambda: "corte=2026-03-01" in (link.get_attribute("href") or ""))
    link.click()
    wait_for_text(driver, ".page-title", "Metas")
    assert "corte=2026-03-01" in driver.current_url
    wait_for_text(driver, ".corte-date", "01/03/2026")


def test_printing_hides_the_navbar_and_keeps_the_title_and_corte(driver, live):
    open_page(driver, live, "/cronograma")
    assert driver.find_element(By.ID, "print-button").is_displayed()
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        assert not driver.find_element(By.CSS_SELECTOR, ".navbar").is_displayed()
        assert driver.find_element(By.CSS_SELECTOR, ".page-title").is_displayed()
        assert "21/11/2026" in driver.find_element(By.CSS_SELECTOR, ".page-meta").text
        assert "Migrantes y Ex braceros" in driver.find_element(
            By.CSS_SELECTOR, ".page-subtitle").text
    finally:
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})


def test_unknown_address_and_bad_query_values_get_a_spanish_page(driver, live):
    driver.get(f"{live.url}/no-existe")
    wait_for_text(driver, ".page-title", "Página no encontrada")
    driver.get(f"{live.url}/?poa=abc&version=-1&corte=<script>")
    wait_for_text(driver, "#kpi-index .kpi-value", "11.6 %")
    assert console_errors(driver) == []


def test_municipio_lists_every_poa_worst_first_and_links_to_its_resumen(driver, live):
    driver.get(f"{live.url}/municipio?corte={CORTE}")
    wait_for(driver, "#municipio-table")
    rows = driver.find_elements(By.CSS_SELECTOR, "#municipio-table tbody tr")
    labels = [r.find_element(By.TAG_NAME, "a").text for r in rows]
    assert len(rows) == 4
    assert labels[0] == "Migrantes y Ex braceros 2026 — Sombrerete"  # 16 of 16 in red
    assert sum("EJEMPLO" in label for label in labels) == 3
    assert rows[0].find_elements(By.TAG_NAME, "td")[2].text == "11.6 %"
    rows[0].find_element(By.TAG_NAME, "a").click()
    wait_for_text(driver, "#kpi-index .kpi-value", "11.6 %")
    assert console_errors(driver) == []

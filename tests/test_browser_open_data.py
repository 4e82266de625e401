"""/datos in headless Chromium: what it says, axe-core clean at a laptop's and a phone's width
with no sideways scrolling, and its button downloads the ZIP, read back with `csv`."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By

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
from tests.test_browser_a11y import LAPTOP, PHONE, axe_violations

pytestmark = pytest.mark.browser
NAME = "datos_abiertos_poa_2026-11-21.zip"


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    settings = Settings(data_dir=tmp_path_factory.mktemp("datos-app") / "data", read_seconds=120)
    with served(settings) as live:
        yield live


@pytest.fixture(scope="module")
def downloads(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("datos-downloads")


@pytest.fixture(scope="module")
def driver(downloads):
    yield from browsing(downloads, script_timeout=120)


def open_datos(driver, live, corte: str = "2026-11-21") -> None:
    driver.get(f"{live.url}/datos?corte={corte}")
    wait_for(driver, ".page-title")
    wait_for(driver, "#datos-dictionary table")  # the dictionary's Markdown is drawn
    wait_until(lambda: len(driver.find_elements(By.CSS_SELECTOR, "#nav-poa option")) > 1)
    wait_until(lambda: driver.execute_script(
        "return document.querySelector('[data-dash-is-loading=\"true\"]') === null"))


def test_datos_says_what_is_published_and_leaves_the_examples_out(driver, live):
    viewport(driver, *LAPTOP)
    driver.get_log("browser")
    open_datos(driver, live)
    assert driver.find_element(By.CSS_SELECTOR, ".page-title").text == "Datos abiertos"
    wait_for_text(driver, ".corte-date", "21/11/2026")
    assert driver.find_element(By.CSS_SELECTOR, "#datos-poas").text == "1"
    assert driver.find_element(By.CSS_SELECTOR, "#datos-actividades").text == "16"
    assert driver.find_element(By.CSS_SELECTOR, "#datos-partidas").text == "5"
    assert driver.find_element(By.CSS_SELECTOR, "#datos-ejemplos").text == "3"
    rules = driver.find_element(By.CSS_SELECTOR, ".datos-rules").text
    assert "se dejan fuera 3 POA de ejemplo o sintéticos" in rules
    assert "verde con una brecha (avance real − esperado) de −10 puntos o más" in rules
    files = [row.text for row in driver.find_elements(By.CSS_SELECTOR, "#datos-files tbody tr")]
    assert [f.split(" ")[0] for f in files] == [
        "poas.csv", "actividades.csv", "presupuesto.csv", "hallazgos.csv", "LEEME.md"]
    assert files[1].endswith("16")
    preview = driver.find_element(By.CSS_SELECTOR, "#datos-dictionary").text
    assert "Fecha de corte: 21/11/2026" in preview
    headers = [c.text for c in driver.find_elements(
        By.CSS_SELECTOR, "#datos-dictionary table tbody td:first-child code")]
    assert "indice_eficiencia_pct" in headers and "subejercicio" in headers
    link = driver.find_element(By.CSS_SELECTOR, "a.nav-link[href*='/datos']")
    assert link.text == "Datos abiertos"
    assert console_errors(driver) == []


@pytest.mark.parametrize("size", [LAPTOP, PHONE], ids=["1366", "390"])
def test_datos_is_axe_clean_and_never_scrolls_sideways(driver, live, size):
    viewport(driver, *size)
    open_datos(driver, live)
    violations = axe_violations(driver)
    found = [(v["id"], " ".join(map(str, n["target"]))) for v in violations for n in v["nodes"]]
    assert found == []
    scroll, client = driver.execute_script(
        "const e = document.documentElement; return [e.scrollWidth, e.clientWidth];")
    assert scroll <= client
    box = driver.execute_script(
        "const b = document.getElementById('datos-dictionary');"
        "return [b.scrollWidth, b.clientWidth];")
    assert box[0] <= box[1]  # the dictionary's tables fit their box too


def test_the_button_downloads_the_zip_of_the_corte(driver, live, downloads):
    viewport(driver, *LAPTOP)
    open_datos(driver, live, "2026-06-30")
    assert driver.find_element(By.ID, "datos-download").get_attribute("href").endswith(
        "/descargas/datos-abiertos.zip?corte=2026-06-30")
    open_datos(driver, live)
    button = driver.find_element(By.ID, "datos-download")
    assert button.text == "Descargar datos abiertos (ZIP)"
    button.click()

    def done():
        path = downloads / NAME
        partial = list(downloads.glob("*.crdownload"))
        return path if path.is_file() and path.stat().st_size and not partial else None

    path = wait_until(done, timeout=60)
    with zipfile.ZipFile(path) as archive:
        assert "LEEME.md" in archive.namelist()
        poas = list(csv.DictReader(io.TextIOWrapper(archive.open("poas.csv"),
                                                    encoding="utf-8-sig", newline="")))
        leeme = archive.read("LEEME.md").decode("utf-8")
    assert [(r["area"], r["indice_eficiencia_pct"], r["fecha_corte"]) for r in poas] == [
        ("Migrantes y Ex braceros", "11.6", "2026-11-21")]
    assert "21/11/2026" in leeme
    assert driver.current_url.endswith("/datos?corte=2026-11-21")  # the page stayed

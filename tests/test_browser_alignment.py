"""The Alineación page in headless Chromium: the matrix with each activity's progress, fracción XI
and dimension 5 flagged as without activities, the IOM-derived lines of action, and a POA
without the sheet; headers in words that stay in view while the matrix scrolls, and a legend
at the top."""

from __future__ import annotations

import time

import pytest
from selenium.webdriver.common.by import By
from sqlalchemy.orm import Session

from loaders.settings import Settings
from loaders.store.queries import list_plans
from tests.browser import (
    browsing,
    console_errors,
    served,
    wait_for,
    wait_for_text,
    wait_until,
)

pytestmark = pytest.mark.browser
CORTE = "2026-11-21"


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    with served(Settings(data_dir=tmp_path_factory.mktemp("alignment-data"))) as live:
        yield live


@pytest.fixture(scope="module")
def driver():
    yield from browsing()


def open_alignment(driver, live, query: str = "") -> None:
    driver.get_log("browser")  # drop what earlier pages logged
    driver.get(f"{live.url}/alineacion?corte={CORTE}{query}")
    wait_for_text(driver, ".corte-date", "21/11/2026")


def test_the_matrix_shows_progress_and_flags_fraccion_xi(driver, live):
    open_alignment(driver, live)
    wait_for_text(driver, ".page-title", "Alineación con el mandato")
    wait_for_text(driver, "#alineacion-summary", "7 de 11 fracciones")
    table = wait_for(driver, "#alineacion-fracciones")
    headers = table.find_elements(By.CSS_SELECTOR, "thead th")
    by_code = {h.find_element(By.CSS_SELECTOR, ".alineacion-code").text: h for h in headers[2:]}
    assert list(by_code) == ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI",
                             "XII"]
    flagged = [code for code, h in by_code.items() if "alineacion-gap" in h.get_attribute("class")]
    assert flagged == ["I", "VIII", "X", "XI"]
    assert "Sin actividades" in by_code["XI"].text  # in words, not by colour alone
    assert "Residual" in by_code["XII"].text
    # activity 2: 6 of 50 (12.0 %), red, in the columns of fracciones II and V only
    row = driver.find_element(By.CSS_SELECTOR, "#alineacion-fracciones-row-2")
    cells = row.find_elements(By.CSS_SELECTOR, "td")[1:]  # after Nº; the activity is a <th>
    covered = [code for code, cell in zip(by_code, cells, strict=True) if cell.text.strip()]
    assert covered == ["II", "V"]
    assert cells[1].text.split("\n") == ["6/50 · 12.0 %", "■ Rojo"]
    assert row.find_element(By.CSS_SELECTOR, "th[scope=row]").text.startswith(
        "Apoyo a deportados")
    assert "Línea tomada del informe OIM" in row.text
    footer = [th.text for th in table.find_elements(By.CSS_SELECTOR, "tfoot th")][1:]
    assert footer[10] == "Sin actividades" and footer[1] == "9"
    dims = wait_for(driver, "#alineacion-dimensiones")
    dim_flagged = [h.text.split("\n") for h in dims.find_elements(By.CSS_SELECTOR, "thead th")
                   if "alineacion-gap" in (h.get_attribute("class") or "")]
    assert dim_flagged == [["Dimensión", "5", "Movilidad en situaciones de crisis",
                            "Sin actividades"]]
    gap = driver.find_element(By.CSS_SELECTOR, "#alineacion-gap-fraccion-XI")
    assert "pierdan la vida fuera del territorio estatal" in gap.text
    assert "Movilidad en situaciones de crisis" in driver.find_element(
        By.CSS_SELECTOR, "#alineacion-gap-dimension-5").text
    # one line of action, eight activities, two areas of dimension 1 of the report
    iom = driver.find_element(By.CSS_SELECTOR, "#alineacion-iom")
    (group,) = iom.find_elements(By.CSS_SELECTOR, ":scope > li")
    assert group.text.startswith("Línea de acción de las actividades 2. Apoyo a deportados; 3.")
    assert "13. Participación en expo agropecuarias migrantes en el exterior" in group.text
    assert len(group.find_elements(By.CSS_SELECTOR, "ul > li")) == 2
    assert ("Tomada del informe OIM «la ampliación de servicios de orientación y asesoramiento "
            "jurídico específicos para la población migrante extranjera» (dimensión 1, Derechos "
            "de las personas migrantes)") in group.text
    nav = [a.text for a in driver.find_elements(By.CSS_SELECTOR, ".navbar .nav-link")]
    assert "Alineación" in nav
    time.sleep(1.0)  # let late callbacks report their errors
    assert console_errors(driver) == []


def viewport(driver, width: int, height: int) -> None:
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})


def rect(driver, element) -> dict:
    return driver.execute_script("return arguments[0].getBoundingClientRect().toJSON()", element)


def test_headers_say_what_each_column_is_and_stay_in_view(driver, live):
    viewport(driver, 1366, 768)
    try:
        open_alignment(driver, live)
        table = wait_for(driver, "#alineacion-fracciones")
        headers = table.find_elements(By.CSS_SELECTOR, "thead th.alineacion-col")
        texts = [h.text.split("\n") for h in headers]
        assert texts[1] == ["Fracción", "II", "Atención, orientación y asesoría"]
        assert texts[10] == ["Fracción", "XI", "Familias de migrantes fallecidos",
                             "Sin actividades"]
        assert headers[1].get_attribute("title") == \
            "Fracción II: Atención, orientación y asesoría"
        dims = driver.find_elements(By.CSS_SELECTOR, "#alineacion-dimensiones thead th")
        assert [h.text.split("\n")[:3] for h in dims][2] == \
            ["Dimensión", "1", "Derechos de las personas migrantes"]
        assert "Dim. " not in driver.find_element(By.CSS_SELECTOR, ".alineacion-page").text
        # the twelve fracciones fit at 1366: the matrix does not scroll sideways
        box = driver.find_element(By.CSS_SELECTOR, "#alineacion-fracciones-box .scroll-region")
        assert driver.execute_script("return arguments[0].scrollWidth <= arguments[0]"
                                     ".clientWidth", box)
        # the legend comes first, in the first screen, with a link to every section
        legend = driver.find_element(By.ID, "alineacion-legend")
        assert rect(driver, legend)["top"] < rect(driver, table)["top"]
        assert rect(driver, legend)["top"] < 768
        assert "Sin actividades" in legend.text and "6/50 · 12.0 %" in legend.text
        links = legend.find_elements(By.CSS_SELECTOR, "nav a")
        assert [a.text for a in links] == [
            "Facultades del Art. 122 (fracciones)",
            "Dimensiones de la gobernanza de la migración (OIM)",
            "Facultades y dimensiones sin actividades",
            "Líneas de acción tomadas del informe de la OIM", "Referencias"]
        links[-1].click()  # jumps down the same page
        wait_until(lambda: abs(rect(driver, driver.find_element(
            By.ID, "alineacion-seccion-referencias"))["top"]) < 60)
        assert driver.execute_script("return window.scrollY") > 1000
        assert driver.find_elements(By.CSS_SELECTOR, "#alineacion-fracciones")  # not reloaded
        # scrolled down inside the matrix, the headers stay at the top of its box, in view
        driver.execute_script(  # the box 100 px below the window's top, then its rows down
            "window.scrollTo({top: window.scrollY + arguments[0].getBoundingClientRect().top"
            " - 100, behavior: 'instant'}); arguments[0].scrollTop = 400;", box)
        wait_until(lambda: driver.execute_script("return arguments[0].scrollTop", box) >= 300)
        header = rect(driver, headers[1])
        top = rect(driver, box)["top"]
        assert abs(header["top"] - top) <= 2
        assert 90 <= header["top"] <= 110 and header["bottom"] <= 768  # in the window
        first_row = driver.find_element(By.CSS_SELECTOR, "#alineacion-fracciones-row-1")
        assert rect(driver, first_row)["top"] < top  # the rows went by under the headers
        # so do the counts at the bottom of the box
        foot = table.find_element(By.CSS_SELECTOR, "tfoot th")
        assert rect(driver, foot)["bottom"] <= rect(driver, box)["bottom"] + 1
        # on a phone the matrix scrolls sideways in its box, the activity stays in view
        viewport(driver, 390, 844)
        open_alignment(driver, live)
        box = wait_for(driver, "#alineacion-fracciones-box .scroll-region")
        driver.execute_script(
            "arguments[0].scrollIntoView({block: 'start', behavior: 'instant'});"
            "arguments[0].scrollLeft = 600;", box)
        wait_until(lambda: driver.execute_script("return arguments[0].scrollLeft", box) > 300)
        name = driver.find_element(By.CSS_SELECTOR, "#alineacion-fracciones-row-2 th")
        assert rect(driver, name)["left"] >= rect(driver, box)["left"] - 1
        assert rect(driver, name)["right"] <= 390
        assert driver.execute_script("return document.documentElement.scrollWidth"
                                     " <= document.documentElement.clientWidth")
        assert console_errors(driver) == []
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_a_poa_without_the_sheet_says_so(driver, live):
    with Session(live.engine) as session:
        example = next(p for p in list_plans(session) if p.area.startswith("Protección Civil"))
    open_alignment(driver, live, f"&poa={example.id}")
    wait_for_text(driver, "#alineacion-missing", "Este POA no tiene hoja de alineación")
    assert not driver.find_elements(By.CSS_SELECTOR, "#alineacion-fracciones")
    assert console_errors(driver) == []

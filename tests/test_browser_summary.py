"""Resumen in headless Chromium: the sentence with the message, the budget's execution beside the
approved total, what changed since the previous version, and its printing on at most two letter
pages with no heading left at a page's foot."""

from __future__ import annotations

import base64
import html
import io
import re
import subprocess
from dataclasses import dataclass
from datetime import date

import openpyxl
import pytest
from selenium.webdriver.common.by import By
from sqlalchemy.orm import Session

from loaders.imports import import_workbook
from loaders.settings import Settings
from loaders.store.queries import list_plans, list_versions
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

CORTE = "2026-12-01"
SENTENCE = ("Avance de 11.6 % contra 96.5 % esperado al 01/12/2026: 84.9 puntos abajo; "
            "16 actividades en rojo, 8 vencidas.")
LETTER = {"paperWidth": 8.5, "paperHeight": 11, "preferCSSPageSize": True,
          "printBackground": True}
HEADINGS = ("Resumen del POA", "Actividades que requieren atención", "Semáforo", "Hallazgos",
            "Cambios")


@dataclass(frozen=True)
class Sample:
    plan: int
    first: int  # the seeded version of the sample POA
    second: int  # a later version: activities 1 to 7 with one more goal achieved
    first_uploaded: date


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    # A long reading deadline: the seed and the second version are read in a child process, and
    # the test machine may be busy.
    settings = Settings(data_dir=tmp_path_factory.mktemp("summary-app"), read_seconds=90)
    with served(settings) as live:
        yield live


@pytest.fixture(scope="module")
def sample(live) -> Sample:
    wb = openpyxl.load_workbook(SAMPLE_WORKBOOK)
    sheet = wb["Cronograma"]
    for row in range(6, 13):  # meta alcanzada of activities 1 to 7
        sheet[f"H{row}"] = (sheet[f"H{row}"].value or 0) + 1
    data = io.BytesIO()
    wb.save(data)
    settings = live.app.server.extensions["tablero_poa"].settings
    stored = import_workbook(live.engine, data.getvalue(), settings, file_name="poa_v2.xlsx",
                             uploaded_by="planeacion", as_of=date(2026, 12, 1))
    with Session(live.engine) as session:
        plan = next(p for p in list_plans(session) if p.area == "Migrantes y Ex braceros")
        versions = list_versions(session, plan.id)
    assert [v.id for v in versions][-1] == stored.version_id and len(versions) == 2
    return Sample(plan.id, versions[0].id, stored.version_id, versions[0].uploaded_at.date())


@pytest.fixture(scope="module")
def driver():
    yield from browsing()


def laptop(driver) -> None:
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    driver.set_window_size(1366, 900)


def open_resumen(driver, live, plan: int, version: int) -> None:
    driver.get(f"{live.url}/?poa={plan}&version={version}&corte={CORTE}")
    wait_for(driver, "#resumen-message")
    wait_until(lambda: driver.find_elements(By.CSS_SELECTOR, "#semaforo-chart .main-svg"))
    wait_until(lambda: driver.execute_script(
        "return document.querySelector('[data-dash-is-loading=\"true\"]') === null"))


def text_of(driver, css: str) -> str:
    return driver.find_element(By.CSS_SELECTOR, css).text.replace("\u00a0", " ")


def lines_of(driver, css: str) -> int:
    """How many lines the text of the element takes on screen."""
    return driver.execute_script(
        "const r = document.createRange(); r.selectNodeContents(document.querySelector("
        "arguments[0]));"
        "return new Set(Array.from(r.getClientRects()).map(x => Math.round(x.top))).size;", css)


def test_the_sentence_and_the_budget_say_the_sample_message_on_1_december(driver, live, sample):
    viewport(driver, 1366, 768)
    open_resumen(driver, live, sample.plan, sample.first)
    assert text_of(driver, "#resumen-message") == SENTENCE
    # the sentence says what the cards show
    assert text_of(driver, "#kpi-index .kpi-value") == "11.6 %"
    assert text_of(driver, "#kpi-expected .kpi-value") == "96.5 %"
    assert "brecha: 84.9 puntos abajo" in text_of(driver, "#kpi-expected")
    assert text_of(driver, "#count-rojo .kpi-value") == "16"
    assert text_of(driver, "#count-closed .kpi-value") == "0 / 8"
    # the budget's execution beside the approved total
    assert text_of(driver, "#budget-approved-total") == "$90,000.00"
    assert text_of(driver, "#budget-pct-ejercido") == "81.3 %"
    assert text_of(driver, "#budget-execution") == "$73,200.00 de $90,000.00 modificado"
    overspent = driver.find_element(By.ID, "budget-overspent")
    assert overspent.text.replace("\u00a0", " ") == "⚠ 1 partida sobregirada: 3761 (108.0 %)"
    assert overspent.value_of_css_property("color") == "rgba(192, 57, 43, 1)"
    approved = driver.find_element(By.ID, "budget-approved-total").rect
    spent = driver.find_element(By.ID, "budget-pct-ejercido").rect
    assert abs(approved["y"] - spent["y"]) < 2 and spent["x"] > approved["x"]  # side by side
    # the first version has nothing to compare with
    assert text_of(driver, "#resumen-changes h2") == "Cambios"
    assert text_of(driver, "#changes-summary") == "Primera versión del POA."
    assert not driver.find_elements(By.ID, "changes-list")
    assert console_errors(driver) == []


def test_attention_gaps_are_in_puntos_and_progress_stays_on_one_line(driver, live, sample):
    viewport(driver, 1366, 768)
    open_resumen(driver, live, sample.plan, sample.first)
    heading = text_of(driver, ".resumen-attention h2")
    assert heading == "Actividades que requieren atención (16 de 16)"
    first = [td.text.replace("\u00a0", " ") for td in driver.find_elements(
        By.CSS_SELECTOR, "#attention-table tbody tr:first-child td")]
    assert first[:5] == ["4", "Apostillado", "0.0 % (0 de 20)", "100.0 %", "100.0 puntos abajo"]
    gaps = [td.text for td in driver.find_elements(
        By.CSS_SELECTOR, "#attention-table tbody td:nth-child(5)")]
    assert len(gaps) == 16 and all(g.endswith("puntos abajo") and "%" not in g for g in gaps)
    # «0.0 % (0 de 20)» on one line, on a laptop and in the phone's stacked rows
    cell = "#attention-table tbody tr:first-child td:nth-child(3)"
    assert lines_of(driver, cell) == 1
    viewport(driver, 390, 844)
    open_resumen(driver, live, sample.plan, sample.first)
    assert lines_of(driver, cell) == 1
    assert lines_of(driver, "#attention-table tbody tr:nth-child(4) td:nth-child(5)") == 1


def test_a_later_version_lists_what_changed_and_links_the_rest(driver, live, sample):
    laptop(driver)  # a real window: the link is clicked
    open_resumen(driver, live, sample.plan, sample.second)
    assert text_of(driver, "#resumen-message") == (
        "Avance de 15.2 % contra 96.5 % esperado al 01/12/2026: 81.3 puntos abajo; "
        "16 actividades en rojo, 8 vencidas.")
    assert text_of(driver, "#resumen-changes h2") == (
        f"Cambios desde la versión 1 ({sample.first_uploaded:%d/%m/%Y})")
    assert text_of(driver, "#changes-summary") == (
        "7 actividades con cambios, 0 agregadas, 0 eliminadas")
    items = [li.text for li in driver.find_elements(By.CSS_SELECTOR, "#changes-list li")]
    assert items == [f"Actividad {n}: meta alcanzada {a} → {a + 1}"
                     for n, a in ((1, 6), (2, 6), (3, 0), (4, 0), (5, 4))]
    more = driver.find_element(By.ID, "changes-more")
    assert more.text.replace("\u00a0", " ") == "y 2 cambios más en Historial"
    assert f"/historial?poa={sample.plan}&version={sample.second}&corte={CORTE}" in (
        more.get_attribute("href"))
    # (Bootstrap scrolls smoothly: put the link in view at once, then click it)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})",
                          more)
    more.click()
    wait_for_text(driver, "#historial-diff-summary", "7 actividades con cambios")
    assert console_errors(driver) == []


def print_pdf(driver, path) -> list[list[dict]]:
    """The page printed on letter paper into `path`; its words with their boxes, by page."""
    pdf = driver.execute_cdp_cmd("Page.printToPDF", LETTER)
    path.write_bytes(base64.b64decode(pdf["data"]))
    out = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True,
                         text=True, check=True).stdout
    pages = []
    for page in re.findall(r"<page[^>]*>(.*?)</page>", out, re.S):
        pages.append([
            {"x0": float(x0), "y0": float(y0), "x1": float(x1), "y1": float(y1),
             "text": html.unescape(word)}
            for x0, y0, x1, y1, word in re.findall(
                r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">'
                r"(.*?)</word>", page)
        ])
    return pages


def page_lines(path, page: int) -> list[str]:
    out = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), str(path), "-"],
                         capture_output=True, text=True, check=True).stdout
    return [line.strip() for line in out.splitlines() if line.strip()]


def tallest(pages, text: str) -> tuple[int, dict]:
    """The page and box of the largest `text` printed (a heading, not a table's header)."""
    found = [(i, w) for i, words in enumerate(pages) for w in words if w["text"] == text]
    return max(found, key=lambda f: f[1]["y1"] - f[1]["y0"])


@pytest.mark.parametrize("which", ["first", "second"])
def test_resumen_prints_on_two_letter_pages_headings_with_their_content(
        driver, live, sample, tmp_path, which):
    laptop(driver)
    open_resumen(driver, live, sample.plan, getattr(sample, which))
    path = tmp_path / "resumen.pdf"
    pages = print_pdf(driver, path)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    assert "612 x 792 pts (letter)" in info
    assert 1 <= len(pages) <= 2, f"{len(pages)} pages"
    text = " ".join(w["text"] for words in pages for w in words)
    # no navbar, no buttons, no links meant for the screen
    for screen_only in ("Tablero POA", "Imprimir", "Informe para cabildo", "Ingresar",
                        "Ver todos los hallazgos", "Ver el presupuesto"):
        assert screen_only not in text
    assert "Avance de" in " ".join(w["text"] for w in pages[0])
    # the Semáforo heading, its chart below it on the same page, the chart inside its half
    page, heading = tallest(pages, "Semáforo")
    below = [w for w in pages[page] if w["y0"] > heading["y1"]]
    labels = {w["text"]: w for w in below if w["text"] in ("Amarillo", "Verde")}
    assert set(labels) == {"Amarillo", "Verde"}, "the Semáforo heading is apart from its chart"
    findings_page, findings = tallest(pages, "Hallazgos")
    assert findings_page == page
    assert any(w["text"] == "Errores" and w["y0"] > findings["y1"] for w in pages[page])
    # the bar's label (16 activities in rojo) ends before the Hallazgos column starts
    bar_label = [w for w in below if w["text"] == "16" and w["y1"] < labels["Amarillo"]["y0"]]
    assert len(bar_label) == 1 and bar_label[0]["x1"] < findings["x0"]
    # no page ends with a heading
    for number in range(1, len(pages) + 1):
        last = page_lines(path, number)[-1]
        assert not last.startswith(HEADINGS), f"page {number} ends with «{last}»"


def test_the_semaforo_chart_is_redrawn_for_paper_and_given_back_its_width(driver, live, sample):
    viewport(driver, 1366, 768)
    open_resumen(driver, live, sample.plan, sample.first)
    width = "return document.querySelector('#semaforo-chart .main-svg').getAttribute('width')"
    screen = float(driver.execute_script(width))
    assert screen > 380  # the side column's width on a laptop
    driver.execute_script("window.dispatchEvent(new Event('beforeprint'))")
    wait_until(lambda: driver.execute_script(width) == "330")
    driver.execute_script("window.dispatchEvent(new Event('afterprint'))")
    wait_until(lambda: float(driver.execute_script(width)) == screen)

"""Reprogramaciones in headless Chromium: the upload preview lists them first and «Guardar» is
refused without a justification (nothing stored, what was typed kept), then saves with it; Metas
shows the original goal beside the current one and the activity's year; Historial lists them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from sqlalchemy import select
from sqlalchemy.orm import Session

from loaders.settings import Settings
from loaders.store.queries import count_versions
from loaders.store.schema import AuditEntry
from loaders.store.schema import Reprogramming as ReprogrammingRow
from tests.browser import (
    browsing,
    console_errors,
    served_empty,
    viewport,
    wait_for,
    wait_for_text,
    wait_until,
)
from tests.test_browser_a11y import LAPTOP, PHONE, axe_violations
from tests.test_reprogramming import (
    JUNE,
    JUNE_CHANGES,
    JUNE_DESCRIPTIONS,
    JUNE_REPROGRAMMINGS,
    MARCH,
    SEPTEMBER_CHANGES,
    add_version,
    book,
)

pytestmark = pytest.mark.browser

MOTIVO = "Oficio 45/2026 de Tesorería: recorte del presupuesto estatal."
REFUSAL = ("No se guardó: escriba la justificación de las reprogramaciones (por qué cambian las "
           "metas o las fechas) junto a «Guardar versión».")


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    with served_empty(tmp_path_factory.mktemp("reprogramming-app")) as live:
        yield live


@pytest.fixture(scope="module")
def driver(live):
    yield from browsing(live=live, account=("planeacion1", "planeacion"))


def versions_stored(live) -> int:
    with Session(live.engine) as s:
        return count_versions(s)


def upload(driver, live, path: Path) -> None:
    driver.get(f"{live.url}/carga")
    wait_for(driver, "#carga-upload")
    driver.find_element(By.CSS_SELECTOR, "#carga-upload input[type=file]").send_keys(str(path))


def top(driver, css: str) -> float:
    return driver.execute_script(
        "return document.querySelector(arguments[0]).getBoundingClientRect().top;", css)


def test_guardar_needs_the_justification_then_saves_it_and_metas_and_historial_show_it(
        driver, live, tmp_path):
    march, june = tmp_path / "poa_marzo.xlsx", tmp_path / "poa_junio.xlsx"
    march.write_bytes(book())
    june.write_bytes(book(JUNE_CHANGES))
    upload(driver, live, march)
    wait_for_text(driver, "#carga-activity-count", "16 actividades leídas")
    assert not driver.find_element(By.ID, "carga-justification-box").is_displayed()
    driver.find_element(By.ID, "carga-save").click()  # a new POA: nothing to justify
    wait_for_text(driver, "#carga-saved", "Guardada la versión 1")

    upload(driver, live, june)
    wait_for_text(driver, "#carga-reprogrammings", "Reprogramaciones (5)")
    items = [li.text for li in driver.find_elements(By.CSS_SELECTOR,
                                                    "#carga-reprogramming-list li")]
    assert items == JUNE_DESCRIPTIONS
    # first in the preview: above the identity, the changes and the findings
    assert top(driver, "#carga-reprogrammings") < top(driver, "#carga-municipio")
    assert top(driver, "#carga-reprogrammings") < top(driver, "#carga-findings")
    # the findings of the lowered goals are in the preview's findings
    findings = driver.find_element(By.ID, "carga-findings").get_attribute("textContent")
    assert "Cronograma!F13 — Actividad 8, Apoyo para tramitar pasaporte mexicano: la meta " \
           "programada bajó de 10 a 5 al " in findings
    assert "la meta anual bajó de 10 a 5, igual a la meta alcanzada (5)." in findings
    # the justification is right above «Guardar»
    box = driver.find_element(By.ID, "carga-justification-box")
    assert box.is_displayed()
    assert "Justificación de las reprogramaciones (5, obligatoria)" in box.text
    assert driver.execute_script(  # the next thing on the page is the bar with «Guardar»
        "return document.getElementById('carga-justification-box').nextElementSibling"
        ".contains(document.getElementById('carga-save'));")

    # «Guardar» without it: refused in one sentence beside the box, nothing stored
    wait_for_text(driver, "#carga-diff-summary", "Contra la versión 1")
    before = versions_stored(live)
    driver.find_element(By.ID, "carga-justification").send_keys("   ")
    driver.find_element(By.ID, "carga-save").click()
    feedback = wait_until(lambda: next((e for e in driver.find_elements(
        By.ID, "carga-justification-feedback") if e.is_displayed()), None))
    assert feedback.text == REFUSAL
    assert "is-invalid" in driver.find_element(By.ID, "carga-justification").get_attribute("class")
    assert versions_stored(live) == before
    assert not driver.find_elements(By.ID, "carga-saved")
    with Session(live.engine) as s:
        assert s.scalars(select(ReprogrammingRow)).all() == []
    # what was on the screen stays: the preview, its fields and what was typed
    assert driver.find_element(By.ID, "carga-justification").get_attribute("value") == "   "
    assert driver.find_element(By.ID, "carga-area").get_attribute("value") == (
        "Migrantes y Ex braceros")
    assert len(driver.find_elements(By.CSS_SELECTOR, "#carga-reprogramming-list li")) == 5

    # with the justification: saved, with it, by the account that uploaded
    driver.find_element(By.ID, "carga-justification").send_keys(MOTIVO)
    driver.find_element(By.ID, "carga-save").click()
    wait_for_text(driver, "#carga-saved", "Guardada la versión 2")
    assert "Se registraron 5 reprogramaciones con su justificación." in driver.find_element(
        By.ID, "carga-saved").text
    assert versions_stored(live) == before + 1
    with Session(live.engine) as s:
        rows = s.scalars(select(ReprogrammingRow).order_by(ReprogrammingRow.id)).all()
        stored = [(r.activity, r.field, r.justification, r.approved_by) for r in rows]
        approved = {r.approved_at.date() for r in rows}
        audit = s.scalars(select(AuditEntry).where(AuditEntry.action == "reprogramming")).all()
    assert stored == [(n, f, MOTIVO, "planeacion1") for n, f, _, _ in JUNE_REPROGRAMMINGS]
    assert approved == {date.today()}
    assert len(audit) == 1
    assert (audit[0].user, audit[0].remote_addr) == ("planeacion1", "127.0.0.1")
    assert audit[0].detail.startswith(
        "5 reprogramaciones en la versión 2 de «Migrantes y Ex braceros 2026»: Actividad 2, "
        "Apoyo a deportados: meta programada 50 → 30; Actividad 5,")
    assert audit[0].detail.endswith(f"Motivo: «{MOTIVO.strip()}».")

    # Metas: the original beside the current goal, and the activity's year
    today = date.today().strftime("%d/%m/%Y")
    driver.get(f"{live.url}/metas")
    wait_for_text(driver, "#metas-reprogrammed-note", "4 actividades tienen su meta")
    card = driver.find_element(By.XPATH, """//*[@id='{"n":2,"type":"metas-reprogrammed"}']""")
    assert card.text == (f"Meta programada original 50, reprogramada a 30 el {today}: «Oficio "
                         "45/2026 de Tesorería: recorte del presupuesto estatal.».")
    driver.execute_script("arguments[0].click();", card)
    wait_for_text(driver, "#metas-detail-reprogrammings", "Aprobó: planeacion1 (versión 2)")
    wait_until(lambda: len(driver.find_elements(
        By.CSS_SELECTOR, "#metas-year-chart .scatterlayer .trace")) == 4)
    legend = driver.find_element(By.CSS_SELECTOR, "#metas-year-chart .legend").text
    for name in ("Esperado según su calendario", "Meta programada", "Meta alcanzada",
                 "Reprogramación"):
        assert name in legend

    # Historial: every reprogramación of the year
    driver.get(f"{live.url}/historial")
    wait_for(driver, "#historial-reprogrammings-table")
    rows = driver.find_elements(By.CSS_SELECTOR, "#historial-reprogrammings-table tbody tr")
    first = [td.get_attribute("textContent") for td in rows[0].find_elements(By.TAG_NAME, "td")]
    assert first == ["v2", today, "Actividad 2, Apoyo a deportados", "meta programada 50 → 30",
                     MOTIVO, "planeacion1"]
    assert len(rows) == 5
    assert console_errors(driver) == []


def sideways(driver) -> tuple[int, int]:
    return tuple(driver.execute_script(
        "const e = document.documentElement; return [e.scrollWidth, e.clientWidth];"))


def test_the_pages_with_reprogramaciones_pass_axe_and_never_scroll_sideways(driver, live,
                                                                            tmp_path):
    """The preview (with its refusal), Metas with the activity's detail open, Resumen and
    Historial, once goals were reprogrammed: axe-core WCAG 2.1 A and AA, and no sideways scroll
    at 390 px."""
    settings = Settings(data_dir=tmp_path)
    if versions_stored(live) < 2:  # this test alone: the versions the one above saves
        add_version(live.engine, settings, book(), MARCH)
        add_version(live.engine, settings, book(JUNE_CHANGES), JUNE, MOTIVO)
    september = tmp_path / "poa_septiembre.xlsx"
    september.write_bytes(book({**SEPTEMBER_CHANGES, 3: {"goal": 15, "programmed": 15}}))
    for size in (PHONE, LAPTOP):
        viewport(driver, *size)
        upload(driver, live, september)
        wait_for(driver, "#carga-reprogramming-list")
        driver.find_element(By.ID, "carga-save").click()
        wait_until(lambda: "is-invalid" in driver.find_element(
            By.ID, "carga-justification").get_attribute("class"))
        checked = [("/carga", axe_violations(driver), sideways(driver))]
        driver.find_element(By.ID, "carga-cancel").click()
        wait_for(driver, "#carga-cancelled")
        for path in ("/metas", "/", "/historial"):
            driver.get(f"{live.url}{path}")
            wait_for(driver, ".page-title")
            if path == "/metas":
                driver.execute_script("arguments[0].click();", wait_for(driver, ".gauge-card"))
                wait_until(lambda: driver.find_elements(
                    By.CSS_SELECTOR, "#metas-year-chart .scatterlayer .trace"))
            wait_until(lambda: driver.execute_script(
                "return document.querySelector('[data-dash-is-loading=\"true\"]') === null"))
            checked.append((path, axe_violations(driver), sideways(driver)))
        for path, violations, (scroll, client) in checked:
            found = [(v["id"], node["target"]) for v in violations for node in v["nodes"]]
            assert found == [], f"axe-core, {path} at {size}: {found}"
            assert scroll <= client, f"{path} is {scroll} px wide in a {client} px window"
    assert console_errors(driver) == []

"""Findings followed up across versions in headless Chromium (issue 18, part 2): Calidad's three
groups, an aclaración written by the área's director through the form and carried to the next
version while its finding persists (not once it is corrected), no form for other accounts,
Resumen's sentence linking to Calidad; axe-core and no sideways scroll with the forms in view.

The POA is the three versions of `tests/test_followup.py` (the sample and two edited copies,
written by `loaders.write`), on an app started without the sample."""

from __future__ import annotations

import json
from datetime import date

import pytest
from axe_selenium_python import Axe
from selenium.webdriver.common.by import By
from sqlalchemy import select
from sqlalchemy.orm import Session

from loaders.settings import Settings
from loaders.store.schema import AuditEntry, FindingNote
from tests.browser import browsing, login, served, viewport, wait_for, wait_for_text, wait_until
from tests.test_followup import AREA, CORTES, read_versions, store_versions

pytestmark = pytest.mark.browser
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
LAPTOP, PHONE = (1366, 768), (390, 844)
TODAY = f"{date.today():%d/%m/%Y}"


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    root = tmp_path_factory.mktemp("followup-browser")
    with served(Settings(data_dir=root / "data", sample_workbook=root / "no-sample.xlsx")) as live:
        live.versions = store_versions(live.engine, read_versions())
        live.add_account("directora", "direccion", [{"municipio": "", "area": AREA}])
        live.add_account("otra", "direccion", [{"municipio": "", "area": "Obras"}])
        live.add_account("consulta1", "consulta")
        yield live


@pytest.fixture(scope="module")
def driver():
    yield from browsing(script_timeout=120)


def open_calidad(driver, live, version: int) -> None:
    driver.get(f"{live.url}/calidad?poa=1&corte={CORTES[version - 1]}")
    wait_for_text(driver, ".page-meta", f"Versión {version} del")
    wait_for(driver, "#calidad-followup")
    wait_until(lambda: driver.execute_script(
        "return document.querySelector('[data-dash-is-loading=\"true\"]') === null"))


def group_titles(driver) -> list[str]:
    return [e.text for e in driver.find_elements(By.CSS_SELECTOR, ".followup-summary h3")]


def item(driver, group: str, finding: str):
    return driver.find_element(
        By.CSS_SELECTOR, f"#followup-{group} li.followup-item[data-finding='{finding}']")


def notes_of(element) -> list[str]:
    return [e.text for e in element.find_elements(By.CSS_SELECTOR, ".followup-note")]


def click(driver, element) -> None:
    """Click `element` as a person would, after scrolling it to the middle of the window (at
    once: Bootstrap makes scrolling smooth, and a click during the glide misses)."""
    driver.execute_script(
        "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", element)
    element.click()


def answer(driver, element, text: str) -> None:
    """Open «Responder con una aclaración», type and press «Guardar aclaración»."""
    click(driver, element.find_element(By.CSS_SELECTOR, ".followup-answer"))
    box = element.find_element(By.CSS_SELECTOR, "textarea")
    wait_until(box.is_displayed)
    box.send_keys(text)
    click(driver, element.find_element(
        By.XPATH, ".//button[normalize-space()='Guardar aclaración']"))
    wait_until(lambda: "Aclaración guardada" in element.text, timeout=30)


def test_the_director_answers_a_finding_and_the_answer_follows_it(live, driver):
    viewport(driver, *LAPTOP)
    login(driver, live, "directora")
    open_calidad(driver, live, 2)
    assert group_titles(driver) == ["Nuevos (2)", "Persisten (33)",
                                    "Corregidos en esta versión (3)"]
    # the long group is folded, its count in view; the short ones are open
    opened = {g: driver.find_element(By.ID, f"followup-{g}").get_attribute("open")
              for g in ("nuevo", "persiste", "corregido")}
    assert opened == {"nuevo": "true", "persiste": None, "corregido": "true"}
    pct = item(driver, "nuevo", "PCT_MISMATCH:10")
    assert "Actividad 10: la meta alcanzada 0 de 1 es 0.0 %, pero se declaró 40.0 %." in pct.text
    over = item(driver, "nuevo", "ACHIEVED_OVER_GOAL:3")
    # the corrected ones have no form: there is nothing left to answer
    corrected = driver.find_elements(By.CSS_SELECTOR, "#followup-corregido li.followup-item")
    assert sorted(e.get_attribute("data-finding") for e in corrected) == [
        "NAME_MISMATCH:4", "PCT_MISMATCH:2", "UNIT_NOT_A_UNIT:1"]
    assert all(not e.find_elements(By.CSS_SELECTOR, "textarea") for e in corrected)

    answer(driver, pct, "Fue un error de captura; el área corrige el % en marzo.")
    assert notes_of(pct) == ["Fue un error de captura; el área corrige el % en marzo.\n"
                             f"Aclaración de directora, {TODAY}"]
    assert pct.find_element(By.CSS_SELECTOR, "textarea").get_attribute("value") == ""
    answer(driver, over, "Se contaron dos veces unas asesorías.")
    # beside the finding on a laptop: the note's box starts to the right of the message
    message = pct.find_element(By.CSS_SELECTOR, ".followup-message").rect
    note = pct.find_element(By.CSS_SELECTOR, ".followup-note").rect
    assert note["x"] >= message["x"] + message["width"] - 1
    with Session(live.engine) as session:
        notes = session.execute(select(FindingNote).order_by(FindingNote.id)).scalars().all()
        audit = session.execute(select(AuditEntry).where(AuditEntry.action == "finding_note")
                                .order_by(AuditEntry.id)).scalars().all()
    assert [(n.code, n.activity, n.version_id, n.author) for n in notes] == [
        ("PCT_MISMATCH", 10, live.versions[1], "directora"),
        ("ACHIEVED_OVER_GOAL", 3, live.versions[1], "directora")]
    assert [(a.user, a.version_id, a.remote_addr) for a in audit] == [
        ("directora", live.versions[1], "127.0.0.1")] * 2

    # version 3: PCT_MISMATCH 10 persists, its aclaración with it; ACHIEVED_OVER_GOAL 3 was
    # corrected: listed without its aclaración
    open_calidad(driver, live, 3)
    assert group_titles(driver) == ["Nuevos (2)", "Persisten (34)",
                                    "Corregidos en esta versión (1)"]
    click(driver, driver.find_element(By.CSS_SELECTOR, "#followup-persiste > summary"))
    kept = item(driver, "persiste", "PCT_MISMATCH:10")
    wait_until(kept.is_displayed)
    assert "desde la versión 2, 25 días" in kept.text
    assert notes_of(kept) == ["Fue un error de captura; el área corrige el % en marzo.\n"
                              f"Aclaración de directora, {TODAY}, en la versión 2"]
    gone = item(driver, "corregido", "ACHIEVED_OVER_GOAL:3")
    assert notes_of(gone) == []
    assert "Se contaron dos veces" not in driver.find_element(By.ID, "calidad-followup").text
    assert "desde la versión 1, 32 días" in item(driver, "persiste", "PCT_MISMATCH:5").text


@pytest.mark.parametrize("size", [LAPTOP, PHONE], ids=["1366", "390"])
def test_calidad_with_the_forms_open_passes_axe_and_never_scrolls_sideways(live, driver, size):
    viewport(driver, *size)
    login(driver, live, "directora")
    open_calidad(driver, live, 3)
    driver.execute_script("document.querySelectorAll('#calidad-followup details')"
                          ".forEach(d => d.open = true)")
    assert driver.find_elements(By.CSS_SELECTOR, "#calidad-followup textarea")
    axe = Axe(driver)
    axe.inject()
    found = axe.run(options=json.dumps({"runOnly": {"type": "tag", "values": WCAG_TAGS}}))
    violations = [(v["id"], " ".join(map(str, n["target"])))
                  for v in found["violations"] for n in v["nodes"]]
    assert violations == []
    assert driver.execute_script(
        "return document.documentElement.scrollWidth") <= size[0]


@pytest.mark.parametrize("account", ["otra", "consulta1", None])
def test_no_form_for_another_areas_director_consulta_or_a_visitor(live, driver, account):
    viewport(driver, *LAPTOP)
    if account is None:
        driver.delete_all_cookies()
    else:
        login(driver, live, account)
    open_calidad(driver, live, 3)
    followup = driver.find_element(By.ID, "calidad-followup")
    assert "Nuevos (2)" in followup.text
    assert followup.find_elements(By.CSS_SELECTOR, "textarea, .followup-answer") == []
    assert "Puede responder" not in followup.text


def test_resumen_says_corrected_and_new_and_links_to_calidad(live, driver):
    viewport(driver, *LAPTOP)
    driver.delete_all_cookies()
    driver.get(f"{live.url}/?poa=1&corte={CORTES[2]}")
    wait_for_text(driver, "#resumen-followup-link", "1 hallazgo corregido")
    wait_until(lambda: driver.execute_script(
        "return document.querySelector('[data-dash-is-loading=\"true\"]') === null"))
    link = driver.find_element(By.ID, "resumen-followup-link")
    assert link.text == "1 hallazgo corregido, 2 nuevos desde la versión anterior."
    click(driver, link)
    wait_for_text(driver, ".page-title", "Calidad de datos")
    wait_for(driver, "#calidad-followup")
    wait_for_text(driver, ".page-meta", "Versión 3 del 10/03/2026")
    assert "Corregidos en esta versión (1)" in group_titles(driver)
    driver.get(f"{live.url}/?poa=1&corte={CORTES[0]}")
    wait_for_text(driver, "#changes-summary", "Primera versión del POA")
    assert driver.find_elements(By.ID, "resumen-followup") == []

"""Accessibility in headless Chromium: axe-core's WCAG 2.1 A and AA rules on every page, no
sideways scrolling on a phone or a laptop, the navbar folded on a phone, the date picker and the
chart toolbar in Spanish.

axe-core comes from the `axe-selenium-python-nhsuk` package (axe-core 4.9), which ships it: no
network is needed.
"""

from __future__ import annotations

import base64
import json
import os
import re
import struct
from pathlib import Path

import pytest
from axe_selenium_python import Axe
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from loaders.settings import Settings
from tests.browser import (
    browsing,
    click_button,
    console_errors,
    login,
    served,
    viewport,
    wait_for,
    wait_for_text,
    wait_until,
)

pytestmark = pytest.mark.browser

CORTE = "2026-11-21"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Every page, and the account that may see it (None: a visitor who has not signed in).
PAGES = {
    "/": None, "/metas": None, "/cronograma": None, "/calidad": None, "/alineacion": None,
    "/presupuesto": None, "/municipio": None, "/estado": None, "/historial": None, "/datos": None,
    "/carga": "planeacion", "/plantilla": "planeacion", "/auditoria": "admin",
}
# Violations still left, by page: (rule, CSS selector axe reports). Each is named here, never
# hidden; everything else on those pages must be clean. None left on the pages tested.
PENDING: dict[str, set[tuple[str, str]]] = {}
LAPTOP, PHONE = (1366, 768), (390, 844)
# Where the run leaves a whole-page screenshot of every page at both sizes, for a person to look
# at (`capturas/resumen-390.png`…); POA_CAPTURAS names another folder.
SHOTS = Path(os.environ.get("POA_CAPTURAS") or Path(__file__).resolve().parent / "capturas")


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    with served(Settings(data_dir=tmp_path_factory.mktemp("a11y-app") / "data")) as live:
        live.add_account("planea", "planeacion")
        live.add_account("jefa", "admin")
        yield live


@pytest.fixture(scope="module")
def driver():
    yield from browsing(script_timeout=120)


def sign_in_for(driver, live, role: str | None, current: list) -> None:
    """Sign in (or out) only when the page needs another account than the one in use."""
    if current and current[0] == role:
        return
    if role is None:
        driver.delete_all_cookies()
    else:
        login(driver, live, {"planeacion": "planea", "admin": "jefa"}[role])
    current[:] = [role]


def open_page(driver, live, path: str) -> None:
    driver.get(f"{live.url}{path}?corte={CORTE}")
    wait_for(driver, ".page-title")
    # (textContent: on a phone the date is inside the folded menu, hidden)
    wait_until(lambda: driver.execute_script(
        "const e = document.getElementById('nav-corte'); return e && e.textContent")
        == "21/11/2026")
    # the navbar's selection has arrived and nothing is still being computed
    wait_until(lambda: len(driver.find_elements(By.CSS_SELECTOR, "#nav-poa option")) > 1)
    wait_until(lambda: driver.execute_script(
        "return document.querySelector('[data-dash-is-loading=\"true\"]') === null"))
    driver.execute_script("return new Promise(r => setTimeout(r, 600))")  # figures drawn


def axe_violations(driver) -> list[dict]:
    axe = Axe(driver)
    axe.inject()
    options = json.dumps({"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    return axe.run(options=options)["violations"]


def unexpected(path: str, violations: list[dict]) -> list[tuple[str, str]]:
    pending = PENDING.get(path, set())
    found = [(v["id"], " ".join(map(str, node["target"])))
             for v in violations for node in v["nodes"]]
    return [(rule, target) for rule, target in found if (rule, target) not in pending]


@pytest.fixture(scope="module")
def account():
    return []  # the role the module's browser is signed in with


@pytest.mark.parametrize("path", list(PAGES))
def test_every_page_passes_axe_wcag_21_a_and_aa(driver, live, account, path):
    sign_in_for(driver, live, PAGES[path], account)
    viewport(driver, *LAPTOP)
    open_page(driver, live, path)
    violations = axe_violations(driver)
    left = unexpected(path, violations)
    report = "\n".join(f"{rule}: {target}" for rule, target in left)
    assert left == [], f"axe-core, {path} at 1366×768:\n{report}"
    assert console_errors(driver) == []


@pytest.mark.parametrize("size", [PHONE, LAPTOP], ids=["390", "1366"])
@pytest.mark.parametrize("path", list(PAGES))
def test_no_page_scrolls_sideways(driver, live, account, path, size):
    sign_in_for(driver, live, PAGES[path], account)
    viewport(driver, *size)
    open_page(driver, live, path)
    scroll, client, inner = driver.execute_script(
        "const e = document.documentElement;"
        "return [e.scrollWidth, e.clientWidth, window.innerWidth];")
    assert inner == size[0]
    # clientWidth leaves out the vertical scrollbar: nothing sticks out even behind it
    assert scroll <= client <= inner, f"{path} is {scroll} px wide in a {client} px window"
    shot, page_height = save_page_screenshot(driver, path, size)
    assert png_size(shot) == (size[0], page_height)  # the whole page, down to its foot


def save_page_screenshot(driver, path: str, size: tuple[int, int]) -> tuple[Path, int]:
    """The whole page (beyond the window's height) as a PNG in SHOTS, named by page and width;
    with the page's height."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    height = driver.execute_script("return document.documentElement.scrollHeight")
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True,
        "clip": {"x": 0, "y": 0, "width": size[0], "height": height, "scale": 1}})
    name = (path.strip("/") or "resumen").replace("/", "-")
    target = SHOTS / f"{name}-{size[0]}.png"
    target.write_bytes(base64.b64decode(shot["data"]))
    return target, height


def png_size(path: Path) -> tuple[int, int]:
    """(width, height) from the PNG's IHDR chunk."""
    return struct.unpack(">II", path.read_bytes()[16:24])


def test_on_a_phone_the_navbar_folds_behind_menu(driver, live, account):
    sign_in_for(driver, live, None, account)
    viewport(driver, *PHONE)
    open_page(driver, live, "/")
    toggler = driver.find_element(By.ID, "nav-toggler")
    metas = driver.find_element(By.CSS_SELECTOR, ".navbar a.nav-link[href*='/metas']")
    assert toggler.is_displayed() and "Menú" in toggler.text
    assert toggler.get_attribute("aria-expanded") == "false"
    assert not metas.is_displayed()
    assert not driver.find_element(By.ID, "nav-poa").is_displayed()
    navbar_height = driver.find_element(By.CSS_SELECTOR, ".navbar").rect["height"]
    assert navbar_height < 100  # the page's title shows at once, not after the menu
    toggler.click()
    wait_until(metas.is_displayed)
    assert toggler.get_attribute("aria-expanded") == "true"
    # (the menu unfolds with an animation: what is below the links shows once it has ended)
    wait_until(lambda: not driver.find_elements(By.CSS_SELECTOR, ".navbar .collapsing"))
    # the selection stays usable on the phone: another fecha de corte from the calendar
    poa = Select(driver.find_element(By.ID, "nav-poa"))
    assert poa.first_selected_option.get_attribute("textContent").startswith(
        "Migrantes y Ex braceros")
    driver.find_element(By.ID, "nav-corte").click()
    click_button(driver, "[role=dialog] table button", "3")
    wait_for_text(driver, ".corte-date", "03/11/2026")
    assert "corte=2026-11-03" in driver.current_url
    # going to another page closes the menu
    metas.click()
    wait_for_text(driver, ".page-title", "Metas")
    wait_until(lambda: not driver.find_element(
        By.CSS_SELECTOR, ".navbar a.nav-link[href*='/cronograma']").is_displayed())
    assert driver.find_element(By.ID, "nav-toggler").get_attribute("aria-expanded") == "false"


def test_on_a_laptop_the_navbar_is_open(driver, live, account):
    sign_in_for(driver, live, None, account)
    viewport(driver, *LAPTOP)
    open_page(driver, live, "/")
    assert not driver.find_element(By.ID, "nav-toggler").is_displayed()
    for css in (".navbar a.nav-link[href*='/metas']", "#nav-poa", "#nav-version", "#nav-corte",
                "#print-button"):
        assert driver.find_element(By.CSS_SELECTOR, css).is_displayed(), css
    current = driver.find_element(By.CSS_SELECTOR, ".navbar a.nav-link.active")
    assert current.text == "Resumen"
    assert current.value_of_css_property("color") == "rgba(255, 255, 255, 1)"  # not teal


NAV_ROWS = """
const tops = [...document.querySelectorAll('.navbar .nav-links .nav-link')]
  .map(a => Math.round(a.getBoundingClientRect().top));
return [new Set(tops).size, tops.length,
        Math.round(document.querySelector('.navbar').getBoundingClientRect().height)];
"""


def test_on_a_laptop_every_link_of_the_administration_fits_one_row(driver, live, account):
    sign_in_for(driver, live, "admin", account)
    viewport(driver, *LAPTOP)
    open_page(driver, live, "/")
    rows, links, height = driver.execute_script(NAV_ROWS)
    assert (rows, links) == (1, 13)  # ten pages, Cargar POA, Plantilla, Auditoría
    assert height <= 160  # links; selectors; the account
    # the role is still said (to screen readers, and on hover)
    user = driver.find_element(By.ID, "nav-user")
    assert "Administración" in user.get_attribute("textContent")
    assert "Administración" in user.get_attribute("title")


def test_on_a_1024_projector_the_navbar_is_one_folded_row(driver, live, account):
    sign_in_for(driver, live, None, account)
    viewport(driver, 1024, 768)
    open_page(driver, live, "/")
    assert driver.find_element(By.ID, "nav-toggler").is_displayed()
    assert not driver.find_element(By.ID, "nav-poa").is_displayed()
    assert driver.execute_script(NAV_ROWS)[2] <= 80


def test_the_date_picker_speaks_spanish(driver, live, account):
    sign_in_for(driver, live, None, account)
    viewport(driver, *LAPTOP)
    open_page(driver, live, "/")
    driver.find_element(By.ID, "nav-corte").click()
    # (the calendar fades in and may be redrawn meanwhile: found again until its month shows)
    def calendar():
        try:
            dialog = driver.find_element(By.CSS_SELECTOR, "[role=dialog]")
            if re.search(r"noviembre 2026", dialog.text, re.IGNORECASE):
                return dialog
        except (NoSuchElementException, StaleElementReferenceException):
            return None
        return None

    dialog = wait_until(calendar)
    text = dialog.text
    weekdays = [th.text.lower() for th in dialog.find_elements(By.CSS_SELECTOR, "thead th")]
    assert weekdays == ["lu", "ma", "mi", "ju", "vi", "sá", "do"]  # Monday first
    for english in ("Mo", "Tu", "We", "November", "Select Date"):
        assert english not in text
    labels = [b.get_attribute("aria-label") for b in dialog.find_elements(
        By.CSS_SELECTOR, "button[aria-label]")]
    assert "Mes anterior" in labels and "Mes siguiente" in labels
    # the calendar itself passes axe
    violations = axe_violations(driver)
    assert unexpected("/", violations) == []
    driver.find_element(By.CSS_SELECTOR, ".page-title").click()  # a click outside closes it
    wait_until(lambda: not any(d.is_displayed() for d in driver.find_elements(
        By.CSS_SELECTOR, "[role=dialog]")))


def test_no_english_and_no_outside_service_in_tables_and_charts(driver, live, account):
    sign_in_for(driver, live, None, account)
    viewport(driver, *LAPTOP)
    open_page(driver, live, "/calidad")
    # the AG Grid (dashboard.grid): its paging, filters and what screen readers hear in Spanish
    grid = wait_for(driver, "#calidad-table .ag-paging-panel")
    assert "Página 1 de 1" in grid.text and "Filas por página:" in grid.text
    labels = [e.get_attribute("aria-label") for e in driver.find_elements(
        By.CSS_SELECTOR, "#calidad-table [aria-label]")]
    assert "Hallazgo Campo del filtro" in labels and "Página siguiente" in labels
    for english in ("Page", "Filter", "Next", "Previous", " of ", "First", "Last"):
        assert not [label for label in labels if english in label], english
        assert english not in driver.find_element(By.ID, "calidad-table").text
    open_page(driver, live, "/presupuesto")
    titles = wait_until(lambda: driver.execute_script(
        "return [...document.querySelectorAll('.modebar-btn')].map(b => b.dataset.title)"))
    assert "Descargar gráfica como PNG" in titles
    for english in ("Share chart...", "Edit in Chart Studio", "Produced with Plotly"):
        assert english not in titles
    assert not driver.find_elements(By.CSS_SELECTOR, "[data-attr='sendChartToCloud'], "
                                                     ".modebar-btn[data-title*='Share']")
    assert "Select Date" not in driver.page_source

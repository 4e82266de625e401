"""The director's budget page in headless Chromium: the EAEPE as the CONAC publishes it, the
overspent partida in red with its word everywhere, the movement form, refusals, the landing."""

from __future__ import annotations

import json
import math
from urllib.parse import parse_qs, urlsplit

import pytest
from axe_selenium_python import Axe
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from loaders.settings import Settings
from loaders.store.schema import MovementRow, Plan
from tests.browser import (
    chromium,
    console_errors,
    login,
    served,
    wait_for,
    wait_for_text,
    wait_until,
)

pytestmark = pytest.mark.browser

CORTE = "2026-11-21"
RED_TEXT = "rgb(164, 22, 26)"  # #a4161a
RED_FILL = "rgb(198, 40, 40)"  # #c62828, the semáforo's rojo
# The sample at the fecha de corte, as the table shows it: the CONAC's columns (aprobado,
# ampliaciones/(reducciones), modificado, devengado, pagado, subejercicio), then «Control
# interno» (comprometido, ejercido, disponible, % ejercido).
EAEPE = {
    "2111": ("$5,000.00", "$0.00", "$5,000.00", "$4,700.00", "$4,200.00", "$300.00",
             "$4,700.00", "$4,700.00", "$300.00", "94.0 %"),
    "2121": ("$5,000.00", "$0.00", "$5,000.00", "$2,000.00", "$2,000.00", "$3,000.00",
             "$2,000.00", "$2,000.00", "$3,000.00", "40.0 %"),
    "2611": ("$10,000.00", "$3,000.00", "$13,000.00", "$7,500.00", "$5,000.00", "$5,500.00",
             "$12,000.00", "$7,500.00", "$1,000.00", "57.7 %"),
    "3761": ("$50,000.00", "$0.00", "$50,000.00", "$54,000.00", "$53,000.00", "($4,000.00)",
             "$54,000.00", "$54,000.00", "($4,000.00)", "108.0 %\n⚠ Sobregirada"),
    "4244": ("$20,000.00", "($3,000.00)", "$17,000.00", "$10,000.00", "$5,000.00", "$7,000.00",
             "$10,000.00", "$5,000.00", "$7,000.00", "29.4 %"),
    "Total": ("$90,000.00", "$0.00", "$90,000.00", "$78,200.00", "$69,200.00", "$11,800.00",
              "$82,700.00", "$73,200.00", "$7,300.00", "81.3 %"),
}
HEADERS = ["Partida", "Nombre en el POA / clasificador", "Aprobado",
           "Ampliaciones/ (Reducciones)", "Modificado", "Devengado", "Pagado", "Subejercicio",
           "Comprometido", "Ejercido", "Disponible", "% ejercido"]
SUBEJERCICIO, EJERCIDO = HEADERS.index("Subejercicio"), HEADERS.index("Ejercido")


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    with served(Settings(data_dir=tmp_path_factory.mktemp("budget-app"))) as live:
        live.add_account("directora", "direccion",
                         [{"municipio": "Sombrerete", "area": "Migrantes y Ex braceros"}])
        yield live


@pytest.fixture(scope="module")
def driver(live):
    driver = chromium()
    login(driver, live, "directora")
    yield driver
    driver.quit()


def viewport(driver, width: int, height: int) -> None:
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})


def open_budget(driver, live, corte: str = CORTE) -> None:
    driver.get(f"{live.url}/presupuesto?corte={corte}")
    wait_for(driver, "#eaepe-table")
    wait_until(lambda: driver.execute_script(
        "const gd = document.querySelector('#budget-drilldown .js-plotly-plot');"
        "return gd && gd.querySelectorAll('text.slicetext').length > 0"))


def migrantes_id(live) -> int:
    with Session(live.engine) as s:
        return s.scalar(select(Plan.id).where(Plan.area == "Migrantes y Ex braceros"))


def stored_movements(live) -> int:
    with Session(live.engine) as s:
        return s.scalar(select(func.count()).select_from(MovementRow))


def money(text: str) -> float:
    negative = text.startswith("(")
    value = float(text.strip("()").replace("$", "").replace(",", "").strip())
    return -value if negative else value


def row_of(driver, partida: str) -> list[str]:
    for row in driver.find_elements(By.CSS_SELECTOR, "#eaepe-table tbody tr"):
        cells = [td.text for td in row.find_elements(By.TAG_NAME, "td")]
        if cells and cells[0] == partida:
            return cells
    raise AssertionError(f"partida {partida} not in the EAEPE table")


def fill(driver, partida: str, concepto: str, momento: str, amount: str) -> None:
    Select(driver.find_element(By.ID, "mov-partida")).select_by_value(partida)
    for field, value in (("mov-concepto", concepto), ("mov-importe", amount)):
        element = driver.find_element(By.ID, field)
        element.clear()
        element.send_keys(value)
    Select(driver.find_element(By.ID, "mov-momento")).select_by_visible_text(momento)


def chart_ejercido(driver, partida: str) -> float:
    """The ejercido bar of a partida, from whichever trace draws it (normal or overspent)."""
    return driver.execute_script(
        "const gd = document.querySelector('#budget-by-partida .js-plotly-plot');"
        "let total = 0;"
        "for (const t of gd.data.filter(t => t.offsetgroup === 'ejercido')) {"
        "  const i = t.y.findIndex(y => y.startsWith('<b>' + arguments[0] + '</b>'));"
        "  if (t.x[i] !== null) { total += t.x[i]; } }"
        "return total;", partida)


def in_view(driver, css: str) -> bool:
    return driver.execute_script(
        "const r = document.querySelector(arguments[0]).getBoundingClientRect();"
        "return r.top >= 0 && r.bottom <= window.innerHeight && r.height > 0;", css)


# -- the EAEPE as the CONAC publishes it ----------------------------------------------------------


def test_the_eaepe_shows_the_conac_columns_first_and_control_interno_apart(driver, live):
    viewport(driver, 1366, 768)
    open_budget(driver, live)
    heads = driver.find_elements(By.CSS_SELECTOR, "#eaepe-table thead tr")
    groups = [(th.text, th.get_attribute("colspan")) for th in
              heads[0].find_elements(By.TAG_NAME, "th")]
    assert groups == [("", "2"), ("FORMATO CONAC (EAEPE)", "6"), ("CONTROL INTERNO", "4")]
    assert [th.text.replace("\n", " ") for th in heads[1].find_elements(By.TAG_NAME, "th")] == \
        HEADERS
    rows = [[td.text for td in tr.find_elements(By.TAG_NAME, "td")]
            for tr in driver.find_elements(By.CSS_SELECTOR, "#eaepe-table tbody tr")]
    assert [r[0] for r in rows] == ["2111", "2121", "2611", "3761", "4244", "Total"]
    for cells in rows:
        assert tuple(cells[2:]) == EAEPE[cells[0]], cells[0]
        # Subejercicio = modificado − devengado, in every row and in the total
        assert money(cells[SUBEJERCICIO]) == pytest.approx(money(cells[4]) - money(cells[5]))
    # the «Control interno» columns start after a rule
    first_control = driver.find_element(
        By.CSS_SELECTOR, "#eaepe-row-2111 td:nth-child(9)")
    assert first_control.value_of_css_property("border-left-width") == "3px"
    assert driver.find_element(By.ID, "eaepe-row-TOTAL").value_of_css_property(
        "font-weight") == "700"


def test_3761_is_overspent_in_red_with_its_word_in_the_table_and_the_card(driver, live):
    viewport(driver, 1366, 768)
    open_budget(driver, live)
    row = driver.find_element(By.ID, "eaepe-row-3761")
    assert "table-danger" in row.get_attribute("class")
    assert "⚠ Sobregirada: excede por $4,000.00" in row.text
    note = row.find_element(By.CSS_SELECTOR, ".eaepe-overspent-note")
    assert note.value_of_css_property("color") == f"rgba{RED_TEXT[3:-1]}, 1)"
    cells = row.find_elements(By.TAG_NAME, "td")
    for index in (SUBEJERCICIO, HEADERS.index("Disponible"), HEADERS.index("% ejercido")):
        assert cells[index].value_of_css_property("color") == f"rgba{RED_TEXT[3:-1]}, 1)"
    # its background is the light red of table-danger (#fadbd8) or its stripe (#f3d1ce)
    assert cells[2].value_of_css_property("background-color") in (
        "rgba(250, 219, 216, 1)", "rgba(243, 209, 206, 1)")
    # no other partida says so
    for partida in ("2111", "2121", "2611", "4244"):
        assert "Sobregirada" not in driver.find_element(By.ID, f"eaepe-row-{partida}").text
    card = driver.find_element(By.CSS_SELECTOR, ".kpi-overspent")
    assert "Partidas sobregiradas" in card.text
    assert driver.find_element(By.ID, "budget-overspent").text == "1 de 5"
    assert "⚠ 3761 108.0 %, excede $4,000.00" in card.text
    assert card.value_of_css_property("border-top-color") == f"rgba{RED_TEXT[3:-1]}, 1)"
    assert driver.find_element(By.ID, "budget-overspent").value_of_css_property("color") == \
        f"rgba{RED_TEXT[3:-1]}, 1)"


def test_3761_is_red_in_the_bars_and_the_treemap(driver, live):
    viewport(driver, 1366, 768)
    open_budget(driver, live)
    bars = driver.execute_script(
        "const gd = document.querySelector('#budget-by-partida .js-plotly-plot');"
        "return gd.data.map(t => [t.name, t.orientation, t.marker.color, t.y, t.x]);")
    by_name = {name: (orientation, color, y, x) for name, orientation, color, y, x in bars}
    assert list(by_name) == ["Aprobado", "Modificado", "Ejercido", "Ejercido sobregirado"]
    orientation, color, labels, values = by_name["Ejercido sobregirado"]
    assert (orientation, color) == ("h", "#c62828")
    i = next(k for k, y in enumerate(labels) if y.startswith("<b>3761</b>"))
    assert values[i] == 54_000 and by_name["Ejercido"][3][i] is None
    assert [v for k, v in enumerate(values) if k != i] == [None] * 4
    assert "⚠ Sobregirada" in labels[i]  # the word on the axis, beside the red bar
    # drawn: a red bar, horizontal labels (never turned), the legend below the bars
    fills = driver.execute_script(  # the bars drawn (a missing value leaves an empty path)
        "return [...document.querySelectorAll('#budget-by-partida .trace.bars path')]"
        ".filter(p => p.getBBox().width > 0).map(p => getComputedStyle(p).fill);")
    assert len(fills) == 15 and fills.count(RED_FILL) == 1
    ticks = driver.execute_script(
        "return [...document.querySelectorAll('#budget-by-partida .ytick text')]"
        ".map(t => [t.getAttribute('transform') || '', t.textContent]);")
    assert all("rotate" not in transform for transform, _ in ticks)
    assert any(text.startswith("3761") and "Sobregirada" in text for _, text in ticks)
    legend_top, plot_bottom = driver.execute_script(
        "const gd = document.querySelector('#budget-by-partida');"
        "return [gd.querySelector('.legend').getBoundingClientRect().top,"
        "        gd.querySelector('.xaxislayer-above').getBoundingClientRect().bottom];")
    assert legend_top >= plot_bottom  # never on the axis labels

    tree = driver.execute_script(
        "const t = document.querySelector('#budget-drilldown .js-plotly-plot').data[0];"
        "return [t.ids, t.marker.colors, t.textfont.size];")
    ids, colors, size = tree
    tile = next(k for k, key in enumerate(ids) if key.endswith("/3761"))
    assert colors[tile] == "#c62828"
    assert len(set(colors)) > 5 and size >= 12
    texts = driver.execute_script(
        "return [...document.querySelectorAll('#budget-drilldown text.slicetext')]"
        ".filter(t => t.textContent.trim())"
        ".map(t => [t.textContent, parseFloat(getComputedStyle(t).fontSize)]);")
    assert texts and min(px for _, px in texts) >= 12
    red = next(text for text, _ in texts if text.startswith("3761"))
    assert "Sobregirada" in red and "$54,000.00 de" in red


def test_the_eaepe_fits_a_laptop_and_scrolls_only_inside_on_a_phone(driver, live):
    viewport(driver, 1366, 768)
    open_budget(driver, live)
    region = driver.find_element(By.ID, "eaepe-region")
    inner, box = driver.execute_script(
        "const r = arguments[0]; return [r.scrollWidth, r.clientWidth];", region)
    assert inner <= box, f"the EAEPE is {inner} px wide in a {box} px box"
    assert driver.execute_script(
        "return document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    viewport(driver, 390, 844)
    driver.execute_script("return new Promise(r => setTimeout(r, 400))")
    assert driver.execute_script(
        "return document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    assert region.get_attribute("tabindex") == "0" and region.get_attribute("role") == "region"
    viewport(driver, 1366, 768)


def test_the_page_with_the_form_passes_axe_and_the_upload_has_a_visible_label(driver, live):
    viewport(driver, 1366, 768)
    open_budget(driver, live)
    label = driver.find_element(By.ID, "presupuesto-upload-label")
    assert label.is_displayed()
    assert label.text.startswith("Libro de ejercicio del presupuesto (.xlsx, .xls u .ods)")
    file_input = label.find_element(By.CSS_SELECTOR, "input[type=file]")  # named by the label
    assert file_input.get_attribute("accept") == ".xlsx,.xls,.ods"
    axe = Axe(driver)
    axe.inject()
    options = json.dumps({"runOnly": {"type": "tag",
                                      "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})
    violations = axe.run(options=options)["violations"]
    found = [(v["id"], " ".join(map(str, n["target"]))) for v in violations for n in v["nodes"]]
    assert found == []
    partidas = [o.get_attribute("value") for o in
                Select(driver.find_element(By.ID, "mov-partida")).options]
    assert partidas == ["", "2111", "2121", "2611", "3761", "4244"]  # the POA's, and the prompt


# -- the movement form ----------------------------------------------------------------------------


def test_a_saved_movement_shows_its_confirmation_in_view_and_empties_the_form(driver, live):
    viewport(driver, 1366, 768)
    open_budget(driver, live)
    before_total = money(driver.find_element(By.ID, "budget-ejercido").text)
    before_row = row_of(driver, "4244")
    before_chart = chart_ejercido(driver, "4244")
    count = stored_movements(live)

    fill(driver, "4244", "Aportación 2x1, segunda ministración", "Ejercido", "1234.5")
    button = driver.find_element(By.ID, "mov-registrar")
    # A window that ends just under the button (a small laptop, a zoomed page): the message,
    # below the button, starts out of view.
    bottom = driver.execute_script(
        "window.scrollTo(0, 0); return arguments[0].getBoundingClientRect().bottom;", button)
    viewport(driver, 1366, math.ceil(bottom) + 4)
    driver.execute_script("return new Promise(r => setTimeout(r, 300))")
    assert driver.execute_script("return window.scrollY") == 0
    driver.execute_script("arguments[0].click();", button)
    wait_for_text(driver, "#movement-saved", "$1,234.50")
    assert "en la partida 4244" in driver.find_element(By.ID, "movement-saved").text
    wait_until(lambda: in_view(driver, "#movement-saved"))
    # the form is empty again, ready for the next one (a second click sends nothing twice)
    assert driver.find_element(By.ID, "mov-concepto").get_attribute("value") == ""
    assert driver.find_element(By.ID, "mov-importe").get_attribute("value") == ""
    assert driver.find_element(By.ID, "mov-partida").get_attribute("value") == ""
    assert Select(driver.find_element(By.ID, "mov-momento")).first_selected_option.text == \
        "Comprometido"
    wait_until(lambda: money(driver.find_element(By.ID, "budget-ejercido").text)
               == pytest.approx(before_total + 1234.5))
    after_row = row_of(driver, "4244")
    assert money(after_row[EJERCIDO]) == pytest.approx(money(before_row[EJERCIDO]) + 1234.5)
    assert chart_ejercido(driver, "4244") == pytest.approx(before_chart + 1234.5)
    assert stored_movements(live) == count + 1
    assert "Aportación 2x1, segunda ministración" in driver.find_element(
        By.ID, "movements-table").text
    driver.find_element(By.ID, "mov-registrar").click()  # a second click: refused, nothing saved
    wait_for(driver, "#movement-error")
    assert "falta el importe" in driver.find_element(By.ID, "movement-error").text
    assert stored_movements(live) == count + 1
    assert console_errors(driver) == []
    viewport(driver, 1366, 768)


def test_an_invalid_movement_gets_clear_reasons_keeps_the_values_and_stores_nothing(driver, live):
    viewport(driver, 1366, 768)
    open_budget(driver, live, "2027-01-10")  # the form's date: outside 2026
    count = stored_movements(live)
    fill(driver, "2111", "Prueba", "Comprometido", "-5")
    driver.find_element(By.ID, "mov-registrar").click()
    wait_for(driver, "#movement-error")
    message = driver.find_element(By.ID, "movement-error").text
    assert message.startswith("No se registró el movimiento:")
    assert "fuera del año fiscal 2026" in message
    assert "mayor que cero" in message
    assert stored_movements(live) == count
    wait_until(lambda: in_view(driver, "#movement-error"))
    # what was typed stays, to be corrected
    assert driver.find_element(By.ID, "mov-partida").get_attribute("value") == "2111"
    assert driver.find_element(By.ID, "mov-concepto").get_attribute("value") == "Prueba"
    assert driver.find_element(By.ID, "mov-importe").get_attribute("value") == "-5"


# -- the landing ------------------------------------------------------------------------------------


def test_a_director_lands_on_the_budget_of_its_area_after_signing_in(live):
    driver = chromium()
    try:
        login(driver, live, "directora")
        wait_for_text(driver, ".page-title", "Presupuesto")
        address = urlsplit(driver.current_url)
        assert address.path == "/presupuesto"
        assert parse_qs(address.query) == {"poa": [str(migrantes_id(live))]}
        assert "Migrantes y Ex braceros" in driver.find_element(By.CSS_SELECTOR,
                                                                ".page-subtitle").text
        wait_for(driver, "#mov-registrar")  # the form of its own area
    finally:
        driver.quit()

"""Estado without example data, the Historial and Auditoría in headless Chromium (issue 16, points
8, 12 and 15), on the app as first started (the sample POA of Sombrerete and its three EJEMPLO
POAs) at fecha de corte 01/12/2026, on a laptop (1366×768) and a phone (390×844)."""

from __future__ import annotations

import io
import itertools
import json
import re
import time
from datetime import date

import openpyxl
import pytest
from axe_selenium_python import Axe
from PIL import Image
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select
from sqlalchemy.orm import Session

from dashboard.figures.history import COLORSCALE
from loaders.check.progress import efficiency_index
from loaders.imports import import_workbook
from loaders.settings import Settings
from loaders.store.queries import list_plans, load_version
from tests.browser import (
    PASSWORD,
    browsing,
    console_errors,
    served,
    wait_for,
    wait_for_text,
    wait_until,
)
from tests.paths import SAMPLE_WORKBOOK

pytestmark = pytest.mark.browser
CORTE = "2026-12-01"
AS_OF = date(2026, 12, 1)
LAPTOP, PHONE = (1366, 768), (390, 844)
SIZES = [LAPTOP, PHONE]
# The second POA with two versions: the sample as a POA of Fresnillo (so Sombrerete's figures
# stay those of the sample), then again with activity 1 «Corazón de Plata» at 26 of 20.
FRESNILLO = {"municipio": "Fresnillo", "estado": "Zacatecas", "direccion": "Secretaría de Gobierno",
             "area": "Migrantes y Ex braceros", "fiscal_year": 2026}

# Boxes of what Plotly drew: x and y tick labels, annotations, the cells' and points' texts.
FIGURE_FACTS = """
const gd = arguments[0];
const box = e => { const r = e.getBoundingClientRect();
                   return {left: r.left, right: r.right, top: r.top, bottom: r.bottom}; };
const text = e => { const lines = [...e.querySelectorAll('tspan.line')];
                    return lines.length ? lines.map(t => t.textContent).join(' ')
                                        : e.textContent; };
const all = css => [...gd.querySelectorAll(css)].filter(e => e.textContent.trim())
    .map(e => Object.assign(box(e), {text: text(e)}));
return {
  svg: box(gd.querySelector('.main-svg')),
  xticks: all('.xtick text'), yticks: all('.ytick text'),
  notes: all('g.annotation text'),
  cells: all('.hm text, g.textpoint text, .textpoint'),
  points: all('.scatterlayer .textpoint text'),
};
"""


@pytest.fixture(scope="module")
def settings(tmp_path_factory) -> Settings:
    # A busy machine must not time the seeds' reading out.
    return Settings(data_dir=tmp_path_factory.mktemp("history-app") / "data", read_seconds=120)


@pytest.fixture(scope="module")
def live(settings):
    with served(settings) as live:
        live.add_account("jefa", "admin")
        yield live


@pytest.fixture(scope="module")
def driver():
    yield from browsing()


@pytest.fixture(scope="module")
def fresnillo(live, settings) -> int:
    """The id of a POA with two versions, the second with activity 1 raised from 6 to 26."""
    book = openpyxl.load_workbook(SAMPLE_WORKBOOK)
    for achieved in (6, 26):
        book["Cronograma"]["H6"] = achieved
        buffer = io.BytesIO()
        book.save(buffer)
        stored = import_workbook(live.engine, buffer.getvalue(), settings,
                                 file_name=f"fresnillo_{achieved}.xlsx", uploaded_by="planea",
                                 as_of=AS_OF, identity=FRESNILLO)
    return stored.plan_id


@pytest.fixture(scope="module")
def many(live, settings) -> int:
    """The id of a POA with seven versions, activity 2 a little further in each."""
    book = openpyxl.load_workbook(SAMPLE_WORKBOOK)
    for k in range(7):
        book["Cronograma"]["H7"] = 6 + 5 * k
        buffer = io.BytesIO()
        book.save(buffer)
        stored = import_workbook(live.engine, buffer.getvalue(), settings,
                                 file_name=f"muchas_{k}.xlsx", uploaded_by="planea", as_of=AS_OF,
                                 identity={**FRESNILLO, "area": "Muchas versiones"})
    return stored.plan_id


def plan_id(live, area: str, municipio: str = "Sombrerete") -> int:
    with Session(live.engine) as session:
        return next(p.id for p in list_plans(session)
                    if p.area == area and p.municipio == municipio)


def sombrerete_index(live, *, with_examples: bool) -> str:
    """Sombrerete's Índice de Eficiencia from the stored versions, with or without the examples."""
    with Session(live.engine) as session:
        docs = [load_version(session, p.current_version_id).doc for p in list_plans(session)
                if p.municipio == "Sombrerete" and (with_examples or "EJEMPLO" not in p.area)]
    return f"{efficiency_index([a for d in docs for a in d.activities]).pct:.1f} %"


def viewport(driver, size: tuple[int, int]) -> None:
    width, height = size
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})


def open_page(driver, live, path: str, size: tuple[int, int] = LAPTOP) -> None:
    viewport(driver, size)
    driver.get_log("browser")  # drop what earlier pages logged
    driver.get(f"{live.url}{path}")
    wait_for(driver, ".page-title")


def sombrerete_row(driver) -> list[str]:
    row = next(r for r in driver.find_elements(By.CSS_SELECTOR, "#estado-table tbody tr")
               if r.find_element(By.TAG_NAME, "td").text == "Sombrerete")
    return [td.text for td in row.find_elements(By.TAG_NAME, "td")]


def figure(driver, css: str) -> dict:
    gd = wait_for(driver, f"{css} .js-plotly-plot")
    wait_for(driver, f"{css} .main-svg")
    return driver.execute_script(FIGURE_FACTS, gd)


def assert_apart(boxes: list[dict], *, across: bool) -> None:
    """No two boxes overlap: side by side (`across`) or one under the other."""
    start, end = ("left", "right") if across else ("top", "bottom")
    ordered = sorted(boxes, key=lambda b: b[start])
    for before, after in itertools.pairwise(ordered):
        assert before[end] <= after[start] + 0.5, (before, after)


def overlap(a: dict, b: dict) -> bool:
    return (a["left"] < b["right"] - 0.5 and b["left"] < a["right"] - 0.5
            and a["top"] < b["bottom"] - 0.5 and b["top"] < a["bottom"] - 0.5)


def inside(box: dict, frame: dict, slack: float = 0.5) -> bool:
    return (box["left"] >= frame["left"] - slack and box["right"] <= frame["right"] + slack
            and box["top"] >= frame["top"] - slack and box["bottom"] <= frame["bottom"] + slack)


# -- Estado ---------------------------------------------------------------------------------------


def test_estado_leaves_the_examples_out_and_the_switch_blends_them_in(driver, live):
    open_page(driver, live, f"/estado?corte={CORTE}")
    wait_for(driver, "#estado-table")
    assert sombrerete_row(driver)[1:4] == ["1", "16", "11.6 %"]  # the real POA alone
    assert driver.find_element(By.ID, "estado-ejemplos-aviso").text == (
        "No se incluyen 3 POA de ejemplo (datos ficticios): las cifras son sólo de 1 POA real.")
    switch = driver.find_element(By.ID, "estado-ejemplos")
    assert switch.get_attribute("type") == "checkbox" and not switch.is_selected()
    label = driver.find_element(By.CSS_SELECTOR, "label[for='estado-ejemplos']")
    assert label.text == "Incluir datos de ejemplo" and label.is_displayed()
    assert not driver.find_elements(By.ID, "estado-con-ejemplos")

    blended = sombrerete_index(live, with_examples=True)
    assert blended != "11.6 %"
    switch.click()
    wait_until(lambda: "ejemplos=1" in driver.current_url)
    wait_for_text(driver, "#estado-ejemplos-aviso", "Incluye datos de ejemplo.")
    wait_until(lambda: sombrerete_row(driver)[1:4] == ["4", "46", blended])
    assert driver.find_element(By.ID, "estado-con-ejemplos").text == "incluye datos de ejemplo"
    assert driver.find_element(By.ID, "estado-ejemplos").is_selected()
    title = wait_until(lambda: driver.execute_script(
        "const t = document.querySelector('#estado-chart .g-xtitle'); return t && t.textContent"))
    assert title == "ActividadesIncluye datos de ejemplo"  # two lines, the note in bold

    # the choice goes with the drill-down, and the switch takes it back
    driver.find_element(By.LINK_TEXT, "Sombrerete").click()
    wait_for_text(driver, "#estado-municipio", f"Sombrerete: 4 POA, índice {blended}")
    assert "ejemplos=1" in driver.current_url
    driver.find_element(By.ID, "estado-ejemplos").click()
    wait_for_text(driver, "#estado-municipio", "Sombrerete: 1 POA, índice 11.6 %")
    assert "ejemplos" not in driver.current_url and "municipio=Sombrerete" in driver.current_url
    time.sleep(0.5)  # let late callbacks report their errors
    assert console_errors(driver) == []


# -- Historial ------------------------------------------------------------------------------------


def test_historial_of_a_poa_with_one_version_says_1_version(driver, live):
    poa = plan_id(live, "Protección Civil (EJEMPLO)")
    open_page(driver, live, f"/historial?poa={poa}&corte={CORTE}")
    wait_for_text(driver, "#historial-count", "1 versión cargada.")
    assert driver.find_element(By.ID, "historial-count").text == "1 versión cargada."
    assert driver.find_element(By.ID, "historial-diff-summary").text == (
        "Hay una sola versión: cuando se cargue otra, aquí se verá qué cambió.")
    assert not driver.find_elements(By.ID, "historial-a")


def _interpolated(pct: float) -> tuple[int, int, int]:
    """The colour COLORSCALE gives `pct` (0 to 100), straight between its two steps."""
    at = min(max(pct, 0), 100) / 100
    for (a, ca), (b, cb) in itertools.pairwise(COLORSCALE):
        if a <= at <= b:
            lo = [int(v) for v in re.findall(r"\d+", ca)]
            hi = [int(v) for v in re.findall(r"\d+", cb)]
            t = (at - a) / (b - a)
            return tuple(round(x + (y - x) * t) for x, y in zip(lo, hi, strict=True))
    raise AssertionError(pct)


CELL_PIXEL = """
const gd = arguments[0], row = arguments[1], col = arguments[2];
const L = gd._fullLayout, xa = L.xaxis, ya = L.yaxis;
const width = Math.abs(xa.c2p(1) - xa.c2p(0)) || L._size.w;
const r = gd.getBoundingClientRect();
return [xa._offset + xa.c2p(col) - width * 0.4, ya._offset + ya.c2p(ya.d2c(row)),
        r.width];
"""


@pytest.mark.parametrize("size", SIZES, ids=["laptop", "phone"])
def test_historial_heatmap_colours_each_cell_by_the_share_of_the_goal(driver, live, size):
    poa = plan_id(live, "Migrantes y Ex braceros")
    open_page(driver, live, f"/historial?poa={poa}&corte={CORTE}", size)
    gd = wait_for(driver, "#historial-achieved-chart .js-plotly-plot")
    wait_until(lambda: figure(driver, "#historial-achieved-chart")["notes"])
    viewport(driver, (size[0], 2400))  # the whole heatmap on the screen
    driver.execute_script("arguments[0].scrollIntoView()", gd)
    time.sleep(0.5)
    shot = Image.open(io.BytesIO(gd.screenshot_as_png)).convert("RGB")
    # activities 1, 2 and 6 of the sample: 6 of 20, 6 of 50 and 5 of 10
    colours = {}
    for row, pct in (("avance 0", 30.0), ("avance 1", 12.0), ("avance 5", 50.0)):
        x, y, width = driver.execute_script(CELL_PIXEL, gd, row, 0)
        scale = shot.width / width
        colours[row] = shot.getpixel((round(x * scale), round(y * scale)))
        expected = _interpolated(pct)
        assert all(abs(c - e) <= 8 for c, e in zip(colours[row], expected, strict=True)), (
            row, colours[row], expected)
    assert sum(colours["avance 1"]) > sum(colours["avance 0"]) > sum(colours["avance 5"])
    # the cells say it in words, and so does the hover
    cells = wait_until(lambda: driver.execute_script(
        "return [...arguments[0].querySelectorAll('text, tspan')].map(t => t.textContent)", gd))
    assert "6 de 20" in cells and "30.0 %" in cells and "6 de 50" in cells and "12.0 %" in cells
    driver.execute_script("Plotly.Fx.hover(arguments[0], {xval: 0, yval: 1})", gd)
    hover = wait_until(lambda: driver.execute_script(
        "const h = arguments[0].querySelector('.hoverlayer'); return h && h.textContent", gd))
    assert "1. Corazón de Plata" in hover and "6 de 20 (30.0 %)" in hover


def assert_labels_clear(driver) -> tuple[dict, dict]:
    """The Historial's two charts: every label whole inside its figure, none over another."""
    index = wait_until(lambda: (f := figure(driver, "#historial-index-chart"))
                       and f["xticks"] and f["points"] and f)
    assert_apart(index["xticks"], across=True)
    assert_apart(index["yticks"], across=False)
    labels = index["xticks"] + index["yticks"] + index["points"]
    for a, b in itertools.combinations(labels, 2):
        assert not overlap(a, b), (a, b)
    assert all(inside(t, index["svg"]) for t in labels)
    heat = wait_until(lambda: (f := figure(driver, "#historial-achieved-chart"))
                      and len(f["notes"]) == 16 and f)
    assert heat["notes"][0]["text"] == "1. Corazón de Plata"
    assert_apart(heat["notes"], across=False)
    assert_apart(heat["xticks"], across=True)
    assert all(re.fullmatch(r"v\d+ \d{2}/\d{2}/\d{4}", t["text"]) for t in heat["xticks"])
    cells = [c for c in heat["cells"] if re.search(r"\d", c["text"])]
    assert cells
    for name in heat["notes"] + heat["xticks"]:
        assert inside(name, heat["svg"]), name
        assert not [c for c in cells if overlap(name, c)], name
    page = driver.execute_script("const e = document.documentElement;"
                                 "return [e.scrollWidth, e.clientWidth];")
    assert page[0] <= page[1]
    return index, heat


@pytest.mark.parametrize("size", SIZES, ids=["laptop", "phone"])
def test_historial_axis_labels_never_collide(driver, live, fresnillo, size):
    open_page(driver, live, f"/historial?poa={fresnillo}&corte={CORTE}", size)
    index, heat = assert_labels_clear(driver)
    assert [t["text"] for t in index["xticks"]] == ["v1", "v2"]
    assert sorted(p["text"] for p in index["points"]) == ["11.6 %", "21.7 %"]
    assert len(heat["xticks"]) == 2
    assert console_errors(driver) == []


@pytest.mark.parametrize("size", SIZES, ids=["laptop", "phone"])
def test_historial_of_seven_versions_thins_its_labels_and_scrolls_only_the_heatmap(
        driver, live, many, size):
    open_page(driver, live, f"/historial?poa={many}&corte={CORTE}", size)
    wait_for_text(driver, "#historial-count", "7 versiones cargadas.")
    index, heat = assert_labels_clear(driver)
    assert [t["text"] for t in index["xticks"]] == [f"v{i}" for i in range(1, 8)]
    assert len(index["points"]) == 3  # v1, v4 and v7 written; every one in the hover
    assert len(heat["xticks"]) == 7
    box = driver.find_element(By.CSS_SELECTOR, "#historial-achieved-chart").find_element(
        By.XPATH, "ancestor::div[@role='region']")
    assert box.get_attribute("tabindex") == "0" and box.get_attribute("aria-label")
    wide = driver.execute_script("return arguments[0].scrollWidth > arguments[0].clientWidth",
                                 box)
    assert wide is (size == PHONE)  # on the laptop all seven columns fit
    assert console_errors(driver) == []


def test_historial_comparison_names_the_activity_and_its_semaforo_change(driver, live, fresnillo):
    open_page(driver, live, f"/historial?poa={fresnillo}&corte={CORTE}")
    wait_for_text(driver, "#historial-count", "2 versiones cargadas.")
    assert driver.find_element(By.ID, "historial-diff-summary").text == (
        "De la versión 1 a la 2, a la fecha de corte 01/12/2026: 1 actividad con cambios, "
        "0 agregadas, 0 eliminadas.")
    assert driver.find_element(By.ID, "historial-diff-index").text == (
        "Índice de Eficiencia: 11.6 % → 21.7 % (+10.1 puntos)")
    items = driver.find_elements(By.CSS_SELECTOR, "#historial-diff-list > li")
    assert [i.text.splitlines() for i in items] == [[
        "1. Corazón de Plata", "Meta alcanzada 6 → 26",
        "Semáforo: ■ Rojo — En riesgo → ● Verde — Concluida"]]
    added = driver.find_element(By.ID, "historial-findings-added").text
    assert "ACHIEVED_OVER_GOAL Cronograma!H6: Actividad 1: la meta alcanzada 26 supera la " \
           "programada 20." in added
    assert "BEHIND_SCHEDULE" in driver.find_element(By.ID, "historial-findings-removed").text
    axe = Axe(driver)  # the comparison's badges and lists, as the a11y test checks every page
    axe.inject()
    tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
    found = axe.run(options=json.dumps({"runOnly": {"type": "tag", "values": tags}}))
    assert [(v["id"], [n["target"] for n in v["nodes"]]) for v in found["violations"]] == []

    # the other way round, picked in the selects
    versions = [o.get_attribute("value") for o in
                Select(driver.find_element(By.ID, "historial-a")).options if o.get_attribute(
                    "value")]
    Select(driver.find_element(By.ID, "historial-a")).select_by_value(versions[0])  # v2
    Select(driver.find_element(By.ID, "historial-b")).select_by_value(versions[1])  # v1
    wait_for_text(driver, "#historial-diff-summary", "De la versión 2 a la 1")
    assert driver.find_element(By.ID, "historial-diff-index").text == (
        "Índice de Eficiencia: 21.7 % → 11.6 % (-10.1 puntos)")
    assert driver.find_element(By.CSS_SELECTOR, "#historial-diff-list > li").text.splitlines()[
        2] == "Semáforo: ● Verde — Concluida → ■ Rojo — En riesgo"
    assert console_errors(driver) == []


# -- Auditoría ------------------------------------------------------------------------------------


def test_auditoria_signed_out_links_to_ingresar_and_then_names_each_poa(driver, live):
    driver.delete_all_cookies()
    open_page(driver, live, "/auditoria")
    link = wait_for(driver, "#audit-login")
    assert driver.find_element(By.ID, "audit-not-allowed").text == (
        "Para administrar cuentas ingrese con su cuenta. Ingresar")
    assert link.text == "Ingresar"
    assert link.get_attribute("href") == f"{live.url}/ingresar?siguiente=/auditoria"
    link.click()
    wait_for(driver, "#usuario").send_keys("jefa")
    driver.find_element(By.CSS_SELECTOR, "#contrasena").send_keys(PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "#login-submit").click()
    wait_for(driver, "#audit-table table")
    assert driver.current_url.startswith(f"{live.url}/auditoria")
    details = [r.find_elements(By.TAG_NAME, "td")[3].text
               for r in driver.find_elements(By.CSS_SELECTOR, "#audit-table tbody tr")]
    spending = next(d for d in details if d.startswith("ejercicio_presupuesto_2026.xlsx"))
    assert spending.endswith("POA «Migrantes y Ex braceros 2026 — Sombrerete»)")
    saved = next(d for d in details if d.startswith("poa_migrantes_ex_braceros_2026.xlsx"))
    assert saved.endswith(" · POA «Migrantes y Ex braceros 2026 — Sombrerete»")
    assert not [d for d in details if re.search(r"POA \d", d)]
    assert Select(driver.find_element(By.ID, "audit-action")).first_selected_option.text == (
        "Todas")
    assert console_errors(driver) == []

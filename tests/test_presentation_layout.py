"""The frame's presentation without a browser: the page's language, native selects and the
Spanish date input in the navbar, colours that reach WCAG AA contrast (4.5:1 for text), tables
that stack on a phone, charts without a button that sends them to an outside service."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import dash_bootstrap_components as dbc
import dash_mantine_components as dmc
import pytest
from dash import dcc, html

from dashboard import components, dates, ids, layout
from dashboard.app import create_app
from dashboard.views import SEMAFORO_COLORS
from loaders.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
ASSETS = ROOT / "assets"
CORTE = "2026-11-21"


def luminance(colour: str) -> float:
    channels = [int(colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, other: str) -> float:
    """WCAG 2.1 contrast ratio of two #rrggbb colours."""
    high, low = sorted((luminance(one), luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def walk(component):
    """Every component in a layout tree."""
    yield component
    children = getattr(component, "children", None)
    if isinstance(children, list | tuple):
        for child in children:
            yield from walk(child)
    elif children is not None and not isinstance(children, str | int | float):
        yield from walk(children)


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    app = create_app(Settings(data_dir=tmp_path_factory.mktemp("presentation") / "data"))
    app.server.test_client().get("/")  # Dash registers the Pages router at the first request
    yield app
    app.server.extensions["tablero_poa"].engine.dispose()


def test_the_page_declares_spanish_of_mexico(app):
    page = app.server.test_client().get("/").get_data(as_text=True)
    assert page.lstrip().startswith("<!DOCTYPE html>")
    assert '<html lang="es-MX">' in page


def test_the_navbar_has_native_selects_and_a_spanish_date_input(app):
    with app.server.test_request_context("/"):
        tree = layout.frame()
    parts = list(walk(tree))
    by_id = {c.id: c for c in parts if isinstance(getattr(c, "id", None), str)}
    assert isinstance(tree, html.Div) and tree.lang == "es-MX"
    assert isinstance(by_id[ids.POA], dbc.Select) and isinstance(by_id[ids.VERSION], dbc.Select)
    corte = by_id[ids.CORTE]
    assert isinstance(corte, dmc.DatePickerInput)
    assert (corte.valueFormat, corte.firstDayOfWeek) == ("DD/MM/YYYY", 1)
    assert corte.ariaLabels["previousMonth"] == "Mes anterior"
    # Dash's dropdown (aria-hidden focus target) and its English date picker are gone
    assert not [c for c in parts if isinstance(c, dcc.Dropdown | dcc.DatePickerSingle)]
    # no MantineProvider in the page: the date input brings its own, Spanish (dashboard.dates)
    assert not [c for c in parts if isinstance(c, dmc.MantineProvider | dmc.DatesProvider)]
    assert dates.DATES_SETTINGS == {"locale": "es", "firstDayOfWeek": 1, "weekendDays": []}
    # every selector has a visible label tied to it
    labels = {c.htmlFor: c.children for c in parts if isinstance(c, html.Label)}
    assert labels == {ids.POA: "POA", ids.VERSION: "Versión", ids.CORTE: "Fecha de corte"}
    # the collapsing menu: a toggler that names what it opens, and a navbar that folds below lg
    toggler = by_id[layout.NAV_TOGGLER]
    assert isinstance(by_id[layout.NAV_COLLAPSE], dbc.Collapse)
    assert getattr(toggler, "aria-controls") == layout.NAV_COLLAPSE
    assert getattr(toggler, "aria-expanded") == "false"
    navbar = next(c for c in parts if isinstance(c, dbc.Navbar))
    assert (navbar.expand, navbar.color, navbar.dark) == ("xl", "primary", True)


def _selection_body(app, search: str, changed: str, poa=None, version=None, corte=None,
                    pathname="/") -> dict:
    key = next(k for k in app.callback_map if f"{ids.POA}.options" in k)
    entry = app.callback_map[key]
    values = {(ids.LOCATION, "search"): search, (ids.LOCATION, "pathname"): pathname,
              (ids.POA, "value"): poa, (ids.VERSION, "value"): version,
              (ids.CORTE, "value"): corte}
    outputs = [dict(zip(("id", "property"), part.rsplit(".", 1), strict=True))
               for part in key.strip(".").split("...")]
    return {"output": key, "outputs": outputs, "state": [], "changedPropIds": [changed],
            "inputs": [{"id": i["id"], "property": i["property"], "value": values[i["id"], i["property"]]}
                       for i in entry["inputs"]]}


def test_the_selection_round_trips_through_the_selects_text_values(app):
    client = app.server.test_client()
    body = _selection_body(app, f"?corte={CORTE}", f"{ids.LOCATION}.search")
    answer = client.post("/_dash-update-component", json=body).get_json()["response"]
    poa, version = answer[ids.POA], answer[ids.VERSION]
    assert all(isinstance(o["value"], str) for o in poa["options"] + version["options"])
    assert poa["value"] in {o["value"] for o in poa["options"]}
    assert answer[ids.CORTE]["value"] == CORTE
    # the person picks another POA: the select reports its option's text value
    other = next(o["value"] for o in poa["options"] if o["value"] != poa["value"])
    body = _selection_body(app, f"?poa={poa['value']}&corte={CORTE}", f"{ids.POA}.value",
                           poa=other, version=version["value"], corte=CORTE)
    answer = client.post("/_dash-update-component", json=body).get_json()["response"]
    # (its version is the one the fecha de corte picks: the address does not pin it)
    assert answer[ids.LOCATION]["search"] == f"?poa={other}&corte={CORTE}"
    assert answer[ids.POA]["value"] == other
    # and another fecha de corte from the date input
    body = _selection_body(app, f"?poa={other}&corte={CORTE}", f"{ids.CORTE}.value",
                           poa=other, version=answer[ids.VERSION]["value"], corte="2026-03-05")
    answer = client.post("/_dash-update-component", json=body).get_json()["response"]
    assert answer[ids.LOCATION]["search"].endswith("&corte=2026-03-05")


@pytest.mark.parametrize("light", list(SEMAFORO_COLORS))
def test_semaforo_badges_reach_aa_contrast(light):
    badge = components.semaforo_badge(light, "Vencida")
    style = badge.style
    assert contrast(style["backgroundColor"], style["color"]) >= 4.5, light
    assert components.SEMAFORO_WORDS[light] in badge.children  # never colour alone


def _css_variables(text: str) -> dict[str, str]:
    return dict(re.findall(r"(--bs-[a-z-]+):\s*(#[0-9a-fA-F]{6})", text))


def test_theme_colours_reach_aa_contrast():
    ours = _css_variables((ASSETS / "tablero_accesible.css").read_text(encoding="utf-8"))
    flatly = _css_variables((ASSETS / "00_bootstrap_flatly.min.css").read_text(encoding="utf-8"))
    white, text = "#ffffff", "#212529"
    for name in ("--bs-success", "--bs-info", "--bs-danger", "--bs-secondary", "--bs-dark"):
        assert contrast(white, ours[name]) >= 4.5, name  # buttons, badges, alerts
        assert contrast(ours[name], white) >= 4.5, name  # text-* and outline buttons
    for name in ("--bs-link-color", "--bs-link-hover-color", "--bs-code-color"):
        assert contrast(ours[name], white) >= 4.5, name
    assert contrast(white, flatly["--bs-primary"]) >= 4.5  # navbar links on navy
    assert contrast(text, flatly["--bs-warning"]) >= 4.5  # warning: dark text on orange
    css = (ASSETS / "tablero_accesible.css").read_text(encoding="utf-8")
    text_rules = re.findall(r"(\.text-warning|placeholder|weekday) \{ color: (#\w{6})", css)
    assert len(text_rules) == 4  # warning text, the date's placeholder (Mantine and stand-in), weekdays
    for rule, colour in text_rules:
        assert contrast(colour, white) >= 4.5, rule


def test_stacked_tables_label_every_cell_with_its_header():
    table = components.stacked(dbc.Table([
        html.Thead(html.Tr([html.Th("Nº"), html.Th("Actividad"), html.Th("Semáforo")])),
        html.Tbody([html.Tr([html.Td("4"), html.Td("Apostillado"), html.Td("■ Rojo")])]),
    ], className="align-middle"))
    assert table.className == "align-middle table-stack"
    cells = table.children[1].children[0].children
    assert [getattr(c, "data-label") for c in cells] == ["Nº", "Actividad", "Semáforo"]
    rendered = json.loads(json.dumps(cells[2].to_plotly_json(), default=str))
    assert rendered["props"]["data-label"] == "Semáforo"


def test_a_wide_table_scrolls_in_a_region_the_keyboard_reaches():
    region = components.scroll_region(dbc.Table([]), "Estado analítico")
    assert (region.tabIndex, region.role) == ("0", "region")
    assert getattr(region, "aria-label") == "Estado analítico"
    assert "table-responsive" in region.className


def test_charts_have_no_button_that_sends_them_outside():
    config = components.graph({"data": [], "layout": {}}).config
    assert config["locale"] == "es"
    assert config["showSendToCloud"] is False  # "Share chart…"
    assert config["showEditInChartStudio"] is False and config["showLink"] is False


def test_the_calendar_names_travel_with_the_package():
    script = (ASSETS / "dayjs-locale-es.js").read_text(encoding="utf-8")
    assert "window.dayjs_locale_es" in script and "weekStart: 1" in script
    for word in ("enero", "diciembre", "lunes", "miércoles"):
        assert word in script
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    shipped = project["tool"]["setuptools"]["package-data"]["dashboard"]
    assert "assets/*.js" in shipped and "assets/*.css" in shipped
    dependencies = " ".join(project["project"]["dependencies"])
    assert "dash-mantine-components" in dependencies

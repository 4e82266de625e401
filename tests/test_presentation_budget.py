"""Presupuesto without a browser: the EAEPE table's layout, the figures' colours and words for an
overspent partida, the form's partidas, and where a director lands after signing in."""

from __future__ import annotations

import re
import sys
from datetime import date

import dash
import pytest
from dash import html
from sqlalchemy import select
from sqlalchemy.orm import Session

from dashboard.figures.budget import (
    OVERSPENT_COLOR,
    by_partida,
    cumulative,
    drilldown,
    heading,
    short,
    tint,
)
from loaders.check.budget import eaepe
from loaders.model import BudgetLine, Movement
from tests.test_budget import BUDGET

D = date(2026, 6, 1)
SAMPLE_MOVES = [  # the sample's sums at the fecha de corte, one movement each
    ("2111", "comprometido", 4700), ("2111", "devengado", 4700), ("2111", "ejercido", 4700),
    ("2111", "pagado", 4200), ("2121", "comprometido", 2000), ("2121", "devengado", 2000),
    ("2121", "ejercido", 2000), ("2121", "pagado", 2000), ("2611", "ampliacion", 3000),
    ("2611", "comprometido", 12000), ("2611", "devengado", 7500), ("2611", "ejercido", 7500),
    ("2611", "pagado", 5000), ("3761", "comprometido", 54000), ("3761", "devengado", 54000),
    ("3761", "ejercido", 54000), ("3761", "pagado", 53000), ("4244", "reduccion", 3000),
    ("4244", "comprometido", 10000), ("4244", "devengado", 10000), ("4244", "ejercido", 5000),
    ("4244", "pagado", 5000),
]
PLOTLY_DEFAULT = {"#636efa", "#EF553B", "#00cc96", "#ab63fa", "#FFA15A", "#19d3f3"}


@pytest.fixture(scope="module")
def page(app):
    """The page's module, as the app registered it (a Dash page imports after the app)."""
    return next(sys.modules[p["module"]] for p in dash.page_registry.values()
                if p["path"] == "/presupuesto")


@pytest.fixture(scope="module")
def sample():
    moves = [Movement(date=D, partida=p, concepto="x", momento=m, amount=a)
             for p, m, a in SAMPLE_MOVES]
    return eaepe(BUDGET, moves)


def texts(node) -> str:
    """The text of a Dash component tree, as a browser joins it (ignoring layout)."""
    if node is None:
        return ""
    if isinstance(node, str | int | float):
        return str(node)
    if isinstance(node, list | tuple):
        return "".join(texts(n) for n in node)
    return texts(getattr(node, "children", None))


def find_all(node, kind) -> list:
    found = []
    if isinstance(node, list | tuple):
        for n in node:
            found += find_all(n, kind)
    elif node is not None and not isinstance(node, str | int | float):
        if isinstance(node, kind):
            found.append(node)
        found += find_all(getattr(node, "children", None), kind)
    return found


def luminance(color: str) -> float:
    rgb = [int(color.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


# -- the EAEPE table -------------------------------------------------------------------------------


def test_eaepe_table_has_the_conac_group_first_then_control_interno(page, sample):
    rows, total = sample
    table = page.eaepe_table(rows, total)
    head = find_all(table, html.Thead)[0]
    groups, names = head.children
    assert [(texts(th), th.colSpan) for th in groups.children] == [
        ("", 2), ("Formato CONAC (EAEPE)", 6), ("Control interno", 4)]
    assert [texts(th) for th in names.children] == [
        "Partida", "Nombre en el POA / clasificador", "Aprobado", "Ampliaciones/ (Reducciones)",
        "Modificado", "Devengado", "Pagado", "Subejercicio", "Comprometido", "Ejercido",
        "Disponible", "% ejercido"]
    body = find_all(table, html.Tbody)[0].children
    assert [texts(tr.children[0]) for tr in body] == ["2111", "2121", "2611", "3761", "4244",
                                                      "Total"]
    by_code = {texts(tr.children[0]): [texts(td) for td in tr.children] for tr in body}
    assert by_code["3761"][7] == "($4,000.00)"  # subejercicio = 50,000 − 54,000
    assert by_code["2611"][7] == "$5,500.00"  # 13,000 − 7,500
    assert by_code["4244"][3] == "($3,000.00)"  # the reducción, as CONAC writes it
    assert by_code["Total"][7] == "$11,800.00"
    assert by_code["Total"][2:8] == ["$90,000.00", "$0.00", "$90,000.00", "$78,200.00",
                                     "$69,200.00", "$11,800.00"]
    # phones read each cell with its header; the working columns say they are
    assert getattr(body[0].children[7], "data-label") == "Subejercicio"
    assert getattr(body[0].children[8], "data-label") == "Comprometido (control interno)"


def test_only_the_overspent_partida_is_red_and_says_so(page, sample):
    rows, total = sample
    table = page.eaepe_table(rows, total)
    body = find_all(table, html.Tbody)[0].children
    classes = {texts(tr.children[0]): tr.className for tr in body}
    assert classes["3761"] == "table-danger eaepe-overspent"
    assert [k for k, c in classes.items() if "danger" in c] == ["3761"]
    row = next(tr for tr in body if texts(tr.children[0]) == "3761")
    assert "⚠ Sobregirada: excede por $4,000.00" in texts(row.children[1])
    assert "eaepe-negative" in row.children[7].className  # subejercicio
    assert "eaepe-negative" in row.children[11].className  # % ejercido
    cards = page.kpi_cards(rows, total)
    overspent = cards.children[-1]
    assert "kpi-overspent" in overspent.children.className
    assert "1 de 5" in texts(overspent) and "3761" in texts(overspent)


def test_without_an_overspent_partida_nothing_is_red(page):
    rows, total = eaepe(BUDGET, [Movement(date=D, partida="2111", concepto="x",
                                          momento="ejercido", amount=5000)])  # exactly
    body = find_all(page.eaepe_table(rows, total), html.Tbody)[0].children
    assert not any("danger" in tr.className for tr in body)
    assert "Sobregirada" not in texts(body)
    card = page.kpi_cards(rows, total).children[-1]
    assert "kpi-overspent" not in card.children.className
    assert "Ninguna" in texts(card)
    fig = by_partida(rows)
    assert [t.name for t in fig.data] == ["Aprobado", "Modificado", "Ejercido"]
    assert OVERSPENT_COLOR not in drilldown(rows).data[0].marker.colors


def test_the_form_offers_the_poas_partidas_once_each_in_order(page):
    budget = [*BUDGET, BudgetLine("2111", "Papelería (otra línea)", 10.0),
              BudgetLine("TOTAL", "", 90_010.0)]
    assert page.partida_options(budget) == [
        {"label": "2111 — Papelería de oficina", "value": "2111"},
        {"label": "2121 — Materiales y útiles de impresión y reproducción", "value": "2121"},
        {"label": "2611 — Gasolina", "value": "2611"},
        {"label": "3761 — Viáticos en el extranjero", "value": "3761"},
        {"label": "4244 — Aportaciones para acciones", "value": "4244"},
    ]


# -- the figures ------------------------------------------------------------------------------------


def test_bars_are_horizontal_with_codes_on_the_axis_and_the_overspent_one_red(sample):
    rows, _ = sample
    fig = by_partida(rows)
    assert {t.orientation for t in fig.data} == {"h"}
    labels = list(fig.data[0].y)
    assert [re.match(r"<b>(\d{4})</b>", y)[1] for y in labels] == [
        "2111", "2121", "2611", "3761", "4244"]
    assert fig.layout.yaxis.autorange == "reversed"  # the POA's order, top to bottom
    assert fig.layout.xaxis.tickangle is None and fig.layout.yaxis.tickangle is None
    red = next(t for t in fig.data if t.name == "Ejercido sobregirado")
    normal = next(t for t in fig.data if t.name == "Ejercido")
    assert red.marker.color == OVERSPENT_COLOR == "#c62828"
    assert list(red.x) == [None, None, None, 54_000, None]
    assert list(normal.x) == [4_700, 2_000, 7_500, None, 5_000]
    assert red.offsetgroup == normal.offsetgroup  # one slot per partida, not two
    assert list(red.text) == ["", "", "", "108.0 %", ""]
    assert "⚠ Sobregirada" in labels[3] and "Sobregirada" not in "".join(labels[:3])
    # the legend at the foot of the figure, under the axis, never beside the labels
    assert (fig.layout.legend.orientation, fig.layout.legend.yref, fig.layout.legend.y,
            fig.layout.legend.yanchor) == ("h", "container", 0, "bottom")
    # every colour on white reaches 3:1 (graphics), the red word 4.5:1 (text)
    for trace in fig.data:
        assert contrast(trace.marker.color, "#ffffff") >= 3, trace.name
    assert contrast("#a4161a", "#ffffff") >= 4.5


def test_cumulative_legend_sits_at_the_foot_and_months_are_not_forced():
    fig = cumulative([0.0] * 12, [1.0] * 12, year=2026, as_of=date(2026, 11, 21))
    assert fig.layout.legend.yref == "container" and fig.layout.legend.yanchor == "bottom"
    assert fig.layout.xaxis.dtick is None  # Plotly thins the months on a phone, never turns them


def test_treemap_palette_labels_and_the_red_tile(sample):
    rows, _ = sample
    tree = drilldown(rows).data[0]
    assert tree.textfont.size >= 12
    fig = drilldown(rows)
    assert fig.layout.uniformtext.minsize >= 12 and fig.layout.uniformtext.mode == "hide"
    colors = list(tree.marker.colors)
    assert not {c.lower() for c in colors} & {c.lower() for c in PLOTLY_DEFAULT}
    ids = list(tree.ids)
    tiles = {key.rsplit("/", 1)[1]: k for k, key in enumerate(ids) if key.count("/") == 2}
    assert set(tiles) == {"2111", "2121", "2611", "3761", "4244"}
    assert colors[tiles["3761"]] == "#c62828"
    assert {colors[tiles[p]] for p in ("2111", "2121", "2611")} == {"#1f5f8b"}  # capítulo 2000
    assert colors[tiles["4244"]] == "#6b4c9a"  # capítulo 4000
    inks = list(tree.textfont.color)
    for k, color in enumerate(colors):  # every label readable on its box
        assert contrast(inks[k], color) >= 4.5, (ids[k], inks[k], color)
    red = tree.texttemplate[tiles["3761"]]
    assert red.startswith("<b>3761</b><br>Viáticos en el ex…<br>")
    assert "$54,000.00 de<br>$50,000.00 (108.0 %)" in red and "⚠ Sobregirada" in red
    assert tree.texttemplate[tiles["2611"]] == (
        "<b>2611</b><br>Gasolina<br>$7,500.00 de<br>$13,000.00 (57.7 %)")
    assert "excede $4,000.00" in tree.text[tiles["3761"]]  # and in its hover
    assert tree.labels[ids.index(next(i for i in ids if "/" not in i))].startswith("2000 ")


def test_helpers_cut_and_tint():
    assert short("Materiales y útiles de impresión", 10) == "Materiale…"
    assert short("Gasolina", 10) == "Gasolina"
    assert heading("2000 MATERIALES Y SUMINISTROS") == "2000 Materiales y suministros"
    assert heading("2100 MATERIALES DE ADMINISTRACIÓN, EMISIÓN DE DOCUMENTOS") == \
        "2100 Materiales de administra…"
    assert tint("#1f5f8b", 0) == "#1f5f8b" and tint("#1f5f8b", 1) == "#ffffff"


# -- the landing after signing in ----------------------------------------------------------------


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    from dashboard.app import create_app
    from loaders.settings import Settings
    from loaders.store.accounts import add_user

    # An empty database: the app stores the sample POA (and the examples of other areas).
    app = create_app(Settings(data_dir=tmp_path_factory.mktemp("landing"), read_seconds=120))
    engine = app.server.extensions["tablero_poa"].engine
    for name, role, areas in (
            ("directora", "direccion",
             [{"municipio": "Sombrerete", "area": "Migrantes y Ex braceros"}]),
            ("otra", "direccion", [{"municipio": "", "area": "Obras"}]),
            ("planea", "planeacion", None), ("jefa", "admin", None)):
        add_user(engine, name, PASSWORD, role, areas=areas, by="prueba")
    yield app
    engine.dispose()


PASSWORD = "clave-de-prueba-123"


def sign_in(app, username: str, query: str = ""):
    client = app.server.test_client()
    page = client.get("/ingresar" + query).get_data(as_text=True)
    token = re.search(r'name="csrf" value="([^"]+)"', page)[1]
    target = re.search(r'name="siguiente" value="([^"]*)"', page)[1]
    return client.post("/ingresar" + query, data={
        "usuario": username, "contrasena": PASSWORD, "csrf": token, "siguiente": target})


def test_a_director_lands_on_presupuesto_of_its_area_others_on_the_home_page(app):
    from loaders.store.schema import Plan

    with Session(app.server.extensions["tablero_poa"].engine) as s:
        plan_id = s.scalar(select(Plan.id).where(Plan.area == "Migrantes y Ex braceros"))
    assert sign_in(app, "directora").headers["Location"] == f"/presupuesto?poa={plan_id}"
    assert sign_in(app, "otra").headers["Location"] == "/presupuesto"  # no POA of its area yet
    assert sign_in(app, "planea").headers["Location"] == "/"
    assert sign_in(app, "jefa").headers["Location"] == "/"


def test_an_explicit_target_still_wins_for_a_director(app):
    response = sign_in(app, "directora", "?siguiente=%2Fmetas%3Fcorte%3D2026-11-21")
    assert response.headers["Location"] == "/metas?corte=2026-11-21"
    hostile = sign_in(app, "directora", "?siguiente=%2F%2Fevil.example")
    assert hostile.headers["Location"] == "/"  # asked for and refused: the home page

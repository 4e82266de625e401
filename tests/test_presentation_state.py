"""Estado without example data, a readable Historial and named POAs in Auditoría (issue 16, points
8, 12 and 15): the pages' pieces and the pure functions behind them, on the sample POA and the
three EJEMPLO POAs the app is seeded with (fecha de corte 01/12/2026)."""

from __future__ import annotations

import io
import sys
from datetime import date, datetime

import dash
import openpyxl
import pytest
from sqlalchemy.orm import Session

from dashboard.app import create_app
from dashboard.figures.history import (
    COLORSCALE,
    MAX_POINT_LABELS,
    MAX_VERSION_TICKS,
    achieved_history,
    index_history,
    progress_text,
    spread,
)
from dashboard.figures.state import EXAMPLES_NOTE, semaforo_stack_spec
from loaders.check.diff import compare_versions
from loaders.check.poa import check_document
from loaders.check.progress import efficiency_index
from loaders.examples import is_example
from loaders.imports import import_workbook
from loaders.read.poa import read_poa, read_poa_file
from loaders.settings import Settings
from loaders.store.audit import AuditRow
from loaders.store.overview import Tally
from loaders.store.queries import list_plans, load_version
from tests.paths import SAMPLE_WORKBOOK

CORTE = "2026-12-01"
AS_OF = date(2026, 12, 1)
READ_SECONDS = 120  # the machine may be busy: reading the seeds must not time out


def find(node, ident: str):
    """The component with id `ident` in a Dash layout tree, or None."""
    if getattr(node, "id", None) == ident:
        return node
    children = getattr(node, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        if child is not None and not isinstance(child, str | int | float):
            found = find(child, ident)
            if found is not None:
                return found
    return None


def walk(node):
    """Every component of a layout tree."""
    if isinstance(node, list | tuple):
        for n in node:
            yield from walk(n)
    elif node is not None and not isinstance(node, str | int | float):
        yield node
        yield from walk(getattr(node, "children", None))


def text(node) -> str:
    """The words a component shows (its children's text, joined)."""
    if node is None:
        return ""
    if isinstance(node, str | int | float):
        return str(node)
    if isinstance(node, list | tuple):
        return "".join(text(n) for n in node)
    return text(getattr(node, "children", None))


def page(path: str):
    return next(p["layout"] for p in dash.page_registry.values() if p["path"] == path)


def module(path: str):
    """A page's module as Dash Pages loaded it (once an app exists; importing it again would
    register the page twice)."""
    return sys.modules[next(p["module"] for p in dash.page_registry.values()
                            if p["path"] == path)]


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    """The app as first started: the sample POA and the three EJEMPLO POAs of Sombrerete."""
    app = create_app(Settings(data_dir=tmp_path_factory.mktemp("state") / "data",
                              read_seconds=READ_SECONDS))
    with Session(app.server.extensions["tablero_poa"].engine) as session:
        plans = list_plans(session)
        docs = [load_version(session, p.current_version_id).doc for p in plans]
    assert sorted(p.area for p in plans) == [
        "Desarrollo Social (EJEMPLO)", "Migrantes y Ex braceros", "Obras Públicas (EJEMPLO)",
        "Protección Civil (EJEMPLO)"]
    return app, docs


# -- which POAs are examples ----------------------------------------------------------------------


def test_example_and_synthetic_poas_are_known_by_the_mark_in_their_names():
    assert is_example("Desarrollo Social (EJEMPLO)")
    assert is_example("Cultura (SINTÉTICO)") and is_example("Cultura (sintetico)")
    assert is_example(None, "Dirección de Obras (Ejemplo)")
    assert not is_example("Migrantes y Ex braceros", "Secretaría de Gobierno")
    assert not is_example("Ejemplo de Vida, A.C.")  # a word in a real name is no mark


# -- Estado ---------------------------------------------------------------------------------------


def test_estado_sums_only_the_real_poa_and_says_how_many_examples_it_left_out(seeded):
    app, _ = seeded
    with app.server.test_request_context("/estado"):
        shown = page("/estado")(corte=CORTE)
        detail = page("/estado")(corte=CORTE, municipio="Sombrerete")
    assert text(find(shown, "estado-indice")) == "11.6 %"  # 23 / 198, the real POA alone
    assert text(find(shown, "estado-poas")) == "1"
    assert text(find(shown, "estado-ejemplos-aviso")) == (
        "No se incluyen 3 POA de ejemplo (datos ficticios): las cifras son sólo de 1 POA real.")
    switch = find(shown, "estado-ejemplos")
    assert (switch.label, switch.value) == ("Incluir datos de ejemplo", False)
    assert find(shown, "estado-con-ejemplos") is None
    chart = find(shown, "estado-chart").figure
    assert [list(t["y"]) for t in chart["data"]] == [["Sombrerete"]] * len(chart["data"])
    assert sum(t["x"][0] for t in chart["data"]) == 16  # the real POA's 16 activities
    assert chart["layout"]["xaxis"]["title"]["text"] == "Actividades"
    assert text(find(detail, "estado-municipio")) == "Sombrerete: 1 POA, índice 11.6 %"
    areas = find(detail, "estado-areas-chart").figure["data"]
    assert {tuple(t["y"]) for t in areas} == {("Migrantes y Ex braceros",)}


def test_estado_with_the_examples_asked_for_blends_them_and_says_so(seeded):
    app, docs = seeded
    index = efficiency_index([a for doc in docs for a in doc.activities]).pct
    blended = f"{index:.1f} %"
    assert blended != "11.6 %"
    with app.server.test_request_context("/estado"):
        shown = page("/estado")(corte=CORTE, ejemplos="1")
        detail = page("/estado")(corte=CORTE, ejemplos="1", municipio="Sombrerete")
    assert text(find(shown, "estado-indice")) == blended
    assert text(find(shown, "estado-poas")) == "4"
    assert text(find(shown, "estado-ejemplos-aviso")) == (
        "Incluye datos de ejemplo. Las cifras suman 3 POA de ejemplo (datos ficticios) a 1 POA "
        "real: no son cifras reales.")
    assert find(shown, "estado-ejemplos").value is True
    assert text(find(shown, "estado-con-ejemplos")) == "incluye datos de ejemplo"
    chart = find(shown, "estado-chart").figure
    assert chart["layout"]["xaxis"]["title"]["text"] == f"Actividades<br><b>{EXAMPLES_NOTE}</b>"
    assert sum(t["x"][0] for t in chart["data"]) == sum(len(d.activities) for d in docs)
    assert text(find(detail, "estado-municipio")) == f"Sombrerete: 4 POA, índice {blended}"
    # the links keep the choice: to the municipio and back
    links = [c.href for c in walk(shown) if getattr(c, "href", None)]
    assert any("municipio=Sombrerete" in href for href in links)
    assert all("ejemplos=1" in href for href in links), links
    back = [c.href for c in walk(detail) if getattr(c, "href", None)]
    assert any("municipio" not in href and "ejemplos=1" in href for href in back), back


def test_estado_with_only_synthetic_data_says_so_instead_of_an_empty_page(tmp_path):
    from loaders.synth import write_workbooks

    settings = Settings(data_dir=tmp_path / "data", sample_workbook=tmp_path / "none.xlsx",
                        read_seconds=READ_SECONDS)
    app = create_app(settings)
    engine = app.server.extensions["tablero_poa"].engine
    for path in write_workbooks(tmp_path / "s", municipios=1, areas=2, activities=4, seed=3):
        import_workbook(engine, path.read_bytes(), settings, file_name=path.name,
                        uploaded_by="prueba", as_of=AS_OF)
    with app.server.test_request_context("/estado"):
        shown = page("/estado")(corte=CORTE)
        asked = page("/estado")(corte=CORTE, ejemplos="1")
    assert text(find(shown, "estado-ejemplos-aviso")) == (
        "Sólo hay datos de ejemplo. Los POA del año 2026 son 2 POA de ejemplo (datos "
        "ficticios); no hay POA reales que sumar. Active «Incluir datos de ejemplo» para verlos.")
    assert find(shown, "estado-chart") is None and find(shown, "estado-ejemplos").value is False
    assert "Aún no hay POA" not in text(shown)
    assert text(find(asked, "estado-actividades")) == "8"
    assert text(find(asked, "estado-ejemplos-aviso")).startswith(
        "Incluye datos de ejemplo. Las cifras suman 2 POA de ejemplo (datos ficticios): no son")


def test_municipio_lists_the_examples_and_says_they_are_examples(seeded):
    app, _ = seeded
    with app.server.test_request_context("/municipio"):
        shown = page("/municipio")(corte=CORTE)
    assert text(find(shown, "municipio-ejemplos")) == (
        "De estos 4 POA, 3 son de ejemplo (datos ficticios; su nombre lo dice). Se listan aquí, "
        "pero no se suman en las cifras del Estado.")


def test_the_state_figure_writes_its_note_under_the_axis():
    tally = Tally("Sombrerete", activities=3, rojo=2, verde=1)
    plain = semaforo_stack_spec([tally])
    noted = semaforo_stack_spec([tally], note=EXAMPLES_NOTE)
    assert noted["layout"]["xaxis"]["title"]["text"] == (
        "Actividades<br><b>Incluye datos de ejemplo</b>")
    assert noted["layout"]["height"] == plain["layout"]["height"] + 24
    assert noted["layout"]["margin"]["b"] == plain["layout"]["margin"]["b"] + 24


# -- Historial ------------------------------------------------------------------------------------


def test_the_number_of_versions_is_said_in_singular_and_plural(seeded):
    historial = module("/historial")
    assert historial.versions_text(1) == "1 versión cargada."
    assert historial.versions_text(2) == "2 versiones cargadas."
    assert historial.versions_text(1200) == "1,200 versiones cargadas."


def test_the_heatmap_colours_each_cell_by_the_share_of_its_activity_goal():
    fig = achieved_history(
        ["v1 01/02/2026", "v2 01/03/2026"], ["1. Corazón de Plata", "2. Apoyo a deportados"],
        [[(6, 20), (26, 20)], [(6, 50), None]])
    heatmap = fig.data[0]
    # rows: each activity's name (a gap with the name written over it), then its cells
    assert [list(row) for row in heatmap.z] == [[None, None], [30.0, 130.0], [None, None],
                                                [12.0, None]]
    assert (heatmap.zmin, heatmap.zmax) == (0, 100)  # 130 % is as dark as 100 %
    assert [tuple(s) for s in heatmap.colorscale] == [tuple(s) for s in COLORSCALE]
    assert COLORSCALE[0] == (0.0, "rgb(247,251,255)") and COLORSCALE[-1][0] == 1.0
    assert list(heatmap.text[1]) == ["6 de 20<br>30.0 %", "26 de 20<br>130.0 %"]
    assert list(heatmap.text[3]) == ["6 de 50<br>12.0 %", "—"]
    assert [list(c) for c in heatmap.customdata[1]] == [
        ["1. Corazón de Plata", "6 de 20 (30.0 %)"], ["1. Corazón de Plata", "26 de 20 (130.0 %)"]]
    assert heatmap.customdata[0] is None and heatmap.hoverongaps is False
    assert heatmap.hovertemplate == "%{customdata[0]}<br>%{x}: %{customdata[1]}<extra></extra>"
    assert [(a.text, a.y, a.xanchor) for a in fig.layout.annotations] == [
        ("1. Corazón de Plata", "nombre 0", "left"), ("2. Apoyo a deportados", "nombre 1", "left")]
    assert fig.layout.yaxis.showticklabels is False
    assert list(fig.layout.xaxis.ticktext) == ["v1<br>01/02/2026", "v2<br>01/03/2026"]


def test_progress_text_says_the_count_the_goal_and_the_share():
    assert progress_text((6, 20)) == "6 de 20 (30.0 %)"
    assert progress_text((1200, 1500)) == "1,200 de 1,500 (80.0 %)"
    assert progress_text((None, 20)) == "sin dato de 20"
    assert progress_text((3, 0)) == "3 (sin meta programada)"
    assert progress_text(None) == "—"


def test_the_index_chart_names_few_versions_and_writes_few_values():
    points = [(f"v{i} {i:02d}/01/2026", 10.0 + i) for i in range(1, 21)]
    fig = index_history(points)
    ticks = list(fig.layout.xaxis.ticktext)
    assert len(ticks) <= MAX_VERSION_TICKS and (ticks[0], ticks[-1]) == ("v1", "v20")
    assert list(fig.layout.xaxis.tickvals)[-1] == "v20 20/01/2026"  # the hover's whole label
    written = [t for t in fig.data[0].text if t]
    assert len(written) <= MAX_POINT_LABELS and (written[0], written[-1]) == ("11.0 %", "30.0 %")
    assert fig.layout.xaxis.tickangle == 0 and fig.layout.xaxis.automargin is True
    two = index_history([("v1 01/01/2026", 11.6), ("v2 01/03/2026", 21.7)])
    assert list(two.layout.xaxis.ticktext) == ["v1", "v2"]
    assert list(two.data[0].text) == ["11.6 %", "21.7 %"]


def test_spread_keeps_the_first_and_the_last_evenly_apart():
    assert spread(2, 8) == [0, 1]
    assert spread(7, 4) == [0, 2, 4, 6]
    assert spread(20, 8) == [0, 3, 6, 9, 12, 15, 19]
    assert spread(0, 4) == []


@pytest.fixture(scope="module")
def raised():
    """The sample, and the sample with activity 1 «Corazón de Plata» at 26 of 20 (was 6)."""
    settings = Settings()
    before = read_poa_file(SAMPLE_WORKBOOK, settings)
    book = openpyxl.load_workbook(SAMPLE_WORKBOOK)
    book["Cronograma"]["H6"] = 26
    buffer = io.BytesIO()
    book.save(buffer)
    after = read_poa(buffer.getvalue(), settings)
    return compare_versions(before, after, AS_OF,
                            findings_before=check_document(before, AS_OF, settings),
                            findings_after=check_document(after, AS_OF, settings))


def test_the_comparison_names_the_activity_and_its_semaforo_index_and_findings(raised):
    (activity,) = raised.activities
    assert (activity.number, activity.title) == (1, "1. Corazón de Plata")
    assert [c.detail for c in activity.changes] == ["meta alcanzada 6 → 26"]
    light = activity.semaforo
    assert (light.before, light.before_label, light.after, light.after_label) == (
        "rojo", "En riesgo", "verde", "Concluida")
    assert (round(raised.index_before, 1), round(raised.index_after, 1)) == (11.6, 21.7)
    assert round(raised.index_change, 1) == 10.1
    assert [(f.code, f.cell) for f in raised.findings_added] == [
        ("PCT_MISMATCH", "I6"), ("ACHIEVED_OVER_GOAL", "H6")]
    assert [(f.code, f.cell) for f in raised.findings_removed] == [("BEHIND_SCHEDULE", "H6")]


def test_the_comparison_reads_as_sentences(seeded, raised):
    body = module("/historial").comparison_body(raised, 1, 2, AS_OF)
    assert text(find(body, "historial-diff-summary")) == (
        "De la versión 1 a la 2, a la fecha de corte 01/12/2026: 1 actividad con cambios, "
        "0 agregadas, 0 eliminadas.")
    assert text(find(body, "historial-diff-index")) == (
        "Índice de Eficiencia: 11.6 % → 21.7 % (+10.1 puntos)")
    (item,) = find(body, "historial-diff-list").children
    assert text(item) == ("1. Corazón de PlataMeta alcanzada 6 → 26"
                          "Semáforo: ■ Rojo — En riesgo → ● Verde — Concluida")
    added = [text(li) for li in find(body, "historial-findings-added").children]
    assert added[1] == ("Advertencia ACHIEVED_OVER_GOAL Cronograma!H6: Actividad 1: la meta "
                        "alcanzada 26 supera la programada 20.")
    assert text(find(body, "historial-findings-removed")).startswith(
        "Advertencia BEHIND_SCHEDULE Cronograma!H6: Actividad 1: al 01/12/2026 lleva 30.0 %")


# -- Auditoría ------------------------------------------------------------------------------------


def _row(detail: str, version_id: int | None = None) -> AuditRow:
    return AuditRow(1, datetime(2026, 12, 1, 9), "ejemplo", "x", detail, "", version_id)


def test_auditoria_names_the_poa_instead_of_its_number(seeded):
    auditoria = module("/auditoria")
    plans = {4: "Migrantes y Ex braceros 2026 — Sombrerete"}
    named = "POA «Migrantes y Ex braceros 2026 — Sombrerete»"
    assert auditoria.readable_detail(
        _row("ejercicio.xlsx (ejercicio v1, 37 movimientos, sha256 6fad6d8958fb, POA 4)"),
        plans, {}) == f"ejercicio.xlsx (ejercicio v1, 37 movimientos, sha256 6fad6d8958fb, {named})"
    assert auditoria.readable_detail(_row("plantilla.xlsx (POA 4, versión 2)"), plans, {}) == (
        f"plantilla.xlsx ({named}, versión 2)")
    assert auditoria.readable_detail(_row("poa.xlsx (v2, sha256 abc)", 9), plans, {9: 4}) == (
        f"poa.xlsx (v2, sha256 abc) · {named}")
    # a POA no longer known, and a file named like a POA, are left as written
    assert auditoria.readable_detail(_row("x (POA 7)"), plans, {}) == "x (POA 7)"
    assert auditoria.readable_detail(_row("POA 4.xlsx: no se pudo leer"), plans, {}) == (
        "POA 4.xlsx: no se pudo leer")


def test_auditoria_signed_out_offers_to_sign_in_and_come_back(seeded):
    app, _ = seeded
    with app.server.test_request_context("/auditoria"):
        shown = page("/auditoria")()
    assert text(find(shown, "audit-not-allowed")) == (
        "Para administrar cuentas ingrese con su cuenta. Ingresar")
    assert find(shown, "audit-login").href == "/ingresar?siguiente=/auditoria"


def test_the_history_figures_live_in_their_own_module():
    import dashboard.figures.poa as poa

    assert not hasattr(poa, "index_history") and not hasattr(poa, "achieved_history")

"""dashboard.grid builds every AG Grid the same way: Spanish text, sorting and filtering, the CSV
export's file and columns, and no AG Grid string expression (they would need `new Function`,
which the Content-Security-Policy forbids). Calidad's rows lead with the Spanish title."""

from __future__ import annotations

import sys
from datetime import date

import dash
import pytest

from dashboard.app import create_app
from dashboard.grid import DEFAULT_COLUMN, LOCALE_ES, grid
from dashboard.views import plan_view
from loaders.codes import BUDGET_CODE_TITLES, BUDGET_CODES, CODE_TITLES, CODES
from loaders.read.poa import read_poa_file
from loaders.settings import Settings
from tests.paths import SAMPLE_WORKBOOK

# AG Grid options whose string value AG Grid itself would compile with `new Function`.
EXPRESSION_KEYS = {"valueGetter", "valueFormatter", "valueParser", "valueSetter",
                   "filterValueGetter", "headerValueGetter", "cellClass", "cellStyle",
                   "tooltipValueGetter", "getQuickFilterText", "comparator"}


@pytest.fixture(scope="module")
def calidad(tmp_path_factory):
    """The Calidad page's module, as Dash imports it when the app is made."""
    create_app(Settings(data_dir=tmp_path_factory.mktemp("grid") / "data"))
    page = next(p for p in dash.page_registry.values() if p["path"] == "/calidad")
    return sys.modules[page["module"]]


def test_the_grid_speaks_spanish_and_sorts_and_filters_every_column():
    g = grid("g", [{"field": "a", "headerName": "Año"}], [{"a": 2026}], csv_file="x.csv")
    options = g.dashGridOptions
    assert options["localeText"] is LOCALE_ES
    assert LOCALE_ES["page"] == "Página" and LOCALE_ES["of"] == "de" and LOCALE_ES["to"] == "a"
    assert LOCALE_ES["noRowsToShow"] == "Sin filas"
    assert LOCALE_ES["contains"] == "Contiene" and LOCALE_ES["filterOoo"] == "Filtrar…"
    assert LOCALE_ES["ariaFilterInput"] == "Campo del filtro"
    assert all(v.strip() for v in LOCALE_ES.values())
    assert options["domLayout"] == "autoHeight"
    assert options["pagination"] is True and options["paginationPageSize"] == 50
    assert g.defaultColDef is DEFAULT_COLUMN
    assert DEFAULT_COLUMN["sortable"] is True and DEFAULT_COLUMN["floatingFilter"] is True
    assert DEFAULT_COLUMN["filter"] == "agTextColumnFilter"
    assert g.columnDefs == [{"field": "a", "headerName": "Año"}]
    assert g.rowData == [{"a": 2026}]
    assert g.csvExportParams == {
        "fileName": "x.csv", "processCellCallback": {"function": "escapeCsvCell(params)"}}


def test_options_override_and_the_csv_can_name_hidden_columns():
    g = grid("g", [{"field": "a"}, {"field": "b", "hide": True}], [], csv_file="y.csv",
             csv_columns=["b", "a"], page_size=None, options={"domLayout": "normal"})
    assert "pagination" not in g.dashGridOptions
    assert g.dashGridOptions["domLayout"] == "normal"
    assert g.csvExportParams["columnKeys"] == ["b", "a"]


def _strings_under(keys: set[str], value, found: list) -> list:
    if isinstance(value, dict):
        for k, v in value.items():
            if k in keys and isinstance(v, str):
                found.append((k, v))
            _strings_under(keys, v, found)
    elif isinstance(value, list):
        for v in value:
            _strings_under(keys, v, found)
    return found


def test_no_grid_option_is_an_ag_grid_string_expression(calidad):
    columns = [*calidad.COLUMNS, DEFAULT_COLUMN]
    assert _strings_under(EXPRESSION_KEYS, columns, []) == []
    assert calidad.COLUMNS[0]["filterValueGetter"] == {
        "function": "params.data.titulo + ' ' + params.data.codigo"}


def test_every_finding_code_has_a_spanish_title(calidad):
    for code in [*CODES, *BUDGET_CODES]:
        title = calidad.code_title(code)
        assert title != code and title[0].isupper() and not title.isupper(), code
    assert set(CODES) <= set(CODE_TITLES) and set(BUDGET_CODES) <= set(BUDGET_CODE_TITLES)
    assert calidad.code_title("BUDGET_OVERSPENT") == \
        "Partida con gasto mayor que su presupuesto modificado"
    assert calidad.code_title("SOMETHING_NEW") == "SOMETHING_NEW"  # never an empty cell


def test_calidad_rows_lead_with_the_title_and_keep_the_code_and_place(calidad):
    findings = plan_view(read_poa_file(SAMPLE_WORKBOOK, Settings()), date(2026, 11, 21),
                         Settings()).findings
    rows = calidad.rows_of(findings)
    assert len(rows) == len(findings) == 48
    first = rows[0]
    assert list(first)[:2] == ["titulo", "codigo"]
    assert first["titulo"] == "Porcentaje que no cuadra con los números"
    assert (first["codigo"], first["severidad"], first["objeto"], first["actividad"],
            first["ubicacion"]) == ("PCT_MISMATCH", "Error", 2, 2, "Cronograma!I7")
    assert first["partida"] is None
    # the CSV's columns are the Excel copy's
    names = {c["field"]: c["headerName"] for c in calidad.COLUMNS}
    assert [names[f] for f in calidad.CSV_COLUMNS] == [
        "Severidad", "Código", "Actividad", "Ubicación", "Mensaje", "Partida"]
    shown = [c["headerName"] for c in calidad.COLUMNS if not c.get("hide")]
    assert shown == ["Hallazgo", "Severidad", "Actividad / partida", "Ubicación", "Mensaje"]

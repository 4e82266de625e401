"""The one place that builds an AG Grid (dash-ag-grid): the Spanish (Mexico) text of its controls,
sorting and filtering on every column, a filter row under the headers, rows as tall as their
wrapped text, the page (not the grid) taking the height, and the grid's own CSV export.

Security: every function the options name runs through dash-ag-grid's own expression reader,
never `eval`/`new Function` (the Content-Security-Policy forbids them, see `dashboard.security`):
so no AG Grid *string expressions* (a `valueGetter: "data.x"` string) here, only
`{"function": ...}` objects, `rowClassRules`, and the functions of `assets/grid.js`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import dash_ag_grid as dag

# AG Grid's interface text (its `localeText` keys) in Spanish (Mexico): filters, pagination,
# overlays and what screen readers hear. A key left out would show AG Grid's English.
LOCALE_ES: dict[str, str] = {
    # filters
    "filterOoo": "Filtrar…",
    "applyFilter": "Aplicar",
    "clearFilter": "Limpiar",
    "resetFilter": "Restablecer",
    "cancelFilter": "Cancelar",
    "textFilter": "Filtro de texto",
    "numberFilter": "Filtro de número",
    "dateFilter": "Filtro de fecha",
    "setFilter": "Filtro de lista",
    "empty": "Elija uno",
    "equals": "Igual a",
    "notEqual": "Distinto de",
    "lessThan": "Menor que",
    "greaterThan": "Mayor que",
    "lessThanOrEqual": "Menor o igual que",
    "greaterThanOrEqual": "Mayor o igual que",
    "inRange": "Entre",
    "inRangeStart": "Desde",
    "inRangeEnd": "Hasta",
    "contains": "Contiene",
    "notContains": "No contiene",
    "startsWith": "Empieza con",
    "endsWith": "Termina con",
    "blank": "Vacío",
    "notBlank": "No vacío",
    "before": "Antes de",
    "after": "Después de",
    "andCondition": "Y",
    "orCondition": "O",
    "dateFormatOoo": "dd/mm/aaaa",
    "blanks": "(Vacíos)",
    "selectAll": "(Seleccionar todo)",
    "searchOoo": "Buscar…",
    "noMatches": "Sin coincidencias",
    "filterSummaryInactive": "es (todos)",
    "filterSummaryContains": "contiene",
    "filterSummaryNotContains": "no contiene",
    "filterSummaryTextEquals": "es igual a",
    "filterSummaryTextNotEqual": "es distinto de",
    "filterSummaryStartsWith": "empieza con",
    "filterSummaryEndsWith": "termina con",
    "filterSummaryBlank": "está vacío",
    "filterSummaryNotBlank": "no está vacío",
    "filterSummaryInRange": "entre",
    "invalidDate": "Fecha inválida",
    "invalidNumber": "Número inválido",
    # pagination: «1 a 25 de 48», «Página 1 de 2»
    "page": "Página",
    "of": "de",
    "to": "a",
    "more": "más",
    "firstPage": "Primera página",
    "previousPage": "Página anterior",
    "nextPage": "Página siguiente",
    "lastPage": "Última página",
    "pageSizeSelectorLabel": "Filas por página:",
    "pageLastRowUnknown": "?",
    # overlays and states
    "loadingOoo": "Cargando…",
    "loadingError": "Error al cargar",
    "noRowsToShow": "Sin filas",
    "noMatchingRows": "Ninguna fila coincide con el filtro",
    "exportingOoo": "Exportando…",
    # numbers as written in Mexico (1,234.56)
    "thousandSeparator": ",",
    "decimalSeparator": ".",
    # what screen readers hear
    "ariaChecked": "marcado",
    "ariaUnchecked": "sin marcar",
    "ariaIndeterminate": "indeterminado",
    "ariaColumnFiltered": "Columna filtrada",
    "ariaDateFilterInput": "Campo del filtro de fecha",
    "ariaFilterColumn": "Pulse Ctrl Entrar para abrir el filtro",
    "ariaFilterFromValue": "Filtrar desde el valor",
    "ariaFilterInput": "Campo del filtro",
    "ariaFilterMenuOpen": "Abrir el menú del filtro",
    "ariaFilterToValue": "Filtrar hasta el valor",
    "ariaFilterValue": "Valor del filtro",
    "ariaFilteringOperator": "Operador del filtro",
    "ariaLabelColumnFilter": "Filtro de la columna",
    "ariaLabelColumnMenu": "Menú de la columna",
    "ariaLabelTooltip": "Información",
    "ariaLabelDialog": "Diálogo",
    "ariaLabelSelectField": "Elegir",
    "ariaMenuColumn": "Pulse Alt Abajo para abrir el menú de la columna",
    "ariaPageSizeSelectorLabel": "Filas por página",
    "ariaSortableColumn": "Pulse Entrar para ordenar",
    "ariaSortableColumnWithCellSelection": "Pulse Alt Entrar para ordenar",
    "ariaSkeletonCellLoading": "Cargando la fila",
    "ariaSkeletonCellLoadingFailed": "No se pudo cargar la fila",
    "ariaDeferSkeletonCellLoading": "Cargando la celda",
    "ariaRowSelectAll": "Pulse Espacio para elegir todas las filas",
    "ariaRowToggleSelection": "Pulse Espacio para elegir la fila",
    "ariaRowSelect": "Pulse Espacio para elegir la fila",
    "ariaRowDeselect": "Pulse Espacio para quitar la fila",
    "ariaToggleCellValue": "Pulse Espacio para cambiar el valor",
    "ariaHidden": "oculta",
    "ariaVisible": "visible",
    "ariaSearch": "Buscar",
    "ariaSearchFilterValues": "Buscar valores del filtro",
}

# Every column: sortable, filtered by text (accents and case ignored, see `TEXT_FILTER`) from
# the filter row, header text wrapped instead of cut, cells wrapped with the row as tall as needed.
TEXT_FILTER = {
    "filter": "agTextColumnFilter",
    "floatingFilter": True,
    "filterParams": {
        "filterOptions": ["contains", "notContains", "equals", "startsWith", "endsWith"],
        "defaultOption": "contains",
        "maxNumConditions": 1,
        # «vacio» finds «Vacío», «PCT» finds «pct_mismatch» (assets/grid.js)
        "textFormatter": {"function": "foldText(params)"},
    },
    "suppressHeaderMenuButton": True,
}
DEFAULT_COLUMN = {
    "sortable": True,
    "resizable": True,
    "wrapHeaderText": True,
    "autoHeaderHeight": True,
    "wrapText": True,
    "autoHeight": True,
    "minWidth": 90,
    **TEXT_FILTER,
}
PAGE_SIZES = [25, 50, 100]


def grid(
    grid_id: str,
    columns: Sequence[Mapping],
    rows: Sequence[Mapping],
    *,
    csv_file: str,
    csv_columns: Sequence[str] | None = None,
    page_size: int | None = 50,
    options: Mapping | None = None,
    **kwargs,
) -> dag.AgGrid:
    """An AG Grid with the project's Spanish text and defaults.

    `columns` are AG Grid column definitions (`field`, `headerName`, widths…); `csv_file` is the
    name the grid's own CSV export (`exportDataAsCsv=True`, see `CSV_EXPORT_JS`) gives the file,
    `csv_columns` the fields it writes (hidden columns included; by default the columns shown),
    every text a spreadsheet would run as a formula escaped with an apostrophe. `page_size` rows
    per page (None: every row on one page). The grid is as tall as its rows (`autoHeight`): the
    page scrolls, never the grid inside a box; `options` adds or overrides AG Grid options."""
    grid_options = {
        "domLayout": "autoHeight",
        "localeText": LOCALE_ES,
        "animateRows": False,
        "enableCellTextSelection": True,  # a clerk copies a message or a cell name
        "ensureDomOrder": True,  # screen readers and the keyboard meet rows in their order
        "suppressDragLeaveHidesColumns": True,
        "tooltipShowDelay": 300,
    }
    if page_size:
        grid_options.update(pagination=True, paginationPageSize=page_size,
                            paginationPageSizeSelector=PAGE_SIZES)
    grid_options.update(options or {})
    csv_params = {
        "fileName": csv_file,
        "processCellCallback": {"function": "escapeCsvCell(params)"},
    }
    if csv_columns is not None:
        csv_params["columnKeys"] = list(csv_columns)
    return dag.AgGrid(
        id=grid_id,
        columnDefs=[dict(c) for c in columns],
        rowData=[dict(r) for r in rows],
        defaultColDef=DEFAULT_COLUMN,
        dashGridOptions=grid_options,
        csvExportParams=csv_params,
        className="tablero-grid",
        style={"width": "100%"},
        **kwargs,
    )


# The clientside callback body that asks a grid to export its CSV when a button is clicked
# (`app.clientside_callback(CSV_EXPORT_JS, Output(grid, "exportDataAsCsv"),
# Input(button, "n_clicks"))`): the file holds the rows as filtered and sorted on screen.
CSV_EXPORT_JS = "function (nClicks) { return Boolean(nClicks); }"

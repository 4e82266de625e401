"""Alineación: which activities serve each fracción of Art. 122 and each IOM dimension, with each
activity's progress in its cells; faculties and dimensions without activities stand out, and the
POA's lines of action taken from the IOM report are marked. No callbacks: the layout follows the
URL's selection (POA, version, fecha de corte).

Orientation first: a legend at the top says how to read the matrices and links to each section;
every column header names its fracción or dimension in words (the full name in its `title`),
and the headers stay in view while the matrix scrolls inside its box (assets/alineacion.css)."""

from __future__ import annotations

from collections.abc import Sequence

import dash
import dash_bootstrap_components as dbc
from dash import html

from dashboard.components import empty_state, page_header, scroll_region, semaforo_badge
from dashboard.services import get_services
from dashboard.state import PageData, page_data
from loaders.check.alignment import (
    CellProgress,
    Coverage,
    IomMatch,
    alignment_sheet_of,
    coverage,
    iom_matches,
    matrix,
)
from loaders.check.progress import Thresholds
from loaders.reference import DIMENSION, FRACCION, Reference, load_reference
from loaders.text import fmt_number, fmt_pct, fold

dash.register_page(
    __name__, path="/alineacion", name="Alineación", title="Alineación — Tablero POA", order=3.2,
)

GAP_CLASS = "alineacion-gap"
RESIDUAL_CLASS = "alineacion-residual"
NO_ACTIVITIES = "Sin actividades"


def _progress_text(cell: CellProgress) -> str:
    """«6/50 · 12 %»."""
    achieved = "—" if cell.achieved is None else fmt_number(cell.achieved, 0)
    programmed = "—" if cell.programmed is None else fmt_number(cell.programmed, 0)
    real = "—" if cell.real_pct is None else fmt_pct(cell.real_pct)
    return f"{achieved}/{programmed} · {real}"


def _column_class(cov: Coverage, kind: str, code: str) -> str:
    if kind == FRACCION and code in cov.residual:
        return RESIDUAL_CLASS
    return GAP_CLASS if not cov.activities_of(kind, code) else ""


KIND_WORDS = {FRACCION: "Fracción", DIMENSION: "Dimensión"}


def _header_cell(kind: str, code: str, name: str, css: str) -> html.Th:
    """«Fracción» over its number and its name in words; the whole, «Fracción II: Atención,
    orientación y asesoría», also as the cell's tooltip."""
    note = None
    if css == GAP_CLASS:
        note = html.Div(NO_ACTIVITIES, className="alineacion-gap-note")
    elif css == RESIDUAL_CLASS:
        note = html.Div("Residual", className="alineacion-residual-note")
    return html.Th(
        [html.Div(KIND_WORDS[kind], className="alineacion-kind"),
         html.Div(code, className="alineacion-code"),
         html.Div(name, className="alineacion-name"), note],
        title=f"{KIND_WORDS[kind]} {code}: {name}", scope="col",
        className=f"alineacion-col {css}".strip(),
    )


def _cell(kind: str, code: str, number: int, cells, css: str) -> html.Td:
    cell = cells.get((number, kind, code))
    if cell is None:
        return html.Td("", className=f"alineacion-cell {css}".strip())
    what = f"fracción {code}" if kind == FRACCION else f"dimensión {code}"
    return html.Td(
        [html.Div(_progress_text(cell), className="alineacion-progress"),
         semaforo_badge(cell.semaforo)],
        className=f"alineacion-cell alineacion-covered {css}".strip(),
        title=f"Actividad {number} · {what}: {_progress_text(cell)} · {cell.label}",
    )


def _matrix_table(table_id: str, kind: str, columns: Sequence[tuple[str, str]], data: PageData,
                  cov: Coverage, cells, iom: set[int]) -> html.Div:
    """Activities × codes (`columns`: (code, name)), each covered cell with its progress."""
    classes = {code: _column_class(cov, kind, code) for code, _ in columns}
    head = html.Thead(html.Tr(
        [html.Th("Nº", scope="col", className="alineacion-number"),
         html.Th("Actividad", scope="col", className="alineacion-activity")]
        + [_header_cell(kind, code, name, classes[code]) for code, name in columns]
    ))
    rows = []
    for a in data.view.activities:
        name = [a.name]
        if a.number in iom:
            name += [" ", html.Span([
                html.Span("Línea tomada del informe OIM", className="d-print-none"),
                html.Span("OIM", className="d-none d-print-inline"),  # narrow paper
            ], className="iom-mark", title="Su línea de acción viene del informe de la OIM")]
        rows.append(html.Tr(
            [html.Td(a.label or a.number, className="alineacion-number"),
             html.Th(name, scope="row", className="alineacion-activity")]
            + [_cell(kind, code, a.number, cells, classes[code]) for code, _ in columns],
            id=f"{table_id}-row-{a.number}",
        ))
    foot = html.Tfoot(html.Tr(
        [html.Th("Actividades", colSpan=2, scope="row", className="alineacion-foot-label")]
        + [
            html.Th(
                "Residual" if classes[code] == RESIDUAL_CLASS and not cov.activities_of(kind, code)
                else str(len(cov.activities_of(kind, code))) if cov.activities_of(kind, code)
                else NO_ACTIVITIES,
                className=f"alineacion-count {classes[code]}".strip(),
            )
            for code, _ in columns
        ]
    ))
    label = ("Actividades por fracción del Art. 122" if kind == FRACCION
             else "Actividades por dimensión de la OIM")
    # The box scrolls both ways (never the page sideways), its headers stuck to its top.
    return html.Div(
        scroll_region(dbc.Table([head, html.Tbody(rows), foot], bordered=True, size="sm",
                                className="alineacion-matrix", id=table_id), label),
        className="alineacion-box", id=f"{table_id}-box",
    )


def _gaps(cov: Coverage, reference: Reference) -> html.Div:
    fracciones = [reference.fraccion(code) for code in cov.uncovered_fracciones]
    dimensiones = [reference.dimension(code) for code in cov.uncovered_dimensiones]
    if not fracciones and not dimensiones:
        return html.P("Cada fracción (de la I a la XI) y cada dimensión tienen al menos una "
                      "actividad.", id="alineacion-gaps")
    items = [
        html.Li([html.Strong(f"Fracción {f.numeral} — {f.title}. "), f"«{f.text}»."],
                id=f"alineacion-gap-fraccion-{f.numeral}")
        for f in fracciones
    ] + [
        html.Li([
            html.Strong(f"Dimensión {d.number} — {d.name}. "), d.description,
            html.Div([
                "Áreas con potencial de desarrollo que señala la OIM: ",
                "; ".join(f"«{a.quote}»" for a in reference.areas if a.dimension == d.number),
                ".",
            ], className="small text-muted"),
        ], id=f"alineacion-gap-dimension-{d.number}")
        for d in dimensiones
    ]
    return html.Ul(items, id="alineacion-gaps", className="alineacion-gaps")


def _iom_section(matches: Sequence[IomMatch], data: PageData, reference: Reference) -> html.Div:
    """One item per POA text taken from the report (the same line of action often serves several
    activities): the activities, the text, and the report's areas it repeats."""
    if not matches:
        return html.P("Ninguna línea de acción del POA coincide con las áreas con potencial de "
                      "desarrollo del informe de la OIM.", id="alineacion-iom")
    doc = data.loaded.doc
    names = {a.number: a.name for a in data.view.activities}
    groups: dict[tuple[str, str], list[IomMatch]] = {}
    for m in matches:
        activity = doc.activity(m.activity)
        written = getattr(activity, m.field) if activity else ""
        groups.setdefault((m.field, fold(written)), []).append(m)
    items = []
    for i, found in enumerate(groups.values(), start=1):
        numbers = sorted({m.activity for m in found})
        areas = list({m.area.key: m.area for m in found}.values())
        activity = doc.activity(numbers[0])
        written = getattr(activity, found[0].field) if activity else ""
        items.append(html.Li([
            html.Div([
                html.Strong(f"{found[0].field_label} de "
                            + ("la actividad " if len(numbers) == 1 else "las actividades ")),
                "; ".join(f"{n}. {names.get(n, '')}" for n in numbers), ":",
            ]),
            html.Blockquote(f"«{written}»", className="alineacion-poa-text small mb-1"),
            html.Ul([
                html.Li([
                    html.Span("Tomada del informe OIM", className="iom-mark"),
                    f" «{area.quote}» (dimensión {area.dimension}, "
                    f"{reference.dimension(area.dimension).name})",
                ])
                for area in areas
            ]),
        ], id=f"alineacion-iom-{i}", className="alineacion-iom-group"))
    return html.Ul(items, id="alineacion-iom")


def _reference_lists(reference: Reference) -> html.Div:
    return dbc.Row([
        dbc.Col([
            html.H3("Artículo 122: facultades de la Dirección de Atención a Migrantes",
                    className="h6"),
            html.Ol([html.Li([html.Strong(f"{f.numeral}. "), f.text],
                             className="alineacion-ref-item")
                     for f in reference.fracciones], className="list-unstyled small"),
        ], lg=6),
        dbc.Col([
            html.H3("Dimensiones de la gobernanza de la migración (OIM)", className="h6"),
            html.Ol([html.Li([html.Strong(f"{d.number}. {d.name}. "), d.heading, "."],
                             className="alineacion-ref-item")
                     for d in reference.dimensiones], className="list-unstyled small"),
        ], lg=6),
    ], className="alineacion-reference")


def _summary(cov: Coverage, sheet: str | None) -> html.P:
    covered = sum(1 for code in cov.covered_fracciones if code not in cov.residual)
    return html.P([
        f"Según la hoja «{sheet or 'Alineación'}» del libro: ",
        html.Strong(f"{covered} de {cov.expected_fracciones} fracciones"),
        " del Art. 122 (sin contar la XII, residual) y ",
        html.Strong(f"{len(cov.covered_dimensiones)} de {len(cov.dimensiones)} dimensiones"),
        " de la OIM tienen al menos una actividad.",
    ], id="alineacion-summary")


# The page's sections, for the links of the legend: (anchor id, heading).
SECTIONS = {
    "fracciones": ("alineacion-seccion-fracciones", "Facultades del Art. 122 (fracciones)"),
    "dimensiones": ("alineacion-seccion-dimensiones",
                    "Dimensiones de la gobernanza de la migración (OIM)"),
    "sin": ("alineacion-seccion-sin", "Facultades y dimensiones sin actividades"),
    "oim": ("alineacion-seccion-oim", "Líneas de acción tomadas del informe de la OIM"),
    "referencias": ("alineacion-seccion-referencias", "Referencias"),
}


def _section_title(key: str) -> html.H2:
    anchor, text = SECTIONS[key]
    return html.H2(text, id=anchor, className="h4 mt-4 alineacion-section")


def _legend() -> html.Div:
    """How to read the page, above everything: what rows, columns and cells mean, and links to
    each section (the page is long)."""
    links = html.Nav(
        [html.Span("Ir a: ", className="fw-semibold")]
        + [item for i, (anchor, text) in enumerate(SECTIONS.values())
           for item in ([" · "] if i else []) + [html.A(text, href=f"#{anchor}")]],
        className="alineacion-jump", **{"aria-label": "Secciones de la página"},
    )
    return html.Div([
        html.H2("Cómo leer las matrices", className="h6 mb-2"),
        html.Ul([
            html.Li(["Cada ", html.Strong("fila"), " es una actividad del POA; cada ",
                     html.Strong("columna"), ", una fracción del Art. 122 (primera matriz) o "
                     "una dimensión de la OIM (segunda), con su nombre; el texto completo está "
                     "en «Referencias», al final."]),
            html.Li([html.Span("6/50 · 12.0 %", className="alineacion-legend-cell"),
                     " ", semaforo_badge("rojo"),
                     " la actividad atiende esa columna: meta alcanzada / programada · % real, "
                     "y su semáforo a la fecha de corte."]),
            html.Li([html.Span(NO_ACTIVITIES, className="alineacion-legend-gap alineacion-gap"),
                     " columna sin ninguna actividad del POA."]),
            html.Li([html.Span("Residual", className="alineacion-legend-gap "
                                                       "alineacion-residual"),
                     " fracción XII, «las demás que señale la ley»: no cuenta como faltante."]),
            html.Li([html.Span("Línea tomada del informe OIM", className="iom-mark"),
                     " su línea de acción repite un área con potencial de desarrollo del "
                     "informe de la OIM."]),
        ], className="alineacion-legend-list"),
        links,
    ], id="alineacion-legend", className="alineacion-legend")


def layout(**query) -> html.Div:
    data = page_data(query)
    if data is None:
        return empty_state()
    doc = data.loaded.doc
    reference = load_reference()
    cov = coverage([a.number for a in doc.activities], doc.alignment, reference)
    iom = iom_matches(doc.activities, reference)
    iom_numbers = {m.activity for m in iom}
    settings = get_services().settings
    cells = matrix(doc.activities, doc.alignment, data.selection.as_of,
                   Thresholds(settings.green_gap, settings.yellow_gap))
    body: list = [
        page_header("Alineación con el mandato", data),
        html.P(
            "Qué facultades de la Dirección de Atención a Migrantes (Art. 122, fracciones I a XII)"
            " y qué dimensiones de los Indicadores de Gobernanza de la Migración de la OIM atiende "
            "cada actividad del POA.", className="text-muted",
        ),
    ]
    if not cov.has_links:
        body.append(dbc.Alert([
            html.Strong("Este POA no tiene hoja de alineación. "),
            "Agregue al libro una hoja llamada «Alineación» con las columnas «Nº», «Actividad», "
            "«Fracciones» (números romanos: «I, III») y «Dimensiones» (1 a 6) para ver aquí qué "
            "facultades y dimensiones cubre cada actividad.",
        ], color="secondary", id="alineacion-missing"))
    else:
        unaligned = [a for a in data.view.activities if a.number in set(cov.unaligned)]
        body += [
            _summary(cov, alignment_sheet_of(doc.alignment)),
            _legend(),
            _section_title("fracciones"),
            _matrix_table(
                "alineacion-fracciones", FRACCION,
                [(f.numeral, f.title) for f in reference.fracciones],
                data, cov, cells, iom_numbers,
            ),
            _section_title("dimensiones"),
            _matrix_table(
                "alineacion-dimensiones", DIMENSION,
                [(d.code, d.name) for d in reference.dimensiones],
                data, cov, cells, iom_numbers,
            ),
            _section_title("sin"),
            _gaps(cov, reference),
        ]
        if unaligned:
            body.append(html.P(
                "Actividades sin ninguna fracción ni dimensión en la hoja: "
                + ", ".join(a.title for a in unaligned) + ".",
                id="alineacion-unaligned"))
    body += [
        _section_title("oim"),
        html.P(
            "Líneas de acción (o actividades específicas) que repiten un área con potencial de "
            "desarrollo del informe «Indicadores de Gobernanza de la Migración a nivel local: "
            "Estado de Zacatecas»: contienen al menos dos tercios de sus palabras.",
            className="text-muted small"),
        _iom_section(iom, data, reference),
        _section_title("referencias"),
        _reference_lists(reference),
    ]
    return html.Div(body, className="alineacion-page")

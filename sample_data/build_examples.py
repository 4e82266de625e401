"""Construye tres POA 2026 de EJEMPLO (datos ficticios) de otras áreas de Sombrerete, Zacatecas.

El único POA real es el de Migrantes y Ex braceros (``build_sample.py``). Estos tres libros
existen para que la vista del municipio muestre varias áreas y para ejercitar el lector con
plantillas que se desvían de la oficial, como pasa con los libros reales:

- ``ejemplo_desarrollo_social_2026.xlsx``: una sola hoja con una sola tabla combinada
  (catálogo, metas, meses y fechas) con encabezado de una fila, fechas como texto día/mes/año
  («15/03/2026»), porcentajes como el número 30, meses marcados con «✓» y el presupuesto
  debajo de la tabla, en la misma hoja.
- ``ejemplo_obras_publicas_2026.xlsx``: dos hojas, «Actividades» (catálogo) y «Calendario»
  (metas y meses marcados con «X», encabezado de dos filas con celdas combinadas), porcentajes
  como texto («56%»), fechas de Excel y el presupuesto en otra hoja con importes como texto
  «$ 850,000.00».
- ``ejemplo_proteccion_civil_2026.xlsx``: como la plantilla oficial (hojas POA, Cronograma,
  Presupuesto y Observaciones), con los meses marcados solo por color de relleno y los
  porcentajes como fracción con formato %.

TODOS los datos son ficticios. Cada libro lo dice en su primera celda.

Uso, desde la raíz del repositorio::

    python sample_data/build_examples.py

o desde código::

    from sample_data.build_examples import build_all
    build_all("otra/carpeta")

La salida es determinista: mismas fechas internas y mismas marcas de tiempo en el zip.
"""

from __future__ import annotations

import calendar
import io
import re
import zipfile
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

HERE = Path(__file__).resolve().parent
FISCAL_YEAR = 2026
MUNICIPIO = "Sombrerete, Zacatecas"
EJEMPLO = "EJEMPLO — datos ficticios para demostración"
FIXED_TIMESTAMP = datetime(2026, 1, 15, 9, 0, 0)

MONTHS = [
    "Enero", "Febrero", "Marzo", "Abril", "Mayo", "Junio",
    "Julio", "Agosto", "Septiembre", "Octubre", "Noviembre", "Diciembre",
]

BOLD = Font(bold=True)
TITLE_FONT = Font(bold=True, size=14)
EJEMPLO_FONT = Font(bold=True, size=14, color="FFC00000")
HEADER_FILL = PatternFill(fill_type="solid", fgColor="FFD9D9D9")
THIN = Side(style="thin", color="FF000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
HEADER_ALIGN = Alignment(wrap_text=True, horizontal="center", vertical="center")
CENTER = Alignment(horizontal="center", vertical="center")
DATE_FORMAT = "dd/mm/yyyy"
PCT_FORMAT = "0%"
MONEY_FORMAT = '"$ "#,##0.00'


# ---------------------------------------------------------------------------------------------
# Datos (ficticios)
# ---------------------------------------------------------------------------------------------


def _act(
    number: int,
    name: str,
    eje: str,
    linea_estrategica: str,
    linea_accion: str,
    actividad_especifica: str,
    responsable: str,
    unit: str,
    programmed: int,
    achieved: int,
    start: date,
    end: date | None,
    *,
    declared_pct: float | None = None,
    months: tuple[int, ...] | None = None,
    name_cronograma: str | None = None,
) -> dict:
    """Una actividad. Meta anual = meta programada; el % declarado cuadra salvo que se indique."""
    if declared_pct is None:
        declared_pct = round(achieved / programmed * 100)
    if months is None:
        months = tuple(m for m in range(1, 13) if end and _overlaps(start, end, m))
    return {
        "number": number, "name": name, "eje": eje, "linea_estrategica": linea_estrategica,
        "linea_accion": linea_accion, "actividad_especifica": actividad_especifica,
        "responsable": responsable, "unit": unit, "goal": programmed, "programmed": programmed,
        "programmed_pct": 100, "achieved": achieved, "declared_pct": declared_pct,
        "start": start, "end": end, "months": months,
        "name_cronograma": name_cronograma or name,
    }


def _overlaps(start: date, end: date, month: int) -> bool:
    first = date(FISCAL_YEAR, month, 1)
    last = date(FISCAL_YEAR, month, calendar.monthrange(FISCAL_YEAR, month)[1])
    return start <= last and end >= first and start <= end


def d(day: int, month: int, year: int = FISCAL_YEAR) -> date:
    return date(year, month, day)


# --- Desarrollo Social -----------------------------------------------------------------------
# Casi todo en tiempo (verde) y algunas con retraso (amarillo) al 21/11/2026.
# Error intencional: la actividad 8 declara 80 % con 1,100 de 1,500 (73.3 %).
DS_EJE = "Más bienestar social"
DS_RESP = "Desarrollo Social"
DESARROLLO_SOCIAL = {
    "file": "ejemplo_desarrollo_social_2026.xlsx",
    "direccion": "Dirección de Desarrollo Social",
    "area": "Desarrollo Social (EJEMPLO)",
    "objetivo": (
        "Mejorar las condiciones de vida de las familias en situación de vulnerabilidad del "
        "municipio mediante programas sociales, becas y apoyos alimentarios."
    ),
    "activities": [
        _act(1, "Becas municipales «Estudia en Sombrerete»", DS_EJE, "Educación",
             "Apoyar la permanencia escolar de estudiantes de bajos recursos.",
             "Entregar becas semestrales a estudiantes de secundaria y bachillerato.",
             DS_RESP, "becas", 300, 300, d(2, 2), d(30, 6)),
        _act(2, "Apoyo alimentario a adultos mayores", DS_EJE, "Alimentación",
             "Garantizar el acceso a la alimentación de los adultos mayores sin pensión.",
             "Entrega mensual de despensas en la cabecera y las comunidades.",
             DS_RESP, "despensas", 2400, 2150, d(1, 1), d(31, 12)),
        _act(3, "Talleres de oficios para mujeres jefas de familia", DS_EJE,
             "Igualdad de género",
             "Impulsar el autoempleo de las mujeres jefas de familia.",
             "Talleres de repostería, corte y confección y belleza en colonias y comunidades.",
             DS_RESP, "talleres", 24, 20, d(2, 2), d(15, 12)),
        _act(4, "Jornadas de bienestar en comunidades", DS_EJE, "Atención a comunidades",
             "Acercar los servicios del ayuntamiento a las comunidades rurales.",
             "Jornadas con trámites, consultas médicas y registro a programas sociales.",
             DS_RESP, "jornadas", 12, 9, d(1, 1), d(31, 12)),
        _act(5, "Calentadores solares para vivienda", DS_EJE, "Vivienda digna",
             "Mejorar la vivienda de familias de escasos recursos.",
             "Entrega e instalación de calentadores solares con aportación de los beneficiarios.",
             DS_RESP, "calentadores", 150, 120, d(2, 3), d(30, 11)),
        _act(6, "Credencialización de personas con discapacidad", DS_EJE,
             "Atención a grupos vulnerables",
             "Facilitar el acceso de las personas con discapacidad a descuentos y servicios.",
             "Integrar expedientes y entregar la credencial municipal de discapacidad.",
             DS_RESP, "credenciales", 200, 185, d(1, 1), d(31, 12)),
        _act(7, "Comedores comunitarios", DS_EJE, "Alimentación",
             "Garantizar el acceso a la alimentación en las colonias con mayor rezago.",
             "Instalar y dar seguimiento a comedores comunitarios operados por comités.",
             DS_RESP, "comedores", 8, 7, d(1, 1), d(31, 12)),
        _act(8, "Registro al padrón de programas sociales", DS_EJE,
             "Atención a grupos vulnerables",
             "Vincular a la población con los programas sociales federales y estatales.",
             "Módulos de registro y actualización de datos de beneficiarios.",
             DS_RESP, "personas", 1500, 1100, d(1, 1), d(31, 12), declared_pct=80),
        _act(9, "Paquetes de útiles escolares", DS_EJE, "Educación",
             "Apoyar la economía de las familias al inicio del ciclo escolar.",
             "Entregar paquetes de útiles a alumnos de primaria de escuelas públicas.",
             DS_RESP, "paquetes", 1800, 1800, d(1, 7), d(31, 8)),
        _act(10, "Talleres de prevención de adicciones para jóvenes", DS_EJE, "Juventud",
             "Prevenir las adicciones entre adolescentes y jóvenes.",
             "Talleres en secundarias y bachilleratos con apoyo del sector salud.",
             DS_RESP, "talleres", 20, 16, d(2, 2), d(30, 11)),
    ],
    "budget": [
        ("2111", "Materiales, útiles y equipos menores de oficina", 45000.0),
        ("2211", "Productos alimenticios para personas", 850000.0),
        ("3821", "Gastos de orden social y cultural", 120000.0),
        ("4411", "Ayudas sociales a personas", 1200000.0),
        ("4421", "Becas y otras ayudas para programas de capacitación", 900000.0),
    ],
}

# --- Obras Públicas --------------------------------------------------------------------------
# Errores intencionales: actividad 1 alcanzó más de lo programado; 5 declara 50 % con 2 de 6;
# 9 no tiene fecha de fin; 11 tiene la fecha de fin con el año equivocado (30/09/2025).
# Atrasadas (semáforo rojo) al 21/11/2026: 2, 3 (vencida), 5 y 8.
OP_EJE = "Más bienestar en servicios públicos"
OP_INFRA = "Más desarrollo y competitividad"
OBRAS_PUBLICAS = {
    "file": "ejemplo_obras_publicas_2026.xlsx",
    "direccion": "Dirección de Obras y Servicios Públicos",
    "area": "Obras Públicas (EJEMPLO)",
    "objetivo": (
        "Conservar y ampliar la infraestructura urbana y los servicios públicos municipales con "
        "obras de calidad y atención oportuna."
    ),
    "activities": [
        _act(1, "Bacheo de calles en la cabecera municipal", OP_EJE, "Vialidades",
             "Mantener en buen estado la carpeta asfáltica de las vialidades principales.",
             "Bacheo con mezcla asfáltica en caliente por sectores.",
             "Servicios Públicos", "metros cuadrados", 4000, 4500, d(2, 2), d(30, 11)),
        _act(2, "Rehabilitación de alumbrado público", OP_EJE, "Alumbrado público",
             "Sustituir luminarias dañadas por luminarias LED de bajo consumo.",
             "Reposición de luminarias en colonias y comunidades.",
             "Alumbrado Público", "luminarias", 800, 450, d(1, 1), d(31, 12),
             name_cronograma="REHABILITACION DE ALUMBRADO PUBLICO"),
        _act(3, "Ampliación de red de agua potable en comunidades", OP_INFRA, "Agua potable",
             "Ampliar la cobertura de agua potable en las comunidades rurales.",
             "Tendido de tubería y tomas domiciliarias.",
             "Obras Públicas", "metros lineales", 3500, 1800, d(2, 3), d(31, 10)),
        _act(4, "Mantenimiento de pozos y equipos de bombeo", OP_EJE, "Agua potable",
             "Asegurar el abasto continuo de agua en la cabecera municipal.",
             "Mantenimiento preventivo y correctivo de bombas y tableros.",
             "Servicios Públicos", "mantenimientos", 24, 20, d(1, 1), d(31, 12)),
        _act(5, "Pavimentación con concreto hidráulico", OP_INFRA, "Vialidades",
             "Pavimentar calles de terracería en colonias populares.",
             "Pavimentación de calles con participación de los vecinos.",
             "Obras Públicas", "calles", 6, 2, d(1, 4), d(30, 11), declared_pct=50),
        _act(6, "Limpieza de calles y espacios públicos", OP_EJE, "Limpia",
             "Mantener limpias las calles y los espacios públicos.",
             "Jornadas de barrido, descacharrización y recolección de basura.",
             "Servicios Públicos", "jornadas", 48, 43, d(1, 1), d(31, 12)),
        _act(7, "Desazolve de drenaje y alcantarillas", OP_EJE, "Drenaje",
             "Prevenir inundaciones en temporada de lluvias.",
             "Desazolve de colectores, rejillas y alcantarillas.",
             "Servicios Públicos", "metros lineales", 2500, 2500, d(4, 5), d(31, 8)),
        _act(8, "Rastreo de caminos rurales", OP_INFRA, "Caminos rurales",
             "Mantener transitables los caminos que comunican a las comunidades.",
             "Rastreo y revestimiento con motoconformadora.",
             "Obras Públicas", "kilómetros", 120, 70, d(2, 2), d(31, 12)),
        _act(9, "Construcción de techumbre en escuela primaria", OP_INFRA,
             "Infraestructura educativa",
             "Mejorar los espacios de las escuelas públicas.",
             "Techumbre metálica en patio cívico.",
             "Obras Públicas", "techumbres", 2, 1, d(1, 6), None, months=(6, 7, 8, 9)),
        _act(10, "Mantenimiento de parques y áreas verdes", OP_EJE, "Imagen urbana",
             "Conservar los parques, jardines y camellones del municipio.",
             "Poda, riego y pintura de mobiliario urbano.",
             "Parques y Jardines", "espacios públicos", 40, 36, d(1, 1), d(31, 12)),
        _act(11, "Rehabilitación de la Alameda", OP_EJE, "Imagen urbana",
             "Rescatar los espacios públicos del centro histórico.",
             "Rehabilitación de andadores, bancas e iluminación de la Alameda.",
             "Obras Públicas", "obras", 1, 1, d(1, 7), d(30, 9, 2025), months=(7, 8, 9)),
        _act(12, "Construcción de banquetas y guarniciones", OP_INFRA, "Vialidades",
             "Dar accesibilidad y seguridad a los peatones.",
             "Construcción de banquetas y guarniciones de concreto.",
             "Obras Públicas", "metros lineales", 1200, 900, d(2, 3), d(31, 12)),
    ],
    "budget": [
        ("2461", "Material eléctrico y electrónico", 850000.0),
        ("2491", "Otros materiales y artículos de construcción y reparación", 1400000.0),
        ("2611", "Combustibles, lubricantes y aditivos", 980000.0),
        ("3551", "Reparación y mantenimiento de equipo de transporte", 420000.0),
        ("6131", "Construcción de obras para el abastecimiento de agua", 3200000.0),
        ("6151", "Construcción de vías de comunicación", 4500000.0),
    ],
}

# --- Protección Civil ------------------------------------------------------------------------
# Buen avance: todo en tiempo salvo la actividad 7 (amarillo). Sin errores intencionales.
PC_EJE = "Más seguridad y protección"
PC_RESP = "Protección Civil"
PROTECCION_CIVIL = {
    "file": "ejemplo_proteccion_civil_2026.xlsx",
    "direccion": "Secretaría de Gobierno",
    "area": "Protección Civil (EJEMPLO)",
    "objetivo": (
        "Proteger la vida y el patrimonio de la población ante emergencias y desastres con "
        "prevención, capacitación y atención oportuna."
    ),
    "activities": [
        _act(1, "Capacitación en primeros auxilios en escuelas", PC_EJE, "Cultura de prevención",
             "Formar brigadas escolares de primeros auxilios.",
             "Cursos de primeros auxilios para docentes y alumnos.",
             PC_RESP, "cursos", 30, 28, d(2, 2), d(30, 11)),
        _act(2, "Simulacros de evacuación", PC_EJE, "Cultura de prevención",
             "Preparar a la población para actuar en caso de sismo o incendio.",
             "Simulacros en escuelas y edificios públicos.",
             PC_RESP, "simulacros", 20, 18, d(1, 1), d(31, 12)),
        _act(3, "Inspecciones de seguridad a comercios", PC_EJE, "Gestión de riesgos",
             "Verificar las medidas de seguridad de comercios y lugares de reunión.",
             "Inspección y emisión de dictámenes de protección civil.",
             PC_RESP, "inspecciones", 250, 230, d(1, 1), d(31, 12)),
        _act(4, "Operativo de temporada de lluvias", PC_EJE, "Gestión de riesgos",
             "Reducir los riesgos por inundaciones y crecidas de arroyos.",
             "Recorridos de vigilancia en zonas de riesgo.",
             PC_RESP, "recorridos", 40, 40, d(1, 6), d(30, 9)),
        _act(5, "Operativo vacacional de Semana Santa", PC_EJE, "Atención de emergencias",
             "Prevenir accidentes en periodos vacacionales.",
             "Módulos de atención en carreteras, presas y balnearios.",
             PC_RESP, "operativos", 1, 1, d(28, 3), d(12, 4)),
        _act(6, "Atención de emergencias y servicios prehospitalarios", PC_EJE,
             "Atención de emergencias",
             "Atender con oportunidad las emergencias reportadas por la población.",
             "Servicios de ambulancia, rescate y combate de incendios.",
             PC_RESP, "servicios", 600, 540, d(1, 1), d(31, 12)),
        _act(7, "Sesiones del Consejo Municipal de Protección Civil", PC_EJE,
             "Gestión de riesgos",
             "Coordinar a las dependencias ante emergencias y desastres.",
             "Sesiones ordinarias del Consejo Municipal de Protección Civil.",
             PC_RESP, "sesiones", 4, 3, d(1, 1), d(31, 12)),
        _act(8, "Prevención de incendios forestales", PC_EJE, "Gestión de riesgos",
             "Reducir los incendios forestales y de pastizales en temporada de estiaje.",
             "Recorridos de vigilancia y brechas cortafuego con brigadas voluntarias.",
             PC_RESP, "recorridos", 60, 60, d(2, 2), d(30, 6)),
    ],
    "budget": [
        ("2541", "Materiales, accesorios y suministros médicos", 95000.0),
        ("2611", "Combustibles, lubricantes y aditivos", 240000.0),
        ("2721", "Prendas de seguridad y protección personal", 180000.0),
        ("2911", "Herramientas menores", 60000.0),
        ("3551", "Reparación y mantenimiento de equipo de transporte", 110000.0),
    ],
}


# ---------------------------------------------------------------------------------------------
# Piezas comunes
# ---------------------------------------------------------------------------------------------


def _header(cell) -> None:
    cell.font = BOLD
    cell.fill = HEADER_FILL
    cell.alignment = HEADER_ALIGN
    cell.border = BORDER


def _widths(ws: Worksheet, widths: dict[str, float]) -> None:
    for col, width in widths.items():
        ws.column_dimensions[col].width = width


def _ejemplo(ws: Worksheet, merge_to: str = "H") -> None:
    """La marca de ejemplo en A1 de cada hoja."""
    ws["A1"] = EJEMPLO
    ws["A1"].font = EJEMPLO_FONT
    ws.merge_cells(f"A1:{merge_to}1")


def _labels(ws: Worksheet, first_row: int, plan: dict, col: int = 1) -> int:
    """Municipio, Dirección, Área y Objetivo: etiqueta en una celda y valor en la siguiente."""
    pairs = [
        ("Municipio:", MUNICIPIO),
        ("Dirección:", plan["direccion"]),
        ("Área:", plan["area"]),
        ("Objetivo:", plan["objetivo"]),
    ]
    for i, (label, value) in enumerate(pairs):
        row = first_row + i
        ws.cell(row=row, column=col, value=label).font = BOLD
        ws.cell(row=row, column=col + 1, value=value).alignment = WRAP_TOP
    return first_row + len(pairs)


def _cell(ws: Worksheet, row: int, col: int, value, *, align=CENTER, fmt: str | None = None):
    cell = ws.cell(row=row, column=col)
    if value is not None and value != "":
        cell.value = value
    cell.border = BORDER
    cell.alignment = align
    if fmt:
        cell.number_format = fmt
    return cell


def _as_datetime(value: date | None) -> datetime | None:
    return datetime(value.year, value.month, value.day) if value else None


def _budget_rows(ws: Worksheet, row: int, budget, money: Callable, col: int = 1) -> int:
    """Filas «Partida | Nombre | Cantidad» y una fila TOTAL que cuadra; devuelve la siguiente."""
    for partida, nombre, cantidad in budget:
        _cell(ws, row, col, partida)
        _cell(ws, row, col + 1, nombre, align=WRAP_TOP)
        money(_cell(ws, row, col + 2, None, align=Alignment(horizontal="right")), cantidad)
        row += 1
    _cell(ws, row, col, "TOTAL").font = BOLD
    _cell(ws, row, col + 1, None)
    total = _cell(ws, row, col + 2, None, align=Alignment(horizontal="right"))
    money(total, sum(amount for _, _, amount in budget))
    total.font = BOLD
    return row + 1


def _money_number(cell, amount: float) -> None:
    cell.value = amount
    cell.number_format = MONEY_FORMAT


def _money_text(cell, amount: float) -> None:
    cell.value = f"$ {amount:,.2f}"


def _signatures(ws: Worksheet, row: int, area: str, cols=(2, 4, 6)) -> None:
    lines = [
        ("Elaboró:", f"Titular de {area}"),
        ("Revisó:", "Titular de la Unidad de Planeación"),
        ("Aprobó:", "Presidencia Municipal de Sombrerete"),
    ]
    for col, (who, role) in zip(cols, lines, strict=True):
        ws.cell(row=row, column=col, value=who).font = BOLD
        ws.cell(row=row + 2, column=col, value="______________________________")
        ws.cell(row=row + 3, column=col, value=role).alignment = WRAP_TOP


# ---------------------------------------------------------------------------------------------
# Libro 1: Desarrollo Social — una sola hoja, una sola tabla combinada
# ---------------------------------------------------------------------------------------------


def build_desarrollo_social() -> Workbook:
    plan = DESARROLLO_SOCIAL
    wb = Workbook()
    ws = wb.active
    ws.title = "POA Desarrollo Social"
    _ejemplo(ws, "G")
    ws["A2"] = "PROGRAMA OPERATIVO ANUAL 2026"
    ws["A2"].font = TITLE_FONT
    _labels(ws, 4, plan)

    headers = [
        "No.", "Actividad", "Eje", "Línea estratégica", "Línea de acción",
        "Actividad específica", "Responsable", "Unidad de medida", "Meta anual",
        "Meta programada N°", "Meta programada %", "Meta alcanzada N°", "Meta alcanzada %",
        *MONTHS, "Inicio", "Fin",
    ]
    first_month = headers.index("Enero") + 1
    ws.cell(row=9, column=first_month, value="CRONOGRAMA 2026").font = BOLD
    ws.cell(row=9, column=first_month).alignment = CENTER
    ws.merge_cells(start_row=9, start_column=first_month, end_row=9, end_column=first_month + 11)
    for col, text in enumerate(headers, start=1):
        _header(ws.cell(row=10, column=col, value=text))

    row = 11
    for act in plan["activities"]:
        values = [
            act["number"], act["name"], act["eje"], act["linea_estrategica"],
            act["linea_accion"], act["actividad_especifica"], act["responsable"], act["unit"],
            act["goal"], act["programmed"], act["programmed_pct"], act["achieved"],
            act["declared_pct"],
        ]
        for col, value in enumerate(values, start=1):
            _cell(ws, row, col, value, align=WRAP_TOP if 2 <= col <= 7 else CENTER)
        for month in range(1, 13):
            _cell(ws, row, first_month + month - 1, "✓" if month in act["months"] else None)
        for offset, key in enumerate(("start", "end")):
            text = act[key].strftime("%d/%m/%Y") if act[key] else None
            _cell(ws, row, first_month + 12 + offset, text)
        row += 1

    row += 2
    ws.cell(row=row, column=1, value="PRESUPUESTO ESTIMADO").font = TITLE_FONT
    row += 1
    for col, text in enumerate(("Partida", "Nombre", "Cantidad"), start=1):
        _header(ws.cell(row=row, column=col, value=text))
    budget = [(int(p), n, a) for p, n, a in plan["budget"]]
    row = _budget_rows(ws, row + 1, budget, _money_number)
    _signatures(ws, row + 2, "Desarrollo Social")

    widths = {"A": 14, "B": 34, "C": 20, "D": 22, "E": 40, "F": 40, "G": 20, "H": 14}
    widths.update({get_column_letter(c): 11 for c in range(9, first_month)})
    widths.update({get_column_letter(first_month + i): 5 for i in range(12)})
    widths.update({get_column_letter(first_month + 12 + i): 12 for i in range(2)})
    _widths(ws, widths)
    ws.row_dimensions[10].height = 45
    ws.freeze_panes = "C11"
    return wb


# ---------------------------------------------------------------------------------------------
# Libro 2: Obras Públicas — hojas «Actividades» y «Calendario», más «Presupuesto»
# ---------------------------------------------------------------------------------------------


def build_obras_publicas() -> Workbook:
    plan = OBRAS_PUBLICAS
    wb = Workbook()

    ws = wb.active
    ws.title = "Actividades"
    _ejemplo(ws, "F")
    ws["A2"] = "POA 2026 — Obras y Servicios Públicos"
    ws["A2"].font = TITLE_FONT
    _labels(ws, 4, plan)
    headers = [
        "Nº", "Actividad", "Eje", "Línea estratégica", "Línea de acción",
        "Actividad específica", "Responsable",
    ]
    for col, text in enumerate(headers, start=1):
        _header(ws.cell(row=9, column=col, value=text))
    keys = ["number", "name", "eje", "linea_estrategica", "linea_accion",
            "actividad_especifica", "responsable"]
    for row, act in enumerate(plan["activities"], start=10):
        for col, key in enumerate(keys, start=1):
            _cell(ws, row, col, act[key], align=CENTER if col == 1 else WRAP_TOP)
    _widths(ws, {"A": 12, "B": 40, "C": 30, "D": 22, "E": 44, "F": 40, "G": 20})
    ws.freeze_panes = "A10"

    ws = wb.create_sheet("Calendario")
    _ejemplo(ws, "H")
    ws["A2"] = "CRONOGRAMA 2026"
    ws["A2"].font = TITLE_FONT
    # Encabezado de dos filas (4 y 5) con celdas combinadas.
    top = [
        ("A", "No."), ("B", "Actividad"), ("C", "Unidad de medida"), ("D", "Meta anual"),
        ("E", "Meta programada"), ("G", "Meta alcanzada"), ("I", "Meses 2026"),
        ("U", "Inicio"), ("V", "Fin"),
    ]
    for col, text in top:
        ws[f"{col}4"] = text
    for col, text in (("E", "N°"), ("F", "%"), ("G", "N°"), ("H", "%")):
        ws[f"{col}5"] = text
    for i, name in enumerate(MONTHS):
        ws.cell(row=5, column=9 + i, value=name.upper())
    for cells in ws.iter_rows(min_row=4, max_row=5, min_col=1, max_col=22):
        for cell in cells:
            _header(cell)
    for rng in ("A4:A5", "B4:B5", "C4:C5", "D4:D5", "E4:F4", "G4:H4", "I4:T4", "U4:U5",
                "V4:V5"):
        ws.merge_cells(rng)
    for row, act in enumerate(plan["activities"], start=6):
        values = [
            act["number"], act["name_cronograma"], act["unit"], act["goal"], act["programmed"],
            f"{act['programmed_pct']:g}%", act["achieved"], f"{act['declared_pct']:g}%",
        ]
        for col, value in enumerate(values, start=1):
            _cell(ws, row, col, value, align=WRAP_TOP if col == 2 else CENTER)
        for month in range(1, 13):
            _cell(ws, row, 8 + month, "X" if month in act["months"] else None)
        _cell(ws, row, 21, _as_datetime(act["start"]), fmt=DATE_FORMAT)
        _cell(ws, row, 22, _as_datetime(act["end"]), fmt=DATE_FORMAT)
    widths = {"A": 6, "B": 40, "C": 16, "D": 9, "E": 9, "F": 8, "G": 9, "H": 8}
    widths.update({get_column_letter(c): 5 for c in range(9, 21)})
    widths.update({"I": 7, "J": 7, "K": 7, "U": 12, "V": 12})
    _widths(ws, widths)
    ws.row_dimensions[5].height = 30
    ws.freeze_panes = "C6"

    ws = wb.create_sheet("Presupuesto")
    _ejemplo(ws, "C")
    ws["A2"] = "PRESUPUESTO 2026"
    ws["A2"].font = TITLE_FONT
    for col, text in enumerate(("Partida", "Nombre", "Cantidad"), start=1):
        _header(ws.cell(row=4, column=col, value=text))
    row = _budget_rows(ws, 5, plan["budget"], _money_text)
    _signatures(ws, row + 2, "Obras y Servicios Públicos", cols=(1, 2, 3))
    _widths(ws, {"A": 24, "B": 52, "C": 36})
    return wb


# ---------------------------------------------------------------------------------------------
# Libro 3: Protección Civil — como la plantilla oficial, meses por color de relleno
# ---------------------------------------------------------------------------------------------

PC_MONTH_FILL = PatternFill(fill_type="solid", fgColor="FFF4B084")


def build_proteccion_civil() -> Workbook:
    plan = PROTECCION_CIVIL
    wb = Workbook()

    ws = wb.active
    ws.title = "POA"
    _ejemplo(ws, "F")
    ws["A2"] = "POA (PLAN OPERATIVO ANUAL) 2026"
    ws["A2"].font = TITLE_FONT
    ws.merge_cells("A2:F2")
    _labels(ws, 4, plan)
    headers = [
        "Nº", "Actividad / Proyecto General", "Eje Estratégico del Plan Municipal de Desarrollo",
        "Línea Estratégica del Plan Municipal de Desarrollo",
        "Línea de Acción del Plan Municipal de Desarrollo", "Actividad Específica",
    ]
    for col, text in enumerate(headers, start=1):
        _header(ws.cell(row=9, column=col, value=text))
    keys = ["number", "name", "eje", "linea_estrategica", "linea_accion",
            "actividad_especifica"]
    for row, act in enumerate(plan["activities"], start=10):
        for col, key in enumerate(keys, start=1):
            _cell(ws, row, col, act[key], align=CENTER if col == 1 else WRAP_TOP)
    _widths(ws, {"A": 14, "B": 36, "C": 24, "D": 24, "E": 48, "F": 48})
    ws.row_dimensions[9].height = 45
    ws.freeze_panes = "A10"

    ws = wb.create_sheet("Cronograma")
    _ejemplo(ws, "I")
    ws["A2"] = "CRONOGRAMA 2026"
    ws["A2"].font = TITLE_FONT
    merged = [
        ("A4", "N°", "A4:A6"), ("B4", "Actividad", "B4:B6"), ("C4", "Responsable", "C4:C6"),
        ("D4", "Unidad de medida", "D4:D6"), ("E4", "Meta Anual", "E4:E6"),
        ("F4", "2026", "F4:I4"), ("J4", "2026 Cronograma Programado", "J4:U4"),
        ("V4", "Fechas de metas", "V4:W4"), ("F5", "Meta Programada", "F5:G5"),
        ("H5", "Meta Alcanzada", "H5:I5"), ("V5", "Inicio", "V5:V6"), ("W5", "fin", "W5:W6"),
    ]
    for i, name in enumerate(MONTHS):
        col = get_column_letter(10 + i)
        merged.append((f"{col}5", name, f"{col}5:{col}6"))
    for ref, text, _ in merged:
        ws[ref] = text
    for ref, text in (("F6", "N°"), ("G6", "%"), ("H6", "N°"), ("I6", "%")):
        ws[ref] = text
    for cells in ws.iter_rows(min_row=4, max_row=6, min_col=1, max_col=23):
        for cell in cells:
            _header(cell)
    for _, _, rng in merged:
        ws.merge_cells(rng)
    for row, act in enumerate(plan["activities"], start=7):
        values = [
            act["number"], act["name_cronograma"], act["responsable"], act["unit"], act["goal"],
            act["programmed"], act["programmed_pct"] / 100, act["achieved"],
            act["declared_pct"] / 100,
        ]
        for col, value in enumerate(values, start=1):
            fmt = PCT_FORMAT if col in (7, 9) else None
            _cell(ws, row, col, value, align=WRAP_TOP if col in (2, 3) else CENTER, fmt=fmt)
        for month in range(1, 13):  # solo color, sin valor, como la plantilla
            cell = _cell(ws, row, 9 + month, None)
            if month in act["months"]:
                cell.fill = PC_MONTH_FILL
        _cell(ws, row, 22, _as_datetime(act["start"]), fmt=DATE_FORMAT)
        _cell(ws, row, 23, _as_datetime(act["end"]), fmt=DATE_FORMAT)
    widths = {"A": 5, "B": 40, "C": 18, "D": 13, "E": 9, "F": 11, "G": 7, "H": 11, "I": 7}
    widths.update({get_column_letter(c): 11 for c in range(10, 22)})
    widths.update({"V": 12, "W": 12})
    _widths(ws, widths)
    ws.freeze_panes = "C7"

    ws = wb.create_sheet("Presupuesto")
    _ejemplo(ws, "C")
    ws["A2"] = "Presupuesto Estimado"
    ws["A2"].font = TITLE_FONT
    for col, text in enumerate(("PARTIDA", "NOMBRE", "CANTIDAD"), start=1):
        _header(ws.cell(row=4, column=col, value=text))
    budget = [(int(p), n, a) for p, n, a in plan["budget"]]
    _budget_rows(ws, 5, budget, _money_number)
    _widths(ws, {"A": 24, "B": 48, "C": 16})

    ws = wb.create_sheet("Observaciones")
    _ejemplo(ws, "E")
    ws["A2"] = "Observaciones."
    ws["A2"].font = TITLE_FONT
    _signatures(ws, 4, "Protección Civil", cols=(1, 3, 5))
    _widths(ws, {"A": 40, "B": 4, "C": 40, "D": 4, "E": 40})
    return wb


# ---------------------------------------------------------------------------------------------
# Escritura determinista
# ---------------------------------------------------------------------------------------------

BUILDERS: list[tuple[dict, Callable[[], Workbook]]] = [
    (DESARROLLO_SOCIAL, build_desarrollo_social),
    (OBRAS_PUBLICAS, build_obras_publicas),
    (PROTECCION_CIVIL, build_proteccion_civil),
]


def _deterministic(data: bytes) -> bytes:
    """Fija la fecha de modificación y las marcas de tiempo del zip."""
    stamp = FIXED_TIMESTAMP.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    zdt = FIXED_TIMESTAMP.timetuple()[:6]
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as zin,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout,
    ):
        for info in zin.infolist():
            content = zin.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rb"\g<1>" + stamp + rb"\g<2>",
                    content,
                )
            new = zipfile.ZipInfo(info.filename, date_time=zdt)
            new.compress_type = zipfile.ZIP_DEFLATED
            new.external_attr = 0o600 << 16
            zout.writestr(new, content)
    return out.getvalue()


def _save(wb: Workbook, plan: dict, path: Path) -> Path:
    wb.properties.title = f"POA {FISCAL_YEAR} - {plan['area']} - EJEMPLO (datos ficticios)"
    wb.properties.creator = "Tablero POA (sample_data/build_examples.py)"
    wb.properties.created = FIXED_TIMESTAMP
    buf = io.BytesIO()
    wb.save(buf)
    path.write_bytes(_deterministic(buf.getvalue()))
    return path


def build_all(folder: str | Path = HERE) -> list[Path]:
    """Escribe los tres libros de ejemplo en ``folder`` y devuelve sus rutas."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    return [_save(build(), plan, folder / plan["file"]) for plan, build in BUILDERS]


def main() -> None:
    for path in build_all(HERE):
        print(f"Libro escrito en {path}")


if __name__ == "__main__":
    main()

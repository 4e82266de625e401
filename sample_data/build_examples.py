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

Aquí se dice QUÉ lleva cada libro (sus datos y las costumbres de su área); cómo se escribe lo hace
``loaders/write/``. La salida es determinista: mismas fechas internas y mismas marcas de tiempo en
el zip.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from loaders.model import Activity, BudgetLine, PlanIdentity
from loaders.write.layouts import poa_xlsx
from loaders.write.poa import ORANGE, UNDERLINE, PoaWorkbook, Presentation, months_between
from loaders.write.xlsx import Properties

HERE = Path(__file__).resolve().parent
FISCAL_YEAR = 2026
MUNICIPIO, ESTADO = "Sombrerete", "Zacatecas"
EJEMPLO = "EJEMPLO — datos ficticios para demostración"
FIXED_TIMESTAMP = datetime(2026, 1, 15, 9, 0, 0)


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
) -> Activity:
    """Una actividad. Meta anual = meta programada; el % declarado cuadra salvo que se indique;
    los meses marcados son los que toca el periodo, salvo que se indiquen."""
    if declared_pct is None:
        declared_pct = round(achieved / programmed * 100)
    return Activity(
        number=number, name=name, name_cronograma=name_cronograma or name, eje=eje,
        linea_estrategica=linea_estrategica, linea_accion=linea_accion,
        actividad_especifica=actividad_especifica, responsable=responsable, unit=unit,
        goal=programmed, programmed=programmed, programmed_pct=100, achieved=achieved,
        declared_pct=declared_pct, start=start, end=end,
        months_planned=list(months or months_between(start, end, FISCAL_YEAR)),
    )


def d(day: int, month: int, year: int = FISCAL_YEAR) -> date:
    return date(year, month, day)


# --- Desarrollo Social -----------------------------------------------------------------------
# Casi todo en tiempo (verde) y algunas con retraso (amarillo) al 21/11/2026.
# Error intencional: la actividad 8 declara 80 % con 1,100 de 1,500 (73.3 %).
DS_EJE = "Más bienestar social"
DS_RESP = "Desarrollo Social"
DESARROLLO_SOCIAL = {
    "file": "ejemplo_desarrollo_social_2026.xlsx",
    "presentation": Presentation(layout="una_hoja", dates="text", percent="number", months="✓"),
    "sheet_names": {"activities": "POA Desarrollo Social"},
    "signer": "Desarrollo Social",
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
    "presentation": Presentation(
        layout="dos_hojas", percent="text", months="X", money="text", partida="text"
    ),
    "titles": {"activities": "POA 2026 — Obras y Servicios Públicos"},
    "banner_spans": {"activities": 6},
    "signer": "Obras y Servicios Públicos",
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
    "presentation": Presentation(month_fill=ORANGE),
    "signer": "Protección Civil",
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
# Los libros
# ---------------------------------------------------------------------------------------------

EXAMPLES = [DESARROLLO_SOCIAL, OBRAS_PUBLICAS, PROTECCION_CIVIL]


def workbook(example: dict) -> PoaWorkbook:
    """Lo que lleva el libro de un ejemplo: sus datos, la marca de EJEMPLO en cada hoja y las
    firmas de quien elabora, revisa y aprueba."""
    return PoaWorkbook(
        plan=PlanIdentity(
            municipio=MUNICIPIO, estado=ESTADO, direccion=example["direccion"],
            area=example["area"], fiscal_year=FISCAL_YEAR, objetivo=example["objetivo"],
        ),
        activities=example["activities"],
        budget=[BudgetLine(partida, nombre, cantidad)
                for partida, nombre, cantidad in example["budget"]],
        properties=Properties(
            title=f"POA {FISCAL_YEAR} - {example['area']} - EJEMPLO (datos ficticios)",
            creator="Tablero POA (sample_data/build_examples.py)", stamp=FIXED_TIMESTAMP,
        ),
        presentation=example["presentation"],
        banner=EJEMPLO,
        signatures=[
            ("Elaboró:", None, UNDERLINE, f"Titular de {example['signer']}"),
            ("Revisó:", None, UNDERLINE, "Titular de la Unidad de Planeación"),
            ("Aprobó:", None, UNDERLINE, f"Presidencia Municipal de {MUNICIPIO}"),
        ],
        titles=example.get("titles", {}),
        sheet_names=example.get("sheet_names", {}),
        banner_spans=example.get("banner_spans", {}),
    )


def build_all(folder: str | Path = HERE) -> list[Path]:
    """Escribe los tres libros de ejemplo en ``folder`` y devuelve sus rutas."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for example in EXAMPLES:
        path = folder / example["file"]
        path.write_bytes(poa_xlsx(workbook(example)))
        paths.append(path)
    return paths


def main() -> None:
    for path in build_all(HERE):
        print(f"Libro escrito en {path}")


if __name__ == "__main__":
    main()

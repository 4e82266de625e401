"""Synthetic POA workbooks for benchmarks and demos (`python -m loaders synth`).

Every workbook is plainly synthetic: each sheet opens with the banner cell "DATOS SINTÉTICOS — no
son datos reales", every area name ends in "(SINTÉTICO)", the file names start with
`sintetico_`, and the document properties say so. The data is invented but laid out the way real
areas fill the template, in the few variants the sample and the examples show (see
`sample_data/`): the official four sheets with a three-row merged cronograma header, two activity
sheets with a two-row merged header, or one sheet holding everything; header rows lower or higher;
Excel or text dates; percentages as 0.3 formatted as %, as 30 or as "30%"; months marked by a fill
colour, "X" or "✓"; amounts as numbers or as "$ 1,234.00". Municipios are the 58 of Zacatecas
(`data/municipios_zacatecas.csv`), areas 25 typical municipal ones, partidas from the CONAC
classifier. A few activities carry deliberate errors (a % that does not match, an end before its
start, a number as unit) so the checks have something to find.

This module invents the content; `loaders/write/` writes it (fast, without openpyxl, with fixed
timestamps): the same arguments always give the same bytes.
"""

from __future__ import annotations

import calendar
import csv
import random
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path

from loaders.model import Activity, BudgetLine, PlanIdentity
from loaders.read.workbook import WORKBOOK_SUFFIXES
from loaders.reference import load_catalog
from loaders.text import strip_accents
from loaders.write.layouts import poa_xlsx
from loaders.write.poa import BLUE, ORANGE, UNDERLINE, PoaWorkbook, Presentation, months_between
from loaders.write.spending import FORMAT_NOTES, SpendingRow, SpendingWorkbook, spending_xlsx
from loaders.write.xlsx import Properties

BANNER = "DATOS SINTÉTICOS — no son datos reales"
MARK = "SINTÉTICO"
FILE_PREFIX = "sintetico_"
SPENDING_SUFFIX = "_ejercicio"
MUNICIPIOS_FILE = Path(__file__).with_name("data") / "municipios_zacatecas.csv"
STATE = "Zacatecas"
STATE_ABBREVIATION = "ZAC."
# Rates of the deliberate inconsistencies, per activity.
PCT_MISMATCH_RATE = 0.03
END_BEFORE_START_RATE = 0.015
UNIT_NUMBER_RATE = 0.02
OVERSPENT_RATE = 0.04  # per partida, in the spending workbooks
MAX_GOAL = 200


# -------------------------------------------------------------------------------------------------
# Reference data
# -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Municipio:
    clave: str  # INEGI's three-digit code within the state
    nombre: str


@dataclass(frozen=True)
class AreaSpec:
    name: str
    direccion: str
    eje: str
    lineas: tuple[str, ...]
    activities: tuple[tuple[str, str], ...]  # (name, unit of measure)
    partidas: tuple[str, ...]  # partidas genéricas (3 digits) of the CONAC classifier


def _area(name, direccion, eje, lineas, activities, partidas) -> AreaSpec:
    return AreaSpec(name, direccion, eje, tuple(lineas), tuple(activities), tuple(partidas))


GOBIERNO = "Secretaría de Gobierno Municipal"
TESORERIA = "Tesorería Municipal"
SEGURIDAD = "Dirección de Seguridad Pública"
AREAS: tuple[AreaSpec, ...] = (
    _area("Obras Públicas", "Dirección de Obras Públicas", "Infraestructura para el desarrollo",
          ["Vialidades", "Infraestructura básica", "Espacios públicos"],
          [("Pavimentación de calles con concreto hidráulico", "calles"),
           ("Construcción de banquetas y guarniciones", "obras"),
           ("Rehabilitación de caminos rurales", "kilómetros"),
           ("Ampliación de la red de drenaje", "obras"),
           ("Construcción de techumbres en escuelas", "techumbres"),
           ("Supervisión de obra pública", "supervisiones")],
          ["242", "249", "261", "612", "614", "615"]),
    _area("Servicios Públicos", "Dirección de Servicios Públicos Municipales",
          "Servicios públicos de calidad", ["Alumbrado público", "Limpia", "Parques y jardines"],
          [("Reposición de luminarias", "luminarias"),
           ("Recolección de residuos sólidos", "rutas"),
           ("Mantenimiento de parques y jardines", "espacios públicos"),
           ("Bacheo de calles", "jornadas"),
           ("Mantenimiento del panteón municipal", "mantenimientos"),
           ("Campañas de descacharrización", "campañas")],
          ["216", "246", "261", "291", "355", "358"]),
    _area("Desarrollo Social", "Dirección de Desarrollo Social", "Bienestar social",
          ["Atención a grupos vulnerables", "Alimentación", "Vivienda digna"],
          [("Entrega de apoyos alimentarios", "despensas"),
           ("Registro a programas sociales", "personas"),
           ("Entrega de calentadores solares", "calentadores"),
           ("Mejoramiento de vivienda", "acciones"),
           ("Jornadas de bienestar en comunidades", "jornadas"),
           ("Comedores comunitarios", "comedores")],
          ["211", "221", "382", "436", "441"]),
    _area("Protección Civil", GOBIERNO, "Seguridad y protección",
          ["Cultura de prevención", "Gestión de riesgos", "Atención de emergencias"],
          [("Simulacros de evacuación", "simulacros"),
           ("Inspecciones de seguridad a comercios", "inspecciones"),
           ("Capacitación en primeros auxilios", "cursos"),
           ("Operativos vacacionales", "operativos"),
           ("Atención de emergencias prehospitalarias", "servicios"),
           ("Prevención de incendios forestales", "recorridos")],
          ["254", "261", "272", "291", "355"]),
    _area("DIF Municipal", "Sistema Municipal para el Desarrollo Integral de la Familia",
          "Familias fuertes",
          ["Asistencia social", "Atención a personas con discapacidad", "Infancia"],
          [("Consultas en la Unidad Básica de Rehabilitación", "consultas"),
           ("Entrega de desayunos escolares", "raciones"),
           ("Apoyos funcionales a personas con discapacidad", "apoyos"),
           ("Talleres de integración familiar", "talleres"),
           ("Asesorías jurídicas familiares", "asesorías"),
           ("Atención a adultos mayores en la casa de día", "personas")],
          ["221", "253", "254", "382", "441"]),
    _area("Migrantes", GOBIERNO, "Atención al migrante",
          ["Vinculación con clubes", "Trámites", "Programas binacionales"],
          [("Asesoría para trámite de pasaporte", "asesorías"),
           ("Apoyo para citas de visa", "trámites"),
           ("Reuniones con clubes de migrantes", "reuniones"),
           ("Gestión de proyectos 2x1", "proyectos"),
           ("Traslado de restos de connacionales", "apoyos"),
           ("Apostillado de documentos", "documentos")],
          ["211", "375", "376", "424", "441"]),
    _area("Cultura", "Dirección de Educación y Cultura", "Cultura y tradiciones",
          ["Difusión cultural", "Patrimonio", "Talleres artísticos"],
          [("Festival cultural municipal", "festivales"),
           ("Talleres de música y danza", "talleres"),
           ("Presentaciones artísticas en comunidades", "presentaciones"),
           ("Conservación del patrimonio histórico", "acciones"),
           ("Fomento a la lectura en bibliotecas", "actividades"),
           ("Exposiciones en la casa de la cultura", "exposiciones")],
          ["211", "336", "382", "513", "521"]),
    _area("Educación", "Dirección de Educación y Cultura", "Educación de calidad",
          ["Infraestructura educativa", "Becas", "Valores cívicos"],
          [("Entrega de becas municipales", "becas"),
           ("Honores a la bandera en escuelas", "eventos"),
           ("Mantenimiento menor de escuelas", "escuelas"),
           ("Entrega de paquetes de útiles escolares", "paquetes"),
           ("Concurso municipal de oratoria", "concursos"),
           ("Círculos de alfabetización para adultos", "círculos")],
          ["211", "217", "351", "442", "443"]),
    _area("Deporte", "Instituto Municipal del Deporte", "Activación física y deporte",
          ["Ligas municipales", "Infraestructura deportiva", "Activación física"],
          [("Torneos de ligas municipales", "torneos"),
           ("Activación física en plazas y escuelas", "sesiones"),
           ("Mantenimiento de unidades deportivas", "mantenimientos"),
           ("Entrega de material deportivo", "apoyos"),
           ("Carrera atlética municipal", "eventos"),
           ("Escuelas de iniciación deportiva", "escuelas")],
          ["273", "351", "382", "441", "522"]),
    _area("Ecología", "Dirección de Ecología y Medio Ambiente", "Medio ambiente sustentable",
          ["Reforestación", "Educación ambiental", "Residuos"],
          [("Reforestación de áreas verdes", "árboles"),
           ("Pláticas de educación ambiental", "pláticas"),
           ("Inspecciones a fuentes contaminantes", "inspecciones"),
           ("Campañas de reciclaje", "campañas"),
           ("Limpieza de arroyos y cauces", "jornadas"),
           ("Esterilización de mascotas", "esterilizaciones")],
          ["252", "261", "291", "359", "578"]),
    _area("Catastro", TESORERIA, "Finanzas sanas",
          ["Padrón catastral", "Recaudación del predial", "Cartografía"],
          [("Actualización del padrón catastral", "predios"),
           ("Levantamientos topográficos", "levantamientos"),
           ("Avalúos catastrales", "avalúos"),
           ("Campaña de descuento en el predial", "campañas"),
           ("Digitalización de expedientes catastrales", "expedientes"),
           ("Actualización de la cartografía municipal", "planos")],
          ["211", "213", "214", "333", "515"]),
    _area("Tesorería", TESORERIA, "Finanzas sanas",
          ["Recaudación", "Control del gasto", "Rendición de cuentas"],
          [("Informes de avance de gestión financiera", "informes"),
           ("Campañas de regularización de contribuyentes", "campañas"),
           ("Conciliaciones bancarias", "conciliaciones"),
           ("Integración de la cuenta pública", "documentos"),
           ("Atención a contribuyentes en ventanilla", "personas"),
           ("Cobro de licencias de funcionamiento", "licencias")],
          ["211", "214", "331", "336", "341"]),
    _area("Desarrollo Económico", "Dirección de Desarrollo Económico", "Economía y empleo",
          ["Empleo", "Emprendimiento", "Comercio local"],
          [("Ferias del empleo", "ferias"),
           ("Créditos a microempresas", "créditos"),
           ("Capacitación a emprendedores", "cursos"),
           ("Apertura rápida de empresas", "trámites"),
           ("Expo de productores locales", "exposiciones"),
           ("Vinculación con programas estatales de fomento", "gestiones")],
          ["211", "334", "384", "431", "441"]),
    _area("Turismo", "Dirección de Desarrollo Económico", "Economía y empleo",
          ["Promoción turística", "Patrimonio y pueblos mágicos", "Servicios turísticos"],
          [("Promoción de atractivos turísticos", "campañas"),
           ("Recorridos guiados en el centro histórico", "recorridos"),
           ("Capacitación a prestadores de servicios turísticos", "cursos"),
           ("Participación en ferias turísticas", "ferias"),
           ("Instalación de señalización turística", "señales"),
           ("Atención en el módulo de información turística", "personas")],
          ["211", "363", "372", "375", "384"]),
    _area("Desarrollo Agropecuario", "Dirección de Desarrollo Rural", "Campo productivo",
          ["Apoyo a productores", "Agua para el campo", "Ganadería"],
          [("Entrega de semilla mejorada", "productores"),
           ("Rehabilitación de bordos y represas", "bordos"),
           ("Campaña de vacunación de ganado", "cabezas"),
           ("Subsidio de fertilizante", "toneladas"),
           ("Asesoría técnica a productores", "asesorías"),
           ("Rastreo de caminos saca cosechas", "kilómetros")],
          ["252", "261", "431", "563", "574"]),
    _area("Seguridad Pública", SEGURIDAD, "Seguridad y protección",
          ["Prevención del delito", "Profesionalización policial", "Proximidad social"],
          [("Patrullajes preventivos", "patrullajes"),
           ("Pláticas de prevención del delito en escuelas", "pláticas"),
           ("Capacitación de elementos policiales", "cursos"),
           ("Operativos en fiestas patronales", "operativos"),
           ("Evaluaciones de control de confianza", "evaluaciones"),
           ("Reuniones con comités vecinales", "reuniones")],
          ["261", "271", "282", "283", "334", "355"]),
    _area("Tránsito y Vialidad", SEGURIDAD, "Seguridad y protección",
          ["Educación vial", "Señalamiento", "Movilidad"],
          [("Pintura de señalamiento horizontal", "metros lineales"),
           ("Cursos de educación vial", "cursos"),
           ("Operativos de alcoholimetría", "operativos"),
           ("Instalación de señalamiento vertical", "señales"),
           ("Expedición de permisos de circulación", "permisos"),
           ("Apoyo vial en entradas y salidas de escuelas", "servicios")],
          ["249", "261", "271", "282", "355"]),
    _area("Agua Potable y Alcantarillado", "Sistema Municipal de Agua Potable y Alcantarillado",
          "Servicios públicos de calidad", ["Abasto de agua", "Saneamiento", "Cultura del agua"],
          [("Reparación de fugas en la red", "reparaciones"),
           ("Mantenimiento de pozos y equipos de bombeo", "mantenimientos"),
           ("Instalación de tomas domiciliarias", "tomas"),
           ("Desazolve de drenaje", "metros lineales"),
           ("Cloración y monitoreo de la calidad del agua", "muestras"),
           ("Pláticas de cultura del agua", "pláticas")],
          ["249", "251", "261", "311", "357", "613"]),
    _area("Salud Municipal", "Dirección de Salud Municipal", "Bienestar social",
          ["Prevención", "Salud comunitaria", "Control sanitario"],
          [("Jornadas de salud en comunidades", "jornadas"),
           ("Campañas de vacunación antirrábica", "dosis"),
           ("Verificación sanitaria a establecimientos", "verificaciones"),
           ("Pláticas de prevención de adicciones", "pláticas"),
           ("Detección de diabetes e hipertensión", "detecciones"),
           ("Control de fauna nociva", "acciones")],
          ["253", "254", "259", "382", "441"]),
    _area("Instituto de la Mujer", "Instituto Municipal de las Mujeres", "Igualdad sustantiva",
          ["Prevención de la violencia", "Empoderamiento económico", "Salud de la mujer"],
          [("Asesorías jurídicas y psicológicas a mujeres", "asesorías"),
           ("Talleres de autoempleo para mujeres", "talleres"),
           ("Campaña de prevención de la violencia de género", "campañas"),
           ("Jornadas de detección de cáncer de mama", "jornadas"),
           ("Conmemoración del Día Internacional de la Mujer", "eventos"),
           ("Capacitación en igualdad al personal del ayuntamiento", "cursos")],
          ["211", "334", "336", "382", "441"]),
    _area("Juventud", "Instituto Municipal de la Juventud", "Juventud con oportunidades",
          ["Participación juvenil", "Prevención", "Emprendimiento juvenil"],
          [("Premio municipal de la juventud", "convocatorias"),
           ("Talleres de prevención de adicciones para jóvenes", "talleres"),
           ("Torneos juveniles", "torneos"),
           ("Foros de participación juvenil", "foros"),
           ("Apoyos a proyectos de jóvenes emprendedores", "proyectos"),
           ("Brigadas de servicio social", "brigadas")],
          ["211", "273", "382", "441", "442"]),
    _area("Registro Civil", GOBIERNO, "Gobierno cercano",
          ["Identidad", "Modernización", "Campañas"],
          [("Expedición de actas certificadas", "actas"),
           ("Campaña de matrimonios colectivos", "campañas"),
           ("Registro extemporáneo de nacimientos", "registros"),
           ("Digitalización de libros del archivo", "libros"),
           ("Módulos itinerantes en comunidades", "módulos"),
           ("Corrección administrativa de actas", "trámites")],
          ["211", "212", "214", "218", "515"]),
    _area("Contraloría Municipal", "Órgano Interno de Control", "Gobierno honesto y transparente",
          ["Fiscalización", "Declaraciones patrimoniales", "Quejas y denuncias"],
          [("Auditorías a áreas del ayuntamiento", "auditorías"),
           ("Revisión de expedientes de obra pública", "expedientes"),
           ("Recepción de declaraciones patrimoniales", "declaraciones"),
           ("Atención a quejas y denuncias ciudadanas", "quejas"),
           ("Actas de entrega-recepción", "actas"),
           ("Capacitación en ética pública", "cursos")],
          ["211", "214", "331", "334", "375"]),
    _area("Transparencia", "Unidad de Transparencia", "Gobierno honesto y transparente",
          ["Acceso a la información", "Datos abiertos", "Protección de datos"],
          [("Atención a solicitudes de acceso a la información", "solicitudes"),
           ("Actualización de obligaciones en la Plataforma Nacional", "actualizaciones"),
           ("Capacitación a enlaces de transparencia", "cursos"),
           ("Sesiones del comité de transparencia", "sesiones"),
           ("Publicación de datos abiertos", "conjuntos de datos"),
           ("Verificación de avisos de privacidad", "avisos")],
          ["211", "214", "317", "334", "597"]),
    _area("Recursos Humanos", "Oficialía Mayor", "Gobierno eficiente",
          ["Administración de personal", "Capacitación", "Control de bienes"],
          [("Elaboración de la nómina quincenal", "nóminas"),
           ("Capacitación al personal del ayuntamiento", "cursos"),
           ("Actualización de expedientes de personal", "expedientes"),
           ("Inventario de bienes muebles", "inventarios"),
           ("Evaluación del desempeño", "evaluaciones"),
           ("Control de asistencia del personal", "reportes")],
          ["211", "214", "334", "398", "515"]),
)
# Appended to an activity's name once an area's list is used up (more activities than names).
QUALIFIERS = (
    "", " en la cabecera municipal", " en comunidades rurales", " en colonias populares",
    " (segunda etapa)", " (programa permanente)", " con participación ciudadana",
    " en coordinación con el gobierno estatal",
)
ACCIONES = ("Fortalecer", "Ampliar", "Mejorar", "Consolidar", "Impulsar", "Garantizar")


@cache
def load_municipios(path: Path = MUNICIPIOS_FILE) -> tuple[Municipio, ...]:
    """The 58 municipios of Zacatecas in INEGI order."""
    with path.open(encoding="utf-8", newline="") as fh:
        return tuple(Municipio(row["clave"], row["nombre"]) for row in csv.DictReader(fh))


def synthetic_area(name: str) -> str:
    return f"{name} ({MARK})"


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", strip_accents(text).lower()).strip("_")


def spending_path(poa: Path) -> Path:
    """Where the spending workbook of a synthetic POA workbook goes (beside it)."""
    return poa.with_name(f"{poa.stem}{SPENDING_SUFFIX}{poa.suffix}")


# -------------------------------------------------------------------------------------------------
# The invented data
# -------------------------------------------------------------------------------------------------


@dataclass
class SynthActivity:
    number: int
    name: str
    eje: str
    linea_estrategica: str
    linea_accion: str
    actividad_especifica: str
    responsable: str
    unit: str | int  # an int is a deliberate error: a number instead of a unit
    goal: int
    programmed: int
    achieved: int
    declared_pct: float
    start: date
    end: date
    months: tuple[int, ...]


@dataclass
class Layout:
    """How the area filled the template: which variant and which habits."""

    variant: str  # "oficial", "dos_hojas" or "una_hoja"
    offset: int  # extra rows above the header
    dates: str  # "excel" or "text"
    pct: str  # "fraction" (0.3 formatted as %), "number" (30) or "text" ("30%")
    marks: str  # "fill", "X" or "✓"
    money: str  # "number" or "text"
    municipio_label: bool  # a "Municipio:" line besides the signature "SOMBRERETE, ZAC."
    orange: bool = False  # the fill colour of planned months: orange instead of blue


@dataclass
class SynthPlan:
    municipio: str
    direccion: str
    area: str  # with the synthetic mark
    area_base: str  # without it
    objetivo: str
    year: int
    activities: list[SynthActivity]
    budget: list[tuple[str, str, float]]
    layout: Layout
    file_name: str


def _goal(rng: random.Random) -> int:
    """Between 1 and 200, small goals more common than large ones, as in real POAs."""
    return max(1, min(MAX_GOAL, round(MAX_GOAL ** rng.random())))


@cache
def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _window(rng: random.Random, year: int) -> tuple[date, date]:
    kind = rng.random()
    if kind < 0.35:
        return date(year, 1, 1), date(year, 12, 31)
    if kind < 0.75:
        start = rng.choice([date(year, 1, 2), date(year, 2, 1), date(year, 2, 2),
                            date(year, 3, 1), date(year, 4, 1)])
        end = rng.choice([_last_day(year, 6), _last_day(year, 9), _last_day(year, 11),
                          date(year, 12, 15), date(year, 12, 31)])
        return start, end
    month = rng.randint(1, 11)
    return date(year, month, 1), _last_day(year, min(12, month + rng.randint(0, 2)))


def _elapsed(start: date, end: date, when: date) -> float:
    if when < start:
        return 0.0
    if when >= end:
        return 1.0
    return ((when - start).days + 1) / ((end - start).days + 1)


def make_activity(
    rng: random.Random, number: int, area: AreaSpec, year: int, captured: date, index: int
) -> SynthActivity:
    base, unit = area.activities[index % len(area.activities)]
    round_ = index // len(area.activities)
    qualifier = QUALIFIERS[round_ % len(QUALIFIERS)]
    if round_ >= len(QUALIFIERS):
        qualifier += f" — grupo {round_ // len(QUALIFIERS) + 1}"
    name = base + qualifier
    linea = area.lineas[index % len(area.lineas)]
    goal = _goal(rng)
    start, end = _window(rng, year)
    months = tuple(months_between(start, end, year))
    # Progress at the capture date: mostly behind what the elapsed time asks for.
    draw = rng.random()
    if draw < 0.08:
        achieved = goal
    elif draw < 0.16:
        achieved = 0
    else:
        expected = _elapsed(start, end, captured)
        achieved = min(goal, round(goal * expected * rng.uniform(0.25, 1.1)))
    declared = float(round(achieved / goal * 100))
    if rng.random() < PCT_MISMATCH_RATE:
        declared = float(min(100, declared + rng.choice([10, 15, 20, 25, 30, 40])))
        if declared == round(achieved / goal * 100):
            declared = max(0.0, declared - 20)
    if rng.random() < END_BEFORE_START_RATE:
        if rng.random() < 0.5:  # the year typed wrong
            end = date(year - 1, end.month, min(end.day, _last_day(year - 1, end.month).day))
        else:  # the dates swapped
            start, end = max(start, end), min(start, end) - timedelta(days=1)
            if end >= start:
                end = start - timedelta(days=30)
        months = ()
    unit_value: str | int = goal if rng.random() < UNIT_NUMBER_RATE else unit
    return SynthActivity(
        number=number, name=name, eje=area.eje, linea_estrategica=linea,
        linea_accion=f"{rng.choice(ACCIONES)} {linea.lower()} en el municipio.",
        actividad_especifica=f"{base} conforme al programa anual del área.",
        responsable=f"Titular de {area.name}", unit=unit_value, goal=goal, programmed=goal,
        achieved=achieved, declared_pct=declared, start=start, end=end, months=months,
    )


def make_budget(rng: random.Random, area: AreaSpec) -> list[tuple[str, str, float]]:
    catalog = load_catalog()
    count = rng.randint(min(3, len(area.partidas)), len(area.partidas))
    generics = sorted(rng.sample(area.partidas, count))
    lines = []
    for generic in generics:
        code = generic + "1"
        name = catalog.official_name(code) or ""
        scale = {"2": 250_000, "3": 400_000, "4": 900_000, "5": 350_000, "6": 3_000_000}
        amount = float(round(scale[code[0]] * rng.uniform(0.1, 1.0), -3))
        lines.append((code, name, amount))
    return lines


def make_layout(rng: random.Random) -> Layout:
    return Layout(
        variant=rng.choices(["oficial", "dos_hojas", "una_hoja"], weights=[45, 30, 25])[0],
        offset=rng.choice([0, 0, 1, 2, 3]),
        dates=rng.choice(["excel", "excel", "text"]),
        pct=rng.choice(["fraction", "number", "text"]),
        marks=rng.choice(["fill", "X", "✓"]),
        money=rng.choice(["number", "number", "text"]),
        municipio_label=rng.random() < 0.5,
        orange=rng.random() < 0.3,
    )


def make_plan(
    municipio: Municipio, area_index: int, activities: int, *, seed: int, year: int
) -> SynthPlan:
    """The invented POA of one area of one municipio: the same arguments, the same plan."""
    area = AREAS[area_index]
    rng = random.Random(f"poa:{seed}:{year}:{municipio.clave}:{area_index}:{activities}")
    layout = make_layout(rng)
    captured = date(year, rng.randint(4, 11), 28)  # the month this report was filled in
    acts = [make_activity(rng, i + 1, area, year, captured, i) for i in range(activities)]
    name = (f"{FILE_PREFIX}{municipio.clave}_{slug(municipio.nombre)}_{area_index + 1:02d}_"
            f"{slug(area.name)}_{year}.xlsx")
    return SynthPlan(
        municipio=municipio.nombre, direccion=area.direccion, area=synthetic_area(area.name),
        area_base=area.name,
        objetivo=(f"Cumplir los programas de {area.name} en beneficio de la población de "
                  f"{municipio.nombre} ({BANNER.lower()})."),
        year=year, activities=acts, budget=make_budget(rng, area), layout=layout,
        file_name=name,
    )


# -------------------------------------------------------------------------------------------------
# Writing: each plan described for the workbook writer (loaders/write/)
# -------------------------------------------------------------------------------------------------

CREATOR = "Tablero POA (loaders/synth.py)"


def _stamp(year: int) -> datetime:
    return datetime(year, 1, 15, 9, 0, 0)


def presentation(layout: Layout) -> Presentation:
    """The area's habits as the writer's presentation choices."""
    labels = ("direccion", "area", "objetivo")
    return Presentation(
        layout=layout.variant, offset=layout.offset, dates=layout.dates, percent=layout.pct,
        months=layout.marks, month_fill=ORANGE if layout.orange else BLUE, money=layout.money,
        partida="text" if layout.variant == "dos_hojas" else "number",
        labels=("municipio", *labels) if layout.municipio_label else labels,
    )


def poa_workbook(plan: SynthPlan) -> PoaWorkbook:
    """What the plan's workbook holds; the approver's signature carries the place, as in
    "SOMBRERETE, ZAC."."""
    activities = [
        Activity(number=a.number, name=a.name, eje=a.eje, linea_estrategica=a.linea_estrategica,
                 linea_accion=a.linea_accion, actividad_especifica=a.actividad_especifica,
                 responsable=a.responsable, unit=a.unit, goal=a.goal, programmed=a.programmed,
                 programmed_pct=100.0, achieved=a.achieved, declared_pct=a.declared_pct,
                 start=a.start, end=a.end, months_planned=list(a.months))
        for a in plan.activities
    ]
    area = plan.area_base
    return PoaWorkbook(
        plan=PlanIdentity(municipio=plan.municipio, estado=STATE, direccion=plan.direccion,
                          area=plan.area, fiscal_year=plan.year, objetivo=plan.objetivo),
        activities=activities,
        budget=[BudgetLine(code, name, amount) for code, name, amount in plan.budget],
        properties=Properties(
            title=f"POA {plan.year} — {plan.area} — {plan.municipio}, {STATE} — {BANNER}",
            creator=CREATOR, stamp=_stamp(plan.year), description=BANNER,
        ),
        presentation=presentation(plan.layout),
        banner=BANNER,
        signatures=[
            ["Elaboró", UNDERLINE, f"Titular de {area}", area.upper()],
            ["Revisó", UNDERLINE, "Titular de la Unidad de Planeación"],
            ["Aprobó", UNDERLINE, "Presidencia Municipal",
             f"{plan.municipio.upper()}, {STATE_ABBREVIATION}"],
        ],
    )


def render_poa(plan: SynthPlan) -> bytes:
    return poa_xlsx(poa_workbook(plan))


# -------------------------------------------------------------------------------------------------
# Spending workbooks
# -------------------------------------------------------------------------------------------------

MOMENTOS = ("Comprometido", "Devengado", "Ejercido", "Pagado")


def make_movements(plan: SynthPlan, seed: int) -> list[tuple[date, str, str, str, float]]:
    """(fecha, partida, concepto, momento, importe) in date order: the four momentos in order
    for each purchase, a transfer between partidas now and then, a partida overspent rarely."""
    rng = random.Random(f"gasto:{seed}:{plan.year}:{plan.file_name}")
    year = plan.year
    moves: list[tuple[date, str, str, str, float]] = []
    budget = plan.budget
    if len(budget) >= 2 and rng.random() < 0.3:
        (up, _, _), (down, _, down_amount) = rng.sample(budget, 2)
        amount = float(round(down_amount * rng.uniform(0.02, 0.1), -2)) or 100.0
        when = date(year, rng.randint(1, 4), rng.randint(1, 28))
        moves.append((when, up, "Ampliación por reasignación entre partidas", "Ampliación", amount))
        moves.append((when, down, "Reducción para compensar una ampliación", "Reducción", amount))
    for code, name, approved in budget:
        share = rng.uniform(1.03, 1.15) if rng.random() < OVERSPENT_RATE else rng.uniform(0.3, 0.9)
        purchases = rng.randint(1, 3)
        for p in range(purchases):
            amount = float(round(approved * share / purchases, 2))
            when = date(year, rng.randint(1, 9), rng.randint(1, 28))
            concepto = f"{name} (compra {p + 1} de {purchases})"
            for k, momento in enumerate(MOMENTOS):
                if k and rng.random() < 0.12:  # the purchase has not gone further yet
                    break
                moves.append((when, code, concepto, momento, amount))
                when = min(date(year, 12, 31), when + timedelta(days=rng.randint(3, 20)))
    order = {m: i for i, m in enumerate(("Ampliación", "Reducción", *MOMENTOS))}
    moves.sort(key=lambda m: (m[0], m[1], order[m[3]]))
    return moves


def spending_workbook(plan: SynthPlan, seed: int) -> SpendingWorkbook:
    """What the plan's spending workbook holds."""
    return SpendingWorkbook(
        rows=[
            SpendingRow(f"F-{i:03d}", when, code, concepto, momento, amount)
            for i, (when, code, concepto, momento, amount)
            in enumerate(make_movements(plan, seed), start=1)
        ],
        banner=BANNER,
        heading=(f"Ejercicio del presupuesto {plan.year} — {plan.area} ({plan.municipio}, "
                 f"{STATE}). Movimientos inventados para pruebas y demostraciones; no son datos "
                 "de ninguna Tesorería."),
        notes=FORMAT_NOTES,
        properties=Properties(
            title=(f"Ejercicio del presupuesto {plan.year} — {plan.area} — {plan.municipio} — "
                   f"{BANNER}"),
            creator=CREATOR, stamp=_stamp(plan.year), description=BANNER,
        ),
        dates=plan.layout.dates,
        money=plan.layout.money,
    )


def render_spending(plan: SynthPlan, seed: int) -> bytes:
    return spending_xlsx(spending_workbook(plan, seed))


# -------------------------------------------------------------------------------------------------
# Public API
# -------------------------------------------------------------------------------------------------


def _check_counts(municipios: int, areas: int, activities: int) -> None:
    total = len(load_municipios())
    if not 1 <= municipios <= total:
        raise ValueError(f"--municipios debe estar entre 1 y {total}, no {municipios}.")
    if not 1 <= areas <= len(AREAS):
        raise ValueError(f"--areas debe estar entre 1 y {len(AREAS)}, no {areas}.")
    if not 1 <= activities <= 10_000:
        raise ValueError(f"--activities debe estar entre 1 y 10,000, no {activities}.")


def plans(
    *, municipios: int, areas: int, activities: int, seed: int = 0, year: int = 2026
) -> Iterable[SynthPlan]:
    """The plans of the first `municipios` municipios (INEGI order) × the first `areas` areas."""
    _check_counts(municipios, areas, activities)
    for municipio in load_municipios()[:municipios]:
        for area_index in range(areas):
            yield make_plan(municipio, area_index, activities, seed=seed, year=year)


def write_workbooks(
    out_dir: Path,
    *,
    municipios: int,
    areas: int,
    activities: int,
    seed: int = 0,
    year: int = 2026,
    spending: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> list[Path]:
    """Write municipios × areas synthetic POA workbooks of `activities` activities each into
    `out_dir` and return their paths, municipio by municipio. With `spending`, each also gets
    its spending workbook beside it, at `spending_path(poa)`. Deterministic for a given seed:
    a workbook's bytes depend only on (seed, year, municipio, area, activities)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    total = municipios * areas
    paths: list[Path] = []
    for done, plan in enumerate(
        plans(municipios=municipios, areas=areas, activities=activities, seed=seed, year=year),
        start=1,
    ):
        path = out_dir / plan.file_name
        path.write_bytes(render_poa(plan))
        if spending:
            spending_path(path).write_bytes(render_spending(plan, seed))
        paths.append(path)
        if progress:
            progress(done, total)
    return paths


def write_large_workbook(path: Path, rows: int, *, seed: int = 0, year: int = 2026) -> Path:
    """ONE POA workbook with `rows` activities (official template: catalog and cronograma on two
    sheets), for import benchmarks. Activities are drawn from every area's list."""
    if not 1 <= rows <= 49_000:
        raise ValueError(f"rows debe estar entre 1 y 49,000, no {rows}.")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = random.Random(f"grande:{seed}:{year}:{rows}")
    municipio = next(m for m in load_municipios() if m.nombre == "Sombrerete")
    captured = date(year, 9, 28)
    acts = []
    for i in range(rows):
        area = AREAS[i % len(AREAS)]
        acts.append(make_activity(rng, i + 1, area, year, captured, i // len(AREAS)))
    area_name = f"Libro de {rows:,} actividades"
    plan = SynthPlan(
        municipio=municipio.nombre, direccion="Unidad de Planeación",
        area=synthetic_area(area_name), area_base=area_name,
        objetivo=f"Libro grande para medir la carga del tablero ({BANNER.lower()}).",
        year=year, activities=acts, budget=make_budget(rng, AREAS[0]),
        layout=Layout("oficial", 0, "excel", "fraction", "fill", "number", True),
        file_name=path.name,
    )
    path.write_bytes(render_poa(plan))
    return path


# -------------------------------------------------------------------------------------------------
# Importing a directory of workbooks
# -------------------------------------------------------------------------------------------------


@dataclass
class ImportReport:
    stored: int = 0
    already: int = 0
    refused: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)
    spending_stored: int = 0
    spending_already: int = 0
    spending_without_poa: list[str] = field(default_factory=list)
    findings: int = 0
    errors: int = 0
    seconds: float = 0.0

    @property
    def files(self) -> int:
        return (self.stored + self.already + len(self.refused) + self.spending_stored
                + self.spending_already + len(self.spending_without_poa))


def import_directory(
    engine,
    directory: Path,
    settings,
    *,
    uploaded_by: str = "cli",
    as_of: date | None = None,
    year: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Import every workbook (.xlsx, .xls, .ods) of `directory` (not its subfolders) in this
    process; see `import_files`."""
    files = [p for p in Path(directory).iterdir()
             if p.is_file() and p.suffix.lower() in WORKBOOK_SUFFIXES]
    return import_files(engine, files, settings, uploaded_by=uploaded_by, as_of=as_of, year=year,
                        progress=progress)


def import_files(
    engine,
    paths: Iterable[Path],
    settings,
    *,
    uploaded_by: str = "cli",
    as_of: date | None = None,
    year: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Import workbooks in name order, each in its own transaction, and count what happened.

    `LIBRO_ejercicio.xlsx` is the spending workbook of `LIBRO.xlsx`: it is imported after the POA
    workbooks, into that POA. A file already stored counts as such; an unreadable one is listed
    with its reason and the rest go on. A storage failure (busy, disk full) stops the import and
    raises StorageUnavailable: what was stored before stays.
    """
    from sqlalchemy.orm import Session

    from loaders.errors import NotAPoaWorkbook
    from loaders.imports import areas_in, import_spending, import_workbook
    from loaders.store.schema import Version
    from loaders.store.versions import AlreadyImported

    as_of = as_of or date.today()
    started = time.perf_counter()
    report = ImportReport()
    files = sorted(paths, key=lambda p: p.name)
    spending = [p for p in files if p.stem.endswith(SPENDING_SUFFIX)]
    poas = [p for p in files if not p.stem.endswith(SPENDING_SUFFIX)]
    plan_of: dict[str, int] = {}
    done = 0
    for path in poas:
        try:
            data = _read_file(path, settings)
            areas = areas_in(data, settings, file_name=path.name)
        except NotAPoaWorkbook as exc:
            report.refused.append((path.name, exc.message))
            areas = []
        for area in areas if len(areas) > 1 else areas[:1]:  # each área of a workbook of several
            try:
                stored = import_workbook(engine, data, settings, file_name=path.name,
                                         uploaded_by=uploaded_by, as_of=as_of, year=year,
                                         area=area if len(areas) > 1 else None)
            except AlreadyImported as exc:
                report.already += 1
                with Session(engine) as session:
                    plan_of.setdefault(path.stem, session.get(Version, exc.version_id).plan_id)
            except NotAPoaWorkbook as exc:
                report.refused.append((path.name, exc.message))
            else:
                report.stored += 1
                plan_of.setdefault(path.stem, stored.plan_id)
                report.findings += len(stored.findings)
                report.errors += sum(1 for f in stored.findings if f.severity == "error")
        done += 1
        if progress:
            progress(done, len(files))
    for path in spending:
        plan_id = plan_of.get(path.stem[: -len(SPENDING_SUFFIX)])
        if plan_id is None:
            report.spending_without_poa.append(path.name)
        else:
            try:
                import_spending(engine, plan_id, _read_file(path, settings), settings,
                                file_name=path.name, uploaded_by=uploaded_by)
            except AlreadyImported:
                report.spending_already += 1
            except NotAPoaWorkbook as exc:
                report.refused.append((path.name, exc.message))
            else:
                report.spending_stored += 1
        done += 1
        if progress:
            progress(done, len(files))
    report.seconds = time.perf_counter() - started
    return report


def _read_file(path: Path, settings) -> bytes:
    from loaders.errors import NotAPoaWorkbook
    from loaders.read.package import check_file_size

    try:
        check_file_size(path.stat().st_size, settings)  # before loading it into memory
        return path.read_bytes()
    except OSError as exc:
        raise NotAPoaWorkbook(f"No se pudo leer el archivo «{path.name}».") from exc

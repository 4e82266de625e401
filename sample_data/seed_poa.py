"""Datos del POA 2026 del área "Migrantes y Ex braceros" (Sombrerete, Zacatecas).

Transcritos TAL CUAL del documento fuente (shared/seeds/004_f08f9314f8364404.txt),
con sus erratas y errores incluidos: son justamente lo que el tablero debe señalar.
No los corrija aquí.
"""

from datetime import date

TITLE = "POA (PLAN OPERATIVO ANUAL)"
DIRECCION = "Secretaría de Gobierno"
AREA = "Migrantes y Ex braceros"
OBJETIVO = (
    "Brindar a la comunidad migrante un gobierno municipal, con capacidad de apoyo y respaldo"
)
OBJETIVOS_ESPECIFICOS = (
    "Que la coordinación de migrantes y ex braceros de la administración municipal se transforme "
    "en la Dirección de Migrantes y Ex braceros, de acuerdo con la Ley de atención a los Migrantes"
    " y sus familias del estado de Zacatecas."
)
FISCAL_YEAR = 2026

# Tabla de actividades (hoja POA) unida al cronograma por número de actividad.
# name: nombre en la tabla de actividades; name_cronograma: como aparece en el cronograma.
# unit: la columna "Unidad de medida" del documento contiene un NÚMERO, no una unidad.
# programmed_pct y declared_pct en porcentaje (100 = 100 %), tal como los declara el
# documento aunque no cuadren con los conteos (actividades 2, 5, 7 y 12).
# Fechas: el documento usa día/mes/año. Actividad 7 termina el 31/12/2025 (antes de
# empezar) y la 14 empieza el 01/01/2025: se conservan.
ACTIVITIES: list[dict] = [
    {
        "number": 1,
        "name": "Corazón de Plata",
        "eje": "Mas bienestar en servicios públicos",
        "linea_estrategica": "Atención al migrante",
        "linea_accion": (
            "Fortalecer el vínculo de nuestro municipio a través de los diferentes clubes "
            "migrantes. Atender a población migrante, creando albergues y estaciones migratorias "
            "para asesorar a las personas migrantes en tránsito por el municipio de sombrete, "
            "sobre los procedimientos de regularización migratoria y solicitudes de asilo."
        ),
        "actividad_especifica": (
            "El objetivo es brindar apoyo para reunificar familias zacatecanas separadas por la "
            "migración Promover apoyos mediante el estado para que se pueda establecer en su lugar"
            " de origen"
        ),
        "name_cronograma": "Corazon de Plata",
        "responsable": "Migrantes y Ex braceros",
        "unit": 20,
        "goal": 20,
        "programmed": 20,
        "programmed_pct": 100,
        "achieved": 6,
        "declared_pct": 30,
        "start": date(2026, 1, 1),
        "end": date(2026, 12, 31),
    },
    {
        "number": 2,
        "name": "Apoyo a deportados",
        "eje": "Mas bienestar en servicios públicos",
        "linea_estrategica": "Atención al migrante",
        "linea_accion": (
            "Desarrollar programas específicos de orientación y bienvenida, así como la ampliación"
            " de servicios y asesoramiento jurídico para la población migrante extranjera."
        ),
        "actividad_especifica": (
            "Apoyo para los hijos de migrantes para el apostillado de actas y su doble "
            "nacionalidad mediante la SEZAMI"
        ),
        "name_cronograma": "Apoyo a deportados",
        "responsable": "Migrantes y Ex braceros",
        "unit": 50,
        "goal": 50,
        "programmed": 50,
        "programmed_pct": 100,
        "achieved": 6,
        "declared_pct": 30,
        "start": date(2026, 1, 1),
        "end": date(2026, 9, 30),
    },
    {
        "number": 3,
        "name": "Doble nacionalidad",
        "eje": "Mas bienestar en servicios públicos",
        "linea_estrategica": "Atención al migrante",
        "linea_accion": (
            "Desarrollar programas específicos de orientación y bienvenida, así como la ampliación"
            " de servicios y asesoramiento jurídico para la población migrante extranjera."
        ),
        "actividad_especifica": (
            "Hacer difusión de las fechas en las que se realizan los tramites del seguro por medio"
            " del consulado"
        ),
        "name_cronograma": "Doble nacionalidad",
        "responsable": "Migrantes y Ex braceros",
        "unit": 20,
        "goal": 20,
        "programmed": 20,
        "programmed_pct": 100,
        "achieved": 0,
        "declared_pct": 0,
        "start": date(2026, 1, 1),
        "end": date(2026, 12, 31),
    },
    {
        "number": 4,
        "name": "Apostillado",
        "eje": "Mas bienestar en servicios públicos",
        "linea_estrategica": "Atención al migrante",
        "linea_accion": (
            "Desarrollar programas específicos de orientación y bienvenida, así como la ampliación"
            " de servicios y asesoramiento jurídico para la población migrante extranjera."
        ),
        "actividad_especifica": (
            "El objetivo es brindar asesoramiento en la realización de los tramites"
        ),
        "name_cronograma": "Aposillado",
        "responsable": "Migrantes y Ex braceros",
        "unit": 20,
        "goal": 20,
        "programmed": 20,
        "programmed_pct": 100,
        "achieved": 0,
        "declared_pct": 0,
        "start": date(2026, 1, 1),
        "end": date(2026, 10, 30),
    },
    {
        "number": 5,
        "name": "Seguros Americanos",
        "eje": "Mas bienestar en servicios públicos",
        "linea_estrategica": "Atención al migrante",
        "linea_accion": (
            "Desarrollar programas específicos de orientación y bienvenida, así como la ampliación"
            " de servicios y asesoramiento jurídico para la población migrante extranjera."
        ),
        "actividad_especifica": (
            "Es impulsado por los zacatecanos que en épocas difíciles tuvieron la necesidad de "
            "migrar a estados unidos, sin olvidar sus raíces y su gente se han propuesto compartir"
            " en buena medida sus ahorros y su trabajo a través de promover y apoyar diversas "
            "obras"
        ),
        "name_cronograma": "Seguros Americanos",
        "responsable": "Migrantes y Ex braceros",
        "unit": 15,
        "goal": 15,
        "programmed": 15,
        "programmed_pct": 100,
        "achieved": 4,
        "declared_pct": 60,
        "start": date(2026, 3, 1),
        "end": date(2026, 9, 30),
    },
    {
        "number": 6,
        "name": "COVAM y Programa 2x1",
        "eje": "Mas desarrollo y competitividad",
        "linea_estrategica": "Atención al migrante",
        "linea_accion": "",
        "actividad_especifica": "",
        "name_cronograma": "COVAM y Programa 2x1",
        "responsable": "Migrantes y Ex braceros",
        "unit": 10,
        "goal": 10,
        "programmed": 10,
        "programmed_pct": 100,
        "achieved": 5,
        "declared_pct": 50,
        "start": date(2026, 1, 1),
        "end": date(2026, 12, 31),
    },
    {
        "number": 7,
        "name": "Reuniones, revisión de expedientes y agenda con SEZAMI",
        "eje": "Mas desarrollo y competitividad",
        "linea_estrategica": "Atención al migrante",
        "linea_accion": (
            "Desarrollar programas específicos de orientación y bienvenida, así como la ampliación"
            " de servicios y asesoramiento jurídico para la población migrante extranjera."
        ),
        "actividad_especifica": (
            "Para obtener información y capacitación para los diferentes tipos de apoyos para las "
            "personas, que se proporcionan por medio de la SEZAMI para que sean dados a conocer a "
            "las comunidades migrantes"
        ),
        "name_cronograma": "Reunion, revision de expedientes y agenda con SEZAMI",
        "responsable": "Migrantes y Ex braceros",
        "unit": 3,
        "goal": 3,
        "programmed": 3,
        "programmed_pct": 100,
        "achieved": 1,
        "declared_pct": 75,
        "start": date(2026, 1, 1),
        "end": date(2025, 12, 31),
    },
    {
        "number": 8,
        "name": "Apoyo para tramitar pasaporte mexicano",
        "eje": "Mas bienestar en servicios públicos",
        "linea_estrategica": "Atención al migrante",
        "linea_accion": (
            "Brindar apoyo y orientación para solicitar pasaportes mexicanos ante la secretaria de"
            " Relaciones Exteriores (S.E.R)"
        ),
        "actividad_especifica": "Brindar apoyo en la obtención de cita para su pasaporte mexicano",
        "name_cronograma": "Apoyo para familiar pasaporte mexicano",
        "responsable": "Migrantes y Ex braceros",
        "unit": 10,
        "goal": 10,
        "programmed": 10,
        "programmed_pct": 100,
        "achieved": 0,
        "declared_pct": 0,
        "start": date(2026, 2, 5),
        "end": date(2026, 2, 5),
    },
    {
        "number": 9,
        "name": "Foros migrantes por la transformación",
        "eje": "Mas bienestar en servicios públicos",
        "linea_estrategica": "Atención al migrante",
        "linea_accion": (
            "Desarrollar programas específicos de orientación y bienvenida, así como la ampliación"
            " de servicios y asesoramiento jurídico para la población migrante extranjera."
        ),
        "actividad_especifica": (
            "Dar a conocer las actividades, programas y personas que brindan atención a la "
            "comunidad migrante"
        ),
        "name_cronograma": "Foros migrantes por la transformacion",
        "responsable": "Migrantes y Ex braceros",
        "unit": 1,
        "goal": 1,
        "programmed": 1,
        "programmed_pct": 100,
        "achieved": 0,
        "declared_pct": 0,
        "start": date(2026, 2, 5),
        "end": date(2026, 2, 5),
    },
    {
        "number": 10,
        "name": "Festejo del día del Sombrerense",
        "eje": "Mas bienestar en servicios públicos",
        "linea_estrategica": "Atención al migrante",
        "linea_accion": (
            "Fortalecer el vínculo de nuestro municipio a través de los diferentes clubes migrantes"
        ),
        "actividad_especifica": (
            "Organizar el evento del 5 de febrero. El día del Sombrerense Migrante"
        ),
        "name_cronograma": "Festejo del dia Sombretense",
        "responsable": "Migrantes y Ex braceros",
        "unit": 1,
        "goal": 1,
        "programmed": 1,
        "programmed_pct": 100,
        "achieved": 0,
        "declared_pct": 0,
        "start": date(2026, 1, 1),
        "end": date(2026, 12, 31),
    },
    {
        "number": 11,
        "name": "Jornada Municipal de servicios migrante",
        "eje": "Mas bienestar en servicios públicos",
        "linea_estrategica": "Atención al migrante",
        "linea_accion": (
            "Desarrollar programas específicos de orientación y bienvenida, así como la ampliación"
            " de servicios y asesoramiento jurídico para la población migrante extranjera."
        ),
        "actividad_especifica": (
            "Darles a conocer información a la ciudadanía por medio de la SEZAMI de los programas "
            "que se tienen a brindar apoyo en los tramites que se requeriran."
        ),
        "name_cronograma": "Jornada municipal de servicios migrante",
        "responsable": "Migrantes y Ex braceros",
        "unit": 1,
        "goal": 1,
        "programmed": 1,
        "programmed_pct": 100,
        "achieved": 0,
        "declared_pct": 0,
        "start": date(2026, 1, 1),
        "end": date(2026, 10, 30),
    },
    {
        "number": 12,
        "name": "Reunión con clubes y paisanos migrantes",
        "eje": "Mas bienestar en servicios públicos",
        "linea_estrategica": "Atención al migrante",
        "linea_accion": (
            "Fortalecer el vínculo de nuestro municipio a través de los diferentes clubes "
            "migrantes."
        ),
        "actividad_especifica": "Para conocer las problemáticas y crear soluciones",
        "name_cronograma": "Reunion con clubs y paisanos migrantes",
        "responsable": "Migrantes y Ex braceros",
        "unit": 3,
        "goal": 3,
        "programmed": 3,
        "programmed_pct": 100,
        "achieved": 1,
        "declared_pct": 75,
        "start": date(2026, 1, 1),
        "end": date(2026, 10, 30),
    },
    {
        "number": 13,
        "name": "Participación en expo agropecuarias migrantes en el exterior",
        "eje": "Mas bienestar en servicios públicos",
        "linea_estrategica": "Atención al migrante",
        "linea_accion": (
            "Desarrollar programas específicos de orientación y bienvenida, así como la ampliación"
            " de servicios y asesoramiento jurídico para la población migrante extranjera."
        ),
        "actividad_especifica": "Para crear vinculos mediante estas actividades",
        "name_cronograma": "Participacion en expo agropecuarias migrantes en el exterior",
        "responsable": "Migrantes y Ex braceros",
        "unit": 3,
        "goal": 3,
        "programmed": 3,
        "programmed_pct": 100,
        "achieved": 0,
        "declared_pct": 0,
        "start": date(2026, 1, 1),
        "end": date(2026, 12, 31),
    },
    {
        "number": 14,
        "name": "Apoyo a comunidades mediante clubs migrantes",
        "eje": "Mas bienestar en servicios públicos",
        "linea_estrategica": "Atención al migrante",
        "linea_accion": (
            "Solicitar a los clubs migrantes el apoyo en especie para personas de bajos recursos "
            "creado convenios dichos clubs y federaciones para hacer llegar a ellos los materiales"
            " recaudados que se donan y hacenos llegar a los solicitantes a través del "
            "departamento de migrantes y ex braceros (puede ser despenas, pañales, andadores, "
            "muletas, sillas de rueda, sillas con cómodo, etc.)"
        ),
        "actividad_especifica": (
            "Se brinda apoyo a las comunidades con ayudas que envían los paisanos migrantes"
        ),
        "name_cronograma": "Apoyo a comunidades mediante clubs migrantes",
        "responsable": "Migrantes y Ex braceros",
        "unit": 20,
        "goal": 20,
        "programmed": 20,
        "programmed_pct": 100,
        "achieved": 0,
        "declared_pct": 0,
        "start": date(2025, 1, 1),
        "end": date(2026, 12, 31),
    },
    {
        "number": 15,
        "name": "Apoyo para tramite y citas de visa",
        "eje": "Mas bienestar en servicios públicos",
        "linea_estrategica": "Atención al migrante",
        "linea_accion": (
            "Fortalecer el vínculo de nuestro municipio a través de los diferentes clubes "
            "migrantes."
        ),
        "actividad_especifica": "Brindar apoyo mediante contactos para la obtención de su cita",
        "name_cronograma": "Apoyo para tramite y cita de visa",
        "responsable": "Migrantes y Ex braceros",
        "unit": 20,
        "goal": 20,
        "programmed": 20,
        "programmed_pct": 100,
        "achieved": 0,
        "declared_pct": 0,
        "start": date(2026, 1, 1),
        "end": date(2026, 12, 31),
    },
    {
        "number": 16,
        "name": "Revisión tramites consulares y difusión",
        "eje": "Mas desarrollo y competitividad",
        "linea_estrategica": "Atención al migrante",
        "linea_accion": (
            "Fortalecer el vínculo de nuestro municipio a través de los diferentes clubes "
            "migrantes."
        ),
        "actividad_especifica": (
            "Para tener contacto con las oficinas del consulado y con la comunidad migrante para "
            "brindar una mejor atención"
        ),
        "name_cronograma": "Revisión de tramites consulares y difusión",
        "responsable": "Migrantes y Ex braceros",
        "unit": 1,
        "goal": 1,
        "programmed": 1,
        "programmed_pct": 100,
        "achieved": 0,
        "declared_pct": 0,
        "start": date(2026, 1, 1),
        "end": date(2026, 12, 31),
    },
]

# La fórmula del documento está en LaTeX; aquí en texto plano (sin "=" inicial).
INDICATOR = {
    "nombre": "Indice de Eficiencia",
    "variables": "1. Actividades Logradas 2. Actividades Programadas",
    "formula": "Indice de Eficiencia = Actividades Logradas / Actividades Programadas x 100",
}

# (partida, nombre, cantidad) con las erratas del documento; sin fila de total.
BUDGET: list[tuple[str, str, float]] = [
    ("2111", "Papelería de oficina", 5000.0),
    ("2121", "Materiales t útiles de impresión y reproducción", 5000.0),
    ("2611", "Gasolina", 10000.0),
    ("3761", "Váticos Internacionales", 50000.0),
    ("4244", "Aportaciones para acciones", 20000.0),
]

# Bloque de firmas (Observaciones.), una lista de líneas por firmante:
# el área (elabora), quien revisa y quien aprueba. Texto tal cual, con sus erratas.
SIGNATURES: list[list[str]] = [
    [
        "MIGRANTES Y EX BRACEROS",
        "SOMBRERETE",
        "EL AYUNTAMIENTO 2004 - 2007",
        "ELLEGO LA TRANSFORMACION",
        "MIGRANTES Y EX BRACEROS",
        "Titular del Departamento de Migrantes y Ex braceros",
    ],
    [
        "Reviso: Ing. Paulo César Tarango Rojero",
        "Titular Unidad de Planeación",
    ],
    [
        "Aprobó: Lic. J. Santos Ramiro Hinojosa Aguay",
        "Presidente Municipalidad Municipal",
        "SOMBRERETE, ZAC.",
        "2024 - 2027",
    ],
]

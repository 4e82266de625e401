"""The open-data tables and their columns, in the order the files write them.

Each column says its type (how CSV and JSON write it) and, in Spanish, what it holds and in which
unit: the data dictionary (`LEEME.md`) is written from these, so a column cannot be published
without being described.
"""

from __future__ import annotations

from dataclasses import dataclass

TEXT, INTEGER, DECIMAL, DATE, BOOLEAN, MONTHS = (
    "texto", "entero", "decimal", "fecha", "sí/no", "lista de meses")
KINDS = (TEXT, INTEGER, DECIMAL, DATE, BOOLEAN, MONTHS)


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    description: str


@dataclass(frozen=True)
class Table:
    name: str  # the file's stem: "poas" -> poas.csv, poas.json
    description: str  # what one row is
    columns: tuple[Column, ...]

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]


def _c(name: str, kind: str, description: str) -> Column:
    return Column(name, kind, description)


_POA = (
    _c("poa_id", INTEGER, "Clave del POA en el tablero (la misma de `/api/v1/poa/<clave>` y de "
       "la dirección `?poa=` de las páginas). Une las cuatro tablas."),
    _c("municipio", TEXT, "Municipio."),
    _c("area", TEXT, "Área que ejecuta el POA."),
)

POAS = Table("poas", "Un renglón por POA: la versión vigente a la fecha de corte y sus totales.", (
    *_POA[:2],
    _c("estado", TEXT, "Entidad federativa."),
    _c("direccion", TEXT, "Dirección o dependencia a la que pertenece el área."),
    _POA[2],
    _c("anio_fiscal", INTEGER, "Año fiscal del POA."),
    _c("version", INTEGER, "Número de la versión publicada (1 es la primera carga del POA)."),
    _c("version_id", INTEGER, "Clave de esa versión en el tablero."),
    _c("fecha_carga", DATE, "Día en que se cargó esa versión."),
    _c("fecha_corte", DATE, "Fecha de corte de la publicación: lo esperado se calcula a ese día."),
    _c("cargada_despues_del_corte", BOOLEAN, "«si» cuando ninguna versión del POA se cargó en o "
       "antes de la fecha de corte y se publica la primera (sus metas alcanzadas son "
       "posteriores al corte)."),
    _c("actividades", INTEGER, "Número de actividades de la versión."),
    _c("meta_programada_total", INTEGER, "Suma de la meta programada de las actividades "
       "(unidades de medida de cada actividad)."),
    _c("meta_alcanzada_total", INTEGER, "Suma de la meta alcanzada de las actividades con meta "
       "programada."),
    _c("indice_eficiencia_pct", DECIMAL, "Índice de Eficiencia, en por ciento: meta alcanzada "
       "total / meta programada total × 100. Vacío sin metas programadas."),
    _c("indice_esperado_pct", DECIMAL, "Índice que tendría el POA a la fecha de corte si cada "
       "actividad llevara su calendario, en por ciento (promedio del avance esperado ponderado "
       "por la meta programada)."),
    _c("semaforo_verde", INTEGER, "Actividades en verde (en tiempo o concluidas)."),
    _c("semaforo_amarillo", INTEGER, "Actividades en amarillo (con retraso)."),
    _c("semaforo_rojo", INTEGER, "Actividades en rojo (en riesgo)."),
    _c("semaforo_sin_datos", INTEGER, "Actividades sin semáforo: sin meta programada o sin "
       "fechas de inicio y fin."),
    _c("concluidas", INTEGER, "Actividades con la meta cumplida (alcanzada ≥ programada)."),
    _c("vencidas", INTEGER, "Actividades cuyo periodo terminó antes de la fecha de corte sin "
       "cumplir la meta."),
    _c("presupuesto_aprobado", DECIMAL, "Presupuesto aprobado del POA, en pesos."),
    _c("presupuesto_modificado", DECIMAL, "Presupuesto modificado (aprobado + ampliaciones − "
       "reducciones) a la fecha de corte, en pesos."),
    _c("presupuesto_devengado", DECIMAL, "Devengado a la fecha de corte, en pesos."),
    _c("presupuesto_ejercido", DECIMAL, "Ejercido a la fecha de corte, en pesos."),
    _c("presupuesto_pagado", DECIMAL, "Pagado a la fecha de corte, en pesos."),
    _c("subejercicio", DECIMAL, "Modificado − devengado, en pesos (negativo cuando se devengó "
       "más que el modificado)."),
    _c("partidas_sobregiradas", INTEGER, "Partidas cuyo ejercido supera su presupuesto "
       "modificado."),
))

ACTIVIDADES = Table(
    "actividades", "Un renglón por actividad de la versión publicada de cada POA, con su avance "
    "y su semáforo a la fecha de corte.", (
        *_POA,
        _c("numero", INTEGER, "Número de la actividad (Nº) en el POA."),
        _c("clave", TEXT, "El número como está escrito en el libro («1.», «A-1»)."),
        _c("nombre", TEXT, "Nombre de la actividad."),
        _c("eje", TEXT, "Eje del plan municipal al que pertenece."),
        _c("unidad", TEXT, "Unidad de medida de las metas (asesorías, eventos, personas…)."),
        _c("meta_anual", INTEGER, "Meta anual, en la unidad de medida."),
        _c("meta_programada", INTEGER, "Meta programada, en la unidad de medida."),
        _c("meta_alcanzada", INTEGER, "Meta alcanzada según la versión, en la unidad de medida."),
        _c("avance_real_pct", DECIMAL, "Avance real, en por ciento: alcanzada / programada × "
           "100 (puede pasar de 100). Vacío sin meta programada."),
        _c("avance_esperado_pct", DECIMAL, "Avance esperado a la fecha de corte, en por ciento: "
           "la parte transcurrida del periodo inicio–fin, contando ambos días (0 antes del "
           "inicio, 100 después del fin). Vacío sin fechas."),
        _c("semaforo", TEXT, "«verde», «amarillo», «rojo» o «sin_datos» (ver «Semáforo»)."),
        _c("estado", TEXT, "En palabras: «En tiempo», «Con retraso», «En riesgo», «Concluida», "
           "«Vencida» o «Sin datos»."),
        _c("inicio", DATE, "Fecha de inicio de la actividad."),
        _c("fin", DATE, "Fecha de fin de la actividad."),
        _c("meses", MONTHS, "Meses marcados en el cronograma, como números (1 = enero … 12 = "
           "diciembre)."),
    ))

PRESUPUESTO = Table(
    "presupuesto", "Un renglón por partida del presupuesto de cada POA: el Estado Analítico del "
    "Ejercicio del Presupuesto de Egresos (EAEPE) a la fecha de corte, con las columnas que "
    "publica el CONAC. Sin renglón de total: los totales de cada POA están en `poas.csv`.", (
        *_POA,
        _c("partida", TEXT, "Clave de la partida (4 dígitos del Clasificador por Objeto del "
           "Gasto del CONAC)."),
        _c("nombre", TEXT, "Nombre de la partida como lo escribe el POA."),
        _c("nombre_oficial", TEXT, "Nombre de la partida en el Clasificador por Objeto del Gasto "
           "(vacío si la clave no está en el clasificador)."),
        _c("capitulo", TEXT, "Capítulo del gasto al que pertenece la partida."),
        _c("concepto", TEXT, "Concepto del gasto al que pertenece la partida."),
        _c("aprobado", DECIMAL, "Presupuesto aprobado, en pesos."),
        _c("ampliaciones_reducciones", DECIMAL, "Ampliaciones menos reducciones, en pesos (la "
           "columna «Ampliaciones/(Reducciones)» del CONAC)."),
        _c("modificado", DECIMAL, "Aprobado + ampliaciones − reducciones, en pesos."),
        _c("devengado", DECIMAL, "Devengado, en pesos."),
        _c("pagado", DECIMAL, "Pagado, en pesos."),
        _c("subejercicio", DECIMAL, "Modificado − devengado, en pesos."),
        _c("comprometido", DECIMAL, "Comprometido, en pesos (control interno del área)."),
        _c("ejercido", DECIMAL, "Ejercido, en pesos (control interno del área; una partida está "
           "sobregirada cuando supera el modificado)."),
    ))

HALLAZGOS = Table(
    "hallazgos", "Resumen de los hallazgos de cada POA a la fecha de corte: un renglón por POA, "
    "origen y código, con cuántas veces aparece.", (
        *_POA,
        _c("origen", TEXT, "«poa»: revisión del libro del POA (la página Calidad de datos); "
           "«presupuesto»: revisión de los movimientos del ejercicio del presupuesto."),
        _c("codigo", TEXT, "Código del hallazgo (`PCT_MISMATCH`, `OVERDUE`…; la tabla completa "
           "está en el README del tablero)."),
        _c("severidad", TEXT, "«error», «advertencia» o «aviso»."),
        _c("titulo", TEXT, "El hallazgo en palabras."),
        _c("cantidad", INTEGER, "Cuántos hallazgos de ese código tiene el POA."),
    ))

TABLES = (POAS, ACTIVIDADES, PRESUPUESTO, HALLAZGOS)

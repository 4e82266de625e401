"""`LEEME.md`: the data dictionary of the open data, in Spanish, written from the column
catalogue (`loaders.export.columns`) and from what this export used: the fecha de corte, the
semáforo thresholds of the settings, the POAs left out and when it was generated."""

from __future__ import annotations

from typing import TYPE_CHECKING

from loaders.export.columns import BOOLEAN, DATE, DECIMAL, INTEGER, MONTHS, TABLES, TEXT
from loaders.text import fmt_date

if TYPE_CHECKING:
    from loaders.export.rows import OpenData

DICTIONARY = "LEEME.md"
KIND_WORDS = {
    TEXT: "texto",
    INTEGER: "entero",
    DECIMAL: "decimal",
    DATE: "fecha",  # AAAA-MM-DD, as «Formato» says
    BOOLEAN: "si/no",
    MONTHS: "lista de meses",
}


def _points(value: float) -> str:
    """-10.0 -> «−10»; -12.5 -> «−12.5»."""
    text = f"{abs(value):g}"
    return ("−" if value < 0 else "") + text


def _tables(data: OpenData) -> list[str]:
    lines = ["| archivo | qué contiene | renglones |", "|---|---|---|"]
    for t in TABLES:
        lines.append(f"| `{t.name}.csv` y `{t.name}.json` | {t.description} | "
                     f"{len(data.rows[t.name]):,} |")
    lines.append(f"| `{DICTIONARY}` | Este diccionario de datos. | — |")
    return lines


def _columns() -> list[str]:
    lines: list[str] = []
    for t in TABLES:
        lines += ["", f"### `{t.name}.csv` (y `{t.name}.json`)", "", t.description, "",
                  "| columna | tipo | qué contiene |", "|---|---|---|"]
        lines += [f"| `{c.name}` | {KIND_WORDS[c.kind]} | {c.description} |" for c in t.columns]
    return lines


def leeme(data: OpenData) -> str:
    corte = fmt_date(data.as_of)
    generated = data.generated_at
    green, yellow = _points(data.green_gap), _points(data.yellow_gap)
    left_out = data.examples_left_out
    if not left_out:
        examples = "No había POA de ejemplo ni sintéticos que dejar fuera."
    elif left_out == 1:
        examples = "Se dejó fuera 1 POA de ejemplo o sintético."
    else:
        examples = f"Se dejaron fuera {left_out:,} POA de ejemplo o sintéticos."
    lines = [
        "# Datos abiertos del Tablero POA",
        "",
        f"- **Fecha de corte:** {corte} (`{data.as_of.isoformat()}` en los archivos).",
        f"- **Generado:** el {fmt_date(generated)} a las {generated:%H:%M} "
        f"(`{generated.isoformat(timespec='seconds')}`).",
        f"- **POA publicados:** {data.plans:,}.",
        "",
        "El avance de las metas y el ejercicio del presupuesto de cada Programa Operativo Anual "
        "(POA) de las áreas del municipio, como los muestra el tablero a la fecha de corte, en "
        "tablas que cualquier programa puede leer (Ley General de Transparencia y Acceso a la "
        "Información Pública, artículo 70: metas y objetivos de las áreas, presupuesto asignado "
        "y su ejercicio). Cada tabla viene dos veces, en CSV y en JSON, con las mismas columnas "
        "en el mismo orden.",
        "",
        "## Archivos",
        "",
        *_tables(data),
        "",
        "Las cuatro tablas se unen por `poa_id`.",
        "",
        "## Reglas",
        "",
        "**Una versión por POA.** Cada carga mensual del libro de un POA es una versión. Se "
        "publica, por POA, la versión vigente a la fecha de corte: la última cargada en o antes "
        "de ese día (una fecha pasada publica lo que se sabía entonces). Si todas sus versiones "
        "se cargaron después, se publica la primera y la columna `cargada_despues_del_corte` "
        "dice «si». Es la misma regla de las páginas del tablero.",
        "",
        "**Sin datos de ejemplo.** Los POA de ejemplo y los sintéticos (con «(EJEMPLO)» o "
        "«(SINTÉTICO)» en el nombre del área o de la dirección) tienen datos ficticios y nunca "
        f"se publican. {examples}",
        "",
        "**Avance.** Avance real = meta alcanzada / meta programada × 100. Avance esperado a la "
        "fecha de corte = la parte transcurrida del periodo inicio–fin de la actividad, contando "
        "el primer y el último día (0 antes de que empiece, 100 cuando terminó). Índice de "
        "Eficiencia del POA = Σ meta alcanzada / Σ meta programada × 100.",
        "",
        f"**Semáforo.** Se compara el avance real con el esperado: con la brecha "
        f"(real − esperado, en puntos) de {green} o más la actividad va en **verde** (en "
        f"tiempo); de {yellow} a menos de {green}, en **amarillo** (con retraso); por debajo de "
        f"{yellow}, en **rojo** (en riesgo). Una actividad con la meta cumplida es verde "
        "(«Concluida»); una cuyo periodo terminó sin cumplirla está «Vencida». Sin meta "
        "programada o sin fechas no hay semáforo («sin_datos»). Los umbrales son los que el "
        "tablero tiene configurados al generar estos archivos.",
        "",
        "**Presupuesto.** El Estado Analítico del Ejercicio del Presupuesto de Egresos (EAEPE) "
        "de cada POA: el presupuesto aprobado de cada partida en la versión publicada y los "
        "movimientos registrados (el libro de ejercicio más reciente y los capturados en el "
        "tablero) con fecha en o antes de la fecha de corte. Una corrección es un movimiento de "
        "reversa, que resta.",
        "",
        "**Hallazgos.** Lo que la revisión automática encontró en el libro del POA a la fecha "
        "de corte (como la página «Calidad de datos») y en los movimientos del presupuesto. Un "
        "hallazgo es un aviso para revisar el dato, no una sanción.",
        "",
        "## Formato",
        "",
        "- **CSV:** codificación UTF-8 con BOM (la marca inicial hace que Excel muestre bien "
        "acentos y ñ; otros programas la ignoran, y en Python se lee con "
        "`encoding=\"utf-8-sig\"`), separados por comas, comillas dobles donde hace falta, "
        "una primera fila con los nombres de las columnas.",
        "- **Números:** punto decimal y sin separador de miles (`1234.5`); porcentajes en por "
        "ciento con un decimal, como los muestra el tablero (`11.6` es 11.6 %); importes en "
        "pesos con centavos.",
        "- **Fechas:** `AAAA-MM-DD` (ISO 8601), para que cualquier programa las lea igual.",
        "- **Vacío:** un dato que no existe (por ejemplo, el avance de una actividad sin meta "
        "programada); en JSON es `null`.",
        "- **si/no:** en CSV `si` o `no`; en JSON `true` o `false`.",
        "- **Textos que parecen fórmulas:** en CSV, un texto que empieza con `=`, `+`, `-` o `@` "
        "lleva un apóstrofo al inicio (`'=HIPERVINCULO(…)`), para que una hoja de cálculo no lo "
        "ejecute; en JSON va tal cual.",
        "- **Meses:** en CSV los números separados por `;` (`3;4;5` es marzo, abril y mayo); "
        "en JSON una lista (`[3, 4, 5]`).",
        "- **JSON:** cada archivo es una lista de objetos, uno por renglón, con las columnas de "
        "su CSV como claves.",
        "",
        "## Columnas",
        *_columns(),
        "",
    ]
    return "\n".join(lines)

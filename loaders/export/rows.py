"""The open-data tables' rows: every real POA's version in force on a fecha de corte.

The numbers are the pages' own: the version by `queries.version_as_of`'s rule (done in SQL for
every POA by `overview.current_versions`), each activity's progress and semáforo by
`check.progress.status`, the Índice de Eficiencia by `efficiency_index`, the findings by
`check.poa.check_document` (Calidad de datos) and `check.budget.check_movements`, and the
EAEPE by `check.budget.eaepe` over the movements dated up to the corte (Presupuesto). Example and
synthetic POAs (`loaders.examples`) are never included.

Values are plain Python (int, float, str, date, bool, list, None); `loaders.export.files`
writes them. Percentages are rounded to one decimal and amounts to cents, as the pages show them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from loaders.check.budget import check_movements, eaepe
from loaders.check.poa import check_document
from loaders.check.progress import Thresholds, efficiency_index, expected_index, status
from loaders.codes import BUDGET_CODE_TITLES, CODE_TITLES
from loaders.examples import is_example
from loaders.export.columns import ACTIVIDADES, HALLAZGOS, POAS, PRESUPUESTO, TABLES, Table
from loaders.model import SEVERITY_ORDER, Finding, Movement
from loaders.settings import Settings
from loaders.store.budget import movements_of
from loaders.store.errors import storage_errors
from loaders.store.overview import current_versions
from loaders.store.queries import LoadedVersion, load_version

SEVERITY_NAMES = {"error": "error", "warning": "advertencia", "info": "aviso"}
NO_LIGHT = "sin_datos"


@dataclass(frozen=True)
class OpenData:
    """The four tables on one fecha de corte, and what the dictionary says about them."""

    as_of: date
    generated_at: datetime
    green_gap: float
    yellow_gap: float
    examples_left_out: int  # example or synthetic POAs not published
    rows: dict[str, list[dict]]  # table name -> rows, each with the table's columns in order

    def table(self, table: Table) -> list[dict]:
        return self.rows[table.name]

    @property
    def plans(self) -> int:
        return len(self.rows[POAS.name])


def _pct(value: float | None) -> float | None:
    return None if value is None else round(value, 1) + 0.0


def _money(value: float) -> float:
    return round(value, 2) + 0.0


def _ordered(table: Table, values: dict) -> dict:
    """`values` in the table's column order (a KeyError names a column left unfilled)."""
    return {name: values[name] for name in table.names}


def _activity_rows(base: dict, loaded: LoadedVersion, as_of: date,
                   thresholds: Thresholds) -> list[dict]:
    rows = []
    for a in loaded.doc.activities:
        st = status(a, as_of, thresholds)
        rows.append(_ordered(ACTIVIDADES, {
            **base, "numero": a.number, "clave": a.label or str(a.number),
            "nombre": a.name or (a.name_cronograma or ""), "eje": a.eje or "",
            "unidad": a.unit or "", "meta_anual": a.goal, "meta_programada": a.programmed,
            "meta_alcanzada": a.achieved, "avance_real_pct": _pct(st.real),
            "avance_esperado_pct": _pct(st.expected), "semaforo": st.semaforo or NO_LIGHT,
            "estado": st.label, "inicio": a.start, "fin": a.end,
            "meses": sorted(a.months_planned),
        }))
    return rows


def _finding_rows(base: dict, origin: str, findings: Sequence[Finding]) -> list[dict]:
    titles = (CODE_TITLES, BUDGET_CODE_TITLES) if origin == "poa" else (BUDGET_CODE_TITLES,
                                                                         CODE_TITLES)
    counts = Counter((f.code, f.severity) for f in findings)
    ordered = sorted(counts.items(), key=lambda kv: (SEVERITY_ORDER.get(kv[0][1], 3), kv[0][0]))
    return [
        _ordered(HALLAZGOS, {
            **base, "origen": origin, "codigo": code,
            "severidad": SEVERITY_NAMES.get(severity, severity),
            "titulo": titles[0].get(code) or titles[1].get(code) or code, "cantidad": n,
        })
        for (code, severity), n in ordered
    ]


def plan_tables(loaded: LoadedVersion, movements: Sequence[Movement], as_of: date,
                settings: Settings) -> dict[str, list[dict]]:
    """The rows one version of a POA contributes to each table on `as_of` (pure)."""
    plan, version, doc = loaded.plan, loaded.version, loaded.doc
    thresholds = Thresholds(settings.green_gap, settings.yellow_gap)
    base = {"poa_id": plan.id, "municipio": plan.municipio or "", "area": plan.area or ""}
    activities = _activity_rows(base, loaded, as_of, thresholds)
    lights = Counter(row["semaforo"] for row in activities)
    statuses = [status(a, as_of, thresholds) for a in doc.activities]
    index = efficiency_index(doc.activities)
    kept = [m for m in movements if m.date <= as_of]  # as Presupuesto and the Informe
    partidas, total = eaepe(doc.budget, kept, as_of=as_of)
    budget = [
        _ordered(PRESUPUESTO, {
            **base, "partida": r.partida, "nombre": r.name, "nombre_oficial": r.official_name,
            "capitulo": r.capitulo, "concepto": r.concepto, "aprobado": r.aprobado,
            "ampliaciones_reducciones": r.ampliaciones_netas, "modificado": r.modificado,
            "devengado": r.devengado, "pagado": r.pagado, "subejercicio": r.subejercicio,
            "comprometido": r.comprometido, "ejercido": r.ejercido,
        })
        for r in partidas
    ]
    poa = _ordered(POAS, {
        **base, "estado": plan.estado or "", "direccion": plan.direccion or "",
        "anio_fiscal": plan.fiscal_year, "version": version.number, "version_id": version.id,
        "fecha_carga": version.uploaded_at.date(), "fecha_corte": as_of,
        "cargada_despues_del_corte": version.uploaded_at.date() > as_of,
        "actividades": len(activities), "meta_programada_total": index.programmed,
        "meta_alcanzada_total": index.achieved, "indice_eficiencia_pct": _pct(index.pct),
        "indice_esperado_pct": _pct(expected_index(doc.activities, as_of)),
        "semaforo_verde": lights["verde"], "semaforo_amarillo": lights["amarillo"],
        "semaforo_rojo": lights["rojo"], "semaforo_sin_datos": lights[NO_LIGHT],
        "concluidas": sum(s.concluded for s in statuses),
        "vencidas": sum(s.overdue for s in statuses),
        "presupuesto_aprobado": total.aprobado, "presupuesto_modificado": total.modificado,
        "presupuesto_devengado": total.devengado, "presupuesto_ejercido": total.ejercido,
        "presupuesto_pagado": total.pagado, "subejercicio": total.subejercicio,
        "partidas_sobregiradas": sum(r.overspent for r in partidas),
    })
    findings = (_finding_rows(base, "poa", check_document(doc, as_of, settings))
                + _finding_rows(base, "presupuesto", check_movements(
                    doc.budget, kept, fiscal_year=plan.fiscal_year or None)))
    return {POAS.name: [poa], ACTIVIDADES.name: activities, PRESUPUESTO.name: budget,
            HALLAZGOS.name: findings}


def open_data(engine: Engine, as_of: date, settings: Settings,
              generated_at: datetime | None = None) -> OpenData:
    """Every real POA's version in force on `as_of`, as the four tables (ordered by POA)."""
    rows: dict[str, list[dict]] = {t.name: [] for t in TABLES}
    with storage_errors(), Session(engine) as session:
        every = current_versions(session, None, as_of)
        published = [v for v in every if not is_example(v.area, v.direccion)]
        for current in sorted(published, key=lambda v: v.plan_id):
            loaded = load_version(session, current.version_id)
            if loaded is None:
                continue
            tables = plan_tables(loaded, movements_of(session, current.plan_id), as_of, settings)
            for name, table_rows in tables.items():
                rows[name].extend(table_rows)
    return OpenData(
        as_of=as_of, generated_at=generated_at or datetime.now().replace(microsecond=0),
        green_gap=settings.green_gap, yellow_gap=settings.yellow_gap,
        examples_left_out=len(every) - len(published), rows=rows,
    )

"""Budget execution: movements through the momentos contables, the CONAC EAEPE, and its checks.

Pure functions on plain data: no I/O. A movement's amount is positive; a correction is a new movement
with the opposite amount that names (`reverses`) the movement it cancels, so every sum nets it out.
Modifications (ampliación, reducción) are typed positive too: an ampliación adds to the approved
budget, a reducción takes from it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from loaders.codes import BUDGET_CODES
from loaders.model import KINDS, MOMENTO_LABELS, BudgetLine, Finding, Movement
from loaders.reference import load_catalog
from loaders.text import fmt_date, fmt_money, fmt_pct, fold

TOTAL = "TOTAL"
CENT = 0.005  # amounts are compared to the cent


@dataclass(frozen=True)
class EaepeRow:
    partida: str
    name: str
    official_name: str | None
    capitulo: str  # "2000 MATERIALES Y SUMINISTROS"
    concepto: str  # "2100 MATERIALES DE ADMINISTRACIÓN, ..."
    aprobado: float
    ampliaciones: float
    reducciones: float
    modificado: float
    comprometido: float
    devengado: float
    ejercido: float
    pagado: float
    disponible: float  # modificado − comprometido
    pct_ejercido: float | None  # ejercido / modificado × 100, never capped; None when modificado == 0

    @property
    def is_total(self) -> bool:
        return self.partida == TOTAL

    @property
    def ampliaciones_netas(self) -> float:
        """The CONAC column «Ampliaciones/(Reducciones)»: ampliaciones − reducciones."""
        return _money(self.ampliaciones - self.reducciones)

    @property
    def subejercicio(self) -> float:
        """The CONAC column «Subejercicio»: modificado − devengado (negative when more was
        accrued than the modified budget allows)."""
        return _money(self.modificado - self.devengado)

    @property
    def overspent(self) -> bool:
        """«Sobregirada»: more ejercido than the modified budget (the rule of BUDGET_OVERSPENT,
        the pages and the reports)."""
        return self.ejercido > self.modificado + CENT

    @property
    def excess(self) -> float:
        """By how much the ejercido passes the modified budget (0 when it does not)."""
        return _money(self.ejercido - self.modificado) if self.overspent else 0.0


def _money(value: float) -> float:
    return round(value + 0.0, 2) + 0.0  # + 0.0 turns -0.0 into 0.0


def _kept(movements: Iterable[Movement], as_of: date | None) -> list[Movement]:
    return [m for m in movements if as_of is None or m.date <= as_of]


def _sums(movements: Iterable[Movement]) -> dict[str, dict[str, float]]:
    """Per partida, the net amount of each kind (reversals carry their negative amount)."""
    sums: dict[str, dict[str, float]] = {}
    for m in movements:
        if m.momento in KINDS:
            by_kind = sums.setdefault(m.partida, dict.fromkeys(KINDS, 0.0))
            by_kind[m.momento] += m.amount
    return sums


def _heading(code: str) -> tuple[str, str, str | None]:
    """capítulo, concepto and official name of a partida, from the catalogue."""
    catalog = load_catalog()
    chain = catalog.lineage(code)
    cap = next((f"{e.code} {e.name}" for e in chain if e.level == "capitulo"), "")
    con = next((f"{e.code} {e.name}" for e in chain if e.level == "concepto"), "")
    return cap, con, catalog.official_name(code)


def _pct(ejercido: float, modificado: float) -> float | None:
    return None if abs(modificado) < CENT else ejercido / modificado * 100


def _row(partida: str, name: str, aprobado: float, kinds: dict[str, float]) -> EaepeRow:
    capitulo, concepto, official = _heading(partida)
    amp, red = _money(kinds["ampliacion"]), _money(kinds["reduccion"])
    aprobado = _money(aprobado)
    modificado = _money(aprobado + amp - red)
    comprometido = _money(kinds["comprometido"])
    ejercido = _money(kinds["ejercido"])
    return EaepeRow(
        partida=partida, name=name or official or "", official_name=official, capitulo=capitulo,
        concepto=concepto, aprobado=aprobado, ampliaciones=amp, reducciones=red,
        modificado=modificado, comprometido=comprometido, devengado=_money(kinds["devengado"]),
        ejercido=ejercido, pagado=_money(kinds["pagado"]),
        disponible=_money(modificado - comprometido), pct_ejercido=_pct(ejercido, modificado),
    )


def eaepe(
    budget: Sequence[BudgetLine], movements: Sequence[Movement], *, as_of: date | None = None
) -> tuple[list[EaepeRow], EaepeRow]:
    """The Estado Analítico del Ejercicio del Presupuesto de Egresos, per partida and in total.

    Every partida of the POA appears (zeros when it has no movement), in the POA's order, then the
    partidas that only have movements, by code. Only movements dated on or before `as_of` count.
    """
    sums = _sums(_kept(movements, as_of))
    approved: dict[str, float] = {}
    names: dict[str, str] = {}
    for line in budget:
        if line.partida.strip().upper() == TOTAL:
            continue
        approved[line.partida] = approved.get(line.partida, 0.0) + (line.approved or 0.0)
        names.setdefault(line.partida, line.name or "")
    order = list(approved) + sorted(p for p in sums if p not in approved)
    zeros = dict.fromkeys(KINDS, 0.0)
    rows = [_row(p, names.get(p, ""), approved.get(p, 0.0), sums.get(p, zeros)) for p in order]
    return rows, total_row(rows)


def total_row(rows: Sequence[EaepeRow]) -> EaepeRow:
    def total(name: str) -> float:
        return _money(sum(getattr(r, name) for r in rows))

    modificado, ejercido = total("modificado"), total("ejercido")
    return EaepeRow(
        partida=TOTAL, name="Total", official_name=None, capitulo="", concepto="",
        aprobado=total("aprobado"), ampliaciones=total("ampliaciones"),
        reducciones=total("reducciones"), modificado=modificado,
        comprometido=total("comprometido"), devengado=total("devengado"), ejercido=ejercido,
        pagado=total("pagado"), disponible=total("disponible"), pct_ejercido=_pct(ejercido, modificado),
    )


def monthly_cumulative(
    movements: Sequence[Movement], *, year: int, momento: str = "ejercido", as_of: date | None = None
) -> list[float]:
    """The cumulative amount of a momento at the end of each month of `year` (12 values).

    Movements of other years do not count; with `as_of`, neither do those after it (the months after
    it stay at the amount reached on that date).
    """
    by_month = [0.0] * 12
    for m in _kept(movements, as_of):
        if m.momento == momento and m.date.year == year:
            by_month[m.date.month - 1] += m.amount
    out, running = [], 0.0
    for amount in by_month:
        running += amount
        out.append(_money(running))
    return out


def even_calendar(total: float) -> list[float]:
    """The even calendar: by the end of month m, m/12 of the total."""
    return [total * m / 12 for m in range(1, 13)]


# -- checks -----------------------------------------------------------------------------------


def _finding(code: str, message: str, partida: str | None, m: Movement | None = None) -> Finding:
    return Finding(
        code=code, severity=BUDGET_CODES[code], message=message, partida=partida,
        sheet=m.sheet if m else None, cell=m.cell if m else None,
    )


def _valid_reversal(m: Movement, by_id: dict[int, Movement]) -> bool:
    if m.reverses is None:
        return False
    target = by_id.get(m.reverses)
    return (
        target is not None and target.reverses is None and target.partida == m.partida
        and target.momento == m.momento
    )


def _crossing(moves: list[Movement], limit: float) -> Movement | None:
    """The movement with which the running ejercido first went over `limit` (chronologically)."""
    running = 0.0
    for m in sorted(moves, key=lambda x: (x.date, x.id or 0)):
        running += m.amount
        if running > limit + CENT:
            return m
    return moves[-1] if moves else None


def check_movements(
    budget: Sequence[BudgetLine], movements: Sequence[Movement], *, fiscal_year: int | None
) -> list[Finding]:
    """Findings of a budget and its movements (none of them stops anything)."""
    catalog = load_catalog()
    findings: list[Finding] = []
    by_id = {m.id: m for m in movements if m.id is not None}
    poa = {line.partida for line in budget}
    first_of: dict[str, Movement] = {}
    for m in movements:
        first_of.setdefault(m.partida, m)
        if m.amount < 0 and not _valid_reversal(m, by_id):
            findings.append(_finding(
                "NEGATIVE_AMOUNT",
                f"El movimiento de {MOMENTO_LABELS.get(m.momento, m.momento).lower()} del "
                f"{fmt_date(m.date)} en la partida {m.partida} tiene un importe negativo "
                f"({fmt_money(m.amount)}) y no es la reversión de un movimiento anterior; "
                "una corrección se registra como reversión del movimiento que corrige.",
                m.partida, m,
            ))
        if fiscal_year is not None and m.date.year != fiscal_year:
            findings.append(_finding(
                "OUTSIDE_FISCAL_YEAR",
                f"El movimiento del {fmt_date(m.date)} en la partida {m.partida} "
                f"({fmt_money(m.amount)}) está fuera del año fiscal {fiscal_year}.",
                m.partida, m,
            ))
    for partida, m in first_of.items():
        if not catalog.is_known(partida):
            findings.append(_finding(
                "UNKNOWN_PARTIDA",
                f"La partida «{partida}» de los movimientos no está en el Clasificador por Objeto "
                "del Gasto del CONAC.",
                partida, m,
            ))
        elif partida not in poa:
            findings.append(_finding(
                "PARTIDA_NOT_IN_POA",
                f"La partida {partida} tiene movimientos pero no está en el presupuesto del POA "
                "(su presupuesto aprobado es $0.00).",
                partida, m,
            ))
    rows, _ = eaepe(budget, movements)
    for row in rows:
        moves = [m for m in movements if m.partida == row.partida]
        if row.overspent:
            over = row.excess
            findings.append(_finding(
                "BUDGET_OVERSPENT",
                f"La partida {row.partida} ({row.name}) lleva {fmt_money(row.ejercido)} ejercidos y "
                f"su presupuesto modificado es {fmt_money(row.modificado)}: se excede por "
                f"{fmt_money(over)} ({fmt_pct(row.pct_ejercido or 0)} ejercido).",
                row.partida,
                _crossing([m for m in moves if m.momento == "ejercido"], row.modificado),
            ))
        for later, earlier in (("pagado", "ejercido"), ("ejercido", "devengado"),
                               ("devengado", "comprometido")):
            high, low = getattr(row, later), getattr(row, earlier)
            if high > low + CENT:
                findings.append(_finding(
                    "MOMENTO_ORDER",
                    f"En la partida {row.partida} lo {MOMENTO_LABELS[later].lower()} "
                    f"({fmt_money(high)}) supera lo {MOMENTO_LABELS[earlier].lower()} "
                    f"({fmt_money(low)}); cada momento contable no puede rebasar al anterior.",
                    row.partida,
                    next((m for m in reversed(moves) if m.momento == later), None),
                ))
    for line in budget:
        official = catalog.official_name(line.partida)
        if official and line.name and fold(line.name) != fold(official):
            sheet, cell = line.cells.get("name", (None, None))
            findings.append(Finding(
                code="PARTIDA_NAME_DIFFERS", severity=BUDGET_CODES["PARTIDA_NAME_DIFFERS"],
                message=f"La partida {line.partida} se llama «{line.name}» en el POA y "
                f"«{official}» en el Clasificador por Objeto del Gasto.",
                partida=line.partida, sheet=sheet or None, cell=cell or None,
            ))
    return findings


def validate_movement(
    m: Movement,
    budget: Sequence[BudgetLine],
    *,
    fiscal_year: int | None,
    existing: Sequence[Movement],
) -> list[str]:
    """Why the form must refuse a movement, in plain Spanish; [] when it can be stored.

    Reversals are never typed: they are created by `reverse_movement`, so the amount must be > 0.
    A reducción may not leave the partida's modified budget below what is already committed.
    """
    reasons: list[str] = []
    catalog = load_catalog()
    partida = (m.partida or "").strip()
    if not partida:
        reasons.append("Falta la partida.")
    elif not catalog.is_known(partida):
        reasons.append(
            f"La partida «{partida}» no existe en el Clasificador por Objeto del Gasto del CONAC."
        )
    if m.momento not in KINDS:
        valid = ", ".join(MOMENTO_LABELS[k] for k in KINDS)
        reasons.append(f"El momento «{m.momento}» no es válido; debe ser uno de: {valid}.")
    amount_ok = isinstance(m.amount, int | float) and math.isfinite(m.amount)
    if not amount_ok:
        reasons.append("El importe no es un número.")
    elif m.amount <= 0:
        reasons.append(
            f"El importe debe ser mayor que cero (se capturó {fmt_money(m.amount)}); para corregir "
            "un movimiento, reviértalo en lugar de capturar un importe negativo."
        )
    if m.date is None:
        reasons.append("Falta la fecha.")
    elif fiscal_year is not None and m.date.year != fiscal_year:
        reasons.append(
            f"La fecha {fmt_date(m.date)} está fuera del año fiscal {fiscal_year} del POA."
        )
    if not (m.concepto or "").strip():
        reasons.append("Falta el concepto (qué se compró o pagó).")
    if not reasons and m.momento == "reduccion":
        rows, _ = eaepe(budget, existing)
        row = next((r for r in rows if r.partida == partida), None)
        room = row.disponible if row else 0.0
        if m.amount > room + CENT:
            reasons.append(
                f"La reducción de {fmt_money(m.amount)} es mayor que lo disponible en la partida "
                f"{partida} ({fmt_money(room)}: modificado menos comprometido)."
            )
    return reasons

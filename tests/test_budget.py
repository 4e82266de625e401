"""Budget execution on small movement sets: every EAEPE sum, its identities, and every check."""

from __future__ import annotations

import random
from datetime import date

import pytest

from loaders.check.budget import (
    check_movements,
    eaepe,
    even_calendar,
    monthly_cumulative,
    validate_movement,
)
from loaders.model import MOMENTO_LABELS, MOMENTOS, BudgetLine, Movement, normalize_momento

BUDGET = [
    BudgetLine("2111", "Papelería de oficina", 5000.0, {"name": ("Presupuesto", "B4")}),
    BudgetLine("2121", "Materiales y útiles de impresión y reproducción", 5000.0),
    BudgetLine("2611", "Gasolina", 10000.0),
    BudgetLine("3761", "Viáticos en el extranjero", 50000.0),
    BudgetLine("4244", "Aportaciones para acciones", 20000.0),
]


def mv(day: date, partida: str, momento: str, amount: float, **kw) -> Movement:
    return Movement(date=day, partida=partida, concepto=kw.pop("concepto", "compra"),
                    momento=momento, amount=amount, **kw)


def row_of(rows, partida):
    return next(r for r in rows if r.partida == partida)


def codes(findings):
    return sorted(f.code for f in findings)


# -- EAEPE ------------------------------------------------------------------------------------


def test_partidas_without_movements_show_zeros_and_the_approved_total():
    rows, total = eaepe(BUDGET, [])
    assert [r.partida for r in rows] == ["2111", "2121", "2611", "3761", "4244"]
    for r in rows:
        assert (r.ampliaciones, r.reducciones, r.comprometido, r.devengado, r.ejercido,
                r.pagado) == (0, 0, 0, 0, 0, 0)
        assert r.modificado == r.aprobado == r.disponible
        assert r.pct_ejercido == 0
    assert total.partida == "TOTAL"
    assert total.aprobado == 90000.0
    assert total.modificado == 90000.0
    assert total.disponible == 90000.0


def test_each_momento_and_modification_is_summed_in_its_own_column():
    d = date(2026, 3, 1)
    movements = [
        mv(d, "2611", "ampliacion", 3000), mv(d, "2611", "reduccion", 500),
        mv(d, "2611", "comprometido", 8000), mv(d, "2611", "comprometido", 1000),
        mv(d, "2611", "devengado", 6000), mv(d, "2611", "ejercido", 5000),
        mv(d, "2611", "pagado", 4000), mv(d, "2111", "comprometido", 100),
    ]
    rows, total = eaepe(BUDGET, movements)
    r = row_of(rows, "2611")
    assert (r.aprobado, r.ampliaciones, r.reducciones, r.modificado) == (10000, 3000, 500, 12500)
    assert (r.comprometido, r.devengado, r.ejercido, r.pagado) == (9000, 6000, 5000, 4000)
    assert r.disponible == 3500
    assert r.pct_ejercido == pytest.approx(40.0)
    assert row_of(rows, "2111").comprometido == 100
    assert total.comprometido == 9100
    assert total.modificado == 92500


def test_the_rows_carry_the_catalogue_chapter_concept_and_official_name():
    rows, _ = eaepe(BUDGET, [])
    r = row_of(rows, "2611")
    assert r.name == "Gasolina"
    assert r.official_name == "Combustibles, lubricantes y aditivos"
    assert r.capitulo == "2000 MATERIALES Y SUMINISTROS"
    assert r.concepto == "2600 COMBUSTIBLES, LUBRICANTES Y ADITIVOS"
    assert row_of(rows, "3761").capitulo == "3000 SERVICIOS GENERALES"


def test_a_reversal_nets_out_of_every_sum():
    d = date(2026, 4, 1)
    original = mv(d, "2121", "comprometido", 2000, id=1)
    movements = [original, mv(d, "2121", "comprometido", 2000, id=2),
                 mv(date(2026, 4, 2), "2121", "comprometido", -2000, id=3, reverses=2)]
    rows, total = eaepe(BUDGET, movements)
    assert row_of(rows, "2121").comprometido == 2000
    assert total.comprometido == 2000
    assert "NEGATIVE_AMOUNT" not in codes(check_movements(BUDGET, movements, fiscal_year=2026))


def test_as_of_counts_only_movements_dated_on_or_before_it():
    movements = [mv(date(2026, 2, 1), "2111", "ejercido", 100),
                 mv(date(2026, 2, 28), "2111", "ejercido", 200),
                 mv(date(2026, 3, 1), "2111", "ejercido", 400)]
    assert row_of(eaepe(BUDGET, movements, as_of=date(2026, 2, 28))[0], "2111").ejercido == 300
    assert row_of(eaepe(BUDGET, movements, as_of=date(2026, 1, 31))[0], "2111").ejercido == 0
    assert row_of(eaepe(BUDGET, movements)[0], "2111").ejercido == 700


def test_pct_ejercido_over_100_is_not_capped_and_is_none_without_budget():
    movements = [mv(date(2026, 5, 1), "3761", "ejercido", 60000),
                 mv(date(2026, 5, 1), "3791", "ejercido", 10)]
    rows, total = eaepe(BUDGET, movements)
    assert row_of(rows, "3761").pct_ejercido == pytest.approx(120.0)
    outside = row_of(rows, "3791")
    assert outside.aprobado == 0 and outside.modificado == 0
    assert outside.pct_ejercido is None
    assert total.pct_ejercido == pytest.approx(60010 / 90000 * 100)


def test_partidas_only_in_movements_come_after_the_poa_ones_by_code():
    d = date(2026, 1, 2)
    rows, _ = eaepe(BUDGET, [mv(d, "3791", "comprometido", 1), mv(d, "2151", "comprometido", 1)])
    assert [r.partida for r in rows] == ["2111", "2121", "2611", "3761", "4244", "2151", "3791"]
    assert row_of(rows, "2151").official_name is not None


def test_eaepe_identities_hold_on_random_movement_sets():
    rng = random.Random(2026)
    partidas = ["2111", "2121", "2611", "3761", "4244", "2151"]
    for _ in range(50):
        movements = [
            mv(date(2026, rng.randint(1, 12), rng.randint(1, 28)), rng.choice(partidas),
               rng.choice(list(MOMENTO_LABELS)), round(rng.uniform(0.01, 20000), 2))
            for _ in range(rng.randint(0, 40))
        ]
        rows, total = eaepe(BUDGET, movements)
        for r in [*rows, total]:
            assert r.aprobado + r.ampliaciones - r.reducciones == pytest.approx(r.modificado)
            assert r.modificado - r.comprometido == pytest.approx(r.disponible)
        for r in [*rows, total]:
            assert r.modificado - r.devengado == pytest.approx(r.subejercicio)
            assert r.ampliaciones - r.reducciones == pytest.approx(r.ampliaciones_netas)
            assert r.overspent == (r.ejercido > r.modificado + 0.005)
        for column in ("aprobado", "ampliaciones", "reducciones", "modificado", "comprometido",
                       "devengado", "ejercido", "pagado", "disponible", "subejercicio",
                       "ampliaciones_netas"):
            assert getattr(total, column) == pytest.approx(sum(getattr(r, column) for r in rows))
        assert total.ejercido == pytest.approx(
            sum(m.amount for m in movements if m.momento == "ejercido")
        )


def test_conac_columns_subejercicio_and_net_modifications_of_the_sample_amounts():
    # The sample's partidas at the fecha de corte: 2611 got an ampliación of 3,000, 4244 a
    # reducción of 3,000; 3761 accrued and spent 54,000 of its 50,000.
    d = date(2026, 6, 1)
    movements = [mv(d, "2611", "ampliacion", 3000), mv(d, "4244", "reduccion", 3000),
                 mv(d, "2611", "devengado", 7500), mv(d, "3761", "devengado", 54000),
                 mv(d, "3761", "ejercido", 54000), mv(d, "2111", "devengado", 4700)]
    rows, total = eaepe(BUDGET, movements)
    assert {r.partida: r.subejercicio for r in rows} == {
        "2111": 300.0, "2121": 5000.0, "2611": 5500.0, "3761": -4000.0, "4244": 17000.0}
    assert {r.partida: r.ampliaciones_netas for r in rows} == {
        "2111": 0.0, "2121": 0.0, "2611": 3000.0, "3761": 0.0, "4244": -3000.0}
    assert total.subejercicio == 90000.0 - 66200.0
    assert total.ampliaciones_netas == 0.0


def test_overspent_is_more_ejercido_than_modificado_and_says_by_how_much():
    d = date(2026, 6, 1)
    rows, _ = eaepe(BUDGET, [mv(d, "3761", "ejercido", 54000),
                             mv(d, "2111", "ejercido", 5000),  # exactly the budget: not over
                             mv(d, "2611", "devengado", 12000)])  # accrued, not spent
    over = {r.partida: (r.overspent, r.excess) for r in rows}
    assert over["3761"] == (True, 4000.0)
    assert over["2111"] == (False, 0.0)
    assert over["2611"] == (False, 0.0)
    # a partida without budget that spends is over it
    rows, _ = eaepe(BUDGET, [mv(d, "3791", "ejercido", 10)])
    assert (row_of(rows, "3791").overspent, row_of(rows, "3791").excess) == (True, 10.0)
    # the finding follows the same rule
    findings = check_movements(BUDGET, [mv(d, "3761", "ejercido", 54000),
                                        mv(d, "3761", "devengado", 54000),
                                        mv(d, "3761", "comprometido", 54000)],
                               fiscal_year=2026)
    assert [f.partida for f in findings if f.code == "BUDGET_OVERSPENT"] == ["3761"]


def test_a_total_row_in_the_budget_is_not_a_partida():
    rows, total = eaepe([*BUDGET, BudgetLine("TOTAL", "", 90000.0)], [])
    assert "TOTAL" not in [r.partida for r in rows]
    assert total.aprobado == 90000.0


# -- monthly series ---------------------------------------------------------------------------


def test_monthly_cumulative_accumulates_one_momento_by_month():
    movements = [
        mv(date(2026, 1, 10), "2111", "ejercido", 100), mv(date(2026, 1, 31), "2611", "ejercido", 50),
        mv(date(2026, 3, 1), "2111", "ejercido", 200), mv(date(2026, 3, 2), "2111", "pagado", 999),
        mv(date(2025, 12, 31), "2111", "ejercido", 7), mv(date(2026, 12, 31), "2111", "ejercido", 1),
    ]
    series = monthly_cumulative(movements, year=2026)
    assert series == [150, 150, 350, 350, 350, 350, 350, 350, 350, 350, 350, 351]
    assert monthly_cumulative(movements, year=2026, momento="pagado")[2] == 999
    assert monthly_cumulative(movements, year=2026, as_of=date(2026, 2, 1))[-1] == 150


def test_even_calendar_spreads_the_total_evenly_over_twelve_months():
    line = even_calendar(90000.0)
    assert len(line) == 12
    assert line[0] == pytest.approx(7500.0)
    assert line[5] == pytest.approx(45000.0)
    assert line[-1] == pytest.approx(90000.0)


# -- checks -----------------------------------------------------------------------------------


def test_overspent_partida_is_an_error_with_the_amounts_in_mexican_format():
    movements = [
        mv(date(2026, 4, 1), "3761", "comprometido", 54000, sheet="Movimientos", cell="F5"),
        mv(date(2026, 4, 2), "3761", "devengado", 54000, sheet="Movimientos", cell="F6"),
        mv(date(2026, 4, 3), "3761", "ejercido", 30000, id=7, sheet="Movimientos", cell="F7"),
        mv(date(2026, 4, 4), "3761", "ejercido", 24000, id=8, sheet="Movimientos", cell="F8"),
    ]
    found = [f for f in check_movements(BUDGET, movements, fiscal_year=2026)
             if f.code == "BUDGET_OVERSPENT"]
    assert len(found) == 1
    f = found[0]
    assert f.severity == "error"
    assert f.partida == "3761"
    assert (f.sheet, f.cell) == ("Movimientos", "F8")  # the movement that went over
    assert "$54,000.00" in f.message and "$50,000.00" in f.message and "$4,000.00" in f.message


def test_an_ampliacion_lifts_the_limit_of_overspending():
    movements = [mv(date(2026, 4, 1), "2111", "comprometido", 6000),
                 mv(date(2026, 4, 1), "2111", "devengado", 6000),
                 mv(date(2026, 4, 1), "2111", "ejercido", 6000)]
    assert "BUDGET_OVERSPENT" in codes(check_movements(BUDGET, movements, fiscal_year=2026))
    widened = [mv(date(2026, 3, 1), "2111", "ampliacion", 1000), *movements]
    assert "BUDGET_OVERSPENT" not in codes(check_movements(BUDGET, widened, fiscal_year=2026))


def test_unknown_partida_is_reported_once_with_its_cell():
    movements = [mv(date(2026, 1, 5), "9999", "comprometido", 10, sheet="Movs", cell="F9"),
                 mv(date(2026, 1, 6), "9999", "devengado", 10, sheet="Movs", cell="F10")]
    found = [f for f in check_movements(BUDGET, movements, fiscal_year=2026)
             if f.code == "UNKNOWN_PARTIDA"]
    assert len(found) == 1
    assert (found[0].partida, found[0].sheet, found[0].cell) == ("9999", "Movs", "F9")
    assert "9999" in found[0].message and "Clasificador" in found[0].message


def test_a_catalogued_partida_outside_the_poa_is_a_warning():
    found = check_movements(BUDGET, [mv(date(2026, 1, 5), "2151", "comprometido", 10)],
                            fiscal_year=2026)
    assert codes(found).count("PARTIDA_NOT_IN_POA") == 1
    assert "UNKNOWN_PARTIDA" not in codes(found)


@pytest.mark.parametrize(
    ("amounts", "later", "earlier"),
    [
        ({"comprometido": 100, "devengado": 100, "ejercido": 100, "pagado": 150}, "pagado",
         "ejercido"),
        ({"comprometido": 100, "devengado": 80, "ejercido": 90, "pagado": 0}, "ejercido",
         "devengado"),
        ({"comprometido": 50, "devengado": 80, "ejercido": 0, "pagado": 0}, "devengado",
         "comprometido"),
    ],
)
def test_a_momento_above_the_previous_one_is_out_of_order(amounts, later, earlier):
    movements = [mv(date(2026, 2, 1), "2111", k, v) for k, v in amounts.items() if v]
    found = [f for f in check_movements(BUDGET, movements, fiscal_year=2026)
             if f.code == "MOMENTO_ORDER"]
    assert len(found) == 1
    assert f"lo {later}" in found[0].message and f"lo {earlier}" in found[0].message
    assert f"${amounts[later]:,.2f}" in found[0].message
    assert found[0].partida == "2111"


def test_momentos_in_order_give_no_order_finding():
    movements = [mv(date(2026, 2, 1), "2111", k, 100) for k in MOMENTOS]
    found = check_movements(BUDGET, movements, fiscal_year=2026)
    assert {f.code for f in found} == {"PARTIDA_NAME_DIFFERS"}  # only the POA's names


def test_a_negative_amount_is_flagged_unless_it_reverses_an_earlier_movement():
    d = date(2026, 6, 1)
    plain = [mv(d, "2111", "comprometido", -300, sheet="Movs", cell="F4")]
    found = [f for f in check_movements(BUDGET, plain, fiscal_year=2026)
             if f.code == "NEGATIVE_AMOUNT"]
    assert len(found) == 1
    assert (found[0].sheet, found[0].cell, found[0].severity) == ("Movs", "F4", "error")
    assert "-$300.00" in found[0].message
    wrong_partida = [mv(d, "2121", "comprometido", 300, id=1),
                     mv(d, "2111", "comprometido", -300, id=2, reverses=1)]
    assert "NEGATIVE_AMOUNT" in codes(check_movements(BUDGET, wrong_partida, fiscal_year=2026))
    good = [mv(d, "2111", "comprometido", 300, id=1),
            mv(d, "2111", "comprometido", -300, id=2, reverses=1)]
    assert "NEGATIVE_AMOUNT" not in codes(check_movements(BUDGET, good, fiscal_year=2026))


def test_a_movement_outside_the_fiscal_year_is_flagged():
    movements = [mv(date(2025, 12, 31), "2111", "comprometido", 10),
                 mv(date(2026, 1, 1), "2111", "comprometido", 10)]
    found = [f for f in check_movements(BUDGET, movements, fiscal_year=2026)
             if f.code == "OUTSIDE_FISCAL_YEAR"]
    assert len(found) == 1
    assert "31/12/2025" in found[0].message and "2026" in found[0].message
    assert not [f for f in check_movements(BUDGET, movements, fiscal_year=None)
                if f.code == "OUTSIDE_FISCAL_YEAR"]


def test_a_poa_name_different_from_the_official_one_is_info_ignoring_accents_and_case():
    budget = [
        BudgetLine("2111", "Papelería de oficina", 1.0, {"name": ("Presupuesto", "B4")}),
        BudgetLine("2121", "MATERIALES Y UTILES DE IMPRESION Y REPRODUCCION", 1.0),
    ]
    found = [f for f in check_movements(budget, [], fiscal_year=2026)
             if f.code == "PARTIDA_NAME_DIFFERS"]
    assert len(found) == 1
    f = found[0]
    assert (f.partida, f.severity, f.sheet, f.cell) == ("2111", "info", "Presupuesto", "B4")
    assert "«Papelería de oficina»" in f.message
    assert "«Materiales, útiles y equipos menores de oficina»" in f.message


def test_normalize_momento_accepts_accents_case_and_plurals():
    assert normalize_momento("DEVENGADO") == "devengado"
    assert normalize_momento("Ampliación") == "ampliacion"
    assert normalize_momento(" reducciones ") == "reduccion"
    assert normalize_momento("gastado") is None


# -- the form ---------------------------------------------------------------------------------


def test_validate_movement_accepts_a_good_movement():
    good = mv(date(2026, 7, 1), "2111", "comprometido", 500.0, concepto="Hojas")
    assert validate_movement(good, BUDGET, fiscal_year=2026, existing=[]) == []


def test_validate_movement_refuses_an_unknown_partida():
    bad = mv(date(2026, 7, 1), "9999", "comprometido", 500.0)
    assert validate_movement(bad, BUDGET, fiscal_year=2026, existing=[]) == [
        "La partida «9999» no existe en el Clasificador por Objeto del Gasto del CONAC."
    ]


@pytest.mark.parametrize("amount", [-100.0, 0.0, float("nan")])
def test_validate_movement_refuses_an_amount_not_above_zero(amount):
    reasons = validate_movement(mv(date(2026, 7, 1), "2111", "ejercido", amount), BUDGET,
                                fiscal_year=2026, existing=[])
    assert len(reasons) == 1
    assert "importe" in reasons[0]
    if amount < 0:
        assert "mayor que cero" in reasons[0] and "-$100.00" in reasons[0]


def test_validate_movement_refuses_a_date_outside_the_fiscal_year():
    reasons = validate_movement(mv(date(2027, 1, 2), "2111", "ejercido", 5.0), BUDGET,
                                fiscal_year=2026, existing=[])
    assert reasons == ["La fecha 02/01/2027 está fuera del año fiscal 2026 del POA."]


def test_validate_movement_refuses_unknown_momento_and_empty_concepto_together():
    reasons = validate_movement(mv(date(2026, 1, 2), "2111", "gastado", 5.0, concepto="  "),
                                BUDGET, fiscal_year=2026, existing=[])
    assert len(reasons) == 2
    assert reasons[0].startswith("El momento «gastado» no es válido")
    assert reasons[1] == "Falta el concepto (qué se compró o pagó)."


def test_validate_movement_refuses_a_reduction_above_what_is_available():
    existing = [mv(date(2026, 2, 1), "2111", "comprometido", 4500.0)]
    too_much = mv(date(2026, 3, 1), "2111", "reduccion", 600.0)
    reasons = validate_movement(too_much, BUDGET, fiscal_year=2026, existing=existing)
    assert reasons == [
        "La reducción de $600.00 es mayor que lo disponible en la partida 2111 ($500.00: "
        "modificado menos comprometido)."
    ]
    fits = mv(date(2026, 3, 1), "2111", "reduccion", 500.0)
    assert validate_movement(fits, BUDGET, fiscal_year=2026, existing=existing) == []

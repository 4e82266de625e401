"""Spending workbooks read for real, and movements stored on SQLite and PostgreSQL."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from openpyxl import Workbook
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from loaders.check.budget import check_movements, eaepe
from loaders.errors import NotAPoaWorkbook
from loaders.imports import import_spending, import_workbook
from loaders.model import Movement
from loaders.read.spending import read_spending
from loaders.store.budget import (
    InvalidMovement,
    add_movement,
    movements_of,
    plan_budget,
    reverse_movement,
    spending_file,
    spending_imports_of,
)
from loaders.store.schema import AuditEntry
from loaders.store.versions import AlreadyImported
from sample_data.build_spending import DEFAULT_PATH as SPENDING_SAMPLE
from sample_data.build_spending import MOVEMENTS

AS_OF = date(2026, 11, 21)
NOW = datetime(2026, 11, 21, 10, 30)


@pytest.fixture(scope="module")
def spending_bytes() -> bytes:
    return SPENDING_SAMPLE.read_bytes()


def workbook_bytes(rows: list[list[object]], title: str = "Gastos") -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# -- reading ----------------------------------------------------------------------------------


def test_the_sample_spending_workbook_reads_every_movement_without_findings(spending_bytes, settings):
    movements, findings = read_spending(spending_bytes, settings, file_name="ejercicio.xlsx")
    assert findings == []
    assert len(movements) == len(MOVEMENTS) == 37
    first = movements[0]
    assert (first.date, first.partida, first.momento, first.amount) == (
        date(2026, 1, 15), "2611", "ampliacion", 3000.0
    )
    assert first.concepto == "Ampliación por alza del precio de la gasolina"
    assert (first.source, first.sheet, first.cell, first.id) == ("libro", "Movimientos", "F5", 1)
    reversals = [m for m in movements if m.reverses is not None]
    assert len(reversals) == 1
    reversal = reversals[0]
    assert reversal.amount == -2000.0 and reversal.cell == "F16"
    target = movements[reversal.reverses - 1]
    assert (target.partida, target.momento, target.amount, target.cell) == (
        "2121", "comprometido", 2000.0, "F15"
    )


def test_the_sample_spending_against_the_sample_poa_overspends_3761(
    spending_bytes, sample_bytes, settings
):
    from loaders.read.poa import read_poa

    budget = read_poa(sample_bytes, settings).budget
    movements, _ = read_spending(spending_bytes, settings)
    rows, total = eaepe(budget, movements)
    assert total.aprobado == 90000.0
    assert (total.ampliaciones, total.reducciones, total.modificado) == (3000.0, 3000.0, 90000.0)
    assert (total.comprometido, total.devengado, total.ejercido, total.pagado) == (
        82700.0, 78200.0, 73200.0, 69200.0
    )
    by = {r.partida: r for r in rows}
    assert by["2611"].modificado == 13000.0
    assert by["4244"].modificado == 17000.0
    assert by["2121"].comprometido == 2000.0  # the repeated capture was reversed
    assert by["3761"].ejercido == 54000.0 and by["3761"].pct_ejercido == pytest.approx(108.0)
    findings = check_movements(budget, movements, fiscal_year=2026)
    assert sorted({f.code for f in findings}) == ["BUDGET_OVERSPENT", "PARTIDA_NAME_DIFFERS"]
    over = next(f for f in findings if f.code == "BUDGET_OVERSPENT")
    assert (over.partida, over.sheet, over.cell) == ("3761", "Movimientos", "F34")


def test_a_variant_with_text_dates_money_text_and_any_case_momentos_is_read(settings):
    data = workbook_bytes([
        ["Ejercicio 2026, área de prueba"],
        [],
        [None, "FECHA", "Momento contable", "Partida", "Descripción", "Importe ($)"],
        [None, "05/02/2026", "COMPROMETIDO", "2111", "Hojas", "$ 1,234.50"],
        [None, "6/2/2026", "devengado", 2111, "Hojas (factura)", "1,234.50"],
        [None, "07-02-2026", "Ampliación", "2611", "Más gasolina", 3000],
        [None, "2026-02-08", "REDUCCIÓN", "4244", "Menos aportación", "$ 500"],
        [],
        [None, None, "TOTAL", None, None, "$ 5,969.00"],
    ])
    movements, findings = read_spending(data, settings, file_name="variante.xlsx")
    assert findings == []
    assert [(m.date, m.momento, m.partida, m.amount) for m in movements] == [
        (date(2026, 2, 5), "comprometido", "2111", 1234.5),
        (date(2026, 2, 6), "devengado", "2111", 1234.5),
        (date(2026, 2, 7), "ampliacion", "2611", 3000.0),
        (date(2026, 2, 8), "reduccion", "4244", 500.0),
    ]
    assert movements[0].concepto == "Hojas"
    assert (movements[0].sheet, movements[0].cell) == ("Gastos", "F4")


def test_unreadable_cells_become_findings_with_their_cell_and_skip_the_row(settings):
    data = workbook_bytes([
        ["Fecha", "Partida", "Concepto", "Momento", "Importe"],
        ["31/02/2026", "2111", "Fecha imposible", "Comprometido", 10],
        ["01/03/2026", "2111", "Importe en letra", "Comprometido", "mil pesos"],
        ["02/03/2026", "2111", "Momento raro", "Gastado", 10],
        [None, "2111", "Sin fecha", "Comprometido", 10],
        ["03/03/2026", "2111", None, "Pagado", 10],
    ])
    movements, findings = read_spending(data, settings)
    assert [(f.code, f.sheet, f.cell) for f in findings] == [
        ("INVALID_VALUE", "Gastos", "A2"),
        ("INVALID_VALUE", "Gastos", "E3"),
        ("UNKNOWN_MOMENTO", "Gastos", "D4"),
        ("MISSING_FIELD", "Gastos", "A5"),
        ("MISSING_FIELD", "Gastos", "C6"),
    ]
    assert "«31/02/2026»" in findings[0].message
    assert "«mil pesos»" in findings[1].message
    assert "«Gastado»" in findings[2].message
    assert [(m.date, m.momento) for m in movements] == [(date(2026, 3, 3), "pagado")]


def test_a_negative_amount_is_a_reversal_only_when_it_names_an_earlier_folio_of_the_same_kind(
    settings,
):
    data = workbook_bytes([
        ["Folio", "Fecha", "Partida", "Concepto", "Momento", "Importe", "Revierte folio"],
        ["A1", "01/03/2026", "2111", "Hojas", "Comprometido", 300, None],
        ["A2", "02/03/2026", "2111", "Corrección", "Comprometido", -300, "A1"],
        ["A3", "03/03/2026", "2111", "Otra vez", "Comprometido", -300, "A1"],
        ["A4", "04/03/2026", "2121", "Otra partida", "Comprometido", -300, "A1"],
        ["A5", "05/03/2026", "2111", "Sin folio", "Devengado", -50, None],
    ])
    movements, findings = read_spending(data, settings)
    assert [m.reverses for m in movements] == [None, 1, None, None, None]
    assert [(f.code, f.cell) for f in findings] == [
        ("INVALID_REVERSAL", "G4"), ("INVALID_REVERSAL", "G5"),
    ]
    assert "ya se revirtió" in findings[0].message
    assert "partida 2111" in findings[1].message
    checked = check_movements([], movements, fiscal_year=2026)
    assert sorted(f.cell for f in checked if f.code == "NEGATIVE_AMOUNT") == ["F4", "F5", "F6"]


def test_a_file_that_is_not_a_workbook_is_refused_in_spanish(settings):
    with pytest.raises(NotAPoaWorkbook, match="no es un libro de Excel"):
        read_spending(b"fecha,partida,importe\n01/01/2026,2111,5\n", settings, file_name="g.csv")


def test_a_workbook_without_a_movement_table_is_refused(settings, sample_bytes):
    with pytest.raises(NotAPoaWorkbook, match="no tiene una tabla de movimientos"):
        read_spending(sample_bytes, settings, file_name="poa.xlsx")


# -- storing ----------------------------------------------------------------------------------


@pytest.fixture
def plan_id(engine, settings, sample_bytes) -> int:
    stored = import_workbook(engine, sample_bytes, settings, file_name="poa.xlsx",
                             uploaded_by="planeacion", as_of=AS_OF)
    return stored.plan_id


def form(day: date, partida: str, momento: str, amount: float, concepto: str = "Compra") -> Movement:
    return Movement(date=day, partida=partida, concepto=concepto, momento=momento, amount=amount)


def test_a_form_movement_is_stored_with_who_and_when(engine, plan_id):
    with Session(engine) as s, s.begin():
        new_id = add_movement(s, plan_id, form(date(2026, 5, 2), "2111", "comprometido", 1200.0),
                              user="directora", now=NOW)
    with Session(engine) as s:
        stored = movements_of(s, plan_id)
        audit = s.scalars(select(AuditEntry.action).where(AuditEntry.user == "directora")).all()
    assert len(stored) == 1
    m = stored[0]
    assert (m.id, m.date, m.partida, m.momento, m.amount) == (
        new_id, date(2026, 5, 2), "2111", "comprometido", 1200.0
    )
    assert (m.created_by, m.created_at, m.source, m.reverses) == ("directora", NOW, "formulario", None)
    assert audit == ["movement_added"]


def test_an_invalid_form_movement_is_refused_and_stores_nothing(engine, plan_id):
    bad = form(date(2027, 1, 3), "9999", "ejercido", -5.0)
    with pytest.raises(InvalidMovement) as refused, Session(engine) as s, s.begin():
        add_movement(s, plan_id, bad, user="directora")
    reasons = refused.value.reasons
    assert len(reasons) == 3
    assert "«9999» no existe" in reasons[0]
    assert "mayor que cero" in reasons[1]
    assert "fuera del año fiscal 2026" in reasons[2]
    with Session(engine) as s:
        assert movements_of(s, plan_id) == []


def test_a_reversal_negates_the_movement_and_cannot_be_repeated(engine, plan_id):
    with Session(engine) as s, s.begin():
        first = add_movement(s, plan_id, form(date(2026, 5, 2), "2611", "ejercido", 800.0),
                             user="directora")
        reversal = reverse_movement(s, first, user="directora", on=date(2026, 5, 3), now=NOW)
    with Session(engine) as s:
        stored = {m.id: m for m in movements_of(s, plan_id)}
        budget = plan_budget(s, plan_id)
    r = stored[reversal]
    assert (r.partida, r.momento, r.amount, r.reverses, r.date) == (
        "2611", "ejercido", -800.0, first, date(2026, 5, 3)
    )
    assert r.concepto.startswith(f"Reversión del movimiento {first}")
    _, total = eaepe(budget, list(stored.values()))
    assert total.ejercido == 0
    assert "NEGATIVE_AMOUNT" not in {
        f.code for f in check_movements(budget, list(stored.values()), fiscal_year=2026)
    }
    with pytest.raises(ValueError, match="ya se revirtió"), Session(engine) as s, s.begin():
        reverse_movement(s, first, user="otra", on=date(2026, 5, 4))
    with pytest.raises(ValueError, match="es una reversión"), Session(engine) as s, s.begin():
        reverse_movement(s, reversal, user="otra", on=date(2026, 5, 4))
    with Session(engine) as s:
        assert len(movements_of(s, plan_id)) == 2


def test_a_reversal_dated_before_the_movement_or_outside_the_year_is_refused(engine, plan_id):
    with Session(engine) as s, s.begin():
        first = add_movement(s, plan_id, form(date(2026, 5, 2), "2611", "ejercido", 800.0),
                             user="directora")
    with pytest.raises(ValueError, match="anterior al movimiento"), Session(engine) as s:
        reverse_movement(s, first, user="d", on=date(2026, 5, 1))
    with pytest.raises(ValueError, match="fuera del año fiscal 2026"), Session(engine) as s:
        reverse_movement(s, first, user="d", on=date(2027, 1, 1))


def test_a_spending_import_is_a_version_and_the_same_bytes_are_not_stored_twice(
    engine, plan_id, settings, spending_bytes
):
    number, findings = import_spending(engine, plan_id, spending_bytes, settings,
                                       file_name="ejercicio.xlsx", uploaded_by="tesoreria")
    assert number == 1
    assert "BUDGET_OVERSPENT" in {f.code for f in findings}
    with pytest.raises(AlreadyImported, match="ya se cargó"):
        import_spending(engine, plan_id, spending_bytes, settings, file_name="otra vez.xlsx",
                        uploaded_by="tesoreria")
    with Session(engine) as s:
        imports = spending_imports_of(s, plan_id)
        movements = movements_of(s, plan_id)
        original = spending_file(s, imports[0].id)
        actions = s.scalars(select(AuditEntry.action)).all()
    assert [(i.number, i.file_name, i.uploaded_by, i.movements) for i in imports] == [
        (1, "ejercicio.xlsx", "tesoreria", 37)
    ]
    assert imports[0].findings == findings
    assert original == ("ejercicio.xlsx", spending_bytes)
    assert actions.count("spending_imported") == 1
    assert len(movements) == 37
    reversal = next(m for m in movements if m.reverses is not None)
    target = next(m for m in movements if m.id == reversal.reverses)
    assert (target.partida, target.momento, target.amount, target.cell) == (
        "2121", "comprometido", 2000.0, "F15"
    )
    assert all(m.source == "libro" and m.created_by == "tesoreria" for m in movements)


def test_movements_of_is_the_latest_import_plus_every_form_movement(engine, plan_id, settings):
    header = ["Fecha", "Partida", "Concepto", "Momento", "Importe"]
    v1 = workbook_bytes([header, ["01/02/2026", "2111", "Hojas", "Comprometido", 100],
                         ["02/02/2026", "2121", "Tinta", "Comprometido", 50]])
    v2 = workbook_bytes([header, ["01/02/2026", "2111", "Hojas", "Comprometido", 150]])
    assert import_spending(engine, plan_id, v1, settings, file_name="v1.xlsx",
                           uploaded_by="t")[0] == 1
    with Session(engine) as s, s.begin():
        add_movement(s, plan_id, form(date(2026, 3, 1), "2611", "comprometido", 700.0), user="d")
    assert import_spending(engine, plan_id, v2, settings, file_name="v2.xlsx",
                           uploaded_by="t")[0] == 2
    with Session(engine) as s:
        movements = movements_of(s, plan_id)
        imports = spending_imports_of(s, plan_id)
    assert [(m.partida, m.amount, m.source) for m in movements] == [
        ("2111", 150.0, "libro"), ("2611", 700.0, "formulario"),
    ]
    assert [(i.number, i.movements) for i in imports] == [(1, 2), (2, 1)]


def test_a_movement_from_a_workbook_is_corrected_by_a_new_workbook_not_reversed(
    engine, plan_id, settings, spending_bytes
):
    import_spending(engine, plan_id, spending_bytes, settings, file_name="e.xlsx", uploaded_by="t")
    with Session(engine) as s:
        imported = movements_of(s, plan_id)[0].id
    with pytest.raises(ValueError, match="corríjalo en el libro"), Session(engine) as s:
        reverse_movement(s, imported, user="d", on=date(2026, 6, 1))


def test_a_refused_spending_file_stores_nothing(engine, plan_id, settings):
    with pytest.raises(NotAPoaWorkbook):
        import_spending(engine, plan_id, b"%PDF-1.4 nada", settings, file_name="x.pdf",
                        uploaded_by="t")
    with Session(engine) as s:
        assert spending_imports_of(s, plan_id) == []
        assert movements_of(s, plan_id) == []


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE movement SET amount = 1",
        "DELETE FROM movement",
        "UPDATE spending_import SET file_name = 'otro.xlsx'",
        "DELETE FROM spending_import",
    ],
)
def test_stored_movements_and_imports_cannot_be_changed(
    engine, plan_id, settings, spending_bytes, statement
):
    import_spending(engine, plan_id, spending_bytes, settings, file_name="e.xlsx", uploaded_by="t")
    with Session(engine) as s, s.begin():
        add_movement(s, plan_id, form(date(2026, 3, 1), "2611", "comprometido", 700.0), user="d")
    with pytest.raises(DBAPIError, match="solo lectura"), engine.begin() as conn:
        conn.execute(text(statement))
    with Session(engine) as s:
        movements = movements_of(s, plan_id)
        assert len(movements) == 38
        assert sum(m.amount for m in movements if m.partida == "2611"
                   and m.momento == "comprometido") == 12700.0
        assert spending_imports_of(s, plan_id)[0].file_name == "e.xlsx"

"""Each finding code: a workbook that triggers it and a near miss that must not."""

from __future__ import annotations

from datetime import date

import pytest

from loaders.check.poa import check_document
from loaders.read.poa import read_poa_file
from tests.builders import activity, write_poa

AS_OF = date(2026, 11, 21)


def findings_of(tmp_path, activities, as_of=AS_OF, **kwargs):
    path = write_poa(tmp_path / "poa.xlsx", activities, **kwargs)
    from loaders.settings import Settings

    doc = read_poa_file(path, Settings())
    return doc, check_document(doc, as_of)


def codes(findings, code):
    return sorted(f.activity for f in findings if f.code == code)


def only(findings, code):
    matches = [f for f in findings if f.code == code]
    assert len(matches) == 1, matches
    return matches[0]


def test_pct_mismatch_is_reported_with_the_numbers_and_the_cell(tmp_path):
    _, found = findings_of(tmp_path, [activity(1, programmed=50, goal=50, achieved=6, pct="30%")])
    f = only(found, "PCT_MISMATCH")
    assert (f.activity, f.sheet, f.cell, f.severity) == (1, "Cronograma", "H3", "error")
    assert "6 de 50 es 12.0 %" in f.message and "se declaró 30.0 %" in f.message


@pytest.mark.parametrize(
    ("achieved", "programmed", "pct"),
    [(0, 20, "0%"), (6, 20, "30%"), (1, 3, 33), (1, 3, "34%"), (2, 3, 0.6667)],
)
def test_pct_within_one_point_is_not_a_mismatch(tmp_path, achieved, programmed, pct):
    _, found = findings_of(
        tmp_path, [activity(1, achieved=achieved, programmed=programmed, goal=programmed, pct=pct)]
    )
    assert codes(found, "PCT_MISMATCH") == []


def test_end_before_start_points_at_the_end_date(tmp_path):
    _, found = findings_of(
        tmp_path, [activity(1, start=date(2026, 1, 1), end=date(2025, 12, 31), months=[])]
    )
    f = only(found, "END_BEFORE_START")
    assert (f.activity, f.cell) == (1, "V3")
    assert "31/12/2025" in f.message and "01/01/2026" in f.message


def test_same_day_window_is_not_end_before_start(tmp_path):
    _, found = findings_of(
        tmp_path, [activity(1, start=date(2026, 2, 5), end=date(2026, 2, 5), months=[2])]
    )
    assert codes(found, "END_BEFORE_START") == []


def test_dates_outside_the_fiscal_year_each_get_a_finding(tmp_path):
    _, found = findings_of(tmp_path, [
        activity(1, start=date(2025, 1, 1), end=date(2026, 12, 31)),
        activity(2, start=date(2026, 1, 1), end=date(2027, 1, 31)),
        activity(3, start=date(2026, 1, 1), end=date(2026, 12, 31)),
    ])
    cells = sorted((f.activity, f.cell) for f in found if f.code == "OUTSIDE_FISCAL_YEAR")
    assert cells == [(1, "U3"), (2, "V4")]


def test_fiscal_year_comes_from_the_dates_when_no_heading_states_it(tmp_path):
    doc, found = findings_of(tmp_path, [
        activity(1, start=date(2027, 1, 1), end=date(2027, 6, 30), months=[]),
        activity(2, start=date(2027, 2, 1), end=date(2027, 12, 31), months=[]),
        activity(3, start=date(2026, 12, 1), end=date(2027, 3, 31), months=[]),
    ], as_of=date(2027, 1, 10), year_heading=None)
    assert doc.plan.fiscal_year == 2027
    assert doc.year_source == "fechas"
    assert codes(found, "OUTSIDE_FISCAL_YEAR") == [3]


def test_names_differing_by_more_than_accents_case_and_spacing_mismatch(tmp_path):
    _, found = findings_of(tmp_path, [
        activity(1, name="Corazón de Plata", name_cronograma="corazon  DE plata"),
        activity(2, name="Apostillado", name_cronograma="Aposillado"),
        activity(3, name="Reunión con clubes", name_cronograma="Reunion con clubs"),
        activity(4, name="Foros migrantes", name_cronograma=" Foros   migrantes "),
    ])
    assert codes(found, "NAME_MISMATCH") == [2, 3]
    f = next(f for f in found if f.code == "NAME_MISMATCH" and f.activity == 2)
    assert f.cell == "B4" and "«Apostillado»" in f.message and "«Aposillado»" in f.message


def test_a_number_in_unidad_de_medida_is_not_a_unit(tmp_path):
    _, found = findings_of(tmp_path, [
        activity(1, unit=20), activity(2, unit="15"), activity(3, unit="asesorías"),
        activity(4, unit="2 eventos"),
    ])
    assert codes(found, "UNIT_NOT_A_UNIT") == [1, 2]


def test_missing_required_fields_are_named_one_by_one(tmp_path):
    _, found = findings_of(tmp_path, [
        activity(1, linea_accion=None, actividad_especifica=""),
        activity(2),
    ])
    missing = sorted((f.activity, f.sheet, f.cell) for f in found if f.code == "MISSING_FIELD")
    assert missing == [(1, "Actividades", "E4"), (1, "Actividades", "F4")]


def test_missing_start_date_is_an_error(tmp_path):
    _, found = findings_of(tmp_path, [activity(1, start=None, months=[])])
    f = only(found, "MISSING_FIELD")
    assert (f.activity, f.cell, f.severity) == (1, "U3", "error")


def test_goal_mismatch_and_achieved_over_goal(tmp_path):
    _, found = findings_of(tmp_path, [
        activity(1, goal=25, programmed=20),
        activity(2, goal=20, programmed=20, achieved=22, pct="110%"),
        activity(3, goal=20, programmed=20, achieved=20, pct="100%"),
    ])
    assert codes(found, "GOAL_MISMATCH") == [1]
    assert codes(found, "ACHIEVED_OVER_GOAL") == [2]


def test_duplicate_activity_number_keeps_the_first(tmp_path):
    doc, found = findings_of(tmp_path, [activity(1), activity(2), activity(2, name="Otra")])
    f = next(f for f in found if f.code == "DUPLICATE_ACTIVITY" and f.sheet == "Actividades")
    assert (f.activity, f.cell) == (2, "A6")
    assert [a.number for a in doc.activities] == [1, 2]
    assert doc.activity(2).name == "Asesoría a migrantes"


def test_months_marked_outside_the_window(tmp_path):
    _, found = findings_of(tmp_path, [
        activity(1, start=date(2026, 3, 1), end=date(2026, 5, 31), months=[2, 3, 4, 5, 6]),
        activity(2, start=date(2026, 3, 15), end=date(2026, 5, 2), months=[3, 4, 5]),
    ])
    f = only(found, "MONTHS_OUTSIDE_WINDOW")
    assert f.activity == 1 and "febrero" in f.message and "junio" in f.message


def test_overdue_when_window_ended_and_goal_not_met(tmp_path):
    rows = [
        activity(1, end=date(2026, 9, 30), months=list(range(1, 10))),
        activity(2, end=date(2026, 9, 30), achieved=20, pct="100%", months=list(range(1, 10))),
        activity(3, end=date(2026, 11, 21), months=list(range(1, 12))),
    ]
    _, found = findings_of(tmp_path, rows)
    assert codes(found, "OVERDUE") == [1]


def test_behind_schedule_only_for_open_windows_in_red(tmp_path):
    rows = [
        # expected 89 %, real 30 % -> rojo
        activity(1),
        # expected 89 %, real 80 % -> gap -9 -> verde
        activity(2, achieved=16, pct="80%"),
        # expected 89 %, real 65 % -> gap -24 -> amarillo
        activity(3, achieved=13, pct="65%"),
        # not started yet
        activity(4, start=date(2026, 12, 1), months=[12]),
    ]
    _, found = findings_of(tmp_path, rows)
    assert codes(found, "BEHIND_SCHEDULE") == [1]


def test_budget_total_row_is_not_a_partida_and_is_checked(tmp_path):
    lines = [(2111, "Papelería", "$ 5,000.00"), ("2611", "Gasolina", 10000)]
    doc, found = findings_of(tmp_path, [activity(1)], budget=lines, total="$ 15,000.00")
    assert [(b.partida, b.approved) for b in doc.budget] == [("2111", 5000.0), ("2611", 10000.0)]
    assert codes(found, "BUDGET_TOTAL_MISMATCH") == []
    doc, found = findings_of(tmp_path, [activity(1)], budget=lines, total=16000)
    f = only(found, "BUDGET_TOTAL_MISMATCH")
    assert (f.sheet, f.cell) == ("Presupuesto", "C4")
    assert "$16,000.00" in f.message and "$15,000.00" in f.message


def test_unknown_partida_against_the_conac_catalogue(tmp_path):
    lines = [(2111, "Papelería", 5000), (9999, "Inventada", 100), ("21A1", "Mal escrita", 1),
             (4244, "Aportaciones", 20000)]
    _, found = findings_of(tmp_path, [activity(1)], budget=lines)
    unknown = sorted(f.partida for f in found if f.code == "UNKNOWN_PARTIDA")
    assert unknown == ["21A1", "9999"]


def test_unreadable_values_are_reported_and_do_not_stop_the_import(tmp_path):
    doc, found = findings_of(tmp_path, [
        activity(1, achieved="seis"), activity(2, start="31/02/2026", months=[]),
    ])
    invalid = sorted((f.activity, f.cell) for f in found if f.code == "INVALID_VALUE")
    assert invalid == [(1, "G3"), (2, "U4")]
    assert doc.activity(1).achieved is None and doc.activity(2).start is None
    assert len(doc.activities) == 2


def test_findings_of_a_clean_plan_are_empty(tmp_path):
    _, found = findings_of(tmp_path, [activity(1, achieved=19, pct="95%")])
    assert found == []

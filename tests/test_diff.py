"""`loaders.check.diff.compare` on real workbooks: exactly the changes between two versions of a POA."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from loaders.check.diff import Change, VersionDiff, compare
from loaders.model import Activity, PlanIdentity, PoaDocument
from loaders.read.poa import read_poa_file
from loaders.settings import Settings
from tests.builders import activity, write_poa
from tests.paths import SAMPLE_WORKBOOK

BUDGET = [(2111, "Materiales de oficina", 5000), (2611, "Combustibles", 10000),
          (3751, "Viáticos", 2500)]


def read(tmp_path: Path, name: str, rows: list[dict], **kwargs) -> PoaDocument:
    path = write_poa(tmp_path / f"{name}.xlsx", rows, **kwargs)
    return read_poa_file(path, Settings())


def summary_of(changes: tuple[Change, ...]) -> list[tuple]:
    return [(c.kind, c.activity, c.partida, c.before, c.after) for c in changes]


def messages(diff: VersionDiff) -> list[str]:
    return [c.message for c in diff.changes]


def test_raised_achievements_and_a_moved_end_date_are_the_only_changes(tmp_path):
    rows = [activity(1), activity(2), activity(3), activity(5, end=date(2026, 9, 30))]
    old = read(tmp_path, "v1", rows)
    new = read(tmp_path, "v2", [
        activity(1),
        activity(2, achieved=12),
        activity(3, achieved=9),
        activity(5, end=date(2026, 10, 31)),
    ])
    diff = compare(old, new)
    assert summary_of(diff.changes) == [
        ("achieved", 2, None, 6, 12),
        ("achieved", 3, None, 6, 9),
        ("end", 5, None, date(2026, 9, 30), date(2026, 10, 31)),
    ]
    assert messages(diff) == [
        "Actividad 2: meta alcanzada 6 → 12",
        "Actividad 3: meta alcanzada 6 → 9",
        "Actividad 5: fin 30/09/2026 → 31/10/2026",
    ]
    assert [c.activity for c in diff.by_kind("achieved")] == [2, 3]
    assert diff.by_kind("added") == diff.by_kind("removed") == []
    assert not diff.is_empty and not diff.first
    assert diff.summary == "3 actividades con cambios, 0 agregadas, 0 eliminadas"


def test_an_added_and_a_removed_activity_are_reported_after_field_changes(tmp_path):
    old = read(tmp_path, "v1", [
        activity(1), activity(3, name="Doble nacionalidad"), activity(4),
    ])
    new = read(tmp_path, "v2", [
        activity(1), activity(4, achieved=7), activity(17, name="Nueva"),
    ])
    diff = compare(old, new)
    assert summary_of(diff.changes) == [
        ("achieved", 4, None, 6, 7),
        ("added", 17, None, None, "Nueva"),
        ("removed", 3, None, "Doble nacionalidad", None),
    ]
    assert messages(diff)[1:] == [
        "Actividad 17 agregada: «Nueva»",
        "Actividad 3 eliminada: «Doble nacionalidad»",
    ]
    assert diff.summary == "1 actividad con cambios, 1 agregada, 1 eliminada"


def test_budget_amount_change_and_added_and_removed_partidas_in_partida_order(tmp_path):
    old = read(tmp_path, "v1", [activity(1)], budget=BUDGET)
    new = read(tmp_path, "v2", [activity(1)], budget=[
        (2111, "Materiales de oficina", "$ 7,500.00"),
        (2611, "Combustibles", 10000.004),  # within the 0.005 tolerance: not a change
        (5151, "Equipo de cómputo", 12000),
    ])
    diff = compare(old, new)
    assert summary_of(diff.changes) == [
        ("budget_changed", None, "2111", 5000.0, 7500.0),
        ("budget_removed", None, "3751", 2500.0, None),
        ("budget_added", None, "5151", None, 12000.0),
    ]
    assert messages(diff) == [
        "Partida 2111: $5,000.00 → $7,500.00",
        "Partida 3751 eliminada ($2,500.00)",
        "Partida 5151 agregada ($12,000.00)",
    ]
    assert diff.summary == "1 partida modificada, 1 agregada, 1 eliminada"


def test_activity_and_budget_changes_share_one_summary(tmp_path):
    old = read(tmp_path, "v1", [activity(1), activity(2), activity(3), activity(4)],
               budget=BUDGET)
    new = read(tmp_path, "v2", [
        activity(1, achieved=8), activity(2, goal=25), activity(3, start=date(2026, 2, 1)),
        activity(9, name="Ferias"),
    ], budget=[(2111, "Materiales de oficina", 5200), *BUDGET[1:]])
    diff = compare(old, new)
    assert diff.summary == (
        "3 actividades con cambios, 1 agregada, 1 eliminada; 1 partida modificada"
    )


def test_name_differing_only_in_accents_case_or_spaces_is_not_a_change(tmp_path):
    old = read(tmp_path, "v1", [activity(1, name="Asesoría a migrantes")])
    new = read(tmp_path, "v2", [activity(1, name="  ASESORIA a   Migrantes ")])
    diff = compare(old, new)
    assert diff.changes == ()
    assert diff.summary == "Sin cambios"


def test_a_real_rename_is_reported_with_both_names(tmp_path):
    old = read(tmp_path, "v1", [activity(1, name="Asesoría a migrantes")])
    new = read(tmp_path, "v2", [activity(1, name="Asesoría jurídica a migrantes")])
    diff = compare(old, new)
    assert summary_of(diff.changes) == [
        ("name", 1, None, "Asesoría a migrantes", "Asesoría jurídica a migrantes"),
    ]
    assert messages(diff) == [
        "Actividad 1: nombre «Asesoría a migrantes» → «Asesoría jurídica a migrantes»",
    ]


def test_every_activity_field_in_the_documented_order(tmp_path):
    old = read(tmp_path, "v1", [activity(4, months=[1, 2, 3], end=date(2026, 3, 31))])
    new = read(tmp_path, "v2", [activity(
        4, name="Asesoría itinerante", achieved=10, programmed=18, goal=24, pct="50%",
        start=date(2026, 2, 1), end=date(2026, 6, 30), months=[2, 3, 4, 5, 6, 9],
    )])
    diff = compare(old, new)
    assert [c.kind for c in diff.changes] == [
        "achieved", "programmed", "goal", "declared_pct", "start", "end", "months", "name",
    ]
    assert {c.activity for c in diff.changes} == {4}
    assert diff.by_kind("months")[0].before == [1, 2, 3]
    assert diff.by_kind("months")[0].after == [2, 3, 4, 5, 6, 9]
    assert diff.by_kind("declared_pct")[0].before == 30.0
    assert diff.by_kind("declared_pct")[0].after == 50.0
    assert messages(diff) == [
        "Actividad 4: meta alcanzada 6 → 10",
        "Actividad 4: meta programada 20 → 18",
        "Actividad 4: meta anual 20 → 24",
        "Actividad 4: % alcanzado 30.0 % → 50.0 %",
        "Actividad 4: inicio 01/01/2026 → 01/02/2026",
        "Actividad 4: fin 31/03/2026 → 30/06/2026",
        "Actividad 4: meses programados enero a marzo → febrero a junio, septiembre",
        "Actividad 4: nombre «Asesoría a migrantes» → «Asesoría itinerante»",
    ]
    assert diff.summary == "1 actividad con cambios, 0 agregadas, 0 eliminadas"


def test_declared_percentage_is_compared_rounded_to_one_decimal(tmp_path):
    old = read(tmp_path, "v1", [activity(1, pct="30%"), activity(2, pct="30%")])
    new = read(tmp_path, "v2", [activity(1, pct="30.04%"), activity(2, pct="30.2%")])
    diff = compare(old, new)
    assert summary_of(diff.changes) == [("declared_pct", 2, None, 30.0, 30.2)]
    assert messages(diff) == ["Actividad 2: % alcanzado 30.0 % → 30.2 %"]


def test_a_value_that_became_empty_is_reported_as_sin_dato(tmp_path):
    old = read(tmp_path, "v1", [activity(1)])
    new = read(tmp_path, "v2", [activity(1, achieved=None)])
    diff = compare(old, new)
    assert summary_of(diff.changes) == [("achieved", 1, None, 6, None)]
    assert messages(diff) == ["Actividad 1: meta alcanzada 6 → sin dato"]


def test_identical_documents_give_an_empty_diff(tmp_path):
    rows = [activity(1), activity(2, name="Ferias", months=[5, 6])]
    old = read(tmp_path, "v1", rows, budget=BUDGET)
    new = read(tmp_path, "v2", rows, budget=BUDGET)
    diff = compare(old, new)
    assert diff.is_empty
    assert diff.changes == ()
    assert not diff.first
    assert diff.summary == "Sin cambios"
    assert diff.by_kind("achieved") == []


def test_no_previous_version_is_a_first_diff_without_changes(tmp_path):
    new = read(tmp_path, "v1", [activity(1), activity(2)], budget=BUDGET)
    diff = compare(None, new)
    assert diff.first
    assert diff.changes == ()
    assert diff.is_empty
    assert diff.summary == "POA nuevo: no hay versión anterior"


def test_sample_workbook_compared_with_itself_is_empty():
    old = read_poa_file(SAMPLE_WORKBOOK, Settings())
    new = read_poa_file(SAMPLE_WORKBOOK, Settings())
    assert len(new.activities) > 0 and len(new.budget) > 0
    diff = compare(old, new)
    assert diff.is_empty and not diff.first
    assert diff.summary == "Sin cambios"


def test_sample_workbook_with_one_edited_activity_reports_only_that_edit():
    old = read_poa_file(SAMPLE_WORKBOOK, Settings())
    new = read_poa_file(SAMPLE_WORKBOOK, Settings())
    target = new.activities[0]
    before = target.achieved
    target.achieved = (before or 0) + 3
    diff = compare(old, new)
    assert summary_of(diff.changes) == [
        ("achieved", target.number, None, before, (before or 0) + 3),
    ]


def test_repeated_activity_numbers_pair_in_order_and_the_extra_one_is_added():
    plan = PlanIdentity()
    old = PoaDocument(plan, [Activity(7, name="Uno")], [])
    new = PoaDocument(plan, [Activity(7, name="Uno"), Activity(7, name="Copia")], [])
    diff = compare(old, new)
    assert summary_of(diff.changes) == [("added", 7, None, None, "Copia")]
    assert messages(diff) == ["Actividad 7 agregada: «Copia»"]

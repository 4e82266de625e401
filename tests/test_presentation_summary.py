"""What Resumen says in words (dashboard.summary): the progress sentence, the budget's execution and
the changes since the previous version, on the sample POA and its example spending."""

from __future__ import annotations

import copy
from dataclasses import replace
from datetime import date, datetime

import pytest

from dashboard.summary import (
    NBSP,
    budget_execution,
    change_list,
    changes_heading,
    execution_text,
    fmt_gap,
    gap_points,
    overdue_count,
    overspent_text,
    previous_version,
    progress_sentence,
    progress_text,
)
from dashboard.views import plan_view
from loaders.check.diff import compare
from loaders.model import BudgetLine, Movement
from loaders.read.poa import read_poa_file
from loaders.read.spending import read_spending
from loaders.settings import Settings
from loaders.store.queries import VersionInfo
from tests.paths import SAMPLE_WORKBOOK

SPENDING = SAMPLE_WORKBOOK.parent / "ejercicio_presupuesto_2026.xlsx"
CORTE = date(2026, 12, 1)


def plain(text: str) -> str:
    return text.replace(NBSP, " ")


@pytest.fixture(scope="module")
def doc():
    return read_poa_file(SAMPLE_WORKBOOK, Settings())


@pytest.fixture(scope="module")
def view(doc):
    return plan_view(doc, CORTE, Settings())


@pytest.fixture(scope="module")
def movements():
    movements, _ = read_spending(SPENDING.read_bytes(), Settings(), file_name=SPENDING.name)
    return movements


# ---- the sentence ---------------------------------------------------------------------------------


def test_the_sample_on_1_december_says_its_message_in_one_sentence(view):
    assert overdue_count(view.activities) == 8
    sentence = progress_sentence(view)
    assert plain(sentence) == (
        "Avance de 11.6 % contra 96.5 % esperado al 01/12/2026: 84.9 puntos abajo; "
        "16 actividades en rojo, 8 vencidas."
    )
    # a number never parts from its unit at the end of a line
    for joined in ("11.6\u00a0%", "96.5\u00a0%", "84.9\u00a0puntos", "16\u00a0actividades",
                   "8\u00a0vencidas"):
        assert joined in sentence


def test_the_sentence_counts_in_singular_and_says_none(view):
    red = next(a for a in view.activities if a.semaforo == "rojo" and a.overdue)
    one = replace(view, activities=(red,))
    assert plain(progress_sentence(one)).endswith("; 1 actividad en rojo, 1 vencida.")
    calm = replace(red, semaforo="verde", overdue=False)
    none = replace(view, activities=(calm,))
    assert plain(progress_sentence(none)).endswith("; ninguna actividad en rojo ni vencida.")
    late_green = replace(view, activities=(calm, replace(calm, overdue=True),
                                           replace(calm, overdue=True)))
    assert plain(progress_sentence(late_green)).endswith(
        "; ninguna actividad en rojo, 2 vencidas.")
    red_on_time = replace(view, activities=(replace(red, overdue=False),) * 3)
    assert plain(progress_sentence(red_on_time)).endswith(
        "; 3 actividades en rojo, ninguna vencida.")


def test_ahead_of_the_calendar_says_arriba_and_on_it_says_en_lo_esperado(view):
    ahead = replace(view, index_pct=50.04, expected_index_pct=40.0)
    assert plain(progress_sentence(ahead)).startswith(
        "Avance de 50.0 % contra 40.0 % esperado al 01/12/2026: 10.0 puntos arriba;")
    even = replace(view, index_pct=40.04, expected_index_pct=39.96)  # both shown as 40.0 %
    assert plain(progress_sentence(even)).startswith(
        "Avance de 40.0 % contra 40.0 % esperado al 01/12/2026: en lo esperado;")


def test_without_goals_or_dates_the_sentence_says_so(view):
    assert plain(progress_sentence(replace(view, index_pct=None))).startswith(
        "Sin metas programadas al 01/12/2026: no hay avance que medir;")
    assert plain(progress_sentence(replace(view, expected_index_pct=None))).startswith(
        "Avance de 11.6 % al 01/12/2026, sin fechas para calcular lo esperado;")


def test_gaps_are_in_puntos_from_the_values_as_shown():
    # 10.04 and 20.06 are shown as 10.0 % and 20.1 %: the gap shown is their difference
    assert gap_points(10.04, 20.06) == -10.1
    assert gap_points(26.666, 100.0) == -73.3
    assert gap_points(None, 50.0) is None and gap_points(50.0, None) is None
    assert plain(fmt_gap(-84.9)) == "84.9 puntos abajo"
    assert plain(fmt_gap(3.0)) == "3.0 puntos arriba"
    assert plain(fmt_gap(-100.0)) == "100.0 puntos abajo"
    assert fmt_gap(gap_points(40.04, 39.96)) == "en lo esperado"
    assert fmt_gap(None) == "—"
    assert "%" not in fmt_gap(-84.9)


def test_progress_and_count_stay_on_one_line():
    text = progress_text(0.0, 0, 20)
    assert plain(text) == "0.0 % (0 de 20)"
    assert " " not in text  # only non-breaking spaces
    assert plain(progress_text(26.666, 4, 15)) == "26.7 % (4 de 15)"
    assert plain(progress_text(None, None, 0)) == "— (0 de 0)"


# ---- the budget -----------------------------------------------------------------------------------


def test_the_sample_budget_on_1_december_is_81_percent_spent_with_3761_overspent(doc, movements):
    ex = budget_execution(doc.budget, movements, CORTE)
    assert (ex.partidas, ex.aprobado, ex.modificado, ex.ejercido) == (5, 90000.0, 90000.0, 73200.0)
    assert ex.pct_ejercido == pytest.approx(81.333, abs=0.001)
    assert [(o.partida, o.ejercido, o.modificado) for o in ex.overspent] == [
        ("3761", 54000.0, 50000.0)]
    assert ex.overspent[0].pct_ejercido == pytest.approx(108.0)
    assert execution_text(ex) == "$73,200.00 de $90,000.00 modificado"
    assert plain(overspent_text(ex)) == "1 partida sobregirada: 3761 (108.0 %)"


def test_only_spending_up_to_the_fecha_de_corte_counts(doc, movements):
    ex = budget_execution(doc.budget, movements, date(2026, 3, 1))
    assert ex.ejercido == 3200.0 and ex.overspent == ()
    assert overspent_text(ex) == "Ninguna partida sobregirada"


def test_several_overspent_partidas_in_plural_and_one_without_budget():
    budget = [BudgetLine("2111", "Papelería", 1000.0), BudgetLine("3761", "Viáticos", 5000.0)]

    def spent(partida, amount):
        return Movement(date(2026, 5, 1), partida, "gasto", "ejercido", amount)

    movements = [spent("2111", 1200.0), spent("3761", 5000.0), spent("2611", 300.0)]
    ex = budget_execution(budget, movements, CORTE)
    assert [o.partida for o in ex.overspent] == ["2111", "2611"]  # 3761: exactly its budget
    assert plain(overspent_text(ex)) == (
        "2 partidas sobregiradas: 2111 (120.0 %), 2611 (sin presupuesto)")


# ---- what changed ---------------------------------------------------------------------------------


def test_a_first_version_says_so(doc):
    assert change_list(None).summary == "Primera versión del POA"
    first = change_list(compare(None, doc))
    assert first.first and first.lines == () and first.more == 0 and first.more_text == ""


def test_an_unchanged_version_says_sin_cambios(doc):
    same = change_list(compare(doc, copy.deepcopy(doc)))
    assert (same.first, same.summary, same.lines, same.more) == (False, "Sin cambios", (), 0)


def test_at_most_five_changes_are_listed_and_the_rest_counted(doc):
    after = copy.deepcopy(doc)
    for a in after.activities[:7]:  # seven activities with one more goal achieved
        a.achieved = (a.achieved or 0) + 1
    changes = change_list(compare(doc, after))
    assert changes.summary == "7 actividades con cambios, 0 agregadas, 0 eliminadas"
    assert changes.lines[0] == "Actividad 1: meta alcanzada 6 → 7"
    assert len(changes.lines) == 5 and changes.more == 2
    assert plain(changes.more_text) == "y 2 cambios más"
    after.activities[6].achieved = doc.activities[6].achieved
    assert plain(change_list(compare(doc, after)).more_text) == "y 1 cambio más"


def _version(id_: int, plan: int, number: int) -> VersionInfo:
    return VersionInfo(id_, plan, number, datetime(2026, number, 3, 10, 0), "planeacion",
                       "poa.xlsx", "0" * 64, 100, date(2026, number, 3))


def test_the_previous_version_is_the_one_numbered_just_before_in_the_same_poa():
    versions = [_version(1, 1, 1), _version(2, 2, 1), _version(3, 1, 2), _version(5, 1, 3)]
    assert previous_version(versions, 5).id == 3
    assert previous_version(versions, 3).id == 1
    assert previous_version(versions, 1) is None
    assert previous_version(versions, 2) is None  # the first of the other POA
    assert previous_version(versions, 99) is None
    assert changes_heading(2, date(2026, 2, 3)) == "Cambios desde la versión 2 (03/02/2026)"
    assert changes_heading(None, None) == "Cambios"

"""Reprogramaciones de metas (issue 18, part 1) and the activity's year (part 4).

Versions are real .xlsx files: the sample POA written by the project's one workbook writer
(`loaders.write`, from `sample_data.build_sample.workbook()`), and the same book with known
changes — in June activity 2's meta programada goes 50 → 30, activity 5's fin 30/09 → 31/10,
activity 6's goals 10 → 5 (what it had achieved) and activity 8's meta programada 10 → 5 after its
window (05/02/2026) ended; in September activity 2's goes 30 → 25.
"""

from __future__ import annotations

import dataclasses
import re
import subprocess
from datetime import date, datetime
from pathlib import Path

import dash
import pytest
from sqlalchemy import select
from sqlalchemy import text as sql
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from dashboard.app import create_app
from dashboard.figures.activity_year import (
    achieved_series,
    activity_year,
    expected_series,
    marks_of,
    points_of,
    programmed_series,
)
from dashboard.views import plan_view
from loaders.check.reprogramming import (
    CLI_NO_JUSTIFICATION,
    NO_JUSTIFICATION,
    detect,
    justification_for,
    unjustified,
)
from loaders.codes import CODE_TITLES, CODES
from loaders.imports import import_workbook, prepare_upload
from loaders.read.poa import read_workbook
from loaders.settings import Settings
from loaders.store.engine import create_schema, make_engine
from loaders.store.errors import write_transaction
from loaders.store.queries import list_versions, load_version
from loaders.store.reprogramming import activity_by_version, goal_histories, recorded
from loaders.store.schema import AuditEntry, FindingRow
from loaders.store.schema import Reprogramming as ReprogrammingRow
from loaders.store.versions import store_upload
from loaders.write.layouts import poa_xlsx
from sample_data import build_sample
from tests.paths import REPO_ROOT
from tests.test_cli import run_loaders
from tests.test_presentation_state import find, text, walk
from tests.test_report import pdf_text

MARCH = datetime(2026, 3, 2, 9, 0)
JUNE = datetime(2026, 6, 15, 10, 0)
SEPTEMBER = datetime(2026, 9, 1, 11, 30)
CORTE = "2026-12-01"
MOTIVO = "Recorte del presupuesto estatal (oficio 123/2026)"
SECOND = "Segundo ajuste acordado en cabildo"
JUNE_CHANGES = {
    2: {"programmed": 30, "achieved": 12},
    5: {"end": date(2026, 10, 31)},
    6: {"goal": 5, "programmed": 5},  # it had achieved 5
    8: {"programmed": 5},  # its window, 05/02/2026, had ended
}
SEPTEMBER_CHANGES = {**JUNE_CHANGES, 2: {"programmed": 25, "achieved": 20}}
JUNE_REPROGRAMMINGS = [
    (2, "programmed", 50, 30), (5, "end", date(2026, 9, 30), date(2026, 10, 31)),
    (6, "goal", 10, 5), (6, "programmed", 10, 5), (8, "programmed", 10, 5),
]
JUNE_DESCRIPTIONS = [
    "Actividad 2, Apoyo a deportados: meta programada 50 → 30",
    "Actividad 5, Seguros Americanos: fin 30/09/2026 → 31/10/2026",
    "Actividad 6, COVAM y Programa 2x1: meta anual 10 → 5",
    "Actividad 6, COVAM y Programa 2x1: meta programada 10 → 5",
    "Actividad 8, Apoyo para tramitar pasaporte mexicano: meta programada 10 → 5",
]
JUNE_FINDINGS = [
    ("GOAL_LOWERED_TO_ACHIEVED", "warning", 6, "Cronograma", "E11",
     "Actividad 6, COVAM y Programa 2x1: la meta anual bajó de 10 a 5, igual a la meta "
     "alcanzada (5)."),
    ("GOAL_LOWERED_TO_ACHIEVED", "warning", 6, "Cronograma", "F11",
     "Actividad 6, COVAM y Programa 2x1: la meta programada bajó de 10 a 5, igual a la meta "
     "alcanzada (5)."),
    ("GOAL_LOWERED_AFTER_END", "warning", 8, "Cronograma", "F13",
     "Actividad 8, Apoyo para tramitar pasaporte mexicano: la meta programada bajó de 10 a 5 al "
     "15/06/2026, cuando su periodo ya había terminado el 05/02/2026."),
]


def book(changes: dict[int, dict] | None = None) -> bytes:
    """The sample POA written by `loaders.write`, with some activities' fields changed."""
    sample = build_sample.workbook()
    activities = [dataclasses.replace(a, **(changes or {}).get(a.number, {}))
                  for a in sample.activities]
    return poa_xlsx(dataclasses.replace(sample, activities=activities))


def read(data: bytes):
    return read_workbook(data, Settings(), file_name="poa.xlsx")[0]


def finding_tuples(findings) -> list[tuple]:
    return [(f.code, f.severity, f.activity, f.sheet, f.cell, f.message) for f in findings
            if f.code.startswith("GOAL_LOWERED")]


def add_version(engine, settings: Settings, data: bytes, when: datetime, justification=None):
    """A version stored as the upload stores it, at a known time."""
    upload = prepare_upload(data, settings, file_name=f"poa_{when:%m}.xlsx", as_of=when.date())
    with write_transaction(engine) as session:
        return store_upload(session, upload, uploaded_by="planeacion", now=when,
                            justification=justification)


@pytest.fixture(scope="module")
def docs():
    return read(book()), read(book(JUNE_CHANGES))


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """The app with three versions of the sample POA: March, June and September."""
    root = tmp_path_factory.mktemp("reprogramming")
    settings = Settings(data_dir=root / "data", sample_workbook=root / "no-sample.xlsx")
    app = create_app(settings)
    engine = app.server.extensions["tablero_poa"].engine
    app.stored = [
        add_version(engine, settings, book(), MARCH),
        add_version(engine, settings, book(JUNE_CHANGES), JUNE, MOTIVO),
        add_version(engine, settings, book(SEPTEMBER_CHANGES), SEPTEMBER, {2: SECOND}),
    ]
    app.engine = engine
    return app


def page(path: str):
    return next(p for p in dash.page_registry.values() if p["path"] == path)


# -- detection (pure) ---------------------------------------------------------------------------


def test_each_reprogramacion_is_found_with_its_values_and_its_sentence(docs):
    before, after = docs
    found = detect(before, after, JUNE.date())
    assert [(r.activity, r.field, r.before, r.after)
            for r in found.reprogrammings] == JUNE_REPROGRAMMINGS
    assert [r.description for r in found.reprogrammings] == JUNE_DESCRIPTIONS
    assert found.activities == [2, 5, 6, 8]
    # what the table stores: ISO text
    assert [(r.old_value, r.new_value) for r in found.reprogrammings] == [
        ("50", "30"), ("2026-09-30", "2026-10-31"), ("10", "5"), ("10", "5"), ("10", "5")]
    # a change of meta alcanzada is progress, not a reprogramación
    assert all(r.field != "achieved" for r in found.reprogrammings)


def test_a_goal_lowered_after_its_window_or_to_what_was_achieved_is_a_warning(docs):
    before, after = docs
    assert finding_tuples(detect(before, after, JUNE.date()).findings) == JUNE_FINDINGS
    # In January activity 8's window (05/02/2026) was still ahead: only the other finding.
    early = finding_tuples(detect(before, after, date(2026, 1, 20)).findings)
    assert [f[0] for f in early] == ["GOAL_LOWERED_TO_ACHIEVED", "GOAL_LOWERED_TO_ACHIEVED"]
    assert CODES["GOAL_LOWERED_AFTER_END"] == CODES["GOAL_LOWERED_TO_ACHIEVED"] == "warning"


def test_below_what_was_achieved_says_so_and_a_raised_goal_is_no_finding():
    before = read(book())
    after = read(book({1: {"programmed": 4}, 3: {"goal": 25, "programmed": 25}}))
    found = detect(before, after, date(2026, 5, 4))
    assert [r.description for r in found.reprogrammings] == [
        "Actividad 1, Corazón de Plata: meta programada 20 → 4",
        "Actividad 3, Doble nacionalidad: meta anual 20 → 25",
        "Actividad 3, Doble nacionalidad: meta programada 20 → 25",
    ]
    assert finding_tuples(found.findings) == [
        ("GOAL_LOWERED_TO_ACHIEVED", "warning", 1, "Cronograma", "F6",
         "Actividad 1, Corazón de Plata: la meta programada bajó de 20 a 4, por debajo de la "
         "meta alcanzada (6)."),
    ]


def test_a_first_version_and_an_unchanged_one_have_none(docs):
    before, _ = docs
    assert detect(None, before, JUNE.date()).reprogrammings == ()
    same = detect(before, read(book()), JUNE.date())
    assert same.reprogrammings == () and same.findings == ()


def test_a_justification_is_one_text_for_all_or_one_per_activity(docs):
    items = detect(*docs, JUNE.date()).reprogrammings
    assert unjustified(items, "  ") == list(items)
    assert unjustified(items, None) == list(items)
    assert unjustified(items, MOTIVO) == []
    per_activity = {2: "a", 5: "b", 6: "c"}
    assert [r.activity for r in unjustified(items, per_activity)] == [8]
    assert justification_for(per_activity, 8) == NO_JUSTIFICATION == "Sin justificación"
    assert justification_for(f"  {MOTIVO} ", 2) == MOTIVO


# -- stored with the version --------------------------------------------------------------------


def rows_of(engine, version_id: int) -> list[tuple]:
    with Session(engine) as session:
        rows = session.scalars(select(ReprogrammingRow).where(
            ReprogrammingRow.version_id == version_id).order_by(ReprogrammingRow.id)).all()
        return [(r.activity, r.field, r.old_value, r.new_value, r.justification, r.approved_by,
                 r.approved_at) for r in rows]


def test_the_version_stores_its_reprogramaciones_with_motivo_approver_and_time(app):
    march, june, september = app.stored
    assert rows_of(app.engine, march.version_id) == [] and march.reprogrammings == ()
    assert rows_of(app.engine, june.version_id) == [
        (2, "programmed", "50", "30", MOTIVO, "planeacion", JUNE),
        (5, "end", "2026-09-30", "2026-10-31", MOTIVO, "planeacion", JUNE),
        (6, "goal", "10", "5", MOTIVO, "planeacion", JUNE),
        (6, "programmed", "10", "5", MOTIVO, "planeacion", JUNE),
        (8, "programmed", "10", "5", MOTIVO, "planeacion", JUNE),
    ]
    assert [r.description for r in june.reprogrammings] == JUNE_DESCRIPTIONS
    assert rows_of(app.engine, september.version_id) == [
        (2, "programmed", "30", "25", SECOND, "planeacion", SEPTEMBER)]


def test_both_engines_store_the_reprogramaciones_and_keep_them_read_only(engine):
    """SQLite and PostgreSQL: the same rows, the same history, and no row can be edited."""
    settings = Settings(read_seconds=120)
    add_version(engine, settings, book(), MARCH)
    june = add_version(engine, settings, book(JUNE_CHANGES), JUNE, MOTIVO)
    assert [row[:4] for row in rows_of(engine, june.version_id)] == [
        (2, "programmed", "50", "30"), (5, "end", "2026-09-30", "2026-10-31"),
        (6, "goal", "10", "5"), (6, "programmed", "10", "5"), (8, "programmed", "10", "5")]
    with Session(engine) as session:
        assert [(h.activity, h.field, h.original, h.current)
                for h in goal_histories(session, june.plan_id)][:1] == [
            (2, "programmed", 50, 30)]
    with pytest.raises(DBAPIError), engine.begin() as connection:
        connection.execute(sql("UPDATE reprogramming SET justification = 'otra'"))
    assert {row[4] for row in rows_of(engine, june.version_id)} == {MOTIVO}


def test_the_findings_are_the_new_versions_and_come_back_on_any_fecha_de_corte(app):
    _, june, september = app.stored
    assert finding_tuples(june.findings) == JUNE_FINDINGS
    with Session(app.engine) as session:
        stored = session.scalars(select(FindingRow).where(
            FindingRow.version_id == june.version_id,
            FindingRow.code.like("GOAL_LOWERED%")).order_by(FindingRow.id)).all()
        loaded = load_version(session, june.version_id)
    assert [(f.code, f.activity, f.cell, f.message) for f in stored] == [
        (c, a, cell, m) for c, _, a, _, cell, m in JUNE_FINDINGS]
    # shown by every page: they belong to the version, whatever the fecha de corte
    view = plan_view(loaded.doc, date(2026, 12, 1), Settings())
    assert finding_tuples(view.findings) == JUNE_FINDINGS
    assert finding_tuples(september.findings) == []  # nothing lowered in September


def test_saving_audits_the_reprogramaciones_once_naming_the_activities(tmp_path):
    settings = Settings(data_dir=tmp_path)
    engine = make_engine(f"sqlite:///{tmp_path / 'poa.sqlite3'}", settings)
    create_schema(engine)
    try:
        import_workbook(engine, book(), settings, file_name="poa_marzo.xlsx",
                        uploaded_by="ana", as_of=MARCH.date())
        stored = import_workbook(engine, book(JUNE_CHANGES), settings, file_name="poa_junio.xlsx",
                                 uploaded_by="ana", as_of=JUNE.date(), justification=MOTIVO)
        with Session(engine) as session:
            entries = session.scalars(select(AuditEntry).where(
                AuditEntry.action == "reprogramming")).all()
    finally:
        engine.dispose()
    assert len(entries) == 1
    entry = entries[0]
    assert (entry.user, entry.version_id) == ("ana", stored.version_id)
    assert entry.detail == (
        "5 reprogramaciones en la versión 2 de «Migrantes y Ex braceros 2026»: "
        + "; ".join(JUNE_DESCRIPTIONS) + f". Motivo: «{MOTIVO}».")
    assert [row[4] for row in rows_of_engine(tmp_path, stored.version_id)] == [MOTIVO] * 5


def rows_of_engine(path: Path, version_id: int) -> list[tuple]:
    engine = make_engine(f"sqlite:///{path / 'poa.sqlite3'}", Settings(data_dir=path))
    try:
        return rows_of(engine, version_id)
    finally:
        engine.dispose()


def test_without_a_justification_the_api_stores_that_there_was_none(tmp_path):
    settings = Settings(data_dir=tmp_path)
    engine = make_engine(f"sqlite:///{tmp_path / 'poa.sqlite3'}", settings)
    create_schema(engine)
    try:
        add_version(engine, settings, book(), MARCH)
        june = add_version(engine, settings, book({2: {"programmed": 30}}), JUNE,
                           {5: "no es esta actividad"})
        assert rows_of(engine, june.version_id) == [
            (2, "programmed", "50", "30", NO_JUSTIFICATION, "planeacion", JUNE)]
    finally:
        engine.dispose()


def test_the_history_of_a_goal_keeps_its_original_beside_the_current_one(app):
    plan_id = app.stored[0].plan_id
    with Session(app.engine) as session:
        histories = goal_histories(session, plan_id)
        up_to_june = goal_histories(session, plan_id, up_to_number=2)
        records = recorded(session, plan_id)
    assert [(h.activity, h.field, h.original, h.current) for h in histories] == [
        (2, "programmed", 50, 25), (5, "end", date(2026, 9, 30), date(2026, 10, 31)),
        (6, "goal", 10, 5), (6, "programmed", 10, 5), (8, "programmed", 10, 5)]
    assert histories[0].sentence == (
        f"Meta programada original 50, reprogramada a 30 el 15/06/2026: «{MOTIVO}»; a 25 el "
        f"01/09/2026: «{SECOND}».")
    assert histories[1].sentence == (
        f"Fin original 30/09/2026, reprogramado al 31/10/2026 el 15/06/2026: «{MOTIVO}».")
    assert up_to_june[0].sentence == (
        f"Meta programada original 50, reprogramada a 30 el 15/06/2026: «{MOTIVO}».")
    assert [(r.version_number, r.as_of) for r in records][:1] == [(2, JUNE.date())]
    assert len(records) == 6


# -- the pages ------------------------------------------------------------------------------------


def test_metas_shows_the_original_goal_beside_the_current_one(app):
    metas = page("/metas")
    with app.server.test_request_context("/metas"):
        shown = metas["layout"](corte=CORTE)
    note = text(find(shown, "metas-reprogrammed-note"))
    assert note == ("4 actividades tienen su meta o sus fechas reprogramadas: bajo su indicador se "
                    "ve el valor original. El semáforo y el indicador siguen la meta vigente (la "
                    "reprogramada); la meta original queda a la vista.")
    card = find(shown, {"type": "metas-reprogrammed", "n": 2})
    assert text(card) == (
        "Meta programada original 50, reprogramada a 30 el 15/06/2026: «Recorte del presupuesto "
        "estatal (oficio 123/2026)»; a 25 el 01/09/2026: «Segundo ajuste acordado en cabildo».")
    assert find(shown, {"type": "metas-reprogrammed", "n": 1}) is None  # never reprogrammed


def test_metas_detail_lists_the_reprogramaciones_and_draws_the_year(app):
    import sys

    from dashboard.state import page_data

    metas = sys.modules[page("/metas")["module"]]
    with app.server.test_request_context("/metas"):
        data = page_data({"corte": CORTE})
        shown = metas.detail(data, 2)
    rows = {text(r.children[0]): text(r.children[1]) for r in walk(shown)
            if type(r).__name__ == "Tr"}
    assert rows["Meta programada"] == "25 (original 50)"
    assert rows["Meta anual"] == "50"
    listed = text(find(shown, "metas-detail-reprogrammings"))
    assert listed.startswith("ReprogramacionesMeta programada original 50, reprogramada a 30 el "
                             "15/06/2026")
    assert "Aprobó: planeacion (versión 2), planeacion (versión 3)" in listed
    chart = find(shown, "metas-year-chart").figure
    names = [t.name for t in chart.data]
    assert names == ["Esperado según su calendario", "Meta programada", "Meta alcanzada",
                     "Reprogramación"]
    assert list(chart.data[2].x) == ["2026-03-02", "2026-06-15", "2026-09-01"]
    assert list(chart.data[2].y) == [6, 12, 20]
    # activity 2's unit is written «50» (UNIT_NOT_A_UNIT): the axis names no unit
    assert chart.layout.yaxis.title.text == "Cantidad"


def test_the_year_of_an_activity_against_its_calendar(app):
    plan_id = app.stored[0].plan_id
    with Session(app.engine) as session:
        points = points_of(activity_by_version(session, plan_id, 2))
        marks = marks_of(goal_histories(session, plan_id), 2)
    assert achieved_series(points, 2026) == (
        [date(2026, 3, 2), date(2026, 6, 15), date(2026, 9, 1)], [6, 12, 20])
    # Activity 2 runs 01/01–30/09/2026 (273 days); each version's goal holds from its corte.
    xs, ys = expected_series(points, 2026)
    assert xs == [date(2026, 1, 1), date(2026, 6, 14), None, date(2026, 6, 15),
                  date(2026, 8, 31), None, date(2026, 9, 1), date(2026, 9, 30),
                  date(2026, 12, 31)]
    expected = [50 * 1 / 273, 50 * 165 / 273, None, 30 * 166 / 273, 30 * 243 / 273, None,
                25 * 244 / 273, 25.0, 25.0]
    assert ys == [pytest.approx(v) if v is not None else None for v in expected]
    assert programmed_series(points, 2026) == (
        [date(2026, 1, 1), date(2026, 6, 15), date(2026, 9, 1), date(2026, 12, 31)],
        [50, 30, 25, 25])
    assert [(m.number, m.as_of, m.label) for m in marks] == [
        (2, date(2026, 6, 15), "30"), (3, date(2026, 9, 1), "25")]
    assert marks[0].changes == (f"meta programada 50 → 30: «{MOTIVO}»",)
    fig = activity_year(points, marks, year=2026, unit="apoyos")
    expected_trace, programmed, achieved, reprogrammed = fig.data
    assert list(expected_trace.x)[:2] == ["2026-01-01", "2026-06-14"]
    assert list(programmed.y) == [50, 30, 25, 25] and programmed.line.shape == "hv"
    assert list(achieved.x) == ["2026-03-02", "2026-06-15", "2026-09-01"]
    assert list(reprogrammed.x) == ["2026-06-15", "2026-09-01"]
    assert list(reprogrammed.y) == [30, 25]  # on the goal the version set
    assert list(reprogrammed.text) == ["30", "25"]
    assert "Recorte del presupuesto estatal" in reprogrammed.customdata[0]
    assert {t.type for t in fig.data} == {"scatter"}
    assert fig.layout.yaxis.title.text == "Cantidad (apoyos)"
    assert fig.layout.xaxis.title.text == "Fecha de corte, 2026"
    assert list(fig.layout.xaxis.range) == ["2026-01-01", "2026-12-31"]
    assert list(fig.layout.xaxis.ticktext) == ["Ene", "Mar", "May", "Jul", "Sep", "Nov"]


def test_a_date_reprogramming_is_marked_with_its_new_date(app):
    plan_id = app.stored[0].plan_id
    with Session(app.engine) as session:
        marks = marks_of(goal_histories(session, plan_id), 5)
    assert [(m.number, m.label) for m in marks] == [(2, "fin 31/10")]


def test_resumen_lists_the_reprogramaciones_and_nothing_when_there_are_none(app):
    resumen = page("/")
    with app.server.test_request_context("/"):
        shown = resumen["layout"](corte=CORTE)
        first = resumen["layout"](corte=CORTE, version=str(app.stored[0].version_id))
    block = find(shown, "resumen-reprogrammings")
    assert text(block.children[0]) == "Reprogramaciones (5)"
    items = [text(li) for li in find(shown, "resumen-reprogrammings-list").children]
    assert items[0] == (
        "Actividad 2, Apoyo a deportados: Meta programada original 50, reprogramada a 30 el "
        f"15/06/2026: «{MOTIVO}»; a 25 el 01/09/2026: «{SECOND}».")
    assert items[3] == (f"Actividad 6, COVAM y Programa 2x1: Meta programada original 10, "
                        f"reprogramada a 5 el 15/06/2026: «{MOTIVO}».")
    assert len(items) == 5
    assert find(first, "resumen-reprogrammings") is None  # version 1 had none yet


def test_historial_lists_every_reprogramacion_of_the_year(app):
    historial = page("/historial")
    with app.server.test_request_context("/historial"):
        shown = historial["layout"](corte=CORTE)
    table = find(shown, "historial-reprogrammings-table")
    body = next(c for c in table.children if type(c).__name__ == "Tbody")
    rows = [[text(td) for td in tr.children] for tr in body.children]
    assert rows == [
        ["v2", "15/06/2026", "Actividad 2, Apoyo a deportados", "meta programada 50 → 30",
         MOTIVO, "planeacion"],
        ["v2", "15/06/2026", "Actividad 5, Seguros Americanos", "fin 30/09/2026 → 31/10/2026",
         MOTIVO, "planeacion"],
        ["v2", "15/06/2026", "Actividad 6, COVAM y Programa 2x1", "meta anual 10 → 5", MOTIVO,
         "planeacion"],
        ["v2", "15/06/2026", "Actividad 6, COVAM y Programa 2x1", "meta programada 10 → 5",
         MOTIVO, "planeacion"],
        ["v2", "15/06/2026", "Actividad 8, Apoyo para tramitar pasaporte mexicano",
         "meta programada 10 → 5", MOTIVO, "planeacion"],
        ["v3", "01/09/2026", "Actividad 2, Apoyo a deportados", "meta programada 30 → 25",
         SECOND, "planeacion"],
    ]
    assert text(find(shown, "historial-reprogrammings")).startswith(
        "6 reprogramaciones en el año.")


def test_the_cabildo_pdf_shows_the_original_goal_beside_the_current_one(app, tmp_path):
    plan_id = app.stored[0].plan_id
    answer = app.server.test_client().get(f"/descargas/informe/{plan_id}.pdf?corte={CORTE}")
    assert answer.status_code == 200
    path = tmp_path / "informe.pdf"
    path.write_bytes(answer.data)
    words = pdf_text(path)
    assert "Metas reprogramadas (5)" in words
    assert ("Original: el valor de la primera versión del POA. El semáforo sigue la meta vigente "
            "(la reprogramada).") in words
    # each row: the activity, what, the original beside the current value, and each
    # reprogramación with its date, version, approver and motivo
    for step in ("A 30 el 15/06/2026 (versión 2, aprobó planeacion): «Recorte del presupuesto "
                 "estatal (oficio 123/2026)»", "A 25 el 01/09/2026 (versión 3, aprobó planeacion): "
                 "«Segundo ajuste acordado en cabildo»", "Al 31/10/2026 el 15/06/2026"):
        assert step in words, step
    page = next(p for p in range(2, 9) if "Metas reprogramadas" in pdf_text(path, p))
    layout = subprocess.run(["pdftotext", "-layout", "-f", str(page), "-l", str(page), str(path),
                             "-"], capture_output=True, text=True, check=True).stdout
    for row in (r"Actividad 2, Apoyo a deportados\s+50\s+25\n",
                r"Actividad 5, Seguros Americanos\s+Fin\s+30/09/2026\s+31/10/2026\s",
                r"Actividad 6, COVAM y Programa 2x1\s+Meta anual\s+10\s+5\n",
                r"Actividad 6, COVAM y Programa 2x1\s+10\s+5\n"):
        assert re.search(row, layout), row


def test_the_cabildo_excel_has_a_sheet_of_reprogramaciones(app):
    import io

    import openpyxl

    plan_id = app.stored[0].plan_id
    answer = app.server.test_client().get(f"/descargas/informe/{plan_id}.xlsx?corte={CORTE}")
    assert answer.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(answer.data))
    assert wb.sheetnames.index("Reprogramaciones") == wb.sheetnames.index("Presupuesto") + 1
    rows = list(wb["Reprogramaciones"].iter_rows(values_only=True))
    assert rows[0] == ("Actividad", "Campo", "Original", "Vigente", "Reprogramaciones", "Aprobó")
    assert [r[:4] for r in rows[1:]] == [
        ("Actividad 2, Apoyo a deportados", "Meta programada", "50", "25"),
        ("Actividad 5, Seguros Americanos", "Fin", "30/09/2026", "31/10/2026"),
        ("Actividad 6, COVAM y Programa 2x1", "Meta anual", "10", "5"),
        ("Actividad 6, COVAM y Programa 2x1", "Meta programada", "10", "5"),
        ("Actividad 8, Apoyo para tramitar pasaporte mexicano", "Meta programada", "10", "5")]
    assert rows[1][4].split("\n") == [
        f"A 30 el 15/06/2026 (versión 2, aprobó planeacion): «{MOTIVO}»",
        f"A 25 el 01/09/2026 (versión 3, aprobó planeacion): «{SECOND}»"]
    # the first version alone has none: no such sheet
    first = app.stored[0].version_id
    alone = app.server.test_client().get(
        f"/descargas/informe/{plan_id}.xlsx?corte=2026-03-31&version={first}")
    assert "Reprogramaciones" not in openpyxl.load_workbook(io.BytesIO(alone.data)).sheetnames


# -- the command line ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory) -> tuple[Path, Path, Path]:
    folder = tmp_path_factory.mktemp("cli-books")
    paths = folder / "poa_marzo.xlsx", folder / "poa_junio.xlsx", folder / "poa_sept.xlsx"
    for path, changes in zip(paths, ({}, JUNE_CHANGES, SEPTEMBER_CHANGES), strict=True):
        path.write_bytes(book(changes))
    return paths


def stored_rows(data_dir: Path) -> list[tuple]:
    engine = make_engine(settings=Settings(data_dir=data_dir))
    try:
        with Session(engine) as session:
            versions = {v.id: v.number for v in list_versions(session)}
            rows = session.scalars(select(ReprogrammingRow).order_by(ReprogrammingRow.id)).all()
            return [(versions[r.version_id], r.activity, r.field, r.justification,
                     r.approved_by) for r in rows]
    finally:
        engine.dispose()


def test_cli_import_without_justificacion_saves_and_warns_once_per_reprogramacion(workbooks,
                                                                                   tmp_path):
    march, june, _ = workbooks
    first = run_loaders("import", str(march), "--as-of", "2026-03-02", data_dir=tmp_path)
    assert first.returncode == 0 and first.stderr == ""
    second = run_loaders("import", str(june), "--as-of", "2026-06-15", "--user", "ana",
                         data_dir=tmp_path)
    assert second.returncode == 0, second.stderr
    assert "Guardada la versión 2" in second.stdout
    assert second.stderr.splitlines() == [
        f"Aviso: reprogramación sin justificación: {d} (indíquela con --justificacion)."
        for d in JUNE_DESCRIPTIONS]
    assert stored_rows(tmp_path) == [
        (2, n, f, CLI_NO_JUSTIFICATION, "ana") for n, f, _, _ in JUNE_REPROGRAMMINGS]
    assert CLI_NO_JUSTIFICATION == "Sin justificación (importado por línea de comandos)"


def test_cli_import_with_justificacion_stores_it_for_all(workbooks, tmp_path):
    march, _, september = workbooks
    run_loaders("import", str(march), "--as-of", "2026-03-02", data_dir=tmp_path)
    result = run_loaders("import", str(september), "--as-of", "2026-09-01",
                         "--justificacion", f"  {MOTIVO}  ", data_dir=tmp_path)
    assert result.returncode == 0 and result.stderr == ""
    assert stored_rows(tmp_path) == [
        (2, 2, "programmed", MOTIVO, "cli"), (2, 5, "end", MOTIVO, "cli"),
        (2, 6, "goal", MOTIVO, "cli"), (2, 6, "programmed", MOTIVO, "cli"),
        (2, 8, "programmed", MOTIVO, "cli")]
    helped = run_loaders("import", "--help")
    assert "--justificacion TEXTO" in helped.stdout


# -- the codes are registered everywhere --------------------------------------------------------


def test_the_two_codes_are_registered_titled_and_documented():
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    for code in ("GOAL_LOWERED_AFTER_END", "GOAL_LOWERED_TO_ACHIEVED"):
        assert CODES[code] == "warning"
        assert CODE_TITLES[code]
        assert f"| `{code}` | advertencia |" in readme
    assert "--justificacion TEXTO" in readme


def test_the_api_detail_carries_the_reprogramaciones_and_the_findings_follow_up(app):
    from loaders.check.followup import follow_up
    from loaders.store.notes import findings_history

    plan_id = app.stored[0].plan_id
    client = app.server.test_client()
    detail = client.get(f"/api/v1/poa/{plan_id}?corte={CORTE}").get_json()
    assert detail["version"]["numero"] == 3
    reprogrammed = detail["reprogramaciones"]
    assert [(r["actividad"], r["campo"], r["original"], r["vigente"]) for r in reprogrammed] == [
        (2, "programmed", 50, 25), (5, "end", "2026-09-30", "2026-10-31"),
        (6, "goal", 10, 5), (6, "programmed", 10, 5), (8, "programmed", 10, 5)]
    second = reprogrammed[0]
    assert second["texto"] == (
        f"Meta programada original 50, reprogramada a 30 el 15/06/2026: «{MOTIVO}»; a 25 el "
        f"01/09/2026: «{SECOND}».")
    assert [(s["version"], s["antes"], s["despues"], s["motivo"], s["aprobo"],
             s["fecha_aprobacion"]) for s in second["reprogramaciones"]] == [
        (2, 50, 30, MOTIVO, "planeacion", "2026-06-15"),
        (3, 30, 25, SECOND, "planeacion", "2026-09-01")]
    # the follow-up is Calidad's: version 3 against version 2, from the stored findings
    with Session(app.engine) as session:
        expected = follow_up(findings_history(session, plan_id), app.stored[2].version_id)
    followed = detail["seguimiento_hallazgos"]
    assert followed["version_anterior"] == 2
    assert (followed["nuevos"], followed["persisten"], followed["corregidos"]) == (
        len(expected.new), len(expected.persisting), len(expected.corrected))
    assert [(f["codigo"], f["actividad"], f["estado"], f["desde_version"])
            for f in followed["abiertos"]] == [
        (f.finding.code, f.finding.activity, f.status, f.since_number) for f in expected.open]
    # the June reprogramación's findings belong to version 2: not «corregidos» in version 3
    assert not [f for f in followed["corregidos_en_esta_version"]
                if f["codigo"].startswith("GOAL_LOWERED")]
    june = client.get(f"/api/v1/poa/{plan_id}?corte=2026-06-30").get_json()
    assert june["version"]["numero"] == 2
    assert {f["codigo"] for f in june["seguimiento_hallazgos"]["abiertos"]
            if f["estado"] == "nuevo"} >= {"GOAL_LOWERED_TO_ACHIEVED", "GOAL_LOWERED_AFTER_END"}
    assert [r["vigente"] for r in june["reprogramaciones"]][:1] == [30]

"""Findings followed up across versions (issue 18, part 2): nuevo, persiste (since version K, for
D days) and corregido; aclaraciones carried while a finding persists; who may write one, checked
on the server; Resumen's sentence and the Informe para cabildo.

Three versions of the sample POA, written as real .xlsx files by the project's workbook writer
(`loaders.write`, from `sample_data.build_sample.workbook()`), with known changes:

- version 1 (fecha de revisión 06/02/2026): the sample as it is, 36 findings;
- version 2 (13/02/2026): activity 2's % fixed (PCT_MISMATCH 2 corrected), activity 4's name in
  the cronograma fixed (NAME_MISMATCH 4 corrected), activity 1's unit «asesorías»
  (UNIT_NOT_A_UNIT 1 corrected); activity 3 at 25 of 20 (ACHIEVED_OVER_GOAL 3 new) and activity
  10 declaring 40 % of 0 of 1 (PCT_MISMATCH 10 new);
- version 3 (10/03/2026): activity 3 back to 20 of 20 (ACHIEVED_OVER_GOAL 3 corrected), activity
  1's unit back to «20» (UNIT_NOT_A_UNIT 1 new again: its run was broken), activity 13 declaring
  50 % of 0 of 3 (PCT_MISMATCH 13 new); PCT_MISMATCH 10 persists since version 2.

The dates are chosen so that no activity's semáforo or window changes between them: the only
differences between the versions' findings are the edits above.
"""

from __future__ import annotations

import dataclasses
import io
import json
import re
import subprocess
import sys
from collections import Counter
from datetime import date, datetime
from pathlib import Path

import dash
import openpyxl
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from dashboard import auth
from dashboard.app import create_app
from dashboard.report.data import build_report, report_followup
from dashboard.report.pdf import report_pdf
from dashboard.summary import first_version_findings, followup_sentence
from loaders.check.alignment import alignment_sheet_of, coverage, gap_sentences, report_note
from loaders.check.followup import (
    CORRECTED,
    NEW,
    PERSISTS,
    VersionFindings,
    applies,
    applying_notes,
    days_text,
    follow_up,
)
from loaders.imports import prepare_upload
from loaders.model import Finding
from loaders.settings import Settings
from loaders.store.accounts import add_user, find_user
from loaders.store.budget import movements_of
from loaders.store.errors import write_transaction
from loaders.store.notes import (
    NoteRefused,
    findings_history,
    may_answer,
    notes_for_version,
    save_note,
    version_followup,
)
from loaders.store.queries import load_version
from loaders.store.schema import AuditEntry, FindingNote, FindingRow, Plan
from loaders.store.versions import store_upload
from loaders.write.layouts import poa_xlsx
from sample_data import build_sample

PASSWORD = "clave-de-prueba-123"
AREA = "Migrantes y Ex braceros"
DAYS = (date(2026, 2, 6), date(2026, 2, 13), date(2026, 3, 10))
CORTES = tuple(d.isoformat() for d in DAYS)
V2 = {1: {"unit": "asesorías"}, 2: {"declared_pct": 12.0}, 3: {"achieved": 25, "declared_pct": 125.0},
      4: {"name_cronograma": "Apostillado"}, 10: {"declared_pct": 40.0}}
V3 = {2: {"declared_pct": 12.0}, 3: {"achieved": 20, "declared_pct": 100.0},
      4: {"name_cronograma": "Apostillado"}, 10: {"declared_pct": 40.0}, 13: {"declared_pct": 50.0}}
# The sample's 36 findings on 06/02/2026, by (code, activity): what version 1 holds.
SAMPLE = Counter({
    ("PCT_MISMATCH", 2): 1, ("PCT_MISMATCH", 5): 1, ("PCT_MISMATCH", 7): 1, ("PCT_MISMATCH", 12): 1,
    ("END_BEFORE_START", 7): 1, ("MISSING_FIELD", 6): 2, ("OUTSIDE_FISCAL_YEAR", 7): 1,
    ("OUTSIDE_FISCAL_YEAR", 14): 1, ("OVERDUE", 7): 1, ("OVERDUE", 8): 1, ("OVERDUE", 9): 1,
    ("BEHIND_SCHEDULE", 14): 1,
    **{("UNIT_NOT_A_UNIT", n): 1 for n in range(1, 17)},
    **{("NAME_MISMATCH", n): 1 for n in (4, 7, 8, 10, 12, 15, 16)},
})


# ---- the three versions -------------------------------------------------------------------------


def variant(changes: dict[int, dict]) -> bytes:
    """The sample workbook with some activities' values changed, written by `loaders.write`."""
    book = build_sample.workbook()
    activities = [dataclasses.replace(a, **changes.get(a.number, {})) for a in book.activities]
    return poa_xlsx(dataclasses.replace(book, activities=activities))


def read_versions() -> list:
    """The three versions read and checked (each on its fecha de revisión), ready to store; a
    busy machine must not time the reading out."""
    settings = Settings(read_seconds=120)
    return [prepare_upload(variant(changes), settings, file_name=f"poa_v{n}.xlsx", as_of=day)
            for n, (changes, day) in enumerate(zip(({}, V2, V3), DAYS, strict=True), 1)]


@pytest.fixture(scope="session")
def uploads():
    return read_versions()


def store_versions(engine, uploads) -> list[int]:
    """The three versions stored as versions 1, 2 and 3 of one POA, each uploaded at 10:00 of its
    day; their ids."""
    ids = []
    for upload, day in zip(uploads, DAYS, strict=False):
        with write_transaction(engine) as session:
            stored = store_upload(session, upload, uploaded_by="planeacion",
                                  now=datetime(day.year, day.month, day.day, 10))
        ids.append(stored.version_id)
    return ids


def keys(group) -> Counter:
    return Counter((f.finding.code, f.finding.activity) for f in group)


# ---- pure matching ------------------------------------------------------------------------------


def _f(code: str, activity: int | None = None, partida: str | None = None, *,
       message: str = "m", cell: str | None = None) -> Finding:
    return Finding(code=code, severity="warning", message=message, activity=activity,
                   partida=partida, sheet="Cronograma" if cell else None, cell=cell)


def _v(vid: int, day: date, *findings: Finding) -> VersionFindings:
    return VersionFindings(vid, vid, day, findings)


def test_same_code_and_activity_is_the_same_finding_whatever_the_message_and_cell():
    history = [
        _v(1, date(2026, 1, 1), _f("PCT_MISMATCH", 5, message="4 de 15", cell="I10"),
           _f("BUDGET_OVERSPENT", partida="3761"), _f("OVERDUE", 8)),
        _v(2, date(2026, 2, 15), _f("PCT_MISMATCH", 5, message="6 de 15", cell="I11"),
           _f("BUDGET_OVERSPENT", partida="3761"), _f("OVERDUE", 9)),
    ]
    follow = follow_up(history, 2)
    assert not follow.first and follow.previous.number == 1
    assert [(f.finding.code, f.finding.activity, f.finding.partida, f.status, f.age)
            for f in follow.open] == [
        ("PCT_MISMATCH", 5, None, PERSISTS, "desde la versión 1, 45 días"),
        ("BUDGET_OVERSPENT", None, "3761", PERSISTS, "desde la versión 1, 45 días"),
        ("OVERDUE", 9, None, NEW, "nuevo en esta versión"),
    ]
    assert follow.open[0].finding.message == "6 de 15"  # the finding as this version has it
    assert [(f.finding.code, f.finding.activity, f.status) for f in follow.corrected] == [
        ("OVERDUE", 8, CORRECTED)]


def test_two_findings_with_the_same_key_count_as_two():
    six = _f("MISSING_FIELD", 6)
    history = [_v(1, date(2026, 1, 1), six, six, six), _v(2, date(2026, 1, 11), six, six),
               _v(3, date(2026, 1, 31), six, six, six)]
    second = follow_up(history, 2)
    assert (len(second.new), len(second.persisting), len(second.corrected)) == (0, 2, 1)
    third = follow_up(history, 3)
    assert [(f.status, f.since_number, f.days) for f in third.open] == [
        (PERSISTS, 1, 30), (PERSISTS, 1, 30), (NEW, 3, 0)]
    assert third.corrected == ()


def test_a_finding_that_comes_back_starts_again_and_the_first_version_is_all_new():
    history = [_v(1, date(2026, 1, 1), _f("OVERDUE", 8)), _v(2, date(2026, 1, 2)),
               _v(3, date(2026, 1, 3), _f("OVERDUE", 8)), _v(4, date(2026, 1, 3), _f("OVERDUE", 8))]
    first = follow_up(reversed(history), 1)  # any order: by version number
    assert first.first and [f.status for f in first.open] == [NEW] and first.corrected == ()
    assert [f.status for f in follow_up(history, 2).corrected] == [CORRECTED]
    assert [(f.status, f.since_number) for f in follow_up(history, 3).open] == [(NEW, 3)]
    assert [f.age for f in follow_up(history, 4).open] == ["desde la versión 3, el mismo día"]
    assert (days_text(0), days_text(1), days_text(45), days_text(1200)) == (
        "el mismo día", "1 día", "45 días", "1,200 días")


def test_a_reprogramacion_finding_is_new_in_its_version_and_never_corrected_later():
    lowered = _f("GOAL_LOWERED_TO_ACHIEVED", 2)
    history = [_v(1, date(2026, 1, 1), _f("OVERDUE", 8)),
               _v(2, date(2026, 6, 15), _f("OVERDUE", 8), lowered),
               _v(3, date(2026, 7, 15), _f("OVERDUE", 8))]
    second = follow_up(history, 2)
    assert [(f.finding.code, f.status) for f in second.new] == [
        ("GOAL_LOWERED_TO_ACHIEVED", NEW)]
    third = follow_up(history, 3)
    assert third.corrected == ()  # version 3 changed no goal: nothing of that kind was corrected
    assert [(f.finding.code, f.status, f.since_number) for f in third.open] == [
        ("OVERDUE", PERSISTS, 1)]


@dataclasses.dataclass(frozen=True)
class _Note:
    version_id: int
    key: tuple
    text: str


def test_an_aclaracion_applies_while_its_finding_persists_without_a_break():
    overdue, pct = ("OVERDUE", 8, None), ("PCT_MISMATCH", 5, None)
    history = [_v(1, date(2026, 1, 1), _f("OVERDUE", 8), _f("PCT_MISMATCH", 5)),
               _v(2, date(2026, 1, 2), _f("PCT_MISMATCH", 5)),
               _v(3, date(2026, 1, 3), _f("OVERDUE", 8), _f("PCT_MISMATCH", 5))]
    assert applies(history, 1, pct, 3) and applies(history, 1, pct, 1)
    assert applies(history, 1, overdue, 1) and not applies(history, 1, overdue, 2)
    assert not applies(history, 1, overdue, 3)  # corrected in version 2: the run broke
    assert not applies(history, 3, overdue, 1)  # never backwards
    assert not applies(history, 9, overdue, 3)  # a version not in the history
    notes = [_Note(1, pct, "a"), _Note(1, overdue, "b"), _Note(2, pct, "c"), _Note(3, overdue, "d")]
    assert {k: [n.text for n in v] for k, v in applying_notes(history, notes, 3).items()} == {
        pct: ["a", "c"], overdue: ["d"]}


def test_the_resumen_sentence_in_singular_and_plural():
    assert followup_sentence(3, 2).replace("\xa0", " ") == (
        "3 hallazgos corregidos, 2 nuevos desde la versión anterior")
    assert followup_sentence(1, 1).replace("\xa0", " ") == (
        "1 hallazgo corregido, 1 nuevo desde la versión anterior")
    assert followup_sentence(0, 2).replace("\xa0", " ") == (
        "Ningún hallazgo corregido, 2 nuevos desde la versión anterior")
    assert followup_sentence(4, 0).replace("\xa0", " ") == (
        "4 hallazgos corregidos, ninguno nuevo desde la versión anterior")
    assert followup_sentence(0, 0) == "Ningún hallazgo corregido ni nuevo desde la versión anterior"
    assert [first_version_findings(n) for n in (0, 1, 36)] == [
        "no tiene hallazgos", "su único hallazgo es nuevo", "sus 36 hallazgos son nuevos"]


# ---- three real versions ------------------------------------------------------------------------


def test_three_versions_give_the_expected_groups_counts_and_ages(engine, uploads):
    ids = store_versions(engine, uploads)
    with Session(engine) as session:
        plan_id = session.scalar(select(Plan.id))
        history = findings_history(session, plan_id)
    assert [(v.number, v.as_of, len(v.findings)) for v in history] == [
        (1, DAYS[0], 36), (2, DAYS[1], 35), (3, DAYS[2], 36)]
    first = follow_up(history, ids[0])
    assert first.first and keys(first.new) == SAMPLE and not first.persisting
    second = follow_up(history, ids[1])
    assert keys(second.new) == Counter({("ACHIEVED_OVER_GOAL", 3): 1, ("PCT_MISMATCH", 10): 1})
    assert keys(second.corrected) == Counter({("PCT_MISMATCH", 2): 1, ("UNIT_NOT_A_UNIT", 1): 1,
                                              ("NAME_MISMATCH", 4): 1})
    assert keys(second.persisting) == SAMPLE - keys(second.corrected)
    assert {f.age for f in second.persisting} == {"desde la versión 1, 7 días"}
    third = follow_up(history, ids[2])
    assert keys(third.new) == Counter({("PCT_MISMATCH", 13): 1, ("UNIT_NOT_A_UNIT", 1): 1})
    assert keys(third.corrected) == Counter({("ACHIEVED_OVER_GOAL", 3): 1})
    assert (len(third.new), len(third.persisting), len(third.corrected)) == (2, 34, 1)
    ages = Counter(f.age for f in third.persisting)
    assert ages == Counter({"desde la versión 1, 32 días": 33, "desde la versión 2, 25 días": 1})
    (since_two,) = [f for f in third.persisting if f.since_number == 2]
    assert (since_two.finding.code, since_two.finding.activity, since_two.days) == (
        "PCT_MISMATCH", 10, 25)
    assert since_two.finding.message == (
        "Actividad 10: la meta alcanzada 0 de 1 es 0.0 %, pero se declaró 40.0 %.")


def test_aclaraciones_are_stored_carried_while_the_finding_persists_and_audited(engine, uploads):
    """On SQLite and on PostgreSQL (the `engine` fixture runs on both)."""
    v1, v2, v3 = store_versions(engine, uploads)
    with Session(engine) as session:
        plan_id = session.scalar(select(Plan.id))
        findings_before = session.execute(
            select(FindingRow.version_id, FindingRow.code, FindingRow.activity,
                   FindingRow.message).order_by(FindingRow.id)).all()
    persists, corrected = ("PCT_MISMATCH", 5, None), ("ACHIEVED_OVER_GOAL", 3, None)
    came_back = ("UNIT_NOT_A_UNIT", 1, None)
    note = save_note(engine, plan_id=plan_id, version_id=v2, key=persists,
                     text="  Se pidió al área corregir el % en el libro de marzo.  ",
                     author="directora", remote_addr="10.0.0.7",
                     now=datetime(2026, 2, 14, 9, 30))
    assert (note.version_number, note.text) == (2, "Se pidió al área corregir el % en el libro "
                                                   "de marzo.")
    save_note(engine, plan_id=plan_id, version_id=v2, key=corrected,
              text="Se revisará el conteo.", author="planea", now=datetime(2026, 2, 15, 8, 0))
    save_note(engine, plan_id=plan_id, version_id=v1, key=came_back,
              text="La unidad es «asesorías».", author="directora",
              now=datetime(2026, 2, 7, 8, 0))
    with Session(engine) as session:
        def texts(version_id):
            return {k: [n.text for n in v]
                    for k, v in notes_for_version(session, plan_id, version_id).items()}
        assert texts(v1) == {came_back: ["La unidad es «asesorías»."]}
        assert texts(v2) == {persists: [note.text], corrected: ["Se revisará el conteo."]}
        # version 3: still open, still answered; corrected or back after a break: not shown
        assert texts(v3) == {persists: [note.text]}
        audit = session.execute(select(AuditEntry).where(AuditEntry.action == "finding_note")
                                .order_by(AuditEntry.id)).scalars().all()
        assert [(a.user, a.version_id, a.remote_addr) for a in audit] == [
            ("directora", v2, "10.0.0.7"), ("planea", v2, ""), ("directora", v1, "")]
        assert audit[0].detail == (
            f"aclaración {note.id} a PCT_MISMATCH (Porcentaje que no cuadra con los números) de "
            f"la actividad 5, versión 2 del POA {plan_id}: «Se pidió al área corregir el % en el "
            "libro de marzo.»")
        # the aclaración never changes the finding
        assert session.execute(
            select(FindingRow.version_id, FindingRow.code, FindingRow.activity,
                   FindingRow.message).order_by(FindingRow.id)).all() == findings_before
    # refused, storing nothing
    refusals = [
        (dict(version_id=v3, key=persists, text="   "), "Escriba la aclaración"),
        (dict(version_id=v3, key=persists, text="x" * 2001), "el máximo es 2,000"),
        (dict(version_id=v3, key=corrected, text="Ya está."),
         "Ese hallazgo no está abierto en la versión 3"),
        (dict(version_id=v3, key=("PCT_MISMATCH", 99, None), text="?"), "no está abierto"),
    ]
    for kwargs, sentence in refusals:
        with pytest.raises(NoteRefused, match=sentence):
            save_note(engine, plan_id=plan_id, author="directora", **kwargs)
    with pytest.raises(NoteRefused, match="Esa versión no es de este POA"):
        save_note(engine, plan_id=plan_id + 1, version_id=v3, key=persists, text="x",
                  author="directora")
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(FindingNote)) == 3
        assert session.scalar(select(func.count()).select_from(AuditEntry)
                              .where(AuditEntry.action == "finding_note")) == 3
    # written once, never edited (the table refuses it)
    with pytest.raises(DBAPIError), engine.begin() as conn:
        conn.execute(text("UPDATE finding_note SET text = 'otra cosa'"))


def test_who_may_answer(engine, uploads):
    store_versions(engine, uploads[:1])
    for name, role, areas in (
            ("directora", "direccion", [{"municipio": "", "area": AREA.upper()}]),
            ("otra", "direccion", [{"municipio": "", "area": "Obras Públicas"}]),
            ("consulta1", "consulta", None), ("planea", "planeacion", None),
            ("admin2", "admin", None)):
        add_user(engine, name, PASSWORD, role, areas=areas, by="prueba")
    with Session(engine) as session:
        plan = session.scalars(select(Plan)).one()
        users = {n: find_user(session, n) for n in
                 ("directora", "otra", "consulta1", "planea", "admin2")}
    assert {n: may_answer(u, plan) for n, u in users.items()} == {
        "directora": True, "otra": False, "consulta1": False, "planea": True, "admin2": True}
    assert not may_answer(None, plan) and not may_answer(users["planea"], None)


# ---- the app: Calidad, its callback, Resumen and the report ---------------------------------------


@pytest.fixture(scope="module")
def app(tmp_path_factory, uploads):
    """The app on an empty database (no sample) with the three versions and five accounts."""
    root = tmp_path_factory.mktemp("followup-app")
    app = create_app(Settings(data_dir=root / "data", sample_workbook=root / "no-sample.xlsx"))
    engine = app.server.extensions["tablero_poa"].engine
    app.versions = store_versions(engine, uploads)
    for name, role, areas in (("directora", "direccion", [{"municipio": "", "area": AREA}]),
                              ("otra", "direccion", [{"municipio": "", "area": "Obras"}]),
                              ("consulta1", "consulta", None), ("planea", "planeacion", None)):
        add_user(engine, name, PASSWORD, role, areas=areas, by="prueba")
    with Session(engine) as session:
        app.plan_id = session.scalar(select(Plan.id))
    app.server.test_client().get("/")  # Dash registers the Pages router at the first request
    yield app
    engine.dispose()


def signed_in(app, username: str):
    client = app.server.test_client()
    page = client.get("/ingresar").get_data(as_text=True)
    token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    response = client.post("/ingresar", data={"usuario": username, "contrasena": PASSWORD,
                                              "csrf": token, "siguiente": "/"})
    assert response.status_code == 302
    return client


def page(client, path: str, search: str) -> str:
    """The page's component tree as the router answers it, as JSON text."""
    body = {"output": auth.PAGES_ROUTER,
            "outputs": [{"id": "_pages_content", "property": "children"},
                        {"id": "_pages_store", "property": "data"}],
            "inputs": [{"id": "_pages_location", "property": "pathname", "value": path},
                       {"id": "_pages_location", "property": "search", "value": search}],
            "changedPropIds": ["_pages_location.pathname"], "state": []}
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200
    return json.dumps(response.get_json(), ensure_ascii=False).replace("\xa0", " ")


def calidad_page():
    """The Calidad page's module as Dash Pages loaded it (importing it again would register it
    twice)."""
    return sys.modules[next(p["module"] for p in dash.page_registry.values()
                            if p["path"] == "/calidad")]


def answer_body(app, key: tuple, n: int, text_: str, search: str) -> dict:
    """What the browser posts when «Guardar aclaración» is pressed (any of it may be forged)."""
    calidad = calidad_page()
    output = next(k for k in app.callback_map if calidad.NOTE_MESSAGE in k)
    ident = {"key": calidad.key_id(key), "n": n}
    save = {"type": calidad.NOTE_SAVE, **ident}
    return {
        "output": output,
        "outputs": [{"id": {"type": t, **ident}, "property": p} for t, p in (
            (calidad.NOTE_MESSAGE, "children"), (calidad.NOTE_LIST, "children"),
            (calidad.NOTE_TEXT, "value"))],
        "inputs": [{"id": save, "property": "n_clicks", "value": 1}],
        "state": [{"id": {"type": calidad.NOTE_TEXT, **ident}, "property": "value",
                   "value": text_},
                  {"id": "_pages_location", "property": "search", "value": search}],
        "changedPropIds": [json.dumps(save, sort_keys=True, separators=(",", ":"))
                           + ".n_clicks"],
    }


def note_count(app) -> int:
    with Session(app.server.extensions["tablero_poa"].engine) as session:
        return session.scalar(select(func.count()).select_from(FindingNote))


def test_calidad_shows_the_three_groups_with_counts_and_ages(app):
    anonymous = app.server.test_client()
    search = f"?poa={app.plan_id}&corte={CORTES[2]}"
    shown = page(anonymous, "/calidad", search)
    for expected in ("Seguimiento de hallazgos", "Nuevos (2)", "Persisten (34)",
                     "Corregidos en esta versión (1)", "desde la versión 1, 32 días",
                     "desde la versión 2, 25 días",
                     "La versión 3 comparada con la versión 2, con los hallazgos registrados",
                     "(versión 2: 13/02/2026; versión 3: 10/03/2026)"):
        assert expected in shown, expected
    assert "Responder con una aclaración" not in shown  # nobody signed in: no form
    assert "Primera versión del POA" not in shown
    first = page(anonymous, "/calidad", f"?poa={app.plan_id}&corte={CORTES[0]}")
    assert "Primera versión del POA: " in first and "sus 36 hallazgos son nuevos." in first
    assert "Nuevos (36)" in first and "Persisten (" not in first and "Corregidos" not in first


def test_resumen_says_how_many_were_corrected_and_how_many_are_new(app):
    anonymous = app.server.test_client()
    third = page(anonymous, "/", f"?poa={app.plan_id}&corte={CORTES[2]}")
    assert "1 hallazgo corregido, 2 nuevos desde la versión anterior." in third
    assert (f"/calidad?poa={app.plan_id}&version={app.versions[2]}&corte={CORTES[2]}"
            in third)
    second = page(anonymous, "/", f"?poa={app.plan_id}&corte={CORTES[1]}")
    assert "3 hallazgos corregidos, 2 nuevos desde la versión anterior." in second
    first = page(anonymous, "/", f"?poa={app.plan_id}&corte={CORTES[0]}")
    assert "resumen-followup" not in first and "desde la versión anterior" not in first


def test_the_answer_callback_checks_everything_on_the_server(app):
    search = f"?poa={app.plan_id}&corte={CORTES[2]}"
    key = ("PCT_MISMATCH", 5, None)
    before = note_count(app)

    def sent(client, body) -> str:
        response = client.post("/_dash-update-component", json=body)
        return f"{response.status_code} " + json.dumps(response.get_json(), ensure_ascii=False)

    body = answer_body(app, key, 0, "Lo revisamos.", search)
    assert sent(app.server.test_client(), body).startswith("200 ") and \
        "ingrese con su cuenta" in sent(app.server.test_client(), body)
    assert "no puede responder hallazgos" in sent(signed_in(app, "consulta1"), body)
    assert "no tiene asignada el área de este POA" in sent(signed_in(app, "otra"), body)
    directora = signed_in(app, "directora")
    # a key no version holds, a corrected one, a forged id, another POA in the address
    for forged, sentence in (
            (answer_body(app, ("PCT_MISMATCH", 99, None), 0, "x", search), "no está abierto"),
            (answer_body(app, ("ACHIEVED_OVER_GOAL", 3, None), 0, "x", search),
             "no está abierto en la versión 3"),
            (answer_body(app, key, 0, "   ", search), "Escriba la aclaración"),
            (answer_body(app, key, 0, "x", f"?poa={app.plan_id + 7}&corte={CORTES[2]}"),
             "no es el que se muestra")):
        assert sentence in sent(directora, forged), sentence
    body["inputs"][0]["id"]["key"] = '{"no": "es una clave"}'
    body["changedPropIds"] = [json.dumps(body["inputs"][0]["id"], sort_keys=True,
                                         separators=(",", ":")) + ".n_clicks"]
    assert "no está abierto" in sent(directora, body)
    assert note_count(app) == before  # nothing stored by any of them
    # the área's director, for an open finding: stored, shown, audited
    saved = sent(directora, answer_body(app, key, 0, "Lo revisamos con el área.", search))
    assert "Aclaración guardada" in saved and "Lo revisamos con el área." in saved
    assert note_count(app) == before + 1
    with Session(app.server.extensions["tablero_poa"].engine) as session:
        entry = session.execute(select(AuditEntry).where(AuditEntry.action == "finding_note")
                                .order_by(AuditEntry.id.desc())).scalars().first()
    assert entry.user == "directora" and entry.version_id == app.versions[2]
    assert "PCT_MISMATCH" in entry.detail and "la actividad 5" in entry.detail
    # Calidad (a cached page) shows it at once, beside the finding, with who and when
    shown = page(app.server.test_client(), "/calidad", search)
    assert "Lo revisamos con el área." in shown
    assert f"directora, {date.today():%d/%m/%Y}" in shown


def pdf_text(data: bytes, tmp_path: Path) -> tuple[str, int]:
    path = tmp_path / "informe.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                         check=True).stdout
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True,
                          check=True).stdout
    return " ".join(out.split()), int(re.search(r"^Pages:\s+(\d+)", info, re.M)[1])


def pages_without_followup(app, n: int, tmp_path: Path) -> int:
    """The pages of version n's report (fecha de corte: its day) as it was before the follow-up."""
    engine = app.server.extensions["tablero_poa"].engine
    with Session(engine) as session:
        loaded = load_version(session, app.versions[n])
        movements = movements_of(session, app.plan_id)
    aligned = coverage([a.number for a in loaded.doc.activities], loaded.doc.alignment)
    data = build_report(  # as the route builds it, without the follow-up
        loaded, DAYS[n], app.server.extensions["tablero_poa"].settings, movements,
        alignment_gaps=gap_sentences(aligned),
        alignment_note=report_note(aligned, alignment_sheet_of(loaded.doc.alignment)))
    assert data.followup is None
    return pdf_text(report_pdf(data), tmp_path)[1]


def test_the_report_lists_the_open_findings_with_their_age_and_aclaracion(app, tmp_path):
    engine = app.server.extensions["tablero_poa"].engine
    key = ("PCT_MISMATCH", 10, None)
    save_note(engine, plan_id=app.plan_id, version_id=app.versions[1], key=key,
              text="El área reporta 40 % por error de captura.", author="planea",
              now=datetime(2026, 2, 20, 12, 0))
    client = app.server.test_client()

    def report(n: int, extension: str = "pdf") -> bytes:
        response = client.get(f"/descargas/informe/{app.plan_id}.{extension}?corte={CORTES[n]}")
        assert response.status_code == 200
        return response.data

    text_, pages = pdf_text(report(2), tmp_path)
    assert "Seguimiento desde la versión anterior" in text_
    assert ("1 hallazgo corregido, 2 nuevos desde la versión anterior (la 2); 34 persisten."
            in text_)
    assert "Hallazgos abiertos y su antigüedad (36)" in text_
    # one row per code and age: PCT_MISMATCH of activities 5, 7 and 12 since version 1…
    assert "Error PCT_MISMATCH 5, 7, 12 Desde la versión 1, 32 días" in text_
    assert "Error PCT_MISMATCH 10 Desde la versión 2, 25 días" in text_
    assert "Error PCT_MISMATCH 13 Nuevo en esta versión" in text_
    assert "Advertencia MISSING_FIELD 6 (2) Desde la versión 1, 32 días" in text_
    assert "Advertencia UNIT_NOT_A_UNIT 1 Nuevo en esta versión" in text_
    assert "ACHIEVED_OVER_GOAL" not in text_.split("Seguimiento desde la versión anterior")[1]
    # …and the aclaración written on version 2, still open in version 3 (with any other one
    # the module's earlier tests wrote)
    assert "Aclaraciones de las áreas (" in text_
    assert "«El área reporta 40 % por error de captura.» — planea, 20/02/2026" in text_
    assert pages <= pages_without_followup(app, 2, tmp_path) + 1
    # the Excel report says the same, one row per finding
    sheet = openpyxl.load_workbook(io.BytesIO(report(2, "xlsx")))["Seguimiento"]
    rows = {(r[3], r[5]): r for r in sheet.iter_rows(min_row=4, values_only=True)}
    assert sheet["A1"].value.replace("\xa0", " ") == (
        "1 hallazgo corregido, 2 nuevos desde la versión anterior (la 2); 34 persisten.")
    assert len(rows) == 35 and sheet.max_row == 3 + 36  # MISSING_FIELD 6 twice
    assert rows[("PCT_MISMATCH", 10)][:2] == ("Persiste", "Desde la versión 2, 25 días")
    assert rows[("PCT_MISMATCH", 10)][9] == (
        "«El área reporta 40 % por error de captura.» — planea, 20/02/2026")
    assert rows[("PCT_MISMATCH", 13)][:2] == ("Nuevo", "Nuevo en esta versión")
    # version 2: the aclaración is there, beside its finding, new in that version
    with Session(engine) as session:
        follow, notes = version_followup(session, app.plan_id, app.versions[1])
    answered = [(f.code, f.activity, f.age, f.notes)
                for f in report_followup(follow, notes).open if f.notes]
    assert answered == [("PCT_MISMATCH", 10, "nuevo en esta versión",
                         ("«El área reporta 40 % por error de captura.» — planea, 20/02/2026",))]
    second, _ = pdf_text(report(1), tmp_path)
    assert "3 hallazgos corregidos, 2 nuevos desde la versión anterior (la 1); 33 persisten." in second
    assert "«El área reporta 40 % por error de captura.»" in second
    # version 1: all new, said in one sentence; no table (the report keeps its pages)
    first, first_pages = pdf_text(report(0), tmp_path)
    assert ("Primera versión del POA: sus 36 hallazgos son nuevos (no hay versión anterior con "
            "qué comparar).") in first
    assert "Hallazgos abiertos y su antigüedad" not in first
    assert "Aclaraciones de las áreas" not in first
    assert first_pages == pages_without_followup(app, 0, tmp_path)
    assert "Seguimiento" not in openpyxl.load_workbook(io.BytesIO(report(0, "xlsx"))).sheetnames

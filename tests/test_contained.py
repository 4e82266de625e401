"""Reading runs contained: whatever a file does to the parsers (a native abort, a Python
MemoryError, an endless loop, a crash) ends as one Spanish refusal, never as a dead process.

What the child runs lives in `tests/contained_funcs.py`, a light module the child imports."""

from __future__ import annotations

import base64
import json
import re
import threading
import time
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dashboard.app import create_app
from loaders import contained
from loaders.errors import NotAPoaWorkbook
from loaders.imports import import_spending, import_workbook, prepare_upload, read_documents
from loaders.read.poa import read_workbook
from loaders.settings import Settings
from loaders.store.accounts import add_user
from loaders.store.audit import AuditFilter, audit_entries
from tests.contained_funcs import (
    abort,
    bug,
    calamine_whole_grid,
    child_limits,
    endless,
    python_memory_error,
    refuse,
)
from tests.paths import SAMPLE_WORKBOOK
from tests.test_access import PASSWORD, payload, signed_in
from tests.xlsx_parts import zip_members, zip_of


def far_cell_workbook() -> bytes:
    """The sample with one value at XFD1048576 (the last cell Excel has) on its first sheet."""
    members = zip_members(SAMPLE_WORKBOOK.read_bytes())
    name = sorted(n for n in members if n.startswith("xl/worksheets/sheet"))[0]
    members[name] = re.sub(rb'<dimension ref="[^"]*"/>', b"", members[name]).replace(
        b"</sheetData>", b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>')
    return zip_of(members)


def sparse_workbook() -> bytes:
    """One value at GR50000 on every sheet: inside the limits, but a dense grid in the parser."""
    members = zip_members(SAMPLE_WORKBOOK.read_bytes())
    for name in [n for n in members if n.startswith("xl/worksheets/sheet")]:
        members[name] = members[name].replace(
            b"</sheetData>", b'<row r="50000"><c r="GR50000"><v>1</v></c></row></sheetData>')
    return zip_of(members)


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(data_dir=tmp_path, read_seconds=5)


def test_a_contained_read_gives_what_a_direct_read_gives(settings):
    data = SAMPLE_WORKBOOK.read_bytes()
    direct = read_workbook(data, settings, file_name="poa.xlsx")
    contained_docs = read_documents(data, settings, file_name="poa.xlsx")
    assert contained_docs == direct
    assert len(contained_docs[0].activities) == 16
    assert contained_docs[0].activity(2).achieved == 6


def test_the_child_runs_under_the_memory_and_cpu_limits(settings):
    memory, cpu = contained.run_contained(settings, child_limits)
    assert memory == settings.read_memory_mb * 1024 * 1024 == 768 * 1024 * 1024
    assert cpu == 6  # read_seconds + 1: a backstop for a child the parent could not stop


def test_a_native_abort_in_the_parser_is_a_refusal_and_this_process_lives_on(settings):
    """python-calamine asked for half a terabyte: under the address-space limit its allocation
    fails and Rust aborts the child; the parent gets the memory sentence."""
    with pytest.raises(NotAPoaWorkbook) as refused:
        contained.run_contained(settings, calamine_whole_grid, far_cell_workbook())
    assert refused.value.message == contained.memory_message(settings)
    assert "768 MB" in refused.value.message
    # and reading goes on as before in the same process
    assert len(read_documents(SAMPLE_WORKBOOK.read_bytes(), settings, file_name="a.xlsx")) == 1


@pytest.mark.parametrize("func", [python_memory_error, abort])
def test_running_out_of_memory_is_the_memory_refusal(func, settings):
    with pytest.raises(NotAPoaWorkbook) as refused:
        contained.run_contained(settings, func)
    assert refused.value.message.startswith(
        "El archivo no se pudo leer: leerlo ocupaba más memoria de la permitida (768 MB).")


def test_a_read_that_never_ends_is_stopped_at_the_time_limit(tmp_path):
    settings = Settings(data_dir=tmp_path, read_seconds=1.5)
    started = time.monotonic()
    with pytest.raises(NotAPoaWorkbook) as refused:
        contained.run_contained(settings, endless)
    assert time.monotonic() - started < 10  # stopped, not waited for
    assert refused.value.message.startswith(
        "El archivo no se pudo leer en el tiempo permitido (1.5 segundos).")


def test_a_refusal_in_the_child_is_the_same_refusal(settings):
    with pytest.raises(NotAPoaWorkbook) as refused:
        contained.run_contained(settings, refuse)
    assert refused.value.message == "La hoja «POA» no tiene tabla."


def test_a_bug_in_a_reader_is_not_dressed_as_a_refusal(settings):
    with pytest.raises(contained.ReadCrashed) as crashed:
        contained.run_contained(settings, bug)
    assert "ValueError: a bug in a reader" in str(crashed.value)


def test_reads_beyond_the_machines_slots_wait_and_then_are_refused(tmp_path):
    """One slot: while a read holds it, another waits as long as a read may take, then hears
    that the server is busy; once the slot is free, reading works again."""
    settings = Settings(data_dir=tmp_path, read_slots=1, read_seconds=1)
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with contained._slot(settings):
            holding.set()
            release.wait(30)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert holding.wait(10)
        with pytest.raises(NotAPoaWorkbook) as refused:
            contained.run_contained(settings, child_limits)
        assert refused.value.message == contained.BUSY_MESSAGE
    finally:
        release.set()
        holder.join(10)
    assert contained.run_contained(settings, child_limits)[1] == 2


def test_the_slot_locks_are_private(settings):
    contained.run_contained(settings, child_limits)
    folder = contained.slots_folder(settings)
    assert folder == settings.data_dir / "lectura"
    assert folder.stat().st_mode & 0o777 == 0o700
    assert {p.stat().st_mode & 0o777 for p in folder.iterdir()} == {0o600}


def test_a_sparse_sheet_inside_the_limits_is_read_within_the_default_memory(tmp_path):
    """One value at GR50000 on each of the six sheets: the parser builds six dense grids of ten
    million cells, one after another; that fits the default limit (768 MB of address space).
    What is asserted is memory: the time limit is set wide for a busy test machine."""
    settings = Settings(data_dir=tmp_path, read_seconds=60, max_cells=60_000_000)
    upload = prepare_upload(sparse_workbook(), settings, file_name="disperso.xlsx",
                            as_of=date(2026, 12, 1))
    assert len(upload.doc.activities) == 16


def test_the_same_sparse_sheet_under_a_smaller_limit_is_refused_in_spanish(tmp_path):
    settings = Settings(data_dir=tmp_path, read_memory_mb=300, read_seconds=60,
                        max_cells=60_000_000)
    with pytest.raises(NotAPoaWorkbook) as refused:
        prepare_upload(sparse_workbook(), settings, file_name="disperso.xlsx",
                       as_of=date(2026, 12, 1))
    assert refused.value.message == contained.memory_message(settings)


# --- over HTTP: the refusal, its audit entry and a server that goes on answering -------------

@pytest.fixture(scope="module")
def app(tmp_path_factory):
    root = tmp_path_factory.mktemp("contained")
    app = create_app(Settings(data_dir=root / "data", sample_workbook=root / "none.xlsx",
                              read_memory_mb=300, read_seconds=60,
                        max_cells=60_000_000))
    add_user(app.server.extensions["tablero_poa"].engine, "planea", PASSWORD, "planeacion",
             by="prueba")
    return app


def _upload(client, app, data: bytes, name: str) -> str:
    key = next(k for k in app.callback_map if k.startswith("..carga-preview.children...carga-"))
    body = payload(key, app.callback_map[key])
    content = "data:application/octet-stream;base64," + base64.b64encode(data).decode()
    for item in body["inputs"] + body["state"]:
        item["value"] = content if item["property"] == "contents" else name
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200
    return json.dumps(response.get_json(), ensure_ascii=False)


def test_an_upload_the_reader_cannot_hold_is_refused_audited_and_the_app_goes_on(app):
    client = signed_in(app, "planea")
    answer = _upload(client, app, sparse_workbook(), "disperso.xlsx")
    assert "No se pudo leer el archivo" in answer
    assert "ocupaba más memoria de la permitida (300 MB)" in answer
    with Session(app.server.extensions["tablero_poa"].engine) as session:
        rows, _ = audit_entries(session, AuditFilter(action="upload_refused"))
    assert [r.user for r in rows] == ["planea"]
    assert "disperso.xlsx" in rows[0].detail and "300 MB" in rows[0].detail
    answer = _upload(client, app, SAMPLE_WORKBOOK.read_bytes(), "poa.xlsx")
    assert "No se pudo leer" not in answer and "Migrantes" in answer


def test_a_spending_workbook_the_reader_cannot_hold_is_refused_and_nothing_stored(tmp_path):
    from loaders.store.engine import create_schema, make_engine
    from loaders.store.schema import SpendingImport
    from sample_data.build_spending import DEFAULT_PATH as SPENDING_SAMPLE

    settings = Settings(data_dir=tmp_path, read_memory_mb=300, read_seconds=60,
                        max_cells=60_000_000)
    engine = make_engine(f"sqlite:///{tmp_path / 'poa.sqlite3'}", settings)
    create_schema(engine)
    plan_id = import_workbook(engine, SAMPLE_WORKBOOK.read_bytes(), settings, file_name="poa.xlsx",
                              uploaded_by="t", as_of=date(2026, 12, 1)).plan_id
    members = zip_members(SPENDING_SAMPLE.read_bytes())
    for name in [n for n in members if n.startswith("xl/worksheets/sheet")]:
        members[name] = members[name].replace(
            b"</sheetData>", b'<row r="50000"><c r="GR50000"><v>1</v></c></row></sheetData>')
    with pytest.raises(NotAPoaWorkbook) as refused:
        import_spending(engine, plan_id, zip_of(members), settings, file_name="gasto.xlsx",
                        uploaded_by="t")
    assert refused.value.message == contained.memory_message(settings)
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(SpendingImport)) == 0
    engine.dispose()

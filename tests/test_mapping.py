"""Column mappings (issue 15): a header nobody foresaw is placed by the clerk, the mapping is
stored with the version and as the área's profile, the CLI takes it as `--mapa`; uploads are
staged on the server while their preview is open."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from loaders.errors import NotAPoaWorkbook
from loaders.imports import import_workbook, prepare_upload
from loaders.mapping import parse_json, to_json
from loaders.read.poa import read_poa
from loaders.report import mapping_questions
from loaders.store import staging
from loaders.store.mappings import list_profiles, profile_for, remove_profile
from loaders.store.schema import ColumnProfile, Version
from loaders.store.versions import save_upload
from tests.test_cli import run_loaders
from tests.xlsx_parts import with_inline_strings, zip_members, zip_of

AS_OF = date(2026, 11, 21)
ACHIEVED_HEADER = "2026 / Cumplimiento al corte / N°"  # as the preview shows it
SAMPLE_ACHIEVED = [6, 6, 0, 0, 4]  # the first five activities of the sample


def renamed(sample: bytes, old: str, new: str) -> bytes:
    """The sample with a header text changed wherever it is written."""
    members = zip_members(with_inline_strings(sample))
    for name in [n for n in members if n.startswith("xl/worksheets/")]:
        members[name] = members[name].replace(f">{old}<".encode(), f">{new}<".encode())
    return zip_of(members)


@pytest.fixture
def unforeseen(sample_bytes) -> bytes:
    """The sample whose «Meta Alcanzada» group is called «Cumplimiento al corte»."""
    data = renamed(sample_bytes, "Meta Alcanzada", "Cumplimiento al corte")
    assert data != with_inline_strings(sample_bytes)
    return data


def test_an_unforeseen_achieved_column_fills_nothing_and_asks(unforeseen, settings):
    doc = read_poa(unforeseen, settings)
    assert [a.achieved for a in doc.activities] == [None] * 16
    column = next(c for c in doc.columns if c.header == ACHIEVED_HEADER)
    assert (column.field, column.source, column.samples) == (None, "", ("6", "6", "0"))
    assert mapping_questions(doc) == [
        "Ninguna columna se leyó como «Meta alcanzada (N°)»: elija cuál es."]


def test_the_mapping_places_it_and_the_questions_end(unforeseen, sample_bytes, settings):
    upload = prepare_upload(unforeseen, settings, file_name="poa.xlsx", as_of=AS_OF,
                            mapping={ACHIEVED_HEADER: "achieved"})
    sample = read_poa(sample_bytes, settings)
    assert [a.achieved for a in upload.doc.activities] == [a.achieved for a in sample.activities]
    assert [a.achieved for a in upload.doc.activities][:5] == SAMPLE_ACHIEVED
    column = next(c for c in upload.doc.columns if c.header == ACHIEVED_HEADER)
    assert (column.field, column.source) == ("achieved", "mapa")
    assert mapping_questions(upload.doc) == []
    assert upload.mapping == {"2026 cumplimiento al corte no": "achieved"}
    # the findings about missing achievements are gone
    before = prepare_upload(unforeseen, settings, file_name="poa.xlsx", as_of=AS_OF)
    assert any(f.code == "MISSING_FIELD" for f in before.findings)
    assert not any(f.code == "MISSING_FIELD" and "alcanzada" in f.message
                   for f in upload.findings)


def test_ignore_and_months_are_mappings_too(sample_bytes, settings):
    data = renamed(sample_bytes, "Enero", "1er mes")
    plain = read_poa(data, settings)
    assert 1 not in plain.activity(1).months_planned
    mapped = read_poa(data, settings, mapping={
        "2026 Cronograma Programado / 1er mes": "month:1",
        "Actividad Específica": "ignore",
    })
    sample = read_poa(sample_bytes, settings)
    assert [a.months_planned for a in mapped.activities] == [
        a.months_planned for a in sample.activities]
    assert all(not a.actividad_especifica for a in mapped.activities)
    assert sample.activity(1).actividad_especifica
    ignored = next(c for c in mapped.columns if c.header == "Actividad Específica")
    assert (ignored.field, ignored.source) == (None, "mapa")


def test_the_number_column_can_be_named_by_a_mapping(sample_bytes, settings):
    """A «Folio» instead of «Nº»: without a mapping no activity table is found at all."""
    data = renamed(sample_bytes, "N°", "Folio")
    with_map = read_poa(data, settings, mapping={"Folio": "number"})
    assert len(with_map.activities) == 16
    assert [a.achieved for a in with_map.activities][:5] == SAMPLE_ACHIEVED


def test_the_json_form_round_trips_and_refuses_in_spanish():
    mapping = parse_json(json.dumps({"columnas": {ACHIEVED_HEADER: "alcanzada",
                                                  "Observaciones": "ignorar", "1er mes": "mes_1"}}))
    assert mapping == {"2026 cumplimiento al corte no": "achieved", "observaciones": "ignore",
                       "1er mes": "month:1"}
    assert to_json(mapping, {"observaciones": "Observaciones"}) == {"columnas": {
        "2026 cumplimiento al corte no": "alcanzada", "Observaciones": "ignorar",
        "1er mes": "mes_1"}}
    with pytest.raises(ValueError, match="«Avance» dice «logrado», que no es un campo"):
        parse_json('{"columnas": {"Avance": "logrado"}}')
    with pytest.raises(ValueError, match="debe ser un objeto con la clave «columnas»"):
        parse_json('["Avance"]')
    with pytest.raises(ValueError, match="no es JSON válido"):
        parse_json("{columnas")


def test_cli_check_and_import_take_the_mapping(unforeseen, tmp_path):
    book = tmp_path / "poa.xlsx"
    book.write_bytes(unforeseen)
    mapa = tmp_path / "mapa.json"
    mapa.write_text(json.dumps({"columnas": {ACHIEVED_HEADER: "alcanzada"}}), encoding="utf-8")
    checked = run_loaders("check", str(book), "--json", "--mapa", str(mapa))
    assert checked.returncode == 0, checked.stderr
    out = json.loads(checked.stdout)
    assert [a["achieved"] for a in out["activities"]][:5] == SAMPLE_ACHIEVED
    assert out["mapping_questions"] == []
    column = next(c for c in out["columns"] if c["header"] == ACHIEVED_HEADER)
    assert (column["field"], column["source"], column["samples"]) == (
        "achieved", "mapa", ["6", "6", "0"])
    unmapped = json.loads(run_loaders("check", str(book), "--json").stdout)
    assert unmapped["mapping_questions"] == [
        "Ninguna columna se leyó como «Meta alcanzada (N°)»: elija cuál es."]

    data_dir = tmp_path / "datos"
    stored = run_loaders("import", str(book), "--mapa", str(mapa), "--as-of", "2026-11-21",
                         data_dir=data_dir)
    assert stored.returncode == 0, stored.stderr
    from loaders.settings import Settings
    from loaders.store.engine import make_engine

    engine = make_engine(settings=Settings(data_dir=data_dir))
    with Session(engine) as session:
        assert session.scalar(select(Version.column_map)) == {
            "2026 cumplimiento al corte no": "achieved"}
        profile = session.scalars(select(ColumnProfile)).one()
        assert profile.area == "Migrantes y Ex braceros"
        assert profile.headers == {"2026 cumplimiento al corte no": ACHIEVED_HEADER}
    engine.dispose()


@pytest.mark.parametrize("content, words", [
    ("{no es json", "no es JSON válido"),
    ('{"columnas": {"Avance": "logrado"}}', "«Avance» dice «logrado»"),
])
def test_cli_refuses_a_bad_mapping_with_one_sentence(content, words, tmp_path, sample_path):
    mapa = tmp_path / "mapa.json"
    mapa.write_text(content, encoding="utf-8")
    refused = run_loaders("check", str(sample_path), "--mapa", str(mapa))
    assert refused.returncode == 2
    assert words in refused.stderr and "Traceback" not in refused.stderr


def test_saving_with_a_mapping_keeps_it_with_the_version_and_as_the_areas_profile(
    engine, settings, unforeseen
):
    upload = prepare_upload(unforeseen, settings, file_name="poa.xlsx", as_of=AS_OF,
                            mapping={ACHIEVED_HEADER: "achieved"})
    stored = save_upload(engine, upload, uploaded_by="planea")
    with Session(engine) as session:
        version = session.get(Version, stored.version_id)
        assert version.column_map == {"2026 cumplimiento al corte no": "achieved"}
        # next month, same área and layout: the profile fits
        next_month = prepare_upload(unforeseen + b"", settings, file_name="poa_dic.xlsx",
                                    as_of=date(2026, 12, 1))
        profile = profile_for(session, next_month.doc)
        assert profile is not None and profile.mapping == {
            "2026 cumplimiento al corte no": "achieved"}
        assert profile.created_by == "planea" and profile.area == "Migrantes y Ex braceros"
        # another layout (the sample as it is) does not take it
        assert profile_for(session, prepare_upload(
            with_inline_strings(zip_of(zip_members(unforeseen))), settings, file_name="x.xlsx",
            as_of=AS_OF, identity={"area": "Otra área"}).doc) is None
    with Session(engine) as session, session.begin():
        assert [p.area for p in list_profiles(session)] == ["Migrantes y Ex braceros"]
        removed = remove_profile(session, profile.id)
        assert removed.area == "Migrantes y Ex braceros"
    with Session(engine) as session:
        assert list_profiles(session) == []


def test_a_version_saved_without_a_mapping_stores_none(engine, settings, sample_bytes):
    stored = import_workbook(engine, sample_bytes, settings, file_name="poa.xlsx",
                             uploaded_by="t", as_of=AS_OF)
    with Session(engine) as session:
        assert session.get(Version, stored.version_id).column_map is None
        assert session.scalars(select(ColumnProfile)).all() == []


# -- staged uploads ------------------------------------------------------------------------------

def test_a_staged_upload_is_its_owners_until_it_expires(engine):
    now = datetime(2026, 12, 1, 10, 0)
    token = staging.stage(engine, b"libro", "poa.xlsx", owner="planea", now=now)
    staged = staging.fetch(engine, token, owner="planea", now=now + timedelta(minutes=119))
    assert (staged.data, staged.file_name, staged.mapping) == (b"libro", "poa.xlsx", {})
    with pytest.raises(NotAPoaWorkbook, match="La vista previa caducó"):
        staging.fetch(engine, token, owner="otra", now=now)
    with pytest.raises(NotAPoaWorkbook, match="La vista previa caducó"):
        staging.fetch(engine, token, owner="planea", now=now + timedelta(minutes=121))
    staging.set_mapping(engine, token, {"x": "achieved"}, owner="planea")
    assert staging.fetch(engine, token, owner="planea", now=now).mapping == {"x": "achieved"}
    staging.discard(engine, token, owner="planea")
    with pytest.raises(NotAPoaWorkbook):
        staging.fetch(engine, token, owner="planea", now=now)


def test_staging_keeps_three_per_owner_and_sweeps_the_expired(engine):
    now = datetime(2026, 12, 1, 10, 0)
    tokens = [staging.stage(engine, f"libro {i}".encode(), "poa.xlsx", owner="planea",
                            now=now + timedelta(minutes=i)) for i in range(4)]
    alive = []
    for token in tokens:
        try:
            staging.fetch(engine, token, owner="planea", now=now + timedelta(minutes=5))
            alive.append(token)
        except NotAPoaWorkbook:
            pass
    assert alive == tokens[1:]  # the oldest went first
    staging.stage(engine, b"otro", "b.xlsx", owner="otra", now=now + timedelta(hours=3))
    from loaders.store.schema import StagedUpload

    with Session(engine) as session:
        owners = session.scalars(select(StagedUpload.owner)).all()
    assert owners == ["otra"]  # the expired ones were swept


def test_staging_refuses_past_its_total_size(engine, monkeypatch):
    monkeypatch.setattr(staging, "TOTAL_MB", 1)
    staging.stage(engine, b"x" * 600_000, "a.xlsx", owner="a")
    with pytest.raises(NotAPoaWorkbook, match="demasiados archivos en revisión"):
        staging.stage(engine, b"y" * 600_000, "b.xlsx", owner="b")

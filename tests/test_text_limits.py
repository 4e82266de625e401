"""Every text a user controls fits what both engines store (issue 14, point 10): at its limit it
is kept whole, past it it is cut to the limit ending in «…» — on SQLite and on PostgreSQL, which
would otherwise refuse the whole upload."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, insert, select
from sqlalchemy.orm import Session

from loaders.imports import import_workbook, prepare_upload
from loaders.store.accounts import add_user
from loaders.store.schema import (
    ActivityRow as Activity,
)
from loaders.store.schema import (
    AuditEntry,
    Base,
    Bounded,
    Plan,
    UserAccount,
    Version,
)
from loaders.store.schema import (
    BudgetRow as BudgetLine,
)
from loaders.store.schema import (
    FindingRow as Finding,
)
from loaders.store.versions import record_audit, save_upload
from tests.xlsx_parts import zip_members, zip_of

AS_OF = date(2026, 11, 21)
# String columns that hold only what the program writes (hashes, codes, roles, kinds): plain
# String. Every other text column is Bounded.
INTERNAL = {
    "version.sha256", "spending_import.sha256", "finding.code", "finding.severity",
    "finding.stage", "alignment_link.kind", "alignment_link.code", "audit.action",
    "user_account.username", "user_account.password_hash", "user_account.role",
    "user_account.session_stamp", "movement.momento", "movement.source",
    "staged_upload.token", "staged_upload.sha256",
    "reprogramming.field",  # "goal" | "programmed" | "start" | "end", from loaders.check
    "finding_note.code",  # a stored finding's code: notes.add_note refuses any other
}


def cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def test_every_text_column_a_user_can_fill_is_bounded():
    plain = {f"{table.name}.{column.name}" for table in Base.metadata.tables.values()
             for column in table.columns
             if isinstance(column.type, String) and column.type.length
             and not isinstance(column.type, Bounded)}
    assert plain == INTERNAL  # a new text column must choose: Bounded, or written by code only
    bounded = {f"{table.name}.{column.name}": column.type.impl.length
               for table in Base.metadata.tables.values() for column in table.columns
               if isinstance(column.type, Bounded)}
    assert bounded["plan.area"] == 200 and bounded["activity.label"] == 40
    assert bounded["audit.remote_addr"] == 100 and bounded["finding.sheet"] == 200


@pytest.mark.parametrize("limit", [20, 40, 100, 200, 300, 600])
def test_a_bounded_column_keeps_its_limit_and_cuts_past_it(engine, limit):
    table = Table("limits", MetaData(), Column("id", Integer, primary_key=True),
                  Column("text", Bounded(limit)))
    table.create(engine)
    texts = ["á" * (limit - 1), "é" * limit, "í" * (limit + 1), "ó" * (limit * 5)]
    with engine.begin() as conn:
        conn.execute(insert(table), [{"id": i, "text": t} for i, t in enumerate(texts)])
        stored = conn.execute(select(table.c.text).order_by(table.c.id)).scalars().all()
        # a lookup with the long text finds its cut row
        found = conn.execute(select(table.c.id).where(table.c.text == texts[3])).scalar_one()
    assert stored == [texts[0], texts[1], "í" * (limit - 1) + "…", "ó" * (limit - 1) + "…"]
    assert [len(s) for s in stored] == [limit - 1, limit, limit, limit]
    assert found == 3


def _long_texts_workbook(sample: bytes) -> bytes:
    """The sample with its POA sheet named in 250 characters (the XML allows it, Excel not)."""
    members = zip_members(sample)
    long_sheet = ("POA de la dirección " * 15)[:250]
    members["xl/workbook.xml"] = members["xl/workbook.xml"].replace(
        b'name="POA"', f'name="{long_sheet}"'.encode())
    return zip_of(members)


def test_a_workbook_with_long_texts_is_stored_cut_on_both_engines(engine, settings, sample_bytes):
    data = _long_texts_workbook(sample_bytes)
    upload = prepare_upload(data, settings, file_name="largo.xlsx", as_of=AS_OF)
    sheets = {f.sheet for f in upload.findings if f.sheet and len(f.sheet) > 200}
    assert sheets  # a finding names the long sheet
    stored = save_upload(engine, upload, uploaded_by="planea " + "x" * 300)
    with Session(engine) as session:
        stored_sheets = set(session.scalars(
            select(Finding.sheet).where(Finding.version_id == stored.version_id)))
        by = session.scalar(select(Version.uploaded_by).where(Version.id == stored.version_id))
        partidas = session.scalars(select(BudgetLine.partida)).all()
    assert {cut(s, 200) for s in sheets} <= stored_sheets
    assert all(len(s) <= 200 for s in stored_sheets if s)
    assert by == cut("planea " + "x" * 300, 200)
    assert sorted(partidas) == ["2111", "2121", "2611", "3761", "4244"]


@pytest.mark.parametrize("length", [200, 201, 1000])
def test_identity_typed_in_the_preview_is_stored_cut(engine, settings, sample_bytes, length):
    area = ("Migrantes " * 200)[:length]
    estado = ("Zacatecas " * 100)[: length // 2]
    upload = prepare_upload(sample_bytes, settings, file_name="poa.xlsx", as_of=AS_OF,
                            identity={"area": area, "estado": estado, "municipio": area})
    stored = save_upload(engine, upload, uploaded_by="planea")
    # the same identity again finds the same POA: the cut key matches itself
    again = prepare_upload(sample_bytes + b"", settings, file_name="poa2.xlsx", as_of=date(2026, 11, 22),
                           identity={"area": area, "estado": estado, "municipio": area})
    with Session(engine) as session:
        plan = session.get(Plan, stored.plan_id)
        assert (plan.area, plan.municipio, plan.estado) == (
            cut(area, 200), cut(area, 200), cut(estado, 100))
        assert len(plan.key) <= 600
        assert session.scalar(select(Activity.id).where(Activity.version_id == stored.version_id))
    assert again.doc.plan.area == area


@pytest.mark.parametrize("length", [100, 101, 8000])
def test_an_audit_entry_from_a_long_forwarded_address_is_stored(engine, length):
    address = ("2001:db8::1, " * 1000)[:length]
    with Session(engine) as session, session.begin():
        record_audit(session, "login_failed", user="u" * 300, remote_addr=address,
                     detail="d" * 10_000)
    with Session(engine) as session:
        entry = session.scalars(select(AuditEntry)).one()
    assert entry.remote_addr == cut(address, 100) and entry.user == cut("u" * 300, 200)
    assert entry.detail == "d" * 10_000


@pytest.mark.parametrize("length", [200, 201, 5000])
def test_an_account_with_a_long_full_name_is_stored(engine, length):
    name = ("María José " * 600)[:length]
    add_user(engine, "maria", "una-clave-larga-123", "consulta", full_name=name, by="admin",
             remote_addr="x" * 500)
    with Session(engine) as session:
        stored = session.scalar(select(UserAccount.full_name).where(UserAccount.username == "maria"))
    assert stored == cut(name.strip(), 200)


def test_an_activity_label_past_forty_characters_is_stored_cut(engine, settings, sample_bytes):
    """A Nº written as a long text in the POA sheet ("Actividad", many spaces, "1": a label the
    reader accepts): kept as written in the document, cut in the database."""
    members = zip_members(sample_bytes)
    xml = members["xl/worksheets/sheet1.xml"]
    label = "Actividad" + " " * 40 + "1"
    first = re.search(rb'<c r="A(\d+)"( s="\d+")?><v>1</v></c>', xml)  # a number, not a text
    members["xl/worksheets/sheet1.xml"] = xml.replace(
        first.group(0),
        f'<c r="A{first.group(1).decode()}" t="inlineStr"><is><t>{label}</t></is></c>'.encode(), 1)
    data = zip_of(members)
    upload = prepare_upload(data, settings, file_name="etiqueta.xlsx", as_of=AS_OF)
    written = [a.label for a in upload.doc.activities]
    assert label.strip() in written  # the reader kept it whole
    stored = import_workbook(engine, data, settings, file_name="etiqueta.xlsx",
                             uploaded_by="t", as_of=AS_OF)
    with Session(engine) as session:
        labels = session.scalars(select(Activity.label).where(
            Activity.version_id == stored.version_id).order_by(Activity.id)).all()
    assert labels == [cut(w, 40) if w else w for w in written]
    assert cut(label.strip(), 40) in labels and len(cut(label.strip(), 40)) == 40

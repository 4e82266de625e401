"""Importing a workbook: read it (`loaders.read`), check it (`loaders.check`), store it as a
version (`loaders.store`). The CLI, the upload page and the synthetic data all import through here.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Engine

from loaders.check.poa import check_document
from loaders.check.reprogramming import Justification
from loaders.contained import run_contained
from loaders.mapping import ColumnMap, normalise
from loaders.model import Finding, PlanIdentity, PoaDocument
from loaders.read.poa import choose_area, read_workbook
from loaders.read.spending import read_spending
from loaders.settings import Settings
from loaders.store.budget import store_spending
from loaders.store.versions import StoredVersion, Upload, save_upload, sha256_of
from loaders.template_diff import upload_findings as template_findings
from loaders.text import fold


def prepare_upload(
    data: bytes,
    settings: Settings,
    *,
    file_name: str,
    as_of: date,
    year: int | None = None,
    identity: dict[str, object] | None = None,
    area: str | None = None,
    mapping: ColumnMap | None = None,
) -> Upload:
    """Read and check a workbook (raises NotAPoaWorkbook). `identity` overrides plan fields;
    `mapping` (loaders.mapping) places the columns the vocabulary does not know, and travels
    with the upload to be stored with its version.

    A workbook holding several áreas' POAs gives the one named `area` (NotAPoaWorkbook naming
    them when `area` is missing or unknown); its fingerprint is the file's SHA-256 with the
    área, so that each área of the same file is stored once, as a version of its own POA."""
    mapping = normalise(mapping)
    documents = read_documents(data, settings, file_name=file_name, year=year, mapping=mapping)
    doc = documents[0] if len(documents) == 1 else choose_area(documents, area)
    fingerprint = sha256_of(data) if len(documents) == 1 else area_fingerprint(data, doc.plan.area)
    if identity:
        values = {k: v for k, v in identity.items() if v not in (None, "")}
        doc.plan = PlanIdentity(**{**doc.plan.__dict__, **values})
    findings = check_document(doc, as_of, settings)
    return Upload(data, file_name, fingerprint, doc, findings, as_of,
                  areas=tuple(d.plan.area for d in documents), mapping=mapping)


def read_documents(
    data: bytes, settings: Settings, *, file_name: str, year: int | None = None,
    mapping: ColumnMap | None = None,
) -> list[PoaDocument]:
    """The POA documents of a workbook (`loaders.read.poa.read_workbook`), read in a contained
    child process (`loaders.contained`): whatever the file does to the parsers ends as
    NotAPoaWorkbook, never as a dead server worker."""
    return run_contained(settings, read_workbook, data, settings, file_name=file_name, year=year,
                         mapping=mapping)


def area_fingerprint(data: bytes, area: str) -> str:
    return sha256_of(data + b"\x00area:" + fold(area).encode())


def areas_in(data: bytes, settings: Settings, *, file_name: str) -> list[str]:
    """The áreas a workbook holds, in order (one name, possibly empty, for most workbooks)."""
    return [d.plan.area for d in read_documents(data, settings, file_name=file_name)]


def import_workbook(
    engine: Engine,
    data: bytes,
    settings: Settings,
    *,
    file_name: str,
    uploaded_by: str,
    as_of: date,
    year: int | None = None,
    identity: dict[str, object] | None = None,
    area: str | None = None,
    mapping: ColumnMap | None = None,
    justification: Justification = None,
) -> StoredVersion:
    """Read, check and store a workbook (the área `area` of a workbook of several) in one
    transaction; `justification` is the motivo of its reprogramaciones (`save_upload`).

    Raises NotAPoaWorkbook, AlreadyImported or StorageUnavailable; then nothing is stored.
    """
    upload = prepare_upload(
        data, settings, file_name=file_name, as_of=as_of, year=year, identity=identity, area=area,
        mapping=mapping,
    )
    upload.findings.extend(template_findings(engine, upload))  # an official template's cover
    return save_upload(engine, upload, uploaded_by=uploaded_by, justification=justification)


def import_spending(
    engine: Engine,
    plan_id: int,
    data: bytes,
    settings: Settings,
    *,
    file_name: str,
    uploaded_by: str,
    remote_addr: str = "",
    now: datetime | None = None,
) -> tuple[int, list[Finding]]:
    """Read a spending workbook and store it as the plan's next spending version, in one
    transaction, with its audit entry. Returns (version number, findings).

    The findings are those met reading the file plus `check_movements` of its movements against the
    plan's latest POA budget. Raises NotAPoaWorkbook, AlreadyImported and StorageUnavailable
    (StorageBusy, StorageFull); then nothing is stored.
    """
    movements, read_findings = run_contained(
        settings, read_spending, data, settings, file_name=file_name
    )
    return store_spending(
        engine, plan_id, data, movements, read_findings, file_name=file_name,
        uploaded_by=uploaded_by, remote_addr=remote_addr, now=now,
    )

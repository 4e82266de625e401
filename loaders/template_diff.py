"""An uploaded official template against the database: what its change view compares with, and
whether it was issued for another POA.

`loaders.read.template` recognises the cover of a template (`PoaDocument.template`) and compares it
with the workbook's own identity. Here the cover is compared with what is stored:

- `comparison_version(engine, upload)`: the version the change view ("what changed") compares the
  upload with — the version the template was issued from, when it still exists, is the one the
  cover names (same id and number) and belongs to the POA the upload becomes a version of; else
  None, meaning "the POA's current version", as for any workbook. So an área that fills in the
  template of version 3 while version 4 was uploaded meanwhile sees what *it* changed.
- `upload_findings(engine, upload)`: `TEMPLATE_OTHER_AREA` when the POA the cover names exists and
  is of another área or municipio than the upload (the case the reader cannot see: a template of
  another área whose cover and «Área:» line were both changed), unless the reader already said so.
"""

from __future__ import annotations

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from loaders.codes import CODES
from loaders.model import Finding
from loaders.store.queries import LoadedVersion, get_plan, load_version, plan_for_identity
from loaders.store.versions import Upload
from loaders.text import fold


def comparison_version(engine: Engine, upload: Upload) -> LoadedVersion | None:
    """The version the template was issued from, when the change view should compare with it;
    None for "the current version" (not a template, or that version is not of this POA)."""
    info = upload.doc.template
    if info is None or info.version_id is None:
        return None
    with Session(engine) as session:
        plan = plan_for_identity(session, upload.doc.plan)
        if plan is None:
            return None
        loaded = load_version(session, info.version_id)
    if loaded is None or loaded.plan.id != plan.id:
        return None
    if info.poa_id is not None and info.poa_id != plan.id:
        return None
    if info.version_number is not None and info.version_number != loaded.version.number:
        return None  # the cover names a version of another database
    return loaded


def upload_findings(engine: Engine, upload: Upload) -> list[Finding]:
    """TEMPLATE_OTHER_AREA when the cover's POA is stored with another área or municipio than
    the upload's identity (after any correction made at upload)."""
    info = upload.doc.template
    if info is None or info.poa_id is None:
        return []
    if any(f.code == "TEMPLATE_OTHER_AREA" for f in upload.findings):
        return []
    with Session(engine) as session:
        issued_for = get_plan(session, info.poa_id)
    if issued_for is None:
        return []
    plan = upload.doc.plan
    if fold(issued_for.area) == fold(plan.area) and (
            not plan.municipio or not issued_for.municipio
            or fold(issued_for.municipio) == fold(plan.municipio)):
        return []
    where = f" de {issued_for.municipio}" if issued_for.municipio else ""
    return [Finding(
        "TEMPLATE_OTHER_AREA", CODES["TEMPLATE_OTHER_AREA"],
        f"Esta plantilla se emitió para el POA {issued_for.id} (área «{issued_for.area}»{where}, "
        f"{issued_for.fiscal_year}), pero el libro dice área «{plan.area or 'sin nombre'}»"
        + (f" de {plan.municipio}" if plan.municipio else "")
        + "; revise que sea la plantilla de esta área.",
        sheet=info.sheet, cell=info.cells.get("poa_id"),
    )]

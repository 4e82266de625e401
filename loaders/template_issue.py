"""Issuing the official template of a stored POA: which POA, its current version, the bytes.

The CLI (`python -m loaders plantilla`) and the dashboard (`/plantilla`, and the download route
`/descargas/plantilla/<poa>.xlsx`) both issue through here; the workbook itself is written by
`loaders.write.template`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from loaders.store.queries import PlanInfo, VersionInfo, get_plan, list_plans, load_version
from loaders.text import fold
from loaders.write.template import TemplateSource, template_file_name, template_xlsx


class TemplateUnavailable(ValueError):
    """No template can be issued; the message is one Spanish sentence for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class IssuedTemplate:
    plan: PlanInfo
    version: VersionInfo  # the version it was issued from (the POA's current one)
    file_name: str
    data: bytes


def find_plans(session: Session, area: str, *, municipio: str | None = None,
               year: int | None = None) -> list[PlanInfo]:
    """The stored POAs of an área (accents and case aside), optionally of a municipio and a
    year, newest year first."""
    found = [
        p for p in list_plans(session)
        if fold(p.area) == fold(area)
        and (not municipio or fold(p.municipio) == fold(municipio))
        and (year is None or p.fiscal_year == year)
    ]
    return sorted(found, key=lambda p: (-p.fiscal_year, fold(p.municipio), p.id))


def choose_plan(session: Session, area: str, *, municipio: str | None = None,
                year: int | None = None) -> PlanInfo:
    """The one POA an área names, or TemplateUnavailable saying why (none, or several)."""
    plans = find_plans(session, area, municipio=municipio, year=year)
    if not plans:
        raise TemplateUnavailable(f"No hay un POA guardado del área «{area}»"
                                  + (f" de {municipio}" if municipio else "")
                                  + (f" en {year}" if year else "") + ".")
    if len(plans) > 1 and year is None:  # the newest year, unless two municipios share it
        plans = [p for p in plans if p.fiscal_year == plans[0].fiscal_year]
    if len(plans) > 1:
        names = "; ".join(f"POA {p.id}: {p.label}" for p in plans)
        raise TemplateUnavailable(f"Hay {len(plans)} POA del área «{area}» ({names}); elija uno "
                                  "con --poa o con --municipio.")
    return plans[0]


def issue_template(engine: Engine, plan_id: int, *, issued: date | None = None) -> IssuedTemplate:
    """The template of a POA's current version, issued on `issued` (today by default)."""
    with Session(engine) as session:
        plan = get_plan(session, plan_id)
        if plan is None:
            raise TemplateUnavailable(f"No existe el POA {plan_id}.")
        if plan.current_version_id is None:
            raise TemplateUnavailable(f"El POA {plan_id} ({plan.label}) todavía no tiene "
                                      "versiones cargadas.")
        loaded = load_version(session, plan.current_version_id)
    if loaded is None:  # pragma: no cover - the version was just listed
        raise TemplateUnavailable(f"El POA {plan_id} no tiene esa versión.")
    source = TemplateSource(plan.id, loaded.version.id, loaded.version.number, loaded.doc,
                            issued or date.today())
    return IssuedTemplate(plan, loaded.version,
                          template_file_name(plan.area, plan.fiscal_year), template_xlsx(source))

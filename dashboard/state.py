"""The view's state lives in the URL: `?poa=…&version=…&corte=AAAA-MM-DD`. Resolving it to data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import parse_qs, urlencode

from sqlalchemy.orm import Session

from dashboard.services import get_services
from dashboard.views import PlanView, plan_view
from loaders.queries import (
    LoadedVersion,
    PlanInfo,
    VersionInfo,
    list_plans,
    list_versions,
    load_version,
)

QUERY_KEYS = ("poa", "version", "corte")


@dataclass(frozen=True)
class Selection:
    plan_id: int | None
    version_id: int | None
    as_of: date

    def query(self) -> str:
        params = {}
        if self.plan_id is not None:
            params["poa"] = self.plan_id
        if self.version_id is not None:
            params["version"] = self.version_id
        params["corte"] = self.as_of.isoformat()
        return "?" + urlencode(params)


@dataclass(frozen=True)
class PageData:
    selection: Selection
    plan: PlanInfo
    loaded: LoadedVersion
    view: PlanView
    plans: list[PlanInfo]
    versions: list[VersionInfo]


def _int(value: object) -> int | None:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None


def parse_corte(value: object, default: date | None = None) -> date:
    try:
        parsed = date.fromisoformat(str(value)[:10])
        if 1900 <= parsed.year <= 2200:
            return parsed
    except (TypeError, ValueError):
        pass
    return default or date.today()


def query_from_search(search: str | None) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs((search or "").lstrip("?")).items() if v}


def resolve(
    session: Session, query: dict[str, object]
) -> tuple[Selection, list[PlanInfo], list[VersionInfo]]:
    """The selection a query names, falling back to the latest POA, its current version, today."""
    plans = list_plans(session)
    as_of = parse_corte(query.get("corte"))
    plan_id, version_id = _int(query.get("poa")), _int(query.get("version"))
    by_id = {p.id: p for p in plans}
    if plan_id not in by_id:
        plan_id = None
    if plan_id is None and version_id is not None:
        owner = next((v.plan_id for v in list_versions(session) if v.id == version_id), None)
        plan_id = owner
    if plan_id is None and plans:
        with_versions = [p for p in plans if p.current_version_id]
        plan_id = max(with_versions, key=lambda p: p.current_version_id).id if with_versions else None
    versions = list_versions(session, plan_id) if plan_id is not None else []
    if version_id not in {v.id for v in versions}:
        version_id = versions[-1].id if versions else None
    return Selection(plan_id, version_id, as_of), plans, versions


def page_data(query: dict[str, object]) -> PageData | None:
    """Everything a page shows for the query, or None when there is no POA stored yet."""
    services = get_services()
    with services.engine.connect() as conn, Session(bind=conn) as session:
        selection, plans, versions = resolve(session, query)
        if selection.version_id is None:
            return None
        loaded = load_version(session, selection.version_id)
    if loaded is None:
        return None
    view = plan_view(loaded.doc, selection.as_of, services.settings)
    return PageData(selection, loaded.plan, loaded, view, plans, versions)

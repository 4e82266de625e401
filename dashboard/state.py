"""The view's state lives in the URL: `?poa=…&version=…&corte=AAAA-MM-DD`. Resolving it to data.

A stored version never changes (the database refuses it), so what is derived from one version on
one fecha de corte — its activities read back, its `PlanView`, the figures drawn from it — is kept
in a small per-app LRU (`VersionCache`) keyed by (version id, fecha de corte, settings). Which
version a request shows is still resolved from the database on every request, so a version saved
by another worker is seen at once; each worker only keeps its own copy of immutable results.
Whole page answers are kept apart, on disk and shared by the workers (`dashboard.response_cache`);
this LRU serves the requests that miss there.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field, replace
from datetime import date
from urllib.parse import parse_qs, urlencode

import flask
from sqlalchemy.orm import Session

from dashboard.services import get_services
from dashboard.views import PlanView, plan_view
from loaders.settings import Settings
from loaders.store.queries import (
    LoadedVersion,
    PlanInfo,
    VersionInfo,
    list_plans,
    list_versions,
    load_version,
    version_as_of,
)

QUERY_KEYS = ("poa", "version", "corte")
CACHE_EXTENSION = "tablero_poa_versions"
# (version, fecha de corte) pairs kept per worker… Municipio reads the current version of every
# POA on each request: with fewer entries than POAs every request read them all again (with the
# sample and 100 synthetic POAs, 64 entries made it 1.1 s a request instead of 60 ms).
CACHE_SIZE = 2_000
CACHE_ACTIVITIES = 20_000  # …holding at most this many activities in all


@dataclass(frozen=True)
class Selection:
    """What a page shows. `pinned` is true when the URL names a version other than the one the
    fecha de corte picks by default (`version_as_of`); only then does the URL keep it."""

    plan_id: int | None
    version_id: int | None
    as_of: date
    pinned: bool = False

    def query(self) -> str:
        params = {}
        if self.plan_id is not None:
            params["poa"] = self.plan_id
        if self.version_id is not None and self.pinned:
            params["version"] = self.version_id
        params["corte"] = self.as_of.isoformat()
        return "?" + urlencode(params)


@dataclass(frozen=True)
class VersionViews:
    """What one stored version shows on one fecha de corte. Shared between requests: read-only.

    `loaded.plan` is the plan's row when the entry was made; `page_data` puts in the current one
    (its count of versions grows), everything else of a version never changes."""

    loaded: LoadedVersion
    view: PlanView
    figures: dict[Hashable, object] = field(default_factory=dict)  # filled by `cached_figure`


class VersionCache:
    """A thread-safe LRU of `VersionViews`, one per app (and so per database and per worker).

    Bounded by entries and by activities (a POA of 20,000 activities draws figures of tens of
    MB): the least recently used entries go first, the one just stored always stays.
    """

    def __init__(self, size: int = CACHE_SIZE, activities: int = CACHE_ACTIVITIES) -> None:
        self.size = size
        self.activities = activities
        self._entries: OrderedDict[tuple, VersionViews] = OrderedDict()
        self._weight = 0
        self._lock = threading.Lock()

    @staticmethod
    def _weight_of(entry: VersionViews) -> int:
        return len(entry.view.activities) + 1

    def get(self, key: tuple) -> VersionViews | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def put(self, key: tuple, entry: VersionViews) -> VersionViews:
        """Keep `entry` unless another request stored one first; return the one kept."""
        with self._lock:
            kept = self._entries.get(key)
            if kept is None:
                kept = self._entries[key] = entry
                self._weight += self._weight_of(entry)
            self._entries.move_to_end(key)
            while len(self._entries) > 1 and (
                len(self._entries) > self.size or self._weight > self.activities
            ):
                _, dropped = self._entries.popitem(last=False)
                self._weight -= self._weight_of(dropped)
            return kept

    def figure(self, entry: VersionViews, name: Hashable, build: Callable[[], object]):
        with self._lock:
            if name in entry.figures:
                return entry.figures[name]
        built = build()  # outside the lock; two requests may build the same figure once each
        with self._lock:
            return entry.figures.setdefault(name, built)


def version_cache() -> VersionCache:
    extensions = flask.current_app.extensions
    cache = extensions.get(CACHE_EXTENSION)
    if cache is None:
        cache = extensions.setdefault(CACHE_EXTENSION, VersionCache())
    return cache


@dataclass(frozen=True)
class PageData:
    selection: Selection
    plan: PlanInfo
    loaded: LoadedVersion
    view: PlanView
    plans: list[PlanInfo]
    versions: list[VersionInfo]
    cached: VersionViews | None = None


def cached_figure(data: PageData, name: Hashable, build: Callable[[], object]):
    """The figure `build()` draws from `data`'s version and fecha de corte, built once per worker.

    `name` must say everything the figure depends on besides the version, the fecha de corte and
    the settings (e.g. `("gauge", activity)`). The figure returned is shared: read-only.
    """
    if data.cached is None:
        return build()
    return version_cache().figure(data.cached, name, build)


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
    """The selection a query names, falling back to the latest POA, today, and the version the
    fecha de corte picks: the latest uploaded on or before it (`version_as_of`)."""
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
    default = version_as_of(versions, as_of)
    default_id = default.id if default else None
    if version_id not in {v.id for v in versions}:
        version_id = default_id
    return Selection(plan_id, version_id, as_of, version_id != default_id), plans, versions


def version_notice(selection: Selection, versions: list[VersionInfo]) -> str | None:
    """One sentence when the version shown is not simply the latest uploaded by the fecha de
    corte: uploaded after it (its achievements are later than the corte), or an older one picked
    by hand. None otherwise."""
    shown = next((v for v in versions if v.id == selection.version_id), None)
    if shown is None:
        return None
    corte = f"{selection.as_of:%d/%m/%Y}"
    uploaded = f"{shown.uploaded_at:%d/%m/%Y}"
    if shown.uploaded_at.date() > selection.as_of:
        if not selection.pinned:
            return (f"Ninguna versión de este POA se cargó en o antes del {corte}: se muestra la "
                    f"primera, la versión {shown.number}, cargada el {uploaded}, con metas "
                    "alcanzadas posteriores a la fecha de corte.")
        return (f"Se muestra la versión {shown.number}, cargada el {uploaded}, después de la fecha "
                f"de corte {corte}: sus metas alcanzadas son posteriores al corte y se comparan con "
                "lo esperado al corte.")
    if selection.pinned:
        default = version_as_of(versions, selection.as_of)
        return (f"Se muestra la versión {shown.number}, cargada el {uploaded}; la más reciente al "
                f"{corte} es la versión {default.number}.")
    return None


def version_views(session: Session, version_id: int, as_of: date,
                   settings: Settings) -> VersionViews | None:
    cache = version_cache()
    key = (version_id, as_of, settings)
    entry = cache.get(key)
    if entry is not None:
        return entry
    loaded = load_version(session, version_id)
    if loaded is None:
        return None
    view = plan_view(loaded.doc, as_of, settings)
    return cache.put(key, VersionViews(loaded, view))


def page_data(query: dict[str, object]) -> PageData | None:
    """Everything a page shows for the query, or None when there is no POA stored yet."""
    services = get_services()
    with services.engine.connect() as conn, Session(bind=conn) as session:
        selection, plans, versions = resolve(session, query)
        if selection.version_id is None:
            return None
        entry = version_views(session, selection.version_id, selection.as_of, services.settings)
    if entry is None:
        return None
    # The plan's row as resolved now (its version count grows); the version's own data is cached.
    plan = next(p for p in plans if p.id == selection.plan_id)
    loaded = replace(entry.loaded, plan=plan)
    return PageData(selection, plan, loaded, entry.view, plans, versions, entry)

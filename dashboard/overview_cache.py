"""The state overview with a per-app cache of what each stored version contributes.

A stored version never changes, so its counts on a fecha de corte (with given semáforo
thresholds) can be kept: each request asks the database only which version is current for each
POA (a new upload shows at once, whichever worker stored it) and computes the counts of versions
it has not seen. The cache lives in the Flask app (one per worker), is bounded, and holds only
immutable values.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import date

import flask
from sqlalchemy.orm import Session

from loaders.check.progress import Thresholds
from loaders.store.overview import (
    PlanCounts,
    StateOverview,
    assemble,
    current_versions,
    plan_counts,
)

EXTENSION = "tablero_poa_overview_cache"
MAX_ENTRIES = 100_000
EMPTY = PlanCounts(0, 0, 0, 0.0, 0, 0, 0, 0, 0, 0)
Key = tuple[int, date, float, float]


class CountsCache:
    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self._entries: OrderedDict[Key, PlanCounts] = OrderedDict()
        self._lock = threading.Lock()
        self._max = max_entries

    def get_many(self, keys: list[Key]) -> dict[Key, PlanCounts]:
        with self._lock:
            found = {k: self._entries[k] for k in keys if k in self._entries}
            for k in found:
                self._entries.move_to_end(k)
        return found

    def put_many(self, values: dict[Key, PlanCounts]) -> None:
        with self._lock:
            self._entries.update(values)
            while len(self._entries) > self._max:
                self._entries.popitem(last=False)


def _cache() -> CountsCache:
    extensions = flask.current_app.extensions
    cache = extensions.get(EXTENSION)
    if cache is None:
        cache = extensions.setdefault(EXTENSION, CountsCache())
    return cache


def state_overview(session: Session, as_of: date, thresholds: Thresholds,
                   fiscal_year: int | None) -> StateOverview:
    versions = current_versions(session, fiscal_year)
    keys = {v.version_id: (v.version_id, as_of, thresholds.green, thresholds.yellow)
            for v in versions}
    cache = _cache()
    found = cache.get_many(list(keys.values()))
    missing = [vid for vid, key in keys.items() if key not in found]
    if missing:
        computed = plan_counts(session, missing, as_of, thresholds)
        fresh = {keys[vid]: computed.get(vid, EMPTY) for vid in missing}
        cache.put_many(fresh)
        found.update(fresh)
    return assemble(versions, {vid: found[key] for vid, key in keys.items()})

"""The state overview with a per-app cache of what each stored version contributes.

A stored version never changes, so its counts on a fecha de corte (with given semáforo
thresholds) can be kept: each request asks the database only which version is current for each
POA (a new upload shows at once, whichever worker stored it) and computes the counts of versions
it has not seen. The cache lives in the Flask app (one per worker), is bounded, and holds only
immutable values.

Example and synthetic POAs (`loaders.examples`) are left out of the sums unless asked for; the
result says how many there are either way, so the page can say so.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date

import flask
from sqlalchemy.orm import Session

from loaders.check.progress import Thresholds
from loaders.examples import is_example
from loaders.store.overview import (
    CurrentVersion,
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


@dataclass(frozen=True)
class StateView:
    """The overview of one fiscal year and what it leaves out."""

    overview: StateOverview
    examples: int  # example or synthetic POAs of the year (with a version)
    real: int  # the other POAs of the year (with a version)
    with_examples: bool  # True when the examples are summed in `overview`

    @property
    def only_examples(self) -> bool:
        return self.examples > 0 and self.real == 0


def is_example_version(v: CurrentVersion) -> bool:
    return is_example(v.area, v.direccion)


def state_overview(session: Session, as_of: date, thresholds: Thresholds,
                   fiscal_year: int | None, *, with_examples: bool = False) -> StateView:
    """The POAs of `fiscal_year` summed per POA, municipio and state on `as_of`: only the real
    ones unless `with_examples`."""
    every = current_versions(session, fiscal_year, as_of)  # the version each corte shows
    examples = sum(map(is_example_version, every))
    versions = every if with_examples else [v for v in every if not is_example_version(v)]
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
    overview = assemble(versions, {vid: found[key] for vid, key in keys.items()})
    return StateView(overview, examples, len(every) - examples, with_examples)

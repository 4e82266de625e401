"""What the open data (`/datos`, its ZIP) and the API (`/api/v1/…`) compute, kept on disk and
shared by the workers, in the store of `dashboard.response_cache`.

A value is kept under the response cache's identity (the code and every setting but the secret
key, so the semáforo thresholds count), the data's revision (`response_cache.data_revision`:
it changes with every POA, version, spending workbook or movement stored, whichever worker
stored it, and is read *before* the value is computed) and what the caller says the value
depends on (e.g. the version and the fecha de corte): a new version or movement gives a new key
at once, so nothing stale is ever served. Without the response cache (`POA_CACHE_RESPUESTAS=0`,
or a disk it cannot use) every value is computed each time.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from typing import TypeVar

import flask

from dashboard.response_cache import EXPIRE, EXTENSION, ResponseCache, data_revision

T = TypeVar("T")
log = logging.getLogger(__name__)


def kept(kind: str, params: tuple, build: Callable[[], T]) -> tuple[T, bool]:
    """`build()`'s value for (`kind`, `params`) at the current data revision, and whether it
    came from the cache. `params` must name everything the value depends on besides the data,
    the settings and the code; the value must be picklable."""
    cache: ResponseCache | None = flask.current_app.extensions.get(EXTENSION)
    if cache is None:
        return build(), False
    parts = [cache.identity, repr(data_revision()), "abiertos", kind, repr(params)]
    key = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    try:
        value = cache.store.get(key)
    except Exception as exc:  # a cache that cannot be read never fails an answer
        log.warning("open-data cache not read: %s", exc)
        value = None
    if value is not None:
        return value, True
    value = build()
    try:
        cache.store.set(key, value, expire=EXPIRE)
    except Exception as exc:  # nor one that cannot be written
        log.warning("open-data cache not written: %s", exc)
    return value, False

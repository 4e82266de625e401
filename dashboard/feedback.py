"""What a user sees when a callback fails: one Spanish sentence in the page's alert, no traceback."""

from __future__ import annotations

import logging

import dash
from sqlalchemy.exc import OperationalError

from dashboard import auth, ids
from loaders.errors import BUSY_MESSAGE, StorageUnavailable
from loaders.store.errors import classify

UNEXPECTED = ("Ocurrió un error inesperado al actualizar la página; intente de nuevo. Si se repite, "
              "avise a la Unidad de Planeación.")
log = logging.getLogger(__name__)


def message_for(error: Exception) -> str:
    if isinstance(error, auth.Refused):
        return error.message
    if isinstance(error, StorageUnavailable):
        return error.message
    problem = classify(error) if isinstance(error, OperationalError) else None
    return problem.message if problem else UNEXPECTED


def on_callback_error(error: Exception) -> None:
    """Dash's app-wide `on_error`: show the sentence in the global alert; outputs stay as they were."""
    message = message_for(error)
    if message == UNEXPECTED:
        log.exception("callback failed", exc_info=error)
    else:
        log.warning("callback refused by the database: %s", error)
    dash.set_props(ids.ALERT, {"children": message, "is_open": True,
                               "color": "warning" if message == BUSY_MESSAGE else "danger"})

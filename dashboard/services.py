"""What a request needs (settings, database engine), attached to the Flask app by `create_app`."""

from __future__ import annotations

from dataclasses import dataclass

import flask
from sqlalchemy import Engine

from loaders.settings import Settings

EXTENSION = "tablero_poa"


@dataclass(frozen=True)
class Services:
    settings: Settings
    engine: Engine


def get_services() -> Services:
    """The services of the app serving the current request."""
    return flask.current_app.extensions[EXTENSION]

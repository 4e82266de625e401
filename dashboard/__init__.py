"""The Dash app of Tablero POA. Reads data only through `loaders`."""

from dashboard.app import create_app

__all__ = ["create_app"]

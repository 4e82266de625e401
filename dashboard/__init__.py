"""The Dash app of Tablero POA (`dashboard.app.create_app`). Reads data only through `loaders`."""

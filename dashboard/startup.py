"""What the index page carries so that Dash starts without asking the server again.

Once its scripts have run, Dash's renderer asks for the layout (`/_dash-layout`) and the list of
callbacks (`/_dash-dependencies`), then posts the first callbacks (the navbar's selection, the
page's router, the page's own): on an office line with 100 ms of latency that is three or four
round trips before the first chart, each of them after the one before.

The index page now carries, in `<script id="tablero-inicio" type="application/json">`:

- `layout` and `dependencies`: what those two addresses would answer to this very request (the
  same functions, under the same account);
- `token`: the response cache's token (`ResponseCache.token`, a hash of the code, the settings,
  the data's revision, who asks and today's date), only when reading is open and the response
  cache is on.

`assets/page_start.js` answers the renderer's first two requests from them. With a token, it
also keeps in the browser (`localStorage`) each page answer the server marks with that token
(`X-Tablero-Reuse`, set by the response cache on exactly the answers it keeps itself) and,
on a later visit whose index page gives the same token, answers the same request again without
the network while the page starts (until the person first clicks or types: from then on the data
may change under the page, and every answer comes from the server): the answer is the one the
server would send, since it would take it from its own cache under the same key. Any new
version, movement, account change, day or release gives a new token, and the browser drops what
it kept under the old one. Signing out clears the site's
storage (`Clear-Site-Data`, `dashboard/auth.py`).
"""

from __future__ import annotations

import json

import dash

from dashboard import response_cache

SCRIPT_ID = "tablero-inicio"


def start_data(app: dash.Dash) -> str:
    """The JSON the index page carries (see the module's docstring)."""
    cache = app.server.extensions.get(response_cache.EXTENSION)
    token = cache.token() if cache is not None and cache.browser_reuse else None
    # The layout and the callbacks as Dash's own views answer them, as JSON inside the object.
    layout = app.serve_layout().get_data(as_text=True)
    dependencies = app.dependencies().get_data(as_text=True)
    return ('{"base":' + json.dumps(app.config.requests_pathname_prefix)
            + ',"token":' + json.dumps(token)
            + ',"layout":' + layout + ',"dependencies":' + dependencies + "}")


def start_script(app: dash.Dash) -> str:
    """The `<script type="application/json">` tag for the index page. `<` is written as `\\u003c`
    (the same character to JSON), so no text in the data can close the tag."""
    data = start_data(app).replace("<", "\\u003c")
    return f'<script id="{SCRIPT_ID}" type="application/json">{data}</script>'

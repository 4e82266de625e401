"""How the app's files reach the browser (dashboard.delivery), through Flask's test client: the
index page leaves AG Grid and dash_table out and names every component suite by a versioned
folder; static files are compressed once at a high level (brotli 11, zstd 19, gzip 9), kept on
disk, and decompress to the very bytes of the file; pages and callbacks keep the fast level; and
each kind of address gets its own Cache-Control."""

from __future__ import annotations

import gzip
import html
import json
import os
import re
from pathlib import Path

import brotli
import dash
import dash_ag_grid
import pytest
from backports import zstd

from dashboard import delivery
from dashboard.app import create_app
from loaders.settings import Settings
from tests.test_access import PASSWORD, signed_in
from tests.test_security import router_request

DASH_DIR = Path(dash.__file__).parent
GRID_DIR = Path(dash_ag_grid.__file__).parent
STAMP = re.compile(r"^v[\w-]+m[0-9]+$")
SUITE = re.compile(r"^/_dash-component-suites/(?P<package>[^/]+)/_v/(?P<stamp>[^/]+)/(?P<path>.+)$")
CHROMIUM = {"Accept-Encoding": "gzip, deflate, br, zstd"}  # what Chromium 156 sends
DECODE = {"zstd": zstd.decompress, "br": brotli.decompress, "gzip": gzip.decompress}


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    app = create_app(Settings(data_dir=tmp_path_factory.mktemp("delivery") / "d"))
    yield app
    app.server.extensions["tablero_poa"].engine.dispose()


@pytest.fixture
def client(app):
    return app.server.test_client()


@pytest.fixture(scope="module")
def index(app) -> str:
    return app.server.test_client().get("/").get_data(as_text=True)


def scripts(page: str) -> list[str]:
    return re.findall(r'<script src="([^"]+)"', page)


def suite_url(page: str, path: str) -> str:
    return next(s for s in scripts(page) if s.endswith("/" + path))


def lazy_suites(page: str) -> dict:
    content = re.search(r'<meta name="tablero-lazy-suites" content="([^"]+)">', page).group(1)
    return json.loads(html.unescape(content))


def without_end_id(page: bytes) -> bytes:
    """The page without Dash's `end_id`, new on every request."""
    return re.sub(rb'"end_id":"[^"]*"', b"", page)


# -- the index page --------------------------------------------------------------------------------


def test_the_index_leaves_out_ag_grid_and_dash_table_and_names_where_they_are(client, index):
    sources = scripts(index)
    assert not [s for s in sources if "dash_ag_grid" in s or "dash_table" in s]
    assert not [s for s in sources if "mantine" in s or "polyfill" in s]
    suites = lazy_suites(index)
    assert set(suites) == {"dash_ag_grid", "dash_table", "dash_mantine_components"}
    assert suites["dash_ag_grid"]["components"] == ["AgGrid"]
    assert suites["dash_table"]["components"] == ["DataTable"]
    assert not suites["dash_ag_grid"]["onUse"] and not suites["dash_table"]["onUse"]
    # Mantine waits until a date input is pressed, and is drawn in the dashboard's theme, Spanish
    mantine = suites["dash_mantine_components"]
    assert mantine["components"] == ["DatePickerInput"] and mantine["onUse"] is True
    assert mantine["options"]["theme"]["primaryColor"] == "navy"
    assert mantine["options"]["theme"]["colors"]["navy"][6] == "#2c3e50"
    assert mantine["options"]["dates"] == {"locale": "es", "firstDayOfWeek": 1, "weekendDays": []}
    assert SUITE.match(mantine["src"])["path"] == "dash_mantine_components.js"
    assert client.get(mantine["src"]).status_code == 200
    # the one global Dash's bundles still take from the polyfill left out
    assert [s for s in sources if s.startswith("/assets/regenerator-runtime.js")]
    grid = SUITE.match(suites["dash_ag_grid"]["src"])
    assert grid["package"] == "dash_ag_grid" and grid["path"] == "dash_ag_grid.min.js"
    stamp = f"v{dash_ag_grid.__version__.replace('.', '_')}m"
    assert grid["stamp"].startswith(stamp) and STAMP.match(grid["stamp"])
    table = SUITE.match(suites["dash_table"]["src"])
    assert table["package"] == "dash" and table["path"] == "dash_table/bundle.js"
    # the addresses are served: the library's own bytes
    for src, source in ((grid[0], GRID_DIR / "dash_ag_grid.min.js"),
                        (table[0], DASH_DIR / "dash_table" / "bundle.js")):
        response = client.get(src)
        assert response.status_code == 200, src
        assert response.get_data() == source.read_bytes(), src
    # the stand-in that loads them is an asset of every page, before Dash's renderer
    names = [s.split("?")[0] for s in sources]
    renderer = next(i for i, n in enumerate(names) if n.endswith("dash_renderer.min.js"))
    assert names.index("/assets/lazy_suites.js") < renderer


def test_every_component_suite_is_asked_for_under_its_versioned_folder(client, index):
    suites = [s for s in scripts(index) if s.startswith("/_dash-component-suites/")]
    assert len(suites) == 8  # react, react-dom, prop-types, dbc, html, dcc (2), renderer
    for src in suites:
        match = SUITE.match(src)
        assert match and STAMP.match(match["stamp"]), src
        assert not re.search(r"\.v[\w-]+m\d+\.", match["path"]), src  # no fingerprint left
    dcc = SUITE.match(suite_url(index, "dcc/dash_core_components.js"))
    assert dcc["stamp"] == f"v{dash.__version__.replace('.', '_')}m" + str(
        int((DASH_DIR / "dcc" / "dash_core_components.js").stat().st_mtime))
    # webpack's chunks are looked for beside their bundle: in the same versioned folder
    chunk = f"/_dash-component-suites/dash/_v/{dcc['stamp']}/dcc/async-graph.js"
    response = client.get(chunk)
    assert response.status_code == 200
    assert response.get_data() == (DASH_DIR / "dcc" / "async-graph.js").read_bytes()
    assert response.mimetype in ("application/javascript", "text/javascript")


def test_the_versioned_folders_serve_only_what_dash_registered(client, index):
    dcc = SUITE.match(suite_url(index, "dcc/dash_core_components.js"))
    base = f"/_dash-component-suites/dash/_v/{dcc['stamp']}"
    assert client.get(f"{base}/dcc/async-graph.js").status_code == 200
    for path in (f"{base}/dcc/nothing.js",  # not a file of the package
                 f"{base}/__init__.py",  # a file, not a registered one
                 f"{base}/dcc/../dcc/async-graph.js",
                 "/_dash-component-suites/dash/_v/not-a-stamp/dcc/async-graph.js",
                 "/_dash-component-suites/no_such_package/_v/v1m1/x.js"):
        assert client.get(path).status_code == 404, path


# -- compression -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("accept", "encoding", "level"), [
    (CHROMIUM["Accept-Encoding"], "br", lambda d: brotli.compress(d, quality=11)),
    ("gzip, deflate, zstd", "zstd", lambda d: zstd.compress(d, 19)),
    ("gzip", "gzip", None),
])
def test_bundles_are_compressed_hard_and_decompress_to_the_file(client, index, accept, encoding,
                                                                level):
    url = suite_url(index, "dcc/dash_core_components-shared.js")
    source = (DASH_DIR / "dcc" / "dash_core_components-shared.js").read_bytes()
    response = client.get(url, headers={"Accept-Encoding": accept})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == encoding
    assert "Accept-Encoding" in response.headers["Vary"]
    assert DECODE[encoding](response.data) == source
    assert int(response.headers["Content-Length"]) == len(response.data)
    if level is not None:  # the high level, not flask-compress's fast default
        assert response.data == level(source)
    else:
        assert len(response.data) <= len(gzip.compress(source, 9)) + 32
        assert len(response.data) < len(gzip.compress(source, 1))
    plain = client.get(url)
    assert plain.headers.get("Content-Encoding") is None
    assert plain.get_data() == source


def test_assets_are_compressed_hard_too(client, index):
    url = next(s for s in scripts(index) if s.startswith("/assets/plotly-locale-es.js"))
    source = (Path(delivery.__file__).parent / "assets" / "plotly-locale-es.js").read_bytes()
    response = client.get(url, headers=CHROMIUM)
    assert response.headers["Content-Encoding"] == "br"
    assert response.data == brotli.compress(source, quality=11)
    assert brotli.decompress(response.data) == source


def test_a_compressed_file_is_kept_on_disk_and_served_from_there(app, client, index):
    url = suite_url(index, "html/dash_html_components.min.js")
    first = client.get(url, headers=CHROMIUM)
    assert first.headers["Content-Encoding"] == "br"
    folder = app.server.extensions["tablero_poa"].settings.data_dir / "cache" / "comprimidos"
    kept = [p for p in folder.iterdir() if p.read_bytes() == first.data]
    assert len(kept) == 1
    # the next answer is read from the kept copy, not compressed again
    marker = brotli.compress(b"/* copia guardada */", quality=3)
    kept[0].write_bytes(marker)
    second = client.get(url, headers=CHROMIUM)
    assert second.data == marker
    # …and only for that encoding: gzip has its own copy
    zipped = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert gzip.decompress(zipped.data) == (
        DASH_DIR / "html" / "dash_html_components.min.js").read_bytes()
    kept[0].write_bytes(first.data)


def test_pages_and_callbacks_keep_the_fast_level(client):
    plain = client.get("/metas").get_data()
    page = client.get("/metas", headers=CHROMIUM)
    assert page.headers["Content-Encoding"] == "zstd"
    decoded = zstd.decompress(page.data)
    assert without_end_id(decoded) == without_end_id(plain)  # the one part new each time
    assert page.data == zstd.compress(decoded, 3)
    body = router_request("/calidad", "?corte=2026-11-21")
    answer = client.post("/_dash-update-component", json=body, headers=CHROMIUM)
    assert answer.headers["Content-Encoding"] == "zstd"
    decoded = zstd.decompress(answer.data)
    assert answer.data == zstd.compress(decoded, 3)
    assert "Calidad de datos" in json.dumps(json.loads(decoded), ensure_ascii=False)
    br = client.get("/metas", headers={"Accept-Encoding": "br"})
    assert br.headers["Content-Encoding"] == "br"
    decoded = brotli.decompress(br.data)
    assert without_end_id(decoded) == without_end_id(plain)
    assert br.data == brotli.compress(decoded, quality=4)


def test_the_kept_copies_stay_within_their_budget(tmp_path):
    store = delivery.CompressedFiles(tmp_path / "c", max_bytes=250)
    for n in range(5):
        store.set(f"zstd;archivo{n}", bytes([n]) * 100)
        os.utime(store._file(f"zstd;archivo{n}"), (1000 + n, 1000 + n))  # written in that order
    kept = sorted(p.read_bytes()[0] for p in (tmp_path / "c").iterdir())
    assert kept == [3, 4]  # 200 bytes: the two newest
    assert store.get("zstd;archivo4") == bytes([4]) * 100
    assert store.get("zstd;archivo0") is None
    unwritable = delivery.CompressedFiles(tmp_path / "archivo" / "c")
    (tmp_path / "archivo").write_text("no es una carpeta")
    unwritable.set("zstd;x", b"x")  # logged, not raised
    assert unwritable.get("zstd;x") is None


# -- Cache-Control ----------------------------------------------------------------------------------


def test_versioned_addresses_are_cached_for_a_year_and_never_revalidated(client, index):
    immutable = [
        *[s for s in scripts(index) if s.startswith("/_dash-component-suites/")],
        lazy_suites(index)["dash_ag_grid"]["src"],
        *[s for s in scripts(index) if s.startswith("/assets/")],
        re.search(r'<link rel="stylesheet" href="(/assets/tablero\.css\?m=[^"]+)"', index)[1],
        # the dashboard's own small icon (.ci/vendor/favicon.py), not Dash's 15 KB one
        re.search(r'<link rel="icon" type="image/x-icon" href="(/assets/favicon\.ico\?m=[^"]+)"',
                  index)[1],
        # Dash's own fingerprinted names still work, and are as final
        "/_dash-component-suites/dash/dcc/dash_core_components.v4_4_1m1.js",
    ]
    for url in immutable:
        response = client.get(url, headers=CHROMIUM)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable", url
    # the same files under addresses that do not name their version: revalidated as before
    for url in ("/assets/tablero.css", "/assets/tablero.css?m=1234.5",
                "/_dash-component-suites/dash/dcc/async-graph.js", "/_favicon.ico"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "immutable" not in response.headers.get("Cache-Control", ""), url
        assert "max-age=31536000" not in response.headers.get("Cache-Control", ""), url


def test_pages_callbacks_and_downloads_keep_their_caching(client):
    for response in (client.get("/"), client.get("/_dash-layout"), client.get("/_dash-dependencies"),
                     client.post("/_dash-update-component",
                                 json=router_request("/metas", "?corte=2026-11-21"))):
        assert response.status_code == 200
        assert "max-age" not in response.headers.get("Cache-Control", "")


def test_closed_reading_keeps_pages_out_of_caches_but_not_bundles(tmp_path):
    closed = create_app(Settings(data_dir=tmp_path / "d", public_read=False))
    try:
        from loaders.store.accounts import add_user

        add_user(closed.server.extensions["tablero_poa"].engine, "lectora", PASSWORD, "consulta",
                 by="prueba")
        client = signed_in(closed, "lectora")
        page = client.get("/metas")
        assert page.headers["Cache-Control"] == "no-store"
        assert client.get("/_dash-layout").headers["Cache-Control"] == "no-store"
        html_text = page.get_data(as_text=True)
        bundle = client.get(suite_url(html_text, "dcc/dash_core_components.js"))
        assert bundle.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        grid = client.get(lazy_suites(html_text)["dash_ag_grid"]["src"])
        assert grid.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        # the sign-in page needs the bundles before anyone signs in
        anonymous = closed.server.test_client().get(
            suite_url(html_text, "dcc/dash_core_components.js"))
        assert anonymous.status_code == 200
    finally:
        closed.server.extensions["tablero_poa"].engine.dispose()


def test_the_graph_chunk_is_named_in_the_index_beside_its_bundle(client, index):
    links = re.findall(r'<link rel="preload" as="script" href="([^"]+)">', index)
    dcc = SUITE.match(suite_url(index, "dcc/dash_core_components.js"))
    assert links == [f"/_dash-component-suites/dash/_v/{dcc['stamp']}/dcc/async-graph.js"]
    response = client.get(links[0], headers=CHROMIUM)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"

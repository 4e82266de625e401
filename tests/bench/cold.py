"""Cold page load in headless Chromium: the real app against a bare Dash page with one graph.

Each repetition starts a new Chromium (chromedriver gives it a new, empty profile: nothing
cached) and measures, with the page's own clock (`performance.now()`, zero at navigation start),
when the bars of the page's main graph are in the DOM: a MutationObserver installed before any
of the page's scripts runs records the moment. Chromium's start-up is not timed.

Both sites are served the same way, by Werkzeug's threaded server in this process, both with
compression on (Dash's `compress=True`, flask-compress). Chromium would negotiate zstd with
flask-compress 1.25; the browser is told to ask for `gzip, deflate` (CDP extra headers) so the
bundles travel gzipped, and the untimed first load of each site checks, from inside the page,
that every `/_dash-component-suites/` bundle came with `Content-Encoding: gzip` (flask-compress
never gzips a streamed file: the app's own `/assets/` come deflated). The bare page is
`dash.Dash()` with a `dcc.Graph` holding the same figure the page draws (for `/`, the Resumen's
semáforo bar). The times are wall-clock: a browser's load is waiting as much as computing.
"""

from __future__ import annotations

import contextlib
import io
import logging
import tempfile
import threading
import time
from pathlib import Path

import dash
from dash import dcc, html
from werkzeug.serving import make_server

from dashboard.figures import poa as figures
from dashboard.state import page_data
from loaders.settings import Settings
from tests.bench.common import CORTE, Paired, Timing
from tests.bench.pages import QUERY, in_app
from tests.browser import LiveApp, chromium

TARGET = 1.2
GZIP = "gzip, deflate"  # what the browser asks for; None: Chromium's own (zstd, br, ...)
# The real page's main graph, and the one graph of the bare page.
PAGES = {"/": "#semaforo-chart", "/cronograma": "#gantt-chart"}
BARE_GRAPH = "#grafica"
RENDERED = " .main-svg .barlayer .point path"
OBSERVER = """
(() => {
  const selector = %r;
  const seen = () => {
    if (window.__benchRendered === undefined && document.querySelector(selector)) {
      window.__benchRendered = performance.now();
      observer.disconnect();
    }
  };
  const observer = new MutationObserver(seen);
  observer.observe(document, {childList: true, subtree: true});
})();
"""


class Served:
    """A WSGI app on a free local port, in a thread."""

    def __init__(self, wsgi_app) -> None:
        self.server = make_server("127.0.0.1", 0, wsgi_app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()


def bare_page(figure: dict) -> dash.Dash:
    app = dash.Dash(__name__, compress=True)
    app.layout = html.Div([dcc.Graph(id=BARE_GRAPH[1:], figure=figure,
                                     style={"height": f"{figure['layout']['height']}px"})])
    return app


ENCODINGS = """
const done = arguments[arguments.length - 1];
const urls = [...document.querySelectorAll("script[src]")].map(s => s.src).concat(
  [...document.querySelectorAll("link[rel=stylesheet]")].map(l => l.href));
Promise.all(urls.map(u => fetch(u).then(r => [new URL(u).pathname,
                                              r.headers.get("content-encoding")])))
  .then(done, e => done(String(e)));
"""


def encodings_check(driver) -> dict:
    """Each script and stylesheet of the loaded page with its Content-Encoding (from the cache)."""
    found = dict(driver.execute_async_script(ENCODINGS))
    bundles = {u: e for u, e in found.items() if u.startswith("/_dash-component-suites/")}
    return {"encodings": found, "bundles": len(bundles),
            "bundles_not_gzip": sorted(u for u, e in bundles.items() if e != "gzip")}


def load_once(url: str, selector: str, accept: str | None, *, check: bool = False,
              timeout: float = 60) -> dict:
    """One cold load in a new Chromium: ms from navigation start to the graph's bars."""
    driver = chromium()
    driver.set_script_timeout(timeout)
    try:
        if accept:
            driver.execute_cdp_cmd("Network.enable", {})
            driver.execute_cdp_cmd("Network.setExtraHTTPHeaders",
                                   {"headers": {"Accept-Encoding": accept}})
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument",
                               {"source": OBSERVER % (selector + RENDERED)})
        driver.get(url)
        deadline = time.monotonic() + timeout
        while True:
            rendered = driver.execute_script("return window.__benchRendered")
            if rendered is not None:
                break
            if time.monotonic() > deadline:
                raise TimeoutError(f"{url}: {selector} not drawn in {timeout} s")
            time.sleep(0.05)
        resources = driver.execute_script(
            "return performance.getEntriesByType('resource').map(r => "
            "({name: r.name, transfer: r.transferSize, encoded: r.encodedBodySize, "
            "decoded: r.decodedBodySize}))")
        out = {"ms": rendered, "requests": len(resources) + 1,
               "transfer_bytes": sum(r["transfer"] for r in resources),
               "decoded_bytes": sum(r["decoded"] for r in resources)}
        if check:
            out["check"] = encodings_check(driver)
        return out
    finally:
        driver.quit()


def run(reps: int = 5, pages: tuple[str, ...] = ("/",), *, accept: str | None = GZIP,
        log=print):
    from tests.bench.common import Measurement

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    out: list[Measurement] = []
    with tempfile.TemporaryDirectory(prefix="bench-cold-") as tmp:
        with contextlib.redirect_stdout(io.StringIO()):  # the admin password note
            live = LiveApp(Settings(data_dir=Path(tmp) / "data")).start()
        try:
            data = in_app(live.app, lambda: page_data(QUERY))
            view = data.view
            page_figures = {
                "/": figures.semaforo_bar_spec(view.counts),
                "/cronograma": figures.gantt_spec(view.activities, today=view.as_of,
                                                  year=view.fiscal_year or view.as_of.year),
            }
            for path in pages:
                if path not in PAGES:
                    raise ValueError(f"no main graph known for {path}")
                bare = Served(bare_page(page_figures[path]).server)
                try:
                    app_url = f"{live.url}{path}?corte={CORTE}"
                    # Untimed: the servers' first requests (Dash's own set-up, imports), and
                    # the check that the bundles came compressed.
                    checks = {
                        "tablero": load_once(app_url, PAGES[path], accept, check=True)["check"],
                        "piso": load_once(bare.url + "/", BARE_GRAPH, accept, check=True)["check"],
                    }
                    for side, check in checks.items():
                        if accept == GZIP and (check["bundles_not_gzip"] or not check["bundles"]):
                            raise AssertionError(f"{side}: bundles without gzip: {check}")
                    paired, details = Paired(), {"app": [], "floor": []}
                    for i in range(reps):
                        order = [("app", app_url, PAGES[path]),
                                 ("floor", bare.url + "/", BARE_GRAPH)]
                        for side, url, selector in order if i % 2 == 0 else order[::-1]:
                            result = load_once(url, selector, accept)
                            details[side].append(result)
                            timing = Timing(cpu=float("nan"), wall=result["ms"] / 1000)
                            (paired.app if side == "app" else paired.floor).append(timing)
                    name = f"Carga en frío de {path}" + (" (gzip)" if accept == GZIP else "")
                    m = paired.measurement("carga", name, TARGET, clock="wall",
                                           accept_encoding=accept or "chromium",
                                           encodings=checks, loads=details)
                    log(f"  {name}: {m.app * 1000:.0f} ms / {m.floor * 1000:.0f} ms")
                    out.append(m)
                finally:
                    bare.stop()
        finally:
            live.stop()
    return out

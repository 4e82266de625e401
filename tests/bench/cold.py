"""Page loads in headless Chromium: the real app against a bare Dash page with the same chart.

For each page (`/`, `/metas`, `/cronograma`, `/presupuesto`) the marker is the page's main chart
(the Resumen's semáforo bar, the first gauge of Metas, the Gantt, Presupuesto's bars by partida):
the time is, on the page's own clock (`performance.now()`, zero at navigation start), the moment
its first bar, arc or gauge is in the DOM, recorded by a MutationObserver installed before any of
the page's scripts runs. Chromium's start-up is never timed. The bare page is `dash.Dash()` with
one `dcc.Graph` holding that very figure (taken from the page's layout, with its config and
height), served the same way (Werkzeug's threaded server, flask-compress on: `compress=True`) but
from a process that imports nothing but Dash, so it loads only Dash's own bundles and the full
`plotly.min.js` that `dcc.Graph` fetches.

Each repetition, on each side, is three visits:

1. **Cold, throttled**: a new Chromium with an empty profile, Chrome DevTools network emulation
   (`Network.emulateNetworkConditions`: 4 Mbit/s down and up, 100 ms round trip), the browser's
   own `Accept-Encoding` (Chromium asks for `gzip, deflate, br, zstd`). Once the chart is drawn
   the visit waits until the network has been quiet for a moment, and counts the **bytes over the
   wire**: the `encodedDataLength` of every `Network.loadingFinished` event (headers and body as
   received, from the performance log) of a request to the served site, the page itself included.
   The Resource Timing API's `transferSize` and body sizes (navigation entry plus resources) are
   kept beside it as a check.
2. **Repeat, throttled**: Chromium is closed and started again on the same profile (its HTTP cache
   on disk, as a council member coming back), same throttle: time to the chart and bytes again.
3. **Cold, unthrottled**: a new Chromium, empty profile, no emulation.

Before them, one untimed unthrottled visit of each side lets the servers do their first-request
work (Dash's set-up; the tablero reads the version and caches its figures, as after any earlier
visitor). App and floor alternate repetition by repetition. `accept=GZIP` makes the browser ask
for `gzip, deflate` only (CDP extra headers), as behind an old proxy. Every request's size,
status, Content-Encoding, Cache-Control and whether the cache answered are kept in the JSON.
"""

from __future__ import annotations

import contextlib
import http.server
import io
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import dash
import plotly.utils
from dash import dcc
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

from dashboard.app import ASSETS_DIR
from dashboard.delivery import IMMUTABLE
from loaders.settings import Settings
from tests.bench.common import CORTE, KIB, Measurement, Paired, Timing, fmt_kib, fmt_value
from tests.bench.pages import QUERY, in_app
from tests.browser import CHROMIUM_FLAGS, LiveApp

GZIP = "gzip, deflate"  # what the browser asks for in gzip mode; None: Chromium's own
# Each page's main chart: a CSS selector of its dcc.Graph (an id, or a class every such graph
# has; the first drawn counts).
PAGES = {
    "/": "#semaforo-chart",
    "/metas": ".gauge-graph",
    "/cronograma": "#gantt-chart",
    "/presupuesto": "#budget-by-partida",
}
BARE_GRAPH = "#grafica"
# What Plotly has drawn once a trace of this type is on screen.
DRAWN = {
    "bar": ".main-svg .barlayer .point path",
    "indicator": ".main-svg .indicatorlayer .angular path",
}
# Targets of issue 17.
TARGET_THROTTLED = 0.6  # ratio to the bare page, cold and throttled
LIMIT_BYTES = 700 * KIB  # over the wire, cold
LIMIT_REPEAT_S = 0.35  # to the first chart, repeat visit, throttled
TARGET_UNTHROTTLED = 1.0  # ratio to the bare page, cold, no throttle
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
MARKS = """
return Object.fromEntries(performance.getEntriesByType('mark')
  .map(m => [m.name, Math.round(m.startTime)]));
"""
RESOURCES = """
return [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')]
  .filter(e => e.name.startsWith(location.origin + '/'))
  .map(e => ({path: new URL(e.name).pathname, transfer: e.transferSize,
               encoded: e.encodedBodySize, decoded: e.decodedBodySize,
               start: Math.round(e.startTime), end: Math.round(e.responseEnd)}));
"""


@dataclass(frozen=True)
class Network:
    """A line emulated by Chrome DevTools: `mbps` megabits per second each way, `rtt_ms`."""

    mbps: float
    rtt_ms: float

    def cdp(self) -> dict:
        rate = self.mbps * 1_000_000 / 8  # bytes per second
        return {"offline": False, "latency": self.rtt_ms, "downloadThroughput": rate,
                "uploadThroughput": rate}

    @property
    def label(self) -> str:
        return f"{self.mbps:g} Mbit/s, {self.rtt_ms:g} ms"


OFFICE = Network(mbps=4, rtt_ms=100)  # a common municipal office line (issue 17)


# -- the pages' charts and the bare page -----------------------------------------------------------


def _matches(node, selector: str) -> bool:
    if selector.startswith("#"):
        return getattr(node, "id", None) == selector[1:]
    return selector[1:] in (getattr(node, "className", None) or "").split()


def find_graph(node, selector: str) -> dcc.Graph | None:
    """The first dcc.Graph matching `selector` (`#id` or `.class`) in a layout, depth first."""
    if isinstance(node, list | tuple):
        for child in node:
            found = find_graph(child, selector)
            if found is not None:
                return found
        return None
    if isinstance(node, dcc.Graph) and _matches(node, selector):
        return node
    if isinstance(node, dash.development.base_component.Component):
        return find_graph(getattr(node, "children", None), selector)
    return None


def figure_dict(figure) -> dict:
    return figure if isinstance(figure, dict) else figure.to_plotly_json()


def main_graph(app: dash.Dash, path: str) -> dcc.Graph:
    """The page's main chart as its layout builds it (with the sample data, at `CORTE`)."""
    page = next(p for p in dash.page_registry.values() if p["path"] == path)
    layout = in_app(app, lambda: page["layout"](**QUERY))
    graph = find_graph(layout, PAGES[path])
    if graph is None:
        raise LookupError(f"{path}: no {PAGES[path]} in the page's layout")
    return graph


def drawn_selector(graph_selector: str, figure: dict) -> str:
    """What is in the DOM once the figure's first trace is drawn inside `graph_selector`."""
    trace_type = (figure.get("data") or [{}])[0].get("type", "scatter")
    if trace_type not in DRAWN:
        raise ValueError(f"no drawn marker known for {trace_type} traces")
    return f"{graph_selector} {DRAWN[trace_type]}"


# The bare page runs in a process of its own that imports only Dash: Dash puts on every page the
# bundles of every component library imported in its process, and this one has imported the
# tablero's (AG Grid, Mantine, Bootstrap components), which a bare `dash.Dash()` page never loads.
# No `assets/` folder either (the child runs in the repository, where the tablero's is).
BARE_SERVER = """
import json, logging, sys
import dash
from dash import dcc, html
from werkzeug.serving import make_server

spec = json.loads(sys.stdin.read())
app = dash.Dash("bare", compress=True, include_assets_files=False)
app.layout = html.Div([dcc.Graph(id=spec["id"], figure=spec["figure"], config=spec["config"],
                                 style=spec["style"])])
server = make_server("127.0.0.1", 0, app.server, threaded=True)
logging.getLogger("werkzeug").setLevel(logging.WARNING)
print(server.server_port, flush=True)
server.serve_forever()
"""


class BarePage:
    """A plain `dash.Dash()` page drawing `graph`'s figure with its config and height, served by
    Werkzeug (threaded, flask-compress on) in a child process; `stop()` ends it."""

    def __init__(self, graph: dcc.Graph) -> None:
        spec = {"id": BARE_GRAPH[1:], "figure": figure_dict(graph.figure),
                "config": getattr(graph, "config", None) or {},
                "style": getattr(graph, "style", None) or {}}
        self.process = subprocess.Popen(
            [sys.executable, "-c", BARE_SERVER], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            text=True)
        self.process.stdin.write(json.dumps(spec, cls=plotly.utils.PlotlyJSONEncoder))
        self.process.stdin.close()
        port = self.process.stdout.readline().strip()
        if not port.isdigit():
            self.stop()
            raise RuntimeError("the bare page's server did not start")
        self.url = f"http://127.0.0.1:{port}"

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


MINIMAL_BUNDLE = "plotly-tablero.min.js"


class MinimalPage:
    """The least any page can do to draw `graph`'s figure: a static page with the tablero's Plotly
    bundle (kept a year by the browser, as the tablero's files) and one `Plotly.newPlot` with the
    figure written into the page; no Dash, no React, no request after the bundle. Served by a
    thread of this process; its repeat visit is what the browser and this machine need at the
    least (the tablero's is compared with it, for information)."""

    def __init__(self, graph: dcc.Graph, assets: Path) -> None:
        figure = json.dumps(figure_dict(graph.figure), cls=plotly.utils.PlotlyJSONEncoder)
        figure = figure.replace("<", "\\u003c")  # no text of the figure can end the script
        height = (getattr(graph, "style", None) or {}).get("height", "450px")
        page = ("<!doctype html><html lang='es-MX'><head><meta charset='utf-8'>"
                "<link rel='icon' href='data:,'>"  # no request for an icon
                f"<script src='/{MINIMAL_BUNDLE}'></script></head><body>"
                f"<div id='{BARE_GRAPH[1:]}' style='height:{height}'></div><script>"
                f"Plotly.newPlot('{BARE_GRAPH[1:]}', {figure});"
                "</script></body></html>").encode()
        files = {"/": (page, "text/html; charset=utf-8", "no-cache"),
                 f"/{MINIMAL_BUNDLE}": ((assets / MINIMAL_BUNDLE).read_bytes(),
                                        "text/javascript", IMMUTABLE)}

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                body, kind, cache = files.get(self.path.split("?")[0], (b"", "text/plain", ""))
                self.send_response(200 if body else 404)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                if cache:
                    self.send_header("Cache-Control", cache)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):  # quiet
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


# -- one visit --------------------------------------------------------------------------------------


def browser(profile: Path | None = None) -> webdriver.Chrome:
    """Chromium started as `tests.browser.chromium` starts it, with the performance log (CDP network
    events) on and, given a folder, that profile: it keeps its HTTP cache between launches."""
    binary = (os.environ.get("POA_TEST_CHROMIUM") or shutil.which("chromium")
              or "/usr/bin/chromium")
    driver_path = (os.environ.get("POA_TEST_CHROMEDRIVER") or shutil.which("chromedriver")
                   or "/usr/bin/chromedriver")
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    if profile is not None:
        options.add_argument(f"--user-data-dir={profile}")
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    # `get` returns at DOMContentLoaded: the chart is waited for, not the load event.
    options.page_load_strategy = "eager"
    options.add_experimental_option("perfLoggingPrefs", {"enableNetwork": True,
                                                         "enablePage": False})
    return webdriver.Chrome(service=Service(driver_path), options=options)


def _events(driver) -> list[dict]:
    return [json.loads(entry["message"])["message"] for entry in driver.get_log("performance")]


def over_the_wire(events: list[dict], origin: str) -> list[dict]:
    """Every finished request to `origin`: its path, the bytes received for it (headers and
    body, as on the wire: 0 when the cache answered), status, Content-Encoding, cache."""
    urls: dict[str, str] = {}
    responses: dict[str, dict] = {}
    cached: set[str] = set()
    out = []
    for event in events:
        method, params = event.get("method"), event.get("params", {})
        request_id = params.get("requestId")
        if method == "Network.requestWillBeSent":
            urls[request_id] = params["request"]["url"]
        elif method == "Network.responseReceived":
            responses[request_id] = params["response"]
        elif method == "Network.requestServedFromCache":
            cached.add(request_id)
        elif method == "Network.loadingFinished":
            url = urls.get(request_id, "")
            if not url.startswith(origin + "/"):
                continue  # the browser's own pages (a profile's new tab), data: URLs
            response = responses.get(request_id, {})
            headers = {k.lower(): v for k, v in (response.get("headers") or {}).items()}
            out.append({
                "path": urlsplit(url).path, "bytes": int(params.get("encodedDataLength") or 0),
                "status": response.get("status"), "encoding": headers.get("content-encoding"),
                "cache_control": headers.get("cache-control"),
                "cached": request_id in cached or bool(response.get("fromDiskCache")
                                                       or response.get("fromMemoryCache")),
            })
    return out


def visit(driver, url: str, selector: str, *, network: Network | None, accept: str | None,
          quiet_s: float | None = 1.0, timeout: float = 90) -> dict:
    """One navigation: ms from its start to `selector` in the DOM; with `quiet_s`, then waits
    until no network event came for that long and counts what came over the wire."""
    driver.set_script_timeout(timeout)
    driver.set_page_load_timeout(timeout)
    driver.execute_cdp_cmd("Network.enable", {})
    if network is not None:
        driver.execute_cdp_cmd("Network.emulateNetworkConditions", network.cdp())
    if accept:
        driver.execute_cdp_cmd("Network.setExtraHTTPHeaders",
                               {"headers": {"Accept-Encoding": accept}})
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument",
                           {"source": OBSERVER % selector})
    _events(driver)  # what the browser did before: its start page
    driver.get(url)
    deadline = time.monotonic() + timeout
    events: list[dict] = []
    while (rendered := driver.execute_script("return window.__benchRendered")) is None:
        if time.monotonic() > deadline:
            raise TimeoutError(f"{url}: {selector} not drawn in {timeout} s")
        events += _events(driver)
        time.sleep(0.2)  # the page keeps its own time: polling less often only spares the CPU
    out: dict = {"ms": rendered}
    if quiet_s is None:
        return out
    last = time.monotonic()
    while time.monotonic() - last < quiet_s:
        if time.monotonic() > deadline:
            raise TimeoutError(f"{url}: the network never went quiet in {timeout} s")
        time.sleep(0.2)
        new = [e for e in _events(driver) if e.get("method", "").startswith("Network.")]
        if new:
            events += new
            last = time.monotonic()
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(url))
    requests = over_the_wire(events, origin)
    timing = driver.execute_script(RESOURCES)
    out["marks"] = driver.execute_script(MARKS)
    out.update({
        "bytes": sum(r["bytes"] for r in requests), "requests": requests,
        "timing_transfer_bytes": sum(r["transfer"] for r in timing),
        "timing_body_bytes": sum(r["encoded"] for r in timing),
        "timing_decoded_bytes": sum(r["decoded"] for r in timing),
        "timing": timing,
    })
    return out


def visits(url: str, selector: str, network: Network, accept: str | None,
           quiet_s: float, unthrottled: bool = True) -> dict:
    """A side's three visits of one repetition: cold and repeat throttled, cold unthrottled
    (unless `unthrottled` is false)."""
    profile = Path(tempfile.mkdtemp(prefix="bench-profile-"))
    try:
        out = {}
        for name in ("cold", "repeat"):  # the same profile: the repeat finds the cache warm
            driver = browser(profile)
            try:
                out[name] = visit(driver, url, selector, network=network, accept=accept,
                                  quiet_s=quiet_s)
            finally:
                driver.quit()
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    if not unthrottled:
        return out
    driver = browser()
    try:
        out["unthrottled"] = visit(driver, url, selector, network=None, accept=accept,
                                   quiet_s=None)
    finally:
        driver.quit()
    return out


# -- the group --------------------------------------------------------------------------------------


def milestones(visit: dict) -> dict[str, float]:
    """Where a visit's time went, in ms on the page's clock: the files the page names all in
    (`archivos`), Dash asks for its layout (`_dash-layout`, after running those scripts; answered
    from the index page, `assets/page_start.js` marks the moment), the last callback answer
    arrives from the server (`llamadas`) or from the browser's own copies (`respuestas
    guardadas`), the chart is drawn (`gráfica`)."""
    timing, marks = visit["timing"], visit.get("marks") or {}
    layout = min((t["start"] for t in timing if t["path"] == "/_dash-layout"),
                 default=marks.get("tablero-inicio:_dash-layout"))
    files = [t["end"] for t in timing if t["path"].endswith((".js", ".css"))
             and (layout is None or t["start"] < layout)]
    answers = [t["end"] for t in timing if t["path"] == "/_dash-update-component"]
    out = {"archivos": max(files, default=0), "_dash-layout": layout or 0}
    if answers:
        out["llamadas"] = max(answers)
    if "tablero-inicio:respuesta" in marks:  # the last answer the browser kept
        out["respuestas guardadas"] = marks["tablero-inicio:respuesta"]
    out["gráfica"] = round(visit["ms"])
    return out


def biggest(requests: list[dict], n: int = 6) -> list[tuple[str, int]]:
    return [(r["path"], r["bytes"]) for r in sorted(requests, key=lambda r: -r["bytes"])[:n]]


def _values(details: dict, visit_name: str, field: str) -> dict[str, list[float]]:
    """One figure of one visit, per side, repetition by repetition."""
    return {side: [d[visit_name][field] for d in details[side]] for side in ("app", "floor")}


def page_measurements(path: str, details: dict, network: Network, accept: str | None,
                      group: str = "carga") -> list[Measurement]:
    """The five rows of one page from its repetitions (`details`: side -> list of visits)."""
    gzip = " (gzip)" if accept == GZIP else ""
    extra = {"accept_encoding": accept or "chromium", "network": network.cdp()}

    def time_row(visit_name, name, target=None, limit=None):
        ms = _values(details, visit_name, "ms")
        paired = Paired(*[[Timing(cpu=float("nan"), wall=v / 1000) for v in ms[side]]
                          for side in ("app", "floor")])
        return paired.measurement(group, name + gzip, target, clock="wall", limit=limit, **extra)

    def bytes_row(visit_name, name, limit=None):
        sizes = _values(details, visit_name, "bytes")
        return Measurement(group, name + gzip, sizes["app"], sizes["floor"], None, "bytes",
                           extra={**extra, "requests": _values(details, visit_name, "requests"),
                                  "timing": _values(details, visit_name, "timing")},
                           limit=limit)

    return [
        time_row("cold", f"Carga en frío de {path} a {network.label}", TARGET_THROTTLED),
        bytes_row("cold", f"Bytes en la carga en frío de {path}", LIMIT_BYTES),
        time_row("repeat", f"Segunda visita a {path} (caché), {network.label}",
                 limit=LIMIT_REPEAT_S),
        bytes_row("repeat", f"Bytes en la segunda visita a {path}"),
        time_row("unthrottled", f"Carga en frío de {path} sin límite de red",
                 TARGET_UNTHROTTLED),
    ]


def least_row(path: str, details: dict, network: Network, accept: str | None) -> Measurement:
    """For information: the tablero's repeat visit against the minimal page's (`MinimalPage`),
    the least this browser on this machine needs to draw that figure."""
    gzip = " (gzip)" if accept == GZIP else ""
    return Measurement(
        "carga", f"Segunda visita a {path}: tablero contra la página mínima (sólo Plotly, "
        f"sin Dash), {network.label}{gzip}",
        [d["repeat"]["ms"] / 1000 for d in details["app"]],
        [d["repeat"]["ms"] / 1000 for d in details["minimal"]], None, "wall",
        extra={"accept_encoding": accept or "chromium", "network": network.cdp(),
               "minimal_timing": [d["repeat"]["timing"] for d in details["minimal"]]})


def not_gzip(requests: list[dict]) -> list[str]:
    """Scripts and stylesheets that came over the wire without gzip."""
    return sorted({r["path"] for r in requests if r["bytes"] and r["encoding"] != "gzip"
                   and r["path"].endswith((".js", ".css"))})


def run(reps: int = 3, pages: tuple[str, ...] = tuple(PAGES), *, accept: str | None = None,
        network: Network = OFFICE, quiet_s: float = 1.0, warmup: bool = True,
        log=print) -> list[Measurement]:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    for path in pages:
        if path not in PAGES:
            raise ValueError(f"no main chart known for {path} (known: {', '.join(PAGES)})")
    out: list[Measurement] = []
    with tempfile.TemporaryDirectory(prefix="bench-cold-") as tmp:
        with contextlib.redirect_stdout(io.StringIO()):  # the admin password note
            # A generous reading deadline: the sample must load even on a busy machine.
            live = LiveApp(Settings(data_dir=Path(tmp) / "data", read_seconds=120)).start()
        try:
            for path in pages:
                graph = main_graph(live.app, path)
                marker = drawn_selector(PAGES[path], figure_dict(graph.figure))
                bare, minimal = BarePage(graph), MinimalPage(graph, ASSETS_DIR)
                try:
                    bare_marker = drawn_selector(BARE_GRAPH, figure_dict(graph.figure))
                    sides = {"app": (f"{live.url}{path}?corte={CORTE}", marker),
                             "floor": (bare.url + "/", bare_marker),
                             "minimal": (minimal.url + "/", bare_marker)}
                    # Untimed: the servers' first requests (Dash's own set-up, the page's data
                    # read and its figures cached, as after any earlier visitor).
                    for url, selector in sides.values() if warmup else ():
                        driver = browser()
                        try:
                            visit(driver, url, selector, network=None, accept=accept,
                                  quiet_s=None)
                        finally:
                            driver.quit()
                    details: dict[str, list[dict]] = {"app": [], "floor": [], "minimal": []}
                    for i in range(reps):
                        order = ["app", "floor"] if i % 2 == 0 else ["floor", "app"]
                        for side in order:
                            details[side].append(visits(*sides[side], network, accept, quiet_s))
                        details["minimal"].append(visits(*sides["minimal"], network, accept,
                                                         quiet_s, unthrottled=False))
                    rows = [*page_measurements(path, details, network, accept),
                            least_row(path, details, network, accept)]
                    for m in rows:
                        log(f"  {m.name}: {fmt_value(m, m.app)} / {fmt_value(m, m.floor)}")
                    if accept == GZIP:
                        for side in ("app", "floor"):
                            if plain := not_gzip(details[side][-1]["cold"]["requests"]):
                                log(f"    sin gzip ({side}): {', '.join(plain)}")
                    for visit_name, label in (("cold", "en frío"), ("repeat", "segunda visita")):
                        steps = milestones(details["app"][-1][visit_name])
                        log(f"    tablero, {label}: " + ", ".join(
                            f"{k} {v / 1000:.2f} s" for k, v in steps.items()))
                    big = biggest(details["app"][-1]["cold"]["requests"])
                    log("    lo más pesado del tablero: "
                        + ", ".join(f"{p.rsplit('/', 1)[-1]} {fmt_kib(b)}" for p, b in big))
                    out += rows
                finally:
                    bare.stop()
                    minimal.stop()
        finally:
            live.stop()
    return out

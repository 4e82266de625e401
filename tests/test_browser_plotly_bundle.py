"""The partial Plotly.js bundle (issue 17): `assets/plotly-tablero.min.js` holds plotly.js's core
and only the trace types the dashboard draws, is the plotly.js of the Python package, and is the
Plotly every chart page uses in headless Chromium: dcc's full `plotly.min.js` is never requested,
every chart draws its traces with the Spanish locale, and nothing reaches the console."""

from __future__ import annotations

import gzip
import io
import re
import time
from datetime import date
from pathlib import Path

import openpyxl
import plotly
import pytest
from plotly.offline import get_plotlyjs_version

from dashboard.components import GRAPH_CONFIG
from loaders.imports import import_workbook
from loaders.settings import Settings
from tests.browser import browsing, console_errors, served, wait_for, wait_until
from tests.paths import REPO_ROOT, SAMPLE_WORKBOOK

BUNDLE = REPO_ROOT / "assets" / "plotly-tablero.min.js"
BUNDLE_URL = "/assets/plotly-tablero.min.js"
LOCALE = REPO_ROOT / "assets" / "plotly-locale-es.js"
ENTRY = REPO_ROOT / ".ci" / "plotly-bundle" / "entry.js"
FULL = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"  # dcc's own
TRACES = ["bar", "heatmap", "indicator", "scatter", "treemap"]  # scatter comes with the core
CORTE = "2026-11-21"
# Every page with charts: the charts to wait for, and the trace types it must draw. Together
# they draw every trace type of the bundle.
PAGES = {
    "/": (["#semaforo-chart"], {"bar"}),
    "/metas": ([".gauge-card"], {"indicator"}),
    "/cronograma": (["#gantt-chart"], {"bar", "scatter"}),
    "/presupuesto": (["#budget-by-partida", "#budget-cumulative", "#budget-drilldown"],
                     {"bar", "scatter", "treemap"}),
    "/historial": (["#historial-index-chart", "#historial-achieved-chart"],
                   {"scatter", "heatmap"}),
    "/estado": (["#estado-chart"], {"bar"}),
}
# Per trace type: the group Plotly draws for each trace, and the marks inside it.
MARKS = {
    "bar": (".barlayer .trace", ".barlayer .point path"),
    "scatter": (".scatterlayer .trace", ".scatterlayer .trace path, .scatterlayer .trace text"),
    "indicator": (".indicatorlayer .trace", ".indicatorlayer .trace path"),
    "treemap": (".treemaplayer .trace", ".treemaplayer .slice path"),
    "heatmap": (".heatmaplayer .hm", ".heatmaplayer .hm image"),
}

# What the page loaded and what Plotly drew in each chart.
PAGE_FACTS = """
const marks = arguments[0];
const count = (gd, css) => gd.querySelectorAll(css).length;
return {
  version: window.Plotly.version,
  traces: Object.keys(window.Plotly.PlotSchema.get().traces).sort(),
  resources: performance.getEntriesByType('resource').map(e => e.name),
  charts: [...document.querySelectorAll('.js-plotly-plot')].map(gd => ({
    id: gd.id || gd.parentElement.id,
    asked: gd.data.map(t => t.type),
    drawn: gd._fullData.map(t => t.type),
    locale: gd._context.locale,
    groups: Object.fromEntries(Object.entries(marks).map(([k, v]) => [k, count(gd, v[0])])),
    marks: Object.fromEntries(Object.entries(marks).map(([k, v]) => [k, count(gd, v[1])])),
    modebar: [...gd.querySelectorAll('.modebar-btn')].map(b => b.getAttribute('data-title')),
  })),
};
"""

# A chart drawn by the page's own Plotly with the dashboard's chart config (locale "es"): the
# texts of its toolbar and the month names of a date axis.
LOCALE_PROBE = """
const config = arguments[0];
const done = arguments[arguments.length - 1];
const div = document.createElement('div');
document.body.appendChild(div);
window.Plotly.newPlot(div, [{x: ['2026-01-01', '2026-04-01'], y: [1, 2], type: 'scatter'}],
                      {width: 600, height: 300, xaxis: {dtick: 'M1', tickformat: '%b'}},
                      Object.assign({}, config, {displayModeBar: true})).then(() => {
  const facts = {
    titles: [...div.querySelectorAll('.modebar-btn')].map(b => b.getAttribute('data-title')),
    months: [...div.querySelectorAll('.xtick text')].map(t => t.textContent),
  };
  window.Plotly.purge(div);
  div.remove();
  done(facts);
});
"""


def locale_dictionary() -> dict[str, str]:
    """The Spanish locale's dictionary: Plotly's English text -> Spanish."""
    text = LOCALE.read_text(encoding="utf-8")
    body = text[text.index("dictionary:"):text.index("format:")]
    return dict(re.findall(r"'([^']+)':\s*'([^']*)'", body))


def second_version() -> bytes:
    """The sample POA saved again (another file): the Historial draws its charts from two."""
    wb = openpyxl.load_workbook(SAMPLE_WORKBOOK)
    wb.properties.title = "v2"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    settings = Settings(data_dir=tmp_path_factory.mktemp("plotly-bundle") / "data",
                        read_seconds=120)  # the sample is read in seconds; a busy machine is slow
    with served(settings) as live:
        import_workbook(live.engine, second_version(), settings, file_name="poa_v2.xlsx",
                        uploaded_by="planeacion", as_of=date.fromisoformat(CORTE))
        yield live


@pytest.fixture(scope="module")
def driver():
    yield from browsing()


def test_the_bundle_is_the_python_packages_plotly_js_with_only_the_dashboards_traces():
    code = BUNDLE.read_text(encoding="utf-8")
    header = code[:code.index("*/")]
    assert header.startswith(f"/*! plotly.js v{get_plotlyjs_version()} ")
    assert f"Trace types: {', '.join(TRACES)}." in header
    # entry.js registers the traces the header names (scatter is in the core).
    registered = re.findall(r"require\('plotly\.js/lib/(\w+)'\)", ENTRY.read_text())
    assert registered == ["core", *[t for t in TRACES if t != "scatter"]]
    assert set().union(*(types for _, types in PAGES.values())) == set(TRACES)
    assert code.rstrip().endswith("window.Plotly = Plotly;")
    # No eval: the Content-Security-Policy has no 'unsafe-eval'.
    assert "new Function(" not in code and not re.search(r"[^\w.$]eval\(", code)
    # The point of it: under a third of the full bundle, raw and gzipped.
    full = FULL.read_bytes()
    raw = BUNDLE.read_bytes()
    assert len(raw) < 0.3 * len(full), (len(raw), len(full))
    assert len(gzip.compress(raw)) < 0.33 * len(gzip.compress(full))


def test_the_page_loads_the_bundle_after_the_spanish_locale_and_before_dash(live):
    page = live.app.server.test_client().get("/").get_data(as_text=True)
    scripts = re.findall(r'<script src="([^"]+)"', page)
    names = [s.split("?")[0] for s in scripts]
    locale = names.index("/assets/plotly-locale-es.js")
    bundle = names.index(BUNDLE_URL)
    renderer = next(i for i, n in enumerate(names) if "dash_renderer" in n)
    assert locale < bundle < renderer
    assert not [s for s in scripts if "plotly.min.js" in s or "cdn.plot.ly" in s]
    served_bytes = live.app.server.test_client().get(scripts[bundle])
    assert served_bytes.status_code == 200
    assert served_bytes.get_data() == BUNDLE.read_bytes()


@pytest.mark.browser
@pytest.mark.parametrize("path", list(PAGES))
def test_every_chart_page_draws_with_the_partial_bundle(driver, live, path):
    charts, types = PAGES[path]
    driver.get_log("browser")  # drop what earlier pages logged
    driver.get(f"{live.url}{path}?corte={CORTE}")
    for css in charts:
        wait_for(driver, f"{css} .main-svg", timeout=40)
    wait_until(lambda: driver.execute_script(
        "return document.querySelector('[data-dash-is-loading=\"true\"]') === null"))
    facts = driver.execute_script(PAGE_FACTS, MARKS)

    # window.Plotly is the partial bundle: the Python package's plotly.js, no WebGL or maps.
    assert facts["version"] == get_plotlyjs_version()
    assert facts["traces"] == TRACES
    assert "scattergl" not in facts["traces"] and "choropleth" not in facts["traces"]
    loaded = facts["resources"]
    assert [r for r in loaded if r.split("?")[0].endswith(BUNDLE_URL)], loaded
    assert not [r for r in loaded if "plotly.min.js" in r or "cdn.plot.ly" in r], loaded

    spanish = locale_dictionary()
    drawn_types = set()
    assert len(facts["charts"]) >= len(charts)
    for chart in facts["charts"]:
        # A type the bundle lacks would be drawn as a scatter: every one is what was asked.
        assert chart["drawn"] == chart["asked"], chart
        assert chart["locale"] == "es"
        for kind in set(chart["drawn"]):
            assert chart["groups"][kind] == chart["drawn"].count(kind), chart
            assert chart["marks"][kind] > 0, chart
        drawn_types.update(chart["drawn"])
        # The toolbar speaks the Spanish locale (and has no English left).
        assert set(chart["modebar"]) <= set(spanish.values()), chart["modebar"]
        assert not set(chart["modebar"]) & {k for k, v in spanish.items() if k != v}
    assert types <= drawn_types

    time.sleep(0.5)  # let late callbacks and rendering report their errors
    assert console_errors(driver) == []


@pytest.mark.browser
def test_the_bundle_draws_with_the_spanish_locale(driver, live):
    driver.get_log("browser")  # drop what earlier pages logged
    driver.get(f"{live.url}/?corte={CORTE}")
    wait_for(driver, "#semaforo-chart .main-svg", timeout=40)
    assert GRAPH_CONFIG["locale"] == "es"
    facts = driver.execute_async_script(LOCALE_PROBE, GRAPH_CONFIG)
    assert facts["months"] == ["Ene", "Feb", "Mar", "Abr"]
    assert "Descargar gráfica como PNG" in facts["titles"]
    assert "Autoescalar" in facts["titles"]
    assert set(facts["titles"]) <= set(locale_dictionary().values()), facts["titles"]
    assert console_errors(driver) == []

"""User text reaches Plotly as plain text: no link, no style, no bidi trick, no template.

Plotly reads its strings as a small HTML-like markup (`<a href>`, `<span style>`, `<br>`…) and
substitutes `%{...}` in templates. Every figure is built here with a hostile name wherever it
takes user text, and every string of the figure is checked: the only markup left is the one the
code writes on purpose, and the words of the name still show, escaped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

import plotly.graph_objects as go
import pytest

from dashboard.figures.budget import by_partida, drilldown
from dashboard.figures.history import achieved_history, index_history
from dashboard.figures.markup import BIDI_CONTROLS, plain_text
from dashboard.figures.poa import (
    gantt,
    gantt_spec,
    gauge,
    gauge_spec,
    short_name,
)
from dashboard.figures.state import semaforo_stack, semaforo_stack_spec
from loaders.check.budget import EaepeRow
from loaders.store.overview import Tally
from tests.test_figures import TODAY, activity

HOSTILE = ('<a href="https://evil.example/x">Haga clic</a> '
           '<span style="font-size:90px">X</span> gnp\u202eexe.png %{x}')
# The markup the figures write on purpose; anything else in angle brackets came from a user.
CODE_TAGS = re.compile(r"<(?:/?b|br|/?extra|span style='[^'<>\"]*'|/span)>")


def strings(node, path: str = "") -> Iterator[tuple[str, str]]:
    """Every string of a figure (as `to_plotly_json()` gives it) with where it is; the template
    is plotly's own and is left out."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key != "template":
                yield from strings(value, f"{path}.{key}")
    elif isinstance(node, list | tuple):
        for i, value in enumerate(node):
            yield from strings(value, f"{path}[{i}]")
    elif isinstance(node, str):
        yield path, node


def assert_plain(figure: go.Figure | dict, *, shown: tuple[str, ...] = ("&lt;a href=",)) -> None:
    data = figure.to_plotly_json() if isinstance(figure, go.Figure) else figure
    texts = list(strings(data))
    assert texts
    for where, text in texts:
        assert not BIDI_CONTROLS & set(text), where
        rest = CODE_TAGS.sub("", text)
        assert "<" not in rest and ">" not in rest, (where, text)
        assert "<a " not in text and "<span style=\"" not in text, where
        # a name wrapped by the code may break "&lt;a href=" with a <br>
        assert "href=" not in text.replace("<br>", " ").replace("&lt;a href=", ""), where
        if "exe.png" in text:  # the end of the name: not a template once it is in a figure
            assert "%{x}" not in text and "gnpexe.png %&#123;x}" in text, (where, text)
    for word in shown:
        assert any(word in text for _, text in texts), word


# -- the one function ----------------------------------------------------------------------------


def test_plain_text_escapes_markup_and_drops_bidi_controls():
    assert plain_text(HOSTILE) == (
        '&lt;a href="https://evil.example/x"&gt;Haga clic&lt;/a&gt; '
        '&lt;span style="font-size:90px"&gt;X&lt;/span&gt; gnpexe.png %&#123;x}')
    assert plain_text("Jóvenes & adultos <b>") == "Jóvenes &amp; adultos &lt;b&gt;"
    assert plain_text("&lt;") == "&amp;lt;"  # written as typed, not read as an entity
    for control in BIDI_CONTROLS:
        assert plain_text(f"a{control}b") == "ab"
    assert plain_text(None) == "" and plain_text(12) == "12"
    assert plain_text("Corazón de Plata, 100 % {meta}") == "Corazón de Plata, 100 % {meta}"


# -- every figure that takes user text -----------------------------------------------------------


def hostile_rows():
    return [
        activity(number=1, name=HOSTILE, label="<b>A-1</b>", status_label="<i>Vencida</i>"),
        activity(number=2, name=HOSTILE, semaforo="verde"),
        activity(number=3, name=HOSTILE, start=date(2026, 5, 1), end=date(2026, 4, 1),
                 dates_valid=False),
    ]


def test_gauge_shows_the_hostile_name_as_text():
    a = activity(name=HOSTILE, label="<b>A-1</b>", status_label="<i>Vencida</i>",
                 pct_mismatch=True, declared_pct=50.0)
    for figure in (gauge(a), gauge_spec(a)):
        assert_plain(figure, shown=("&lt;a href=", "&lt;b&gt;A-1&lt;/b&gt;", "&lt;i&gt;Vencida"))
    (title,) = [n["text"] for n in gauge_spec(a)["layout"]["annotations"] if n["name"] == "title"]
    assert title.startswith("<b>&lt;b&gt;A-1&lt;/b&gt;. &lt;a href=")  # the code's <b> still works
    assert gauge_spec(a)["layout"]["meta"]["name"] == plain_text(HOSTILE)


def test_gantt_shows_the_hostile_name_as_text_on_the_axis_and_in_the_hover():
    rows = hostile_rows()
    fig = gantt(rows, today=TODAY, year=2026)
    assert_plain(fig, shown=("&lt;a href=", "&lt;b&gt;A-1&lt;/b&gt;", "&lt;i&gt;Vencida"))
    assert_plain(gantt_spec(rows, today=TODAY, year=2026))
    bars = [t for t in fig.data if t.type == "bar"]
    assert any(row[1] == plain_text(HOSTILE) for t in bars for row in t.customdata)
    assert "%{customdata[1]}" in bars[0].hovertemplate  # the code's template still works
    labels = list(fig.layout.yaxis.categoryarray)
    assert len(labels) == 2 and labels[0].startswith("&lt;b&gt;A-1&lt;/b&gt;. &lt;a href=")
    assert labels[1].startswith('2. &lt;a href="https://evil.example/x"&gt;')
    assert set(labels) == {y for t in bars for y in t.y}


def test_gantt_rows_stay_apart_when_only_a_bidi_control_tells_them_apart():
    rows = [activity(number=4, name="Taller"), activity(number=4, name="Tal\u202eler")]
    assert list(gantt(rows, today=TODAY, year=2026).layout.yaxis.categoryarray) == [
        "4. Taller", "4. Taller (2)"]


def test_historial_figures_show_version_and_activity_names_as_text():
    versions = ["v1 01/02/2026", "<b>v2</b>"]
    assert_plain(index_history([(versions[0], 10.0), (versions[1], None)]),
                 shown=("&lt;b&gt;v2&lt;/b&gt;",))
    # as the Historial page calls it (names shortened there), and with the whole name
    for names in ([short_name(f"2. {HOSTILE}", 40)], [HOSTILE]):
        assert_plain(achieved_history(versions, names, [[(1, 4), None]]))
    fig = achieved_history(versions, [HOSTILE], [[(1, 4), (2, 4)]])
    assert [a.text for a in fig.layout.annotations] == [plain_text(HOSTILE)]  # above its row
    assert [row[0] for row in fig.data[0].customdata[1]] == [plain_text(HOSTILE)] * 2


def eaepe_row(partida: str, name: str, capitulo: str, concepto: str) -> EaepeRow:
    return EaepeRow(partida=partida, name=name, official_name=None, capitulo=capitulo,
                    concepto=concepto, aprobado=100.0, ampliaciones=0.0, reducciones=0.0,
                    modificado=100.0, comprometido=50.0, devengado=50.0, ejercido=40.0,
                    pagado=40.0, disponible=50.0, pct_ejercido=40.0)


def test_budget_figures_show_partida_names_as_text():
    rows = [eaepe_row("2111", HOSTILE, "2000 <i>MATERIALES</i>", "2100 A/B <b>X</b>"),
            eaepe_row("<b>2121</b>", "Materiales", "2000 <i>MATERIALES</i>", "2100 A/B <b>X</b>")]
    assert_plain(by_partida(rows), shown=("&lt;a href=", "&lt;b&gt;2121"))
    fig = drilldown(rows)
    assert_plain(fig, shown=("&lt;a href=", "&lt;i&gt;MATERIALES", "2100 A/B &lt;b&gt;X"))
    tree = fig.data[0]
    assert set(tree.parents) - {""} <= set(tree.ids)  # every parent is drawn
    assert "2100 A/B &lt;b&gt;X&lt;/b&gt;" in tree.labels  # a "/" in a concepto keeps its label


def test_state_figure_shows_municipio_and_area_names_as_text():
    tallies = [Tally(name=HOSTILE, rojo=2, verde=1), Tally(name="Fresnillo", amarillo=3)]
    assert_plain(semaforo_stack(tallies))
    assert_plain(semaforo_stack_spec(tallies))
    assert semaforo_stack_spec(tallies)["data"][0]["y"][0] == plain_text(HOSTILE)


@pytest.mark.parametrize("name", ["Corazón de Plata", "COVAM y Programa 2x1", "100 % Niñez"])
def test_ordinary_names_are_unchanged(name):
    fig = gantt([activity(name=name)], today=TODAY, year=2026)
    assert list(fig.layout.yaxis.categoryarray) == [f"1. {name}"]

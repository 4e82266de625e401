"""Metas and Cronograma as a council member sees them (issue 16, points 1, 2 and 15): the pure
figure functions on the sample POA, where activity 14 starts 01/01/2025 and activities 9, 10, 11
and 16 have a goal of 1."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from dashboard.figures.poa import (
    GANTT_EXTRA_PX,
    GANTT_LABEL_CHARS,
    GANTT_ROW_PX,
    GAUGE_PLOT_PX,
    GAUGE_TICK_PX,
    TITLE_LINE_PX,
    gantt_spec,
    gauge_spec,
)
from dashboard.views import plan_view
from loaders.read.poa import read_poa_file
from loaders.settings import Settings
from tests.paths import SAMPLE_WORKBOOK
from tests.test_figures import activity

CORTE = date(2026, 12, 1)
ONE_DECIMAL = re.compile(r"^\d{1,3}(,\d{3})*\.\d %$")


@pytest.fixture(scope="module")
def sample():
    view = plan_view(read_poa_file(SAMPLE_WORKBOOK, Settings()), CORTE, Settings())
    assert view.fiscal_year == 2026
    return view


@pytest.fixture(scope="module")
def schedule(sample) -> dict:
    return gantt_spec(sample.activities, today=CORTE, year=2026)


def by_number(view, number: int):
    return next(a for a in view.activities if a.number == number)


def notes(spec: dict, name: str) -> list[dict]:
    return [n for n in spec["layout"]["annotations"] if n.get("name") == name]


def bar_of(spec: dict, number: int) -> dict:
    """Base, length (ms), text and hover data of activity `number`'s bar."""
    for trace in spec["data"]:
        if trace["type"] != "bar":
            continue
        for i, row in enumerate(trace["customdata"]):
            if row[0] == number:
                return {"y": trace["y"][i], "base": trace["base"][i], "x": trace["x"][i],
                        "text": trace["text"][i], "customdata": row}
    raise AssertionError(f"no bar for activity {number}")


def bar_end(bar: dict) -> date:
    return date.fromisoformat(bar["base"]) + timedelta(milliseconds=bar["x"])


# --- Cronograma: the fiscal year only, as in the cabildo PDF -------------------------------------


def test_sample_gantt_axis_is_exactly_the_fiscal_year_though_activity_14_starts_in_2025(
        sample, schedule):
    assert by_number(sample, 14).start == date(2025, 1, 1)
    xaxis = schedule["layout"]["xaxis"]
    assert xaxis["type"] == "date"
    assert xaxis["range"] == ["2026-01-01", "2027-01-01"]  # 01/01 to the end of 31/12
    assert xaxis["fixedrange"] is True


def test_sample_gantt_has_one_spanish_month_label_a_month_and_the_year_on_january(schedule):
    xaxis = schedule["layout"]["xaxis"]
    assert xaxis["tickmode"] == "array"
    assert xaxis["ticktext"][1:] == ["Feb", "Mar", "Abr", "May", "Jun", "Jul", "Ago", "Sep",
                                     "Oct", "Nov", "Dic"]
    assert re.fullmatch(r"Ene<br><span style='font-size:\d+px'>2026</span>", xaxis["ticktext"][0])
    months = [date.fromisoformat(v[:10]) for v in xaxis["tickvals"]]
    assert [(m.year, m.month) for m in months] == [(2026, m) for m in range(1, 13)]
    assert all(14 <= m.day <= 16 for m in months)  # each label in the middle of its month
    grid = [s["x0"] for s in schedule["layout"]["shapes"]
            if s["type"] == "line" and "dash" not in s["line"]]
    assert grid == [*(f"2026-{m:02d}-01" for m in range(1, 13)), "2027-01-01"]


def test_sample_activity_14_is_clipped_to_january_with_a_start_marker_and_its_real_dates(
        schedule):
    bar = bar_of(schedule, 14)
    assert bar["base"] == "2026-01-01"
    assert bar_end(bar) == date(2027, 1, 1)
    assert bar["customdata"][2:4] == ["01/01/2025", "31/12/2026"]  # the hover keeps them
    (start_mark,) = notes(schedule, "outside")
    assert start_mark["text"] == "<b>◂</b>"
    assert (start_mark["xref"], start_mark["x"], start_mark["xanchor"]) == (
        "x", "2026-01-01", "right")  # just left of the axis, beside the bar, as in the PDF
    assert start_mark["y"] == bar["y"]
    assert "01/01/2025" in start_mark["hovertext"]


def test_sample_bars_inside_the_year_are_drawn_from_inicio_to_the_end_of_fin(sample, schedule):
    for number in (1, 2, 5, 8):
        a = by_number(sample, number)
        bar = bar_of(schedule, number)
        assert bar["base"] == a.start.isoformat()
        assert bar_end(bar) == a.end + timedelta(days=1)


def test_sample_corte_label_is_whole_and_ends_at_its_line_inside_the_axis(schedule):
    (corte,) = notes(schedule, "corte")
    assert corte["text"] == "Corte 01/12/2026"
    assert (corte["xref"], corte["x"], corte["xanchor"]) == ("x", "2026-12-01", "right")
    assert (corte["yref"], corte["y"], corte["yanchor"]) == ("paper", 1, "bottom")
    assert schedule["layout"]["margin"]["t"] >= 24  # over the plot area, where nothing else is
    lines = [s for s in schedule["layout"]["shapes"] if s["line"].get("dash") == "dash"]
    assert [(s["x0"], s["x1"]) for s in lines] == [("2026-12-01", "2026-12-01")]


def test_corte_early_in_the_year_is_labelled_to_the_right_of_its_line():
    spec = gantt_spec([activity()], today=date(2026, 2, 3), year=2026)
    (corte,) = notes(spec, "corte")
    assert (corte["text"], corte["x"], corte["xanchor"]) == ("Corte 03/02/2026", "2026-02-03",
                                                              "left")


@pytest.mark.parametrize(("today", "text", "x", "anchor"), [
    (date(2027, 1, 15), "Corte 15/01/2027 ▸", 1, "right"),
    (date(2025, 12, 20), "◂ Corte 20/12/2025", 0, "left"),
])
def test_corte_outside_the_fiscal_year_is_named_at_the_axis_edge_without_a_line(
        today, text, x, anchor):
    spec = gantt_spec([activity()], today=today, year=2026)
    (corte,) = notes(spec, "corte")
    assert (corte["text"], corte["xref"], corte["x"], corte["xanchor"]) == (
        text, "paper", x, anchor)
    assert not [s for s in spec["layout"]["shapes"] if s["line"].get("dash") == "dash"]
    assert spec["layout"]["xaxis"]["range"] == ["2026-01-01", "2027-01-01"]


def test_an_activity_ending_after_the_year_is_cut_at_31_december_with_an_end_marker():
    rows = [activity(number=1, start=date(2026, 10, 1), end=date(2027, 3, 31)),
            activity(number=2, start=date(2025, 3, 1), end=date(2025, 6, 30))]
    spec = gantt_spec(rows, today=CORTE, year=2026)
    late, early = bar_of(spec, 1), bar_of(spec, 2)
    assert (late["base"], bar_end(late)) == ("2026-10-01", date(2027, 1, 1))
    assert late["customdata"][2:4] == ["01/10/2026", "31/03/2027"]
    assert (early["base"], early["x"]) == ("2026-01-01", 0)  # all of it before the year
    marks = {(n["y"], n["text"], n["x"], n["xanchor"]) for n in notes(spec, "outside")}
    assert marks == {(late["y"], "<b>▸</b>", "2027-01-01", "left"),
                     (early["y"], "<b>◂</b>", "2026-01-01", "right")}
    assert spec["layout"]["xaxis"]["range"] == ["2026-01-01", "2027-01-01"]


def test_sample_rows_show_each_whole_name_above_its_bar_in_lines_that_fit_a_phone(
        sample, schedule):
    rows = notes(schedule, "row")
    drawn = [a for a in sample.activities if a.dates_valid]
    assert len(rows) == len(drawn) == 15
    for a, row in zip(drawn, rows, strict=True):
        lines = row["text"].split("<br>")
        assert " ".join(lines) == a.title  # whole: "13. Participación en expo … exterior"
        assert len(lines) <= 2 and all(len(line) <= GANTT_LABEL_CHARS for line in lines)
        assert (row["xref"], row["x"], row["xanchor"]) == ("paper", 0, "left")
        assert row["yanchor"] == "bottom" and row["yshift"] <= 0  # ends at the row's centre
    assert "…" not in " ".join(r["text"] for r in rows)
    assert schedule["layout"]["yaxis"]["showticklabels"] is False  # no label column to squeeze


def test_sample_rows_keep_label_bar_and_months_inside_their_own_row(sample, schedule):
    layout = schedule["layout"]
    assert layout["height"] == GANTT_EXTRA_PX + GANTT_ROW_PX * 15
    assert layout["margin"]["t"] + layout["margin"]["b"] == GANTT_EXTRA_PX
    months_px = next(t for t in schedule["data"] if t["type"] == "scatter"
                     and t.get("showlegend") is False)["marker"]["standoff"]
    assert months_px + 4 < GANTT_ROW_PX / 2  # the squares (8 px at most) stay in the row
    bars = [t for t in schedule["data"] if t["type"] == "bar"]
    assert bars
    for trace in bars:
        # below the row's centre, where the label ends, and above the month squares
        assert trace["offset"] > 0
        assert (trace["offset"] + trace["width"]) * GANTT_ROW_PX < months_px - 3


def test_sample_gantt_percentages_all_have_one_decimal(schedule):
    texts = [t for trace in schedule["data"] if trace["type"] == "bar" for t in trace["text"]]
    assert len(texts) == 15
    assert all(ONE_DECIMAL.match(t) for t in texts), texts
    assert bar_of(schedule, 5)["text"] == "26.7 %" and bar_of(schedule, 1)["text"] == "30.0 %"
    # a one-day bar cannot hold its %: it is written beside it
    assert {t["textposition"] for t in schedule["data"] if t["type"] == "bar"} == {"auto"}


# --- Metas: the title over the gauge, never inside it ---------------------------------------------


def title_of(spec: dict) -> dict:
    (title,) = notes(spec, "title")
    return title


@pytest.mark.parametrize("number", [9, 10, 11, 16])
def test_sample_goal_of_one_gauge_has_its_title_and_semaforo_above_the_gauge(sample, number):
    a = by_number(sample, number)
    assert a.programmed == 1
    spec = gauge_spec(a)
    (indicator,) = spec["data"]
    assert "title" not in indicator  # Plotly would put an indicator's title over this arc
    title = title_of(spec)
    assert (title["yref"], title["y"], title["yanchor"]) == ("paper", 1, "bottom")
    assert "Rojo" in title["text"].split("<br>")[-1]  # the semáforo line, last, also above
    layout = spec["layout"]
    # The title stands in the top margin, over the plot area...
    lines = title["text"].count("<br>") + 1
    assert layout["margin"]["t"] >= lines * TITLE_LINE_PX
    # ...and the gauge's domain ends below the plot area's top, leaving room for tick labels.
    plot_px = layout["height"] - layout["margin"]["t"] - layout["margin"]["b"]
    assert plot_px == GAUGE_PLOT_PX + GAUGE_TICK_PX
    top = indicator["domain"]["y"][1]
    assert (1 - top) * plot_px >= 20
    assert indicator["domain"]["y"][0] == 0


@pytest.mark.parametrize("number", range(1, 17))
def test_sample_gauge_titles_carry_the_whole_activity_name_wrapped(sample, number):
    a = by_number(sample, number)
    title = title_of(gauge_spec(a))["text"]
    name_lines = [line[3:-4] for line in title.split("<br>") if line.startswith("<b>")]
    assert " ".join(name_lines) == a.title
    assert "…" not in title
    assert all(len(line) <= 26 for line in name_lines)


def test_sample_gauge_warning_gives_both_percentages_with_one_decimal(sample):
    title = title_of(gauge_spec(by_number(sample, 5)))["text"]
    assert "⚠ declarado 60.0 % · real 26.7 %" in title
    title = title_of(gauge_spec(by_number(sample, 2)))["text"]
    assert "⚠ declarado 30.0 % · real 12.0 %" in title

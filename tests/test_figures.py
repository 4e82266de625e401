"""Figures are pure functions: small inputs in, assertions on `fig.data` and `fig.layout`."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import plotly.graph_objects as go
import plotly.io as pio
import pytest

from dashboard.figures.poa import (
    GANTT_ROW_PX,
    fmt_pct,
    gantt,
    gauge,
    index_bullet,
    invalid_dates,
    semaforo_bar,
)
from dashboard.views import SEMAFORO_COLORS, ActivityView

TODAY = date(2026, 11, 21)
LABELS = {"verde": "En tiempo", "amarillo": "Con retraso", "rojo": "En riesgo", None: "Sin datos"}


def activity(**overrides) -> ActivityView:
    """An ActivityView with plausible defaults: 3 of 10 done, 60 % expected, rojo."""
    values = {
        "number": 1,
        "name": "Asesorías a migrantes",
        "eje": "Eje 1",
        "achieved": 3,
        "programmed": 10,
        "real_pct": 30.0,
        "expected_pct": 60.0,
        "gap": -30.0,
        "semaforo": "rojo",
        "status_label": "En riesgo",
        "declared_pct": 30.0,
        "pct_mismatch": False,
        "start": date(2026, 1, 1),
        "end": date(2026, 12, 31),
        "dates_valid": True,
        "months_planned": (3, 4, 5),
        "concluded": False,
        "overdue": False,
        "open": True,
    }
    values.update(overrides)
    if "semaforo" in overrides and "status_label" not in overrides:
        values["status_label"] = LABELS[values["semaforo"]]
    return ActivityView(**values)


def three_rows() -> list[ActivityView]:
    return [
        activity(),
        activity(
            number=2, name="Feria binacional", semaforo="verde", achieved=8, programmed=10,
            real_pct=80.0, expected_pct=100.0, start=date(2026, 3, 1), end=date(2026, 6, 30),
            months_planned=(3, 4, 5, 6),
        ),
        activity(
            number=3, name="Fechas al revés", start=date(2026, 1, 1), end=date(2025, 12, 31),
            dates_valid=False, months_planned=(1, 2),
        ),
    ]


def bars_by_label(fig: go.Figure) -> dict[str, dict]:
    """Each drawn bar by its row label: colour, text, base and length of the bar."""
    out = {}
    for trace in fig.data:
        if trace.type != "bar":
            continue
        for i, label in enumerate(trace.y):
            out[label] = {
                "color": trace.marker.color,
                "legend": trace.name,
                "text": trace.text[i],
                "base": trace.base[i],
                "x": trace.x[i],
                "textposition": trace.textposition,
            }
    return out


def gauge_title(fig: go.Figure) -> str:
    """The gauge's title: the annotation over its plot area (see `gauge_spec`)."""
    (title,) = [a for a in fig.layout.annotations if a.name == "title"]
    return title.text


def planned_markers(fig: go.Figure) -> list[tuple[str, str]]:
    points = []
    for trace in fig.data:
        if trace.type == "scatter" and trace.name == "Mes programado":
            points += [(x, y) for x, y in zip(trace.x, trace.y, strict=True) if x is not None]
    return points


# --- every figure -----------------------------------------------------------------------------


ALL_FIGURES = {
    "gauge": lambda: gauge(activity()),
    "gantt": lambda: gantt(three_rows(), today=TODAY, year=2026),
    "semaforo_bar": lambda: semaforo_bar(Counter({"rojo": 1})),
    "index_bullet": lambda: index_bullet(11.6, 85.2),
}


@pytest.mark.parametrize("name", ALL_FIGURES)
def test_every_figure_uses_mexican_separators_the_white_template_and_readable_fonts(name):
    fig = ALL_FIGURES[name]()
    assert fig.layout.separators == ".,"
    assert fig.layout.template == pio.templates["plotly_white"]
    assert fig.layout.font.size >= 14
    assert fig.layout.paper_bgcolor == "rgba(255,255,255,0)"


# --- gauge ------------------------------------------------------------------------------------


def test_gauge_value_is_the_achieved_count_on_an_axis_up_to_the_programmed_goal():
    fig = gauge(activity(achieved=3, programmed=10))
    indicator = fig.data[0]
    assert indicator.type == "indicator"
    assert indicator.mode == "gauge+number"
    assert indicator.value == 3
    assert tuple(indicator.gauge.axis.range) == (0, 10)
    assert indicator.number.suffix == " de 10"


def test_gauge_without_achieved_shows_zero_and_without_goal_keeps_a_usable_axis():
    fig = gauge(activity(achieved=None, programmed=None, real_pct=None, expected_pct=None))
    assert fig.data[0].value == 0
    assert tuple(fig.data[0].gauge.axis.range) == (0, 1)
    assert fig.data[0].gauge.threshold.value is None


def test_gauge_axis_grows_when_achieved_exceeds_the_goal():
    fig = gauge(activity(achieved=14, programmed=10, real_pct=140.0))
    assert tuple(fig.data[0].gauge.axis.range) == (0, 14)


def test_gauge_threshold_marks_the_count_expected_on_the_fecha_de_corte():
    fig = gauge(activity(programmed=198, expected_pct=25.0))
    assert fig.data[0].gauge.threshold.value == pytest.approx(198 * 25 / 100)


@pytest.mark.parametrize(
    ("light", "word", "icon"),
    [("verde", "Verde", "●"), ("amarillo", "Amarillo", "▲"), ("rojo", "Rojo", "■")],
)
def test_gauge_bar_has_the_semaforo_colour_and_the_title_its_icon_and_word(light, word, icon):
    fig = gauge(activity(semaforo=light))
    title = gauge_title(fig)
    assert fig.data[0].gauge.bar.color == SEMAFORO_COLORS[light]
    assert f"{icon}</span> {word} — {LABELS[light]}" in title


def test_gauge_title_starts_with_number_and_name_and_meta_says_which_activity():
    fig = gauge(activity(number=7, name="Feria binacional"))
    assert gauge_title(fig).startswith("<b>7. Feria binacional</b>")
    assert fig.layout.meta["activity"] == 7
    assert fig.layout.meta["name"] == "Feria binacional"


def test_gauge_and_gantt_name_an_activity_by_its_label_as_written():
    labelled = activity(number=3, name="Feria binacional", label="B-1")
    assert gauge_title(gauge(labelled)).startswith("<b>B-1. Feria binacional</b>")
    rows = [labelled, activity(number=4, name="Becas", label="2)")]
    assert sorted(bars_by_label(gantt(rows, today=TODAY, year=2026))) == [
        "2) Becas", "B-1. Feria binacional"]


def test_gauge_wraps_a_long_name_whole_in_the_title_and_keeps_it_in_meta():
    name = (
        "Gestión de trámites de doble nacionalidad y apostillado de actas de nacimiento "
        "para las familias de migrantes"
    )
    fig = gauge(activity(name=name))
    title = gauge_title(fig)
    assert "…" not in title
    name_lines = [line for line in title.split("<br>") if line.startswith("<b>")]
    assert len(name_lines) == 5
    assert all(len(line) <= len("<b></b>") + 26 for line in name_lines)
    shown = " ".join(line.removeprefix("<b>").removesuffix("</b>") for line in name_lines)
    assert shown == f"1. {name}"
    assert fig.layout.meta["name"] == name


def test_gauge_warns_about_the_declared_pct_only_when_it_mismatches():
    mismatch = gauge_title(gauge(activity(declared_pct=50.0, pct_mismatch=True)))
    agrees = gauge_title(gauge(activity(declared_pct=30.0, pct_mismatch=False)))
    assert "⚠ declarado 50.0 % · real 30.0 %" in mismatch
    assert "⚠" not in agrees
    assert "declarado" not in agrees


def test_gauge_is_compact():
    assert gauge(activity()).layout.height <= 240


# --- gantt ------------------------------------------------------------------------------------


def test_gantt_draws_bars_only_for_activities_with_valid_dates():
    fig = gantt(three_rows(), today=TODAY, year=2026)
    assert sorted(bars_by_label(fig)) == ["1. Asesorías a migrantes", "2. Feria binacional"]


def test_gantt_bar_runs_from_inicio_to_the_end_of_the_day_of_fin():
    rows = three_rows()
    bars = bars_by_label(gantt(rows, today=TODAY, year=2026))
    for row, label in [(rows[0], "1. Asesorías a migrantes"), (rows[1], "2. Feria binacional")]:
        bar = bars[label]
        assert bar["base"] == row.start.isoformat()
        end = date.fromisoformat(bar["base"]) + timedelta(milliseconds=bar["x"])
        assert end == row.end + timedelta(days=1)


def test_gantt_bar_colour_and_legend_follow_the_semaforo():
    bars = bars_by_label(gantt(three_rows(), today=TODAY, year=2026))
    assert bars["1. Asesorías a migrantes"]["color"] == SEMAFORO_COLORS["rojo"]
    assert bars["1. Asesorías a migrantes"]["legend"] == "■ Rojo"
    assert bars["2. Feria binacional"]["color"] == SEMAFORO_COLORS["verde"]
    assert bars["2. Feria binacional"]["legend"] == "● Verde"


def test_gantt_writes_the_real_pct_inside_each_bar():
    bars = bars_by_label(gantt(three_rows(), today=TODAY, year=2026))
    assert bars["1. Asesorías a migrantes"]["text"] == "30.0 %"
    assert bars["2. Feria binacional"]["text"] == "80.0 %"
    # inside the bar, or beside a bar too short for it
    assert bars["1. Asesorías a migrantes"]["textposition"] == "auto"


def test_gantt_hover_shows_dates_day_first():
    fig = gantt(three_rows(), today=TODAY, year=2026)
    verde = next(t for t in fig.data if t.type == "bar" and t.name == "● Verde")
    assert list(verde.customdata[0][2:4]) == ["01/03/2026", "30/06/2026"]
    assert "Inicio: %{customdata[2]}" in verde.hovertemplate


def test_gantt_rows_keep_the_activities_order_top_to_bottom():
    rows = [
        activity(number=5, name="Quinta", semaforo="verde"),
        activity(number=2, name="Segunda", semaforo="rojo"),
        activity(number=9, name="Novena", semaforo="amarillo"),
    ]
    fig = gantt(rows, today=TODAY, year=2026)
    assert list(fig.layout.yaxis.categoryarray) == ["5. Quinta", "2. Segunda", "9. Novena"]
    assert fig.layout.yaxis.autorange == "reversed"


def test_gantt_gives_a_duplicated_activity_its_own_row():
    rows = [activity(number=4, name="Taller"), activity(number=4, name="Taller")]
    fig = gantt(rows, today=TODAY, year=2026)
    assert list(fig.layout.yaxis.categoryarray) == ["4. Taller", "4. Taller (2)"]


def test_gantt_marks_the_fecha_de_corte_with_a_line_and_its_date():
    fig = gantt(three_rows(), today=TODAY, year=2026)
    lines = [s for s in fig.layout.shapes if s.x0 == "2026-11-21"]
    assert len(lines) == 1
    assert lines[0].x1 == "2026-11-21"
    assert (lines[0].yref, lines[0].y0, lines[0].y1) == ("paper", 0, 1)
    notes = [a for a in fig.layout.annotations if a.x == "2026-11-21"]
    assert [a.text for a in notes] == ["Corte 21/11/2026"]


def test_gantt_x_axis_spans_the_fiscal_year_by_month():
    xaxis = gantt(three_rows(), today=TODAY, year=2026).layout.xaxis
    assert list(xaxis.range) == ["2026-01-01", "2027-01-01"]
    assert xaxis.type == "date"
    assert list(xaxis.ticktext)[1:] == ["Feb", "Mar", "Abr", "May", "Jun", "Jul", "Ago", "Sep",
                                        "Oct", "Nov", "Dic"]
    assert xaxis.ticktext[0].startswith("Ene<br>") and "2026" in xaxis.ticktext[0]


def test_gantt_x_axis_stays_on_the_fiscal_year_when_bars_fall_outside():
    rows = [activity(start=date(2025, 12, 1), end=date(2027, 2, 15))]
    xaxis = gantt(rows, today=TODAY, year=2026).layout.xaxis
    assert list(xaxis.range) == ["2026-01-01", "2027-01-01"]


def test_gantt_shows_each_planned_month_of_the_drawn_activities_on_its_row():
    rows = three_rows()
    markers = planned_markers(gantt(rows, today=TODAY, year=2026))
    assert len(markers) == len(rows[0].months_planned) + len(rows[1].months_planned)
    assert ("2026-03-15", "1. Asesorías a migrantes") in markers
    assert ("2026-06-15", "2. Feria binacional") in markers
    assert all(not y.startswith("3.") for _, y in markers)


def test_gantt_height_grows_with_the_number_of_rows():
    few = gantt([activity(number=n) for n in range(3)], today=TODAY, year=2026)
    many = gantt([activity(number=n) for n in range(12)], today=TODAY, year=2026)
    assert many.layout.height - few.layout.height == 9 * GANTT_ROW_PX


def test_gantt_without_drawable_activities_says_so():
    fig = gantt([three_rows()[2]], today=TODAY, year=2026)
    assert not [t for t in fig.data if t.type == "bar"]
    assert "Ninguna actividad tiene fechas válidas" in [a.text for a in fig.layout.annotations]


def test_invalid_dates_lists_the_end_before_start_with_both_dates_day_first():
    rows = three_rows()
    assert invalid_dates(rows) == [
        (rows[2], "La fecha de fin 31/12/2025 es anterior al inicio 01/01/2026")
    ]


def test_invalid_dates_names_the_missing_date():
    no_start = activity(number=4, start=None, dates_valid=False)
    no_end = activity(number=5, end=None, dates_valid=False)
    neither = activity(number=6, start=None, end=None, dates_valid=False)
    reasons = [reason for _, reason in invalid_dates([no_start, no_end, neither, activity()])]
    assert reasons == ["Sin fecha de inicio", "Sin fecha de fin", "Sin fechas de inicio y de fin"]


# --- resumen ----------------------------------------------------------------------------------


def test_semaforo_bar_counts_each_light_with_its_word_and_colour():
    fig = semaforo_bar(Counter({"rojo": 8, "amarillo": 2, "verde": 5}))
    bar = fig.data[0]
    assert list(bar.y) == ["■ Rojo", "▲ Amarillo", "● Verde"]
    assert list(bar.x) == [8, 2, 5]
    assert list(bar.text) == ["8", "2", "5"]
    assert list(bar.marker.color) == [
        SEMAFORO_COLORS["rojo"], SEMAFORO_COLORS["amarillo"], SEMAFORO_COLORS["verde"]
    ]


def test_semaforo_bar_shows_zero_lights_and_sin_datos_only_when_present():
    without = semaforo_bar({"rojo": 3})
    assert list(without.data[0].y) == ["■ Rojo", "▲ Amarillo", "● Verde"]
    assert list(without.data[0].x) == [3, 0, 0]
    with_none = semaforo_bar({"verde": 1, None: 2})
    assert list(with_none.data[0].y)[-1] == "○ Sin datos"
    assert list(with_none.data[0].x)[-1] == 2
    assert list(with_none.data[0].marker.color)[-1] == SEMAFORO_COLORS[None]


def test_index_bullet_shows_the_index_with_one_decimal_and_the_expected_index_as_mark():
    fig = index_bullet(11.6, 85.2)
    number, bullet = fig.data
    assert number.value == pytest.approx(11.6)
    assert number.number.valueformat == ".1f"
    assert number.number.suffix == " %"
    assert bullet.gauge.shape == "bullet"
    assert bullet.value == pytest.approx(11.6)
    assert bullet.gauge.threshold.value == pytest.approx(85.2)
    assert bullet.gauge.bar.color == SEMAFORO_COLORS["rojo"]
    title = fig.layout.annotations[0].text
    assert "Índice de Eficiencia" in title
    assert "Rojo" in title
    assert "esperado al corte 85.2 %" in title


@pytest.mark.parametrize(
    ("index", "light"), [(80.0, "verde"), (65.0, "amarillo"), (50.0, "rojo")]
)
def test_index_bullet_colour_follows_the_gap_to_the_expected_index(index, light):
    bullet = index_bullet(index, 85.0).data[-1]
    assert bullet.gauge.bar.color == SEMAFORO_COLORS[light]


def test_index_bullet_without_index_says_there_are_no_goals():
    fig = index_bullet(None, None)
    assert [t.mode for t in fig.data] == ["gauge"]
    assert fig.data[0].gauge.bar.color == SEMAFORO_COLORS[None]
    assert "Sin metas programadas" in fig.layout.annotations[0].text


def test_percentages_use_mexican_format():
    assert fmt_pct(1250) == "1,250.0 %"
    assert fmt_pct(11.64) == "11.6 %"
    assert fmt_pct(None) == "Sin datos"


from datetime import date, datetime

import pytest

from loaders.read.values import (
    Invalid,
    is_mark,
    looks_like_fraction_column,
    month_from_header,
    parse_count,
    parse_date,
    parse_number,
    parse_percent,
)


def test_day_first_text_dates_are_parsed_as_day_month():
    assert parse_date("05/02/2026") == date(2026, 2, 5)
    assert parse_date("5/2/26") == date(2026, 2, 5)
    assert parse_date("31-12-2025") == date(2025, 12, 31)
    assert parse_date("5 de febrero de 2026") == date(2026, 2, 5)
    assert parse_date("05-feb-2026") == date(2026, 2, 5)


def test_excel_dates_iso_text_and_serial_numbers_are_dates():
    assert parse_date(datetime(2026, 3, 1, 0, 0)) == date(2026, 3, 1)
    assert parse_date("2026-03-01") == date(2026, 3, 1)
    assert parse_date(46082.0) == date(2026, 3, 1)
    assert parse_date("  ") is None


def test_impossible_dates_are_invalid():
    for text in ("31/02/2026", "mañana", "13/13/2026"):
        with pytest.raises(Invalid):
            parse_date(text)


def test_percent_notations_give_points():
    assert parse_percent(0.3, percent_format=True, fractions=False) == pytest.approx(30)
    assert parse_percent(30, percent_format=False, fractions=False) == 30
    assert parse_percent("30%", percent_format=False, fractions=False) == 30
    assert parse_percent("30 %", percent_format=False, fractions=True) == 30
    assert parse_percent(0.75, percent_format=False, fractions=True) == pytest.approx(75)
    assert parse_percent(None, percent_format=True, fractions=True) is None


def test_fraction_columns_are_recognised_only_when_every_number_is_a_fraction():
    assert looks_like_fraction_column([0.3, 1, 0, 0.75])
    assert not looks_like_fraction_column([30, 100, 0.5])
    assert not looks_like_fraction_column(["30%", "0%"])


def test_money_as_text_with_sign_and_separators():
    assert parse_number("$ 5,000.00") == 5000.0
    assert parse_number("$5,000") == 5000.0
    assert parse_number("(1,250.50)") == -1250.5
    assert parse_number(20000) == 20000.0
    with pytest.raises(Invalid):
        parse_number("cinco mil")


def test_counts_must_be_whole():
    assert parse_count("20") == 20
    assert parse_count(20.0) == 20
    with pytest.raises(Invalid):
        parse_count(2.5)
    with pytest.raises(Invalid):
        parse_count("seis")


def test_month_marks_by_any_value_but_blank_zero_or_dash():
    assert all(is_mark(v) for v in ("X", "x", "✓", 1, 2.5, "sí"))
    assert not any(is_mark(v) for v in (None, "", " ", 0, "-", "no"))


def test_month_headers_full_abbreviated_or_as_dates():
    assert month_from_header("Enero") == 1
    assert month_from_header("SEPT.") == 9
    assert month_from_header("Setiembre") == 9
    assert month_from_header("2026 Cronograma Programado Diciembre") == 12
    assert month_from_header(date(2026, 4, 1)) == 4
    assert month_from_header("Meta Programada") is None

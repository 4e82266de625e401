"""The cell styles of POA and spending workbooks, and how a date, a percentage, an amount or a
planned month is written under each presentation choice (see `loaders.write.poa.Presentation`)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from loaders.write.xlsx import Sheet, Style

RED = "FFC00000"
GREY = "FFD9D9D9"
DATE_FORMAT = "dd/mm/yyyy"
PERCENT_FORMAT = "0%"
MONEY_FORMAT = '"$ "#,##0.00'

BANNER = Style(bold=True, size=14, color=RED)
TITLE = Style(bold=True, size=14)
BOLD = Style(bold=True)
BOLD_CENTER = Style(bold=True, horizontal="center", vertical="center")
WRAP = Style(vertical="top", wrap=True)
HEADER = Style(bold=True, fill=GREY, border=True, horizontal="center", vertical="center",
               wrap=True)
TEXT = Style(border=True, vertical="top", wrap=True)
CENTER = Style(border=True, horizontal="center", vertical="center")
DATE = replace(CENTER, number_format=DATE_FORMAT)
PERCENT = replace(CENTER, number_format=PERCENT_FORMAT)
AMOUNT = Style(border=True, horizontal="right")
MONEY = replace(AMOUNT, number_format=MONEY_FORMAT)
TOTAL = Style(bold=True, border=True)
TOTAL_AMOUNT = replace(AMOUNT, bold=True)
TOTAL_MONEY = replace(MONEY, bold=True)


def banner(ws: Sheet, text: str, span: int) -> None:
    """The line that opens a sheet, across its first `span` columns of row 1."""
    ws.put(1, 1, text, BANNER)
    ws.merge(1, 1, 1, span)


def fmt_date(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def date_cell(value: date | None, dates: str) -> tuple[object, Style]:
    """An Excel date formatted dd/mm/yyyy, or ("text") the text "15/03/2026"."""
    if dates == "text":
        return (fmt_date(value) if value else None), CENTER
    return value, DATE


def percent_cell(points: float | None, percent: str) -> tuple[object, Style]:
    """30 % as 0.3 formatted 0% ("fraction"), as the number 30, or as the text "30%"."""
    if points is None:
        return None, CENTER
    if percent == "fraction":
        return points / 100, PERCENT
    if percent == "text":
        return f"{points:g}%", CENTER
    return points, CENTER


def money_cell(amount: float | None, money: str, *, total: bool = False) -> tuple[object, Style]:
    """An amount formatted "$ "#,##0.00, or ("text") the text "$ 1,234.50"."""
    if money == "text":
        return (f"$ {amount:,.2f}" if amount is not None else None), (
            TOTAL_AMOUNT if total else AMOUNT)
    return amount, TOTAL_MONEY if total else MONEY


def month_style(colour: str) -> Style:
    """A planned month marked by colour alone, as the official template asks."""
    return replace(CENTER, fill=colour)

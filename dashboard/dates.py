"""The date inputs: Mantine's DatePickerInput in Spanish, in the dashboard's colours.

Mantine is the heaviest library of the page (204 KiB compressed) and a date is changed far less
often than it is read, so its bundle is fetched only when someone opens a calendar
(`dashboard/delivery.py`, `assets/lazy_suites.js`): until then each date input is a plain
button showing its date («01/12/2026»). The stand-in draws the real input inside the providers
below (theme and Spanish dates), so the page needs no MantineProvider of its own.
"""

from __future__ import annotations

import dash_mantine_components as dmc

# The Flatly navy as Mantine's primary colour, so the chosen day is white on #2c3e50 (11:1), and
# Bootstrap's font.
NAVY = ["#eef1f4", "#d5dbe1", "#aab6c2", "#7d8fa2", "#56697e", "#3d5166", "#2c3e50",
        "#243342", "#1c2834", "#141d26"]
MANTINE_THEME = {"primaryColor": "navy", "colors": {"navy": NAVY}, "primaryShade": 6,
                 "fontFamily": "var(--bs-body-font-family)"}
# DatesProvider: Spanish names (assets/dayjs-locale-es.js), weeks from Monday, and no weekend
# days (Mantine paints them in a light red, 3.3:1 on white).
DATES_SETTINGS = {"locale": "es", "firstDayOfWeek": 1, "weekendDays": []}

# The calendar's controls, named in Spanish for screen readers.
DATE_ARIA_LABELS = {
    "nextMonth": "Mes siguiente", "previousMonth": "Mes anterior",
    "nextYear": "Año siguiente", "previousYear": "Año anterior",
    "nextDecade": "Década siguiente", "previousDecade": "Década anterior",
    "monthLevelControl": "Elegir el mes", "yearLevelControl": "Elegir el año",
}


def date_input(component_id: str, value: str | None = None, *, clearable: bool = False,
               class_name: str = "", **kwargs) -> dmc.DatePickerInput:
    """A date field in Spanish: shows dd/mm/aaaa, its calendar names months and weekdays in
    Spanish and starts on Monday. Its `value` is the ISO date, "2026-11-21", or None when
    empty."""
    return dmc.DatePickerInput(
        id=component_id, value=value, valueFormat="DD/MM/YYYY", placeholder="dd/mm/aaaa",
        clearable=clearable, allowDeselect=False, firstDayOfWeek=1, highlightToday=True,
        hideOutsideDates=True,  # the neighbouring months' days were a dim grey (3.3:1)
        ariaLabels=DATE_ARIA_LABELS, clearButtonProps={"aria-label": "Borrar la fecha"},
        popoverProps={"withinPortal": True}, className=f"date-input {class_name}".strip(),
        **kwargs,
    )

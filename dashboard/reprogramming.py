"""The reprogramaciones a page shows for its selection: read once per version (a version and those
before it never change), through the per-worker cache of `dashboard.state`."""

from __future__ import annotations

from sqlalchemy.orm import Session

from dashboard.services import get_services
from dashboard.state import PageData, cached_figure
from loaders.check.reprogramming import GoalHistory, by_activity, heading
from loaders.store.reprogramming import goal_histories

SEMAFORO_NOTE = ("El semáforo y el indicador siguen la meta vigente (la reprogramada); la meta "
                 "original queda a la vista.")


def histories(data: PageData) -> list[GoalHistory]:
    """Every reprogrammed goal or date of the POA up to the version shown, with its original
    value (the POA's first version's) and each reprogramación."""
    def build() -> list[GoalHistory]:
        with Session(get_services().engine) as session:
            return goal_histories(session, data.plan.id, data.loaded.version.number)

    return cached_figure(data, "goal_histories", build)


def grouped(data: PageData) -> dict[int, list[GoalHistory]]:
    return by_activity(histories(data))


def activity_heading(data: PageData, number: int) -> str:
    """ "Actividad 2, Apoyo a deportados": the name as the version shown writes it."""
    a = data.loaded.doc.activity(number)
    return heading(number, a.label if a else "", (a.name or a.name_cronograma or "") if a else "")

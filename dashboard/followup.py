"""The follow-up of the findings of a page's version: nuevos, persistentes and corregidos against
the previous version (`loaders.check.followup`), the aclaraciones that apply to it
(`loaders.store.notes`), who may write one, and Resumen's line that links to Calidad.

The follow-up of a version depends only on it and on the earlier versions of its POA, which never
change: it is built once per worker (`state.cached_figure`). Aclaraciones are added at any time:
they are read on every request.
"""

from __future__ import annotations

from urllib.parse import urlencode

import dash
from dash import dcc, html
from sqlalchemy.orm import Session

from dashboard import auth, summary
from dashboard.services import get_services
from dashboard.state import PageData, cached_figure
from loaders.check.followup import FindingKey, FollowUp, VersionFindings, applying_notes, follow_up
from loaders.store.notes import Note, findings_history, may_answer, plan_notes


def _history(data: PageData) -> tuple[tuple[VersionFindings, ...], FollowUp]:
    """The POA's versions up to the one shown, with their stored findings, and its follow-up."""
    number = data.loaded.version.number

    def build():
        with Session(get_services().engine) as session:
            history = findings_history(session, data.plan.id)
        upto = tuple(v for v in history if v.number <= number)
        return upto, follow_up(upto, data.selection.version_id)

    return cached_figure(data, "findings_followup", build)


def page_followup(data: PageData) -> FollowUp:
    return _history(data)[1]


def page_notes(data: PageData) -> dict[FindingKey, tuple[Note, ...]]:
    """The aclaraciones that apply to the version shown, by finding key (read now)."""
    history, _ = _history(data)
    with Session(get_services().engine) as session:
        notes = plan_notes(session, data.plan.id)
    return applying_notes(history, notes, data.selection.version_id)


def may_answer_here(data: PageData) -> bool:
    """Whether the account of this request may answer this POA's findings."""
    return may_answer(auth.current_user(), data.plan)


def calidad_href(data: PageData) -> str:
    """Calidad of the same POA, version and fecha de corte (its follow-up comes first)."""
    s = data.selection
    query = urlencode({"poa": s.plan_id, "version": s.version_id, "corte": s.as_of})
    return dash.get_relative_path("/calidad") + "?" + query


def resumen_line(data: PageData) -> html.P | None:
    """«3 hallazgos corregidos, 2 nuevos desde la versión anterior», a link to Calidad's
    follow-up; None for a first version (there is nothing to compare: the changes section of
    Resumen already says it is the first)."""
    follow = page_followup(data)
    if follow.first:
        return None
    sentence = summary.followup_sentence(len(follow.corrected), len(follow.new))
    return html.P(dcc.Link(sentence + ".", href=calidad_href(data), id="resumen-followup-link"),
                  id="resumen-followup", className="mt-2 mb-0")

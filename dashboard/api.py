"""The read-only JSON API: `GET /api/v1/poa` (the POAs, filtered and paginated) and
`GET /api/v1/poa/<id>?corte=AAAA-MM-DD[&version=<id>]` (what Resumen shows of a POA, with every
activity and the EAEPE by partida).

The same reading rule as the pages: the app's gate (`auth`) lets anyone read when
POA_LECTURA_ABIERTA=1 (the default) and otherwise answers 401 with a JSON error to whoever has not
signed in; every role may read every POA, as on the pages. The detail is built from the same
functions as Resumen (`state.version_views`, `views.PlanView`, `summary`) and Presupuesto
(`check.budget.eaepe`), for the version the fecha de corte picks (`queries.version_as_of`) or the
one `version=` names; it is kept per (version, fecha de corte) and data revision
(`dashboard.open_cache`), so a new version or movement is never answered with an older answer.
Example and synthetic POAs are left out of the list unless `ejemplos=1` (as on Estado).

Errors are JSON too, `{"error": "<una frase>"}`: 400 for a bad parameter, 404 for a POA, version
or address that does not exist. Dates are ISO `AAAA-MM-DD`, percentages have one decimal as the
pages show them, amounts are in pesos.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from urllib.parse import urlencode

import flask
from sqlalchemy.orm import Session

from dashboard import auth, summary
from dashboard.open_cache import kept
from dashboard.services import get_services
from dashboard.state import Selection, version_notice, version_views
from dashboard.views import ActivityView, PlanView
from loaders.check.budget import EaepeRow, eaepe
from loaders.check.followup import Followed, FollowUp, applying_notes, follow_up
from loaders.check.reprogramming import GoalHistory
from loaders.examples import is_example
from loaders.model import Activity
from loaders.store.budget import movements_of
from loaders.store.notes import Note, findings_history, plan_notes
from loaders.store.queries import PlanInfo, VersionInfo, get_plan, list_plans, list_versions
from loaders.store.queries import version_as_of as default_version
from loaders.store.reprogramming import goal_histories
from loaders.text import fold

PREFIX = "/api/v1"
PER_PAGE, MAX_PER_PAGE = 50, 200
SEVERITIES = {"error": "error", "warning": "advertencia", "info": "aviso"}
LIGHTS = {"verde": "verde", "amarillo": "amarillo", "rojo": "rojo", None: "sin_datos"}
JSON_TYPE = "application/json; charset=utf-8"
CACHE_HEADER = "X-Tablero-Cache"


class ApiError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _answer(body: bytes | str, status: int = 200) -> flask.Response:
    return flask.Response(body, status=status, mimetype=JSON_TYPE)


def _json(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8") + b"\n"


def _error(status: int, message: str) -> flask.Response:
    return _answer(_json({"error": message}), status)


def _pct(value: float | None) -> float | None:
    return None if value is None else round(value, 1) + 0.0


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _plain(text: str) -> str:
    """The page's sentence without its non-breaking spaces (they only keep a line together)."""
    return text.replace(summary.NBSP, " ")


def _positive(name: str, default: int) -> int:
    text = flask.request.args.get(name)
    if text is None or text == "":
        return default
    if not text.strip().isdigit() or int(text) < 1:
        raise ApiError(400, f"«{name}» debe ser un número entero mayor que cero (se recibió "
                            f"«{text}»).")
    return int(text)


def _corte(text: str | None) -> date:
    if text is None or text == "":
        return date.today()
    try:
        parsed = date.fromisoformat(text)
    except ValueError:
        parsed = None
    if parsed is None or not 1900 <= parsed.year <= 2200 or len(text) != 10:
        raise ApiError(400, f"Fecha de corte inválida «{text}»: use AAAA-MM-DD, por ejemplo "
                            "2026-11-30.")
    return parsed


def _denied() -> flask.Response | None:
    """The gate already refuses; checked here too so the API never answers without it."""
    if auth.allowed(auth.READ):
        return None
    return _error(401, auth.refusal_text(auth.READ))


# -- the list -------------------------------------------------------------------------------------


def _plan_item(plan: PlanInfo, base: str) -> dict:
    return {
        "id": plan.id, "municipio": plan.municipio, "estado": plan.estado,
        "direccion": plan.direccion, "area": plan.area, "anio": plan.fiscal_year,
        "versiones": plan.versions, "ejemplo": is_example(plan.area, plan.direccion),
        "url": f"{base}{PREFIX}/poa/{plan.id}",
    }


def _matches(plan: PlanInfo, municipio: str, area: str, year: int | None) -> bool:
    return ((not municipio or municipio in fold(plan.municipio or ""))
            and (not area or area in fold(plan.area or ""))
            and (year is None or plan.fiscal_year == year))


def poa_list() -> flask.Response:
    args = flask.request.args
    year_text = (args.get("anio") or "").strip()
    if year_text and not (year_text.isdigit() and len(year_text) == 4):
        raise ApiError(400, f"El año «{year_text}» no es válido: use cuatro cifras, por "
                            "ejemplo 2026.")
    year = int(year_text) if year_text else None
    page = _positive("pagina", 1)
    per_page = min(_positive("por_pagina", PER_PAGE), MAX_PER_PAGE)
    with_examples = args.get("ejemplos") == "1"
    municipio, area = fold(args.get("municipio") or ""), fold(args.get("area") or "")
    with Session(get_services().engine) as session:
        plans = [p for p in list_plans(session) if p.versions]
    chosen = [p for p in plans if _matches(p, municipio, area, year)]
    examples = [p for p in chosen if is_example(p.area, p.direccion)]
    if not with_examples:
        chosen = [p for p in chosen if not is_example(p.area, p.direccion)]
    base = flask.request.host_url.rstrip("/")
    start = (page - 1) * per_page
    shown = chosen[start:start + per_page]
    following = None
    if start + per_page < len(chosen):
        keep = {k: args.get(k) for k in ("municipio", "area", "anio", "ejemplos") if args.get(k)}
        following = (f"{base}{PREFIX}/poa?"
                     + urlencode({**keep, "pagina": page + 1, "por_pagina": per_page}))
    return _answer(_json({
        "total": len(chosen), "pagina": page, "por_pagina": per_page, "siguiente": following,
        "ejemplos_excluidos": 0 if with_examples else len(examples),
        "resultados": [_plan_item(p, base) for p in shown],
    }))


# -- one POA ----------------------------------------------------------------------------------------


def _activity(a: ActivityView, source: Activity, attention: set[int]) -> dict:
    return {
        "numero": a.number, "clave": a.label or str(a.number), "nombre": a.name, "eje": a.eje,
        "unidad": source.unit, "meta_anual": source.goal, "meta_programada": a.programmed,
        "meta_alcanzada": a.achieved, "avance_real_pct": _pct(a.real_pct),
        "avance_esperado_pct": _pct(a.expected_pct),
        "brecha_puntos": summary.gap_points(a.real_pct, a.expected_pct),
        "semaforo": LIGHTS[a.semaforo], "estado": a.status_label,
        "requiere_atencion": a.number in attention, "concluida": a.concluded,
        "vencida": a.overdue, "inicio": _iso(a.start), "fin": _iso(a.end),
        "meses": list(a.months_planned),
    }


def _partida(r: EaepeRow) -> dict:
    row = {"partida": r.partida, "nombre": r.name}
    if not r.is_total:
        row |= {"nombre_oficial": r.official_name, "capitulo": r.capitulo,
                "concepto": r.concepto}
    return row | {
        "aprobado": r.aprobado, "ampliaciones_reducciones": r.ampliaciones_netas,
        "modificado": r.modificado, "devengado": r.devengado, "pagado": r.pagado,
        "subejercicio": r.subejercicio, "comprometido": r.comprometido, "ejercido": r.ejercido,
        "disponible": r.disponible, "ejercido_pct": _pct(r.pct_ejercido),
        "sobregirada": r.overspent,
    }


def _summary(view: PlanView, budget: summary.BudgetExecution) -> dict:
    counts, severities = view.counts, view.severity_counts
    return {
        "mensaje": _plain(summary.progress_sentence(view)),
        "indice_eficiencia_pct": _pct(view.index_pct),
        "meta_alcanzada_total": view.index_achieved,
        "meta_programada_total": view.index_programmed,
        "indice_esperado_pct": _pct(view.expected_index_pct),
        "brecha_puntos": summary.gap_points(view.index_pct, view.expected_index_pct),
        "actividades": len(view.activities),
        "semaforo": {word: counts.get(key, 0) for key, word in LIGHTS.items()},
        "concluidas": summary.concluded_count(view.activities),
        "vencidas": summary.overdue_count(view.activities),
        "requieren_atencion": len(view.attention()),
        "hallazgos": {word: severities.get(key, 0) for key, word in SEVERITIES.items()},
        "presupuesto": {
            "aprobado": budget.aprobado, "modificado": budget.modificado,
            "ejercido": budget.ejercido, "ejercido_pct": _pct(budget.pct_ejercido),
            "partidas_sobregiradas": [
                {"partida": o.partida, "nombre": o.name, "ejercido": o.ejercido,
                 "modificado": o.modificado, "ejercido_pct": _pct(o.pct_ejercido)}
                for o in budget.overspent],
        },
    }


def _value(value: int | date | None) -> int | str | None:
    return value.isoformat() if isinstance(value, date) else value


def _reprogramming(h: GoalHistory) -> dict:
    """A reprogrammed goal or date, as Metas shows it: original, current, each step."""
    return {
        "actividad": h.activity, "campo": h.field, "original": _value(h.original),
        "vigente": _value(h.current), "texto": h.sentence,
        "reprogramaciones": [
            {"version": s.version_number, "antes": _value(s.before), "despues": _value(s.after),
             "motivo": s.justification, "aprobo": s.approved_by,
             "fecha_aprobacion": _iso(s.approved_at.date())}
            for s in h.steps],
    }


def _followed(f: Followed, notes: dict) -> dict:
    return {
        "codigo": f.finding.code, "severidad": f.finding.severity,
        "actividad": f.finding.activity, "partida": f.finding.partida,
        "mensaje": f.finding.message, "estado": f.status, "desde_version": f.since_number,
        "dias": f.days,
        "aclaraciones": [{"texto": n.text, "autor": n.author,
                          "fecha": _iso(n.created_at.date()), "version": n.version_number}
                         for n in notes.get(f.key, ())],
    }


def _followup(follow: FollowUp, notes: dict[tuple, tuple[Note, ...]]) -> dict:
    """Calidad's follow-up: the findings stored with the version against the previous one."""
    return {
        "version_anterior": follow.previous.number if follow.previous else None,
        "mensaje": ("Primera versión del POA: " + summary.first_version_findings(len(follow.open))
                    if follow.first
                    else summary.followup_sentence(len(follow.corrected), len(follow.new))),
        "nuevos": len(follow.new), "persisten": len(follow.persisting),
        "corregidos": len(follow.corrected),
        "abiertos": [_followed(f, notes) for f in follow.open],
        "corregidos_en_esta_version": [_followed(f, {}) for f in follow.corrected],
    }


def _version_item(v: VersionInfo) -> dict:
    return {"id": v.id, "numero": v.number, "fecha_carga": _iso(v.uploaded_at.date())}


def _choose(versions: Sequence[VersionInfo], plan_id: int, as_of: date) -> Selection:
    text = flask.request.args.get("version")
    default = default_version(versions, as_of)
    if text is None or text == "":
        if default is None:
            raise ApiError(404, f"El POA {plan_id} todavía no tiene versiones cargadas.")
        return Selection(plan_id, default.id, as_of)
    if not text.strip().isdigit():
        raise ApiError(400, f"La versión «{text}» no es válida: use la clave numérica de una "
                            "versión (la lista «versiones» del POA).")
    version_id = int(text)
    if version_id not in {v.id for v in versions}:
        raise ApiError(404, f"El POA {plan_id} no tiene la versión {version_id}.")
    return Selection(plan_id, version_id, as_of, default is None or version_id != default.id)


def _detail(plan_id: int, selection: Selection) -> bytes:
    services = get_services()
    with Session(services.engine) as session:
        plan = get_plan(session, plan_id)
        versions = list_versions(session, plan_id)
        entry = version_views(session, selection.version_id, selection.as_of, services.settings)
        movements = movements_of(session, plan_id)
        if plan is None or entry is None:
            raise ApiError(404, f"No existe el POA {plan_id}.")
        number = entry.loaded.version.number
        reprogrammed = goal_histories(session, plan_id, number)
        history = [v for v in findings_history(session, plan_id) if v.number <= number]
        notes = applying_notes(history, plan_notes(session, plan_id), selection.version_id)
    view, doc = entry.view, entry.loaded.doc
    shown = entry.loaded.version
    rows, total = eaepe(doc.budget, movements, as_of=selection.as_of)
    attention = {a.number for a in view.attention()}
    return _json({
        "poa": {"id": plan.id, "municipio": plan.municipio, "estado": plan.estado,
                "direccion": plan.direccion, "area": plan.area, "anio": plan.fiscal_year,
                "ejemplo": is_example(plan.area, plan.direccion)},
        "fecha_corte": selection.as_of.isoformat(),
        "version": {**_version_item(shown), "archivo": shown.file_name, "sha256": shown.sha256,
                    "elegida": "a mano" if selection.pinned else "por la fecha de corte",
                    "aviso": version_notice(selection, versions)},
        "versiones": [_version_item(v) for v in versions],
        "resumen": _summary(view, summary.budget_execution(doc.budget, movements,
                                                           selection.as_of)),
        "actividades": [_activity(a, source, attention)
                        for a, source in zip(view.activities, doc.activities, strict=True)],
        "presupuesto": {"partidas": [_partida(r) for r in rows], "total": _partida(total)},
        "reprogramaciones": [_reprogramming(h) for h in reprogrammed],
        "seguimiento_hallazgos": _followup(follow_up(history, selection.version_id), notes),
    })


def poa_detail(plan_id: int) -> flask.Response:
    as_of = _corte(flask.request.args.get("corte"))
    with Session(get_services().engine) as session:
        if get_plan(session, plan_id) is None:
            raise ApiError(404, f"No existe el POA {plan_id}.")
        versions = list_versions(session, plan_id)
    selection = _choose(versions, plan_id, as_of)
    key = (plan_id, selection.version_id, selection.pinned, as_of.isoformat())
    body, hit = kept("api-poa", key, lambda: _detail(plan_id, selection))
    response = _answer(body)
    response.headers[CACHE_HEADER] = "hit" if hit else "miss"
    return response


def not_found(rest: str = "") -> flask.Response:
    return _error(404, "Esa dirección no existe en la API. Use /api/v1/poa o "
                       "/api/v1/poa/<clave del POA>.")


# -- registration ---------------------------------------------------------------------------------


def _guarded(view):
    def run(*args, **kwargs):
        refused = _denied()
        if refused is not None:
            return refused
        try:
            return view(*args, **kwargs)
        except ApiError as exc:
            return _error(exc.status, exc.message)

    run.__name__ = view.__name__
    return run


def register_routes(server: flask.Flask) -> None:
    server.add_url_rule(f"{PREFIX}/poa", "api_poa_list", _guarded(poa_list))
    server.add_url_rule(f"{PREFIX}/poa/<int:plan_id>", "api_poa_detail", _guarded(poa_detail))
    server.add_url_rule("/api/<path:rest>", "api_not_found", _guarded(not_found))

"""Observatory API (/api/v1/observatory/): indicators, computation, time series, external series, analyst
definitions, and public (no login) endpoints that serve published indicators only.

Staff and analysts only get territories inside their organization's territories: another territory answers 404
exactly like an unknown one. Disclosure control is always applied.
"""

from __future__ import annotations

import importlib

from django.utils.translation import gettext as _g
from ninja import Router

from siee.core.errors import DomainError, ErrorCode, PermissionDenied
from siee.core.schemas import ErrorOut
from siee.observatory import services
from siee.observatory.periods import last_complete_quarter, last_n

router = Router()
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
PUBLIC_ERRORS = {404: ErrorOut, 422: ErrorOut}
MAX_SERIES = 60


# The definition is free-form JSON validated by the engine (field -> Spanish reasons), not by a schema.
_DEFINITION_BODY = {"requestBody": {"required": True, "content": {"application/json": {"schema": {
    "type": "object", "additionalProperties": True,
    "properties": {k: {} for k in ("code", "name", "description", "kind", "measure", "numerator", "denominator",
                                   "factor", "unit", "periodicity", "dimensions", "published")}}}}}}


def _definition_body(request) -> dict:
    import json

    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError) as exc:
        raise DomainError(_g("El cuerpo no es JSON válido."), field="__all__") from exc
    if not isinstance(data, dict):
        raise DomainError(_g("La definición debe ser un objeto JSON."), field="__all__")
    return data


def _user(request):
    user = request.auth if getattr(request, "auth", None) is not None else request.user
    from siee.core.models import Role

    if getattr(user, "role", None) in (Role.JOB_SEEKER, Role.EMPLOYER) and not user.is_system_admin:
        raise PermissionDenied(_g("Solo el personal y los analistas consultan el observatorio."))
    return user


def _territory_for(user, code: str):
    territory = services.resolve_territory(code)
    if not services.territory_in_scope(user, territory):
        raise DomainError(_g("Territorio desconocido: %(code)s.") % {"code": code}, field="territory",
                          code=ErrorCode.NOT_FOUND)
    return territory


def _breakdowns(text: str | None) -> list[str]:
    return [b.strip() for b in (text or "").split(",") if b.strip()]


def _periods(period: str | None, periods: str | None, n: int) -> list:
    if periods:
        return [services.resolve_period(p.strip()) for p in periods.split(",") if p.strip()][:MAX_SERIES]
    if n < 1 or n > MAX_SERIES:
        raise DomainError(_g("n debe estar entre 1 y %(m)s.") % {"m": MAX_SERIES}, field="n")
    last = services.resolve_period(period) if period else last_complete_quarter()
    return last_n(last, n)


@router.get("/indicators", response={200: list[dict], **ERRORS}, summary="Indicadores disponibles")
def list_indicators(request, published: bool = False):
    _user(request)
    return [i.to_dict() for i in services.available_indicators(published_only=published)]


@router.get("/measures", response={200: list[dict], **ERRORS}, summary="Medidas para definir indicadores")
def list_measures(request):
    _user(request)
    return services.available_measures()


@router.get("/compute", response={200: dict, **ERRORS}, summary="Todos los indicadores de un territorio y periodo")
def compute_all(request, territory: str, period: str, breakdown: str = "", published: bool = False):
    user = _user(request)
    t = _territory_for(user, territory)
    p = services.resolve_period(period)
    results = services.compute_all(territory=t, period=p, breakdowns=_breakdowns(breakdown), published_only=published)
    return {"territory": t.code, "territory_name": t.display_name(), "period": p.label,
            "indicators": [r.to_dict() for r in results]}


@router.get("/indicators/{code}", response={200: dict, **ERRORS}, summary="Un indicador")
def compute_one(request, code: str, territory: str, period: str, breakdown: str = ""):
    user = _user(request)
    t = _territory_for(user, territory)
    return services.compute(code, territory=t, period=period, breakdown=breakdown or None).to_dict()


@router.get("/indicators/{code}/series", response={200: list[dict], **ERRORS}, summary="Serie temporal de un indicador")
def indicator_series(request, code: str, territory: str, period: str = "", periods: str = "", n: int = 8):
    user = _user(request)
    t = _territory_for(user, territory)
    return [r.to_dict() for r in services.series(code, territory=t, periods=_periods(period, periods, n))]


@router.get("/external-series", response={200: list[dict], **ERRORS}, summary="Series externas")
def list_external(request, territory: str = ""):
    _user(request)
    return [s.to_dict() for s in services.external_series(territory=territory or None)]


@router.get("/external-series/{code}", response={200: list[dict], **ERRORS}, summary="Puntos de una serie externa")
def external_points(request, code: str):
    _user(request)
    if not any(s.code == code for s in services.external_series()):
        raise DomainError(_g("Serie desconocida: %(code)s.") % {"code": code}, field="code", code=ErrorCode.NOT_FOUND)
    return [{"period": p, "value": v} for p, v in services.external_points(code)]


@router.post("/definitions/validate", response={200: dict, **ERRORS}, summary="Valida una definición de indicador",
             openapi_extra=_DEFINITION_BODY)
def validate_definition(request):
    _user(request)
    errors = services.validate_definition(_definition_body(request))
    return {"valid": not errors, "errors": errors}


@router.post("/definitions", response={201: dict, **ERRORS}, summary="Guarda un indicador definido por un analista",
             openapi_extra=_DEFINITION_BODY)
def save_definition(request):
    user = _user(request)
    from siee.core.schemas import with_status

    return with_status(201, services.save_definition(_definition_body(request), actor=user).to_dict())


# --- public: published indicators only, no login ---------------------------------------------------------

@router.get("/public/indicators", auth=None, response={200: list[dict], **PUBLIC_ERRORS},
            summary="Indicadores publicados (público)")
def public_indicators(request):
    return [i.to_dict() for i in services.available_indicators(published_only=True)]


@router.get("/public/compute", auth=None, response={200: dict, **PUBLIC_ERRORS},
            summary="Indicadores publicados de un territorio y periodo (público)")
def public_compute(request, territory: str, period: str = "", breakdown: str = ""):
    t = services.resolve_territory(territory)
    p = services.resolve_period(period) if period else last_complete_quarter()
    results = services.compute_all(territory=t, period=p, breakdowns=_breakdowns(breakdown), published_only=True)
    return {"territory": t.code, "territory_name": t.display_name(), "period": p.label,
            "indicators": [r.to_dict() for r in results]}


@router.get("/public/indicators/{code}/series", auth=None, response={200: list[dict], **PUBLIC_ERRORS},
            summary="Serie temporal de un indicador publicado (público)")
def public_series(request, code: str, territory: str, period: str = "", n: int = 8):
    if code not in {i.code for i in services.available_indicators(published_only=True)}:
        raise DomainError(_g("Indicador desconocido: %(code)s.") % {"code": code}, field="code",
                          code=ErrorCode.NOT_FOUND)
    t = services.resolve_territory(territory)
    return [r.to_dict() for r in services.series(code, territory=t, periods=_periods(period, "", n))]


try:  # dashboard endpoints, if the presentation side adds them
    _dashboard = importlib.import_module("siee.observatory.dashboard_api")
except ModuleNotFoundError as exc:
    if exc.name != "siee.observatory.dashboard_api":
        raise
else:
    router.add_router("/", _dashboard.router)

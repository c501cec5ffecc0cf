"""REST API under /api/v1 (django-ninja, OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs).

The docs page is Swagger UI served from the copy bundled inside the installed django-ninja package
(`/api/v1/docs/assets/...`), so it works offline and never loads anything from a CDN.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.utils.html import escape
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.docs import DocsBase
from ninja.security import APIKeyHeader, HttpBearer, django_auth

from siee.core.errors import DomainError, ErrorCode, OutOfScope, PermissionDenied


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        from siee.core.models import User

        if not token:
            return None
        user = User.objects.filter(api_token=token, is_active=True).select_related("organization").first()
        if user:
            request.user = user
        return user


class HeaderToken(APIKeyHeader):
    param_name = "X-API-Token"

    def authenticate(self, request: HttpRequest, key: str | None):
        return BearerToken().authenticate(request, key) if key else None


_ASSETS_DIR = Path(__import__("ninja").__file__).resolve().parent / "static" / "ninja"
_ASSETS = {
    "swagger-ui.css": "text/css",
    "swagger-ui-bundle.js": "application/javascript",
    "swagger-ui-init.js": "application/javascript",
    "favicon.png": "image/png",
}


class LocalSwagger(DocsBase):
    """Swagger UI from the files shipped inside django-ninja (no CDN, no INSTALLED_APPS change)."""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs) -> HttpResponse:
        base = request.path.rstrip("/").rsplit("/", 1)[0]  # /api/v1
        settings = {"url": self.get_openapi_url(api, kwargs), "layout": "BaseLayout", "deepLinking": True}
        config = json.dumps(settings).replace("</", "<\\/")
        html = f"""<!DOCTYPE html>
<html lang="es"><head><meta charset="utf-8"><title>{escape(api.title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="{base}/docs/assets/swagger-ui.css">
<link rel="icon" href="{base}/docs/assets/favicon.png"></head>
<body><script type="application/json" id="swagger-settings">{config}</script>
<noscript><p>La documentación interactiva necesita JavaScript. El esquema está en
<a href="{settings['url']}">{settings['url']}</a>.</p></noscript>
<div id="swagger-ui"></div>
<script src="{base}/docs/assets/swagger-ui-bundle.js"></script>
<script src="{base}/docs/assets/swagger-ui-init.js"></script>
</body></html>"""
        return HttpResponse(html)


api = NinjaAPI(
    title="SIEE API",
    version="1.0.0",
    description=(
        "API del Sistema de Información de Empleo y Emprendimiento. Autenticación: `Authorization: Bearer TOKEN` "
        "(token en `POST /api/v1/auth/token`), cabecera `X-API-Token` o sesión web. Los errores tienen la forma "
        '`{"code", "detail", "errors": {campo: [motivos]}}`; un registro de otro territorio responde 404 igual que uno inexistente.'
    ),
    urls_namespace="api-v1",
    auth=[BearerToken(), HeaderToken(), django_auth],
    docs=LocalSwagger(),
)


@api.get("/docs/assets/{name}", auth=None, include_in_schema=False)
def docs_asset(request, name: str):
    if name not in _ASSETS:
        raise Http404
    return FileResponse(open(_ASSETS_DIR / name, "rb"), content_type=_ASSETS[name])


def error_body(code: str, detail: str, errors: dict) -> dict:
    return {"code": code, "detail": detail, "errors": errors}


@api.exception_handler(DomainError)
def domain_error(request, exc: DomainError):
    status = 422
    if isinstance(exc, OutOfScope) or exc.code in (ErrorCode.NOT_FOUND, ErrorCode.OUT_OF_SCOPE):
        status = 404
        # Same body whether the record does not exist or lies in another territory: nothing leaks.
        return api.create_response(request, error_body(ErrorCode.NOT_FOUND.value, exc.message, {}), status=status)
    if isinstance(exc, PermissionDenied):
        status = 403
    return api.create_response(request, error_body(exc.code.value, exc.message, exc.errors), status=status)


_LOCATIONS = {"body", "query", "path", "header", "cookie", "form", "file"}


def _field_of(loc) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in _LOCATIONS:
        parts = parts[1:]
    if len(parts) > 1 and parts[0] == "payload":
        parts = parts[1:]
    return ".".join(parts) or "__all__"


@api.exception_handler(NinjaValidationError)
def request_validation_error(request, exc: NinjaValidationError):
    """Wrong types and missing fields: the same field-level shape as the domain validation errors."""
    errors: dict[str, list[str]] = {}
    for err in exc.errors:
        field = _field_of(err.get("loc", ()))
        if field == "payload":
            field = "__all__"
        errors.setdefault(field, []).append(str(err.get("msg", "valor no válido")))
    first = next(iter(errors))
    return api.create_response(
        request, error_body(ErrorCode.INVALID.value, f"{first}: {errors[first][0]}", errors), status=422
    )


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, error_body(ErrorCode.NOT_FOUND.value, "No encontrado.", {}), status=404)


@api.exception_handler(AuthenticationError)
def authentication_error(request, exc):
    return api.create_response(
        request, error_body("unauthorized", "Autenticación requerida o token no válido.", {}), status=401
    )


def reject_nul_characters(view):
    """NUL characters cannot be stored in PostgreSQL text columns and never belong in user data: a request
    carrying one (raw, %00 or JSON \\u0000) is a 422 before any validation or query runs."""
    import functools

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        body = request.body if request.method in ("POST", "PUT", "PATCH", "DELETE") else b""
        in_query = "\x00" in request.path or any(
            "\x00" in key or any("\x00" in v for v in values) for key, values in request.GET.lists())
        if in_query or b"\x00" in body or b"\\u0000" in body.lower():
            return api.create_response(
                request, error_body(ErrorCode.INVALID.value, "La petición contiene caracteres NUL (\\0).",
                                    {"__all__": ["carácter NUL no permitido"]}), status=422)
        return view(request, *args, **kwargs)

    return wrapper


api.add_decorator(reject_nul_characters, mode="view")


def _register_routers() -> None:
    import importlib

    for module_name, prefix, tag in (
        ("siee.core.api", "/", "núcleo"),
        ("siee.taxonomy.api", "/taxonomy/", "taxonomía"),
        ("siee.people.api", "/people/", "personas"),
        ("siee.employers.api", "/", "empleadores"),
        ("siee.matching.api", "/matching/", "emparejamiento"),
        ("siee.matching.classify_api", "/classify/", "clasificación"),
        ("siee.intermediation.api", "/intermediation/", "intermediación"),
        ("siee.observatory.api", "/observatory/", "observatorio"),
        ("siee.training.api", "/training/", "formación"),
        ("siee.enterprise.api", "/enterprise/", "emprendimiento"),
    ):
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                continue
            raise
        api.add_router(prefix, module.router, tags=[tag])


_register_routers()

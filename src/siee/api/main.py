"""REST API under /api/v1 (django-ninja, OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.security import APIKeyHeader, HttpBearer, django_auth

from siee.core.errors import DomainError, ErrorCode, OutOfScope, PermissionDenied


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        from siee.core.models import User

        user = User.objects.filter(api_token=token, is_active=True).select_related("organization").first()
        if user:
            request.user = user
        return user


class HeaderToken(APIKeyHeader):
    param_name = "X-API-Token"

    def authenticate(self, request: HttpRequest, key: str | None):
        return BearerToken().authenticate(request, key) if key else None


api = NinjaAPI(
    title="SIEE API",
    version="1.0.0",
    description="API del Sistema de Información de Empleo y Emprendimiento. Autenticación: `Authorization: Bearer TOKEN`.",
    urls_namespace="api-v1",
    auth=[BearerToken(), HeaderToken(), django_auth],
)


@api.exception_handler(DomainError)
def domain_error(request, exc: DomainError):
    status = 422
    if isinstance(exc, OutOfScope) or exc.code in (ErrorCode.NOT_FOUND, ErrorCode.OUT_OF_SCOPE):
        status = 404
    elif isinstance(exc, PermissionDenied):
        status = 403
    return api.create_response(request, {"code": exc.code.value, "detail": exc.message, "errors": exc.errors}, status=status)


def _register_routers() -> None:
    import importlib

    for module_name, prefix, tag in (
        ("siee.core.api", "/", "núcleo"),
        ("siee.taxonomy.api", "/taxonomy/", "taxonomía"),
        ("siee.people.api", "/people/", "personas"),
        ("siee.employers.api", "/", "empleadores"),
    ):
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                continue
            raise
        api.add_router(prefix, module.router, tags=[tag])


_register_routers()

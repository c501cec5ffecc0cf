"""Keeps the request's client address and channel in a context variable for the audit log."""

from __future__ import annotations

from siee.core.audit import request_context


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        channel = "api" if request.path.startswith("/api/") else "web"
        ip = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[0].strip() or request.META.get("REMOTE_ADDR")
        token = request_context.set({"channel": channel, "ip": ip or None})
        try:
            return self.get_response(request)
        finally:
            request_context.reset(token)

"""Error codes shared by UI, API and CLI."""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    NOT_FOUND = "not_found"
    OUT_OF_SCOPE = "out_of_scope"
    FORBIDDEN = "forbidden"
    INVALID = "invalid"
    CONSENT_REQUIRED = "consent_required"
    DUPLICATE = "duplicate"


class DomainError(Exception):
    code = ErrorCode.INVALID

    def __init__(self, message: str, *, field: str | None = None, code: ErrorCode | None = None, errors: dict | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if code is not None:
            self.code = code
        self.errors = errors or ({field: [message]} if field else {"__all__": [message]})


class ValidationFailed(DomainError):
    code = ErrorCode.INVALID


class PermissionDenied(DomainError):
    code = ErrorCode.FORBIDDEN


class OutOfScope(DomainError):
    """The object exists but lies outside the actor's territories: reported as not found to the outsider."""

    code = ErrorCode.OUT_OF_SCOPE

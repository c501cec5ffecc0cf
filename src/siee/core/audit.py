"""Audit log: every write and every read of sensitive fields leaves an entry."""

from __future__ import annotations

import contextvars
from collections.abc import Iterable

request_context: contextvars.ContextVar[dict | None] = contextvars.ContextVar("siee_request_context", default=None)


def record(*, actor, action: str, obj=None, object_type: str | None = None, object_id=None,
           fields: Iterable[str] = (), detail: dict | None = None) -> None:
    from siee.core.models import AuditEntry

    ctx = request_context.get() or {"channel": "cli", "ip": None}
    if obj is not None:
        object_type = object_type or obj._meta.model_name
        object_id = obj.pk if object_id is None else object_id
    actor_obj = actor if getattr(actor, "pk", None) else None
    AuditEntry.objects.create(
        actor=actor_obj,
        actor_label=getattr(actor, "username", "") or "system",
        organization_id=getattr(actor_obj, "organization_id", None),
        action=action,
        object_type=object_type or "",
        object_id="" if object_id is None else str(object_id),
        fields=sorted(set(fields)),
        channel=ctx.get("channel", "cli"),
        ip=ctx.get("ip"),
        detail=detail or {},
    )


def set_channel(channel: str) -> None:
    request_context.set({"channel": channel, "ip": None})

"""Reads of enterprise records, scoped by the acting user's territories (initiatives hold personal data)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from siee.core import audit
from siee.core.errors import OutOfScope, PermissionDenied
from siee.core.models import AuditAction
from siee.core.selectors import scope_territory_ids
from siee.enterprise.models import (
    AgreedTask,
    BusinessEvent,
    BusinessInitiative,
    GrantApplication,
    GrantCall,
    ProcurementNeed,
    Stage,
    SurvivalFollowUp,
)
from siee.lib.text import fold


def _require_staff(user) -> None:
    if user is None or not user.is_authenticated or not user.can_read_personal_data:
        raise PermissionDenied(_("Su rol no permite ver las iniciativas empresariales."))


def _scope(qs: QuerySet, user, field: str = "municipality_id") -> QuerySet:
    _require_staff(user)
    scope = scope_territory_ids(user)
    if scope is None:
        return qs
    return qs.filter(**{f"{field}__in": scope})


def _not_found(user, model, object_id, message: str):
    try:
        pk = int(object_id)
    except (TypeError, ValueError, OverflowError):
        raise OutOfScope(message) from None
    if 0 < pk < 2**63 and model.objects.filter(pk=pk).exists():
        audit.record(actor=user, action=AuditAction.DENIED, object_type=model._meta.model_name, object_id=pk,
                     detail={"reason": "out_of_scope"})
    raise OutOfScope(message)


def initiatives_for(user, *, q: str | None = None, stage: int | None = None, municipality_id: int | None = None,
                    adviser_id: int | None = None) -> QuerySet[BusinessInitiative]:
    qs = _scope(BusinessInitiative.objects.select_related("owner", "municipality", "sector", "adviser"), user)
    if q:
        folded = fold(q)
        qs = qs.filter(Q(name__icontains=q.strip()) | Q(owner__name_key__contains=folded) | Q(tax_id__iexact=q.strip()))
    if stage:
        qs = qs.filter(stage=stage)
    if municipality_id:
        qs = qs.filter(municipality_id=municipality_id)
    if adviser_id:
        qs = qs.filter(adviser_id=adviser_id)
    return qs


def get_initiative_for(user, initiative_id) -> BusinessInitiative:
    _require_staff(user)
    try:
        obj = initiatives_for(user).filter(pk=int(initiative_id)).first()
    except (TypeError, ValueError, OverflowError):
        obj = None
    if obj is None:
        _not_found(user, BusinessInitiative, initiative_id, _("Iniciativa no encontrada."))
    return obj


def needs_for(user, *, status: str | None = None) -> QuerySet[ProcurementNeed]:
    qs = _scope(ProcurementNeed.objects.select_related("buyer_employer", "buyer_entity", "municipality", "sector"), user)
    if status:
        qs = qs.filter(status=status)
    return qs


def get_need_for(user, need_id) -> ProcurementNeed:
    _require_staff(user)
    try:
        obj = needs_for(user).filter(pk=int(need_id)).first()
    except (TypeError, ValueError, OverflowError):
        obj = None
    if obj is None:
        _not_found(user, ProcurementNeed, need_id, _("Necesidad de proveeduría no encontrada."))
    return obj


def calls_for(user) -> QuerySet[GrantCall]:
    _require_staff(user)
    qs = GrantCall.objects.all()
    scope = scope_territory_ids(user)
    if scope is not None and user.organization_id:
        qs = qs.filter(Q(organization_id=user.organization_id) | Q(organization__isnull=True))
    return qs


def get_call_for(user, call_id) -> GrantCall:
    _require_staff(user)
    try:
        obj = calls_for(user).filter(pk=int(call_id)).first()
    except (TypeError, ValueError, OverflowError):
        obj = None
    if obj is None:
        _not_found(user, GrantCall, call_id, _("Convocatoria no encontrada."))
    return obj


def applications_for(user, call: GrantCall) -> QuerySet[GrantApplication]:
    """A call's applications from initiatives of the user's territories, best score first."""
    return (GrantApplication.objects.filter(call=call, initiative__in=initiatives_for(user).values("pk"))
            .select_related("initiative", "initiative__owner", "initiative__municipality", "award")
            .order_by(F("score").desc(nulls_last=True), "id"))


def get_application_for(user, application_id) -> GrantApplication:
    _require_staff(user)
    try:
        pk = int(application_id)
        obj = (GrantApplication.objects.select_related("call", "initiative", "initiative__owner")
               .filter(pk=pk, call__in=calls_for(user), initiative__in=initiatives_for(user).values("pk")).first())
    except (TypeError, ValueError, OverflowError):
        obj = None
    if obj is None:
        _not_found(user, GrantApplication, application_id, _("Postulación no encontrada."))
    return obj


def get_event_for(user, event_id) -> BusinessEvent:
    _require_staff(user)
    try:
        obj = events_for(user).filter(pk=int(event_id)).first()
    except (TypeError, ValueError, OverflowError):
        obj = None
    if obj is None:
        _not_found(user, BusinessEvent, event_id, _("Evento no encontrado."))
    return obj


def due_follow_ups(initiative: BusinessInitiative, *, today: dt.date | None = None) -> list[SurvivalFollowUp]:
    """Survival follow-ups not yet recorded whose date is past or within the next 30 days (the worklist's window)."""
    today = today or timezone.localdate()
    return list(initiative.survival_follow_ups.filter(done_on__isnull=True, due_on__lte=today + dt.timedelta(days=30)))


def initiatives_of_person(user, person) -> QuerySet[BusinessInitiative]:
    """Initiatives (of the user's territories) the person owns or is a team member of."""
    return initiatives_for(user).filter(Q(owner=person) | Q(members__person=person)).distinct()


def events_for(user) -> QuerySet[BusinessEvent]:
    return _scope(BusinessEvent.objects.select_related("municipality"), user)


def adviser_worklist(user, *, today: dt.date | None = None) -> dict:
    """What an adviser has to do: their initiatives by stage, open agreed tasks, survival follow-ups due."""
    today = today or timezone.localdate()
    initiatives = initiatives_for(user)
    mine = initiatives.filter(adviser=user) if user.role == "business_adviser" else initiatives
    by_stage = dict(mine.exclude(stage=Stage.CLOSED).values_list("stage").annotate(n=Count("id")).order_by())
    tasks = (AgreedTask.objects.filter(initiative__in=mine, done_at__isnull=True)
             .select_related("initiative").order_by("due_on", "id"))
    follow_ups = (SurvivalFollowUp.objects.filter(initiative__in=mine, done_on__isnull=True, due_on__lte=today + dt.timedelta(days=30))
                  .select_related("initiative").order_by("due_on", "id"))
    return {"by_stage": {int(k): v for k, v in by_stage.items()}, "tasks": tasks, "follow_ups": follow_ups,
            "initiatives": mine}

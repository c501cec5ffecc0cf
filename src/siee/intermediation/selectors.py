"""Reads of intermediation records, scoped like the people and vacancies they concern.

Staff see a record when the person (and the vacancy, when there is one) lie in their territories; a job seeker
sees their own; an employer account sees referrals to its own vacancies. Anything else is "not found".
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from siee.core import audit
from siee.core.errors import OutOfScope, PermissionDenied
from siee.core.models import AuditAction
from siee.core.selectors import scope_territory_ids
from siee.intermediation.models import Application, FollowUp, Placement, Referral, ShortlistEntry


def _require_login(user) -> None:
    if user is None or not user.is_authenticated:
        raise PermissionDenied(_("Debe iniciar sesión."))


def _scoped(qs: QuerySet, user, *, person: str = "person", vacancy: str | None = "vacancy",
            employer_path: str | None = None) -> QuerySet:
    _require_login(user)
    if user.role == "job_seeker" and not user.is_system_admin:
        return qs.filter(**{f"{person}__user": user})
    if user.role == "employer" and not user.is_system_admin:
        if employer_path is None:
            raise PermissionDenied(_("Su rol no permite ver estos registros."))
        return qs.filter(**{employer_path: user})
    if not user.can_read_personal_data:
        raise PermissionDenied(_("Su rol no permite ver datos personales."))
    scope = scope_territory_ids(user)
    if scope is None:
        return qs
    qs = qs.filter(**{f"{person}__municipality_id__in": scope})
    if vacancy:
        qs = qs.filter(Q(**{f"{vacancy}__isnull": True}) | Q(**{f"{vacancy}__municipality_id__in": scope}))
    return qs


def _get(qs: QuerySet, model, user, object_id, message: str):
    try:
        pk = int(object_id)
    except (TypeError, ValueError):
        raise OutOfScope(message) from None
    obj = qs.filter(pk=pk).first()
    if obj is None:
        if user is not None and getattr(user, "pk", None) and model.objects.filter(pk=pk).exists():
            audit.record(actor=user, action=AuditAction.DENIED, object_type=model._meta.model_name, object_id=pk,
                         detail={"reason": "out_of_scope"})
        raise OutOfScope(message)
    return obj


# --- applications and shortlist ----------------------------------------------------------------------------

def applications_for(user, *, vacancy_id=None, person_id=None, status: str | None = None) -> QuerySet[Application]:
    qs = _scoped(Application.objects.select_related("person", "vacancy", "vacancy__employer"), user,
                 employer_path="vacancy__employer__users")
    if vacancy_id:
        qs = qs.filter(vacancy_id=vacancy_id)
    if person_id:
        qs = qs.filter(person_id=person_id)
    if status:
        qs = qs.filter(status=status)
    return qs


def shortlist_for(user, *, vacancy_id) -> QuerySet[ShortlistEntry]:
    qs = _scoped(ShortlistEntry.objects.select_related("person", "vacancy"), user)
    return qs.filter(vacancy_id=vacancy_id).order_by("-score", "id")


# --- referrals ---------------------------------------------------------------------------------------------

def referrals_for(user, *, vacancy_id=None, person_id=None, status: str | None = None) -> QuerySet[Referral]:
    qs = _scoped(Referral.objects.select_related("person", "vacancy", "vacancy__employer", "vacancy__municipality"),
                 user, employer_path="vacancy__employer__users")
    if vacancy_id:
        qs = qs.filter(vacancy_id=vacancy_id)
    if person_id:
        qs = qs.filter(person_id=person_id)
    if status:
        qs = qs.filter(status=status)
    return qs


def get_referral_for(user, referral_id) -> Referral:
    return _get(referrals_for(user), Referral, user, referral_id, _("Remisión no encontrada."))


# --- placements and follow-ups -----------------------------------------------------------------------------

def placements_for(user, *, person_id=None, vacancy_id=None) -> QuerySet[Placement]:
    qs = _scoped(Placement.objects.select_related("person", "vacancy", "employer", "referral"), user)
    if person_id:
        qs = qs.filter(person_id=person_id)
    if vacancy_id:
        qs = qs.filter(vacancy_id=vacancy_id)
    return qs


def get_placement_for(user, placement_id) -> Placement:
    return _get(placements_for(user), Placement, user, placement_id, _("Colocación no encontrada."))


def follow_ups_for(user, *, assigned_to=None, pending: bool | None = None, person_id=None) -> QuerySet[FollowUp]:
    qs = _scoped(FollowUp.objects.select_related("placement", "placement__person", "placement__employer",
                                                 "placement__vacancy", "assigned_to"),
                 user, person="placement__person", vacancy="placement__vacancy")
    if assigned_to is not None:
        qs = qs.filter(assigned_to=assigned_to)
    if pending is True:
        qs = qs.filter(done_at__isnull=True)
    elif pending is False:
        qs = qs.filter(done_at__isnull=False)
    if person_id:
        qs = qs.filter(placement__person_id=person_id)
    return qs.order_by("due_date", "id")


def overdue_follow_ups(user, *, today: dt.date | None = None, assigned_to=None) -> QuerySet[FollowUp]:
    """Follow-ups not done whose due date has passed (due_date < today), in the user's scope, oldest first."""
    today = today or timezone.localdate()
    return follow_ups_for(user, assigned_to=assigned_to, pending=True).filter(due_date__lt=today)


def get_follow_up_for(user, follow_up_id) -> FollowUp:
    return _get(follow_ups_for(user), FollowUp, user, follow_up_id, _("Seguimiento no encontrado."))

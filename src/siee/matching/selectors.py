"""Reads of stored matching results and weight history, scoped by the acting user."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from siee.core.errors import OutOfScope, PermissionDenied
from siee.core.selectors import scope_territory_ids
from siee.matching.models import MatchingConfig, MatchResult, MatchRun


def _require_staff(user) -> None:
    if user is None or not user.is_authenticated or not user.can_read_personal_data:
        raise PermissionDenied(_("Su rol no permite ver resultados de emparejamiento."))


def runs_for(user) -> QuerySet[MatchRun]:
    _require_staff(user)
    qs = MatchRun.objects.select_related("territory")
    scope = scope_territory_ids(user)
    if scope is not None:
        qs = qs.filter(territory_id__in=scope)
    return qs


def results_for(user, *, run_id, vacancy_id=None) -> QuerySet[MatchResult]:
    """Stored results of a run, limited to people and vacancies in the user's territories."""
    try:
        run = runs_for(user).get(pk=int(run_id))
    except (MatchRun.DoesNotExist, TypeError, ValueError):
        raise OutOfScope(_("Corrida no encontrada.")) from None
    qs = MatchResult.objects.filter(run=run).select_related("person", "vacancy")
    scope = scope_territory_ids(user)
    if scope is not None:
        qs = qs.filter(person__municipality_id__in=scope, vacancy__municipality_id__in=scope)
    if vacancy_id is not None:
        qs = qs.filter(vacancy_id=vacancy_id)
    return qs.order_by("vacancy_id", "rank")


def weights_history(user, *, organization_id=None) -> QuerySet[MatchingConfig]:
    if user is None or not user.is_authenticated or not user.is_agency_admin:
        raise PermissionDenied(_("Solo un administrador de la agencia puede ver el historial de pesos."))
    if not user.is_system_admin:
        organization_id = user.organization_id
    return MatchingConfig.objects.filter(organization_id=organization_id).order_by("-version")

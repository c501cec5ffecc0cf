"""Reads of employers and vacancies, scoped by territory (staff) or by ownership (employer accounts)."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from siee.core.errors import OutOfScope, PermissionDenied
from siee.core.selectors import scope_territory_ids
from siee.employers.models import Employer, Vacancy, VacancyStatus


def employers_for(user, *, q: str | None = None, municipality_id: int | None = None) -> QuerySet[Employer]:
    if user is None or not user.is_authenticated:
        raise PermissionDenied(_("Debe iniciar sesión."))
    qs = Employer.objects.select_related("municipality", "sector")
    if user.role == "employer":
        qs = qs.filter(users=user)
    elif user.role in ("job_seeker", "analyst") and not user.is_system_admin:
        raise PermissionDenied(_("Su rol no permite ver el registro de empleadores."))
    else:
        scope = scope_territory_ids(user)
        if scope is not None:
            qs = qs.filter(municipality_id__in=scope)
    if q:
        qs = qs.filter(Q(name__icontains=q.strip()) | Q(tax_id__iexact=q.strip().replace(".", "")))
    if municipality_id:
        qs = qs.filter(municipality_id=municipality_id)
    return qs


def _audit_denied(user, model, object_id) -> None:
    """An attempt on an existing record outside the user's scope leaves a "denied" audit entry."""
    from siee.core import audit
    from siee.core.models import AuditAction

    try:
        pk = int(object_id)
    except (TypeError, ValueError):
        return
    if model.objects.filter(pk=pk).exists():
        audit.record(actor=user, action=AuditAction.DENIED, object_type=model._meta.model_name, object_id=pk,
                     detail={"reason": "out_of_scope"})


def get_employer_for(user, employer_id) -> Employer:
    try:
        return employers_for(user).get(pk=int(employer_id))
    except (Employer.DoesNotExist, TypeError, ValueError, OverflowError):
        _audit_denied(user, Employer, employer_id)
        raise OutOfScope(_("Empleador no encontrado.")) from None


def vacancies_for(user, *, q: str | None = None, status: str | None = None, municipality_id: int | None = None,
                  employer_id: int | None = None) -> QuerySet[Vacancy]:
    if user is None or not user.is_authenticated:
        raise PermissionDenied(_("Debe iniciar sesión."))
    qs = Vacancy.objects.select_related("employer", "occupation", "municipality", "municipality__parent")
    if user.role == "employer":
        qs = qs.filter(employer__users=user)
    elif user.role == "job_seeker":
        qs = qs.filter(status=VacancyStatus.OPEN, published=True)
    else:
        scope = scope_territory_ids(user)
        if scope is not None:
            qs = qs.filter(municipality_id__in=scope)
    if q:
        qs = qs.filter(Q(title__icontains=q.strip()) | Q(code__iexact=q.strip()) | Q(occupation__label__icontains=q.strip()))
    if status:
        qs = qs.filter(status=status)
    if municipality_id:
        qs = qs.filter(municipality_id=municipality_id)
    if employer_id:
        qs = qs.filter(employer_id=employer_id)
    return qs


def get_vacancy_for(user, vacancy_id) -> Vacancy:
    try:
        return vacancies_for(user).get(pk=int(vacancy_id))
    except (Vacancy.DoesNotExist, TypeError, ValueError, OverflowError):
        _audit_denied(user, Vacancy, vacancy_id)
        raise OutOfScope(_("Vacante no encontrada.")) from None


def public_vacancies(*, municipality_id: int | None = None, q: str | None = None) -> QuerySet[Vacancy]:
    """Open, published vacancies: shown without login (no personal data involved)."""
    qs = Vacancy.objects.filter(status=VacancyStatus.OPEN, published=True).select_related(
        "employer", "occupation", "municipality", "municipality__parent")
    if municipality_id:
        qs = qs.filter(municipality_id=municipality_id)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(occupation__label__icontains=q))
    return qs

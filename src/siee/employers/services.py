"""Services for employers and vacancies: the only writers of these models. Every write is audited."""

from __future__ import annotations

import datetime as dt
import functools
import secrets

from django.db import transaction
from django.utils.translation import gettext as _

from siee.core import audit
from siee.core.errors import ErrorCode, PermissionDenied, ValidationFailed
from siee.core.models import AuditAction
from siee.core.selectors import scope_territory_ids
from siee.core.validation import ReferenceMaps
from siee.employers.models import Employer, Vacancy, VacancySkill, VacancyStatus
from siee.employers.selectors import get_employer_for, get_vacancy_for
from siee.employers.validation import (
    EMPLOYER_MODEL_FIELDS,
    VACANCY_MODEL_FIELDS,
    clean_employer,
    clean_vacancy,
)

WRITER_ROLES = {"system_admin", "agency_admin", "counsellor", "intermediation_officer", "business_adviser"}


def _raise(errors):
    grouped: dict[str, list[str]] = {}
    for field, reason in errors:
        grouped.setdefault(field, []).append(reason)
    field, reason = errors[0]
    return ValidationFailed(f"{field}: {reason}", field=field, errors=grouped)


def _require_staff(actor):
    if actor is not None and not actor.is_system_admin and actor.role not in WRITER_ROLES:
        raise PermissionDenied(_("Su rol no permite esta operación."))


def _scope_first(getter, id_param: str):
    """`transaction.atomic`, but the actor's scope on the record is checked *before* the transaction opens, so
    the "denied" audit entry of an out-of-scope attempt is not rolled back with the refused write."""

    def decorate(fn):
        atomic_fn = transaction.atomic(fn)

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            if id_param in kwargs:
                getter(kwargs.get("actor"), kwargs[id_param])
            return atomic_fn(*args, **kwargs)

        return wrapper

    return decorate


@transaction.atomic
def register_employer(*, actor, data: dict) -> Employer:
    if actor is not None and actor.role not in WRITER_ROLES | {"employer"} and not actor.is_system_admin:
        raise PermissionDenied(_("Su rol no permite registrar empleadores."))
    maps = ReferenceMaps.load(scope=scope_territory_ids(actor) if actor is not None and actor.role != "employer" else None)
    cleaned, errors = clean_employer(data, maps)
    if errors:
        raise _raise(errors)
    if Employer.objects.filter(country=cleaned["country"], tax_id=cleaned["tax_id"]).exists():
        raise ValidationFailed(_("Ya existe un empleador con esa identificación tributaria."), field="tax_id", code=ErrorCode.DUPLICATE)
    employer = Employer(**{k: cleaned[k] for k in EMPLOYER_MODEL_FIELDS})
    employer.organization = getattr(actor, "organization", None) if getattr(actor, "role", "") != "employer" else None
    employer.save()
    if actor is not None and actor.role == "employer":
        employer.users.add(actor)
    audit.record(actor=actor, action=AuditAction.CREATE, obj=employer, fields=[k for k in EMPLOYER_MODEL_FIELDS if cleaned.get(k)])
    return employer


@_scope_first(get_employer_for, "employer_id")
def update_employer(*, actor, employer_id, data: dict) -> Employer:
    employer = get_employer_for(actor, employer_id)
    if actor is not None and actor.role != "employer":
        _require_staff(actor)
    maps = ReferenceMaps.load(scope=scope_territory_ids(actor) if actor.role != "employer" else None)
    cleaned, errors = clean_employer(data, maps, partial=True)
    if errors:
        raise _raise(errors)
    changed = [k for k in EMPLOYER_MODEL_FIELDS if k in cleaned and getattr(employer, k) != cleaned[k]]
    for k in changed:
        setattr(employer, k, cleaned[k])
    if "tax_id" in changed and Employer.objects.filter(country=employer.country, tax_id=employer.tax_id).exclude(pk=employer.pk).exists():
        raise ValidationFailed(_("Ya existe un empleador con esa identificación tributaria."), field="tax_id", code=ErrorCode.DUPLICATE)
    employer.save()
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=employer, fields=changed)
    return employer


def _new_vacancy_code() -> str:
    return f"V-{dt.date.today():%Y%m}-{secrets.token_hex(3).upper()}"


@_scope_first(get_employer_for, "employer_id")
def create_vacancy(*, actor, employer_id, data: dict) -> Vacancy:
    employer = get_employer_for(actor, employer_id)
    if actor is not None and actor.role != "employer":
        _require_staff(actor)
    data = dict(data)
    if not data.get("code"):
        data["code"] = _new_vacancy_code()
    maps = ReferenceMaps.load(scope=scope_territory_ids(actor) if actor is not None and actor.role != "employer" else None, skills=True)
    if actor is not None and actor.role == "employer" and maps.scope is None:
        maps.scope = None
    cleaned, errors = clean_vacancy(data, maps)
    if cleaned.get("closing_date") and cleaned["closing_date"] < dt.date.today() and cleaned.get("status") == VacancyStatus.OPEN:
        errors.append(("closing_date", _("la fecha de cierre de una vacante abierta no puede estar en el pasado")))
    overlap = set(cleaned.get("required_skill_ids", [])) & set(cleaned.get("desired_skill_ids", []))
    if overlap:
        errors.append(("desired_skills", _("una habilidad no puede ser requerida y deseable a la vez")))
    if errors:
        raise _raise(errors)
    if Vacancy.objects.filter(code=cleaned["code"]).exists():
        raise ValidationFailed(_("Ya existe una vacante con ese código."), field="code", code=ErrorCode.DUPLICATE)
    vacancy = Vacancy(employer=employer, **{k: cleaned[k] for k in VACANCY_MODEL_FIELDS})
    vacancy.organization = employer.organization or getattr(actor, "organization", None)
    vacancy.save()
    _set_vacancy_skills(vacancy, cleaned.get("required_skill_ids", []), cleaned.get("desired_skill_ids", []))
    audit.record(actor=actor, action=AuditAction.CREATE, obj=vacancy, fields=[k for k in VACANCY_MODEL_FIELDS if cleaned.get(k) not in (None, "")])
    return vacancy


def _set_vacancy_skills(vacancy, required_ids, desired_ids):
    VacancySkill.objects.filter(vacancy=vacancy).delete()
    VacancySkill.objects.bulk_create(
        [VacancySkill(vacancy=vacancy, skill_id=s, required=True) for s in dict.fromkeys(required_ids)]
        + [VacancySkill(vacancy=vacancy, skill_id=s, required=False) for s in dict.fromkeys(desired_ids) if s not in required_ids]
    )


@_scope_first(get_vacancy_for, "vacancy_id")
def update_vacancy(*, actor, vacancy_id, data: dict) -> Vacancy:
    vacancy = get_vacancy_for(actor, vacancy_id)
    if actor is not None and actor.role != "employer":
        _require_staff(actor)
    maps = ReferenceMaps.load(scope=scope_territory_ids(actor) if actor is not None and actor.role != "employer" else None, skills=True)
    cleaned, errors = clean_vacancy(data, maps, partial=True)
    if "required_skill_ids" in cleaned or "desired_skill_ids" in cleaned:
        links = list(vacancy.skill_links.values_list("skill_id", "required"))
        required = cleaned.get("required_skill_ids", [s for s, r in links if r])
        desired = cleaned.get("desired_skill_ids", [s for s, r in links if not r])
        if set(required) & set(desired):
            errors.append(("desired_skills", _("una habilidad no puede ser requerida y deseable a la vez")))
    if "closing_date" in cleaned or "status" in cleaned:
        closing = cleaned.get("closing_date", vacancy.closing_date)
        if closing and closing < dt.date.today() and cleaned.get("status", vacancy.status) == VacancyStatus.OPEN:
            errors.append(("closing_date", _("la fecha de cierre de una vacante abierta no puede estar en el pasado")))
    if errors:
        raise _raise(errors)
    changed = [k for k in VACANCY_MODEL_FIELDS if k in cleaned and getattr(vacancy, k) != cleaned[k]]
    for k in changed:
        setattr(vacancy, k, cleaned[k])
    if vacancy.wage_min is not None and vacancy.wage_max is not None and vacancy.wage_max < vacancy.wage_min:
        raise ValidationFailed(_("el salario máximo es menor que el mínimo"), field="wage_max")
    vacancy.save()
    if "required_skill_ids" in cleaned or "desired_skill_ids" in cleaned:
        current_req = list(vacancy.skill_links.filter(required=True).values_list("skill_id", flat=True))
        current_des = list(vacancy.skill_links.filter(required=False).values_list("skill_id", flat=True))
        _set_vacancy_skills(vacancy, cleaned.get("required_skill_ids", current_req), cleaned.get("desired_skill_ids", current_des))
        changed.append("skills")
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=vacancy, fields=changed)
    return vacancy


@_scope_first(get_vacancy_for, "vacancy_id")
def close_vacancy(*, actor, vacancy_id, status: str = VacancyStatus.CLOSED) -> Vacancy:
    if status not in (VacancyStatus.CLOSED, VacancyStatus.FILLED):
        raise ValidationFailed(_("Estado de cierre no válido."), field="status")
    return update_vacancy(actor=actor, vacancy_id=vacancy_id, data={"status": status})

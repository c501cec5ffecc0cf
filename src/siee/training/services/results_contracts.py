"""Results-linked contracts with providers: registration and what is payable per cohort."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from siee.core import audit
from siee.core.errors import ErrorCode, ValidationFailed
from siee.core.models import AuditAction
from siee.training import contracts
from siee.training.models import (
    Cohort,
    CohortStatus,
    ResultsContract,
)
from siee.training.selectors import (
    cohorts_for,
    get_contract_for,
    providers_for,
    require_staff,
)
from siee.training.services._common import (
    _date,
    _int,
    _user,
)

# --- results-linked contracts ------------------------------------------------------------------------------

def _validated(*, actor, contract: ResultsContract | None, provider_id, code, title, start_date, end_date, formula,
               cohort_ids) -> tuple[dict, list, list]:
    """(model values, cohorts to link, cohorts to unlink), or one ValidationFailed with every problem found:
    `errors` by field (`formula.parts[2]` for a part of the formula) and `field_errors` down to the attribute of a
    part (`formula.parts[2].target`), for forms."""
    errors: dict[str, list[str]] = {}
    field_errors: dict[str, list[str]] = {}
    duplicate = False
    clean = None
    try:
        clean = contracts.validate_formula(formula)
    except ValidationFailed as exc:
        errors.update(exc.errors)
        field_errors.update(getattr(exc, "field_errors", exc.errors))

    def error(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)
        field_errors.setdefault(field, []).append(message)

    code = (code or "").strip()
    if not code:
        error("code", _("El número de contrato es obligatorio."))
    elif len(code) > 40:
        error("code", _("El número de contrato tiene más de 40 caracteres."))
    elif ResultsContract.objects.filter(code=code).exclude(pk=getattr(contract, "pk", None)).exists():
        error("code", _("Ya existe el contrato %(c)s.") % {"c": code})
        duplicate = True
    provider = None
    try:
        pk = _int(provider_id, "provider", minimum=1, maximum=2**63 - 1)
    except ValidationFailed:
        pk = None
    if pk is not None:
        provider = providers_for(actor).filter(pk=pk).first()
    if provider is None:
        error("provider", _("Proveedor de formación desconocido."))
    start = end = None
    for field, value in (("start_date", start_date), ("end_date", end_date)):
        try:
            day = _date(value, field)
        except ValidationFailed as exc:
            error(field, exc.message)
            continue
        if field == "start_date":
            start = day
        else:
            end = day
    if start and end and end < start:
        error("end_date", _("La fecha de fin es anterior a la de inicio."))
    chosen, unlink, cohort_errors = _check_cohorts(actor=actor, contract=contract, provider=provider,
                                                   cohort_ids=cohort_ids)
    for message in cohort_errors:
        error("cohorts", message)
    if errors:
        field, messages = next(iter(errors.items()))
        exc = ValidationFailed(f"{field}: {messages[0]}" if field.startswith("formula") else messages[0], field=field,
                               errors=errors, code=ErrorCode.DUPLICATE if duplicate and field == "code" else None)
        exc.field_errors = field_errors
        raise exc
    values = {"code": code, "provider": provider, "title": ((title or "").strip() or code)[:300],
              "start_date": start, "end_date": end, "formula": clean}
    return values, chosen, unlink


def _parse_id(value) -> int | None:
    try:
        pk = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return pk if 0 < pk < 2**63 else None


def _check_cohorts(*, actor, contract: ResultsContract | None, provider, cohort_ids) -> tuple[list, list, list]:
    """(cohorts to link, cohorts to unlink, errors) for `cohort_ids` (None: keep the contract's cohorts as they are).

    Each cohort must be of the actor's territories, of a course of the contract's provider, and not paid by
    another contract. Cohorts of the contract outside the actor's territories are left alone (but must still be
    of the provider)."""
    current = list(contract.cohorts.select_related("course__provider")) if contract is not None else []
    errors: list[str] = []
    if cohort_ids is None:
        chosen, unlink = current, []
    else:
        refs = [(ref, _parse_id(ref)) for ref in cohort_ids]
        wanted = [pk for _ref, pk in refs if pk is not None] + [c.pk for c in current]
        visible = {c.pk: c for c in cohorts_for(actor).filter(pk__in=wanted)}
        chosen = []
        for ref, pk in refs:
            cohort = visible.get(pk)
            if cohort is None:
                errors.append(_("Cohorte desconocida: %(c)s.") % {"c": ref})
            elif cohort.contract_id not in (None, getattr(contract, "pk", None)):
                errors.append(_("La cohorte «%(c)s» ya la paga el contrato %(k)s.") % {
                    "c": str(cohort), "k": cohort.contract.code})
            elif cohort not in chosen:
                chosen.append(cohort)
        unlink = [c for c in current if c.pk in visible and c not in chosen]
        chosen += [c for c in current if c.pk not in visible]  # another territory's: kept
    for cohort in chosen:
        if provider is not None and cohort.course.provider_id != provider.pk:
            errors.append(_("La cohorte «%(c)s» es de un curso de otro proveedor (%(p)s).") % {
                "c": str(cohort), "p": cohort.course.provider.name})
    return chosen, unlink, errors


def _link(contract: ResultsContract, chosen: list, unlink: list) -> tuple[list[int], list[int]]:
    added = [c.pk for c in chosen if c.contract_id != contract.pk]
    Cohort.objects.filter(pk__in=added).update(contract=contract)
    removed = [c.pk for c in unlink]
    Cohort.objects.filter(pk__in=removed, contract=contract).update(contract=None)
    return sorted(added), sorted(removed)


@transaction.atomic
def create_contract(*, actor, provider_id, code: str, title: str, start_date, end_date, formula,
                    cohort_ids: list | None = None) -> ResultsContract:
    """A results-linked contract with a provider of the actor's territories, and the cohorts it pays (cohorts
    can also be linked later, from the contract form or when a cohort is created)."""
    require_staff(actor)
    values, chosen, _unlink = _validated(actor=actor, contract=None, provider_id=provider_id, code=code, title=title,
                                         start_date=start_date, end_date=end_date, formula=formula,
                                         cohort_ids=cohort_ids or [])
    contract = ResultsContract.objects.create(organization=getattr(actor, "organization", None),
                                              created_by=_user(actor), **values)
    added, _removed = _link(contract, chosen, [])
    audit.record(actor=actor, action=AuditAction.CREATE, obj=contract,
                 fields=["code", "provider", "formula", *(["cohorts"] if added else [])],
                 detail={"cohorts": added} if added else None)
    return contract


@transaction.atomic
def update_contract(*, actor, contract_id, provider_id, code: str, title: str, start_date, end_date, formula,
                    cohort_ids: list | None = None) -> ResultsContract:
    """Edit a contract of the actor's agency: its data, its formula (the previous one stays in the audit log) and,
    unless `cohort_ids` is None, the cohorts it pays."""
    require_staff(actor)
    contract = get_contract_for(actor, contract_id)
    values, chosen, unlink = _validated(actor=actor, contract=contract, provider_id=provider_id, code=code,
                                        title=title, start_date=start_date, end_date=end_date, formula=formula,
                                        cohort_ids=cohort_ids)
    before = contract.formula
    changed = [f for f, v in values.items() if getattr(contract, f) != v]
    for field in changed:
        setattr(contract, field, values[field])
    if changed:
        contract.save(update_fields=changed)
    added, removed = _link(contract, chosen, unlink)
    detail = {}
    if "formula" in changed:
        detail["formula_before"] = before
    if added or removed:
        changed.append("cohorts")
        detail.update(cohorts_added=added, cohorts_removed=removed)
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=contract, fields=changed, detail=detail or None)
    return contract


def contract_payable(*, actor, contract_id, today: dt.date | None = None) -> dict:
    """What is payable per cohort of the contract, and why (one line per formula part)."""
    contract = get_contract_for(actor, contract_id)
    cohorts = []
    total = 0.0
    for cohort in contract.cohorts.select_related("course").order_by("start_date", "id"):
        measures = contracts.measure_cohort(cohort, today=today)
        result = contracts.compute_payable(contract.formula, measures)
        if cohort.start_date > (today or timezone.localdate()) or cohort.status == CohortStatus.CANCELLED:
            why = (_("La cohorte fue cancelada: no hay nada que pagar.") if cohort.status == CohortStatus.CANCELLED
                   else _("La cohorte aún no ha iniciado (inicia el %(d)s): no hay nada que pagar todavía.") % {
                       "d": cohort.start_date.isoformat()})
            result = {**result, "payable": 0.0, "lines": [{"part": "not_started", "indicator": None, "reached": False,
                                                           "amount": 0.0, "why": why}]}
        total += result["payable"]
        cohorts.append({"cohort_id": cohort.pk, "cohort": cohort.name, "course": cohort.course.title,
                        "start_date": cohort.start_date.isoformat(), "end_date": cohort.end_date.isoformat(),
                        **result})
    return {"contract_id": contract.pk, "code": contract.code, "title": contract.title,
            "provider": contract.provider.name, "currency": contract.currency, "formula": contract.formula,
            "cohorts": cohorts, "total_payable": total}

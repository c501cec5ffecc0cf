"""Results-linked contracts with providers: registration and what is payable per cohort."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from siee.core import audit
from siee.core.errors import ErrorCode, ValidationFailed
from siee.core.models import AuditAction, Organization, OrganizationKind
from siee.training import contracts
from siee.training.models import (
    CohortStatus,
    ResultsContract,
)
from siee.training.selectors import (
    get_contract_for,
    require_staff,
)
from siee.training.services._common import (
    _date,
    _int,
    _user,
)

# --- results-linked contracts ------------------------------------------------------------------------------

@transaction.atomic
def create_contract(*, actor, provider_id, code: str, title: str, start_date, end_date, formula) -> ResultsContract:
    require_staff(actor)
    clean = contracts.validate_formula(formula)
    code = (code or "").strip()
    if not code:
        raise ValidationFailed(_("El número de contrato es obligatorio."), field="code")
    if ResultsContract.objects.filter(code=code).exists():
        raise ValidationFailed(_("Ya existe el contrato %(c)s.") % {"c": code}, field="code", code=ErrorCode.DUPLICATE)
    provider = Organization.objects.filter(pk=_int(provider_id, "provider", minimum=1, maximum=2**63 - 1),
                                           kind=OrganizationKind.TRAINING_PROVIDER).first()
    if provider is None:
        raise ValidationFailed(_("Proveedor de formación desconocido."), field="provider")
    start, end = _date(start_date, "start_date"), _date(end_date, "end_date")
    if end < start:
        raise ValidationFailed(_("La fecha de fin es anterior a la de inicio."), field="end_date")
    contract = ResultsContract.objects.create(code=code, provider=provider, organization=getattr(actor, "organization", None),
                                              title=(title or code)[:300], start_date=start, end_date=end,
                                              formula=clean, created_by=_user(actor))
    audit.record(actor=actor, action=AuditAction.CREATE, obj=contract, fields=["code", "provider", "formula"])
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

"""Matching services: ranked candidates for a vacancy, ranked vacancies for a person, weights, batches.

Public API (other apps build on these names and shapes):

    rank_candidates(*, actor, vacancy_id, top=20, offset=0, filters=None) -> MatchPage   (ids are people)
    rank_vacancies(*, actor, person_id, top=20, offset=0) -> MatchPage                    (ids are vacancies)
    explanation_for_employer(explanation) -> dict
    set_weights(*, actor, weights, organization=None) -> MatchingConfig
    active_weights(organization) -> (Weights, version)
    run_batch(*, territory_code, top=50, progress=False) -> MatchRun

`actor=None` is the system (CLI without --as): unrestricted. Any other actor goes through the scoped
selectors: the vacancy must be visible to them and candidates are limited to their territories.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from siee.core import audit
from siee.core.errors import ErrorCode, OutOfScope, PermissionDenied, ValidationFailed
from siee.core.models import AuditAction
from siee.core.selectors import scope_territory_ids
from siee.matching import engine as E
from siee.matching import explain as X
from siee.matching import index_store
from siee.matching import models as m
from siee.matching.weights import ENGINE_VERSION, Weights

MAX_TOP = 500
MAX_OFFSET = 100_000
FILTER_KEYS = {"municipality_id", "min_score", "migrant", "sex"}
SENSITIVE_FILTERS = {"migrant", "sex"}
NO_CONSENT = "sin autorización de datos"


@dataclass
class MatchResult:
    id: int
    score: float
    explanation: dict
    label: str


@dataclass
class MatchPage:
    results: list[MatchResult]
    total_eligible: int
    engine_version: str
    weights_version: int
    message: str = ""
    notes: list[str] = field(default_factory=list)


# --- weights ----------------------------------------------------------------------------------------------

def _org_id(organization) -> int | None:
    if organization is None:
        return None
    return organization if isinstance(organization, int) else organization.pk


def active_weights(organization=None) -> tuple[Weights, int]:
    """The weights in force for an organization (its own active version, else the global one, else defaults).

    Returns (weights, version); version 0 means the built-in defaults.
    """
    org_id = _org_id(organization)
    qs = m.MatchingConfig.objects.filter(active=True)
    cfg = None
    if org_id is not None:
        cfg = qs.filter(organization_id=org_id).order_by("-version").first()
    if cfg is None:
        cfg = qs.filter(organization__isnull=True).order_by("-version").first()
    if cfg is None:
        return Weights(), 0
    try:
        return Weights.from_dict(cfg.weights), cfg.version
    except ValueError:  # a stored version that no longer validates falls back to the defaults, visibly
        return Weights(), 0


def set_weights(*, actor, weights: dict, organization=None) -> m.MatchingConfig:
    """New version of the weights. Agency admins change their organization's; system admins (or the CLI
    acting as the system) the global ones, or an organization's when given. Partial dicts keep the rest."""
    if actor is not None:
        if not getattr(actor, "is_authenticated", False) or not actor.is_agency_admin:
            raise PermissionDenied(_("Solo un administrador de la agencia puede cambiar los pesos."))
        if not actor.is_system_admin:
            organization = actor.organization
            if organization is None:
                raise PermissionDenied(_("Su usuario no pertenece a ninguna organización."))
    if not isinstance(weights, dict) or not weights:
        raise ValidationFailed(_("Indique al menos un peso (p. ej. skills=0.3)."), field="weights")
    org_id = _org_id(organization)
    base, _version = active_weights(org_id)
    try:
        new = Weights.from_dict(weights, base=base)
    except ValueError as exc:
        key = next((k for k in weights if f"'{k}'" in str(exc)), "weights")
        raise ValidationFailed(str(exc), field=key) from None
    with transaction.atomic():
        qs = m.MatchingConfig.objects.select_for_update().filter(organization_id=org_id)
        last = qs.aggregate(v=Max("version"))["v"] or 0
        qs.filter(active=True).update(active=False)
        cfg = m.MatchingConfig.objects.create(
            organization_id=org_id, version=last + 1, weights=new.as_dict(), engine_version=ENGINE_VERSION,
            created_by=actor if getattr(actor, "pk", None) else None, active=True)
        audit.record(actor=actor, action=AuditAction.UPDATE, obj=cfg, fields=sorted(weights),
                     detail={"version": cfg.version, "weights": new.as_dict()})
    return cfg


# --- helpers ----------------------------------------------------------------------------------------------

def _check_paging(top, offset) -> tuple[int, int]:
    try:
        top, offset = int(top), int(offset)
    except (TypeError, ValueError):
        raise ValidationFailed(_("top y offset deben ser números enteros."), field="top") from None
    if not 1 <= top <= MAX_TOP:
        raise ValidationFailed(_("top debe estar entre 1 y %(n)d.") % {"n": MAX_TOP}, field="top")
    if not 0 <= offset <= MAX_OFFSET:
        raise ValidationFailed(_("offset debe estar entre 0 y %(n)d.") % {"n": MAX_OFFSET}, field="offset")
    return top, offset


def _is_system(actor) -> bool:
    return actor is None


def _get_vacancy(actor, vacancy_id):
    from siee.employers.models import Vacancy
    from siee.employers.selectors import get_vacancy_for

    if _is_system(actor):
        try:
            return Vacancy.objects.select_related("municipality", "occupation", "employer").get(pk=int(vacancy_id))
        except (Vacancy.DoesNotExist, TypeError, ValueError):
            raise OutOfScope(_("Vacante no encontrada: %(id)s.") % {"id": vacancy_id}) from None
    return get_vacancy_for(actor, vacancy_id)


def _get_person(actor, person_id):
    from siee.people.models import Person
    from siee.people.selectors import get_person_for

    if _is_system(actor):
        try:
            return Person.objects.select_related("municipality").get(pk=int(person_id))
        except (Person.DoesNotExist, TypeError, ValueError):
            raise OutOfScope(_("Persona no encontrada: %(id)s.") % {"id": person_id}) from None
    return get_person_for(actor, person_id)


def _person_labels(ids) -> dict[int, str]:
    from siee.people.models import Person

    return {pk: f"{f} {last}".strip() for pk, f, last in
            Person.objects.filter(pk__in=list(ids)).values_list("pk", "first_names", "last_names")}


def _clean_filters(actor, filters: dict | None, tax: E.Taxonomy, scope_mask) -> dict:
    filters = dict(filters or {})
    unknown = set(filters) - FILTER_KEYS
    if unknown:
        raise ValidationFailed(_("Filtro desconocido: %(f)s (válidos: %(v)s).") % {
            "f": ", ".join(sorted(unknown)), "v": ", ".join(sorted(FILTER_KEYS))}, field=sorted(unknown)[0])
    out: dict = {}
    filters = {k: v for k, v in filters.items() if v is not None and v != ""}
    if SENSITIVE_FILTERS & set(filters) and not _is_system(actor) and not actor.can_read_sensitive_data:
        raise PermissionDenied(_("Su rol no permite filtrar por datos sensibles."))
    if "municipality_id" in filters:
        try:
            muni = tax.municipality_index(int(filters["municipality_id"]))
        except (TypeError, ValueError):
            muni = -1
        if muni < 0 or (scope_mask is not None and not scope_mask[muni]):
            raise OutOfScope(_("Municipio no encontrado."))
        mask = np.zeros(tax.municipality_ids.size, dtype=bool)
        mask[muni] = True
        out["allowed_munis"] = mask
    if "min_score" in filters:
        try:
            value = float(filters["min_score"])
        except (TypeError, ValueError):
            value = float("nan")
        if not 0.0 <= value <= 1.0:
            raise ValidationFailed(_("min_score debe estar entre 0 y 1."), field="min_score")
        out["min_score"] = value
    if "migrant" in filters:
        value = filters["migrant"]
        if isinstance(value, str):
            value = value.strip().lower() in ("1", "true", "si", "sí", "yes")
        out["migrant"] = bool(value)
    if "sex" in filters:
        if filters["sex"] not in E.SEX_CODES:
            raise ValidationFailed(_("sex debe ser uno de %(v)s.") % {"v": ", ".join(E.SEX_CODES)}, field="sex")
        out["sex"] = filters["sex"]
    return out


# --- candidates for a vacancy -----------------------------------------------------------------------------

def rank_candidates(*, actor, vacancy_id, top: int = 20, offset: int = 0, filters: dict | None = None) -> MatchPage:
    with index_store.reading():
        return _rank_candidates(actor=actor, vacancy_id=vacancy_id, top=top, offset=offset, filters=filters)


def _rank_candidates(*, actor, vacancy_id, top, offset, filters) -> MatchPage:
    top, offset = _check_paging(top, offset)
    if not _is_system(actor) and not actor.can_read_personal_data:
        raise PermissionDenied(_("Su rol no permite ver candidatos."))
    vacancy = _get_vacancy(actor, vacancy_id)
    index = index_store.get_people_index()
    tax = index.tax
    scope = None if _is_system(actor) else scope_territory_ids(actor)
    mask = index_store.scope_mask(tax, scope)
    extra = _clean_filters(actor, filters, tax, mask)
    allowed = extra.pop("allowed_munis", mask)
    q = index_store.vacancy_query(tax, vacancy)
    weights, version = active_weights(vacancy.organization_id or getattr(actor, "organization_id", None))
    res = E.rank_people(index, q, weights, top=top, offset=offset, allowed_munis=allowed, **extra)
    if {"migrant", "sex"} & set(extra):
        audit.record(actor=actor, action=AuditAction.READ_SENSITIVE, obj=vacancy, fields=sorted(
            {"migrant": "migration_status", "sex": "sex"}[k] for k in extra if k in ("migrant", "sex")),
            detail={"purpose": "matching_filter", "filters": {k: v for k, v in extra.items() if k in ("migrant", "sex")}})
    labels = _person_labels(res.ids.tolist())
    results = []
    for i, row in enumerate(res.rows):
        rec = index.record(int(row))
        expl = X.explain(tax, rec, q, weights, float(res.scores[i]), X.components_row(res, i), res.applied)
        results.append(MatchResult(id=int(res.ids[i]), score=round(float(res.scores[i]), 4), explanation=expl,
                                   label=labels.get(int(res.ids[i]), "")))
    notes, message = [], ""
    if not q.has_skills:
        notes.append(X.NO_SKILLS_NOTE)
    if not q.is_open:
        notes.append(_("la vacante no está abierta (estado: %(s)s): resultados solo de referencia") % {
            "s": vacancy.get_status_display().lower()})
    if res.total_eligible == 0:
        message = _("No hay personas elegibles para esta vacante en el territorio (con autorización de datos, "
                    "activas, disponibles y habilitadas para el tipo de contrato).")
    elif not results:
        message = _("No hay más resultados para estos filtros.")
    return MatchPage(results=results, total_eligible=res.total_eligible, engine_version=ENGINE_VERSION,
                     weights_version=version, message=message, notes=notes)


# --- vacancies for a person -------------------------------------------------------------------------------

def rank_vacancies(*, actor, person_id, top: int = 20, offset: int = 0) -> MatchPage:
    with index_store.reading():
        return _rank_vacancies(actor=actor, person_id=person_id, top=top, offset=offset)


def _rank_vacancies(*, actor, person_id, top, offset) -> MatchPage:
    from siee.employers.models import Vacancy, VacancyStatus
    from siee.employers.selectors import vacancies_for

    top, offset = _check_paging(top, offset)
    person = _get_person(actor, person_id)
    if not person.has_consent():
        raise ValidationFailed(_("La persona está %(s)s: su perfil no se puede usar para el emparejamiento.") % {
            "s": NO_CONSENT}, field="consent", code=ErrorCode.CONSENT_REQUIRED)
    if person.status == "merged":
        raise ValidationFailed(_("Este registro fue fusionado en otro; consulte el registro vigente."), field="status")
    index = index_store.get_people_index()
    tax = index.tax
    row = index.row_of(person.pk)
    if row < 0:
        index_store.refresh_people(index, [person.pk])
        row = index.row_of(person.pk)
    rec = index.record(row)
    notes = []
    if not rec.eligible:
        notes.append(_("la persona no figura como activa y disponible; la lista es solo de referencia"))
        rec.eligible = True
    qs = Vacancy.objects.all() if _is_system(actor) else vacancies_for(actor)
    today = timezone.localdate()
    qs = qs.filter(status=VacancyStatus.OPEN).exclude(closing_date__lt=today)
    vindex = index_store.vacancy_index(tax, qs)
    weights, version = active_weights(person.organization_id)
    res = E.rank_vacancies(vindex, rec, weights, index.idf, top=top, offset=offset)
    labels = {v.pk: f"{v.title} — {v.employer.name}" for v in Vacancy.objects.filter(
        pk__in=res.ids.tolist()).select_related("employer")}
    results = []
    for i, pos in enumerate(res.rows):
        q = vindex.queries[int(pos)]
        expl = X.explain(tax, rec, q, weights, float(res.scores[i]), X.components_row(res, i),
                         tuple(c for c in res.applied if c != "skills" or q.has_skills))
        results.append(MatchResult(id=int(res.ids[i]), score=round(float(res.scores[i]), 4), explanation=expl,
                                   label=labels.get(int(res.ids[i]), "")))
    message = ""
    if res.total_eligible == 0:
        message = _("No hay vacantes abiertas a las que esta persona pueda postularse en el territorio.")
    elif not results:
        message = _("No hay más resultados.")
    return MatchPage(results=results, total_eligible=res.total_eligible, engine_version=ENGINE_VERSION,
                     weights_version=version, message=message, notes=notes)


def explanation_for_employer(explanation: dict) -> dict:
    """The same components, without anything an employer should not see (e.g. the expected wage figure)."""
    return X.for_employer(explanation)


# --- batch ------------------------------------------------------------------------------------------------

def run_batch(*, territory_code: str, top: int = 50, progress: bool = False) -> m.MatchRun:
    """Rank every open vacancy of a territory against its people; store the top results."""
    from siee.core.selectors import find_territory, territory_subtree_ids
    from siee.employers.models import Vacancy, VacancyStatus

    top, _offset = _check_paging(top, 0)
    territory = find_territory(territory_code)
    if territory is None:
        raise ValidationFailed(_("Territorio desconocido: %(c)s.") % {"c": territory_code}, field="territory")
    started = time.perf_counter()
    munis = territory_subtree_ids([territory])
    index = index_store.get_people_index()
    tax = index.tax
    mask = index_store.scope_mask(tax, munis)
    weights_by_org: dict = {}
    g_weights, g_version = active_weights(None)
    run = m.MatchRun.objects.create(territory=territory, top=top, engine_version=ENGINE_VERSION,
                                    weights_version=g_version, weights=g_weights.as_dict())
    today = timezone.localdate()
    vacancies = Vacancy.objects.filter(municipality_id__in=munis, status=VacancyStatus.OPEN).exclude(
        closing_date__lt=today).order_by("id")
    vindex = index_store.vacancy_index(tax, vacancies)
    org_of = dict(vacancies.values_list("id", "organization_id"))
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(vindex.queries), desc="emparejamiento", unit=" vacantes", disable=None, mininterval=0.5)
    rows, count = [], 0
    try:
        for q in vindex.queries:
            org = org_of.get(q.vacancy_id)
            if org not in weights_by_org:
                weights_by_org[org] = active_weights(org)
            weights, _v = weights_by_org[org]
            with index_store.reading():
                res = E.rank_people(index, q, weights, top=top, allowed_munis=mask)
                for i, r in enumerate(res.rows):
                    rec = index.record(int(r))
                    expl = X.explain(tax, rec, q, weights, float(res.scores[i]), X.components_row(res, i),
                                     res.applied)
                    rows.append(m.MatchResult(run=run, vacancy_id=q.vacancy_id, person_id=int(res.ids[i]),
                                              rank=i + 1, score=round(float(res.scores[i]), 4), explanation=expl))
            if len(rows) >= 5000:
                m.MatchResult.objects.bulk_create(rows, batch_size=1000)
                count += len(rows)
                rows = []
            if bar is not None:
                bar.update(1)
        if rows:
            m.MatchResult.objects.bulk_create(rows, batch_size=1000)
            count += len(rows)
    except Exception:
        run.status = m.MatchRunStatus.FAILED
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "finished_at"])
        raise
    finally:
        if bar is not None:
            bar.close()
    run.vacancies = len(vindex.queries)
    run.people_indexed = int(index.eligible_count(mask, np.ones(len(E.MIGRATION_CLASSES), dtype=bool)))
    run.results_count = count
    run.status = m.MatchRunStatus.DONE
    run.finished_at = timezone.now()
    run.seconds = time.perf_counter() - started
    if not vindex.queries:
        run.message = _("No hay vacantes abiertas en %(t)s.") % {"t": territory.display_name()}
    elif count == 0:
        run.message = _("No hay personas elegibles en %(t)s.") % {"t": territory.display_name()}
    run.save()
    audit.record(actor=None, action=AuditAction.CREATE, obj=run, detail={
        "territory": territory.code, "vacancies": run.vacancies, "results": count})
    return run

"""Courses, cohorts and their sessions."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from siee.core import audit
from siee.core.errors import ValidationFailed
from siee.core.models import AuditAction, Organization, OrganizationKind
from siee.taxonomy.models import EducationLevel, Occupation
from siee.training.models import (
    Cohort,
    CohortStatus,
    Course,
    CourseSkill,
    Eligibility,
    Modality,
    Opportunity,
    ResultsContract,
    Session,
)
from siee.training.selectors import (
    get_cohort_for,
    get_contract_for,
    get_course_for,
    require_staff,
)
from siee.training.services._common import (
    _check_territory_in_scope,
    _date,
    _int,
    _resolve_skills,
    _territory,
)

# --- courses, cohorts, sessions ----------------------------------------------------------------------------

COURSE_FIELDS = ("code", "title", "description", "hours", "modality", "schedule", "location", "seats", "cost",
                 "certification", "prerequisites", "eligibility", "published")
# Fields update_course compares and saves (foreign keys by their *_id).
_EDITABLE = (*COURSE_FIELDS, "active", "provider_id", "territory_id", "occupation_id", "min_education_id",
             "opportunity_id")


def _raise_first(errors: dict[str, list[str]]) -> None:
    if errors:
        first = next(iter(errors.items()))
        raise ValidationFailed(f"{first[0]}: {first[1][0]}", field=first[0], errors=errors)


def _course_values(*, actor, data: dict, course: Course | None = None) -> tuple[dict, list]:
    """The model values of a course from `data` (the keys of create_course), and its skills; ValidationFailed
    naming the field otherwise. `course`: the one being edited (its own code is not a duplicate)."""
    errors: dict[str, list[str]] = {}
    code = str(data.get("code", "")).strip()
    title = str(data.get("title", "")).strip()
    if not code:
        errors.setdefault("code", []).append(_("El código es obligatorio."))
    elif Course.objects.filter(code=code).exclude(pk=getattr(course, "pk", None)).exists():
        errors.setdefault("code", []).append(_("Ya existe un curso con el código %(c)s.") % {"c": code})
    if not title:
        errors.setdefault("title", []).append(_("El nombre del curso es obligatorio."))
    modality = data.get("modality") or Modality.IN_PERSON
    if modality not in Modality.values:
        errors.setdefault("modality", []).append(_("Modalidad desconocida: %(m)s.") % {"m": modality})
    eligibility = data.get("eligibility") or Eligibility.ANYONE
    if eligibility not in Eligibility.values:
        errors.setdefault("eligibility", []).append(_("Población objetivo desconocida: %(e)s.") % {"e": eligibility})
    _raise_first(errors)
    provider_ref = data.get("provider")
    provider = None
    if provider_ref not in (None, ""):
        provider = (Organization.objects.filter(pk=int(provider_ref)).first() if str(provider_ref).isdigit()
                    else Organization.objects.filter(name=str(provider_ref)).first())
    if provider is None or provider.kind != OrganizationKind.TRAINING_PROVIDER:
        raise ValidationFailed(_("Proveedor de formación desconocido: %(p)s.") % {"p": provider_ref}, field="provider")
    territory = _territory(data.get("territory"))
    if actor is not None:
        _check_territory_in_scope(actor, territory)
    skills = _resolve_skills(data.get("skills"))
    if not skills:
        raise ValidationFailed(_("Indique al menos una habilidad que enseña el curso."), field="skills")
    occupation = None
    if data.get("occupation"):
        ref = str(data["occupation"])
        occupation = (Occupation.objects.filter(pk=int(ref)).first() if ref.isdigit()
                      else Occupation.objects.filter(uri__in=[ref, "urn:siee:occupation:" + ref]).first())
        if occupation is None:
            raise ValidationFailed(_("Ocupación desconocida: %(o)s.") % {"o": ref}, field="occupation")
    min_education = None
    if data.get("min_education"):
        min_education = EducationLevel.objects.filter(code=str(data["min_education"])).first()
        if min_education is None:
            raise ValidationFailed(_("Nivel educativo desconocido."), field="min_education")
    opportunity = None
    if data.get("opportunity"):
        opportunity = Opportunity.objects.filter(pk=_int(data["opportunity"], "opportunity", minimum=1)).first()
        if opportunity is None:
            raise ValidationFailed(_("Oportunidad desconocida."), field="opportunity")
    values = dict(
        code=code, title=title[:200], description=str(data.get("description") or ""),
        provider_id=provider.pk, occupation_id=getattr(occupation, "pk", None),
        hours=_int(data.get("hours"), "hours", minimum=1, maximum=5000),
        modality=modality, schedule=str(data.get("schedule") or "")[:200],
        location=str(data.get("location") or "")[:200], territory_id=territory.pk,
        seats=_int(data.get("seats"), "seats", minimum=1, maximum=10_000, default=25),
        cost=_int(data.get("cost"), "cost", default=0), certification=str(data.get("certification") or "")[:200],
        prerequisites=str(data.get("prerequisites") or "")[:500], min_education_id=getattr(min_education, "pk", None),
        eligibility=eligibility, opportunity_id=getattr(opportunity, "pk", None),
        published=bool(data.get("published", True)), active=bool(data.get("active", True)),
    )
    return values, skills


def editable_course_data(course: Course) -> dict:
    """A course as the `data` of create_course/update_course (what an edit form starts from)."""
    return {
        "code": course.code, "title": course.title, "description": course.description,
        "provider": course.provider_id, "territory": course.territory.key,
        "skills": [str(pk) for pk in course.skill_links.order_by("skill__label").values_list("skill_id", flat=True)],
        "occupation": str(course.occupation_id) if course.occupation_id else None, "hours": course.hours,
        "modality": course.modality, "schedule": course.schedule, "location": course.location, "seats": course.seats,
        "cost": course.cost, "certification": course.certification, "prerequisites": course.prerequisites,
        "min_education": course.min_education.code if course.min_education_id else None,
        "eligibility": course.eligibility, "opportunity": course.opportunity_id, "published": course.published,
        "active": course.active,
    }


@transaction.atomic
def create_course(*, actor, data: dict) -> Course:
    """data: code, title, provider (id or name), territory (code), skills (codes/URIs/ids), hours, modality,
    schedule, location, seats, cost, certification, prerequisites, eligibility, occupation (URI or id),
    min_education (ISCED code), description, opportunity (id), published."""
    if actor is not None:
        require_staff(actor)
    values, skills = _course_values(actor=actor, data=data)
    course = Course.objects.create(organization=getattr(actor, "organization", None), **values)
    CourseSkill.objects.bulk_create([CourseSkill(course=course, skill=s) for s in skills])
    audit.record(actor=actor, action=AuditAction.CREATE, obj=course, fields=["code", "title", "skills", "provider"])
    return course


@transaction.atomic
def update_course(*, actor, course_id, data: dict) -> Course:
    """Edit a course of the actor's territories. `data` has create_course's keys; a key left out keeps its value
    (plus `active`: an inactive course leaves the public page). The provider cannot change while a cohort of the
    course is paid by a contract of the current provider. New skills count for completions from now on."""
    require_staff(actor)
    course = get_course_for(actor, course_id)
    values, skills = _course_values(actor=actor, data={**editable_course_data(course), **data}, course=course)
    if values["provider_id"] != course.provider_id:
        paid = (course.cohorts.filter(contract__isnull=False).exclude(contract__provider_id=values["provider_id"])
                .select_related("contract").order_by("start_date", "id").first())
        if paid is not None:
            raise ValidationFailed(_("La cohorte «%(c)s» la paga el contrato %(k)s de %(p)s: no se puede cambiar el "
                                     "proveedor del curso.") % {"c": paid.name, "k": paid.contract.code,
                                                                "p": course.provider.name}, field="provider")
    changed = [f for f in _EDITABLE if getattr(course, f) != values[f]]
    for field in changed:
        setattr(course, field, values[field])
    if changed:
        course.save(update_fields=changed)
    before = set(course.skill_links.values_list("skill_id", flat=True))
    after = {s.pk for s in skills}
    if before != after:
        course.skill_links.filter(skill_id__in=before - after).delete()
        CourseSkill.objects.bulk_create([CourseSkill(course=course, skill_id=pk) for pk in sorted(after - before)])
        changed.append("skills")
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=course,
                 fields=[f.removesuffix("_id") for f in changed],
                 detail={"skills_added": sorted(after - before), "skills_removed": sorted(before - after)}
                 if before != after else None)
    return course


@transaction.atomic
def create_cohort(*, actor, course_id, name: str, start_date, end_date, seats=None, contract_id=None,
                  session_dates: list | None = None) -> Cohort:
    course = get_course_for(actor, course_id) if actor is not None else Course.objects.get(pk=course_id)
    start = _date(start_date, "start_date")
    end = _date(end_date, "end_date")
    if end < start:
        raise ValidationFailed(_("La fecha de fin es anterior a la de inicio."), field="end_date")
    contract = None
    if contract_id not in (None, ""):
        contract = (get_contract_for(actor, contract_id) if actor is not None
                    else ResultsContract.objects.get(pk=contract_id))
        if contract.provider_id != course.provider_id:
            raise ValidationFailed(_("El contrato es de otro proveedor."), field="contract")
    cohort = Cohort.objects.create(course=course, name=(name or "").strip()[:120] or start.isoformat(), start_date=start,
                                   end_date=end, seats=_int(seats, "seats", minimum=1, maximum=10_000,
                                                            default=course.seats),
                                   contract=contract)
    for i, day in enumerate(session_dates or [], start=1):
        d = _date(day, f"session_dates[{i}]")
        if not start <= d <= end:
            raise ValidationFailed(_("La sesión %(n)d (%(d)s) está fuera de las fechas de la cohorte.") % {
                "n": i, "d": d.isoformat()}, field="session_dates")
        Session.objects.create(cohort=cohort, number=i, date=d)
    audit.record(actor=actor, action=AuditAction.CREATE, obj=cohort, fields=["course", "start_date", "end_date", "seats"])
    return cohort


@transaction.atomic
def add_session(*, actor, cohort_id, date, topic: str = "") -> Session:
    cohort = get_cohort_for(actor, cohort_id)
    day = _date(date, "date")
    if not cohort.start_date <= day <= cohort.end_date:
        raise ValidationFailed(_("La fecha está fuera de las fechas de la cohorte (%(a)s a %(b)s).") % {
            "a": cohort.start_date.isoformat(), "b": cohort.end_date.isoformat()}, field="date")
    number = (cohort.sessions.aggregate(m=Max("number"))["m"] or 0) + 1
    session = Session.objects.create(cohort=cohort, number=number, date=day, topic=topic[:200])
    audit.record(actor=actor, action=AuditAction.CREATE, obj=session, fields=["date", "topic"])
    return session


@transaction.atomic
def set_cohort_status(*, actor, cohort_id, status: str) -> Cohort:
    cohort = get_cohort_for(actor, cohort_id)
    if status not in CohortStatus.values:
        raise ValidationFailed(_("Estado desconocido: %(s)s.") % {"s": status}, field="status")
    cohort.status = status
    cohort.save(update_fields=["status"])
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=cohort, fields=["status"])
    return cohort

"""Training services: the only writers of the training models.

Keyword-only functions taking the acting user. People are resolved through the scoped people selector *before*
the transaction opens (so the "denied" audit entry of an out-of-scope attempt survives the refusal); each write
is atomic, audited, and leaves a timeline event on the person when it concerns one. Errors are ValidationFailed
with the offending field.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from siee.core import audit
from siee.core.errors import ErrorCode, PermissionDenied, ValidationFailed
from siee.core.models import AuditAction, Organization, OrganizationKind, Role
from siee.core.selectors import find_territory, scope_territory_ids
from siee.lib import parse
from siee.people.models import Person, PersonEvent, PersonSkill, SkillLevel
from siee.people.selectors import get_person_for
from siee.taxonomy.models import EducationLevel, Occupation, Skill
from siee.training import contracts
from siee.training.models import (
    SEAT_STATUSES,
    Attendance,
    Cohort,
    CohortStatus,
    Course,
    CourseSkill,
    DropReason,
    Eligibility,
    Enrolment,
    EnrolmentChannel,
    EnrolmentStatus,
    Modality,
    Opportunity,
    OpportunityKind,
    ResultsContract,
    Session,
)
from siee.training.selectors import (
    get_cohort_for,
    get_contract_for,
    get_course_for,
    get_enrolment_for,
    get_opportunity_for,
    require_staff,
)


def _user(actor):
    return actor if getattr(actor, "pk", None) else None


def _person_event(person, kind: str, actor, **params) -> None:
    """A PersonEvent on the person's timeline (it also tells the matching index to re-read the person)."""
    PersonEvent.objects.create(person=person, kind=kind, actor=_user(actor), params=params)


def _date(value, field: str, *, required: bool = True) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        day = parse.parse_date(value)
    except ValueError as exc:
        raise ValidationFailed(f"{exc}", field=field) from None
    if day is None and required:
        raise ValidationFailed(_("La fecha es obligatoria."), field=field)
    return day


def _int(value, field: str, *, minimum: int = 0, maximum: int = 1_000_000_000, default=None) -> int:
    if value in (None, "") and default is not None:
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationFailed(_("Debe ser un número entero."), field=field) from None
    if not minimum <= number <= maximum:
        raise ValidationFailed(_("Debe estar entre %(a)d y %(b)d.") % {"a": minimum, "b": maximum}, field=field)
    return number


def _resolve_skills(values) -> list[Skill]:
    """Skills by id, URI or starter code (slug); unknown ones are an error naming them."""
    from siee.training.gaps import SKILL_URN

    found, unknown = [], []
    for v in values or []:
        text = str(v).strip()
        if not text:
            continue
        skill = None
        if text.isdigit():
            skill = Skill.objects.filter(pk=int(text)).first()
        if skill is None:
            skill = Skill.objects.filter(uri__in=[text, SKILL_URN + text]).first()
        if skill is None:
            unknown.append(text)
        elif skill not in found:
            found.append(skill)
    if unknown:
        raise ValidationFailed(_("Habilidades desconocidas: %(s)s.") % {"s": ", ".join(unknown)}, field="skills")
    return found


def _check_territory_in_scope(actor, territory) -> None:
    scope = scope_territory_ids(actor)
    if scope is not None and territory.pk not in scope:
        raise ValidationFailed(_("El municipio %(t)s está fuera de los territorios de su organización.") % {
            "t": territory.code}, field="territory")


def _territory(code_or_obj, field: str = "territory"):
    if hasattr(code_or_obj, "pk"):
        return code_or_obj
    territory = find_territory(str(code_or_obj or ""))
    if territory is None:
        raise ValidationFailed(_("Territorio desconocido: %(c)s.") % {"c": code_or_obj}, field=field)
    return territory


# --- providers ---------------------------------------------------------------------------------------------

@transaction.atomic
def register_provider(*, actor, name: str, territory_codes: list[str], tax_id: str = "", email: str = "",
                      phone: str = "") -> Organization:
    """A training provider (an Organization of kind training_provider). Agency staff may register them."""
    if actor is not None:
        require_staff(actor)
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("El nombre es obligatorio."), field="name")
    if Organization.objects.filter(name=name).exists():
        raise ValidationFailed(_("Ya existe una organización con ese nombre."), field="name", code=ErrorCode.DUPLICATE)
    territories = [_territory(c, "territories") for c in territory_codes]
    if not territories:
        raise ValidationFailed(_("Indique al menos un territorio."), field="territories")
    org = Organization.objects.create(name=name, kind=OrganizationKind.TRAINING_PROVIDER, tax_id=tax_id, email=email,
                                      phone=phone)
    org.territories.set(territories)
    audit.record(actor=actor, action=AuditAction.CREATE, obj=org, fields=["name", "kind", "territories"])
    return org


# --- courses, cohorts, sessions ----------------------------------------------------------------------------

COURSE_FIELDS = ("code", "title", "description", "hours", "modality", "schedule", "location", "seats", "cost",
                 "certification", "prerequisites", "eligibility", "published")


@transaction.atomic
def create_course(*, actor, data: dict) -> Course:
    """data: code, title, provider (id or name), territory (code), skills (codes/URIs/ids), hours, modality,
    schedule, location, seats, cost, certification, prerequisites, eligibility, occupation (URI or id),
    min_education (ISCED code), description, opportunity (id), published."""
    if actor is not None:
        require_staff(actor)
    errors: dict[str, list[str]] = {}
    code = str(data.get("code", "")).strip()
    title = str(data.get("title", "")).strip()
    if not code:
        errors.setdefault("code", []).append(_("El código es obligatorio."))
    elif Course.objects.filter(code=code).exists():
        errors.setdefault("code", []).append(_("Ya existe un curso con el código %(c)s.") % {"c": code})
    if not title:
        errors.setdefault("title", []).append(_("El nombre del curso es obligatorio."))
    modality = data.get("modality") or Modality.IN_PERSON
    if modality not in Modality.values:
        errors.setdefault("modality", []).append(_("Modalidad desconocida: %(m)s.") % {"m": modality})
    eligibility = data.get("eligibility") or Eligibility.ANYONE
    if eligibility not in Eligibility.values:
        errors.setdefault("eligibility", []).append(_("Población objetivo desconocida: %(e)s.") % {"e": eligibility})
    if errors:
        first = next(iter(errors.items()))
        raise ValidationFailed(f"{first[0]}: {first[1][0]}", field=first[0], errors=errors)
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
    course = Course.objects.create(
        code=code, title=title[:200], description=str(data.get("description", "")),
        provider=provider, organization=getattr(actor, "organization", None), occupation=occupation,
        hours=_int(data.get("hours"), "hours", minimum=1, maximum=5000),
        modality=modality, schedule=str(data.get("schedule", ""))[:200], location=str(data.get("location", ""))[:200],
        territory=territory, seats=_int(data.get("seats"), "seats", minimum=1, maximum=10_000, default=25),
        cost=_int(data.get("cost"), "cost", default=0), certification=str(data.get("certification", ""))[:200],
        prerequisites=str(data.get("prerequisites", ""))[:500], min_education=min_education,
        eligibility=eligibility, opportunity=opportunity, published=bool(data.get("published", True)),
    )
    CourseSkill.objects.bulk_create([CourseSkill(course=course, skill=s) for s in skills])
    audit.record(actor=actor, action=AuditAction.CREATE, obj=course, fields=["code", "title", "skills", "provider"])
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


# --- enrolment ------------------------------------------------------------------------------------------------

def _taken(cohort: Cohort) -> int:
    return cohort.enrolments.filter(status__in=SEAT_STATUSES).count()


def _check_eligible(person: Person, course: Course, today: dt.date) -> None:
    e = course.eligibility
    if e == Eligibility.MIGRANTS and not person.is_migrant:
        raise ValidationFailed(_("Este curso es solo para población migrante."), field="person")
    if e == Eligibility.WOMEN and person.sex != "F":
        raise ValidationFailed(_("Este curso es solo para mujeres."), field="person")
    if e == Eligibility.YOUTH:
        age = today.year - person.birth_date.year - ((today.month, today.day) < (person.birth_date.month, person.birth_date.day))
        if not 18 <= age <= 28:
            raise ValidationFailed(_("Este curso es para jóvenes de 18 a 28 años."), field="person")


def _check_cohort_takes_enrolments(cohort: Cohort) -> None:
    if cohort.status in (CohortStatus.FINISHED, CohortStatus.CANCELLED):
        raise ValidationFailed(_("La cohorte está %(s)s: no recibe inscripciones.") % {
            "s": cohort.get_status_display().lower()}, field="cohort")


def _enrol(*, actor, person: Person, cohort: Cohort, channel: str, note: str) -> Enrolment:
    with transaction.atomic():
        cohort = Cohort.objects.select_for_update().select_related("course").get(pk=cohort.pk)
        _check_cohort_takes_enrolments(cohort)
        _check_eligible(person, cohort.course, timezone.localdate())
        existing = Enrolment.objects.filter(cohort=cohort, person=person).first()
        if existing is not None:
            raise ValidationFailed(_("%(p)s ya tiene una inscripción en esta cohorte (estado: %(s)s).") % {
                "p": person.full_name, "s": existing.get_status_display().lower()}, field="person",
                code=ErrorCode.DUPLICATE)
        now = timezone.now()
        if channel == EnrolmentChannel.SELF_SERVICE:
            status = EnrolmentStatus.REQUESTED if _taken(cohort) < cohort.seats else EnrolmentStatus.WAITLISTED
        else:
            status = EnrolmentStatus.ENROLLED if _taken(cohort) < cohort.seats else EnrolmentStatus.WAITLISTED
        try:
            with transaction.atomic():
                enrolment = Enrolment.objects.create(
                    cohort=cohort, person=person, status=status, channel=channel, requested_at=now,
                    enrolled_at=now if status == EnrolmentStatus.ENROLLED else None, created_by=_user(actor),
                    note=(note or "")[:500])
        except IntegrityError:
            raise ValidationFailed(_("Ya existe una inscripción de esta persona en esta cohorte."), field="person",
                                   code=ErrorCode.DUPLICATE) from None
        _person_event(person, f"training_{status}", actor, course=cohort.course.title,
                      title=cohort.course.title, cohort=cohort.name, enrolment=enrolment.pk)
        audit.record(actor=actor, action=AuditAction.CREATE, obj=enrolment, fields=["cohort", "person", "status"],
                     detail={"person": person.pk, "channel": channel})
    return enrolment


def enrol_person(*, actor, cohort_id, person_id, note: str = "") -> Enrolment:
    """A counsellor enrols a person: 'enrolled' while there are seats, 'waitlisted' after."""
    require_staff(actor)
    person = get_person_for(actor, person_id)
    cohort = get_cohort_for(actor, cohort_id)
    if not person.has_consent():
        raise ValidationFailed(_("La persona no ha autorizado el tratamiento de sus datos (habeas data)."),
                               field="consent", code=ErrorCode.CONSENT_REQUIRED)
    return _enrol(actor=actor, person=person, cohort=cohort, channel=EnrolmentChannel.STAFF, note=note)


def request_enrolment(*, actor, cohort_id, note: str = "") -> Enrolment:
    """A job seeker asks for a seat online: 'requested' (a counsellor confirms it) or 'waitlisted' if full."""
    if actor is None or not actor.is_authenticated or actor.role != Role.JOB_SEEKER:
        raise PermissionDenied(_("Solo una persona registrada puede solicitar un cupo en línea."))
    person = Person.objects.filter(user=actor).first()
    if person is None:
        raise ValidationFailed(_("Su cuenta no tiene un perfil de persona."), field="person")
    pk = _int(cohort_id, "cohort", minimum=1, maximum=2**63 - 1)
    cohort = Cohort.objects.select_related("course").filter(pk=pk, course__published=True, course__active=True).first()
    if cohort is None:
        from siee.core.errors import OutOfScope

        raise OutOfScope(_("Cohorte no encontrada."))
    if cohort.start_date < timezone.localdate() or cohort.status != CohortStatus.PLANNED:
        raise ValidationFailed(_("Esta cohorte ya no recibe solicitudes en línea."), field="cohort")
    return _enrol(actor=actor, person=person, cohort=cohort, channel=EnrolmentChannel.SELF_SERVICE, note=note)


@transaction.atomic
def confirm_enrolment(*, actor, enrolment_id) -> Enrolment:
    """A counsellor confirms an online request or moves a waitlisted person in, when a seat is free."""
    require_staff(actor)
    enrolment = get_enrolment_for(actor, enrolment_id)
    cohort = Cohort.objects.select_for_update().get(pk=enrolment.cohort_id)
    if enrolment.status not in (EnrolmentStatus.REQUESTED, EnrolmentStatus.WAITLISTED):
        raise ValidationFailed(_("Solo se confirman solicitudes o personas en lista de espera (estado: %(s)s).") % {
            "s": enrolment.get_status_display().lower()}, field="status")
    _check_cohort_takes_enrolments(cohort)
    if _taken(cohort) >= cohort.seats:
        if enrolment.status == EnrolmentStatus.WAITLISTED:
            raise ValidationFailed(_("La cohorte no tiene cupos libres (%(n)d de %(n)d ocupados).") % {"n": cohort.seats},
                                   field="cohort")
        enrolment.status = EnrolmentStatus.WAITLISTED
    else:
        enrolment.status = EnrolmentStatus.ENROLLED
        enrolment.enrolled_at = timezone.now()
    enrolment.save(update_fields=["status", "enrolled_at"])
    _person_event(enrolment.person, f"training_{enrolment.status}", actor, course=cohort.course.title,
                  title=cohort.course.title, cohort=cohort.name, enrolment=enrolment.pk)
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=enrolment, fields=["status"],
                 detail={"person": enrolment.person_id})
    return enrolment


def _promote_waitlist(cohort: Cohort, actor) -> Enrolment | None:
    if _taken(cohort) >= cohort.seats:
        return None
    nxt = cohort.enrolments.filter(status=EnrolmentStatus.WAITLISTED).order_by("requested_at", "id").first()
    if nxt is None:
        return None
    nxt.status, nxt.enrolled_at = EnrolmentStatus.ENROLLED, timezone.now()
    nxt.save(update_fields=["status", "enrolled_at"])
    _person_event(nxt.person, "training_enrolled", actor, course=cohort.course.title,
                  title=cohort.course.title, cohort=cohort.name, enrolment=nxt.pk, from_waitlist=True)
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=nxt, fields=["status"],
                 detail={"person": nxt.person_id, "from_waitlist": True})
    return nxt


# --- attendance, completion, drop-out -------------------------------------------------------------------------

@transaction.atomic
def record_attendance(*, actor, enrolment_id, session_number, present: bool = True) -> Attendance:
    require_staff(actor)
    enrolment = get_enrolment_for(actor, enrolment_id)
    if enrolment.status not in (EnrolmentStatus.ENROLLED, EnrolmentStatus.COMPLETED):
        raise ValidationFailed(_("Solo se registra asistencia de personas inscritas (estado: %(s)s).") % {
            "s": enrolment.get_status_display().lower()}, field="enrolment")
    number = _int(session_number, "session", minimum=1, maximum=10_000)
    session = Session.objects.filter(cohort_id=enrolment.cohort_id, number=number).first()
    if session is None:
        n = enrolment.cohort.sessions.count()
        raise ValidationFailed(_("La sesión %(n)d no existe en esta cohorte (tiene %(t)d sesiones).") % {
            "n": number, "t": n}, field="session")
    att, created = Attendance.objects.update_or_create(enrolment=enrolment, session=session,
                                                       defaults={"present": bool(present), "recorded_by": _user(actor)})
    audit.record(actor=actor, action=AuditAction.CREATE if created else AuditAction.UPDATE, obj=att,
                 fields=["present"], detail={"person": enrolment.person_id, "session": number})
    return att


def complete_enrolment(*, actor, enrolment_id, completed_on=None, certified: bool = True,
                       certificate_code: str = "") -> Enrolment:
    """Completion (and certification): the person's profile gains the course's skills marked as certified."""
    from siee.people.services import add_person_skill

    require_staff(actor)
    enrolment = get_enrolment_for(actor, enrolment_id)
    day = _date(completed_on, "completed_on", required=False) or timezone.localdate()
    cohort = enrolment.cohort
    if enrolment.status != EnrolmentStatus.ENROLLED:
        raise ValidationFailed(_("Solo finaliza el curso una persona inscrita (estado: %(s)s).") % {
            "s": enrolment.get_status_display().lower()}, field="status")
    if day < cohort.start_date:
        raise ValidationFailed(_("La fecha de finalización (%(d)s) es anterior al inicio de la cohorte (%(s)s).") % {
            "d": day.isoformat(), "s": cohort.start_date.isoformat()}, field="completed_on")
    if day > timezone.localdate():
        raise ValidationFailed(_("La fecha de finalización no puede ser futura."), field="completed_on")
    with transaction.atomic():
        enrolment.status = EnrolmentStatus.COMPLETED
        enrolment.completed_on = day
        enrolment.certified = bool(certified)
        enrolment.certificate_code = (certificate_code or "")[:60]
        enrolment.save(update_fields=["status", "completed_on", "certified", "certificate_code"])
        skills = list(cohort.course.skills.all())
        if certified:
            levels = dict(PersonSkill.objects.filter(person=enrolment.person, skill__in=skills)
                          .values_list("skill_id", "level"))
            for skill in skills:
                add_person_skill(actor=actor, person_id=enrolment.person_id, skill_id=skill.pk,
                                 level=levels.get(skill.pk, SkillLevel.INTERMEDIATE), certified=True)
        _person_event(enrolment.person, "training_completed", actor, course=cohort.course.title,
                      title=cohort.course.title, cohort=cohort.name, enrolment=enrolment.pk, certified=bool(certified),
                      skills=[s.label for s in skills] if certified else [])
        audit.record(actor=actor, action=AuditAction.UPDATE, obj=enrolment,
                     fields=["status", "completed_on", "certified"],
                     detail={"person": enrolment.person_id, "certified_skills": [s.pk for s in skills] if certified else []})
    return enrolment


@transaction.atomic
def drop_enrolment(*, actor, enrolment_id, reason: str, detail: str = "", dropped_on=None) -> Enrolment:
    """A drop-out (or a withdrawn request) with its reason; the freed seat goes to the first on the waiting list."""
    require_staff(actor)
    enrolment = get_enrolment_for(actor, enrolment_id)
    if reason not in DropReason.values:
        raise ValidationFailed(_("Motivo desconocido: %(r)s. Motivos: %(v)s.") % {"r": reason, "v": ", ".join(DropReason.values)},
                               field="reason")
    if reason == DropReason.OTHER and not (detail or "").strip():
        raise ValidationFailed(_("Describa el motivo."), field="detail")
    if enrolment.status in (EnrolmentStatus.COMPLETED, EnrolmentStatus.DROPPED, EnrolmentStatus.REJECTED):
        raise ValidationFailed(_("La inscripción ya está cerrada (estado: %(s)s).") % {
            "s": enrolment.get_status_display().lower()}, field="status")
    day = _date(dropped_on, "dropped_on", required=False) or timezone.localdate()
    held_seat = enrolment.status == EnrolmentStatus.ENROLLED
    enrolment.status = EnrolmentStatus.DROPPED if held_seat else EnrolmentStatus.REJECTED
    enrolment.dropped_on, enrolment.drop_reason, enrolment.drop_detail = day, reason, (detail or "")[:500]
    enrolment.save(update_fields=["status", "dropped_on", "drop_reason", "drop_detail"])
    _person_event(enrolment.person, "training_dropped", actor, course=enrolment.cohort.course.title,
                  title=enrolment.cohort.course.title, cohort=enrolment.cohort.name, reason=reason, enrolment=enrolment.pk)
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=enrolment, fields=["status", "drop_reason"],
                 detail={"person": enrolment.person_id, "reason": reason})
    if held_seat:
        _promote_waitlist(Cohort.objects.select_for_update().get(pk=enrolment.cohort_id), actor)
    return enrolment


@transaction.atomic
def set_cohort_status(*, actor, cohort_id, status: str) -> Cohort:
    cohort = get_cohort_for(actor, cohort_id)
    if status not in CohortStatus.values:
        raise ValidationFailed(_("Estado desconocido: %(s)s.") % {"s": status}, field="status")
    cohort.status = status
    cohort.save(update_fields=["status"])
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=cohort, fields=["status"])
    return cohort


# --- opportunities -----------------------------------------------------------------------------------------

@transaction.atomic
def register_opportunity(*, actor, data: dict) -> Opportunity:
    """data: territory (code), title, kind, sector (CIIU code), market, actors, gaps, training_objectives,
    minimum_contents, result_indicators, expected_jobs, skills, occupation, valid_from, valid_to."""
    require_staff(actor)
    title = str(data.get("title", "")).strip()
    if not title:
        raise ValidationFailed(_("El nombre de la oportunidad es obligatorio."), field="title")
    territory = _territory(data.get("territory"))
    _check_territory_in_scope(actor, territory)
    kind = data.get("kind") or OpportunityKind.EMPLOYMENT
    if kind not in OpportunityKind.values:
        raise ValidationFailed(_("Tipo desconocido: %(k)s.") % {"k": kind}, field="kind")
    sector = None
    if data.get("sector"):
        from siee.taxonomy.models import Sector

        sector = Sector.objects.filter(code=str(data["sector"])).first()
        if sector is None:
            raise ValidationFailed(_("Sector CIIU desconocido: %(s)s.") % {"s": data["sector"]}, field="sector")
    skills = _resolve_skills(data.get("skills"))
    start = _date(data.get("valid_from") or timezone.localdate(), "valid_from")
    end = _date(data.get("valid_to"), "valid_to", required=False)
    if end and end < start:
        raise ValidationFailed(_("La vigencia termina antes de empezar."), field="valid_to")
    occupation = None
    if data.get("occupation"):
        ref = str(data["occupation"])
        occupation = (Occupation.objects.filter(pk=int(ref)).first() if ref.isdigit()
                      else Occupation.objects.filter(uri__in=[ref, "urn:siee:occupation:" + ref]).first())
        if occupation is None:
            raise ValidationFailed(_("Ocupación desconocida: %(o)s.") % {"o": ref}, field="occupation")
    opp = Opportunity.objects.create(
        territory=territory, organization=getattr(actor, "organization", None), kind=kind, title=title[:200],
        sector=sector, market=str(data.get("market", "")), actors=str(data.get("actors", "")),
        gaps=str(data.get("gaps", "")), training_objectives=str(data.get("training_objectives", "")),
        minimum_contents=str(data.get("minimum_contents", "")), result_indicators=str(data.get("result_indicators", "")),
        expected_jobs=_int(data.get("expected_jobs"), "expected_jobs", default=0), occupation=occupation,
        valid_from=start, valid_to=end, created_by=_user(actor))
    opp.skills.set(skills)
    audit.record(actor=actor, action=AuditAction.CREATE, obj=opp, fields=["title", "territory", "skills"])
    return opp


def course_specification(*, actor, opportunity_id) -> dict:
    """The technical specification of a tailor-made course for a tender, generated from an opportunity."""
    from siee.training.gaps import skill_code

    opp = get_opportunity_for(actor, opportunity_id)
    skills = list(opp.skills.all().order_by("label"))
    return {
        "opportunity_id": opp.pk,
        "title": _("Curso a la medida: %(t)s") % {"t": opp.title},
        "territory": {"code": opp.territory.code, "name": opp.territory.display_name()},
        "sector": f"{opp.sector.code} {opp.sector.label}" if opp.sector else "",
        "occupation": opp.occupation.label if opp.occupation else "",
        "context": {"market": opp.market, "actors": opp.actors, "gaps": opp.gaps},
        "objectives": [line.strip() for line in opp.training_objectives.splitlines() if line.strip()],
        "minimum_contents": [line.strip() for line in opp.minimum_contents.splitlines() if line.strip()],
        "skills_to_certify": [{"skill": skill_code(s.uri), "label": s.label} for s in skills],
        "target_participants": opp.expected_jobs,
        "result_indicators": [line.strip() for line in opp.result_indicators.splitlines() if line.strip()],
        "payment_indicators_available": {k: str(v) for k, v in contracts.INDICATORS.items()},
    }


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

"""Enrolment (staff and online), waiting list, attendance, completion with certification, drop-outs."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from siee.core import audit
from siee.core.errors import ErrorCode, PermissionDenied, ValidationFailed
from siee.core.models import AuditAction, Role
from siee.people.models import Person, PersonSkill, SkillLevel
from siee.people.selectors import get_person_for
from siee.training.models import (
    SEAT_STATUSES,
    Attendance,
    Cohort,
    CohortStatus,
    Course,
    DropReason,
    Eligibility,
    Enrolment,
    EnrolmentChannel,
    EnrolmentStatus,
    Session,
)
from siee.training.selectors import (
    enrolments_for,
    get_cohort_for,
    get_enrolment_for,
    require_staff,
)
from siee.training.services._common import (
    _date,
    _int,
    _person_event,
    _user,
)

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

ATTENDANCE_STATUSES = (EnrolmentStatus.ENROLLED, EnrolmentStatus.COMPLETED)


def _session(cohort: Cohort, session_number) -> Session:
    number = _int(session_number, "session", minimum=1, maximum=10_000)
    session = Session.objects.filter(cohort_id=cohort.pk, number=number).first()
    if session is None:
        n = cohort.sessions.count()
        raise ValidationFailed(_("La sesión %(n)d no existe en esta cohorte (tiene %(t)d sesiones).") % {
            "n": number, "t": n}, field="session")
    return session


def _mark(*, actor, enrolment: Enrolment, session: Session, present: bool,
          existing: Attendance | None = None) -> tuple[Attendance, bool]:
    """Save one attendance mark (audited when created or changed); (row, whether it was written)."""
    if existing is not None and existing.present == bool(present):
        return existing, False
    att, created = Attendance.objects.update_or_create(enrolment=enrolment, session=session,
                                                       defaults={"present": bool(present), "recorded_by": _user(actor)})
    audit.record(actor=actor, action=AuditAction.CREATE if created else AuditAction.UPDATE, obj=att,
                 fields=["present"], detail={"person": enrolment.person_id, "session": session.number})
    return att, True


@transaction.atomic
def record_attendance(*, actor, enrolment_id, session_number, present: bool = True) -> Attendance:
    require_staff(actor)
    enrolment = get_enrolment_for(actor, enrolment_id)
    if enrolment.status not in ATTENDANCE_STATUSES:
        raise ValidationFailed(_("Solo se registra asistencia de personas inscritas (estado: %(s)s).") % {
            "s": enrolment.get_status_display().lower()}, field="enrolment")
    session = _session(enrolment.cohort, session_number)
    att, _written = _mark(actor=actor, enrolment=enrolment, session=session, present=present)
    return att


def _enrolment_ids(values, errors: list[str]) -> list[int]:
    ids = []
    for value in values or []:
        try:
            pk = int(str(value).strip())
        except (TypeError, ValueError):
            pk = 0
        if not 0 < pk < 2**63:
            errors.append(_("Inscripción desconocida: %(e)s.") % {"e": value})
        elif pk not in ids:
            ids.append(pk)
    return ids


@transaction.atomic
def record_session_attendance(*, actor, cohort_id, session_number, present=(), absent=()) -> dict:
    """Attendance of a whole session at once (the roster): `present` and `absent` are enrolment ids of people
    enrolled in the cohort (or who completed it). All or nothing: an unknown session, an enrolment of another
    cohort or person, one not enrolled (waiting list, dropped...) or marked both ways refuses the whole roster,
    naming each problem. Marks that do not change are not rewritten (nor audited)."""
    require_staff(actor)
    cohort = get_cohort_for(actor, cohort_id)
    session = _session(cohort, session_number)
    errors: list[str] = []
    present_ids, absent_ids = _enrolment_ids(present, errors), _enrolment_ids(absent, errors)
    marks = {pk: True for pk in present_ids}
    found = {e.pk: e for e in enrolments_for(actor).filter(pk__in=present_ids + absent_ids)}
    for pk in absent_ids:
        if pk in marks:
            p = found.get(pk)
            errors.append(_("%(p)s aparece como presente y como ausente.") % {
                "p": p.person.full_name if p else pk})
        else:
            marks[pk] = False
    if not marks and not errors:
        errors.append(_("La lista está vacía: no hay personas inscritas que marcar."))
    for pk in marks:
        e = found.get(pk)
        if e is None:
            errors.append(_("Inscripción desconocida: %(e)s.") % {"e": pk})
        elif e.cohort_id != cohort.pk:
            errors.append(_("%(p)s no tiene una inscripción en esta cohorte.") % {"p": e.person.full_name})
        elif e.status not in ATTENDANCE_STATUSES:
            errors.append(_("%(p)s no está en la lista de asistencia (estado: %(s)s).") % {
                "p": e.person.full_name, "s": e.get_status_display().lower()})
    if errors:
        raise ValidationFailed(errors[0], field="attendance", errors={"attendance": errors})
    existing = {a.enrolment_id: a for a in Attendance.objects.filter(session=session, enrolment_id__in=list(marks))}
    written = 0
    for pk, is_present in marks.items():
        _att, changed = _mark(actor=actor, enrolment=found[pk], session=session, present=is_present,
                              existing=existing.get(pk))
        written += changed
    return {"cohort_id": cohort.pk, "session": session.number, "date": session.date.isoformat(),
            "present": sum(marks.values()), "absent": len(marks) - sum(marks.values()), "changed": written}


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

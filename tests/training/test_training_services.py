"""Enrolment rules and bad input: seats and waiting list, duplicates, sessions that do not exist, completion
before start, drop-outs; scoping (the Cali counsellor cannot enrol Bucaramanga people); nothing lost."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from factories import make_person
from siee.core.errors import ErrorCode, OutOfScope, ValidationFailed
from siee.core.models import AuditAction, AuditEntry
from siee.people.models import PersonEvent, PersonSkill
from siee.training import services
from siee.training.models import Attendance, Enrolment, EnrolmentStatus


def _cohort(actor, course, *, days_from_now=10, seats=None, sessions=2):
    today = timezone.localdate()
    start = today + dt.timedelta(days=days_from_now)
    return services.create_cohort(actor=actor, course_id=course.pk, name="C", start_date=start,
                                  end_date=start + dt.timedelta(days=30), seats=seats,
                                  session_dates=[start + dt.timedelta(days=7 * i) for i in range(sessions)])


def _snapshot():
    return (sorted(Enrolment.objects.values_list("pk", "status", "person_id", "cohort_id")),
            sorted(Attendance.objects.values_list("pk", "present")),
            sorted(PersonSkill.objects.values_list("person_id", "skill_id", "certified")))


def test_seats_fill_then_waiting_list_and_a_drop_out_promotes_the_first_waiting(actors, kitchen):
    c = actors.counsellor
    cohort = _cohort(c, kitchen["course"])  # two seats (the course's default)
    people = [kitchen["cook"]] + [make_person(c, first_names=f"P{i}") for i in range(3)]
    statuses = [services.enrol_person(actor=c, cohort_id=cohort.pk, person_id=p.pk).status for p in people]
    assert statuses == ["enrolled", "enrolled", "waitlisted", "waitlisted"]
    first = Enrolment.objects.get(cohort=cohort, person=people[0])
    dropped = services.drop_enrolment(actor=c, enrolment_id=first.pk, reason="schedule")
    assert (dropped.status, dropped.drop_reason) == ("dropped", "schedule")
    assert list(Enrolment.objects.filter(cohort=cohort).order_by("pk").values_list("status", flat=True)) == [
        "dropped", "enrolled", "enrolled", "waitlisted"]
    assert PersonEvent.objects.filter(person=people[2], kind="training_enrolled").get().params["from_waitlist"] is True


def test_confirming_a_waitlisted_person_when_full_is_a_clear_error(actors, kitchen):
    c = actors.counsellor
    cohort = _cohort(c, kitchen["course"], seats=1)
    services.enrol_person(actor=c, cohort_id=cohort.pk, person_id=kitchen["cook"].pk)
    waiting = services.enrol_person(actor=c, cohort_id=cohort.pk, person_id=make_person(c).pk)
    before = _snapshot()
    with pytest.raises(ValidationFailed) as exc:
        services.confirm_enrolment(actor=c, enrolment_id=waiting.pk)
    assert exc.value.field == "cohort" and "1 de 1" in exc.value.message
    assert _snapshot() == before


def test_duplicate_enrolment_is_refused_and_nothing_changes(actors, kitchen):
    c = actors.counsellor
    cohort = _cohort(c, kitchen["course"])
    services.enrol_person(actor=c, cohort_id=cohort.pk, person_id=kitchen["cook"].pk)
    before = _snapshot()
    with pytest.raises(ValidationFailed) as exc:
        services.enrol_person(actor=c, cohort_id=cohort.pk, person_id=kitchen["cook"].pk)
    assert (exc.value.code, exc.value.field) == (ErrorCode.DUPLICATE, "person")
    assert "ya tiene una inscripción" in exc.value.message
    assert _snapshot() == before


def test_attendance_for_a_session_that_does_not_exist(actors, kitchen):
    c = actors.counsellor
    cohort = _cohort(c, kitchen["course"], sessions=2)
    e = services.enrol_person(actor=c, cohort_id=cohort.pk, person_id=kitchen["cook"].pk)
    services.record_attendance(actor=c, enrolment_id=e.pk, session_number=2, present=False)
    before = _snapshot()
    with pytest.raises(ValidationFailed) as exc:
        services.record_attendance(actor=c, enrolment_id=e.pk, session_number=3)
    assert exc.value.field == "session"
    assert exc.value.message == "La sesión 3 no existe en esta cohorte (tiene 2 sesiones)."
    assert _snapshot() == before
    assert list(Attendance.objects.values_list("session__number", "present")) == [(2, False)]


def test_completion_before_the_cohort_starts_is_refused(actors, kitchen):
    c = actors.counsellor
    today = timezone.localdate()
    cohort = services.create_cohort(actor=c, course_id=kitchen["course"].pk, name="C",
                                    start_date=today - dt.timedelta(days=5), end_date=today + dt.timedelta(days=5))
    e = services.enrol_person(actor=c, cohort_id=cohort.pk, person_id=kitchen["cook"].pk)
    before = _snapshot()
    with pytest.raises(ValidationFailed) as exc:
        services.complete_enrolment(actor=c, enrolment_id=e.pk, completed_on=today - dt.timedelta(days=6))
    assert exc.value.field == "completed_on"
    assert (today - dt.timedelta(days=6)).isoformat() in exc.value.message
    assert _snapshot() == before
    assert not PersonSkill.objects.filter(person=kitchen["cook"], skill=kitchen["food"]).exists()


def test_completing_twice_and_dropping_a_completed_enrolment_are_refused(actors, kitchen):
    c = actors.counsellor
    today = timezone.localdate()
    cohort = services.create_cohort(actor=c, course_id=kitchen["course"].pk, name="C",
                                    start_date=today - dt.timedelta(days=5), end_date=today)
    e = services.enrol_person(actor=c, cohort_id=cohort.pk, person_id=kitchen["cook"].pk)
    services.complete_enrolment(actor=c, enrolment_id=e.pk, completed_on=today, certified=False)
    assert not PersonSkill.objects.filter(person=kitchen["cook"], skill=kitchen["food"]).exists()
    with pytest.raises(ValidationFailed, match="estado: finalizó el curso"):
        services.complete_enrolment(actor=c, enrolment_id=e.pk)
    with pytest.raises(ValidationFailed) as exc:
        services.drop_enrolment(actor=c, enrolment_id=e.pk, reason="health")
    assert exc.value.field == "status"


def test_drop_reason_must_be_known_and_other_needs_detail(actors, kitchen):
    c = actors.counsellor
    cohort = _cohort(c, kitchen["course"])
    e = services.enrol_person(actor=c, cohort_id=cohort.pk, person_id=kitchen["cook"].pk)
    with pytest.raises(ValidationFailed) as exc:
        services.drop_enrolment(actor=c, enrolment_id=e.pk, reason="aburrimiento")
    assert exc.value.field == "reason"
    with pytest.raises(ValidationFailed) as exc:
        services.drop_enrolment(actor=c, enrolment_id=e.pk, reason="other")
    assert exc.value.field == "detail"
    assert Enrolment.objects.get(pk=e.pk).status == EnrolmentStatus.ENROLLED


def test_outsider_cannot_enrol_a_bucaramanga_person_nor_see_the_cohort(actors, kitchen):
    c = actors.counsellor
    cohort = _cohort(c, kitchen["course"])
    before = _snapshot()
    with pytest.raises(OutOfScope):
        services.enrol_person(actor=actors.outsider, cohort_id=cohort.pk, person_id=kitchen["cook"].pk)
    assert _snapshot() == before
    assert AuditEntry.objects.filter(actor=actors.outsider, action=AuditAction.DENIED, object_type="person",
                                     object_id=str(kitchen["cook"].pk)).count() == 1
    e = services.enrol_person(actor=c, cohort_id=cohort.pk, person_id=kitchen["cook"].pk)
    for call in (lambda: services.complete_enrolment(actor=actors.outsider, enrolment_id=e.pk),
                 lambda: services.drop_enrolment(actor=actors.outsider, enrolment_id=e.pk, reason="health"),
                 lambda: services.record_attendance(actor=actors.outsider, enrolment_id=e.pk, session_number=1)):
        with pytest.raises(OutOfScope):
            call()
    assert Enrolment.objects.get(pk=e.pk).status == EnrolmentStatus.ENROLLED
    assert Attendance.objects.count() == 0


def test_course_needs_known_skills_and_a_training_provider(actors, kitchen):
    base = {"code": "X-1", "title": "Curso", "provider": kitchen["provider"].pk, "territory": "68001",
            "skills": ["no-existe"], "hours": 10}
    with pytest.raises(ValidationFailed) as exc:
        services.create_course(actor=actors.counsellor, data=base)
    assert (exc.value.field, exc.value.message) == ("skills", "Habilidades desconocidas: no-existe.")
    with pytest.raises(ValidationFailed) as exc:
        services.create_course(actor=actors.counsellor, data={**base, "skills": [kitchen["food"].uri],
                                                               "provider": actors.home.pk})
    assert exc.value.field == "provider"
    with pytest.raises(ValidationFailed) as exc:
        services.create_course(actor=actors.outsider, data={**base, "skills": [kitchen["food"].uri]})
    assert exc.value.field == "territory"


def test_migrants_only_course_refuses_a_national(actors, kitchen):
    c = actors.counsellor
    course = services.create_course(actor=c, data={
        "code": "MIG-1", "title": "Ruta de integración", "provider": kitchen["provider"].pk, "territory": "68001",
        "skills": [kitchen["food"].uri], "hours": 8, "eligibility": "migrants"})
    cohort = _cohort(c, course)
    national = make_person(c)
    with pytest.raises(ValidationFailed, match="solo para población migrante"):
        services.enrol_person(actor=c, cohort_id=cohort.pk, person_id=national.pk)
    assert services.enrol_person(actor=c, cohort_id=cohort.pk, person_id=kitchen["cook"].pk).status == "enrolled"


def test_opportunity_generates_a_course_specification(actors, kitchen):
    opp = services.register_opportunity(actor=actors.counsellor, data={
        "territory": "68001", "title": "Cocinas ocultas para domicilios", "kind": "business", "sector": "56",
        "market": "Plataformas de domicilios del área metropolitana", "actors": "Restaurantes; plataformas; SENA",
        "gaps": "Falta de carné de manipulación", "training_objectives": "Certificar manipulación\nCostear platos",
        "minimum_contents": "Inocuidad\nBPM", "result_indicators": "70% certificadas\n30% colocadas a 90 días",
        "expected_jobs": 40, "skills": [kitchen["food"].uri]})
    spec = services.course_specification(actor=actors.counsellor, opportunity_id=opp.pk)
    assert spec["title"] == "Curso a la medida: Cocinas ocultas para domicilios"
    assert spec["objectives"] == ["Certificar manipulación", "Costear platos"]
    assert spec["minimum_contents"] == ["Inocuidad", "BPM"]
    assert spec["result_indicators"] == ["70% certificadas", "30% colocadas a 90 días"]
    assert spec["skills_to_certify"] == [{"skill": "urn:siee:test:skill:manipulacion-de-alimentos",
                                          "label": "manipulación de alimentos"}]
    assert spec["target_participants"] == 40
    with pytest.raises(OutOfScope):
        services.course_specification(actor=actors.outsider, opportunity_id=opp.pk)


def test_online_request_then_counsellor_confirms(actors, kitchen, client):
    from siee.people import services as people_services

    person = people_services.register_self_service_person(
        username="yorgelis", password="clave-de-prueba-2026",
        data={"document_type": "PPT", "document_number": "998877", "first_names": "Ana", "last_names": "Sosa",
              "birth_date": "1995-02-03", "sex": "F", "nationality": "VE", "municipality_code": "68001",
              "migration_status": "regular"},
        consent={"purpose": "employment_services", "channel": "web", "text_version": "v1"})
    cohort = _cohort(actors.counsellor, kitchen["course"])
    e = services.request_enrolment(actor=person.user, cohort_id=cohort.pk)
    assert (e.status, e.channel) == ("requested", "self_service")
    with pytest.raises(ValidationFailed):
        services.request_enrolment(actor=person.user, cohort_id=cohort.pk)
    e = services.confirm_enrolment(actor=actors.counsellor, enrolment_id=e.pk)
    assert e.status == "enrolled"

"""Services behind the staff forms: providers (scoped, other agencies' territories kept), course edits,
contracts with their cohorts (every problem named, nothing saved), a whole session's attendance at once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from factories import make_person
from siee.core.errors import OutOfScope, ValidationFailed
from siee.core.models import AuditEntry, Organization
from siee.core.selectors import find_territory
from siee.training import selectors, services
from siee.training.models import Attendance, Cohort, ResultsContract

FORMULA = {"fixed": 1_000_000, "parts": [{"indicator": "completed", "basis": "rate", "target": 0.7, "amount": 2_000_000}]}


@pytest.fixture
def cohort(actors, kitchen):
    start = timezone.localdate() - dt.timedelta(days=14)
    return services.create_cohort(actor=actors.counsellor, course_id=kitchen["course"].pk, name="Cohorte 1",
                                  start_date=start, end_date=start + dt.timedelta(days=28),
                                  session_dates=[start, start + dt.timedelta(days=7)])


def _contract(actors, kitchen, **kw):
    args = {"provider_id": kitchen["provider"].pk, "code": "CT-1", "title": "Contrato 1", "start_date": "2026-01-01",
            "end_date": "2026-12-31", "formula": FORMULA}
    return services.create_contract(actor=actors.counsellor, **{**args, **kw})


# --- providers -------------------------------------------------------------------------------------------------

def test_register_provider_refuses_a_territory_outside_the_agency_and_saves_nothing(actors):
    with pytest.raises(ValidationFailed) as exc:
        services.register_provider(actor=actors.counsellor, name="Academia Cali", territory_codes=["76001"],
                                   email="no-es-correo")
    assert exc.value.errors == {
        "email": ["Correo electrónico no válido: no-es-correo."],
        "territories": ["El territorio 76001 está fuera de los territorios de su organización."]}
    assert not Organization.objects.filter(name="Academia Cali").exists()


def test_providers_are_scoped_and_editing_keeps_other_agencies_territories(actors, kitchen):
    provider = kitchen["provider"]
    provider.territories.add(find_territory("76001"))  # it also teaches in Cali
    assert list(selectors.providers_for(actors.outsider)) == [provider]
    only_bga = services.register_provider(actor=actors.counsellor, name="Instituto Bumangués",
                                          territory_codes=["68001"])
    assert only_bga not in selectors.providers_for(actors.outsider)
    with pytest.raises(OutOfScope):
        services.update_provider(actor=actors.outsider, provider_id=only_bga.pk, name="X", territory_codes=["76001"])
    assert Organization.objects.get(pk=only_bga.pk).name == "Instituto Bumangués"

    services.update_provider(actor=actors.counsellor, provider_id=provider.pk, name=provider.name,
                             territory_codes=["68276"], phone="6076000000")  # Floridablanca instead of Bucaramanga
    provider.refresh_from_db()
    assert sorted(provider.territories.values_list("code", flat=True)) == ["68276", "76001"]
    assert provider.phone == "6076000000"
    entry = AuditEntry.objects.filter(object_type="organization", object_id=str(provider.pk)).latest("pk")
    assert (entry.action, entry.fields, entry.detail) == ("update", ["phone", "territories"],
                                                          {"kept_territories": ["76001"]})


def test_update_provider_duplicate_name_is_refused(actors, kitchen):
    other = services.register_provider(actor=actors.counsellor, name="Otro proveedor", territory_codes=["68001"])
    with pytest.raises(ValidationFailed) as exc:
        services.update_provider(actor=actors.counsellor, provider_id=other.pk, name=kitchen["provider"].name.lower(),
                                 territory_codes=["68001"])
    assert (exc.value.code, exc.value.errors) == ("duplicate", {"name": ["Ya existe una organización con ese nombre."]})


# --- courses ---------------------------------------------------------------------------------------------------

def test_update_course_changes_fields_and_skills_with_an_audit_entry(actors, kitchen):
    course = kitchen["course"]
    services.update_course(actor=actors.counsellor, course_id=course.pk, data={
        "title": "Manipulación de alimentos (BPM)", "hours": 24, "skills": [kitchen["cooking"].uri]})
    course.refresh_from_db()
    assert (course.title, course.hours, course.code, course.seats) == ("Manipulación de alimentos (BPM)", 24,
                                                                       "MANIP-01", 2)
    assert list(course.skills.values_list("label", flat=True)) == ["cocinar"]
    entry = AuditEntry.objects.filter(object_type="course", action="update").get()
    assert entry.fields == ["hours", "skills", "title"]
    assert entry.detail == {"skills_added": [kitchen["cooking"].pk], "skills_removed": [kitchen["food"].pk]}


def test_update_course_refuses_another_courses_code_and_a_provider_change_while_a_contract_pays_it(
        actors, kitchen, cohort):
    other = services.create_course(actor=actors.counsellor, data={
        "code": "PAN-01", "title": "Panadería", "provider": kitchen["provider"].pk, "territory": "68001",
        "skills": [kitchen["cooking"].uri], "hours": 10})
    with pytest.raises(ValidationFailed) as exc:
        services.update_course(actor=actors.counsellor, course_id=other.pk, data={"code": "MANIP-01"})
    assert exc.value.errors == {"code": ["Ya existe un curso con el código MANIP-01."]}
    _contract(actors, kitchen, cohort_ids=[cohort.pk])
    second = services.register_provider(actor=actors.counsellor, name="Segundo proveedor", territory_codes=["68001"])
    with pytest.raises(ValidationFailed) as exc:
        services.update_course(actor=actors.counsellor, course_id=kitchen["course"].pk,
                               data={"provider": second.pk})
    assert exc.value.errors == {"provider": [
        "La cohorte «Cohorte 1» la paga el contrato CT-1 de Escuela Gastronómica de Santander (prueba): no se "
        "puede cambiar el proveedor del curso."]}
    with pytest.raises(OutOfScope):
        services.update_course(actor=actors.outsider, course_id=other.pk, data={"title": "X"})
    assert Cohort.objects.get(pk=cohort.pk).course.provider_id == kitchen["provider"].pk


# --- contracts -------------------------------------------------------------------------------------------------

def test_create_contract_with_cohorts_then_edit_formula_and_cohorts(actors, kitchen, cohort):
    contract = _contract(actors, kitchen, cohort_ids=[cohort.pk])
    assert list(contract.cohorts.values_list("pk", flat=True)) == [cohort.pk]
    new_formula = {"fixed": 500_000, "parts": [{"indicator": "certified", "basis": "count", "target": 3,
                                                "amount": 1_000_000}]}
    services.update_contract(actor=actors.counsellor, contract_id=contract.pk, provider_id=kitchen["provider"].pk,
                             code="CT-1", title="Contrato 1 (otrosí)", start_date="2026-01-01",
                             end_date="2026-12-31", formula=new_formula, cohort_ids=[])
    contract.refresh_from_db()
    assert contract.formula == {"fixed": 500_000.0, "parts": [{"indicator": "certified", "basis": "count",
                                                               "target": 3.0, "amount": 1_000_000.0}]}
    assert contract.title == "Contrato 1 (otrosí)"
    assert Cohort.objects.get(pk=cohort.pk).contract_id is None
    entry = AuditEntry.objects.filter(object_type="resultscontract", action="update").get()
    assert entry.fields == ["cohorts", "formula", "title"]
    assert entry.detail["formula_before"] == {"fixed": 1_000_000.0, "parts": [
        {"indicator": "completed", "basis": "rate", "target": 0.7, "amount": 2_000_000.0}]}
    assert (entry.detail["cohorts_added"], entry.detail["cohorts_removed"]) == ([], [cohort.pk])


def test_contract_errors_are_all_named_and_nothing_is_saved(actors, kitchen, cohort):
    _contract(actors, kitchen, cohort_ids=[cohort.pk])
    with pytest.raises(ValidationFailed) as exc:
        _contract(actors, kitchen, code="CT-1", end_date="2025-01-01", cohort_ids=[cohort.pk, 999_999],
                  formula={"fixed": "mucho", "parts": [{"indicator": "colocados", "basis": "rate", "target": 1.5,
                                                        "amount": 10}]})
    e = exc.value
    assert e.errors == {
        "formula.fixed": ["El pago fijo debe ser un número mayor o igual a cero."],
        "formula.parts[1]": ["Indicador desconocido: 'colocados'. Indicadores válidos: enrolled, completed, certified, "
                             "placed_90d, employed_6m.",
                             "La meta debe ser un número (entre 0 y 1, es decir de 0 % a 100 %, si la base es una tasa)."],
        "code": ["Ya existe el contrato CT-1."],
        "end_date": ["La fecha de fin es anterior a la de inicio."],
        "cohorts": ["La cohorte «Manipulación higiénica de alimentos · Cohorte 1» ya la paga el contrato CT-1.",
                    "Cohorte desconocida: 999999."]}
    assert sorted(e.field_errors) == ["code", "cohorts", "end_date", "formula.fixed", "formula.parts[1].indicator",
                                      "formula.parts[1].target"]
    assert e.message == "formula.fixed: El pago fijo debe ser un número mayor o igual a cero."
    assert ResultsContract.objects.count() == 1


def test_contract_provider_and_cohorts_must_match_and_be_in_scope(actors, kitchen, cohort):
    other = services.register_provider(actor=actors.counsellor, name="Otro proveedor", territory_codes=["68001"])
    with pytest.raises(ValidationFailed) as exc:
        _contract(actors, kitchen, provider_id=other.pk, cohort_ids=[cohort.pk])
    assert exc.value.errors == {"cohorts": [
        "La cohorte «Manipulación higiénica de alimentos · Cohorte 1» es de un curso de otro proveedor "
        "(Escuela Gastronómica de Santander (prueba))."]}
    cali = services.register_provider(actor=actors.outsider, name="Academia del Valle", territory_codes=["76001"])
    with pytest.raises(ValidationFailed) as exc:
        _contract(actors, kitchen, provider_id=cali.pk)
    assert exc.value.errors == {"provider": ["Proveedor de formación desconocido."]}
    with pytest.raises(ValidationFailed) as exc:  # the outsider cannot see Bucaramanga's cohort
        services.create_contract(actor=actors.outsider, provider_id=cali.pk, code="CT-CALI", title="", start_date="2026-01-01",
                                 end_date="2026-12-31", formula=FORMULA, cohort_ids=[cohort.pk])
    assert exc.value.errors == {"cohorts": [f"Cohorte desconocida: {cohort.pk}."]}
    assert ResultsContract.objects.count() == 0


# --- attendance of a whole session ---------------------------------------------------------------------------------

@pytest.fixture
def roster(actors, kitchen, cohort):
    c = actors.counsellor
    people = [kitchen["cook"], make_person(c, first_names="Luis", last_names="Mora"),
              make_person(c, first_names="Ana", last_names="Ríos")]
    enrolments = [services.enrol_person(actor=c, cohort_id=cohort.pk, person_id=p.pk) for p in people]
    assert [e.status for e in enrolments] == ["enrolled", "enrolled", "waitlisted"]  # two seats
    return enrolments


def test_session_attendance_saves_the_whole_roster_at_once(actors, cohort, roster):
    a, b, _w = roster
    r = services.record_session_attendance(actor=actors.counsellor, cohort_id=cohort.pk, session_number=1,
                                           present=[a.pk], absent=[str(b.pk)])
    assert (r["session"], r["present"], r["absent"], r["changed"]) == (1, 1, 1, 2)
    assert sorted(Attendance.objects.values_list("enrolment_id", "session__number", "present")) == [
        (a.pk, 1, True), (b.pk, 1, False)]
    # Saving the same roster again with one change rewrites (and audits) only that mark.
    before = AuditEntry.objects.filter(object_type="attendance").count()
    r = services.record_session_attendance(actor=actors.counsellor, cohort_id=cohort.pk, session_number=1,
                                           present=[a.pk, b.pk])
    assert r["changed"] == 1
    assert AuditEntry.objects.filter(object_type="attendance").count() == before + 1
    assert Attendance.objects.get(enrolment=b).present is True


def test_session_attendance_refuses_everything_on_a_bad_roster(actors, kitchen, cohort, roster):
    a, b, waiting = roster
    with pytest.raises(ValidationFailed) as exc:
        services.record_session_attendance(actor=actors.counsellor, cohort_id=cohort.pk, session_number=7,
                                           present=[a.pk])
    assert exc.value.errors == {"session": ["La sesión 7 no existe en esta cohorte (tiene 2 sesiones)."]}
    start = timezone.localdate()
    other = services.create_cohort(actor=actors.counsellor, course_id=kitchen["course"].pk, name="Cohorte 2",
                                   start_date=start, end_date=start)
    elsewhere = services.enrol_person(actor=actors.counsellor, cohort_id=other.pk,
                                      person_id=make_person(actors.counsellor, first_names="Eva", last_names="Gil").pk)
    with pytest.raises(ValidationFailed) as exc:
        services.record_session_attendance(actor=actors.counsellor, cohort_id=cohort.pk, session_number=1,
                                           present=[a.pk, waiting.pk, elsewhere.pk, "x"], absent=[b.pk, a.pk])
    assert exc.value.errors == {"attendance": [
        "Inscripción desconocida: x.",
        "Yorgelis Pérez Díaz aparece como presente y como ausente.",
        "Ana Ríos no está en la lista de asistencia (estado: en lista de espera).",
        "Eva Gil no tiene una inscripción en esta cohorte."]}
    assert Attendance.objects.count() == 0
    with pytest.raises(OutOfScope):
        services.record_session_attendance(actor=actors.outsider, cohort_id=cohort.pk, session_number=1,
                                           present=[a.pk])
    assert Attendance.objects.count() == 0

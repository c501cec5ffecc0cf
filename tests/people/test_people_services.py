"""People services: registration rules, duplicate detection, merging without losing history, audited reads."""

from __future__ import annotations

import pytest

from factories import CONSENT, make_person, occupation, person_data, skill
from siee.core.errors import ErrorCode, PermissionDenied, ValidationFailed
from siee.core.models import AuditAction, AuditEntry
from siee.people import services
from siee.people.models import Consent, Experience, Person, PersonEvent, PersonSkill, PersonStatus
from siee.people.selectors import get_person_for, people_for


def _register(actor, consent=CONSENT, **overrides):
    return services.register_person(actor=actor, data=person_data(**overrides), consent=consent)


def _errors(excinfo) -> dict:
    return excinfo.value.errors


def test_register_person_records_consent_event_and_audit(actors):
    person = _register(actors.counsellor, document_number="1098765432")
    assert Person.objects.get(pk=person.pk).document_number == "1098765432"
    consent = person.consents.get()
    assert (consent.purpose, consent.channel, consent.text_version, consent.recorded_by) == (
        "employment_services", "in_person", "v1", actors.counsellor)
    assert list(person.events.values_list("kind", flat=True)) == ["registered"]
    entry = AuditEntry.objects.get(action=AuditAction.CREATE, object_type="person", object_id=str(person.pk))
    assert entry.actor == actors.counsellor
    assert entry.organization == actors.home


def test_register_person_rejects_future_birth_date(actors):
    with pytest.raises(ValidationFailed) as exc:
        _register(actors.counsellor, birth_date="2999-01-01")
    assert _errors(exc) == {"birth_date": ["la fecha de nacimiento está en el futuro"]}
    assert Person.objects.count() == 0


def test_register_person_rejects_impossible_date(actors):
    with pytest.raises(ValidationFailed) as exc:
        _register(actors.counsellor, birth_date="2001-02-30")
    assert _errors(exc) == {"birth_date": ["fecha imposible: '2001-02-30'"]}


def test_register_person_rejects_unknown_municipality(actors):
    with pytest.raises(ValidationFailed) as exc:
        _register(actors.counsellor, municipality_code="99999")
    assert _errors(exc) == {"municipality_code": ["municipio desconocido: '99999'"]}


def test_register_person_rejects_municipality_of_another_territory(actors):
    with pytest.raises(ValidationFailed) as exc:
        _register(actors.counsellor, municipality_code="76001")
    assert _errors(exc) == {"municipality_code": ["el municipio 76001 está fuera de los territorios de su organización"]}
    assert Person.objects.count() == 0


def test_register_person_rejects_duplicate_document(actors):
    first = _register(actors.counsellor, document_type="CC", document_number="91234567")
    with pytest.raises(ValidationFailed) as exc:
        _register(actors.admin, document_type="CC", document_number="91.234.567", first_names="Otra")
    assert exc.value.code == ErrorCode.DUPLICATE
    assert exc.value.field == "document_number"
    assert str(first.pk) in exc.value.message
    assert Person.objects.count() == 1


def test_register_person_requires_consent(actors):
    with pytest.raises(ValidationFailed) as exc:
        _register(actors.counsellor, consent=None)
    assert list(_errors(exc)) == ["consent"]
    assert Person.objects.count() == 0 and Consent.objects.count() == 0


def test_register_person_reports_every_bad_field(actors):
    with pytest.raises(ValidationFailed) as exc:
        _register(actors.counsellor, sex="Z", email="no-es-correo", first_names="", barriers=["childcare", "magia"])
    errors = _errors(exc)
    assert sorted(errors) == ["barriers", "email", "first_names", "sex"]
    assert errors["first_names"] == ["campo obligatorio vacío"]
    assert errors["email"] == ["correo no válido: 'no-es-correo'"]


def test_analyst_cannot_register_people(actors):
    from factories import make_user

    analyst = make_user(actors.home, "analyst")
    with pytest.raises(PermissionDenied):
        _register(analyst)


# --- duplicates --------------------------------------------------------------------------------------------

def test_find_duplicates_same_document(actors):
    existing = _register(actors.counsellor, document_type="PPT", document_number="5551234")
    found = services.find_duplicates(actor=actors.counsellor, data={"document_type": "PPT", "document_number": "5551234"})
    assert [(d["person"].pk, d["score"], d["reasons"]) for d in found] == [(existing.pk, 1.0, ["mismo número de documento"])]


def test_find_duplicates_fuzzy_name_and_birth_date(actors):
    existing = _register(actors.counsellor, first_names="José Luis", last_names="Rodríguez Peña", birth_date="1988-03-02",
                         phone="")
    _register(actors.counsellor, first_names="Ana", last_names="Suárez", birth_date="1988-03-02", phone="")
    found = services.find_duplicates(actor=actors.counsellor, data={
        "first_names": "JOSE LUIS", "last_names": "Rodriguez Peña", "birth_date": "02/03/1988"})
    assert [d["person"].pk for d in found] == [existing.pk]
    assert found[0]["score"] == 1.0
    assert found[0]["reasons"] == ["nombre parecido (100%) y misma fecha de nacimiento"]


def test_find_duplicates_phone_and_similar_name(actors):
    existing = _register(actors.counsellor, first_names="Carolina", last_names="Mendoza", phone="+57 300 765 4321",
                         birth_date="1995-01-01")
    found = services.find_duplicates(actor=actors.counsellor, data={
        "first_names": "Karolina", "last_names": "Mendoza", "phone": "3007654321", "birth_date": "1996-06-06"})
    assert [d["person"].pk for d in found] == [existing.pk]
    assert found[0]["reasons"] == ["mismo teléfono y nombre parecido"]


def test_find_duplicates_never_crosses_territories(actors):
    _register(actors.counsellor, document_type="CC", document_number="70000001")
    assert services.find_duplicates(actor=actors.outsider, data={"document_number": "70000001"}) == []


# --- merge -------------------------------------------------------------------------------------------------

def test_merge_people_keeps_history(actors):
    keep = _register(actors.counsellor, first_names="Luisa", last_names="Ortiz", phone="", email="")
    other = _register(actors.counsellor, first_names="Luisa F.", last_names="Ortiz", phone="3112223344",
                      email="luisa@example.org")
    services.add_experience(actor=actors.counsellor, person_id=other.pk, description="mesera", months=12)
    services.add_person_skill(actor=actors.counsellor, person_id=other.pk, skill_id=skill("atencion-al-cliente").pk)
    services.record_consent(actor=actors.counsellor, person_id=other.pk, channel="whatsapp", text_version="v2")
    other_events = set(PersonEvent.objects.filter(person=other).values_list("pk", flat=True))

    result = services.merge_people(actor=actors.counsellor, keep_id=keep.pk, merge_id=other.pk)

    assert result.pk == keep.pk
    keep.refresh_from_db()
    other.refresh_from_db()
    assert (other.status, other.merged_into_id) == (PersonStatus.MERGED, keep.pk)
    assert (keep.phone, keep.email) == ("3112223344", "luisa@example.org")
    assert list(Experience.objects.filter(person=keep).values_list("description", flat=True)) == ["mesera"]
    assert list(PersonSkill.objects.filter(person=keep).values_list("skill__uri", flat=True)) == [skill("atencion-al-cliente").uri]
    assert sorted(Consent.objects.filter(person=keep).values_list("text_version", flat=True)) == ["v1", "v1", "v2"]
    moved = set(PersonEvent.objects.filter(person=keep).values_list("pk", flat=True))
    assert other_events <= moved
    assert PersonEvent.objects.filter(person=keep, kind="merged").get().params["merged_id"] == other.pk
    assert AuditEntry.objects.filter(action=AuditAction.MERGE, object_id=str(keep.pk)).get().detail == {"merged_id": other.pk}
    # The tombstone is no longer listed but still readable by id.
    assert list(people_for(actors.counsellor).values_list("pk", flat=True)) == [keep.pk]
    assert get_person_for(actors.counsellor, other.pk).status == PersonStatus.MERGED


def test_merge_people_refuses_self_and_already_merged(actors):
    a = _register(actors.counsellor)
    b = _register(actors.counsellor)
    with pytest.raises(ValidationFailed):
        services.merge_people(actor=actors.counsellor, keep_id=a.pk, merge_id=a.pk)
    services.merge_people(actor=actors.counsellor, keep_id=a.pk, merge_id=b.pk)
    with pytest.raises(ValidationFailed) as exc:
        services.merge_people(actor=actors.counsellor, keep_id=a.pk, merge_id=b.pk)
    assert exc.value.errors == {"merge_id": ["Ese registro ya fue fusionado."]}


# --- sensitive data ----------------------------------------------------------------------------------------

def test_sensitive_read_is_audited_with_field_list(actors):
    person = make_person(actors.counsellor, migration_status="regular", nationality="VE", document_type="PPT",
                         document_number="1234567")
    get_person_for(actors.admin, person.pk, sensitive=True, purpose="orientación")
    entry = AuditEntry.objects.get(action=AuditAction.READ_SENSITIVE)
    assert (entry.actor, entry.object_type, entry.object_id) == (actors.admin, "person", str(person.pk))
    assert entry.fields == sorted(Person.SENSITIVE_FIELDS)
    assert entry.detail == {"purpose": "orientación"}


def test_plain_list_and_plain_read_do_not_audit_sensitive_fields(actors):
    person = make_person(actors.counsellor)
    assert [p.pk for p in people_for(actors.counsellor)] == [person.pk]
    get_person_for(actors.counsellor, person.pk)
    assert AuditEntry.objects.filter(action=AuditAction.READ_SENSITIVE).count() == 0


def test_business_adviser_cannot_read_sensitive_fields(actors):
    from factories import make_user

    adviser = make_user(actors.home, "business_adviser")
    person = make_person(actors.counsellor)
    with pytest.raises(PermissionDenied):
        get_person_for(adviser, person.pk, sensitive=True)
    assert AuditEntry.objects.filter(action=AuditAction.READ_SENSITIVE).count() == 0


def test_experience_validation_reports_fields(actors):
    person = make_person(actors.counsellor)
    with pytest.raises(ValidationFailed) as exc:
        services.add_experience(actor=actors.counsellor, person_id=person.pk, description="",
                                start_date="2020-05-01", end_date="2019-01-01", occupation_id=occupation().pk)
    assert sorted(exc.value.errors) == ["description", "end_date"]
    assert Experience.objects.count() == 0

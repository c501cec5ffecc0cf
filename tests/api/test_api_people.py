"""People API: registration with field-level errors, profile with audited sensitive block, profile writes,
duplicates and merge."""

from __future__ import annotations

import pytest

from factories import CONSENT, Api, education_level, make_person, make_user, occupation, person_data, skill
from siee.core.models import AuditAction, AuditEntry
from siee.people.models import Consent, Person, PersonStatus


def _body(**overrides) -> dict:
    body = person_data(**overrides)
    body["consent"] = dict(CONSENT)
    return body


def test_register_person(actors):
    r = Api(actors.counsellor).post("/people/", _body(
        document_type="PPT", document_number="1234567", first_names="Yorgelis", last_names="Pérez",
        nationality="VE", migration_status="regular", desired_occupations=[occupation().uri]))
    assert r.status_code == 201, r.content
    body = r.json()
    person = Person.objects.get(pk=body["id"])
    assert (person.document_type, person.nationality, person.migration_status) == ("PPT", "VE", "regular")
    assert body["municipality"]["code"] == "68001"
    assert body["has_consent"] is True
    assert [o["uri"] for o in body["desired_occupations"]] == [occupation().uri]
    assert body["sensitive"] is None  # a write response never carries the sensitive block
    assert [(c["purpose"], c["channel"], c["text_version"]) for c in body["consents"]] == [("employment_services", "in_person", "v1")]


def test_register_person_requires_consent_object(actors):
    body = person_data()
    r = Api(actors.counsellor).post("/people/", body)
    assert r.status_code == 422
    assert list(r.json()["errors"]) == ["consent"]
    assert Person.objects.count() == 0


@pytest.mark.parametrize("overrides, field, reason", [
    ({"birth_date": "2999-01-01"}, "birth_date", "la fecha de nacimiento está en el futuro"),
    ({"municipality_code": "99999"}, "municipality_code", "municipio desconocido: '99999'"),
    ({"municipality_code": "76001"}, "municipality_code", "el municipio 76001 está fuera de los territorios de su organización"),
    ({"email": "sin-arroba"}, "email", "correo no válido: 'sin-arroba'"),
])
def test_register_person_field_errors(actors, overrides, field, reason):
    r = Api(actors.counsellor).post("/people/", _body(**overrides))
    assert r.status_code == 422
    body = r.json()
    assert (body["code"], body["errors"]) == ("invalid", {field: [reason]})
    assert Person.objects.count() == 0


@pytest.mark.parametrize("overrides, field", [
    ({"birth_date": "2001-02-30"}, "birth_date"),
    ({"birth_date": "ayer"}, "birth_date"),
    ({"sex": "Z"}, "sex"),
    ({"document_type": "CEDULA"}, "document_type"),
    ({"barriers": ["magia"]}, "barriers.0"),
    ({"expected_wage": "mucho"}, "expected_wage"),
    ({"household_size": 0}, "household_size"),
    ({"first_names": None}, "first_names"),
    ({"consent": {"purpose": ""}}, "consent.purpose"),
])
def test_register_person_wrong_types_are_field_level_422(actors, overrides, field):
    r = Api(actors.counsellor).post("/people/", {**_body(), **overrides})
    assert r.status_code == 422
    body = r.json()
    assert body["code"] == "invalid"
    assert list(body["errors"]) == [field]
    assert Person.objects.count() == 0


def test_register_duplicate_document_gives_duplicate_code(actors):
    make_person(actors.counsellor, document_type="CC", document_number="88888888")
    r = Api(actors.admin).post("/people/", _body(document_type="CC", document_number="88888888"))
    assert r.status_code == 422
    assert r.json()["code"] == "duplicate"
    assert list(r.json()["errors"]) == ["document_number"]
    assert Person.objects.count() == 1


def test_list_people_with_filters_and_pagination(actors):
    a = make_person(actors.counsellor, first_names="Ana", last_names="Arias", migration_status="regular", nationality="VE")
    b = make_person(actors.counsellor, first_names="Beatriz", last_names="Barrios", municipality_code="68276")
    c = make_person(actors.counsellor, first_names="Carlos", last_names="Castro", status="employed")
    api = Api(actors.counsellor)
    body = api.get("/people/").json()
    assert body["count"] == 3
    assert [p["id"] for p in body["items"]] == [a.pk, b.pk, c.pk]
    assert "migration_status" not in body["items"][0]
    assert [p["id"] for p in api.get("/people/", q="barrios").json()["items"]] == [b.pk]
    assert [p["id"] for p in api.get("/people/", q=a.document_number).json()["items"]] == [a.pk]
    assert [p["id"] for p in api.get("/people/", municipality="68276").json()["items"]] == [b.pk]
    assert [p["id"] for p in api.get("/people/", status="employed").json()["items"]] == [c.pk]
    assert [p["id"] for p in api.get("/people/", migrant="true").json()["items"]] == [a.pk]
    assert [p["id"] for p in api.get("/people/", migrant="false").json()["items"]] == [b.pk, c.pk]
    page = api.get("/people/", limit=1, offset=1).json()
    assert (page["count"], page["limit"], page["offset"], [p["id"] for p in page["items"]]) == (3, 1, 1, [b.pk])
    bad = api.get("/people/", municipality="00000")
    assert bad.status_code == 422 and list(bad.json()["errors"]) == ["municipality"]
    assert api.get("/people/", limit=0).status_code == 422
    # A plain list is not a read of sensitive fields.
    assert AuditEntry.objects.filter(action=AuditAction.READ_SENSITIVE).count() == 0


def test_profile_shows_sensitive_block_and_audits_the_read(actors, home_records):
    person = home_records["person"]
    r = Api(actors.counsellor).get(f"/people/{person.pk}")
    assert r.status_code == 200
    body = r.json()
    assert body["sensitive"]["migration_status"] == "regular"
    assert [x["description"] for x in body["experience"]] == ["ayudante de cocina"]
    assert body["experience"][0]["occupation"]["uri"] == occupation().uri
    assert [s["skill"]["uri"] for s in body["skills"]] == [skill("cocinar").uri]
    entry = AuditEntry.objects.get(action=AuditAction.READ_SENSITIVE)
    assert (entry.actor, entry.object_id, entry.channel) == (actors.counsellor, str(person.pk), "api")
    assert entry.fields == sorted(Person.SENSITIVE_FIELDS)


def test_business_adviser_profile_has_no_sensitive_block_and_no_audit(actors, home_records):
    adviser = make_user(actors.home, "business_adviser")
    r = Api(adviser).get(f"/people/{home_records['person'].pk}")
    assert r.status_code == 200
    assert r.json()["sensitive"] is None
    assert AuditEntry.objects.filter(action=AuditAction.READ_SENSITIVE).count() == 0


def test_analyst_is_refused_people_data(actors, home_records):
    analyst = make_user(actors.home, "analyst")
    api = Api(analyst)
    assert api.get("/people/").status_code == 403
    r = api.get(f"/people/{home_records['person'].pk}")
    assert (r.status_code, r.json()["code"]) == (403, "forbidden")


def test_unknown_person_is_404(actors):
    r = Api(actors.counsellor).get("/people/999999")
    assert (r.status_code, r.json()["code"]) == (404, "not_found")
    assert Api(actors.counsellor).get("/people/abc").status_code == 422
    assert Api(actors.counsellor).get("/people/99999999999999999999999").status_code == 422


def test_patch_person(actors, home_records):
    person = home_records["person"]
    r = Api(actors.counsellor).patch(f"/people/{person.pk}", {"phone": "3159998877", "municipality_code": "68547",
                                                                "desired_occupations": [occupation().uri]})
    assert r.status_code == 200, r.content
    person.refresh_from_db()
    assert (person.phone, person.municipality.code) == ("3159998877", "68547")
    assert list(person.desired_occupations.values_list("uri", flat=True)) == [occupation().uri]
    entry = AuditEntry.objects.filter(action=AuditAction.UPDATE, object_id=str(person.pk)).latest("pk")
    assert entry.fields == ["desired_occupations", "municipality_id", "phone"]
    bad = Api(actors.counsellor).patch(f"/people/{person.pk}", {"municipality_code": "76001", "email": "x"})
    assert bad.status_code == 422
    assert sorted(bad.json()["errors"]) == ["email", "municipality_code"]
    person.refresh_from_db()
    assert person.municipality.code == "68547"


def test_add_experience_education_skill(actors, home_records):
    person = home_records["person"]
    api = Api(actors.counsellor)
    r = api.post(f"/people/{person.pk}/experience", {"description": "cocinero", "occupation": occupation().uri,
                                                     "start_date": "2019-01-01", "end_date": "2021-06-30", "kind": "formal"})
    assert r.status_code == 201, r.content
    assert r.json()["occupation"]["uri"] == occupation().uri
    r = api.post(f"/people/{person.pk}/experience", {"description": "x", "occupation": "urn:no-existe"})
    assert (r.status_code, r.json()["errors"]) == (422, {"occupation": ["Ocupación desconocida."]})
    level = education_level()
    r = api.post(f"/people/{person.pk}/education", {"level": level.code, "title": "Técnico en cocina", "year": 2015})
    assert r.status_code == 201
    assert (r.json()["level"], r.json()["title"]) == (level.code, "Técnico en cocina")
    person.refresh_from_db()
    assert person.education_level == level
    r = api.post(f"/people/{person.pk}/education", {"level": "ZZ"})
    assert (r.status_code, list(r.json()["errors"])) == (422, ["level"])
    r = api.post(f"/people/{person.pk}/skills", {"skill": skill("hornear").uri, "level": "advanced"})
    assert r.status_code == 201
    assert (r.json()["skill"]["uri"], r.json()["level"]) == (skill("hornear").uri, "advanced")
    r = api.post(f"/people/{person.pk}/skills", {"skill": "urn:no-existe"})
    assert (r.status_code, list(r.json()["errors"])) == (422, ["skill"])
    profile = api.get(f"/people/{person.pk}").json()
    assert sorted(x["description"] for x in profile["experience"]) == ["ayudante de cocina", "cocinero"]
    assert sorted(s["skill"]["uri"] for s in profile["skills"]) == sorted([skill("cocinar").uri, skill("hornear").uri])


def test_consent_grant_and_revoke(actors, home_records):
    person = home_records["person"]
    api = Api(actors.counsellor)
    r = api.post(f"/people/{person.pk}/consent", {"purpose": "matching", "channel": "whatsapp", "text_version": "v2"})
    assert r.status_code == 201
    assert (r.json()["purpose"], r.json()["revoked_at"]) == ("matching", None)
    r = api.delete(f"/people/{person.pk}/consent")
    assert (r.status_code, r.json()) == (200, {"revoked": 2})
    assert Consent.objects.filter(person=person, revoked_at__isnull=True).count() == 0
    assert api.get(f"/people/{person.pk}").json()["has_consent"] is False


def test_duplicates_and_merge(actors):
    keep = make_person(actors.counsellor, first_names="Daniela", last_names="Rojas", birth_date="1993-07-07")
    dup = make_person(actors.counsellor, first_names="Daniela", last_names="Rojas", birth_date="1993-07-07",
                      document_type="PEP", document_number="777777")
    api = Api(actors.counsellor)
    r = api.get(f"/people/{keep.pk}/duplicates")
    assert r.status_code == 200
    assert [(d["person"]["id"], d["score"]) for d in r.json()] == [(dup.pk, 1.0)]
    r = api.get("/people/duplicates/check", first_names="DANIELA", last_names="rojas", birth_date="1993-07-07")
    assert sorted(d["person"]["id"] for d in r.json()) == sorted([keep.pk, dup.pk])
    r = api.get("/people/duplicates/check", document_type="PEP", document_number="777777")
    assert [(d["person"]["id"], d["reasons"]) for d in r.json()] == [(dup.pk, ["mismo número de documento"])]
    r = api.post(f"/people/{keep.pk}/merge", {"merge_id": dup.pk})
    assert r.status_code == 200, r.content
    dup.refresh_from_db()
    assert (dup.status, dup.merged_into_id) == (PersonStatus.MERGED, keep.pk)
    assert len(r.json()["consents"]) == 2
    r = api.post(f"/people/{keep.pk}/merge", {"merge_id": keep.pk})
    assert (r.status_code, list(r.json()["errors"])) == (422, ["merge_id"])


def test_nul_characters_are_rejected_before_reaching_the_database(actors):
    api = Api(actors.counsellor)
    r = api.post("/people/", _body(first_names="Ana\u0000"))
    assert (r.status_code, r.json()["errors"]) == (422, {"__all__": ["carácter NUL no permitido"]})
    assert api.get("/people/", q="a\x00b").status_code == 422
    assert Person.objects.count() == 0

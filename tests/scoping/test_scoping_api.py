"""Territorial scope through the API, with three actors (healthchecks style): a counsellor and an admin of
the Bucaramanga agency may use every endpoint on a Bucaramanga record; a counsellor of the Cali agency gets
the same 404 as for a record that does not exist, on every endpoint, and a refused write changes nothing."""

from __future__ import annotations

import pytest

from factories import (
    Api,
    db_snapshot,
    employer_data,
    make_person,
    make_user,
    person_data,
    skill,
    vacancy_data,
)
from siee.core.models import AuditAction, AuditEntry

MISSING = 987_654_321


@pytest.fixture
def world(home_records, actors):
    return {
        **home_records,
        "person2": make_person(actors.counsellor, first_names="Segunda", last_names="Persona"),
        "own_person": make_person(actors.outsider, municipality_code="76001", first_names="Propio", last_names="De Cali"),
    }


def _education_body(world):
    from factories import education_level

    return {"level": education_level().code}


# (name, method, path, body) — {person}, {employer}, {vacancy} are Bucaramanga records.
PEOPLE_ENDPOINTS = [
    ("person_get", "get", "/people/{person}", None),
    ("person_patch", "patch", "/people/{person}", lambda w: {"phone": "3000000001", "first_names": "Cambiado"}),
    ("person_experience", "post", "/people/{person}/experience", lambda w: {"description": "soldador"}),
    ("person_education", "post", "/people/{person}/education", _education_body),
    ("person_skill", "post", "/people/{person}/skills", lambda w: {"skill": skill("soldar").uri}),
    ("person_consent", "post", "/people/{person}/consent", lambda w: {"purpose": "matching"}),
    ("person_consent_revoke", "delete", "/people/{person}/consent", None),
    ("person_duplicates", "get", "/people/{person}/duplicates", None),
    ("person_merge_into", "post", "/people/{person}/merge", lambda w: {"merge_id": w["person2"].pk}),
]
EMPLOYER_ENDPOINTS = [
    ("employer_get", "get", "/employers/{employer}", None),
    ("employer_patch", "patch", "/employers/{employer}", lambda w: {"phone": "6070000000"}),
    ("vacancy_create", "post", "/vacancies", lambda w: {"employer_id": w["employer"].pk, **vacancy_data(code="V-SCOPE")}),
    ("vacancy_get", "get", "/vacancies/{vacancy}", None),
    ("vacancy_patch", "patch", "/vacancies/{vacancy}", lambda w: {"title": "Cambiado", "wage_max": 9_000_000}),
    ("vacancy_close", "post", "/vacancies/{vacancy}/close", lambda w: {"status": "closed"}),
]
ALL_ENDPOINTS = PEOPLE_ENDPOINTS + EMPLOYER_ENDPOINTS


def _call(api, method, path, body, world, *, ids=None):
    ids = ids or {k: world[k].pk for k in ("person", "employer", "vacancy")}
    url = path.format(**ids)
    payload = body(world) if body else None
    if method in ("get", "delete"):
        return getattr(api, method)(url)
    return getattr(api, method)(url, payload)


def _missing_ids():
    return {"person": MISSING, "employer": MISSING, "vacancy": MISSING}


@pytest.mark.parametrize("name, method, path, body", ALL_ENDPOINTS, ids=[e[0] for e in ALL_ENDPOINTS])
def test_outsider_is_refused_with_404_and_nothing_changes(actors, world, name, method, path, body):
    before = db_snapshot()
    r = _call(Api(actors.outsider), method, path, body, world)
    assert r.status_code == 404, r.content
    body_json = r.json()
    assert (body_json["code"], body_json["errors"]) == ("not_found", {})
    assert db_snapshot() == before
    # Exactly what a non-existent id answers: the response tells the outsider nothing.
    if name != "vacancy_create":
        missing = _call(Api(actors.outsider), method, path, body, world, ids=_missing_ids())
        assert (missing.status_code, missing.json()) == (404, body_json)
    else:
        missing = Api(actors.outsider).post("/vacancies", {**body(world), "employer_id": MISSING})
        assert (missing.status_code, missing.json()) == (404, body_json)


def _target(name: str) -> tuple[str, str]:
    if name.startswith("person"):
        return "person", "person"
    if name.startswith("employer") or name == "vacancy_create":
        return "employer", "employer"
    return "vacancy", "vacancy"


@pytest.mark.parametrize("name, method, path, body", ALL_ENDPOINTS, ids=[e[0] for e in ALL_ENDPOINTS])
def test_outsider_attempt_is_audited_as_denied(actors, world, name, method, path, body):
    _call(Api(actors.outsider), method, path, body, world)
    object_type, key = _target(name)
    denied = AuditEntry.objects.filter(action=AuditAction.DENIED, actor=actors.outsider)
    assert list(denied.values_list("object_type", "object_id")) == [(object_type, str(world[key].pk))]
    assert (denied.get().organization, denied.get().channel) == (actors.other, "api")


def test_outsider_cannot_merge_a_home_person_into_their_own(actors, world):
    before = db_snapshot()
    r = Api(actors.outsider).post(f"/people/{world['own_person'].pk}/merge", {"merge_id": world["person"].pk})
    assert r.status_code == 404
    assert db_snapshot() == before


@pytest.mark.parametrize("actor_name", ["counsellor", "admin"])
@pytest.mark.parametrize("name, method, path, body", ALL_ENDPOINTS, ids=[e[0] for e in ALL_ENDPOINTS])
def test_home_staff_may_use_every_endpoint(actors, world, actor_name, name, method, path, body):
    r = _call(Api(getattr(actors, actor_name)), method, path, body, world)
    assert r.status_code in (200, 201), r.content


@pytest.mark.parametrize("path, params", [
    ("/people/", {}),
    ("/people/", {"municipality": "68001"}),
    ("/people/", {"q": "Yorgelis"}),
    ("/employers", {}),
    ("/vacancies", {}),
    ("/vacancies", {"municipality": "68001"}),
])
def test_outsider_lists_show_nothing_of_another_territory(actors, world, path, params):
    body = Api(actors.outsider).get(path, **params).json()
    home_ids = {world["person"].pk, world["person2"].pk, world["employer"].pk, world["vacancy"].pk}
    if path == "/people/" and not params:
        assert [p["id"] for p in body["items"]] == [world["own_person"].pk]
    else:
        assert body["count"] == 0 and not home_ids & {i["id"] for i in body["items"]}


def test_outsider_duplicate_check_does_not_reveal_home_people(actors, world):
    p = world["person"]
    r = Api(actors.outsider).get("/people/duplicates/check", document_type=p.document_type,
                                 document_number=p.document_number, first_names=p.first_names,
                                 last_names=p.last_names, birth_date=p.birth_date.isoformat())
    assert (r.status_code, r.json()) == (200, [])


def test_outsider_cannot_create_records_in_another_territory(actors, world):
    before = db_snapshot()
    r = Api(actors.outsider).post("/people/", {**person_data(municipality_code="68001"),
                                               "consent": {"purpose": "employment_services"}})
    assert (r.status_code, list(r.json()["errors"])) == (422, ["municipality_code"])
    r = Api(actors.outsider).post("/employers", employer_data(municipality_code="68001"))
    assert (r.status_code, list(r.json()["errors"])) == (422, ["municipality_code"])
    assert db_snapshot() == before


def test_home_staff_see_home_records_in_lists(actors, world):
    for user in (actors.counsellor, actors.admin):
        api = Api(user)
        assert {p["id"] for p in api.get("/people/").json()["items"]} == {world["person"].pk, world["person2"].pk}
        assert [e["id"] for e in api.get("/employers").json()["items"]] == [world["employer"].pk]
        assert [v["id"] for v in api.get("/vacancies").json()["items"]] == [world["vacancy"].pk]


@pytest.mark.parametrize("name, method, path, body", PEOPLE_ENDPOINTS, ids=[e[0] for e in PEOPLE_ENDPOINTS])
def test_analyst_gets_403_on_people_endpoints(actors, world, name, method, path, body):
    analyst = make_user(actors.home, "analyst")
    before = db_snapshot()
    r = _call(Api(analyst), method, path, body, world)
    assert (r.status_code, r.json()["code"]) == (403, "forbidden")
    assert db_snapshot() == before


@pytest.mark.parametrize("method, path", [("get", "/people/"), ("get", "/people/duplicates/check"), ("post", "/people/")])
def test_analyst_gets_403_on_people_collections(actors, world, method, path):
    analyst = make_user(actors.home, "analyst")
    body = {**person_data(), "consent": {"purpose": "employment_services"}} if method == "post" else None
    r = Api(analyst).post(path, body) if method == "post" else Api(analyst).get(path)
    assert r.status_code == 403

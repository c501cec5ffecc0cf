"""Matching services against the database: scoping, consent, bad input, weights versions, incremental index."""

from __future__ import annotations

import pytest

from factories import Api, make_employer, make_person, make_vacancy, occupation, skill
from siee.core.errors import OutOfScope, PermissionDenied, ValidationFailed
from siee.matching import engine as E
from siee.matching import index_store, services
from siee.matching.models import MatchingConfig, MatchResult
from siee.matching.weights import ENGINE_VERSION
from siee.people import services as people_services


@pytest.fixture(autouse=True)
def fresh_cache():
    index_store.reset_cache()
    yield
    index_store.reset_cache()


def cook(actor, *, municipality="68001", skills=("cocinar",), months=24, no_consent=False, **kw):
    p = make_person(actor, municipality_code=municipality, **kw)
    if no_consent:  # registration requires consent: a person without it is one who revoked it
        people_services.revoke_consent(actor=actor, person_id=p.pk)
    people_services.add_experience(actor=actor, person_id=p.pk, description="cocinero", occupation_id=occupation().pk,
                                   months=months, kind="informal")
    for s in skills:
        people_services.add_person_skill(actor=actor, person_id=p.pk, skill_id=skill(s).pk)
    return p


@pytest.fixture
def world(actors):
    c = actors.counsellor
    people = {
        "ana": cook(c, first_names="Ana", skills=("cocinar", "manipulacion-de-alimentos")),
        "beto": cook(c, first_names="Beto", municipality="68276", skills=()),
        "carla_no_consent": cook(c, first_names="Carla", no_consent=True),
        "dario_cali": cook(actors.outsider, first_names="Darío", municipality="76001"),
        "eva_irregular": cook(c, first_names="Eva", document_type="PASSPORT", document_number="X1234567",
                              nationality="VE", migration_status="irregular"),
    }
    employer = make_employer(c)
    vacancy = make_vacancy(c, employer)
    return {"people": people, "vacancy": vacancy, "employer": employer}


def ids(page):
    return [r.id for r in page.results]


def test_counsellor_gets_ranked_candidates_of_their_territory(actors, world):
    p = world["people"]
    page = services.rank_candidates(actor=actors.counsellor, vacancy_id=world["vacancy"].pk, top=10)
    assert ids(page) == [p["ana"].pk, p["beto"].pk]  # no consent, other territory, undocumented: filtered out
    assert page.total_eligible == 2
    assert page.engine_version == ENGINE_VERSION and page.weights_version == 0
    best = page.results[0]
    assert best.label == f"Ana {p['ana'].last_names}"
    assert best.explanation["matched_skills"] == [
        {"id": skill("cocinar").pk, "label": "cocinar", "essential": True},
        {"id": skill("manipulacion-de-alimentos").pk, "label": "manipulacion de alimentos", "essential": False}]
    assert best.explanation["components"]["occupation"]["value"] == 1.0
    assert 0 < page.results[1].score < best.score <= 1


def test_system_sees_everyone_eligible(world):
    page = services.rank_candidates(actor=None, vacancy_id=world["vacancy"].pk, top=10)
    p = world["people"]
    assert set(ids(page)) == {p["ana"].pk, p["beto"].pk, p["dario_cali"].pk}


def test_outsider_cannot_rank_another_territorys_vacancy(actors, world):
    with pytest.raises(OutOfScope):
        services.rank_candidates(actor=actors.outsider, vacancy_id=world["vacancy"].pk)
    assert Api(actors.outsider).get(f"/matching/vacancies/{world['vacancy'].pk}/candidates").status_code == 404
    assert Api(actors.outsider).get(f"/matching/people/{world['people']['ana'].pk}/vacancies").status_code == 404


def test_unknown_ids_and_bad_paging_are_clear_errors(actors, world):
    with pytest.raises(OutOfScope, match="Vacante no encontrada"):
        services.rank_candidates(actor=actors.counsellor, vacancy_id=999_999)
    with pytest.raises(OutOfScope, match="Persona no encontrada: 999999"):
        services.rank_vacancies(actor=None, person_id=999_999)
    with pytest.raises(ValidationFailed, match="top debe estar entre 1 y 500"):
        services.rank_candidates(actor=None, vacancy_id=world["vacancy"].pk, top=0)
    with pytest.raises(ValidationFailed, match="Filtro desconocido: color"):
        services.rank_candidates(actor=None, vacancy_id=world["vacancy"].pk, filters={"color": "red"})
    with pytest.raises(ValidationFailed, match="min_score debe estar entre 0 y 1"):
        services.rank_candidates(actor=None, vacancy_id=world["vacancy"].pk, filters={"min_score": 7})


def test_filters_and_sensitive_filters_need_the_right_role(actors, world):
    from siee.core.selectors import find_territory
    from siee.core.services import create_staff_user

    p = world["people"]
    flo = find_territory("68276")
    page = services.rank_candidates(actor=actors.counsellor, vacancy_id=world["vacancy"].pk,
                                    filters={"municipality_id": flo.pk})
    assert ids(page) == [p["beto"].pk]
    with pytest.raises(OutOfScope):
        services.rank_candidates(actor=actors.counsellor, vacancy_id=world["vacancy"].pk,
                                 filters={"municipality_id": find_territory("76001").pk})
    page = services.rank_candidates(actor=actors.counsellor, vacancy_id=world["vacancy"].pk, filters={"migrant": True})
    assert ids(page) == []
    assert page.message.startswith("No hay personas elegibles")
    adviser = create_staff_user(actor=None, username="asesora", password="x-clave-larga-2026", role="business_adviser",
                                organization=actors.home)
    with pytest.raises(PermissionDenied):
        services.rank_candidates(actor=adviser, vacancy_id=world["vacancy"].pk, filters={"sex": "F"})


def test_person_without_consent_cannot_be_matched(actors, world):
    with pytest.raises(ValidationFailed, match="sin autorización de datos"):
        services.rank_vacancies(actor=actors.counsellor, person_id=world["people"]["carla_no_consent"].pk)


def test_revoking_consent_removes_the_person_from_rankings(actors, world):
    ana = world["people"]["ana"]
    people_services.revoke_consent(actor=actors.counsellor, person_id=ana.pk)
    page = services.rank_candidates(actor=actors.counsellor, vacancy_id=world["vacancy"].pk)
    assert ana.pk not in ids(page)


def test_vacancies_for_a_person_exclude_closed_and_illegal_ones(actors, world):
    c = actors.counsellor
    closed = make_vacancy(c, world["employer"], title="Cocinero cerrado")
    closed.status = "closed"
    closed.save()
    services_contract = make_vacancy(c, world["employer"], title="Cocinero por prestación", contract_type="services")
    page = services.rank_vacancies(actor=c, person_id=world["people"]["ana"].pk)
    assert set(ids(page)) == {world["vacancy"].pk, services_contract.pk}
    page = services.rank_vacancies(actor=c, person_id=world["people"]["eva_irregular"].pk)
    assert ids(page) == [services_contract.pk]
    assert page.results[0].label == f"Cocinero por prestación — {world['employer'].name}"


def test_vacancy_without_skills_still_ranks_and_says_so(actors, world):
    vac = make_vacancy(actors.counsellor, world["employer"], required_skills=[], desired_skills=[])
    page = services.rank_candidates(actor=actors.counsellor, vacancy_id=vac.pk)
    assert ids(page)[:1] == [world["people"]["ana"].pk]
    assert "la vacante no tiene habilidades registradas" in page.notes
    assert page.results[0].explanation["notes"] == ["la vacante no tiene habilidades registradas"]


def test_empty_territory_gives_a_message_not_a_crash(actors):
    employer = make_employer(actors.counsellor)
    vac = make_vacancy(actors.counsellor, employer)
    page = services.rank_candidates(actor=actors.counsellor, vacancy_id=vac.pk)
    assert page.results == [] and page.total_eligible == 0
    assert page.message == ("No hay personas elegibles para esta vacante en el territorio (con autorización de datos, "
                            "activas, disponibles y habilitadas para el tipo de contrato).")


def test_profile_change_updates_the_index_without_rebuilding(actors, world):
    c = actors.counsellor
    services.rank_candidates(actor=c, vacancy_id=world["vacancy"].pk)
    index = index_store.get_people_index()
    builds = E.PeopleIndex.builds_total
    before = {r.id: r.score for r in services.rank_candidates(actor=c, vacancy_id=world["vacancy"].pk).results}
    beto = world["people"]["beto"]
    people_services.add_person_skill(actor=c, person_id=beto.pk, skill_id=skill("cocinar").pk)
    after = {r.id: r.score for r in services.rank_candidates(actor=c, vacancy_id=world["vacancy"].pk).results}
    assert after[beto.pk] > before[beto.pk]
    assert {k: v for k, v in after.items() if k != beto.pk} == {k: v for k, v in before.items() if k != beto.pk}
    assert index_store.get_people_index() is index
    assert E.PeopleIndex.builds_total == builds and index.updates >= 1
    newcomer = cook(c, first_names="Fabiola", skills=("cocinar", "manipulacion-de-alimentos"), months=60)
    page = services.rank_candidates(actor=c, vacancy_id=world["vacancy"].pk)
    assert newcomer.pk in ids(page) and E.PeopleIndex.builds_total == builds


def test_weights_are_versioned_and_only_admins_change_them(actors, world):
    with pytest.raises(PermissionDenied):
        services.set_weights(actor=actors.counsellor, weights={"skills": 0.5})
    assert MatchingConfig.objects.count() == 0
    with pytest.raises(ValidationFailed, match="peso 'location': no puede ser negativo") as err:
        services.set_weights(actor=actors.admin, weights={"location": -1})
    assert err.value.field == "location"
    cfg = services.set_weights(actor=actors.admin, weights={"skills": 0.5})
    cfg2 = services.set_weights(actor=actors.admin, weights={"location": "0.2"})
    assert (cfg.version, cfg2.version, cfg2.organization_id) == (1, 2, actors.home.pk)
    assert cfg2.weights["skills"] == 0.5 and cfg2.weights["location"] == 0.2
    assert list(MatchingConfig.objects.filter(active=True).values_list("version", flat=True)) == [2]
    weights, version = services.active_weights(actors.home)
    assert version == 2 and weights.skills == 0.5
    assert services.active_weights(actors.other) == (type(weights)(), 0)
    page = services.rank_candidates(actor=actors.counsellor, vacancy_id=world["vacancy"].pk)
    assert page.weights_version == 2


def test_weights_api(actors):
    assert Api(actors.counsellor).get("/matching/weights").json()["version"] == 0
    r = Api(actors.counsellor).patch("/matching/weights", {"weights": {"skills": 1}})
    assert r.status_code == 405
    r = Api(actors.counsellor).client.put("/api/v1/matching/weights", '{"weights": {"skills": 1}}',
                                          content_type="application/json",
                                          HTTP_AUTHORIZATION=f"Bearer {actors.counsellor.api_token}")
    assert r.status_code == 403 and MatchingConfig.objects.count() == 0
    r = Api(actors.admin).client.put("/api/v1/matching/weights", '{"weights": {"skills": 0.4, "hours": 0}}',
                                     content_type="application/json",
                                     HTTP_AUTHORIZATION=f"Bearer {actors.admin.api_token}")
    assert r.status_code == 200
    assert r.json()["version"] == 1 and r.json()["weights"]["skills"] == 0.4 and r.json()["weights"]["hours"] == 0


def test_candidates_api_shape(actors, world):
    r = Api(actors.counsellor).get(f"/matching/vacancies/{world['vacancy'].pk}/candidates", top=1)
    assert r.status_code == 200
    body = r.json()
    assert [x["id"] for x in body["results"]] == [world["people"]["ana"].pk]
    assert body["total_eligible"] == 2 and body["engine_version"] == ENGINE_VERSION
    assert set(body["results"][0]["explanation"]["components"]) == {
        "occupation", "skills", "experience", "education", "location", "wage", "hours", "preferences"}
    r = Api(actors.counsellor).get(f"/matching/people/{world['people']['ana'].pk}/vacancies")
    assert r.status_code == 200 and [x["id"] for x in r.json()["results"]] == [world["vacancy"].pk]


def test_employer_explanation_hides_the_expected_wage(actors, world):
    people_services.update_person(actor=actors.counsellor, person_id=world["people"]["ana"].pk,
                                  data={"expected_wage": 1_700_000})
    page = services.rank_candidates(actor=actors.counsellor, vacancy_id=world["vacancy"].pk, top=1)
    full = page.results[0].explanation
    assert "1.700.000" in full["components"]["wage"]["text"]
    shown = services.explanation_for_employer(full)
    assert "1.700.000" not in str(shown) and set(shown["components"]) == set(full["components"])


def test_batch_stores_results(actors, world):
    from siee.core.selectors import find_territory

    run = services.run_batch(territory_code="68001", top=5)
    assert run.status == "done" and run.vacancies == 1
    stored = list(MatchResult.objects.filter(run=run).order_by("rank").values_list("person_id", "rank"))
    assert stored == [(world["people"]["ana"].pk, 1)]  # Beto lives in Floridablanca, outside 68001
    empty = services.run_batch(territory_code="76001", top=5)
    assert empty.results_count == 0 and empty.message == f"No hay vacantes abiertas en {find_territory('76001').display_name()}."
    with pytest.raises(ValidationFailed, match="Territorio desconocido: 99999"):
        services.run_batch(territory_code="99999")


def test_self_service_person_sees_their_own_ranked_vacancies(actors, world):
    from factories import CONSENT, person_data

    me = people_services.register_self_service_person(username="yo_busco", password="clave-larga-2026",
                                                      data=person_data(first_names="Yolima"), consent=CONSENT)
    people_services.add_experience(actor=me.user, person_id=me.pk, description="cocinera",
                                   occupation_id=occupation().pk, months=12, kind="informal")
    page = services.rank_vacancies(actor=me.user, person_id=me.pk)
    assert ids(page) == [world["vacancy"].pk]
    assert page.results[0].explanation["components"]["occupation"]["value"] == 1.0
    with pytest.raises(OutOfScope):
        services.rank_vacancies(actor=me.user, person_id=world["people"]["ana"].pk)
    with pytest.raises(PermissionDenied):
        services.rank_candidates(actor=me.user, vacancy_id=world["vacancy"].pk)

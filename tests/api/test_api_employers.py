"""Employers and vacancies API, the public vacancy feed and its JSON-LD."""

from __future__ import annotations

import datetime as dt

import pytest

from factories import Api, employer_data, make_employer, make_vacancy, occupation, skill, vacancy_data
from siee.employers.models import Employer, Vacancy


def test_employer_crud(actors):
    api = Api(actors.counsellor)
    r = api.post("/employers", employer_data(tax_id="900.555.111-2", name="Panadería El Trigal", sector="I"))
    assert r.status_code == 201, r.content
    body = r.json()
    assert (body["tax_id"], body["name"], body["municipality"]["code"]) == ("900555111-2", "Panadería El Trigal", "68001")
    employer_id = body["id"]
    assert api.get(f"/employers/{employer_id}").json()["name"] == "Panadería El Trigal"
    r = api.patch(f"/employers/{employer_id}", {"phone": "6076000000", "size": "medium"})
    assert r.status_code == 200
    assert (r.json()["phone"], r.json()["size"]) == ("6076000000", "medium")
    listing = api.get("/employers", q="trigal").json()
    assert [e["id"] for e in listing["items"]] == [employer_id]
    r = api.patch(f"/employers/{employer_id}", {"name": None})
    assert (r.status_code, r.json()["errors"]) == (422, {"name": ["campo obligatorio vacío"]})


@pytest.mark.parametrize("overrides, field", [
    ({"tax_id": "!!"}, "tax_id"),
    ({"municipality_code": "76001"}, "municipality_code"),
    ({"sector": "ZZ"}, "sector"),
    ({"size": "gigante"}, "size"),
    ({"email": "rrhh"}, "email"),
])
def test_employer_field_errors(actors, overrides, field):
    r = Api(actors.counsellor).post("/employers", employer_data(**overrides))
    assert r.status_code == 422
    assert list(r.json()["errors"]) == [field]
    assert Employer.objects.count() == 0


def test_vacancy_crud_and_close(actors):
    employer = make_employer(actors.counsellor)
    api = Api(actors.counsellor)
    r = api.post("/vacancies", {"employer_id": employer.pk, **vacancy_data(code="V-API-1")})
    assert r.status_code == 201, r.content
    body = r.json()
    assert (body["code"], body["occupation"]["uri"], body["employer"]["id"]) == ("V-API-1", occupation().uri, employer.pk)
    assert [s["uri"] for s in body["required_skills"]] == [skill("cocinar").uri]
    assert [s["uri"] for s in body["desired_skills"]] == [skill("manipulacion-de-alimentos").uri]
    vid = body["id"]
    r = api.patch(f"/vacancies/{vid}", {"wage_max": 2_000_000, "required_skills": [skill("hornear").pk]})
    assert r.status_code == 200, r.content
    assert (r.json()["wage_max"], [s["uri"] for s in r.json()["required_skills"]]) == (2_000_000, [skill("hornear").uri])
    r = api.patch(f"/vacancies/{vid}", {"wage_max": 100})
    assert (r.status_code, list(r.json()["errors"])) == (422, ["wage_max"])
    assert api.get("/vacancies", employer=employer.pk).json()["count"] == 1
    assert api.get("/vacancies", q="cocinero").json()["count"] == 1
    assert api.get("/vacancies", status="closed").json()["count"] == 0
    r = api.post(f"/vacancies/{vid}/close", {"status": "filled"})
    assert (r.status_code, r.json()["status"]) == (200, "filled")
    assert api.get("/vacancies", status="filled").json()["count"] == 1
    r = api.post(f"/vacancies/{vid}/close", {"status": "open"})
    assert r.status_code == 422


@pytest.mark.parametrize("overrides, errors", [
    ({"wage_min": 2_000_000, "wage_max": 1_000_000}, {"wage_max": ["el salario máximo es menor que el mínimo"]}),
    ({"closing_date": "2020-01-01"}, {"closing_date": ["la fecha de cierre de una vacante abierta no puede estar en el pasado"]}),
    ({"required_skills": ["urn:x"]}, {"required_skills": ["habilidad desconocida: 'urn:x'"]}),
    ({"occupation": "urn:x"}, {"occupation": ["ocupación desconocida: 'urn:x'"]}),
    ({"municipality_code": "76001"}, {"municipality_code": ["el municipio 76001 está fuera de los territorios de su organización"]}),
])
def test_vacancy_field_errors(actors, overrides, errors):
    employer = make_employer(actors.counsellor)
    r = Api(actors.counsellor).post("/vacancies", {"employer_id": employer.pk, **vacancy_data(**overrides)})
    assert r.status_code == 422
    assert r.json()["errors"] == errors
    assert Vacancy.objects.count() == 0


def test_vacancy_same_skill_required_and_desired(actors):
    employer = make_employer(actors.counsellor)
    uri = skill("cocinar").uri
    r = Api(actors.counsellor).post("/vacancies", {"employer_id": employer.pk, **vacancy_data(required_skills=[uri], desired_skills=[uri])})
    assert r.json()["errors"] == {"desired_skills": ["una habilidad no puede ser requerida y deseable a la vez"]}


def test_vacancy_unknown_employer_is_404(actors):
    r = Api(actors.counsellor).post("/vacancies", {"employer_id": 987654, **vacancy_data()})
    assert (r.status_code, r.json()["code"]) == (404, "not_found")


# --- public -------------------------------------------------------------------------------------------------

def test_public_vacancies_without_login_and_without_personal_data(actors):
    employer = make_employer(actors.counsellor, name="Restaurante Sabor Santandereano", contact_name="Pedro Privado",
                             phone="3001112233", email="pedro@privado.co")
    shown = make_vacancy(actors.counsellor, employer, closing_date=(dt.date.today() + dt.timedelta(days=30)).isoformat())
    make_vacancy(actors.counsellor, employer, published=False)
    make_vacancy(actors.counsellor, employer, status="draft")
    client = Api(None)
    r = client.get("/public/vacancies")
    assert r.status_code == 200
    body = r.json()
    assert [v["id"] for v in body["items"]] == [shown.pk]
    text = r.content.decode()
    for private in ("Pedro Privado", "3001112233", "pedro@privado.co"):
        assert private not in text
    assert body["items"][0]["employer_name"] == "Restaurante Sabor Santandereano"
    assert client.get("/public/vacancies", municipality="68276").json()["count"] == 0


def test_public_vacancy_jsonld(actors):
    employer = make_employer(actors.counsellor, name="Restaurante Sabor Santandereano", contact_name="Pedro Privado")
    closing = dt.date.today() + dt.timedelta(days=30)
    vacancy = make_vacancy(actors.counsellor, employer, code="V-LD-1", closing_date=closing.isoformat(),
                           contract_type="indefinite", hours_per_week=48, wage_min=1_500_000, wage_max=1_900_000)
    r = Api(None).get(f"/public/vacancies/{vacancy.pk}")
    assert r.status_code == 200
    ld = r.json()
    assert (ld["@context"], ld["@type"], ld["title"]) == ("https://schema.org/", "JobPosting", "Cocinero/a de línea")
    assert ld["hiringOrganization"] == {"@type": "Organization", "name": "Restaurante Sabor Santandereano"}
    assert ld["employmentType"] == ["FULL_TIME"]
    assert ld["validThrough"] == closing.isoformat()
    assert ld["identifier"]["value"] == "V-LD-1"
    assert ld["occupationalCategory"] == "5120"
    assert ld["baseSalary"] == {"@type": "MonetaryAmount", "currency": "COP", "value": {
        "@type": "QuantitativeValue", "unitText": "MONTH", "minValue": 1_500_000, "maxValue": 1_900_000}}
    address = ld["jobLocation"]["address"]
    assert (address["@type"], address["addressLocality"], address["addressCountry"]) == ("PostalAddress", "Bucaramanga", "CO")
    assert address["addressRegion"] == "Santander"
    assert "Pedro Privado" not in r.content.decode()


def test_public_vacancy_hidden_when_not_open_or_unpublished(actors):
    employer = make_employer(actors.counsellor)
    draft = make_vacancy(actors.counsellor, employer, status="draft")
    hidden = make_vacancy(actors.counsellor, employer, published=False)
    for v in (draft, hidden):
        r = Api(None).get(f"/public/vacancies/{v.pk}")
        assert (r.status_code, r.json()["code"]) == (404, "not_found")

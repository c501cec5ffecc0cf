"""Web UI through Django's test client: field errors, role guards and territorial scoping."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from siee.core.models import AuditEntry
from siee.employers.models import Employer, Vacancy
from siee.people.models import Experience, Person
from siee.people.services import register_person
from siee.taxonomy.models import Occupation

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def person_post(actors, **overrides):
    data = {
        "first_names": "María José", "last_names": "Pérez Rondón", "document_type": "PPT", "document_number": "1234567",
        "nationality": "VE", "birth_date": "1992-04-15", "sex": "F", "phone": "3001234567", "whatsapp": "",
        "email": "", "address": "", "municipality_code": actors["bucaramanga"].key, "education_level": "",
        "availability": "immediate", "expected_wage": "", "languages": "", "interests": "",
        "migration_status": "regular", "arrival_date": "2019-06-01", "household_size": "3",
        "consent": "on", "consent_purpose": "employment_services", "consent_channel": "in_person",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def make_person(actors, **overrides):
    data = {"first_names": "Carlos", "last_names": "Gómez", "document_type": "CC", "document_number": "91234567",
            "birth_date": "1985-01-20", "sex": "M", "municipality_code": actors["bucaramanga"].key}
    data.update(overrides)
    return register_person(actor=actors["counsellor"], data=data, consent={"purpose": "employment_services", "channel": "in_person"})


def field_errors(response, field):
    return [str(e) for e in response.context["form"].errors.get(field, [])]


# --- pages and guards ---------------------------------------------------------------------------------

def test_home_requires_login_and_redirects_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_login_page_is_spanish_by_default(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert '<html lang="es">' in response.content.decode()
    assert "Entrar a SIEE" in response.content.decode()


def test_home_shows_counts_in_scope_only(client, actors):
    make_person(actors)
    register_person(actor=actors["outsider"], data={
        "first_names": "Ana", "last_names": "Caleña", "document_type": "CC", "document_number": "31000111",
        "birth_date": "1990-02-02", "sex": "F", "municipality_code": actors["cali"].key}, consent={"channel": "in_person"})
    login(client, actors["counsellor"])
    response = client.get("/")
    stats = {s["key"]: s["value"] for s in response.context["stats"]}
    assert stats == {"people": 1, "active": 1, "employers": 0, "vacancies": 0}


def test_analyst_sees_aggregates_but_not_people_list(client, actors):
    make_person(actors)
    login(client, actors["analyst"])
    home = client.get("/")
    assert home.status_code == 200
    assert {s["key"]: s["value"] for s in home.context["stats"]}["people"] == 1
    assert "/personas/" not in [item["url"] for item in home.context["siee_nav"]]
    assert client.get(reverse("people:list")).status_code == 403
    assert client.get(reverse("employers:list")).status_code == 403


def test_audit_page_only_for_agency_admins(client, actors):
    login(client, actors["counsellor"])
    assert client.get(reverse("core:audit")).status_code == 403
    client.logout()
    login(client, actors["admin"])
    make_person(actors)
    response = client.get(reverse("core:audit"), {"action": "create", "object_type": "person"})
    assert response.status_code == 200
    assert [(e.actor_label, e.action, e.object_type) for e in response.context["object_list"]] == [
        ("orientadora_a", "create", "person")
    ]


def test_english_is_available_through_set_language(client, actors):
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("login")}, follow=True)
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Log in to SIEE" in html
    login(client, actors["counsellor"])
    home = client.get("/").content.decode()
    assert "Registered people" in home and "Personas registradas" not in home


# --- registration form errors --------------------------------------------------------------------------

def test_register_person_future_birth_date_is_a_field_error(client, actors):
    login(client, actors["counsellor"])
    future = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    response = client.post(reverse("people:create"), person_post(actors, birth_date=future))
    assert response.status_code == 200
    assert field_errors(response, "birth_date") == ["La fecha de nacimiento no puede estar en el futuro."]
    assert Person.objects.count() == 0


def test_register_person_missing_document_number_is_a_field_error(client, actors):
    login(client, actors["counsellor"])
    response = client.post(reverse("people:create"), person_post(actors, document_number=""))
    assert field_errors(response, "document_number") == ["Este campo es obligatorio."]
    assert "Este campo es obligatorio." in response.content.decode()
    assert Person.objects.count() == 0


def test_register_person_without_consent_is_refused(client, actors):
    login(client, actors["counsellor"])
    response = client.post(reverse("people:create"), person_post(actors, consent=None))
    assert field_errors(response, "consent") == ["Sin la autorización de tratamiento de datos no se puede registrar a la persona."]
    assert Person.objects.count() == 0


def test_register_person_service_errors_land_on_fields(client, actors):
    login(client, actors["counsellor"])
    response = client.post(reverse("people:create"), person_post(actors, document_number="12AB"))
    assert field_errors(response, "document_number") == ["para PPT el número debe tener solo dígitos (4 a 15): '12AB'"]


def test_register_person_outside_territory_municipality_is_refused(client, actors):
    login(client, actors["counsellor"])
    response = client.post(reverse("people:create"), person_post(actors, municipality_code=actors["cali"].key))
    assert field_errors(response, "municipality_code") == ["Elija una opción de la lista."]
    assert Person.objects.count() == 0


def test_register_person_ok_redirects_to_profile_with_consent(client, actors):
    login(client, actors["counsellor"])
    response = client.post(reverse("people:create"), person_post(actors))
    person = Person.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("people:detail", args=[person.pk])
    assert (person.document_type, person.document_number, person.nationality, person.migration_status) == (
        "PPT", "1234567", "VE", "regular")
    assert person.has_consent() is True


def test_registration_shows_probable_duplicates_before_saving(client, actors):
    existing = make_person(actors, first_names="María José", last_names="Pérez Rondón", document_type="PEP",
                           document_number="7654321", birth_date="1992-04-15")
    login(client, actors["counsellor"])
    response = client.post(reverse("people:create"), person_post(actors))
    assert response.status_code == 200
    assert [d["person"].pk for d in response.context["duplicates"]] == [existing.pk]
    assert Person.objects.count() == 1
    confirmed = client.post(reverse("people:create"), person_post(actors, confirm_new="1"))
    assert confirmed.status_code == 302
    assert Person.objects.count() == 2


def test_merge_duplicate_from_person_page(client, actors):
    keep = make_person(actors, first_names="María José", last_names="Pérez", document_number="7654321", birth_date="1992-04-15")
    other = make_person(actors, first_names="Maria Jose", last_names="Perez", document_number="7654322", birth_date="1992-04-15")
    login(client, actors["counsellor"])
    page = client.get(reverse("people:detail", args=[keep.pk]))
    assert [d["person"].pk for d in page.context["duplicates"]] == [other.pk]
    response = client.post(reverse("people:merge", args=[keep.pk]), {"merge_id": other.pk})
    assert response.status_code == 302
    other.refresh_from_db()
    assert (other.status, other.merged_into_id) == ("merged", keep.pk)


# --- person page ----------------------------------------------------------------------------------------

def test_person_page_shows_sensitive_block_and_audits_the_read(client, actors):
    person = make_person(actors)
    login(client, actors["counsellor"])
    before = AuditEntry.objects.filter(action="read_sensitive", object_id=str(person.pk)).count()
    response = client.get(reverse("people:detail", args=[person.pk]))
    assert response.status_code == 200
    assert response.context["show_sensitive"] is True
    assert 'id="sensitive"' in response.content.decode()
    assert AuditEntry.objects.filter(action="read_sensitive", object_id=str(person.pk)).count() == before + 1


def test_business_adviser_sees_profile_without_sensitive_block(client, actors):
    from siee.core.services import create_staff_user

    person = make_person(actors)
    adviser = create_staff_user(actor=None, username="asesor_a", password=PASSWORD, role="business_adviser",
                                organization=actors["counsellor"].organization)
    login(client, adviser)
    response = client.get(reverse("people:detail", args=[person.pk]))
    assert response.status_code == 200
    assert 'id="sensitive"' not in response.content.decode()
    assert AuditEntry.objects.filter(action="read_sensitive", object_id=str(person.pk)).count() == 0


def test_add_experience_inline_with_htmx_returns_the_section(client, actors):
    person = make_person(actors)
    occupation = Occupation.objects.order_by("pk").first()
    login(client, actors["counsellor"])
    response = client.post(reverse("people:add_experience", args=[person.pk]),
                           {"description": "ayudante de cocina", "occupation": occupation.pk, "kind": "informal",
                            "country": "VE", "months": "18"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response.content.decode().startswith('<section class="section" id="experience"')
    assert list(Experience.objects.values_list("person_id", "description", "occupation_id", "months")) == [
        (person.pk, "ayudante de cocina", occupation.pk, 18)]


def test_add_experience_errors_stay_in_the_section(client, actors):
    person = make_person(actors)
    login(client, actors["counsellor"])
    response = client.post(reverse("people:add_experience", args=[person.pk]),
                           {"description": "", "kind": "formal", "country": "CO", "start_date": "2020-05-01",
                            "end_date": "2019-01-01"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    form = response.context["forms"]["experience"]
    assert form.errors == {"description": ["Este campo es obligatorio."],
                           "end_date": ["La fecha de fin es anterior a la de inicio."]}
    assert Experience.objects.count() == 0


# --- scoping: the outsider (counsellor of another territory) ------------------------------------------

def test_outsider_gets_404_on_other_territory_person_page(client, actors):
    person = make_person(actors)
    login(client, actors["outsider"])
    assert client.get(reverse("people:detail", args=[person.pk])).status_code == 404
    assert person.full_name not in client.get(reverse("people:list"), {"q": "Carlos"}).content.decode()


@pytest.mark.parametrize("url_name,data", [
    ("people:add_experience", {"description": "soldador", "kind": "formal", "country": "CO"}),
    ("people:add_education", {"level": "3", "country": "CO"}),
    ("people:record_consent", {"consent": "on", "purpose": "employment_services", "channel": "in_person"}),
    ("people:revoke_consent", {}),
])
def test_outsider_refused_post_changes_nothing(client, actors, url_name, data):
    person = make_person(actors)
    login(client, actors["outsider"])
    snapshot = (Experience.objects.count(), person.education.count(), person.consents.filter(revoked_at__isnull=True).count(),
                person.events.count())
    response = client.post(reverse(url_name, args=[person.pk]), data)
    assert response.status_code == 404
    assert (Experience.objects.count(), person.education.count(), person.consents.filter(revoked_at__isnull=True).count(),
            person.events.count()) == snapshot


def test_outsider_cannot_merge_people_of_another_territory(client, actors):
    keep = make_person(actors, document_number="7654321")
    other = make_person(actors, document_number="7654322")
    login(client, actors["outsider"])
    assert client.post(reverse("people:merge", args=[keep.pk]), {"merge_id": other.pk}).status_code == 404
    other.refresh_from_db()
    assert (other.status, other.merged_into_id) == ("active", None)


# --- employers and vacancies ----------------------------------------------------------------------------

def employer_post(actors, **overrides):
    data = {"name": "Restaurante La Mazorca SAS", "tax_id": "900123456-7", "country": "CO", "sector": "", "size": "small",
            "contact_name": "Jorge", "phone": "6076543210", "email": "rrhh@mazorca.co", "address": "Cra 27 # 45-10",
            "municipality_code": actors["bucaramanga"].key}
    data.update(overrides)
    return data


def test_register_employer_and_field_errors(client, actors):
    login(client, actors["counsellor"])
    bad = client.post(reverse("employers:create"), employer_post(actors, tax_id="", email="no-es-correo"))
    assert field_errors(bad, "tax_id") == ["Este campo es obligatorio."]
    assert field_errors(bad, "email") == ["Escriba un correo válido, p. ej. rrhh@empresa.com"]
    ok = client.post(reverse("employers:create"), employer_post(actors))
    employer = Employer.objects.get()
    assert ok.url == reverse("employers:detail", args=[employer.pk])
    assert employer.tax_id == "900123456-7"


def vacancy_post(actors, employer, occ, **overrides):
    data = {"employer": employer.pk, "title": "Cocinero", "occupation": occ.pk, "description": "Cocina caliente",
            "education_level": "", "experience_months": "12", "wage_min": "1500000", "wage_max": "1800000",
            "currency": "COP", "contract_type": "fixed", "hours_per_week": "48", "posts": "2",
            "municipality_code": actors["bucaramanga"].key,
            "closing_date": (dt.date.today() + dt.timedelta(days=30)).isoformat(),
            "open_to_migrants": "on", "open_to_disability": "on", "published": "on"}
    data.update(overrides)
    return data


def test_vacancy_form_field_errors_and_creation(client, actors):
    from siee.employers.services import register_employer

    employer = register_employer(actor=actors["counsellor"], data=employer_post(actors))
    occupation = Occupation.objects.order_by("pk").first()
    login(client, actors["counsellor"])
    bad = client.post(reverse("employers:vacancy_create"), vacancy_post(
        actors, employer, occupation, occupation="", wage_min="2000000", wage_max="1000000", closing_date="2020-01-01"))
    assert field_errors(bad, "occupation") == ["Este campo es obligatorio."]
    assert field_errors(bad, "wage_max") == ["El salario máximo es menor que el mínimo."]
    assert field_errors(bad, "closing_date") == ["La fecha de cierre no puede estar en el pasado."]
    assert Vacancy.objects.count() == 0
    ok = client.post(reverse("employers:vacancy_create"), vacancy_post(actors, employer, occupation))
    vacancy = Vacancy.objects.get()
    assert ok.url == reverse("employers:vacancy", args=[vacancy.pk])
    assert (vacancy.title, vacancy.occupation_id, vacancy.wage_min, vacancy.wage_max, vacancy.posts) == (
        "Cocinero", occupation.pk, 1500000, 1800000, 2)


def test_public_vacancy_page_needs_no_login_and_hides_closed_ones(client, actors):
    from siee.employers.services import close_vacancy, create_vacancy, register_employer

    employer = register_employer(actor=actors["counsellor"], data=employer_post(actors))
    occupation = Occupation.objects.order_by("pk").first()
    vacancy = create_vacancy(actor=actors["counsellor"], employer_id=employer.pk, data={
        "title": "Cocinero", "occupation": str(occupation.pk), "municipality_code": actors["bucaramanga"].key})
    page = client.get(reverse("employers:vacancy", args=[vacancy.pk]))
    assert page.status_code == 200
    assert 'application/ld+json' in page.content.decode()
    assert [v.pk for v in client.get(reverse("employers:public_list")).context["object_list"]] == [vacancy.pk]
    close_vacancy(actor=actors["counsellor"], vacancy_id=vacancy.pk)
    assert client.get(reverse("employers:vacancy", args=[vacancy.pk])).status_code == 404


def test_outsider_cannot_see_or_create_vacancy_for_other_territory_employer(client, actors):
    from siee.employers.services import register_employer

    employer = register_employer(actor=actors["counsellor"], data=employer_post(actors))
    occupation = Occupation.objects.order_by("pk").first()
    login(client, actors["outsider"])
    assert client.get(reverse("employers:detail", args=[employer.pk])).status_code == 404
    response = client.post(reverse("employers:vacancy_create"), vacancy_post(
        actors, employer, occupation, municipality_code=actors["cali"].key))
    assert field_errors(response, "employer") == ["Elija una opción de la lista."]
    assert Vacancy.objects.count() == 0


def test_taxonomy_autocomplete_returns_fragment_and_json(client, actors):
    login(client, actors["counsellor"])
    html = client.get(reverse("web:taxonomy_search"), {"q": "cocina", "kind": "occupation"}, HTTP_HX_REQUEST="true")
    assert html.status_code == 200
    assert "data-ac-choice" in html.content.decode()
    data = client.get(reverse("web:taxonomy_search"), {"q": "cocina", "kind": "occupation", "format": "json"}).json()
    assert {r["kind"] for r in data["results"]} == {"occupation"}
    assert data["results"][0]["id"] == Occupation.objects.get(pk=data["results"][0]["id"]).pk


# --- import page ----------------------------------------------------------------------------------------

def test_import_people_page_reports_rejected_rows_and_offers_them_back(client, actors):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .sheets import people_csv

    data, bad_rows = people_csv(30, 5)
    login(client, actors["counsellor"])
    response = client.post(reverse("web:import"), {"entity": "people", "file": SimpleUploadedFile("personas.csv", data, "text/csv")})
    assert response.status_code == 200
    result = response.context["result"]
    assert (result.imported, result.rejected) == (25, 5)
    assert sorted({e.row for e in result.errors}) == bad_rows
    assert Person.objects.count() == 25
    rejected = client.get(reverse("web:import_download", args=[response.context["token"], "rechazadas"]))
    assert rejected.status_code == 200
    lines = b"".join(rejected.streaming_content).decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 1 + 5
    assert lines[0].endswith("errores")


def test_import_download_of_another_users_file_is_404(client, actors):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .sheets import people_csv

    data, _ = people_csv(3, 1)
    login(client, actors["counsellor"])
    token = client.post(reverse("web:import"), {"entity": "people", "file": SimpleUploadedFile("p.csv", data)}).context["token"]
    client.logout()
    login(client, actors["admin"])
    assert client.get(reverse("web:import_download", args=[token, "rechazadas"])).status_code == 404


def test_import_rejects_unknown_format_and_unreadable_file(client, actors):
    from django.core.files.uploadedfile import SimpleUploadedFile

    login(client, actors["counsellor"])
    wrong = client.post(reverse("web:import"), {"entity": "people", "file": SimpleUploadedFile("p.pdf", b"%PDF-1.4")})
    assert field_errors(wrong, "file") == ["Formato no admitido (.pdf): use CSV o XLSX."]
    no_columns = client.post(reverse("web:import"), {"entity": "people", "file": SimpleUploadedFile("p.csv", b"a,b\n1,2\n")})
    assert len(field_errors(no_columns, "file")) == 1
    assert field_errors(no_columns, "file")[0].startswith("El archivo p.csv no se pudo leer: ninguna columna")
    assert Person.objects.count() == 0


def test_analyst_cannot_open_import_page(client, actors):
    login(client, actors["analyst"])
    assert client.get(reverse("web:import")).status_code == 403


# --- self-service accounts ------------------------------------------------------------------------------

def test_job_seeker_sees_and_completes_only_their_own_profile(client, actors):
    from siee.core.services import create_staff_user

    own = make_person(actors)
    other = make_person(actors, document_number="12312312", first_names="Otra")
    seeker = create_staff_user(actor=None, username="yorgelis", password=PASSWORD, role="job_seeker")
    own.user = seeker  # test set-up: the account-linking flow is not part of the UI yet
    own.save(update_fields=["user"])
    login(client, seeker)
    assert client.get("/").url == reverse("people:me")
    page = client.get(reverse("people:me"))
    assert (page.status_code, page.context["person"].pk, page.context["is_self"]) == (200, own.pk, True)
    assert client.get(reverse("people:list")).status_code == 403
    assert client.get(reverse("people:detail", args=[other.pk])).status_code == 403
    added = client.post(reverse("people:add_experience", args=[own.pk]),
                        {"description": "mesera", "kind": "informal", "country": "VE", "months": "6"})
    assert added.status_code == 302
    refused = client.post(reverse("people:add_experience", args=[other.pk]),
                          {"description": "mesera", "kind": "informal", "country": "VE"})
    assert refused.status_code == 404
    assert list(Experience.objects.values_list("person_id", "description")) == [(own.pk, "mesera")]


def test_employer_account_registers_company_and_publishes_vacancy(client, actors):
    from siee.core.services import create_staff_user

    boss = create_staff_user(actor=None, username="mazorca", password=PASSWORD, role="employer")
    login(client, boss)
    assert client.get("/").url == reverse("employers:mine")
    created = client.post(reverse("employers:create"), employer_post(actors))
    assert created.status_code == 302, created.context["form"].errors
    assert created.url == reverse("employers:mine")
    employer = Employer.objects.get()
    assert list(employer.users.all()) == [boss]
    occupation = Occupation.objects.order_by("pk").first()
    response = client.post(reverse("employers:vacancy_create"), vacancy_post(actors, employer, occupation))
    assert response.status_code == 302, response.context["form"].errors
    vacancy = Vacancy.objects.get()
    assert response.url == reverse("employers:vacancy", args=[vacancy.pk])
    mine = client.get(reverse("employers:mine"))
    assert [v.pk for v in mine.context["vacancies"]] == [vacancy.pk]
    assert client.get(reverse("employers:list")).status_code == 403


def test_jsonld_cannot_be_broken_out_of_by_a_title(client, actors):
    import json
    import re

    from siee.employers.services import create_vacancy, register_employer

    employer = register_employer(actor=actors["counsellor"], data=employer_post(actors))
    occupation = Occupation.objects.order_by("pk").first()
    title = 'Cocinero </script><script>alert("x")</script>'
    vacancy = create_vacancy(actor=actors["counsellor"], employer_id=employer.pk, data={
        "title": title, "occupation": str(occupation.pk), "municipality_code": actors["bucaramanga"].key})
    html = client.get(reverse("employers:vacancy", args=[vacancy.pk])).content.decode()
    assert "<script>alert" not in html
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    assert json.loads(block)["title"] == title


def test_edit_person_changes_only_what_was_changed_and_shows_field_errors(client, actors):
    person = make_person(actors, phone="3001112233")
    login(client, actors["counsellor"])
    form = client.get(reverse("people:edit", args=[person.pk])).context["form"]
    data = {name: ("" if value is None else value) for name, value in form.initial.items()}
    data.update({"birth_date": person.birth_date.isoformat(), "desired_occupations": [], "barriers": [],
                 "willing_to_relocate": "", "disability": "", "conflict_victim": ""})
    data = {k: v for k, v in data.items() if v not in (False,)}
    bad = client.post(reverse("people:edit", args=[person.pk]), {**data, "phone": "abc"})
    assert field_errors(bad, "phone") == ["teléfono no válido: 'abc'"]
    ok = client.post(reverse("people:edit", args=[person.pk]), {**data, "phone": "3209998877"})
    assert ok.status_code == 302
    person.refresh_from_db()
    assert (person.phone, person.first_names) == ("3209998877", "Carlos")
    assert list(person.events.filter(kind="updated").values_list("params", flat=True)) == [{"fields": ["phone"]}]


def test_outsider_cannot_edit_person_of_other_territory(client, actors):
    person = make_person(actors)
    login(client, actors["outsider"])
    assert client.get(reverse("people:edit", args=[person.pk])).status_code == 404
    assert client.post(reverse("people:edit", args=[person.pk]), {"first_names": "Hack"}).status_code == 404
    person.refresh_from_db()
    assert person.first_names == "Carlos"

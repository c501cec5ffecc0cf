"""Self-service sign-up pages and the agency admin's staff page."""

import pytest
from django.test import Client

from factories import make_actors
from siee.core.models import AuditEntry, Role, User
from siee.people.models import Person


@pytest.fixture(autouse=True)
def _fast(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def signup_data(**overrides):
    data = {"username": "yorgelis", "password": "clave-segura-1", "first_names": "Yorgelis", "last_names": "Pérez",
            "document_type": "PPT", "document_number": "4567123", "nationality": "VE", "birth_date": "1994-03-12",
            "sex": "F", "phone": "3157654321", "email": "", "municipality_code": "CO-68001", "consent": "on"}
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_job_seeker_signs_up_and_lands_on_own_profile():
    client = Client()
    response = client.post("/registro/", signup_data())
    assert response.status_code == 302
    assert response["Location"] == "/personas/mi-perfil/"
    user = User.objects.get(username="yorgelis")
    person = Person.objects.get(user=user)
    assert (user.role, person.document_type, person.nationality) == (Role.JOB_SEEKER, "PPT", "VE")
    assert person.consents.get().channel == "self_service"
    assert client.get("/personas/mi-perfil/").status_code == 200


@pytest.mark.django_db
def test_sign_up_without_consent_shows_the_field_error_and_saves_nothing():
    data = signup_data()
    del data["consent"]
    response = Client().post("/registro/", data)
    assert response.status_code == 200
    assert "Sin su autorización no podemos registrar sus datos." in response.content.decode()
    assert not User.objects.filter(username="yorgelis").exists()


@pytest.mark.django_db
def test_sign_up_with_future_birth_date_reports_the_field():
    response = Client().post("/registro/", signup_data(birth_date="2040-01-01"))
    assert "la fecha de nacimiento está en el futuro" in response.content.decode()
    assert not Person.objects.filter(document_number="4567123").exists()


@pytest.mark.django_db
def test_employer_signs_up_and_lands_on_own_vacancies():
    client = Client()
    response = client.post("/registro/empresa/", {
        "username": "hotel", "password": "clave-segura-1", "name": "Hotel Chicamocha SAS", "tax_id": "900123456-7",
        "contact_name": "Ana", "phone": "6076340000", "email": "rrhh@hotel.co", "municipality_code": "CO-68001"})
    assert response.status_code == 302
    assert User.objects.get(username="hotel").employers.get().name == "Hotel Chicamocha SAS"


@pytest.mark.django_db
def test_agency_admin_creates_and_deactivates_staff_of_own_organization():
    actors = make_actors()
    client = Client()
    client.force_login(actors.admin)
    response = client.post("/equipo/", {"username": "nuevo_gestor", "password": "clave-segura-1", "first_name": "Luis",
                                        "last_name": "Mora", "email": "", "role": "intermediation_officer"})
    assert response.status_code == 302
    created = User.objects.get(username="nuevo_gestor")
    assert (created.organization_id, created.role) == (actors.home.pk, "intermediation_officer")
    assert client.post(f"/equipo/{created.pk}/estado/", {"active": "0"}).status_code == 302
    created.refresh_from_db()
    assert created.is_active is False
    assert AuditEntry.objects.filter(object_type="user", object_id=str(created.pk), action="update").count() == 1


@pytest.mark.django_db
def test_staff_page_refuses_counsellors_and_other_organizations_users():
    actors = make_actors()
    client = Client()
    client.force_login(actors.counsellor)
    assert client.get("/equipo/").status_code == 403
    client.force_login(actors.admin)
    assert client.post(f"/equipo/{actors.outsider.pk}/estado/", {"active": "0"}).status_code == 404
    actors.outsider.refresh_from_db()
    assert actors.outsider.is_active is True
    assert "orientador_cali" not in client.get("/equipo/").content.decode()

"""Self-service accounts: a job seeker and an employer create their own accounts and see only their records."""

import pytest

from factories import employer_data, make_actors, make_person, person_data
from siee.core.errors import OutOfScope, ValidationFailed
from siee.core.models import Role, User
from siee.employers.selectors import employers_for
from siee.people.models import Person
from siee.people.selectors import get_person_for
from siee.people.services import create_self_service_employer_account, register_self_service_person

CONSENT = {"purpose": "employment_services", "text_version": "v1"}


@pytest.fixture(autouse=True)
def _fast(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.mark.django_db
def test_job_seeker_registers_self_with_consent_and_reads_only_own_record():
    actors = make_actors()
    other = make_person(actors.counsellor, document_number="55555555")
    person = register_self_service_person(username="yorgelis", password="una-clave-larga", consent=CONSENT,
                                          data=person_data(document_type="PPT", document_number="1234567", nationality="VE",
                                                           migration_status="regular"))
    user = User.objects.get(username="yorgelis")
    assert user.role == Role.JOB_SEEKER
    assert person.user_id == user.pk
    assert person.consents.get().channel == "self_service"
    assert get_person_for(user, person.pk).pk == person.pk
    with pytest.raises(OutOfScope):
        get_person_for(user, other.pk)
    # The agency's counsellor sees the self-registered person because they live in Bucaramanga.
    assert get_person_for(actors.counsellor, person.pk).pk == person.pk


@pytest.mark.django_db
def test_self_registration_without_consent_saves_nothing():
    with pytest.raises(ValidationFailed) as exc:
        register_self_service_person(username="sinconsent", password="una-clave-larga", consent=None,
                                     data=person_data(document_number="7654321"))
    assert exc.value.field == "consent"
    assert not User.objects.filter(username="sinconsent").exists()
    assert not Person.objects.filter(document_number="7654321").exists()


@pytest.mark.django_db
def test_self_registration_with_invalid_data_creates_no_account():
    with pytest.raises(ValidationFailed) as exc:
        register_self_service_person(username="fecha", password="una-clave-larga", consent=CONSENT,
                                     data=person_data(birth_date="2031-01-01"))
    assert exc.value.field == "birth_date"
    assert not User.objects.filter(username="fecha").exists()


@pytest.mark.django_db
def test_employer_account_sees_only_own_company():
    actors = make_actors()
    from factories import make_employer

    make_employer(actors.counsellor, name="Otra Empresa SAS")
    user, employer = create_self_service_employer_account(username="hotelchicamocha", password="una-clave-larga",
                                                          employer_data=employer_data(name="Hotel Chicamocha"))
    assert user.role == Role.EMPLOYER
    assert list(employers_for(user).values_list("name", flat=True)) == ["Hotel Chicamocha"]

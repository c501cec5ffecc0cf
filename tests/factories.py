"""Test data built through the real services (as Zulip and Saleor do), plus the three actors.

`actors` gives the healthchecks trio: a counsellor and an admin of the Bucaramanga agency and a counsellor
of a Cali agency (the outsider). Taxonomy rows the tests rely on are created here under test URIs so the
tests do not depend on which occupations the starter set happens to contain.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass

import pytest
from django.test import Client

from siee.core.models import AuditAction, AuditEntry, Organization, User
from siee.core.selectors import find_territory
from siee.core.services import create_organization, create_staff_user
from siee.employers import services as employer_services
from siee.employers.models import Employer, Vacancy, VacancySkill
from siee.people import services as people_services
from siee.people.models import Consent, Education, Experience, Person, PersonEvent, PersonSkill
from siee.taxonomy.models import EducationLevel, Occupation, Skill

BUCARAMANGA_METRO = ["68001", "68276", "68307", "68547"]
CALI = ["76001"]
PASSWORD = "clave-de-prueba-2026"
CONSENT = {"purpose": "employment_services", "channel": "in_person", "text_version": "v1"}

_seq = itertools.count(1)


def unique(prefix: str = "") -> str:
    return f"{prefix}{next(_seq)}"


# --- actors ------------------------------------------------------------------------------------------------

def make_agency(name: str, codes: list[str]) -> Organization:
    territories = [find_territory(c) for c in codes]
    assert all(territories), f"reference territories missing: {codes}"
    return create_organization(actor=None, name=name, kind="agency", territories=territories)


def make_user(organization: Organization | None, role: str, username: str | None = None) -> User:
    return create_staff_user(actor=None, username=username or unique(f"{role}-"), password=PASSWORD, role=role,
                             organization=organization, with_token=True)


@dataclass
class Actors:
    home: Organization
    other: Organization
    counsellor: User
    admin: User
    outsider: User


def make_actors() -> Actors:
    home = make_agency("Agencia de Empleo de Bucaramanga (prueba)", BUCARAMANGA_METRO)
    other = make_agency("Agencia de Empleo de Cali (prueba)", CALI)
    return Actors(
        home=home, other=other,
        counsellor=make_user(home, "counsellor", "orientadora_bga"),
        admin=make_user(home, "agency_admin", "admin_bga"),
        outsider=make_user(other, "counsellor", "orientador_cali"),
    )


# --- taxonomy used by the tests ----------------------------------------------------------------------------

def occupation(slug: str = "cocinero", label: str = "Cocinero", isco: str = "5120") -> Occupation:
    occ, _ = Occupation.objects.get_or_create(uri=f"urn:siee:test:occupation:{slug}",
                                              defaults={"label": label, "isco_code": isco, "source": "test"})
    return occ


def skill(slug: str, label: str | None = None) -> Skill:
    obj, _ = Skill.objects.get_or_create(uri=f"urn:siee:test:skill:{slug}",
                                         defaults={"label": label or slug.replace("-", " "), "source": "test"})
    return obj


def education_level() -> EducationLevel:
    return EducationLevel.objects.order_by("rank").last()


# --- people ------------------------------------------------------------------------------------------------

def person_data(**overrides) -> dict:
    data = {
        "document_type": "CC", "document_number": str(10_000_000 + next(_seq)), "first_names": "María Fernanda",
        "last_names": "Gómez Rueda", "birth_date": "1990-05-17", "sex": "F", "nationality": "CO",
        "phone": "3001234567", "email": "", "municipality_code": "68001", "migration_status": "national",
    }
    data.update(overrides)
    return data


def make_person(actor, consent: dict | None = CONSENT, **overrides) -> Person:
    return people_services.register_person(actor=actor, data=person_data(**overrides), consent=consent)


# --- employers and vacancies -------------------------------------------------------------------------------

def employer_data(**overrides) -> dict:
    data = {"tax_id": str(900_000_000 + next(_seq)), "name": unique("Restaurante La Prueba "), "municipality_code": "68001",
            "size": "small", "contact_name": "Ana Contacto", "phone": "6076340000", "email": "rrhh@prueba.co"}
    data.update(overrides)
    return data


def make_employer(actor, **overrides) -> Employer:
    return employer_services.register_employer(actor=actor, data=employer_data(**overrides))


def vacancy_data(**overrides) -> dict:
    data = {"title": "Cocinero/a de línea", "occupation": occupation().uri, "description": "Cocina caliente y fría.",
            "municipality_code": "68001", "wage_min": 1_400_000, "wage_max": 1_800_000, "contract_type": "fixed",
            "hours_per_week": 48, "posts": 2, "required_skills": [skill("cocinar").uri],
            "desired_skills": [skill("manipulacion-de-alimentos").uri]}
    data.update(overrides)
    return data


def make_vacancy(actor, employer: Employer, **overrides) -> Vacancy:
    return employer_services.create_vacancy(actor=actor, employer_id=employer.pk, data=vacancy_data(**overrides))


# --- API client --------------------------------------------------------------------------------------------

class Api:
    """A real HTTP client (Django's test Client, whole middleware stack) authenticated by API token."""

    def __init__(self, user: User | None):
        self.client = Client()
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {user.api_token}"} if user is not None else {}

    def _send(self, method: str, path: str, body=None, **params):
        url = path if path.startswith("/api/") else "/api/v1" + path
        fn = getattr(self.client, method)
        if method in ("get", "delete") and body is None:
            return fn(url, params or None, **self.headers) if method == "get" else fn(url, **self.headers)
        return fn(url, json.dumps(body if body is not None else {}), content_type="application/json", **self.headers)

    def get(self, path, **params):
        return self._send("get", path, **params)

    def post(self, path, body=None):
        return self._send("post", path, body)

    def patch(self, path, body=None):
        return self._send("patch", path, body)

    def delete(self, path):
        return self._send("delete", path)


# --- database snapshots (a denied write must leave these unchanged) ----------------------------------------

SNAPSHOT_MODELS = (Person, Experience, Education, PersonSkill, Consent, PersonEvent, Employer, Vacancy, VacancySkill)


def db_snapshot() -> dict:
    snap = {m.__name__: sorted(map(repr, m.objects.order_by("pk").values())) for m in SNAPSHOT_MODELS}
    snap["desired_occupations"] = sorted(Person.desired_occupations.through.objects.values_list("person_id", "occupation_id"))
    snap["audit_writes"] = list(AuditEntry.objects.exclude(action=AuditAction.DENIED).order_by("pk").values_list("pk", "action"))
    return snap


# --- fixtures (imported by tests/api/conftest.py and tests/scoping/conftest.py) ----------------------------

@pytest.fixture
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def actors(db, fast_passwords) -> Actors:
    return make_actors()


@pytest.fixture
def home_records(actors):
    """A person (with experience, education, skill), an employer and a vacancy in Bucaramanga."""
    person = make_person(actors.counsellor, first_names="Yorgelis", last_names="Pérez Díaz", document_type="PPT",
                         document_number="4567890", nationality="VE", migration_status="regular")
    people_services.add_experience(actor=actors.counsellor, person_id=person.pk, description="ayudante de cocina",
                                   occupation_id=occupation().pk, months=24, kind="informal")
    people_services.add_person_skill(actor=actors.counsellor, person_id=person.pk, skill_id=skill("cocinar").pk)
    employer = make_employer(actors.counsellor)
    vacancy = make_vacancy(actors.counsellor, employer)
    return {"person": person, "employer": employer, "vacancy": vacancy}

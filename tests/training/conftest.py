"""Fixtures of the training tests: the three actors, a provider, cooking vacancies in Bucaramanga and a migrant cook."""

from __future__ import annotations

import pytest

from factories import actors, fast_passwords, make_employer, make_person, make_vacancy, occupation, skill  # noqa: F401
from siee.people import services as people_services
from siee.training import services


@pytest.fixture
def kitchen(actors):  # noqa: F811
    """Four open cook vacancies in Bucaramanga (three require food handling), a migrant cook who lacks it, a
    provider and a course that teaches it."""
    cook_occ = occupation()
    cooking, food = skill("cocinar", "cocinar"), skill("manipulacion-de-alimentos", "manipulación de alimentos")
    employer = make_employer(actors.counsellor, name="Restaurante El Fogón")
    vacancies = [
        make_vacancy(actors.counsellor, employer, title=f"Cocinero/a {i}", posts=posts,
                     required_skills=[cooking.uri, food.uri] if i < 3 else [cooking.uri], desired_skills=[])
        for i, posts in enumerate((2, 1, 1, 1))
    ]
    cook = make_person(actors.counsellor, first_names="Yorgelis", last_names="Pérez Díaz", document_type="PPT",
                       document_number="4567890", nationality="VE", migration_status="regular", sex="F")
    people_services.add_experience(actor=actors.counsellor, person_id=cook.pk, description="cocinera",
                                   occupation_id=cook_occ.pk, months=36, kind="informal")
    people_services.add_person_skill(actor=actors.counsellor, person_id=cook.pk, skill_id=cooking.pk)
    provider = services.register_provider(actor=actors.counsellor, name="Escuela Gastronómica de Santander (prueba)",
                                          territory_codes=["68001"])
    course = services.create_course(actor=actors.counsellor, data={
        "code": "MANIP-01", "title": "Manipulación higiénica de alimentos", "provider": provider.pk,
        "territory": "68001", "skills": [food.uri], "hours": 20, "modality": "blended", "seats": 2,
        "cost": 150_000, "certification": "Carné de manipulador de alimentos", "eligibility": "migrants_and_host",
        "occupation": cook_occ.uri})
    return {"occupation": cook_occ, "cooking": cooking, "food": food, "employer": employer, "vacancies": vacancies,
            "cook": cook, "provider": provider, "course": course}

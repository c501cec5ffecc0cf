"""The hours component reads the person's maximum weekly hours (Person.max_hours_per_week)."""

import pytest

from factories import make_actors, make_employer, make_person, make_vacancy, occupation
from siee.matching.services import rank_candidates
from siee.people import services as people_services


@pytest.fixture(autouse=True)
def _fast(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.mark.django_db
def test_part_time_person_scores_lower_on_hours_than_full_time_person():
    actors = make_actors()
    full = make_person(actors.counsellor, first_names="Ana", max_hours_per_week="48")
    part = make_person(actors.counsellor, first_names="Beatriz", max_hours_per_week="24")
    unknown = make_person(actors.counsellor, first_names="Carla")
    for p in (full, part, unknown):
        people_services.add_experience(actor=actors.counsellor, person_id=p.pk, description="cocinero",
                                       occupation_id=occupation().pk, months=24)
    vacancy = make_vacancy(actors.counsellor, make_employer(actors.counsellor), hours_per_week=48)
    page = rank_candidates(actor=actors.counsellor, vacancy_id=vacancy.pk, top=10)
    hours = {r.id: r.explanation["components"]["hours"]["value"] for r in page.results}
    # 1 - 2 x (48 - 24) / 24 clipped at 0 for the part-timer; within the maximum or unknown: 1.0
    assert hours == {full.pk: 1.0, part.pk: 0.0, unknown.pk: 1.0}


@pytest.mark.django_db
def test_max_hours_is_validated_and_exported():
    from siee.core.validation import ReferenceMaps
    from siee.people.validation import PERSON_COLUMNS, clean_person

    assert "max_hours_per_week" in PERSON_COLUMNS
    _, errors = clean_person({"max_hours_per_week": "120"}, ReferenceMaps(), partial=True)
    assert errors == [("max_hours_per_week", "debe ser como máximo 84")]

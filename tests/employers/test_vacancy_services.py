"""Employer and vacancy services: validation with field-level reasons, scope of writes."""

from __future__ import annotations

import datetime as dt

import pytest

from factories import make_employer, make_vacancy, occupation, skill, vacancy_data
from siee.core.errors import ErrorCode, OutOfScope, ValidationFailed
from siee.employers import services
from siee.employers.models import Employer, Vacancy, VacancySkill, VacancyStatus


def _create(actor, employer, **overrides):
    return services.create_vacancy(actor=actor, employer_id=employer.pk, data=vacancy_data(**overrides))


def test_create_vacancy_with_skills(actors):
    employer = make_employer(actors.counsellor)
    vacancy = _create(actors.counsellor, employer, code="V-TEST-1")
    assert (vacancy.code, vacancy.occupation, vacancy.employer) == ("V-TEST-1", occupation(), employer)
    assert sorted(VacancySkill.objects.filter(vacancy=vacancy).values_list("skill__uri", "required")) == [
        (skill("cocinar").uri, True), (skill("manipulacion-de-alimentos").uri, False)]
    assert vacancy.organization == actors.home


def test_vacancy_accepts_occupation_and_skill_ids(actors):
    employer = make_employer(actors.counsellor)
    vacancy = _create(actors.counsellor, employer, occupation=str(occupation().pk),
                      required_skills=[skill("cocinar").pk], desired_skills=[])
    assert vacancy.occupation_id == occupation().pk
    assert list(vacancy.skill_links.values_list("skill_id", flat=True)) == [skill("cocinar").pk]


def test_vacancy_rejects_wage_max_below_min(actors):
    employer = make_employer(actors.counsellor)
    with pytest.raises(ValidationFailed) as exc:
        _create(actors.counsellor, employer, wage_min=2_000_000, wage_max=1_500_000)
    assert exc.value.errors == {"wage_max": ["el salario máximo es menor que el mínimo"]}
    assert Vacancy.objects.count() == 0


def test_open_vacancy_rejects_closing_date_in_the_past(actors):
    employer = make_employer(actors.counsellor)
    yesterday = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    with pytest.raises(ValidationFailed) as exc:
        _create(actors.counsellor, employer, closing_date=yesterday, status="open")
    assert exc.value.errors == {"closing_date": ["la fecha de cierre de una vacante abierta no puede estar en el pasado"]}
    closed = _create(actors.counsellor, employer, closing_date=yesterday, status="closed")
    assert closed.status == VacancyStatus.CLOSED


def test_vacancy_rejects_unknown_skill_uri(actors):
    employer = make_employer(actors.counsellor)
    with pytest.raises(ValidationFailed) as exc:
        _create(actors.counsellor, employer, required_skills=["urn:siee:test:skill:no-existe"])
    assert exc.value.errors == {"required_skills": ["habilidad desconocida: 'urn:siee:test:skill:no-existe'"]}
    assert Vacancy.objects.count() == 0


def test_vacancy_rejects_same_skill_required_and_desired(actors):
    employer = make_employer(actors.counsellor)
    with pytest.raises(ValidationFailed) as exc:
        _create(actors.counsellor, employer, required_skills=[skill("cocinar").uri], desired_skills=[skill("cocinar").uri])
    assert exc.value.errors == {"desired_skills": ["una habilidad no puede ser requerida y deseable a la vez"]}


def test_vacancy_update_rejects_same_skill_required_and_desired(actors):
    employer = make_employer(actors.counsellor)
    vacancy = _create(actors.counsellor, employer)
    with pytest.raises(ValidationFailed) as exc:
        services.update_vacancy(actor=actors.counsellor, vacancy_id=vacancy.pk,
                                data={"desired_skills": [skill("cocinar").uri]})
    assert exc.value.errors == {"desired_skills": ["una habilidad no puede ser requerida y deseable a la vez"]}


def test_vacancy_rejects_unknown_occupation_and_bad_numbers(actors):
    employer = make_employer(actors.counsellor)
    with pytest.raises(ValidationFailed) as exc:
        _create(actors.counsellor, employer, occupation="urn:nada", posts="cero", hours_per_week=200)
    assert exc.value.errors == {
        "occupation": ["ocupación desconocida: 'urn:nada'"],
        "posts": ["no es un número entero: 'cero'"],
        "hours_per_week": ["debe ser como máximo 84"],
    }


def test_duplicate_vacancy_code(actors):
    employer = make_employer(actors.counsellor)
    _create(actors.counsellor, employer, code="V-DUP")
    with pytest.raises(ValidationFailed) as exc:
        _create(actors.counsellor, employer, code="V-DUP")
    assert exc.value.code == ErrorCode.DUPLICATE


def test_outsider_cannot_create_vacancy_for_home_employer(actors):
    employer = make_employer(actors.counsellor)
    with pytest.raises(OutOfScope):
        _create(actors.outsider, employer, municipality_code="76001")
    assert Vacancy.objects.count() == 0


def test_employer_duplicate_tax_id_and_scope(actors):
    make_employer(actors.counsellor, tax_id="900.123.456")
    with pytest.raises(ValidationFailed) as exc:
        make_employer(actors.admin, tax_id="900123456")
    assert exc.value.code == ErrorCode.DUPLICATE
    with pytest.raises(ValidationFailed) as exc:
        make_employer(actors.outsider, municipality_code="68001")
    assert exc.value.errors == {"municipality_code": ["el municipio 68001 está fuera de los territorios de su organización"]}
    assert Employer.objects.count() == 1


def test_close_vacancy(actors):
    vacancy = make_vacancy(actors.counsellor, make_employer(actors.counsellor))
    assert services.close_vacancy(actor=actors.admin, vacancy_id=vacancy.pk, status="filled").status == "filled"
    with pytest.raises(ValidationFailed):
        services.close_vacancy(actor=actors.admin, vacancy_id=vacancy.pk, status="open")

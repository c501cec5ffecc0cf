"""schema.org JobPosting builder."""

from __future__ import annotations

import datetime as dt

import pytest

from factories import make_employer, make_vacancy
from siee.employers.jsonld import employment_type, vacancy_jobposting


@pytest.mark.parametrize("contract, hours, expected", [
    ("indefinite", 48, ["FULL_TIME"]),
    ("indefinite", 20, ["PART_TIME"]),
    ("fixed", 48, ["FULL_TIME", "TEMPORARY"]),
    ("work", 24, ["PART_TIME", "TEMPORARY"]),
    ("temporary", 40, ["FULL_TIME", "TEMPORARY"]),
    ("services", 48, ["CONTRACTOR"]),
    ("apprenticeship", 36, ["FULL_TIME", "INTERN"]),
])
def test_employment_type_mapping(contract, hours, expected):
    assert employment_type(contract, hours) == expected


def test_jobposting_without_wage_or_closing_date(actors):
    vacancy = make_vacancy(actors.counsellor, make_employer(actors.counsellor, name="Taller Mecánico Girón"),
                           wage_min=None, wage_max=None, municipality_code="68307", description="",
                           contract_type="services", experience_months=12)
    ld = vacancy_jobposting(vacancy, base_url="https://empleo.example.org", url=f"/vacantes/{vacancy.pk}/")
    assert "baseSalary" not in ld and "validThrough" not in ld
    assert ld["description"] == vacancy.title
    assert ld["employmentType"] == ["CONTRACTOR"]
    assert ld["jobLocation"]["address"]["addressLocality"] == "Girón"
    assert ld["experienceRequirements"] == {"@type": "OccupationalExperienceRequirements", "monthsOfExperience": 12}
    assert ld["url"] == f"https://empleo.example.org/vacantes/{vacancy.pk}/"
    assert ld["datePosted"] == dt.date.today().isoformat()
    assert ld["hiringOrganization"] == {"@type": "Organization", "name": "Taller Mecánico Girón"}


def test_jobposting_with_only_minimum_wage(actors):
    vacancy = make_vacancy(actors.counsellor, make_employer(actors.counsellor), wage_min=1_423_500, wage_max=None)
    assert vacancy_jobposting(vacancy)["baseSalary"]["value"] == {
        "@type": "QuantitativeValue", "unitText": "MONTH", "minValue": 1_423_500}

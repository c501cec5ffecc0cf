"""Demo generator: reproducible, adds to an existing database, realistic shares, taxonomy-consistent."""

from __future__ import annotations

import csv

import pytest

from siee.core.demo import MINIMUM_WAGE_COP, DemoError, generate_demo, nit_check_digit
from siee.core.models import Organization, Territory
from siee.core.services import DEMO_AGENCY_NAME
from siee.employers.exports import export_employers, export_vacancies
from siee.employers.models import Employer, Vacancy, VacancySkill
from siee.people.exports import export_people
from siee.people.models import FOREIGN_DOCUMENTS, Consent, Experience, Person, PersonSkill
from siee.taxonomy.models import OccupationSkill


def _exports(tmp_path, tag):
    out = []
    for name, export in (("p", export_people), ("e", export_employers), ("v", export_vacancies)):
        path = tmp_path / f"{name}{tag}.csv"
        export(path)
        out.append([r[1:] for r in csv.reader(open(path, newline="", encoding="utf-8"))])
    return out


def _wipe():
    Vacancy.objects.all().delete()
    Employer.objects.all().delete()
    Person.objects.all().delete()


@pytest.mark.django_db
def test_same_seed_gives_the_same_data_in_two_fresh_databases(tmp_path):
    generate_demo(people=150, vacancies=12, seed=5)
    first = _exports(tmp_path, 1)
    _wipe()
    generate_demo(people=150, vacancies=12, seed=5)
    second = _exports(tmp_path, 2)
    assert first == second
    assert [len(x) for x in first] == [151, 5, 13]
    _wipe()
    generate_demo(people=150, vacancies=12, seed=6)
    assert _exports(tmp_path, 3)[0] != first[0]


@pytest.mark.django_db
def test_generating_twice_adds_without_document_collisions():
    a = generate_demo(people=300, vacancies=9, seed=7)
    b = generate_demo(people=300, vacancies=9, seed=7)
    assert (a["people"], b["people"]) == (300, 300)
    assert Person.objects.count() == 600
    assert len(set(Person.objects.values_list("document_type", "document_number"))) == 600
    assert Vacancy.objects.count() == 18
    assert Employer.objects.count() == 6
    assert len(set(Vacancy.objects.values_list("code", flat=True))) == 18
    assert Organization.objects.filter(name=DEMO_AGENCY_NAME).count() == 1


@pytest.mark.django_db
def test_different_seeds_do_not_collide_with_existing_people():
    generate_demo(people=200, vacancies=0, seed=1)
    generate_demo(people=200, vacancies=0, seed=2)
    assert len(set(Person.objects.values_list("document_type", "document_number"))) == 400


@pytest.mark.django_db
def test_population_shares_are_realistic():
    stats = generate_demo(people=2000, vacancies=60, seed=11)
    people = Person.objects.all()
    migrants = people.exclude(migration_status__in=["national", "returnee"])
    assert stats["migrants"] == migrants.count()
    assert 0.26 <= migrants.count() / 2000 <= 0.34
    assert set(migrants.values_list("nationality", flat=True)) == {"VE"}
    assert set(migrants.values_list("document_type", flat=True)) <= FOREIGN_DOCUMENTS
    assert migrants.filter(arrival_date__isnull=True).count() == 0
    assert migrants.filter(document_type="PPT").count() / migrants.count() > 0.45
    assert set(people.filter(migration_status="national").values_list("document_type", flat=True)) == {"CC"}
    women = people.filter(sex="F").count() / 2000
    assert 0.47 <= women <= 0.57
    consented = Consent.objects.values("person").distinct().count() / 2000
    assert 0.92 <= consented <= 0.98
    codes = set(people.values_list("municipality__code", flat=True))
    assert codes == {"68001", "68276", "68307", "68547"}
    assert people.filter(municipality__code="68001").count() > people.filter(municipality__code="68547").count()
    ages = [p.birth_date.year for p in people.only("birth_date")]
    assert 1960 <= min(ages) and max(ages) <= 2009
    assert people.filter(organization__name=DEMO_AGENCY_NAME).count() == 2000


@pytest.mark.django_db
def test_profiles_follow_the_taxonomy():
    generate_demo(people=300, vacancies=30, seed=12)
    essential = set(OccupationSkill.objects.filter(essential=True).values_list("occupation_id", "skill_id"))
    for person in Person.objects.prefetch_related("experience", "skills")[:100]:
        exps = list(person.experience.all())
        assert len(exps) <= 3
        if exps:
            main = exps[0].occupation_id
            assert all((main, s.skill_id) in essential for s in person.skills.all())
            assert exps[0].description
    majors = {isco[0] for isco in Experience.objects.values_list("occupation__isco_code", flat=True)}
    assert majors <= set("23456789")
    assert Experience.objects.count() >= 300
    assert PersonSkill.objects.count() >= 300
    for link in VacancySkill.objects.filter(required=True).select_related("vacancy"):
        assert (link.vacancy.occupation_id, link.skill_id) in essential
    wages = list(Vacancy.objects.values_list("wage_min", "wage_max"))
    assert all(lo >= MINIMUM_WAGE_COP and (hi is None or hi >= lo) for lo, hi in wages)
    assert Vacancy.objects.filter(status="open").count() >= 15
    for employer in Employer.objects.all():
        number, dv = employer.tax_id.split("-")
        assert dv == nit_check_digit(number)
        assert employer.vacancies.exists()


@pytest.mark.django_db
def test_territory_option_uses_the_municipalities_of_a_department_or_a_municipality():
    generate_demo(people=50, vacancies=3, seed=13, territory="76001")
    assert set(Person.objects.values_list("municipality__code", flat=True)) == {"76001"}
    assert set(Vacancy.objects.values_list("municipality__code", flat=True)) == {"76001"}
    santander = Territory.objects.get(country="CO", level=1, code="68")
    generate_demo(people=200, vacancies=0, seed=14, territory="68")
    paths = set(Person.objects.filter(municipality__code__startswith="68").values_list("municipality__path", flat=True))
    assert all(p.startswith(santander.path) for p in paths)
    with pytest.raises(DemoError):
        generate_demo(people=5, vacancies=0, seed=1, territory="00000")


def test_nit_check_digit_matches_dian_examples():
    assert nit_check_digit("890903938") == "8"  # Bancolombia
    assert nit_check_digit("860034313") == "7"  # Davivienda
    assert nit_check_digit("899999068") == "1"  # Ecopetrol

"""Export of one database imports into another and gives the same records (byte for byte, modulo ids)."""

from __future__ import annotations

import pytest
from helpers import delete_all_records, read_rows, without_id

from siee.core.demo import generate_demo
from siee.core.models import AuditEntry
from siee.employers.exports import export_employers, export_vacancies
from siee.employers.imports import import_employers, import_vacancies
from siee.employers.models import Employer, Vacancy, VacancySkill
from siee.people.exports import export_people
from siee.people.imports import import_people
from siee.people.models import Consent, Experience, Person


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_delete_import_export_gives_identical_files(tmp_path, fmt):
    generate_demo(people=120, vacancies=15, seed=21)
    exporters = {"people": export_people, "employers": export_employers, "vacancies": export_vacancies}
    reference = {name: tmp_path / f"{name}-ref.csv" for name in exporters}
    source = {name: tmp_path / f"{name}.{fmt}" for name in exporters}
    for name, export in exporters.items():
        export(reference[name])
        export(source[name], fmt=fmt)
    assert [len(read_rows(reference[n])) - 1 for n in exporters] == [120, 5, 15]
    consents = Consent.objects.count()
    links = VacancySkill.objects.count()
    desired = Person.desired_occupations.through.objects.count()

    delete_all_records()
    assert Person.objects.count() == 0

    people = import_people(source["people"])
    employers = import_employers(source["employers"])
    vacancies = import_vacancies(source["vacancies"])
    assert (people.created, people.updated, people.rejected) == (120, 0, 0)
    assert (employers.created, employers.updated, employers.rejected) == (5, 0, 0)
    assert (vacancies.created, vacancies.updated, vacancies.rejected) == (15, 0, 0)
    assert Consent.objects.count() == consents
    assert VacancySkill.objects.count() == links
    assert Person.desired_occupations.through.objects.count() == desired

    for name, export in exporters.items():
        again = tmp_path / f"{name}-again.csv"
        export(again)
        assert without_id(read_rows(reference[name])) == without_id(read_rows(again)), name


@pytest.mark.django_db
def test_csv_round_trip_is_byte_identical_modulo_id(tmp_path):
    generate_demo(people=50, vacancies=0, seed=3)
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    export_people(a)
    delete_all_records()
    import_people(a)
    export_people(b)
    strip = [line.split(b",", 1)[1] for line in a.read_bytes().splitlines()]
    assert strip == [line.split(b",", 1)[1] for line in b.read_bytes().splitlines()]


@pytest.mark.django_db
def test_export_writes_codes_not_ids(tmp_path):
    generate_demo(people=10, vacancies=3, seed=4)
    export_people(tmp_path / "p.csv")
    rows = read_rows(tmp_path / "p.csv")
    header = rows[0]
    assert header[:3] == ["id", "document_type", "document_number"]
    codes = {r[header.index("municipality_code")] for r in rows[1:]}
    assert codes <= {"68001", "68276", "68307", "68547"}
    person = Person.objects.order_by("id").first()
    first = rows[1]
    assert first[0] == str(person.pk)
    assert first[header.index("education_level")] == (person.education_level.code if person.education_level else "")
    uris = first[header.index("desired_occupations")]
    assert set(filter(None, uris.split("|"))) == {o.uri for o in person.desired_occupations.all()}
    export_vacancies(tmp_path / "v.csv")
    vrows = read_rows(tmp_path / "v.csv")
    vacancy = Vacancy.objects.order_by("id").first()
    required = vrows[0].index("required_skills")
    assert set(filter(None, vrows[1][required].split("|"))) == {
        link.skill.uri for link in vacancy.skill_links.filter(required=True)}
    assert vrows[1][vrows[0].index("employer_tax_id")] == vacancy.employer.tax_id


@pytest.mark.django_db
def test_exports_and_imports_are_audited_once(tmp_path):
    generate_demo(people=30, vacancies=0, seed=8)
    before = AuditEntry.objects.count()
    export_people(tmp_path / "p.csv")
    entry = AuditEntry.objects.order_by("-id").first()
    assert (entry.action, entry.object_type, entry.detail["rows"]) == ("export", "person", 30)
    import_people(tmp_path / "p.csv")
    entry = AuditEntry.objects.order_by("-id").first()
    assert (entry.action, entry.object_type) == ("import", "person")
    assert entry.detail == {"file": "p.csv", "entity": "people", "created": 0, "updated": 30, "rejected": 0}
    assert AuditEntry.objects.count() == before + 2


@pytest.mark.django_db
def test_scoped_export_contains_only_the_actors_territory(tmp_path, actors):
    generate_demo(people=40, vacancies=0, seed=9)
    generate_demo(people=15, vacancies=0, seed=9, territory="76001")
    assert export_people(tmp_path / "home.csv", actor=actors.counsellor) == 40
    assert export_people(tmp_path / "other.csv", actor=actors.outsider) == 15
    codes = {r[13] for r in read_rows(tmp_path / "other.csv")[1:]}
    assert codes == {"76001"}


@pytest.mark.django_db
def test_analyst_cannot_export_people(tmp_path, actors):
    from factories import make_user
    from siee.core.errors import PermissionDenied

    analyst = make_user(actors.home, "analyst")
    with pytest.raises(PermissionDenied):
        export_people(tmp_path / "p.csv", actor=analyst)
    assert not (tmp_path / "p.csv").exists()


@pytest.mark.django_db
def test_experience_is_not_part_of_the_people_file_but_survives_update(tmp_path):
    generate_demo(people=20, vacancies=0, seed=10)
    experiences = Experience.objects.count()
    export_people(tmp_path / "p.csv")
    result = import_people(tmp_path / "p.csv")
    assert (result.created, result.updated) == (0, 20)
    assert Experience.objects.count() == experiences
    assert Employer.objects.count() == 0

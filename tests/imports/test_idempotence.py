"""Re-importing is idempotent (natural keys) and a crash never leaves half a batch written."""

from __future__ import annotations

import pytest
from helpers import delete_all_records, read_rows, write_rows

from siee.core.demo import generate_demo
from siee.core.imports import BATCH_SIZE
from siee.employers.exports import export_employers, export_vacancies
from siee.employers.imports import import_employers, import_vacancies
from siee.employers.models import Employer, Vacancy, VacancySkill
from siee.people.exports import export_people
from siee.people.imports import PeopleImport, import_people
from siee.people.models import Consent, Person


@pytest.fixture
def people_file(tmp_path):
    generate_demo(people=25, vacancies=0, seed=41)
    export_people(tmp_path / "p.csv")
    delete_all_records()
    return tmp_path / "p.csv"


@pytest.mark.django_db
def test_second_import_updates_instead_of_duplicating(people_file):
    first = import_people(people_file)
    consents = Consent.objects.count()
    desired = Person.desired_occupations.through.objects.count()
    second = import_people(people_file)
    assert (first.created, first.updated) == (25, 0)
    assert (second.created, second.updated, second.rejected) == (0, 25, 0)
    assert Person.objects.count() == 25
    assert Consent.objects.count() == consents
    assert Person.desired_occupations.through.objects.count() == desired


@pytest.mark.django_db
def test_reimport_applies_changed_values(people_file, tmp_path):
    import_people(people_file)
    rows = read_rows(people_file)
    header = rows[0]
    rows[1][header.index("phone")] = "3001234567"
    rows[1][header.index("first_names")] = "Nombre  Cambiado"
    rows[1][header.index("consent_date")] = "2024-01-15"
    write_rows(tmp_path / "changed.csv", rows)
    result = import_people(tmp_path / "changed.csv")
    assert (result.created, result.updated) == (0, 25)
    person = Person.objects.get(document_type=rows[1][1], document_number=rows[1][2])
    assert (person.phone, person.first_names, person.name_key) == (
        "3001234567", "Nombre Cambiado", f"nombre cambiado {person.last_names.lower()}".replace("á", "a")
        .replace("é", "e").replace("í", "i").replace("ó", "o").replace("ú", "u"))
    assert sorted(c.granted_at.date().isoformat() for c in person.consents.all())[0] == "2024-01-15"


@pytest.mark.django_db
def test_failure_in_second_batch_leaves_no_partial_batch_and_rerun_completes(people_file, monkeypatch):
    monkeypatch.setattr(PeopleImport, "batch_size", 10)
    original = PeopleImport.write_batch
    calls = {"n": 0}

    def failing(self, rows):
        calls["n"] += 1
        out = original(self, rows)  # the batch's rows are written...
        if calls["n"] == 2:
            assert Person.objects.count() == 20
            raise RuntimeError("disco lleno")  # ...and then the process fails inside the batch transaction
        return out

    monkeypatch.setattr(PeopleImport, "write_batch", failing)
    with pytest.raises(RuntimeError):
        import_people(people_file)
    assert Person.objects.count() == 10  # batch 1 committed, batch 2 rolled back entirely
    assert Consent.objects.filter(person__isnull=False).count() == Consent.objects.count()
    assert not Person.objects.filter(pk__gt=Person.objects.order_by("pk")[9].pk).exists()

    monkeypatch.setattr(PeopleImport, "write_batch", original)
    result = import_people(people_file)
    assert (result.created, result.updated, result.rejected) == (15, 10, 0)
    assert Person.objects.count() == 25
    assert BATCH_SIZE >= 1000


@pytest.mark.django_db
def test_employers_and_vacancies_reimport_idempotently(tmp_path):
    generate_demo(people=0, vacancies=12, seed=42)
    export_employers(tmp_path / "e.csv")
    export_vacancies(tmp_path / "v.csv")
    links = VacancySkill.objects.count()
    first_e = import_employers(tmp_path / "e.csv")
    first_v = import_vacancies(tmp_path / "v.csv")
    assert (first_e.created, first_e.updated, first_v.created, first_v.updated) == (0, 4, 0, 12)
    assert (Employer.objects.count(), Vacancy.objects.count(), VacancySkill.objects.count()) == (4, 12, links)


@pytest.mark.django_db
def test_vacancy_rows_are_checked_against_employers_and_skills(tmp_path):
    generate_demo(people=0, vacancies=3, seed=43)
    export_vacancies(tmp_path / "v.csv")
    rows = read_rows(tmp_path / "v.csv")
    header = rows[0]
    rows[1][header.index("employer_tax_id")] = "111222333-4"
    req = rows[2][header.index("required_skills")].split("|")[0]
    rows[2][header.index("desired_skills")] = req
    rows.append(list(rows[3]))  # row 5: same code as row 4
    rows.append(list(rows[3]))  # row 6: another code, impossible wage range
    rows[5][header.index("code")] = "OTRA-1"
    rows[5][header.index("wage_min")] = "2000000"
    rows[5][header.index("wage_max")] = "1000"
    write_rows(tmp_path / "bad.csv", rows)
    Vacancy.objects.all().delete()
    result = import_vacancies(tmp_path / "bad.csv")
    assert [(e.row, e.field) for e in result.errors] == [
        (2, "employer_tax_id"), (3, "desired_skills"), (5, "code"), (6, "wage_max")]
    assert result.errors[0].reason == "empleador desconocido o fuera de su territorio: '111222333-4'"
    assert result.errors[2].reason == "fila duplicada (misma clave que la fila 4)"
    assert result.errors[3].reason == "el salario máximo es menor que el mínimo"
    assert (result.created, result.updated, result.rejected) == (1, 0, 4)
    assert list(Vacancy.objects.values_list("code", flat=True)) == [rows[3][1]]


@pytest.mark.django_db
def test_scoped_actor_cannot_overwrite_a_person_of_another_territory(tmp_path, actors):
    generate_demo(people=3, vacancies=0, seed=44, territory="76001")
    export_people(tmp_path / "cali.csv")
    rows = read_rows(tmp_path / "cali.csv")
    header = rows[0]
    for r in rows[1:]:
        r[header.index("municipality_code")] = "68001"  # try to pull Cali's people into Bucaramanga
    write_rows(tmp_path / "moved.csv", rows)
    result = import_people(tmp_path / "moved.csv", actor=actors.counsellor)
    assert (result.created, result.updated, result.rejected) == (0, 0, 3)
    assert {e.reason for e in result.errors} == {"la persona ya está registrada en un territorio fuera de su organización"}
    assert set(Person.objects.values_list("municipality__code", flat=True)) == {"76001"}

"""Export of employers and vacancies to CSV/XLSX in the import format (EMPLOYER_COLUMNS, VACANCY_COLUMNS)."""

from __future__ import annotations

from siee.core import audit
from siee.core.models import AuditAction
from siee.core.tabular import TableWriter
from siee.employers.models import Employer, Vacancy, VacancySkill
from siee.employers.validation import EMPLOYER_COLUMNS, VACANCY_COLUMNS
from siee.people.exports import territory_export_codes
from siee.taxonomy.models import EducationLevel, Occupation, Sector, Skill

CHUNK = 5000


def _employers_qs(actor):
    if actor is None:
        return Employer.objects.all()
    from siee.employers.selectors import employers_for

    return employers_for(actor)


def _vacancies_qs(actor):
    if actor is None:
        return Vacancy.objects.all()
    from siee.employers.selectors import vacancies_for

    return vacancies_for(actor)


def _chunks(qs, fields):
    last = 0
    qs = qs.order_by("id")
    while True:
        chunk = list(qs.filter(id__gt=last).values_list(*fields)[:CHUNK])
        if not chunk:
            return
        last = chunk[-1][0]
        yield chunk


def iter_employer_rows(actor=None):
    territories = territory_export_codes()
    sectors = dict(Sector.objects.values_list("id", "code"))
    fields = ["id", "tax_id", "country", "name", "sector_id", "size", "contact_name", "phone", "email", "address",
              "municipality_id"]
    for chunk in _chunks(_employers_qs(actor), fields):
        for r in chunk:
            rec = dict(zip(fields, r, strict=True))
            rec["sector"] = sectors.get(rec["sector_id"], "")
            rec["municipality_code"] = territories.get(rec["municipality_id"], "")
            yield [rec.get(c) for c in EMPLOYER_COLUMNS]


def iter_vacancy_rows(actor=None):
    territories = territory_export_codes()
    levels = dict(EducationLevel.objects.values_list("id", "code"))
    fields = ["id", "code", "employer__tax_id", "title", "occupation_id", "description", "education_level_id",
              "experience_months", "wage_min", "wage_max", "currency", "contract_type", "hours_per_week", "posts",
              "municipality_id", "closing_date", "status", "open_to_migrants", "open_to_disability", "published"]
    for chunk in _chunks(_vacancies_qs(actor), fields):
        ids = [r[0] for r in chunk]
        occ_ids = {r[4] for r in chunk}
        occupations = dict(Occupation.objects.filter(id__in=occ_ids).values_list("id", "uri"))
        links = list(VacancySkill.objects.filter(vacancy_id__in=ids).order_by("id").values_list(
            "vacancy_id", "skill_id", "required"))
        skills = dict(Skill.objects.filter(id__in={s for _, s, _ in links}).values_list("id", "uri"))
        required: dict[int, list[str]] = {}
        desired: dict[int, list[str]] = {}
        for vid, sid, req in links:
            (required if req else desired).setdefault(vid, []).append(skills[sid])
        for r in chunk:
            rec = dict(zip(fields, r, strict=True))
            pk = rec["id"]
            rec["employer_tax_id"] = rec["employer__tax_id"]
            rec["occupation"] = occupations.get(rec["occupation_id"], "")
            rec["education_level"] = levels.get(rec["education_level_id"], "")
            rec["municipality_code"] = territories.get(rec["municipality_id"], "")
            rec["required_skills"] = "|".join(required.get(pk, []))
            rec["desired_skills"] = "|".join(desired.get(pk, []))
            yield [rec.get(c) for c in VACANCY_COLUMNS]


def export_employers(out_path, *, fmt: str = "csv", actor=None, progress: bool = False) -> int:
    _employers_qs(actor)  # permission check before writing
    with TableWriter(out_path, list(EMPLOYER_COLUMNS), fmt, sheet_title="empleadores") as writer:
        writer.write_many(iter_employer_rows(actor))
        count = writer.count
    audit.record(actor=actor, action=AuditAction.EXPORT, object_type="employer", fields=list(EMPLOYER_COLUMNS),
                 detail={"file": str(out_path), "format": fmt, "rows": count})
    return count


def export_vacancies(out_path, *, fmt: str = "csv", actor=None, progress: bool = False) -> int:
    _vacancies_qs(actor)  # permission check before writing
    with TableWriter(out_path, list(VACANCY_COLUMNS), fmt, sheet_title="vacantes") as writer:
        writer.write_many(iter_vacancy_rows(actor))
        count = writer.count
    audit.record(actor=actor, action=AuditAction.EXPORT, object_type="vacancy", fields=list(VACANCY_COLUMNS),
                 detail={"file": str(out_path), "format": fmt, "rows": count})
    return count

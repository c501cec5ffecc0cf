"""Bulk import of employers and vacancies from CSV/XLSX with the same validation as the forms
(`clean_employer`, `clean_vacancy`). Natural keys: employers (country, tax_id); vacancies `code`, whose employer
is named by `employer_tax_id`.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from siee.core.imports import (
    ImportResult,
    ImportSpec,
    PendingRow,
    RowError,
    field_names,
    insert_rows,
    run_import,
)
from siee.core.selectors import scope_territory_ids
from siee.core.validation import ReferenceMaps
from siee.employers.models import Employer, Vacancy, VacancySkill
from siee.employers.validation import (
    EMPLOYER_COLUMNS,
    EMPLOYER_MODEL_FIELDS,
    EMPLOYER_REQUIRED,
    VACANCY_COLUMNS,
    VACANCY_MODEL_FIELDS,
    VACANCY_REQUIRED,
    clean_employer,
    clean_vacancy,
)

EMPLOYER_ALIASES = {
    "nit": "tax_id", "rut": "tax_id", "ruc": "tax_id", "identificacion_tributaria": "tax_id",
    "pais": "country", "país": "country", "razon_social": "name", "razón social": "name", "razon social": "name",
    "nombre": "name", "sector_ciiu": "sector", "ciiu": "sector", "tamano": "size", "tamaño": "size",
    "contacto": "contact_name", "telefono": "phone", "teléfono": "phone", "correo": "email",
    "direccion": "address", "dirección": "address", "municipio": "municipality_code",
    "codigo_municipio": "municipality_code", "divipola": "municipality_code",
}
VACANCY_ALIASES = {
    "codigo": "code", "código": "code", "nit_empleador": "employer_tax_id", "nit": "employer_tax_id",
    "cargo": "title", "titulo": "title", "título": "title", "ocupacion": "occupation", "ocupación": "occupation",
    "descripcion": "description", "descripción": "description", "habilidades_requeridas": "required_skills",
    "habilidades_deseables": "desired_skills", "nivel_educativo": "education_level",
    "experiencia_meses": "experience_months", "salario_minimo": "wage_min", "salario_maximo": "wage_max",
    "moneda": "currency", "tipo_contrato": "contract_type", "horas_semana": "hours_per_week", "puestos": "posts",
    "municipio": "municipality_code", "codigo_municipio": "municipality_code", "divipola": "municipality_code",
    "fecha_cierre": "closing_date", "estado": "status",
}


def _normalizer(aliases: dict[str, str]):
    def normalize(name: str) -> str:
        key = (name or "").strip().lower().lstrip("\ufeff")
        return aliases.get(key, key.replace(" ", "_"))

    return normalize


normalize_employer_header = _normalizer(EMPLOYER_ALIASES)
normalize_vacancy_header = _normalizer(VACANCY_ALIASES)


def _scope(actor):
    return scope_territory_ids(actor) if actor is not None else None


class EmployerImport(ImportSpec):
    entity = "employers"
    object_type = "employer"
    columns = EMPLOYER_COLUMNS
    required = EMPLOYER_REQUIRED
    key_field = "tax_id"

    def normalize_header(self, name: str) -> str:
        return normalize_employer_header(name)

    def prepare(self) -> None:
        self.maps = ReferenceMaps.load(scope=_scope(self.actor))

    def clean(self, raw: dict):
        return clean_employer(raw, self.maps)

    def key(self, cleaned: dict) -> tuple:
        return (cleaned["country"], cleaned["tax_id"])

    def write_batch(self, rows: list[PendingRow]) -> tuple[int, int, list[RowError]]:
        existing = {(c, t): (pk, m) for pk, c, t, m in Employer.objects.filter(
            tax_id__in=[p.cleaned["tax_id"] for p in rows]).values_list("id", "country", "tax_id", "municipality_id")}
        scope = self.maps.scope
        errors, new, upd = [], [], []
        org = getattr(self.actor, "organization_id", None)
        for p in rows:
            found = existing.get(p.key)
            fields = {f: p.cleaned[f] for f in EMPLOYER_MODEL_FIELDS}
            if found is None:
                new.append(Employer(organization_id=org, **fields))
            elif scope is not None and found[1] not in scope:
                errors.append(RowError(p.line, "tax_id", "el empleador ya está registrado en un territorio fuera de su "
                                       "organización", p.cleaned["tax_id"]))
            else:
                upd.append(Employer(id=found[0], **fields))
        Employer.objects.bulk_create(new, batch_size=500)
        if upd:
            Employer.objects.bulk_update(upd, field_names(Employer, EMPLOYER_MODEL_FIELDS), batch_size=500)
        return len(new), len(upd), errors


class VacancyImport(ImportSpec):
    entity = "vacancies"
    object_type = "vacancy"
    columns = VACANCY_COLUMNS
    required = VACANCY_REQUIRED
    key_field = "code"
    date_columns = ("closing_date",)

    def normalize_header(self, name: str) -> str:
        return normalize_vacancy_header(name)

    def prepare(self) -> None:
        self.maps = ReferenceMaps.load(scope=_scope(self.actor), skills=True)
        self.today = dt.date.today()
        self.employers: dict[str, int] = {}
        self.employer_orgs: dict[int, int | None] = {}
        default = settings.DEFAULT_COUNTRY
        qs = Employer.objects.values_list("id", "tax_id", "country", "municipality_id", "organization_id")
        for pk, tax_id, country, muni, org in qs.order_by("id"):
            if self.maps.scope is not None and muni not in self.maps.scope:
                continue
            if tax_id not in self.employers or country == default:
                self.employers[tax_id] = pk
            self.employer_orgs[pk] = org

    def clean(self, raw: dict):
        cleaned, errors = clean_vacancy(raw, self.maps, employers=self.employers, today=self.today)
        if set(cleaned.get("required_skill_ids", ())) & set(cleaned.get("desired_skill_ids", ())):
            errors.append(("desired_skills", "una habilidad no puede ser requerida y deseable a la vez"))
        return cleaned, errors

    def key(self, cleaned: dict) -> tuple:
        return (cleaned["code"],)

    def write_batch(self, rows: list[PendingRow]) -> tuple[int, int, list[RowError]]:
        existing = dict(Vacancy.objects.filter(code__in=[p.cleaned["code"] for p in rows]).values_list(
            "code", "id"))
        existing_muni = dict(Vacancy.objects.filter(id__in=existing.values()).values_list("id", "municipality_id"))
        scope = self.maps.scope
        errors, new, new_rows, upd, upd_rows = [], [], [], [], []
        actor_org = getattr(self.actor, "organization_id", None)
        now = timezone.now()
        for p in rows:
            c = p.cleaned
            fields = {f: c[f] for f in VACANCY_MODEL_FIELDS}
            pk = existing.get(c["code"])
            if pk is None:
                org = self.employer_orgs.get(c["employer_id"]) or actor_org
                new.append(Vacancy(employer_id=c["employer_id"], organization_id=org, **fields))
                new_rows.append(p)
            elif scope is not None and existing_muni.get(pk) not in scope:
                errors.append(RowError(p.line, "code", "la vacante ya está registrada en un territorio fuera de su "
                                       "organización", c["code"]))
            else:
                upd.append(Vacancy(id=pk, employer_id=c["employer_id"], updated_at=now, **fields))
                upd_rows.append(p)
        Vacancy.objects.bulk_create(new, batch_size=500)
        if any(v.pk is None for v in new):  # databases that cannot return ids from bulk inserts
            ids = dict(Vacancy.objects.filter(code__in=[v.code for v in new]).values_list("code", "id"))
            for v in new:
                v.pk = v.id = ids[v.code]
        if upd:
            Vacancy.objects.bulk_update(
                upd, [*field_names(Vacancy, VACANCY_MODEL_FIELDS), "employer", "updated_at"], batch_size=500)
            VacancySkill.objects.filter(vacancy_id__in=[v.pk for v in upd]).delete()
        links = []
        for v, p in [*zip(new, new_rows, strict=True), *zip(upd, upd_rows, strict=True)]:
            required = list(dict.fromkeys(p.cleaned.get("required_skill_ids") or ()))
            links += [(v.pk, s, True) for s in required]
            links += [(v.pk, s, False) for s in dict.fromkeys(p.cleaned.get("desired_skill_ids") or ()) if s not in required]
        if links:
            insert_rows(VacancySkill, ("vacancy_id", "skill_id", "required"), links)
        return len(new), len(upd), errors


def import_employers(source, *, actor=None, report_path=None, rejected_path=None, progress: bool = False,
                     max_bytes: int | None = None, workers: int | None = None) -> ImportResult:
    _check_actor(actor)
    return run_import(EmployerImport(actor=actor), source, report_path=report_path, rejected_path=rejected_path,
                      progress=progress, max_bytes=max_bytes, workers=workers)


def import_vacancies(source, *, actor=None, report_path=None, rejected_path=None, progress: bool = False,
                     max_bytes: int | None = None, workers: int | None = None) -> ImportResult:
    _check_actor(actor)
    return run_import(VacancyImport(actor=actor), source, report_path=report_path, rejected_path=rejected_path,
                      progress=progress, max_bytes=max_bytes, workers=workers)


def _check_actor(actor) -> None:
    from django.utils.translation import gettext as _

    from siee.core.errors import PermissionDenied
    from siee.employers.services import WRITER_ROLES

    if actor is not None and not actor.is_system_admin and actor.role not in WRITER_ROLES:
        raise PermissionDenied(_("Su rol no permite importar empleadores ni vacantes."))

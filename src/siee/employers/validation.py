"""Validation of employers and vacancies, shared by forms, API, services and the bulk importer."""

from __future__ import annotations

import datetime as dt
import re

from siee.core.validation import ReferenceMaps
from siee.employers.models import ContractType, EmployerSize, VacancyStatus
from siee.lib import parse
from siee.lib.text import fold

EMPLOYER_COLUMNS = ["id", "tax_id", "country", "name", "sector", "size", "contact_name", "phone", "email", "address", "municipality_code"]
EMPLOYER_REQUIRED = ("tax_id", "name", "municipality_code")
EMPLOYER_MODEL_FIELDS = ("tax_id", "country", "name", "sector_id", "size", "contact_name", "phone", "email", "address", "municipality_id")

VACANCY_COLUMNS = [
    "id", "code", "employer_tax_id", "title", "occupation", "description", "required_skills", "desired_skills",
    "education_level", "experience_months", "wage_min", "wage_max", "currency", "contract_type", "hours_per_week",
    "posts", "municipality_code", "closing_date", "status", "open_to_migrants", "open_to_disability", "published",
]
VACANCY_REQUIRED = ("code", "employer_tax_id", "title", "occupation", "municipality_code")
VACANCY_MODEL_FIELDS = (
    "code", "title", "occupation_id", "description", "education_level_id", "experience_months", "wage_min", "wage_max",
    "currency", "contract_type", "hours_per_week", "posts", "municipality_id", "closing_date", "status",
    "open_to_migrants", "open_to_disability", "published",
)

_TAX_ID_RE = re.compile(r"^[0-9A-Za-z.\-]{5,20}$")
# Choice values computed once: `TextChoices.values` rebuilds its list on every access (slow in bulk imports).
_SIZES = tuple(EmployerSize.values)
_CONTRACT_TYPES = tuple(ContractType.values)
_VACANCY_STATUSES = tuple(VacancyStatus.values)
_SIZE_ALIASES = {"micro": "micro", "microempresa": "micro", "pequena": "small", "pequeña": "small", "mediana": "medium", "grande": "large"}


def normalize_tax_id(value) -> str:
    return str(value or "").strip().replace(" ", "").replace(".", "").upper()


def _choice(value, choices, field, errors, default=None, aliases=None):
    if parse.is_blank(value):
        return default
    text = str(value).strip()
    if text in choices:
        return text
    folded = fold(text)
    if aliases and folded in aliases:
        return aliases[folded]
    errors.append((field, f"valor no permitido: {text!r} (opciones: {', '.join(choices)})"))
    return default


def _text(raw, out, errors, name, limit, partial):
    if not partial or name in raw:
        value = str(raw.get(name) or "").strip()
        if len(value) > limit:
            errors.append((name, f"demasiado largo (máximo {limit} caracteres)"))
            value = value[:limit]
        out[name] = value


def _territory(raw, out, errors, maps: ReferenceMaps, partial):
    if not partial or "municipality_code" in raw:
        code = raw.get("municipality_code")
        tid = maps.territory_id(code) if not parse.is_blank(code) else None
        if not parse.is_blank(code) and tid is None:
            errors.append(("municipality_code", f"municipio desconocido: {code!r}"))
        elif tid is not None and maps.scope is not None and tid not in maps.scope:
            errors.append(("municipality_code", f"el municipio {code} está fuera de los territorios de su organización"))
            tid = None
        out["municipality_id"] = tid


def clean_employer(raw: dict, maps: ReferenceMaps, *, partial: bool = False) -> tuple[dict, list[tuple[str, str]]]:
    errors: list[tuple[str, str]] = []
    out: dict = {}
    for name in EMPLOYER_REQUIRED:
        if (not partial or name in raw) and parse.is_blank(raw.get(name)):
            errors.append((name, "campo obligatorio vacío"))
    if not partial or "tax_id" in raw:
        tax_id = normalize_tax_id(raw.get("tax_id"))
        if tax_id and not _TAX_ID_RE.match(tax_id):
            errors.append(("tax_id", f"identificación tributaria no válida: {tax_id!r}"))
        out["tax_id"] = tax_id
    if not partial or "country" in raw:
        country = str(raw.get("country") or "CO").strip().upper()
        if not re.fullmatch(r"[A-Z]{2}", country):
            errors.append(("country", f"use el código ISO de dos letras: {country!r}"))
        out["country"] = country
    _text(raw, out, errors, "name", 200, partial)
    _text(raw, out, errors, "contact_name", 150, partial)
    _text(raw, out, errors, "address", 200, partial)
    if not partial or "sector" in raw:
        sector = raw.get("sector")
        sid = None
        if not parse.is_blank(sector):
            sid = maps.sectors.get(str(sector).strip().upper()) or maps.sectors.get(str(sector).strip().zfill(2))
            if sid is None:
                errors.append(("sector", f"sector CIIU desconocido: {sector!r}"))
        out["sector_id"] = sid
    if not partial or "size" in raw:
        out["size"] = _choice(raw.get("size"), _SIZES, "size", errors, default=EmployerSize.MICRO, aliases=_SIZE_ALIASES)
    if not partial or "phone" in raw:
        phone = str(raw.get("phone") or "").strip()
        if phone and not parse.PHONE_RE.match(phone):
            errors.append(("phone", f"teléfono no válido: {phone!r}"))
        out["phone"] = phone
    if not partial or "email" in raw:
        email = str(raw.get("email") or "").strip().lower()
        if email and not parse.EMAIL_RE.match(email):
            errors.append(("email", f"correo no válido: {email!r}"))
        out["email"] = email
    _territory(raw, out, errors, maps, partial)
    return out, errors


def clean_vacancy(raw: dict, maps: ReferenceMaps, *, employers: dict[str, int] | None = None,
                  partial: bool = False, today: dt.date | None = None) -> tuple[dict, list[tuple[str, str]]]:
    """`employers` maps normalized tax id -> employer id (those the actor may use)."""
    today = today or dt.date.today()
    errors: list[tuple[str, str]] = []
    out: dict = {}
    for name in VACANCY_REQUIRED:
        if name == "employer_tax_id" and employers is None:
            continue
        if (not partial or name in raw) and parse.is_blank(raw.get(name)):
            errors.append((name, "campo obligatorio vacío"))
    if not partial or "code" in raw:
        code = str(raw.get("code") or "").strip()
        if code and not re.fullmatch(r"[\w.\-/]{1,40}", code):
            errors.append(("code", f"código no válido (letras, números, . - / _; máximo 40): {code!r}"))
        out["code"] = code
    if employers is not None and (not partial or "employer_tax_id" in raw):
        tax = normalize_tax_id(raw.get("employer_tax_id"))
        eid = employers.get(tax)
        if tax and eid is None:
            errors.append(("employer_tax_id", f"empleador desconocido o fuera de su territorio: {tax!r}"))
        out["employer_id"] = eid
    _text(raw, out, errors, "title", 200, partial)
    _text(raw, out, errors, "description", 5000, partial)
    if not partial or "occupation" in raw:
        occ = raw.get("occupation")
        oid = None
        if not parse.is_blank(occ):
            oid = maps.occupations.get(str(occ).strip())
            if oid is None and str(occ).strip().isdigit() and int(occ) in maps.occupation_uris:
                oid = int(occ)
            if oid is None:
                errors.append(("occupation", f"ocupación desconocida: {occ!r}"))
        out["occupation_id"] = oid
    for name in ("required_skills", "desired_skills"):
        if not partial or name in raw:
            ids = []
            for uri in parse.parse_list(raw.get(name)):
                pk = maps.skills.get(uri)
                if pk is None and uri.isdigit() and int(uri) in maps.skill_uris:
                    pk = int(uri)
                if pk is None:
                    errors.append((name, f"habilidad desconocida: {uri!r}"))
                else:
                    ids.append(pk)
            out[name.replace("_skills", "_skill_ids")] = ids
    if not partial or "education_level" in raw:
        level = raw.get("education_level")
        lid = None
        if not parse.is_blank(level):
            lid = maps.education.get(str(level).strip()) or maps.education.get(fold(str(level)))
            if lid is None:
                errors.append(("education_level", f"nivel educativo desconocido: {level!r}"))
        out["education_level_id"] = lid
    for name, lo, hi, default in (("experience_months", 0, 600, 0), ("wage_min", 0, 10**9, None),
                                  ("wage_max", 0, 10**9, None), ("hours_per_week", 1, 84, 48), ("posts", 1, 10000, 1)):
        if not partial or name in raw:
            try:
                value = parse.parse_int(raw.get(name), minimum=lo, maximum=hi)
            except ValueError as exc:
                errors.append((name, str(exc)))
                value = None
            out[name] = default if value is None else value
    if out.get("wage_min") is not None and out.get("wage_max") is not None and out["wage_max"] < out["wage_min"]:
        errors.append(("wage_max", "el salario máximo es menor que el mínimo"))
    if not partial or "currency" in raw:
        cur = str(raw.get("currency") or "COP").strip().upper()
        if not re.fullmatch(r"[A-Z]{3}", cur):
            errors.append(("currency", f"moneda no válida (código ISO de tres letras): {cur!r}"))
        out["currency"] = cur
    if not partial or "contract_type" in raw:
        out["contract_type"] = _choice(raw.get("contract_type"), _CONTRACT_TYPES, "contract_type", errors, default=ContractType.INDEFINITE)
    if not partial or "status" in raw:
        out["status"] = _choice(raw.get("status"), _VACANCY_STATUSES, "status", errors, default=VacancyStatus.OPEN)
    if not partial or "closing_date" in raw:
        try:
            closing = parse.parse_date(raw.get("closing_date"))
        except ValueError as exc:
            errors.append(("closing_date", str(exc)))
            closing = None
        if closing and closing.year < 2000:
            errors.append(("closing_date", "fecha de cierre no plausible"))
        out["closing_date"] = closing
    for name in ("open_to_migrants", "open_to_disability", "published"):
        if not partial or name in raw:
            value = raw.get(name)
            try:
                out[name] = True if parse.is_blank(value) else parse.parse_bool(value)
            except ValueError as exc:
                errors.append((name, str(exc)))
                out[name] = True
    _territory(raw, out, errors, maps, partial)
    return out, errors

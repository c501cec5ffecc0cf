"""Validation of one person's data, shared by forms, API, services and the bulk importer.

`clean_person(raw, maps)` takes a mapping of column -> value (strings from CSV/XLSX or Python values from
forms) and returns `(cleaned, errors)` without touching the database: codes are resolved through
`ReferenceMaps`, preloaded once.
"""

from __future__ import annotations

import datetime as dt
import re

from siee.core.validation import ReferenceMaps
from siee.lib import parse
from siee.lib.text import fold
from siee.people.models import (
    Availability,
    Barrier,
    DocumentType,
    MigrationStatus,
    PersonStatus,
    Sex,
)

# Column order of exports; imports accept these names (and the aliases below) in any order.
PERSON_COLUMNS = [
    "id", "document_type", "document_number", "first_names", "last_names", "birth_date", "sex",
    "gender_identity", "nationality", "phone", "whatsapp", "email", "address", "municipality_code",
    "education_level", "status", "availability", "expected_wage", "willing_to_relocate", "max_hours_per_week",
    "desired_occupations", "interests", "languages", "migration_status", "arrival_date", "household_size",
    "disability", "disability_type", "ethnicity", "conflict_victim", "barriers", "consent_date",
    "consent_channel", "consent_version",
]
REQUIRED = ("document_type", "document_number", "first_names", "last_names", "birth_date", "sex", "municipality_code")

ALIASES = {
    "tipo_documento": "document_type", "tipo de documento": "document_type",
    "numero_documento": "document_number", "número de documento": "document_number", "documento": "document_number",
    "nombres": "first_names", "apellidos": "last_names",
    "fecha_nacimiento": "birth_date", "fecha de nacimiento": "birth_date",
    "sexo": "sex", "nacionalidad": "nationality", "telefono": "phone", "teléfono": "phone", "celular": "phone",
    "correo": "email", "direccion": "address", "dirección": "address",
    "municipio": "municipality_code", "codigo_municipio": "municipality_code", "divipola": "municipality_code",
    "nivel_educativo": "education_level", "estatus_migratorio": "migration_status",
    "discapacidad": "disability", "etnia": "ethnicity", "victima_conflicto": "conflict_victim",
    "barreras": "barriers", "fecha_consentimiento": "consent_date",
}

_SEX_ALIASES = {"f": "F", "mujer": "F", "femenino": "F", "m": "M", "h": "M", "hombre": "M", "masculino": "M",
                "i": "I", "intersexual": "I", "x": "X", "no informa": "X"}
_DOC_NUMERIC = {"CC", "TI", "PPT", "PEP", "DNI", "CI_EC", "CI_VE"}
_DOC_RE = re.compile(r"^[A-Za-z0-9-]{3,20}$")
_RUN_RE = re.compile(r"^\d{1,8}-?[\dkK]$")
_NATIONALITY_RE = re.compile(r"^[A-Z]{2}$")
MIN_AGE, MAX_AGE = 14, 100
# Choice values computed once: `TextChoices.values` rebuilds its list on every access (slow in bulk imports).
_DOCUMENT_TYPES = tuple(DocumentType.values)
_SEXES = tuple(Sex.values)
_PERSON_STATUSES = tuple(PersonStatus.values)
_AVAILABILITIES = tuple(Availability.values)
_MIGRATION_STATUSES = tuple(MigrationStatus.values)
_BARRIERS = tuple(Barrier.values)


def normalize_header(name: str) -> str:
    key = (name or "").strip().lower().lstrip("\ufeff")
    return ALIASES.get(key, key.replace(" ", "_"))


def _choice(value, choices, field_name, errors, aliases=None, default=None):
    if parse.is_blank(value):
        return default
    text = str(value).strip()
    if text in choices:
        return text
    folded = fold(text)
    if aliases and folded in aliases:
        return aliases[folded]
    for choice in choices:
        if fold(choice) == folded:
            return choice
    errors.append((field_name, f"valor no permitido: {text!r} (opciones: {', '.join(choices)})"))
    return default


def run_check_digit_ok(run: str) -> bool:
    """Chilean RUN/RUT modulo-11 check digit."""
    body, _, dv = run.replace(".", "").upper().partition("-")
    if not dv:
        body, dv = body[:-1], body[-1]
    if not body.isdigit():
        return False
    total, factor = 0, 2
    for digit in reversed(body):
        total += int(digit) * factor
        factor = 2 if factor == 7 else factor + 1
    expected = 11 - total % 11
    return dv == {11: "0", 10: "K"}.get(expected, str(expected))


def clean_person(raw: dict, maps: ReferenceMaps, *, today: dt.date | None = None, partial: bool = False) -> tuple[dict, list[tuple[str, str]]]:
    """Validate and convert one person's fields. Returns (cleaned, [(field, reason), ...])."""
    today = today or dt.date.today()
    errors: list[tuple[str, str]] = []
    out: dict = {}

    def present(name):
        return name in raw

    for name in REQUIRED:
        if (not partial or present(name)) and parse.is_blank(raw.get(name)):
            errors.append((name, "campo obligatorio vacío"))

    if not partial or present("document_type"):
        out["document_type"] = _choice(raw.get("document_type"), _DOCUMENT_TYPES, "document_type", errors,
                                       aliases={"cedula": "CC", "cédula": "CC", "pasaporte": "PASSPORT", "passport": "PASSPORT"})
    if not partial or present("document_number"):
        number = str(raw.get("document_number") or "").strip().replace(" ", "")
        doc_type = out.get("document_type") or raw.get("document_type")
        if number:
            if doc_type in _DOC_NUMERIC:
                number = number.replace(".", "").replace(",", "")
                if not number.isdigit() or not 4 <= len(number) <= 15:
                    errors.append(("document_number", f"para {doc_type} el número debe tener solo dígitos (4 a 15): {number!r}"))
            elif doc_type == "RUN":
                number = number.replace(".", "").upper()
                if not _RUN_RE.match(number) or not run_check_digit_ok(number):
                    errors.append(("document_number", f"RUN no válido (dígito verificador): {number!r}"))
            elif not _DOC_RE.match(number):
                errors.append(("document_number", f"número de documento no válido: {number!r}"))
        out["document_number"] = number

    for name, limit in (("first_names", 120), ("last_names", 120), ("gender_identity", 60), ("address", 200),
                        ("interests", 2000), ("languages", 200), ("disability_type", 100), ("ethnicity", 60)):
        if not partial or present(name):
            value = str(raw.get(name) or "").strip()
            value = " ".join(value.split()) if name in ("first_names", "last_names") else value
            if len(value) > limit:
                errors.append((name, f"demasiado largo (máximo {limit} caracteres)"))
                value = value[:limit]
            out[name] = value

    if not partial or present("birth_date"):
        try:
            birth = parse.parse_date(raw.get("birth_date"))
        except ValueError as exc:
            errors.append(("birth_date", str(exc)))
            birth = None
        if birth:
            age = (today - birth).days // 365.25
            if birth > today:
                errors.append(("birth_date", "la fecha de nacimiento está en el futuro"))
            elif not MIN_AGE <= age <= MAX_AGE:
                errors.append(("birth_date", f"edad fuera de rango ({int(age)} años; se aceptan {MIN_AGE} a {MAX_AGE})"))
        out["birth_date"] = birth

    if not partial or present("sex"):
        out["sex"] = _choice(raw.get("sex"), _SEXES, "sex", errors, aliases=_SEX_ALIASES)

    if not partial or present("nationality"):
        nat = str(raw.get("nationality") or "CO").strip().upper()
        nat = {"COLOMBIA": "CO", "VENEZUELA": "VE", "ECUADOR": "EC", "PERU": "PE", "PERÚ": "PE", "CHILE": "CL"}.get(nat, nat)
        if not _NATIONALITY_RE.match(nat):
            errors.append(("nationality", f"use el código ISO de dos letras (CO, VE...): {nat!r}"))
        out["nationality"] = nat

    for name in ("phone", "whatsapp"):
        if not partial or present(name):
            value = str(raw.get(name) or "").strip()
            if value and not parse.PHONE_RE.match(value):
                errors.append((name, f"teléfono no válido: {value!r}"))
            out[name] = value
    if not partial or present("email"):
        email = str(raw.get("email") or "").strip().lower()
        if email and not parse.EMAIL_RE.match(email):
            errors.append(("email", f"correo no válido: {email!r}"))
        out["email"] = email

    if not partial or present("municipality_code"):
        code = raw.get("municipality_code")
        tid = maps.territory_id(code) if not parse.is_blank(code) else None
        if not parse.is_blank(code) and tid is None:
            errors.append(("municipality_code", f"municipio desconocido: {code!r}"))
        elif tid is not None and maps.scope is not None and tid not in maps.scope:
            errors.append(("municipality_code", f"el municipio {code} está fuera de los territorios de su organización"))
            tid = None
        out["municipality_id"] = tid

    if not partial or present("education_level"):
        level = raw.get("education_level")
        level_id = None
        if not parse.is_blank(level):
            level_id = maps.education.get(str(level).strip()) or maps.education.get(fold(str(level)))
            if level_id is None:
                errors.append(("education_level", f"nivel educativo desconocido: {level!r}"))
        out["education_level_id"] = level_id

    if not partial or present("status"):
        out["status"] = _choice(raw.get("status"), _PERSON_STATUSES, "status", errors, default=PersonStatus.ACTIVE)
    if not partial or present("availability"):
        out["availability"] = _choice(raw.get("availability"), _AVAILABILITIES, "availability", errors, default=Availability.IMMEDIATE)
    if not partial or present("migration_status"):
        out["migration_status"] = _choice(raw.get("migration_status"), _MIGRATION_STATUSES, "migration_status", errors, default=MigrationStatus.NATIONAL)

    for name, maximum in (("expected_wage", 1_000_000_000), ("household_size", 40), ("max_hours_per_week", 84)):
        if not partial or present(name):
            try:
                out[name] = parse.parse_int(raw.get(name), minimum=0 if name == "expected_wage" else 1, maximum=maximum)
            except ValueError as exc:
                errors.append((name, str(exc)))
                out[name] = None

    for name in ("willing_to_relocate", "disability", "conflict_victim"):
        if not partial or present(name):
            try:
                out[name] = parse.parse_bool(raw.get(name))
            except ValueError as exc:
                errors.append((name, str(exc)))
                out[name] = False

    if not partial or present("arrival_date"):
        try:
            arrival = parse.parse_date(raw.get("arrival_date"))
        except ValueError as exc:
            errors.append(("arrival_date", str(exc)))
            arrival = None
        if arrival and arrival > today:
            errors.append(("arrival_date", "la fecha de llegada está en el futuro"))
        elif arrival and out.get("birth_date") and arrival < out["birth_date"]:
            errors.append(("arrival_date", "la fecha de llegada es anterior al nacimiento"))
        out["arrival_date"] = arrival

    if not partial or present("barriers"):
        barriers = parse.parse_list(raw.get("barriers"))
        unknown = [b for b in barriers if b not in _BARRIERS]
        if unknown:
            errors.append(("barriers", f"barreras desconocidas: {', '.join(unknown)} (opciones: {', '.join(_BARRIERS)})"))
        out["barriers"] = [b for b in barriers if b in _BARRIERS]

    if not partial or present("desired_occupations"):
        uris = parse.parse_list(raw.get("desired_occupations"))
        ids = []
        for uri in uris:
            pk = maps.occupations.get(uri)
            if pk is None:
                errors.append(("desired_occupations", f"ocupación desconocida: {uri!r}"))
            else:
                ids.append(pk)
        out["desired_occupation_ids"] = ids

    if not partial or present("consent_date"):
        try:
            consent = parse.parse_date(raw.get("consent_date"))
        except ValueError as exc:
            errors.append(("consent_date", str(exc)))
            consent = None
        if consent and consent > today:
            errors.append(("consent_date", "la fecha de autorización está en el futuro"))
            consent = None
        out["consent_date"] = consent
        out["consent_channel"] = str(raw.get("consent_channel") or "in_person").strip()[:20]
        out["consent_version"] = str(raw.get("consent_version") or "v1").strip()[:20]

    return out, errors


PERSON_MODEL_FIELDS = (
    "document_type", "document_number", "first_names", "last_names", "birth_date", "sex", "gender_identity",
    "nationality", "phone", "whatsapp", "email", "address", "municipality_id", "education_level_id", "status",
    "availability", "expected_wage", "willing_to_relocate", "max_hours_per_week", "interests", "languages", "migration_status",
    "arrival_date", "household_size", "disability", "disability_type", "ethnicity", "conflict_victim", "barriers",
)


def name_key(first_names: str, last_names: str) -> str:
    return fold(f"{first_names} {last_names}")

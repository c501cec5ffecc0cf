"""Validation of one person's data, shared by forms, API, services and the bulk importer.

`clean_person(raw, maps)` takes a mapping of column -> value (strings from CSV/XLSX or Python values from
forms) and returns `(cleaned, errors)` without touching the database: codes are resolved through
`ReferenceMaps`, preloaded once.
"""

from __future__ import annotations

import datetime as dt
import re
from operator import itemgetter

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


def join_folded(folded_first_names: str, folded_last_names: str) -> str:
    """`name_key` from the folded parts (lets bulk imports fold each distinct name once)."""
    if folded_first_names and folded_last_names:
        return f"{folded_first_names} {folded_last_names}"
    return folded_first_names or folded_last_names


# --- column-wise fast path for bulk imports ---------------------------------------------------------------

_BAD = object()  # a cell the fast path does not accept: the whole row goes through `clean_person`
_MEMO_LIMIT = 50_000  # distinct values remembered per column (bounded memory on million-row files)
_NAME_FIELDS = (("first_names", 120), ("last_names", 120))
_TEXT_FIELDS = (("address", 200),)  # high-cardinality free text: stripped and length-checked inline
_LINE_FIELDS = ("phone", "whatsapp")
# Columns whose cleaned value depends on that cell alone: each distinct value is cleaned once, by
# `clean_person` itself (partial mode), and remembered. Output key differs for codes resolved to ids.
_MEMO_FIELDS = {
    "document_type": "document_type", "gender_identity": "gender_identity", "interests": "interests",
    "languages": "languages", "disability_type": "disability_type", "ethnicity": "ethnicity",
    "birth_date": "birth_date", "sex": "sex", "nationality": "nationality", "municipality_code": "municipality_id",
    "education_level": "education_level_id", "status": "status", "availability": "availability",
    "migration_status": "migration_status", "expected_wage": "expected_wage", "household_size": "household_size",
    "max_hours_per_week": "max_hours_per_week", "willing_to_relocate": "willing_to_relocate",
    "disability": "disability", "conflict_victim": "conflict_victim", "arrival_date": "arrival_date",
    "barriers": "barriers", "desired_occupations": "desired_occupation_ids", "consent_date": "consent_date",
    "consent_channel": "consent_channel", "consent_version": "consent_version",
}
_LIST_OUTPUTS = ("barriers", "desired_occupation_ids")  # fresh list per row, as `clean_person` returns
_PLAIN_TYPES = frozenset({str, type(None), dt.date})


class PersonBatchCleaner:
    """Column-wise equivalent of ``[clean_person(raw, maps, today=today) for raw in raws]`` for imports.

    Each column of a chunk is converted as a whole: low-cardinality columns (codes, enums, dates, numbers,
    yes/no) through a per-value memo filled by `clean_person` itself, high-cardinality ones (document number,
    names, phones, e-mail, address) by inline checks that accept only the plain, valid shapes. A row with any
    cell the fast path does not accept, or failing a cross-field check, is cleaned by `clean_person`, which
    stays the reference: valid rows give the same cleaned values and invalid rows the same errors, in the same
    order (tests/imports/test_import_fast_path.py checks both on generated files).
    """

    def __init__(self, maps: ReferenceMaps, *, today: dt.date | None = None):
        self.maps = maps
        self.today = today or dt.date.today()
        self._memo: dict[str, dict] = {name: {} for name in _MEMO_FIELDS}
        self._typed_memo: dict[str, dict] = {}
        self._direct = {"birth_date": self._birth_date, "desired_occupations": self._occupations}
        self.fallbacks = 0  # rows cleaned by the reference path (for benchmarks and tests)

    def reference(self, raw: dict) -> tuple[dict, list[tuple[str, str]]]:
        self.fallbacks += 1
        return clean_person(raw, self.maps, today=self.today)

    def clean_rows(self, raws: list[dict]) -> list[tuple[dict, list[tuple[str, str]]]]:
        n = len(raws)
        if not n:
            return []
        keys: list[str] = []
        columns: list[list] = []
        bad: set[int] = set()

        first = raws[0]

        def column(name: str) -> list:
            if name in first:
                try:
                    return list(map(itemgetter(name), raws))
                except KeyError:  # rows with different keys
                    pass
            return [r.get(name) for r in raws]

        def add(key: str, values: list) -> None:
            if _BAD in values:
                bad.update(i for i, v in enumerate(values) if v is _BAD)
            keys.append(key)
            columns.append(values)

        types = self._memoised("document_type", column("document_type"))
        add("document_type", types)
        add("document_number", self._document_numbers(raws, types))
        for name, limit in _NAME_FIELDS:
            add(name, self._names(name, limit, column(name)))
        for name, limit in _TEXT_FIELDS:
            add(name, self._texts(name, limit, column(name)))
        for name in _LINE_FIELDS:
            add(name, self._phones(name, column(name)))
        add("email", self._emails(column("email")))
        for name, key in _MEMO_FIELDS.items():
            if name != "document_type":
                add(key, self._memoised(name, column(name)))

        births = columns[keys.index("birth_date")]
        arrivals = columns[keys.index("arrival_date")]
        for i in range(n):  # cross-field check of clean_person: arrival before birth
            arrival = arrivals[i]
            if arrival is not None and arrival is not _BAD and births[i] is not None and births[i] is not _BAD \
                    and arrival < births[i]:
                bad.add(i)
        list_columns = [keys.index(k) for k in _LIST_OUTPUTS]
        for j in list_columns:
            columns[j] = [list(v) if v is not _BAD else v for v in columns[j]]

        out: list[tuple[dict, list]] = []
        key_tuple = tuple(keys)
        for i, values in enumerate(zip(*columns, strict=True)):
            if i in bad:
                out.append(self.reference(raws[i]))
            else:
                out.append((dict(zip(key_tuple, values, strict=True)), []))
        return out

    # -- columns ------------------------------------------------------------------------------------------

    def _birth_date(self, name: str, value):
        """ISO text (the export format) parsed and age-checked inline; anything else by `clean_person`."""
        if type(value) is str and len(value) == 10 and value[4] == "-" and value[7] == "-" and value.isascii():
            try:
                value = dt.date.fromisoformat(value)
            except ValueError:
                return self._single(name, value)
        if type(value) is not dt.date:
            return self._single(name, value)
        if value > self.today or not MIN_AGE <= (self.today - value).days // 365.25 <= MAX_AGE:
            return _BAD
        return value

    def _occupations(self, name: str, value):
        """"uri|uri" -> ids, every uri known (else _BAD)."""
        if type(value) is not str:
            return self._single(name, value)
        ids = []
        occupations = self.maps.occupations
        for uri in value.split("|"):
            uri = uri.strip()
            if uri:
                pk = occupations.get(uri)
                if pk is None:
                    return _BAD
                ids.append(pk)
        return ids

    def _single(self, name: str, value):
        """`clean_person` on one cell (partial mode): the cleaned value, or _BAD if it reports an error."""
        raw = {"consent_date": None, name: value} if name in ("consent_channel", "consent_version") else {name: value}
        cleaned, errors = clean_person(raw, self.maps, today=self.today, partial=True)
        return _BAD if errors else cleaned[_MEMO_FIELDS[name]]

    def _memoised(self, name: str, values: list) -> list:
        if set(map(type, values)) <= _PLAIN_TYPES:  # CSV cells: no 1 == 1.0 == True collisions among keys
            memo = self._memo[name]
            missing = set(values).difference(memo)
            if missing:
                if len(memo) + len(missing) > _MEMO_LIMIT:
                    memo.clear()
                    missing = set(values)
                compute = self._direct.get(name, self._single)
                for value in missing:
                    memo[value] = compute(name, value)
            return list(map(memo.__getitem__, values))
        memo = self._typed_memo.setdefault(name, {})
        out = []
        for value in values:  # XLSX cells: numbers, booleans, datetimes; keys carry the type
            try:
                key = (type(value), value)
                result = memo.get(key, _BAD)
                if result is _BAD:
                    result = memo[key] = self._single(name, value)
            except TypeError:  # unhashable cell: clean it without remembering
                result = self._single(name, value)
            out.append(result)
        return out

    def _document_numbers(self, raws: list[dict], types: list) -> list:
        out = []
        for raw, doc_type in zip(raws, types, strict=True):
            number = raw.get("document_number")
            if type(number) is str and doc_type is not _BAD and doc_type is not None:
                if doc_type in _DOC_NUMERIC:
                    if number.isdigit() and 4 <= len(number) <= 15:
                        out.append(number)
                        continue
                elif doc_type != "RUN" and _DOC_RE.fullmatch(number):
                    out.append(number)
                    continue
            cleaned, errors = clean_person({"document_type": raw.get("document_type"), "document_number": number},
                                           self.maps, today=self.today, partial=True)
            out.append(_BAD if errors else cleaned["document_number"])
        return out

    def _names(self, name: str, limit: int, values: list) -> list:
        out = []
        for value in values:
            if type(value) is str:
                text = " ".join(value.split())
                out.append(text if text and len(text) <= limit else _BAD)
            else:
                out.append(self._single_text(name, value))
        return out

    def _texts(self, name: str, limit: int, values: list) -> list:
        out = []
        for value in values:
            if type(value) is str:
                text = value.strip()
                out.append(text if len(text) <= limit else _BAD)
            else:
                out.append(self._single_text(name, value))
        return out

    def _phones(self, name: str, values: list) -> list:
        match = parse.PHONE_RE.match
        out = []
        for value in values:
            if type(value) is str:
                text = value.strip()
                out.append(text if not text or match(text) else _BAD)
            else:
                out.append(self._single_text(name, value))
        return out

    def _emails(self, values: list) -> list:
        match = parse.EMAIL_RE.match
        out = []
        for value in values:
            if type(value) is str:
                text = value.strip().lower()
                out.append(text if not text or match(text) else _BAD)
            else:
                out.append(self._single_text("email", value))
        return out

    def _single_text(self, name: str, value):
        cleaned, errors = clean_person({name: value}, self.maps, today=self.today, partial=True)
        return _BAD if errors else cleaned[name]

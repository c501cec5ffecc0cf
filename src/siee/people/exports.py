"""Export of people to CSV/XLSX in the import format (PERSON_COLUMNS): what one database exports, another imports.

References are written as codes, not ids: municipality as its official code ("68001"; prefixed with the country,
"PE-150101", when it is not in the default country), education level code, occupation URIs joined with "|".
Exports of personal data are audited.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from siee.core import audit
from siee.core.models import AuditAction, Territory
from siee.core.tabular import TableWriter
from siee.people.models import Consent, Person
from siee.people.validation import PERSON_COLUMNS
from siee.taxonomy.models import EducationLevel, Occupation

CHUNK = 5000
_DB_FIELDS = [
    "id", "document_type", "document_number", "first_names", "last_names", "birth_date", "sex", "gender_identity",
    "nationality", "phone", "whatsapp", "email", "address", "municipality_id", "education_level_id", "status",
    "availability", "expected_wage", "willing_to_relocate", "max_hours_per_week", "interests", "languages", "migration_status",
    "arrival_date", "household_size", "disability", "disability_type", "ethnicity", "conflict_victim", "barriers",
]


def territory_export_codes() -> dict[int, str]:
    default = settings.DEFAULT_COUNTRY
    return {pk: code if country == default else f"{country}-{code}"
            for pk, country, code in Territory.objects.values_list("id", "country", "code")}


def people_queryset(actor):
    if actor is None:
        return Person.objects.all()
    from siee.people.selectors import people_for

    return people_for(actor, include_merged=True)


def iter_people_rows(actor=None, *, progress: bool = False):
    """Rows in PERSON_COLUMNS order, by id, in chunks (bounded memory)."""
    territories = territory_export_codes()
    levels = dict(EducationLevel.objects.values_list("id", "code"))
    occupations = dict(Occupation.objects.values_list("id", "uri"))
    sensitive_ok = actor is None or actor.can_read_sensitive_data
    hidden = set() if sensitive_ok else set(Person.SENSITIVE_FIELDS)
    through = Person.desired_occupations.through
    qs = people_queryset(actor).order_by("id")
    total = qs.count()
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=total, desc="exportando personas", unit=" filas", disable=None, mininterval=0.5)
    last = 0
    try:
        while True:
            chunk = list(qs.filter(id__gt=last).values_list(*_DB_FIELDS)[:CHUNK])
            if not chunk:
                break
            ids = [r[0] for r in chunk]
            last = ids[-1]
            desired: dict[int, list[str]] = {}
            for person_id, occ_id in through.objects.filter(person_id__in=ids).order_by("id").values_list(
                    "person_id", "occupation_id"):
                desired.setdefault(person_id, []).append(occupations.get(occ_id, ""))
            consents: dict[int, tuple] = {}
            for person_id, granted, channel, version in Consent.objects.filter(
                    person_id__in=ids, revoked_at__isnull=True).order_by("granted_at", "id").values_list(
                    "person_id", "granted_at", "channel", "text_version"):
                consents[person_id] = (timezone.localtime(granted).date(), channel, version)  # latest wins
            for r in chunk:
                rec = dict(zip(_DB_FIELDS, r, strict=True))
                pk = rec["id"]
                consent = consents.get(pk)
                values = {
                    **rec,
                    "municipality_code": territories.get(rec["municipality_id"], ""),
                    "education_level": levels.get(rec["education_level_id"], ""),
                    "desired_occupations": "|".join(desired.get(pk, [])),
                    "barriers": "|".join(rec["barriers"] or []),
                    "consent_date": consent[0] if consent else None,
                    "consent_channel": consent[1] if consent else "",
                    "consent_version": consent[2] if consent else "",
                }
                for name in hidden:
                    values[name] = None
                yield [values.get(col) for col in PERSON_COLUMNS]
            if bar is not None:
                bar.update(len(chunk))
    finally:
        if bar is not None:
            bar.close()


def export_people(out_path, *, fmt: str = "csv", actor=None, progress: bool = False) -> int:
    """Write the people the actor may see to `out_path`; returns the number of rows. Audited."""
    people_queryset(actor)  # refuses roles without access to personal data before any file is written
    with TableWriter(out_path, list(PERSON_COLUMNS), fmt, sheet_title="personas") as writer:
        writer.write_many(iter_people_rows(actor, progress=progress))
        count = writer.count
    audit.record(actor=actor, action=AuditAction.EXPORT, object_type="person",
                 fields=[c for c in PERSON_COLUMNS if actor is None or actor.can_read_sensitive_data
                         or c not in Person.SENSITIVE_FIELDS],
                 detail={"file": str(out_path), "format": fmt, "rows": count})
    return count

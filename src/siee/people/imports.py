"""Bulk import of people from CSV/XLSX: the same validation as the registration form (`clean_person`),
natural key (document_type, document_number), batches written with COPY/executemany.

    result = import_people("personas.csv", actor=user, report_path="informe.csv", rejected_path="rechazadas.csv")
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from operator import itemgetter

from django.db import connection
from django.utils import timezone

from siee.core.imports import (
    ImportResult,
    ImportSpec,
    PendingRow,
    RowError,
    allocate_ids,
    insert_rows,
    run_import,
    update_rows,
)
from siee.core.selectors import scope_territory_ids
from siee.core.validation import ReferenceMaps
from siee.lib.text import fold
from siee.people.models import Consent, Person
from siee.people.validation import (
    PERSON_COLUMNS,
    PERSON_MODEL_FIELDS,
    REQUIRED,
    PersonBatchCleaner,
    clean_person,
    join_folded,
    normalize_header,
)

INSERT_FIELDS = ("id", *PERSON_MODEL_FIELDS, "name_key", "organization_id", "registered_at", "updated_at")
UPDATE_FIELDS = (*PERSON_MODEL_FIELDS, "name_key", "updated_at")
CONSENT_FIELDS = ("person_id", "purpose", "granted_at", "channel", "text_version", "recorded_by_id")


def consent_datetime(day: dt.date) -> dt.datetime:
    """Consents given as a date are recorded at noon local time (as `register_person` does)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


class PeopleImport(ImportSpec):
    entity = "people"
    object_type = "person"
    columns = PERSON_COLUMNS
    required = REQUIRED
    key_field = "document_number"
    # No `date_columns`: the column-wise cleaner parses each distinct date text once.
    # Column-wise validation (PersonBatchCleaner); False: `clean_person` row by row, the reference path.
    fast_validation = True

    def normalize_header(self, name: str) -> str:
        return normalize_header(name)

    def prepare(self) -> None:
        scope = scope_territory_ids(self.actor) if self.actor is not None else None
        self.maps = ReferenceMaps.load(scope=scope)
        self.today = dt.date.today()
        self.organization_id = getattr(self.actor, "organization_id", None)
        self.recorded_by_id = getattr(self.actor, "pk", None)
        self.cleaner = PersonBatchCleaner(self.maps, today=self.today)
        # Resolved here, in the importing thread: batches may be written from a background thread.
        self.tz = timezone.get_current_timezone()
        self._consent_times: dict[dt.date, dt.datetime] = {}
        self._fold_part = lru_cache(maxsize=100_000)(fold)

    def clean(self, raw: dict):
        return clean_person(raw, self.maps, today=self.today)

    def clean_many(self, raws: list[dict]):
        if not self.fast_validation:
            return [clean_person(raw, self.maps, today=self.today) for raw in raws]
        return self.cleaner.clean_rows(raws)

    def key(self, cleaned: dict) -> tuple:
        return (cleaned["document_type"], cleaned["document_number"])

    def existing_people(self, keys: list[tuple[str, str]]) -> dict[tuple, tuple[int, int]]:
        """(document_type, document_number) -> (id, municipality_id) of the people already stored.

        Looked up by the whole natural key, so the unique (document_type, document_number) index answers it
        (a lookup by number alone scans that index: slower with every person already stored)."""
        table = Person._meta.db_table
        if not keys:
            return {}
        if connection.vendor == "postgresql":  # two array parameters instead of thousands of placeholders
            sql = (f"SELECT id, document_type, document_number, municipality_id FROM {table} "
                   "WHERE (document_type, document_number) IN (SELECT * FROM unnest(%s::varchar[], %s::varchar[]))")
            params = [[t for t, _ in keys], [n for _, n in keys]]
        else:
            sql = (f"SELECT id, document_type, document_number, municipality_id FROM {table} "
                   f"WHERE (document_type, document_number) IN (VALUES {', '.join(['(%s, %s)'] * len(keys))})")
            params = [v for key in keys for v in key]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return {(doc_type, number): (pk, muni) for pk, doc_type, number, muni in cursor.fetchall()}

    def consent_datetime(self, day: dt.date) -> dt.datetime:
        at = self._consent_times.get(day)
        if at is None:
            at = self._consent_times[day] = timezone.make_aware(dt.datetime.combine(day, dt.time(12)), self.tz)
        return at

    def name_key(self, first_names: str, last_names: str) -> str:
        return join_folded(self._fold_part(first_names), self._fold_part(last_names))

    def write_batch(self, rows: list[PendingRow]) -> tuple[int, int, list[RowError]]:
        existing = self.existing_people(list(dict.fromkeys(p.key for p in rows)))
        scope = self.maps.scope
        errors: list[RowError] = []
        new_rows: list[PendingRow] = []
        upd_rows: list[tuple[int, PendingRow]] = []
        for p in rows:
            found = existing.get(p.key)
            if found is None:
                new_rows.append(p)
            elif scope is not None and found[1] not in scope:
                errors.append(RowError(p.line, "document_number", "la persona ya está registrada en un territorio "
                                       "fuera de su organización", p.cleaned["document_number"]))
            else:
                upd_rows.append((found[0], p))

        now = timezone.now()
        consents: list[tuple] = []
        desired: list[tuple[int, int]] = []
        ids = allocate_ids(Person, len(new_rows))
        org = self.organization_id
        model_values = _MODEL_VALUES
        name_key_of = self.name_key
        tuples = []
        for pk, p in zip(ids, new_rows, strict=True):
            c = p.cleaned
            tuples.append((pk, *model_values(c), name_key_of(c["first_names"], c["last_names"]), org, now, now))
            if c["consent_date"]:
                consents.append((pk, "employment_services", self.consent_datetime(c["consent_date"]),
                                 c["consent_channel"], c["consent_version"], self.recorded_by_id))
            for occ in dict.fromkeys(c["desired_occupation_ids"]):
                desired.append((pk, occ))
        insert_rows(Person, INSERT_FIELDS, tuples)

        if upd_rows:
            update_rows(Person, UPDATE_FIELDS, [
                (*model_values(p.cleaned), name_key_of(p.cleaned["first_names"], p.cleaned["last_names"]), now, pk)
                for pk, p in upd_rows])
            upd_ids = [pk for pk, _ in upd_rows]
            current: dict[int, set[dt.date]] = {}
            for person_id, granted in Consent.objects.filter(person_id__in=upd_ids, revoked_at__isnull=True).values_list(
                    "person_id", "granted_at"):
                current.setdefault(person_id, set()).add(timezone.localtime(granted, self.tz).date())
            through = Person.desired_occupations.through
            through.objects.filter(person_id__in=upd_ids).delete()
            for pk, p in upd_rows:
                c = p.cleaned
                day = c.get("consent_date")
                if day and day not in current.get(pk, ()):
                    consents.append((pk, "employment_services", self.consent_datetime(day), c["consent_channel"],
                                     c["consent_version"], self.recorded_by_id))
                for occ in dict.fromkeys(c.get("desired_occupation_ids") or ()):
                    desired.append((pk, occ))
        if consents:
            insert_rows(Consent, CONSENT_FIELDS, consents)
        if desired:
            insert_rows(Person.desired_occupations.through, ("person_id", "occupation_id"), desired)
        return len(new_rows), len(upd_rows), errors


_MODEL_VALUES = itemgetter(*PERSON_MODEL_FIELDS)  # cleaned dict -> values in PERSON_MODEL_FIELDS order


def import_people(source, *, actor=None, report_path=None, rejected_path=None, progress: bool = False,
                  max_bytes: int | None = None, workers: int | None = None, writer_thread: bool | None = None,
                  fast_validation: bool = True) -> ImportResult:
    """Import people from a CSV/XLSX path or binary file. Raises `UnreadableFile` if it cannot be read.

    `fast_validation=False` validates row by row with `clean_person` (the reference path; same results).
    """
    _check_actor(actor)
    spec = PeopleImport(actor=actor)
    spec.fast_validation = fast_validation
    return run_import(spec, source, report_path=report_path, rejected_path=rejected_path,
                      progress=progress, max_bytes=max_bytes, workers=workers, writer_thread=writer_thread)


def _check_actor(actor) -> None:
    from django.utils.translation import gettext as _

    from siee.core.errors import PermissionDenied

    if actor is not None and not actor.can_read_personal_data:
        raise PermissionDenied(_("Su rol no permite importar personas."))

"""Demo data of the observatory (runs last among the demo extras).

The demo population is written with today's date as registration/creation date, while the intermediation history
spreads applications, referrals and placements over the last 24 months. Time series of registrations and
vacancies would then show everything in the current month. So the demo agency's records created by this demo
run are re-dated consistently with their history: a vacancy is posted shortly before its first application or
referral, a person registers before their first application, referral or placement, an employer before its
first vacancy; records without history get a deterministic date within the same 24 months. Then the fact table
is rebuilt.
"""

from __future__ import annotations

import datetime as dt
import time

SPAN_DAYS = int(24 * 30.4)
REFRESH_FACTS = True  # bench/observatory_dashboard.py turns it off to time the full refresh on its own


def _spread(pk: int, seed: int, modulus: int) -> int:
    """A deterministic pseudo-random number in [0, modulus) for a record."""
    return ((pk * 2_654_435_761 + seed * 97_531) % 4_294_967_296) % max(1, modulus)


def _min_by(qs, key: str, field: str) -> dict[int, object]:
    from django.db.models import Min

    return {row[key]: row["m"] for row in qs.values(key).annotate(m=Min(field)).order_by()}


def _as_datetime(value):
    from django.utils import timezone

    if isinstance(value, dt.datetime):
        return value
    return timezone.make_aware(dt.datetime.combine(value, dt.time(9, 0)))


def spread_demo_dates(*, seed: int, now=None) -> dict:
    """Re-date the demo agency's people, vacancies and employers created in the last two days (see above)."""
    from django.db import transaction
    from django.utils import timezone

    from siee.core.services import demo_agency
    from siee.employers.models import Employer, Vacancy
    from siee.intermediation.models import Application, Placement, Referral
    from siee.people.models import Person

    now = now or timezone.now()
    recent = now - dt.timedelta(days=2)
    org = demo_agency()
    counts = {"people": 0, "vacancies": 0, "employers": 0}

    def earliest(*maps):
        out: dict[int, dt.datetime] = {}
        for m in maps:
            for pk, value in m.items():
                if value is None:
                    continue
                value = _as_datetime(value)
                if pk not in out or value < out[pk]:
                    out[pk] = value
        return out

    with transaction.atomic():
        vac = Vacancy.objects.filter(organization=org, created_at__gte=recent)
        first = earliest(_min_by(Application.objects.filter(vacancy__in=vac), "vacancy_id", "created_at"),
                         _min_by(Referral.objects.filter(vacancy__in=vac), "vacancy_id", "referred_at"))
        vacancies = list(vac.only("pk", "created_at"))
        for v in vacancies:
            if v.pk in first:
                v.created_at = min(now, first[v.pk] - dt.timedelta(days=_spread(v.pk, seed, 4)))
            else:
                v.created_at = now - dt.timedelta(days=_spread(v.pk, seed, SPAN_DAYS), hours=_spread(v.pk, seed, 9))
        Vacancy.objects.bulk_update(vacancies, ["created_at"], batch_size=2000)
        counts["vacancies"] = len(vacancies)

        emp_first: dict[int, dt.datetime] = {}
        for v in Vacancy.objects.filter(organization=org).values("employer_id", "created_at"):
            if v["employer_id"] not in emp_first or v["created_at"] < emp_first[v["employer_id"]]:
                emp_first[v["employer_id"]] = v["created_at"]
        employers = list(Employer.objects.filter(organization=org, created_at__gte=recent).only("pk", "created_at"))
        for e in employers:
            if e.pk in emp_first:
                e.created_at = min(now, emp_first[e.pk] - dt.timedelta(days=_spread(e.pk, seed, 30)))
            else:
                e.created_at = now - dt.timedelta(days=_spread(e.pk, seed, SPAN_DAYS))
        Employer.objects.bulk_update(employers, ["created_at"], batch_size=2000)
        counts["employers"] = len(employers)

        ppl = Person.objects.filter(organization=org, registered_at__gte=recent)
        first = earliest(_min_by(Application.objects.filter(person__in=ppl), "person_id", "created_at"),
                         _min_by(Referral.objects.filter(person__in=ppl), "person_id", "referred_at"),
                         _min_by(Placement.objects.filter(person__in=ppl), "person_id", "start_date"))
        batch = []
        for pk in list(ppl.values_list("pk", flat=True)):
            if pk in first:
                new = min(now, first[pk] - dt.timedelta(days=1 + _spread(pk, seed, 90)))
            else:
                new = now - dt.timedelta(days=_spread(pk, seed, SPAN_DAYS), hours=_spread(pk, seed, 11))
            batch.append(Person(pk=pk, registered_at=new))
            if len(batch) >= 2000:
                Person.objects.bulk_update(batch, ["registered_at"])
                counts["people"] += len(batch)
                batch = []
        if batch:
            Person.objects.bulk_update(batch, ["registered_at"])
            counts["people"] += len(batch)
    return counts


def generate(*, seed: int, progress: bool) -> dict:
    from siee.observatory.facts import refresh_facts

    started = time.perf_counter()
    redated = spread_demo_dates(seed=seed)
    written = refresh_facts(progress=progress) if REFRESH_FACTS else {}
    return {"redated_people": redated["people"], "redated_vacancies": redated["vacancies"],
            "fact_rows": sum(written.values()), "measures": len(written), "seconds": time.perf_counter() - started}
